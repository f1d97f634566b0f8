"""`dvc plots show` (dvc.yaml `plots:`, .dvc/plots/, pipeline.plots): a page that works offline,
with the field types, scales and titles a report author needs.

The repository's plot definitions and templates are copied into a throw-away DVC project
whose tables are small and synthetic (no corpus, no git), and rendered as `make plots` does.
"""

from __future__ import annotations

import csv
import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from pipeline import plots
from tests.conftest import ROOT

COUNTRIES = ["AR", "CO", "EC", "MX", "PE"]
CODES = ["CODE_ALPHA", "CODE_BETA", "CODE_GAMMA"]
PREVALENCE = "prevalence_by_country"
DIVERGENCES = "divergences"
COMPOSITION = "sample_composition"

SPEC_IN_PAGE = re.compile(r"var spec = (\{.*?\});\s*vegaEmbed\('#([^']+)'", re.DOTALL)
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)


# --- a synthetic DVC project -------------------------------------------------------------

def write_csv(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def prevalence_rows() -> list[dict]:
    """Shares chosen so that stacking the five countries would pass 1 (0.9 + 0.8 + ...)."""
    rows = []
    for i, country in enumerate(COUNTRIES):
        for j, code in enumerate(CODES):
            n_present = 9 - i - j
            share = n_present / 10
            rows.append({"country": country, "code": code, "n_participants": 10,
                         "n_present": n_present, "prevalence": share,
                         "ci_low": round(max(share - 0.2, 0), 4),
                         "ci_high": round(min(share + 0.2, 1), 4)})
    return rows


def divergence_rows() -> list[dict]:
    return [{"code": code, "family": "family_x", "divergent": j == 0,
             "pooled_prevalence": 0.5, "chi2": 9.5 - j, "cramers_v": round(0.6 - 0.2 * j, 2),
             "p_value": 0.001 * (j + 1), "q_value": 0.003 * (j + 1),
             "countries_above": "AR (90%)" if j == 0 else "", "countries_below": ""}
            for j, code in enumerate(CODES)]


def composition_rows() -> list[dict]:
    return [{"country": country, "n_participants": 10 + i, "profile_adult_woman": 10 + i}
            for i, country in enumerate(COUNTRIES)]


def repo_plot_definitions() -> list:
    return yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))["plots"]


def make_project(root: Path, definitions: list) -> Path:
    """A minimal DVC project (no git): .dvc/config, the plot templates, dvc.yaml with only
    `plots:`, and the three tables under outputs/tables/."""
    (root / ".dvc").mkdir(parents=True)
    (root / ".dvc" / "config").write_text("[core]\n    no_scm = true\n    analytics = false\n",
                                          encoding="utf-8")
    if (ROOT / ".dvc" / "plots").is_dir():
        shutil.copytree(ROOT / ".dvc" / "plots", root / ".dvc" / "plots")
    (root / "dvc.yaml").write_text(yaml.safe_dump({"plots": definitions}, allow_unicode=True),
                                   encoding="utf-8")
    tables = root / "outputs" / "tables"
    write_csv(tables / f"{PREVALENCE}.csv", prevalence_rows())
    write_csv(tables / f"{DIVERGENCES}.csv", divergence_rows())
    write_csv(tables / f"{COMPOSITION}.csv", composition_rows())
    return root


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> str:
    repo = make_project(tmp_path_factory.mktemp("plots") / "project", repo_plot_definitions())
    path = plots.render_offline(repo, Path("dvc_plots"))
    assert path == repo / "dvc_plots" / "index.html"
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def specs(page) -> dict[str, dict]:
    """The Vega-Lite spec of each plot in the page, by table name."""
    found = {}
    for text, div_id in SPEC_IN_PAGE.findall(page):
        table = next((t for t in (PREVALENCE, DIVERGENCES, COMPOSITION)
                      if div_id.endswith(f"{t}_csv")), div_id)
        found[table] = json.loads(text)
    return found


# --- reading a Vega-Lite spec --------------------------------------------------------------

def unit_encodings(spec: dict, inherited: dict | None = None) -> list[dict]:
    """The effective encoding of every unit view (layers inherit their parent's encoding)."""
    encoding = {**(inherited or {}), **spec.get("encoding", {})}
    if "spec" in spec:
        return unit_encodings(spec["spec"], encoding)
    if "layer" in spec:
        return [e for layer in spec["layer"] for e in unit_encodings(layer, encoding)]
    return [encoding]


def facet_fields(spec: dict) -> set[str]:
    """Fields that split a plot into panels (facet operator or row/column/facet channels)."""
    fields = set()
    facet = spec.get("facet", {})
    if "field" in facet:
        fields.add(facet["field"])
    fields |= {facet[k]["field"] for k in ("row", "column") if "field" in facet.get(k, {})}
    for encoding in unit_encodings(spec):
        fields |= {encoding[k]["field"] for k in ("row", "column", "facet") if k in encoding}
    return fields


def title_text(spec: dict) -> str:
    title = spec.get("title", "")
    return (title.get("text", "") if isinstance(title, dict) else title) or ""


def data_marks(spec: dict) -> list[dict]:
    """The data marks (not axes, legends, titles) of the rendered scenegraph."""
    import vl_convert

    graph = vl_convert.vegalite_to_scenegraph(spec, vl_version=plots.VEGA_LITE_VERSION)

    def walk(node: dict, found: list[dict]) -> list[dict]:
        if node.get("role") == "mark":
            found.append(node)
        for item in node.get("items") or []:
            if isinstance(item, dict):
                walk(item, found)
        return found

    return walk(graph["scenegraph"], [])


