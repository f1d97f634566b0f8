"""End to end: `testimony run` on the demo corpus into a temp dir, then the output contract,
privacy (no withdrawn participant, no gold personal data anywhere), and determinism."""

from __future__ import annotations

import hashlib
import json
import unicodedata
import zipfile

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.conftest import DEMO, ROOT

# one test process runs the shared end-to-end demo run (conftest.e2e_run) for both files
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]

CONTRACT = [
    "redacted/segments.parquet", "redacted/participants.csv", "redacted/redaction_summary.json",
    "coding/codings.parquet", "coding/participant_codes.csv", "coding/codebook.qdc",
    "coding/codebook.md",
    "topics/topic_info.csv", "topics/doc_topics.parquet", "topics/topics_by_country.csv",
    "topics/topic_code_overlap.csv",
    "tables/prevalence_by_country.csv", "tables/convergences.csv", "tables/divergences.csv",
    "tables/prevalence_by_profile.csv", "tables/prevalence_by_language.csv",
    "tables/cooccurrence.csv",
    "figures/figures.md", "report/report.md", "report/report.html", "report/quotes.csv",
    "report/project.qdpx", "metrics/redaction.json", "metrics/coding.json",
    "metrics/topics.json",
]


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def test_output_contract(e2e_run):
    out, output, _ = e2e_run
    for name in CONTRACT:
        assert (out / name).exists(), name
    metadata = pd.read_csv(DEMO / "metadata.csv")
    included = sorted(metadata.loc[metadata["consent"] == "granted", "participant_id"])
    transcripts = sorted(p.stem for p in (out / "redacted" / "transcripts").glob("*.txt"))
    assert transcripts == included
    codes = pd.read_csv(out / "coding" / "participant_codes.csv")
    assert list(codes.columns) == ["participant_id", "code", "present", "count", "valence"]
    assert codes.groupby("participant_id").size().nunique() == 1
    assert len(codes) == len(included) * codes["code"].nunique()
    prevalence = pd.read_csv(out / "tables" / "prevalence_by_country.csv")
    assert list(prevalence.columns) == ["country", "code", "n_participants", "n_present",
                                        "prevalence", "ci_low", "ci_high"]
    assert set(prevalence["country"]) == {"AR", "CO", "EC", "MX", "PE"}
    for figure in ("theme_country_heatmap", "divergences", "convergences", "care_valence",
                   "cooccurrence", "topic_country_heatmap", "sample_composition",
                   "redaction_summary"):
        for fmt in ("png", "svg", "pdf"):
            assert (out / "figures" / f"{figure}.{fmt}").stat().st_size > 0
    assert "participants processed: 67" in output
    assert "participants excluded (consent withdrawn): 2" in output


def test_redacted_transcripts_keep_labels_and_turns(e2e_run):
    out, _, _ = e2e_run
    segments = pd.read_parquet(out / "redacted" / "segments.parquet")
    for pid, group in segments.groupby("participant_id"):
        text = (out / "redacted" / "transcripts" / f"{pid}.txt").read_text(encoding="utf-8")
        for row in group.itertuples():
            assert text[row.start:row.end] == row.text
            assert text[: row.start].rstrip().endswith(f"{row.label}:")


def test_withdrawn_participants_in_no_output(e2e_run):
    out, output, _ = e2e_run
    withdrawn = ["AR-E14", "MX-E15"]
    for path in out.rglob("*"):
        if path.is_dir():
            continue
        data = path.read_bytes()
        if path.suffix == ".qdpx":
            with zipfile.ZipFile(path) as archive:
                data = b"".join(archive.read(n) for n in archive.namelist())
        for pid in withdrawn:
            assert pid.encode() not in data, (path, pid)
    assert not any(pid in output for pid in withdrawn)


