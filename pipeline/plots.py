"""`dvc plots show` as a page that opens offline (`make plots` -> dvc_plots/index.html).

DVC's default page loads vega, vega-lite and vega-embed from a CDN, so with no network it is
blank. Here `dvc plots show` gets an HTML template (`--html-template`) that carries the three
libraries inline, from the bundle that the `vl-convert-python` package ships. The template
has no `{scripts}` placeholder, which is where DVC would put its CDN <script src> tags.

The plot definitions themselves live in dvc.yaml (`plots:`) and .dvc/plots/*.json.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

logger = logging.getLogger(__name__)

# The Vega-Lite major version of the templates' "$schema" (DVC's own templates are v5 too).
VEGA_LITE_VERSION = "5.21"

PAGE_TITLE = "Testimony pipeline: DVC plots"

# DVC fills `{plot_divs}` (required) and `{refresh_tag}`; `{scripts}` is left out on purpose.
PAGE_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="utf-8">
    {refresh_tag}
    <title>__TITLE__</title>
    <script type="text/javascript">
__BUNDLE__
    </script>
    <style>
        body { font-family: sans-serif; margin: 1.5em; }
        body > div { margin-bottom: 2.5em; }
        p.note { color: #555; font-size: 0.9em; max-width: 60em; }
    </style>
</head>
<body>
    <h1>__TITLE__</h1>
    <p class="note">Rendered from the compare stage's tables (outputs/tables) with the plot
    definitions in dvc.yaml and .dvc/plots/. All JavaScript is inline: this page needs no
    network. Hover a bar or point for its numbers.</p>
    {plot_divs}
</body>
</html>
"""

# A <script> whose src is a URL: what makes DVC's default page blank offline.
REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?\s*(?:https?:)?//", re.IGNORECASE)
PLACEHOLDERS = ("{plot_divs}", "{scripts}", "{refresh_tag}")


class OfflinePlotsError(RuntimeError):
    """The page could not be made, or it would still need the network."""


def vega_bundle(vl_version: str = VEGA_LITE_VERSION) -> str:
    """vega + vega-lite + vega-embed as one classic script that sets `window.vegaEmbed`."""
    try:
        import vl_convert
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise OfflinePlotsError(
            "offline plots need the vl-convert-python package (it ships the Vega JavaScript)"
        ) from error
    bundle = vl_convert.javascript_bundle(vl_version=vl_version)
    check_bundle(bundle)
    return bundle


def check_bundle(bundle: str) -> None:
    """The bundle goes verbatim into an HTML template that DVC fills by plain string
    replacement: it must neither close the <script> element nor contain DVC's placeholders."""
    if "</script" in bundle.lower():
        raise OfflinePlotsError("the Vega bundle contains '</script' and cannot be inlined")
    found = [p for p in PLACEHOLDERS if p in bundle]
    if found:
        raise OfflinePlotsError(f"the Vega bundle contains DVC placeholders {found}")
    if "vegaEmbed" not in bundle:
        raise OfflinePlotsError("the Vega bundle does not define vegaEmbed")


def page_template(bundle: str, title: str = PAGE_TITLE) -> str:
    """The HTML template for `dvc plots show --html-template`, with `bundle` inline."""
    return PAGE_TEMPLATE.replace("__TITLE__", title).replace("__BUNDLE__", bundle)


def remote_scripts(html: str) -> list[str]:
    """The <script> tags of `html` that load code from the network."""
    return [match.group(0) for match in REMOTE_SCRIPT.finditer(html)]


def dvc_command(*args: str) -> list[str]:
    """DVC from this interpreter's environment (the project venv), not whatever is on PATH."""
    return [sys.executable, "-m", "dvc", *args]


def run_plots_show(repo: Path, out_dir: Path, template: Path, targets: list[str]) -> None:
    """`dvc plots show` in `repo`, writing `out_dir`/index.html from `template`."""
    command = dvc_command("plots", "show", "--html-template", str(template),
                          "-o", str(out_dir), *targets)
    env = dict(os.environ, DVC_NO_ANALYTICS="1")
    result = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True,
                            timeout=300, check=False)
    if result.returncode != 0:
        raise OfflinePlotsError(f"dvc plots show failed ({result.returncode}): "
                                f"{result.stderr.strip()[-2000:]}")
    # DVC reports plots it could not load on stderr but still exits 0.
    for line in result.stderr.strip().splitlines():
        logger.warning("dvc: %s", line)


def render_offline(repo: Path, out_dir: Path, targets: list[str] | None = None,
                   vl_version: str = VEGA_LITE_VERSION) -> Path:
    """Render the plots of the DVC project at `repo` to `out_dir`/index.html, offline-ready.

    `out_dir` is taken relative to `repo` when not absolute. Returns the page's path."""
    repo = Path(repo).resolve()
    out_dir = out_dir if Path(out_dir).is_absolute() else repo / out_dir
    template_text = page_template(vega_bundle(vl_version))
    with tempfile.TemporaryDirectory(prefix="dvc-plots-") as scratch:
        template = Path(scratch) / "offline_page.html"
        template.write_text(template_text, encoding="utf-8")
        run_plots_show(repo, Path(out_dir), template, list(targets or []))
    page = Path(out_dir) / "index.html"
    if not page.is_file():
        raise OfflinePlotsError(f"dvc plots show wrote no page at {page} (no plot data?)")
    remote = remote_scripts(page.read_text(encoding="utf-8"))
    if remote:
        raise OfflinePlotsError(f"{page} still loads scripts from the network: {remote}")
    logger.info("Offline plots page: %s", page)
    return page


def main(argv: list[str] | None = None) -> int:
    from pipeline.logs import setup_logging

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*",
                        help="plots to show (default: all in dvc.yaml)")
    parser.add_argument("--repo", type=Path, default=Path("."),
                        help="DVC project root (default: current folder)")
    parser.add_argument("--out", type=Path, default=Path("dvc_plots"),
                        help="output folder, relative to --repo (default: dvc_plots)")
    args = parser.parse_args(argv)
    setup_logging()
    try:
        render_offline(args.repo, args.out, args.targets)
    except OfflinePlotsError as error:
        logger.error("%s", error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
