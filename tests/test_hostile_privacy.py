"""Hostile input, the ways personal data could get out (issue: hostile and messy input,
items 1-7): known-identifier files, apostrophe and hyphen variants, duplicate settings,
names as participant ids, the review folder, stale outputs after a failed re-run, and an
output folder that is the corpus."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import ConfigError, InputError, LeakageError
from pipeline.guards import check_out_dir, check_review_dir, invalidate_from, review_folder
from pipeline.params import load_params
from pipeline.redaction.filters import whole_name
from pipeline.redaction.gate import check_participant_ids, survives
from pipeline.redaction.known_identifiers import load_known_identifiers
from pipeline.redaction.spans import Span
from pipeline.redaction.textutil import find_in_original
from pipeline.stages import STAGES
from tests.conftest import ROOT, row, write_corpus


# ------------------------------------------------------------ 1. known-identifiers file
def test_known_identifiers_bom_spaces_and_inline_comments(tmp_path):
    path = tmp_path / "known.txt"
    path.write_bytes("\ufeffJuana Pérez\nORG Casa del Sol\nPHONE\t+51 951 234 876\n"
                     "Rosa Mamani   # her aunt\n\n# a comment\nORGANIZATION  Bar Luna\n"
                     .encode("utf-8"))
    assert load_known_identifiers(path) == [
        ("PERSON", "Juana Pérez"), ("ORG", "Casa del Sol"), ("PHONE", "+51 951 234 876"),
        ("PERSON", "Rosa Mamani"), ("ORG", "Bar Luna")]


@pytest.mark.parametrize("content, message", [
    ("FOO\tbar\n", "unknown type 'FOO'"),
    ("ORG\n", "type ORG has no value"),
    ("x\n", "one character"),
])
def test_known_identifiers_fail_loudly_with_the_line(tmp_path, content, message):
    path = tmp_path / "known.txt"
    path.write_text("Juana Pérez\n" + content, encoding="utf-8")
    with pytest.raises(InputError, match=f"known.txt:2: .*{message}"):
        load_known_identifiers(path)


def test_known_identifiers_not_utf8(tmp_path):
    path = tmp_path / "known.txt"
    path.write_bytes("Juana Pérez\n".encode("utf-16"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_known_identifiers(path)


# ------------------------------------------------------------ 2. apostrophes and hyphens
APOSTROPHES = ["'", "’", "‘", "ʼ", "´"]
DASHES = ["-", "‐", "–", "—", " "]


def _variant(draw_case, draw_accent, apostrophe, dash, space, value):
    text = value.replace("'", apostrophe).replace("-", dash).replace(" ", space)
    if draw_accent:
        text = unicodedata.normalize("NFD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return {"upper": text.upper(), "lower": text.lower(), "title": text.title(),
            "same": text}[draw_case]


@given(case=st.sampled_from(["upper", "lower", "title", "same"]), accent=st.booleans(),
       apostrophe=st.sampled_from(APOSTROPHES), dash=st.sampled_from(DASHES),
       space=st.sampled_from([" ", "  ", "\n", "\t", " \n "]),
       value=st.sampled_from(["d'Artagnan Ríos", "chino-rulo", "María O'Neill-Quispe",
                              "Ñusta Pérez"]))
@settings(max_examples=300, deadline=None)
def test_every_spelling_of_a_known_identifier_is_found(case, accent, apostrophe, dash, space,
                                                       value):
    spelled = _variant(case, accent, apostrophe, dash, space, value)
    text = f"y entonces {spelled} vino a la casa"
    assert find_in_original(text, value), "the deny list / known identifiers would miss it"
    assert survives(text, value), "the gate would miss it"
    assert not survives("y entonces [PERSON_1] vino a la casa", value)


def test_names_with_apostrophes_are_kept_whole():
    text = "I met Siobhan O’Brien at the station"
    start = text.index("Siobhan")
    extended = whole_name(text, Span(start, start + len("Siobhan O"), "PERSON", 0.9, "x"))
    assert text[extended.start:extended.end] == "Siobhan O’Brien"
    back = whole_name(text, Span(text.index("Brien"), text.index("Brien") + 5, "PERSON", 0.9,
                                 "x"))
    assert text[back.start:back.end] == "O’Brien"
    possessive = "Maria’s sister"
    assert whole_name(possessive, Span(0, 5, "PERSON", 0.9, "x")).end == 5


# ------------------------------------------------------------ 3. duplicate settings
def test_duplicate_sections_are_an_error_naming_both_lines(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text("redaction:\n  known_identifiers_file: /secret/known.txt\n"
                    "coding:\n  batch_size: 8\nredaction:\n  mode: tag\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'redaction' appears twice \(lines 1 and 5\)"):
        load_params(path)
    path.write_text("redaction:\n  mode: tag\n  mode: surrogate\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="'mode' appears twice"):
        load_params(path)


# ------------------------------------------------------------ 4. names as participant ids
def test_participant_id_holding_a_known_identifier_is_refused_without_naming_it():
    known = [("PERSON", "Justina Mamani")]
    with pytest.raises(LeakageError) as info:
        check_participant_ids(["AR-E01", "Justina.Mamani"], known)
    assert "number 2" in str(info.value) and "Justina" not in str(info.value)
    check_participant_ids(["AR-E01", "PE-E02"], known)


# ------------------------------------------------------------ 5. review folder
def test_review_folder_is_resolved_against_the_project_and_kept_apart(tmp_path):
    assert review_folder("private/review") == ROOT / "private" / "review"
    assert review_folder(str(tmp_path / "r")) == tmp_path / "r"
    out = tmp_path / "out"
    with pytest.raises(ConfigError, match="inside the output folder"):
        check_review_dir(str(out / "review"), out, tmp_path / "corpus")
    with pytest.raises(ConfigError, match="inside the corpus folder"):
        check_review_dir(str(tmp_path / "corpus" / "r"), out, tmp_path / "corpus")
    check_review_dir(str(tmp_path / "private"), out, tmp_path / "corpus")


# ------------------------------------------------------------ 7. --out and the corpus
def test_out_must_be_outside_the_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for out in (corpus, corpus / "outputs", tmp_path):
        with pytest.raises(ConfigError, match="outside the corpus"):
            check_out_dir(out, corpus)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigError, match="is a file"):
        check_out_dir(tmp_path / "file", corpus)
    check_out_dir(tmp_path / "elsewhere" / "out", corpus)


def test_run_refuses_out_equal_to_corpus_before_any_work(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", [row("PE-01")],
                          {"PE-01.txt": "E: Hola.\nP: Me llamo Rosa Quispe.\n"})
    result = CliRunner().invoke(app, ["run", "--corpus", str(corpus), "--out", str(corpus)])
    assert result.exit_code == 1 and "outside the corpus" in result.output
    assert not (corpus / "redacted").exists()


# ------------------------------------------------------------ 6. stale outputs
def test_failed_stage_removes_its_outputs_and_all_later_ones(tmp_path):
    out = tmp_path / "out"
    for rel in ("redacted/segments.parquet", "coding/codings.parquet", "topics/x.parquet",
                "tables/a.csv", "report/quotes.csv", "metrics/topics.json",
                "metrics/coding.json"):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text("old")
    removed = invalidate_from("topics", out, STAGES)
    assert (out / "redacted").exists() and (out / "coding").exists()
    for rel in ("topics", "tables", "report", "metrics/topics.json", "metrics/coding.json"):
        assert not (out / rel).exists() and rel in removed
    assert "topics" in (out / "RUN_INCOMPLETE.txt").read_text()


def test_withdrawn_participant_absent_after_a_failed_rerun(tmp_path):
    """A tiny corpus: the topics stage fails (too few units). The earlier run's report,
    quotes and topics that name the now-withdrawn participant must not survive."""
    private = tmp_path / "private"
    params = tmp_path / "params.yaml"
    params.write_text((ROOT / "params.yaml").read_text(encoding="utf-8").replace(
        "review_dir: private/review", f"review_dir: {private}"), encoding="utf-8")
    text = ("E: ¿Qué pasó después?\nP: Me quedé en el refugio dos meses y nadie me explicó "
            "nada de mi caso.\n")
    corpus = write_corpus(tmp_path / "corpus", [row("PE-01"), row("PE-02", consent="withdrawn")],
                          {"PE-01.txt": text, "PE-02.txt": text})
    out = tmp_path / "out"
    for rel in ("report/quotes.csv", "report/project.qdpx", "topics/doc_topics.parquet",
                "tables/prevalence_by_country.csv"):  # an earlier run's outputs
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text("participant_id\nPE-02\n")
    result = CliRunner().invoke(app, ["run", "--corpus", str(corpus), "--out", str(out),
                                      "--params", str(params)])
    assert result.exit_code == 1, result.output
    leftovers = [p for p in out.rglob("*") if p.is_file() and "PE-02" in p.read_bytes().decode(
        "utf-8", "ignore")]
    assert leftovers == []
    assert (out / "RUN_INCOMPLETE.txt").exists()
    summary = json.loads((out / "redacted" / "redaction_summary.json").read_text())
    assert summary["participants_excluded_withdrawn"] == 1


# ------------------------------------------------------------ 8. a user's file in an output folder
def test_stage_folder_swap_keeps_user_files_and_drops_stale_own_files(tmp_path):
    from pipeline.io import atomic_dir
    figures = tmp_path / "figures"
    figures.mkdir()
    (figures / "old_chart.png").write_text("stale")
    with atomic_dir(figures) as tmp:
        (tmp / "new_chart.png").write_text("new")
    assert sorted(p.name for p in figures.iterdir()) == ["new_chart.png"]
    (figures / "notes.md").write_text("my notes")
    with pytest.raises(ConfigError, match=r"1 file\(s\) this stage does not write \(notes.md\)"):
        with atomic_dir(figures) as tmp:
            (tmp / "new_chart.png").write_text("newer")
    assert (figures / "notes.md").read_text() == "my notes"
    assert (figures / "new_chart.png").read_text() == "new"


# ------------------------------------------------------------ 12, 13. early, clear errors
def test_negative_seeds_and_folders_for_files_are_clear_errors(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text("compare:\n  seed: -1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="compare.seed"):
        load_params(path)
    with pytest.raises(ConfigError, match="is a folder"):
        load_params(tmp_path)
    path.write_bytes("compare:\n  seed: 1\n".encode("utf-16"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_params(path)


def test_run_checks_every_path_before_the_first_stage(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", [row("PE-01")],
                          {"PE-01.txt": "E: Hola.\nP: Me llamo Rosa Quispe.\n"})
    params = tmp_path / "params.yaml"
    params.write_text(f"redaction:\n  review_dir: {tmp_path / 'private'}\n"
                      "coding:\n  codebook: nowhere/codebook.yaml\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", "--corpus", str(corpus), "--out",
                                      str(tmp_path / "out"), "--params", str(params)])
    assert result.exit_code == 1 and "nowhere/codebook.yaml" in result.output
    assert not (tmp_path / "out" / "redacted").exists()
    assert not (tmp_path / "private").exists()


def test_agree_gold_not_utf8_is_a_message(tmp_path):
    gold = tmp_path / "themes.csv"
    gold.write_bytes("participant_id,code,present\nPE-01,CARE_PSYCH,1\n".encode("utf-16"))
    from pipeline.coding.agreement import read_gold
    with pytest.raises(InputError, match="themes.csv"):
        read_gold(gold)


@pytest.mark.parametrize("pid", ["Justina.Mamani", "JUSTINA-MAMANI", "justina-01", "AR E01",
                                 "AR-E01-" , "A" * 40 + "1"])
def test_participant_ids_must_be_opaque_and_the_message_does_not_echo_them(tmp_path, pid):
    from pipeline.corpus import validate_corpus
    from pipeline.params import CorpusParams
    corpus = write_corpus(tmp_path / "c", [row(pid)], {})
    problems = [str(p) for p in validate_corpus(corpus, CorpusParams())]
    assert any("opaque code" in p for p in problems)
    assert not any(pid in p for p in problems)


# ------------------------------------------------------------ 11. long transcripts
_LIMIT_CODE = (
    "import resource, sys\n"
    "limit = {limit}\n"
    "resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))\n"
    "from pipeline.stages.redact import main\n"
    "rc = main(['--params', r'{params}', '--corpus', r'{corpus}', '--out', r'{out}'])\n"
    "print('PEAK_MB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,"
    " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n"
    "sys.exit(rc)\n")


def _redact_capped(corpus, params, out, limit=2 * 1024 ** 3):
    """`stage redact` in a fresh process whose memory is capped (RLIMIT_DATA, inherited by
    any worker): (exit code, peak RSS of the stage and of its largest child, stderr)."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", _LIMIT_CODE.format(
        limit=limit, params=params, corpus=corpus, out=out)], cwd=ROOT, capture_output=True,
        text=True, timeout=1800)
    peaks = result.stdout.split("PEAK_MB")[1].split()[:2] if "PEAK_MB" in result.stdout \
        else ["0", "0"]
    return result.returncode, int(peaks[0]), int(peaks[1]), result.stderr