def test_no_direct_identifier_of_gold_in_text_outputs(e2e_run):
    """Every direct identifier in the gold is gone from every text output (a few known
    misses are allowed only as the leakage rate measured by evaluate)."""
    out, output, _ = e2e_run
    gold = [json.loads(line) for line in (DEMO / "gold" / "pii.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    direct = {r["text"] for r in gold if r["identifier"] == "direct" and len(r["text"]) >= 6
              and r["participant_id"] not in ("AR-E14", "MX-E15")}
    texts = [output]
    for path in list((out / "report").glob("*.md")) + list((out / "report").glob("*.csv")) \
            + list((out / "topics").glob("*.csv")) + list((out / "figures").glob("*.md")):
        texts.append(path.read_text(encoding="utf-8"))
    blob = fold("\n".join(texts))
    leaked = [d for d in direct if fold(d) in blob]
    assert len(leaked) <= max(1, len(direct) // 100), len(leaked)


def test_metrics_written(e2e_run):
    out, _, _ = e2e_run
    redaction = json.loads((out / "metrics" / "redaction.json").read_text())
    coding = json.loads((out / "metrics" / "coding.json").read_text())
    assert redaction and coding
    summary = json.loads((out / "redacted" / "redaction_summary.json").read_text())
    assert summary["participants_excluded_withdrawn"] == 2


def test_run_ends_with_a_timing_summary_per_stage(e2e_run):
    from pipeline.cli import STAGES
    _, output, _ = e2e_run
    table = output[output.index("Time and peak memory per stage"):].splitlines()
    rows = {line.split()[0]: line.split() for line in table[1:] if line.strip()}
    assert list(rows) == [*STAGES, "total"]
    seconds = {name: float(cells[1]) for name, cells in rows.items()}
    assert all(value > 0 for value in seconds.values())
    assert abs(sum(seconds[s] for s in STAGES) - seconds["total"]) < 0.1 * len(STAGES)
    # each stage's peak memory (this process and its workers), and the run's largest
    peaks = {name: float(cells[-2]) for name, cells in rows.items()}
    assert all(cells[-1] == "MB" for cells in rows.values())
    assert all(100 < value < 24 * 1024 for value in peaks.values())
    assert peaks["total"] == max(peaks[s] for s in STAGES)


def test_report_recovers_the_regional_contrasts(e2e_run):
    """The contrasts of the regional report that the demo corpus encodes (THEMES.md)."""
    out, _, _ = e2e_run
    divergences = pd.read_csv(out / "tables" / "divergences.csv",
                              keep_default_na=False).set_index("code")

    def stands_out(code: str, country: str, side: str = "above") -> bool:
        row = divergences.loc[code]
        return str(row["divergent"]) == "True" and country in row[f"countries_{side}"]

    assert stands_out("CORRUPTION", "MX")
    assert stands_out("ORGANIZED_CRIME", "MX")
    assert stands_out("OFFICIAL_EMPATHY", "CO") and stands_out("OFFICIAL_EMPATHY", "MX", "below")
    assert stands_out("RETURN_FORCED", "EC") and stands_out("RETURN_FORCED", "MX")
    convergences = pd.read_csv(out / "tables" / "convergences.csv").set_index("code")
    for code in ("DISTRUST_JUSTICE", "CARE_PSYCH", "IMPUNITY", "CARE_NGO"):
        assert bool(convergences.loc[code, "convergent"]), code
    report = (out / "report" / "report.md").read_text(encoding="utf-8")
    assert "Corruption" in report and "### MX" in report


def test_run_is_deterministic(e2e_run, tmp_path):
    """A second run of the cheap stages on the same redacted inputs gives identical files."""
    from pipeline.params import load_params
    from pipeline.stages import compare, figures, report

    out, _, params_path = e2e_run
    params = load_params(params_path)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest()
              for p in sorted((out / "tables").glob("*.csv"))
              + [out / "report" / "report.md", out / "report" / "project.qdpx"]}
    for stage in (compare, figures, report):
        stage.run(params, out, DEMO)
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in before}
    assert before == after


def test_demo_qdpx_valid_and_codings_point_at_evidence(e2e_run):
    from lxml import etree

    from pipeline.report.qdpx import validate_project

    out, _, _ = e2e_run
    with zipfile.ZipFile(out / "report" / "project.qdpx") as archive:
        project = archive.read("project.qde")
        sources = {n: archive.read(n).decode("utf-8") for n in archive.namelist()
                   if n.startswith("Sources/")}
    assert validate_project(project, ROOT / "schemas" / "refi-qda" / "Project.xsd") == []
    ns = {"q": "urn:QDA-XML:project:1.0"}
    root = etree.fromstring(project)
    for source in root.iterfind(".//q:TextSource", ns):
        text = sources[f"Sources/{source.get('guid')}.txt"]
        for selection in source.iterfind("q:PlainTextSelection", ns):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert 0 <= start < end <= len(text)