def drawn(marks: list[dict], marktype: str) -> list[dict]:
    """Items of `marktype` placed at finite coordinates (NaN positions are not drawn)."""
    items = [item for mark in marks if mark["marktype"] == marktype for item in mark["items"]]
    return [item for item in items
            if all(isinstance(item.get(k), int | float) and math.isfinite(item[k])
                   for k in ("x", "y"))]


# --- the page works offline ----------------------------------------------------------------

def test_page_loads_no_script_from_the_network(page):
    tags = SCRIPT.findall(page)
    assert tags, "no <script> in the page"
    sources = [attrs for attrs, _ in tags if re.search(r"\bsrc\s*=", attrs)]
    assert not [s for s in sources if re.search(r"(https?:)?//", s)], sources
    assert plots.remote_scripts(page) == []
    inline = max((body for _, body in tags), key=len)
    assert len(inline) > 100_000 and "vegaEmbed" in inline, "Vega is not inlined"


def test_inlined_bundle_parses_as_a_classic_script(page, tmp_path):
    """The page's scripts are not modules: the bundle must not use import/export."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    bundle = tmp_path / "bundle.js"
    bundle.write_text(max((body for _, body in SCRIPT.findall(page)), key=len), encoding="utf-8")
    result = subprocess.run([node, "--check", str(bundle)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr[-1000:]


def test_every_defined_plot_is_on_the_page(specs):
    assert set(specs) == {PREVALENCE, DIVERGENCES, COMPOSITION}


def test_guards_catch_remote_scripts_and_unsafe_bundles():
    assert plots.remote_scripts('<script src="https://cdn.example/vega.js"></script>')
    assert plots.remote_scripts("<script type='text/javascript' src=//cdn.example/x.js>")
    assert plots.remote_scripts('<script>var u = "https://example.org";</script>') == []
    with pytest.raises(plots.OfflinePlotsError):
        plots.check_bundle("window.vegaEmbed = 1; '</script>'")
    with pytest.raises(plots.OfflinePlotsError):
        plots.check_bundle("window.vegaEmbed = 1; '{plot_divs}'")


# --- what the plots say --------------------------------------------------------------------

def test_prevalence_is_per_country_on_a_share_scale(specs):
    spec = specs[PREVALENCE]
    for encoding in unit_encodings(spec):
        assert encoding["y"]["field"] == "code" and encoding["y"]["type"] == "nominal"
        x = encoding["x"]
        assert x["field"] in {"prevalence", "ci_low"} and x["type"] == "quantitative"
    bar_x = [e["x"] for e in unit_encodings(spec) if e["x"]["field"] == "prevalence"]
    assert bar_x and all(x.get("scale", {}).get("domain") == [0, 1] for x in bar_x)
    in_panels = "country" in facet_fields(spec)
    side_by_side = any(e.get(k, {}).get("field") == "country"
                       for e in unit_encodings(spec) for k in ("xOffset", "yOffset"))
    assert in_panels or side_by_side, "countries are neither panels nor side by side"
    if not in_panels:  # a colour only: bars must not be stacked
        assert all(x.get("stack") in (None, False) for x in bar_x)


def test_prevalence_bars_start_at_zero_one_per_country_and_code(specs):
    """Rendered: one bar per country x code, none stacked on another (all start at x=0)."""
    bars = drawn(data_marks(specs[PREVALENCE]), "rect")
    assert len(bars) == len(COUNTRIES) * len(CODES)
    assert all(bar["x"] == 0 for bar in bars)


def test_divergence_codes_are_nominal_and_cramers_v_quantitative(specs):
    spec = specs[DIVERGENCES]
    for encoding in unit_encodings(spec):
        assert encoding["y"]["field"] == "code" and encoding["y"]["type"] == "nominal"
        assert encoding["x"]["field"] == "cramers_v"
        assert encoding["x"]["type"] == "quantitative"
        assert encoding["x"].get("scale", {}).get("domain") == [0, 1]


def test_divergence_plot_draws_a_point_per_code(specs):
    assert len(drawn(data_marks(specs[DIVERGENCES]), "symbol")) == len(CODES)


def test_composition_plot_draws_a_bar_per_country(specs):
    spec = specs[COMPOSITION]
    for encoding in unit_encodings(spec):
        assert encoding["y"]["field"] == "country" and encoding["y"]["type"] == "nominal"
        assert encoding["x"]["type"] == "quantitative"
    assert len(drawn(data_marks(spec), "rect")) == len(COUNTRIES)


@pytest.mark.parametrize("table", [PREVALENCE, DIVERGENCES, COMPOSITION])
def test_plot_and_axes_have_titles_a_reader_understands(specs, table):
    spec = specs[table]
    title = title_text(spec).strip()
    assert title, f"{table}: no title"
    assert "/" not in title and not title.endswith(".csv"), f"{table}: title is a path: {title}"
    for encoding in unit_encodings(spec):
        for channel in ("x", "y"):
            axis = encoding[channel]
            if axis["field"] in {"ci_low"}:  # the interval layer shares the bar's axis
                continue
            title = str(axis.get("title") or "").strip()
            assert title and title != axis["field"], f"{table}: {channel} axis title {title!r}"


def test_prevalence_axis_says_share_of_participants_0_to_1(specs):
    titles = {e["x"].get("title", "") for e in unit_encodings(specs[PREVALENCE])
              if e["x"]["field"] == "prevalence"}
    assert any("share of participants" in t.lower() and re.search(r"0\s*[-–]\s*1", t)
               for t in titles), titles


def test_make_plots_target_renders_the_offline_page():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = re.search(r"^plots:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert target, "no `plots` target in the Makefile"
    assert "pipeline.plots" in target.group(1)