@pytest.mark.slow
def test_a_20_mb_transcript_goes_through_stage_redact_within_2_gb(tmp_path):
    """20 MB in one transcript through `stage redact`, every process capped at 2 GiB: it
    completes under 2 GiB resident and every planted name is redacted.

    So that it fits in `make test`, the transcript repeats one question and one answer, and a
    first run on the opening 500,000 characters leaves the analysis of its pieces in the
    cache: the 20 MB run is cut into the same pieces and takes their analysis from the cache
    (the remainder piece is analysed). Everything that sees the whole transcript runs on all
    20 MB: reading and parsing it, planning its pieces, joining their spans, the leakage
    gate's repair and check, pseudonyms, the review file and the outputs. The same run with
    every piece analysed (20 MB of varied text) is `test_a_20_mb_long_transcript_is_
    redacted_within_2_gb`, in `make test-long`."""
    import re
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from long_transcript import write_corpus as write_long

    pair = ("ENTREVISTADORA: ¿Y qué pasó después?\n"
            "PARTICIPANTE: Bueno, Rosa Quispe me llevó a la casa de Juan Pérez en Cusco, y "
            "allí trabajé muchas horas sin pago. Nadie me explicó nada en la fiscalía. Mi "
            "teléfono era 951 234 567.\n")
    whole = pair * (20_000_000 // len(pair.encode()) + 1)
    params = tmp_path / "params.yaml"
    params.write_text(f"engine:\n  cache_dir: {tmp_path / 'cache'}\n  workers: 1\n"
                      f"redaction:\n  review_dir: {tmp_path / 'private'}\n", encoding="utf-8")
    opening = write_long(tmp_path / "opening", pair * (500_000 // len(pair)))
    code, *_, err = _redact_capped(opening, params, tmp_path / "out_opening")
    assert code == 0, err[-2000:]
    corpus = write_long(tmp_path / "corpus", whole)
    assert (corpus / "transcripts" / "PE-01.txt").stat().st_size >= 20_000_000
    code, stage_mb, worker_mb, err = _redact_capped(corpus, params, tmp_path / "out")
    assert code == 0, err[-2000:]
    assert stage_mb < 2048 and worker_mb < 2048, f"peak RSS {stage_mb} MB, {worker_mb} MB"
    reused = re.search(r"(\d+) piece\(s\) analysed, (\d+) reused from the cache", err)
    assert reused and int(reused.group(1)) <= 1 and int(reused.group(2)) >= 75, err[-1000:]
    redacted = (tmp_path / "out" / "redacted" / "transcripts" / "PE-01.txt").read_text(
        encoding="utf-8")
    assert len(redacted) > 15_000_000
    for name in ("Rosa Quispe", "Quispe", "Juan Pérez", "951 234 567"):
        assert name not in redacted
    assert redacted.count("[PERSON_") == 2 * whole.count("PARTICIPANTE:")  # both, every answer


@pytest.mark.slow
@pytest.mark.long
def test_a_20_mb_long_transcript_is_redacted_within_2_gb(tmp_path):
    """20 MB of varied text in one transcript through `stage redact`, in a fresh process whose
    memory is capped at 2 GiB (`resource.setrlimit(RLIMIT_DATA)`: heap and private mappings,
    inherited by its workers): it completes, every process peaks under 2 GiB resident, and every planted
    name is redacted. (RLIMIT_DATA, not RLIMIT_AS: address space reserved and never touched,
    as torch reserved ~700 MB when spaCy's thinc still imported it, is not memory used.) Speed
    is measured by bench/long_transcript.py, not here."""
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from long_transcript import NAMES, transcript
    from long_transcript import write_corpus as write_long

    corpus = write_long(tmp_path / "corpus", transcript(20_000_000))
    params = tmp_path / "params.yaml"
    params.write_text(f"engine:\n  cache_dir: null\nredaction:\n  review_dir: "
                      f"{tmp_path / 'private'}\n", encoding="utf-8")
    out = tmp_path / "out"
    code, parent, worker, err = _redact_capped(corpus, params, out)
    assert code == 0, err[-2000:]
    assert parent < 2048 and worker < 2048, f"peak RSS {parent} MB (stage), {worker} MB (worker)"
    redacted = (out / "redacted" / "transcripts" / "PE-01.txt").read_text(encoding="utf-8")
    assert len(redacted) > 15_000_000
    for name in NAMES:
        assert name not in redacted