def test_review_and_learn_cycle_with_a_simulated_coder(e2e_run, tmp_path):
    """review -> a simulated coder answers from the demo gold -> learn adds the answers to a
    copy of the exemplar bank, refits, and reports validation agreement before and after."""
    import shutil

    out, _, params_path = e2e_run
    bank = tmp_path / "exemplars"
    shutil.copytree(ROOT / "codebooks" / "exemplars", bank)
    calibration = tmp_path / "calibration.json"
    shutil.copy(ROOT / "codebooks" / "calibration.json", calibration)
    text = params_path.read_text(encoding="utf-8")
    text = text.replace("exemplars: codebooks/exemplars", f"exemplars: {bank}")
    text = text.replace("calibration: codebooks/calibration.json", f"calibration: {calibration}")
    params = tmp_path / "params.yaml"
    params.write_text(text, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["review", "--out", str(out), "--n", "40",
                                 "--params", str(params)])
    assert result.exit_code == 0, result.output
    sheet = pd.read_csv(out / "review" / "review_sheet.csv", dtype=str, keep_default_na=False)
    assert len(sheet) == 40 and (out / "review" / "review_sheet.html").exists()
    gold = pd.read_csv(DEMO / "gold" / "themes.csv", dtype=str)
    present = {(r.participant_id, r.code) for r in gold.itertuples() if r.present == "1"}
    sheet["answer"] = ["yes" if (p, c) in present else "no"
                       for p, c in zip(sheet["participant_id"], sheet["code"], strict=True)]
    decisions = tmp_path / "decisions.csv"
    sheet.to_csv(decisions, index=False)
    validation = tmp_path / "heldout_run"
    result = runner.invoke(app, ["stage", "redact", "--corpus", str(ROOT / "corpora" /
                                                                     "heldout"),
                                 "--out", str(validation), "--params", str(params)])
    assert result.exit_code == 0, result.output
    before = calibration.read_bytes()
    result = runner.invoke(app, ["learn", "--decisions", str(decisions), "--train-out", str(out),
                                 "--validation-out", str(validation), "--validation-gold",
                                 str(ROOT / "corpora" / "heldout" / "gold" / "themes.csv"),
                                 "--params", str(params)])
    assert result.exit_code == 0, result.output
    assert "40 answers read, 40 new exemplars" in result.output
    assert "validation macro F1 (en):" in result.output and "->" in result.output
    assert calibration.read_bytes() != before
    learned = [json.loads(line) for line in (bank / "reviewed.jsonl").read_text(
        encoding="utf-8").splitlines()]
    assert {r["provenance"] for r in learned} <= {"confirmed_in_review", "rejected_in_review"}
    assert not (ROOT / "codebooks" / "exemplars" / "reviewed.jsonl").exists()


# What a machine without AVX-512 (any Intel CPU from 2013 to about 2017, most AMD ones)
# computes with no pinning: OpenBLAS's AVX2 kernels, numpy without its AVX-512 loops, numba
# compiling for a Haswell host's features.
HASWELL_HOST = {
    "TESTIMONY_NATIVE_CPU": "1",
    "OPENBLAS_CORETYPE": "Haswell",
    "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",
    "NUMBA_CPU_NAME": "haswell",
    "NUMBA_CPU_FEATURES": "+64bit,+avx,+avx2,+bmi,+bmi2,+cmov,+cx16,+cx8,+f16c,+fma,+fsgsbase,"
                          "+fxsr,+invpcid,+lzcnt,+mmx,+movbe,+pclmul,+popcnt,+rdrnd,+sahf,+sse,"
                          "+sse2,+sse3,+sse4.1,+sse4.2,+ssse3,+xsave,+xsaveopt,-avx512f,-avx512bw,"
                          "-avx512cd,-avx512dq,-avx512vl",
}


