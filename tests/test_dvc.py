"""dvc.yaml: every stage wired, valid for DVC, and a codebook edit re-runs only `code` onwards."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from pipeline.stages import STAGES
from tests.conftest import ROOT


def _stages() -> dict:
    return yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"]


def _paths(entries: list) -> list[str]:
    return [next(iter(e)) if isinstance(e, dict) else e for e in entries or []]


def _affected(changed: str) -> set[str]:
    """Stages that must re-run when the file or folder `changed` is edited."""
    stages = _stages()
    outs = {name: _paths(s.get("outs")) + _paths(s.get("metrics")) for name, s in stages.items()}

    def depends(dep: str, path: str) -> bool:
        return dep == path or path.startswith(dep.rstrip("/") + "/") or \
            dep.startswith(path.rstrip("/") + "/")

    affected: set[str] = set()
    frontier = [changed]
    while frontier:
        path = frontier.pop()
        for name, stage in stages.items():
            if name in affected:
                continue
            if any(depends(dep, path) for dep in _paths(stage.get("deps"))):
                affected.add(name)
                frontier.extend(outs[name])
    return affected


def test_every_stage_is_wired_with_the_same_entry_points():
    stages = _stages()
    assert list(stages) == STAGES
    for name, stage in stages.items():
        assert stage["cmd"].startswith(f"python -m pipeline.stages.{name} ")
        assert f"pipeline/stages/{name}.py" in _paths(stage["deps"])


def test_codebook_edit_reruns_only_code_and_after():
    assert _affected("codebooks/trafficking_themes.yaml") == set(STAGES) - {"redact"}


def test_transcript_edit_reruns_everything():
    assert _affected("corpora/demo/transcripts/AR-E01.txt") == set(STAGES)


def test_no_stage_after_redact_reads_the_corpus_except_evaluate_gold():
    for name, stage in _stages().items():
        corpus_deps = [d for d in _paths(stage["deps"]) if d.startswith("corpora/")]
        if name == "redact":
            continue
        if name == "evaluate":
            assert corpus_deps == ["corpora/demo/gold"]
        else:
            assert corpus_deps == [], name


def test_dvc_understands_the_pipeline(tmp_path):
    dvc = shutil.which("dvc", path=str(Path(ROOT / ".venv" / "bin"))) or shutil.which("dvc")
    result = subprocess.run([dvc, "dag", "--md"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    for name in STAGES:
        assert name in result.stdout


@pytest.mark.slow
def test_dvc_status_after_codebook_edit(tmp_path):
    """In a copy of the repository: `dvc repro`, edit the codebook, and `dvc status` names
    `code` and the stages after it as changed, never `redact`."""
    import json
    import os
    import re

    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    repo = tmp_path / "repo"
    for name in filter(None, files):
        if not (ROOT / name).exists():
            continue
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    _keep_per_country(repo / "corpora" / "demo", 7)
    env = dict(os.environ, PATH=f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}",
               DVC_NO_ANALYTICS="1", HF_HUB_OFFLINE="1")
    params = (repo / "params.yaml").read_text(encoding="utf-8")
    # the wiring is what is tested: lighter settings than the analysis (one topic fit, fewer
    # permutations and draws, PNG figures at 100 dpi) keep the run short
    for before, after in (("review_dir: private/review", f"review_dir: {tmp_path / 'private'}"),
                          ("stability_runs: 3", "stability_runs: 1"),
                          ("n_permutations: 9999", "n_permutations: 999"),
                          ("bootstrap: 1000", "bootstrap: 200"),
                          ("formats: [png, svg, pdf]", "formats: [png]"), ("dpi: 300", "dpi: 100")):
        assert before in params, before
        params = params.replace(before, after)
    (repo / "params.yaml").write_text(params, encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(list(args), cwd=repo, env=env, capture_output=True, text=True,
                              timeout=900)

    for command in (["git", "init", "-q"], ["dvc", "repro", "--quiet"]):
        result = run(*command)
        assert result.returncode == 0, result.stderr[-3000:]
    clean = run("dvc", "status", "--json")
    assert json.loads(clean.stdout or "{}") == {}, clean.stdout[-2000:]
    # headline metrics: a small table an analyst can read and DVC can compare
    shown = run("dvc", "metrics", "show")
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert "convergent" in shown.stdout and "macro_f1_en" in shown.stdout
    assert max(len(line) for line in shown.stdout.splitlines()) < 1000, shown.stdout[:400]
    # an experiment: a stricter convergence rule, compared with the baseline by `dvc exp show`
    for command in (["git", "add", "-A"],
                    ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit",
                     "-qm", "baseline"],
                    ["dvc", "exp", "run", "--quiet", "-S", "compare.convergence_min_share=0.9"]):
        result = run(*command)
        assert result.returncode == 0, result.stderr[-3000:]
    table = run("dvc", "exp", "show", "--json")
    assert table.returncode == 0, table.stderr[-2000:]
    convergent = _headline_values(json.loads(table.stdout), "outputs/headline/compare.json",
                                  "convergent")
    assert len(convergent) >= 2 and max(convergent) > min(convergent), convergent
    with open(repo / "codebooks" / "trafficking_themes.yaml", "a", encoding="utf-8") as handle:
        handle.write("\n# an analyst's edit\n")
    changed = json.loads(run("dvc", "status", "--json").stdout)
    assert "code" in changed and "redact" not in changed
    dry = run("dvc", "repro", "--dry")
    would_run = set(re.findall(r"Running stage '([a-z]+)'", dry.stdout))
    # stages downstream of `code` run only if code's outputs change: DVC decides that then
    assert "code" in would_run and "redact" not in would_run, dry.stdout[-2000:]
    assert "Stage 'redact' didn't change" in dry.stdout


def _headline_values(shown, path: str, key: str) -> list:
    """`key` of the metrics file `path` in each row of `dvc exp show --json` (workspace,
    baseline commit, experiments)."""
    values = []

    def walk(node):
        if isinstance(node, dict):
            metrics = (node.get("data") or {}).get("metrics") if "data" in node else None
            if isinstance(metrics, dict) and path in metrics:
                values.append((metrics[path].get("data") or {}).get(key))
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(shown)
    return [v for v in values if v is not None]


def _keep_per_country(corpus: Path, n: int) -> None:
    """The copy's demo corpus cut to the first `n` participants of each country (the wiring
    is what is tested; a third of the corpus keeps the run short)."""
    import csv

    with open(corpus / "metadata.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    kept, seen = [], {}
    for record in rows:
        seen[record["country"]] = seen.get(record["country"], 0) + 1
        if seen[record["country"]] <= n:
            kept.append(record)
        else:
            for path in (corpus / "transcripts").glob(f"{record['participant_id']}.*"):
                path.unlink()
    with open(corpus / "metadata.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(kept)


def test_the_report_stage_tracks_every_parameter_its_appendix_records():
    """The report prints its run's parameters: each printed section is a DVC parameter of the
    stage (a change re-runs it, so the appendix is never stale), and where the work ran
    (engine) is not printed (a cluster run and a local run give the same report)."""
    from pipeline.params import parse_params
    from pipeline.stages.report import reported_params

    printed = set(reported_params(parse_params({})))
    assert set(_stages()["report"]["params"]) == printed
    assert "engine" not in printed and {"redaction", "coding", "figures"} <= printed