def test_topics_stage_is_byte_identical_across_processes_threads_and_cpu_types(e2e_run,
                                                                               tmp_path):
    """One multilingual topic model; two separate processes give the same files, byte for
    byte: the first as every stage runs here (code paths pinned, one thread), the second
    with two threads and the pin switched off on an emulated machine without AVX-512. Each
    starts from an empty embedding cache, so the vectors are computed under each setting.
    Equal bytes mean the pin reproduces what such a machine computes natively."""
    import os
    import shutil
    import subprocess
    import sys

    from pipeline.cpu_paths import PIN_VARIABLES, cpu_flags, pinned_environment

    out, _, params = e2e_run
    flags = cpu_flags()
    other_cpu = dict(HASWELL_HOST)
    if not pinned_environment(flags, os.uname().machine):
        other_cpu = {}   # a CPU below x86-64-v3 cannot run the emulated one: threads only
    elif "avx512f" not in (flags or ()):
        other_cpu.pop("NPY_DISABLE_CPU_FEATURES")   # nothing of AVX-512 to switch off here
    digests = []
    for threads, cpu in (("1", {}), ("2", other_cpu)):
        run_dir = tmp_path / f"run{threads}"
        for sub in ("redacted", "coding"):
            shutil.copytree(out / sub, run_dir / sub)
        run_params = run_dir / "params.yaml"
        run_params.write_text(params.read_text(encoding="utf-8").replace(
            "cache_dir: .cache/embeddings", f"cache_dir: {run_dir / 'embeddings'}"),
            encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in PIN_VARIABLES}
        env.update(OMP_NUM_THREADS=threads, OPENBLAS_NUM_THREADS=threads,
                   NUMBA_NUM_THREADS=threads, MKL_NUM_THREADS=threads, **cpu)
        result = subprocess.run([sys.executable, "-m", "pipeline.stages.topics", "--params",
                                 str(run_params), "--out", str(run_dir)], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, result.stderr[-2000:]
        assert list((run_dir / "embeddings").rglob("vectors.sqlite")), \
            "the embedding cache was not used"
        files = sorted(p for p in (run_dir / "topics").rglob("*") if p.is_file())
        files.append(run_dir / "metrics" / "topics.json")
        digests.append({str(p.relative_to(run_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
                        for p in files})
    assert digests[0] == digests[1]
    info = pd.read_csv(tmp_path / "run1" / "topics" / "topic_info.csv")
    assert {"label_en", "label_es", "words_en", "words_es", "snippet_en", "snippet_es"} <= set(
        info.columns)
    metrics = json.loads((tmp_path / "run1" / "metrics" / "topics.json").read_text())
    assert metrics["share_topics_both_languages"] >= 0.7


def test_every_file_a_stage_reads_is_declared_in_dvc_yaml(e2e_run, tmp_path):
    """Run each stage in-process with an audit hook that records every file it opens for
    reading; each such data file (under the repository or the output folder) must be one of
    the stage's `deps` in dvc.yaml (or inside a dep folder), or params.yaml. This is what
    would have caught the figures stage reading topic_info.csv without declaring it."""
    import importlib
    import os
    import shutil
    import sys
    from pathlib import Path

    import yaml

    from pipeline.params import load_params

    out, _, params_path = e2e_run
    work = tmp_path / "outputs"
    shutil.copytree(out, work)
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    params = load_params(params_path)
    opened: list[str] = []
    recording = {"on": False}

    def hook(event, args):
        if recording["on"] and event == "open" and args and isinstance(args[0], (str, bytes)):
            mode = args[1] if len(args) > 1 and isinstance(args[1], str) else "r"
            if "r" in (mode or "r") and not any(m in (mode or "") for m in "wax+"):
                opened.append(os.fsdecode(args[0]))

    sys.addaudithook(hook)
    problems = []
    for name in ("code", "topics", "compare", "figures", "report", "evaluate"):
        module = importlib.import_module(f"pipeline.stages.{name}")
        opened.clear()
        recording["on"] = True
        try:
            module.run(params, work, DEMO)
        finally:
            recording["on"] = False
        deps = [str(d) for d in stages[name].get("deps", [])] + ["params.yaml"]
        own = [str(next(iter(o))) if isinstance(o, dict) else str(o)
               for o in stages[name].get("outs", []) + stages[name].get("metrics", [])]
        for raw in sorted(set(opened)):
            path = Path(raw).resolve()
            if (path.suffix in (".py", ".pyc") or ".cache" in path.parts or not path.is_file()
                    or any(p.endswith(".egg-info") for p in path.parts)):
                continue
            if any(p.startswith(".") for p in path.relative_to(work.resolve()).parts) \
                    if path.is_relative_to(work.resolve()) else False:
                continue  # a stage's temporary folder (atomic writes)
            if path.is_relative_to(work.resolve()):
                rel = "outputs/" + str(path.relative_to(work.resolve()))
            elif path.is_relative_to(ROOT) and not path.is_relative_to(ROOT / ".venv"):
                rel = str(path.relative_to(ROOT))
            else:
                continue
            if path == Path(params_path).resolve() or path.name.endswith(".tmp"):
                continue
            if any(rel == o or rel.startswith(o.rstrip("/") + "/") for o in own):
                continue  # the stage's own outputs (atomic writes reopen them)
            if not any(rel == d or rel.startswith(d.rstrip("/") + "/") for d in deps):
                problems.append(f"{name} reads {rel} but dvc.yaml does not declare it")
    assert problems == [], "\n".join(problems)


def test_demo_report_says_synthetic_because_the_demo_corpus_does(e2e_run):
    out, _, _ = e2e_run
    summary = json.loads((out / "redacted" / "redaction_summary.json").read_text("utf-8"))
    assert summary["corpus_synthetic"] is True  # from corpora/demo/corpus.yaml
    assert "**Synthetic data.**" in (out / "report" / "report.md").read_text("utf-8")


def test_every_file_the_run_writes_is_named_in_the_artefact_contract(e2e_run):
    from pipeline.artifacts import ARTIFACTS, STAGE_OUTPUTS, stage_of

    out, _, _ = e2e_run
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    unnamed = [name for name in written if stage_of(name) is None]
    assert not unnamed, f"written but not in pipeline/artifacts.py: {unnamed}"
    for stage, patterns in ARTIFACTS.items():
        if stage == "review":
            continue  # written by `testimony review`, not by `testimony run`
        for pattern in patterns:
            owned = STAGE_OUTPUTS[stage]
            assert any(pattern == o or pattern.startswith(o + "/") for o in owned), pattern
            if "*" not in pattern and not pattern.startswith("figures/"):
                assert pattern in written, f"{stage} did not write {pattern}"
