"""The corpus reader: formats, encodings, turn parsing, and one test per kind of bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.corpus import (
    load_corpus,
    normalise_text,
    parse_turns,
    render_transcript,
    validate_corpus,
)
from pipeline.errors import ConfigError, InputError
from pipeline.params import CorpusParams, load_params, parse_params
from tests.conftest import ENGLISH, HEADER, SPANISH, row, write_corpus


def problems_of(root: Path, params: CorpusParams) -> list[str]:
    return [str(p) for p in validate_corpus(root, params)]


def single_problem(root: Path, params: CorpusParams) -> str:
    problems = problems_of(root, params)
    assert len(problems) == 1, problems
    with pytest.raises(InputError):
        load_corpus(root, params)
    return problems[0]


# ----------------------------------------------------------------------------- reading

def test_reads_txt_turns_and_continuations(good_corpus, corpus_params):
    corpus = load_corpus(good_corpus, corpus_params)
    assert [t.participant_id for t in corpus.transcripts] == ["CO-02", "PE-01"]
    spanish = corpus.transcripts[1]
    assert [t.speaker for t in spanish.turns] == ["interviewer", "participant", "interviewer",
                                                 "participant"]
    assert spanish.turns[1].text.endswith("Nadie me explicó nada de los papeles.")
    assert "\n" in spanish.turns[1].text  # continuation line joined to its turn
    assert spanish.turns[0].label == "ENTREVISTADORA"


def test_short_labels_and_case(tmp_path, corpus_params):
    text = "I: Hello.\np: Hi there.\nE: ¿Y luego?\nP: Luego nada.\n"
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": text})
    turns = load_corpus(root, corpus_params).transcripts[0].turns
    assert [t.speaker for t in turns] == ["interviewer", "participant", "interviewer",
                                          "participant"]


def test_labels_configurable(tmp_path):
    params = CorpusParams.model_validate(
        {"labels": {"interviewer": ["ENTREVISTA"], "participant": ["SOBREVIVIENTE"]}})
    text = "ENTREVISTA: hola\nSOBREVIVIENTE: buenas\n"
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": text})
    assert [t.speaker for t in load_corpus(root, params).transcripts[0].turns] == [
        "interviewer", "participant"]


def test_utf8_bom_and_normalisation(tmp_path, corpus_params):
    decomposed = "PARTICIPANT: Mari\u0301a said\u00a0yes\u200b.\n"
    data = "\ufeffINTERVIEWER: Hi\n" + decomposed
    root = write_corpus(tmp_path, [row("X1", language="en")], {"X1.txt": data.encode("utf-8-sig")})
    turns = load_corpus(root, corpus_params).transcripts[0].turns
    assert turns[0].label == "INTERVIEWER"
    assert turns[1].text == "María said yes."


def test_legacy_cp1252_is_read_with_warning(tmp_path, corpus_params, caplog):
    data = "ENTREVISTADORA: ¿Cómo está?\nPARTICIPANTE: Bien, señora, gracias.\n".encode("cp1252")
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": data})
    with caplog.at_level("WARNING"):
        corpus = load_corpus(root, corpus_params)
    assert corpus.transcripts[0].encoding == "cp1252"
    assert corpus.transcripts[0].turns[1].text == "Bien, señora, gracias."
    assert "not UTF-8" in caplog.text
    assert "señora" not in caplog.text  # never the transcript text


def test_reads_docx(tmp_path, corpus_params):
    import docx

    document = docx.Document()
    document.add_paragraph("INTERVIEWER: Where did you work?")
    document.add_paragraph("PARTICIPANT: In a textile workshop.")
    document.add_paragraph("It was very hard.")
    root = write_corpus(tmp_path, [row("X1", language="en")], {})
    document.save(str(root / "transcripts" / "X1.docx"))
    turns = load_corpus(root, corpus_params).transcripts[0].turns
    assert [t.speaker for t in turns] == ["interviewer", "participant"]
    assert turns[1].text == "In a textile workshop.\nIt was very hard."


def test_reads_vtt_voice_tags_and_label_prefix(tmp_path, corpus_params):
    vtt = ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Entrevistadora>¿Cómo llegó?\n\n"
           "00:00:05.000 --> 00:00:09.000\n<v Participante>En bus, de noche.\n\n"
           "00:00:10.000 --> 00:00:12.000\nsin saber a dónde.\n\n"
           "00:00:13.000 --> 00:00:15.000\nE: ¿Y después?\n")
    root = write_corpus(tmp_path, [row("X1")], {"X1.vtt": vtt})
    turns = load_corpus(root, corpus_params).transcripts[0].turns
    assert [t.speaker for t in turns] == ["interviewer", "participant", "interviewer"]
    assert turns[1].text == "En bus, de noche.\nsin saber a dónde."


def test_reads_srt(tmp_path, corpus_params):
    srt = ("1\n00:00:01,000 --> 00:00:04,000\nI: Where are you from?\n\n"
           "2\n00:00:05,000 --> 00:00:08,000\nP: From the coast.\n")
    root = write_corpus(tmp_path, [row("X1", language="en")], {"X1.srt": srt})
    turns = load_corpus(root, corpus_params).transcripts[0].turns
    assert [(t.speaker, t.text) for t in turns] == [("interviewer", "Where are you from?"),
                                                    ("participant", "From the coast.")]


def test_withdrawn_participant_dropped_and_never_read(tmp_path, corpus_params, caplog):
    root = write_corpus(tmp_path, [row("X1"), row("X2", consent="withdrawn")],
                        {"X1.txt": SPANISH, "X2.txt": b"\x00\x01 binary garbage"})
    with caplog.at_level("INFO"):
        corpus = load_corpus(root, corpus_params)
    assert [t.participant_id for t in corpus.transcripts] == ["X1"]
    assert corpus.n_withdrawn == 1
    assert "1 excluded" in caplog.text


def test_render_transcript_offsets_point_at_turn_text():
    text, offsets = render_transcript([("I", "Hola"), ("P", "Dos\nlíneas")])
    assert [text[a:b] for a, b in offsets] == ["Hola", "Dos\nlíneas"]
    assert text.startswith("I: Hola\n\nP: Dos")


# ----------------------------------------------------------------------------- bad input

def test_error_empty_transcript(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": "  \n\n"})
    message = single_problem(root, corpus_params)
    assert "X1.txt" in message and "empty" in message


def test_error_binary_file(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": b"%PDF-1.4\x00\x01\x02"})
    message = single_problem(root, corpus_params)
    assert "X1.txt" in message and "binary" in message


def test_error_undecodable_bytes(tmp_path, corpus_params):
    data = b"ENTREVISTADORA: hola\nPARTICIPANTE: " + bytes([0x81, 0x8D, 0x9D, 0x90]) * 3
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": data})
    message = single_problem(root, corpus_params)
    assert "X1.txt:2" in message and "UTF-8" in message


def test_error_no_speaker_label(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": "Hola.\nNo labels at all.\n"})
    message = single_problem(root, corpus_params)
    assert "X1.txt" in message and "no speaker label" in message


def test_error_text_before_first_label(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": "Header line\n" + SPANISH})
    message = single_problem(root, corpus_params)
    assert "line 1" in message and "before the first speaker label" in message


def test_error_metadata_row_without_transcript(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1"), row("X2")], {"X1.txt": SPANISH})
    message = single_problem(root, corpus_params)
    assert "metadata.csv" in message and "X2" in message and "no transcript" in message


def test_error_transcript_without_row(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": SPANISH, "X9.txt": SPANISH})
    message = single_problem(root, corpus_params)
    assert "X9.txt" in message and "no row" in message


def test_error_duplicate_participant_id(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1"), row("X1")], {"X1.txt": SPANISH})
    message = single_problem(root, corpus_params)
    assert "metadata.csv:3" in message and "duplicate participant_id X1" in message


def test_error_missing_required_column(tmp_path, corpus_params):
    header = [h for h in HEADER if h != "consent"]
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": SPANISH}, header=header)
    message = single_problem(root, corpus_params)
    assert "metadata.csv:1" in message and "consent" in message


@pytest.mark.parametrize("column,value", [("language", "fr"), ("profile", "pilot"),
                                          ("consent", "maybe")])
def test_error_unknown_value(tmp_path, corpus_params, column, value):
    rec = row("X1")
    rec[column] = value
    root = write_corpus(tmp_path, [rec], {"X1.txt": SPANISH})
    problems = problems_of(root, corpus_params)
    assert len(problems) == 1, problems
    assert "metadata.csv:2" in problems[0] and f"unknown {column} '{value}'" in problems[0]


def test_error_malformed_csv(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": SPANISH})
    with open(root / "metadata.csv", "a", encoding="utf-8") as handle:
        handle.write('X2,PE,es,adult_woman,labour,"ORG-PE,granted,2014\n')
    message = single_problem(root, corpus_params)
    assert "metadata.csv" in message and ("malformed CSV" in message or "fields" in message)


def test_error_row_with_wrong_field_count(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": SPANISH})
    with open(root / "metadata.csv", "a", encoding="utf-8") as handle:
        handle.write("X2,PE,es,adult_woman,labour,ORG-PE,granted,2014,extra\n")
    message = single_problem(root, corpus_params)
    assert "metadata.csv:3" in message and "9 fields" in message


def test_params_unknown_key(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text("corpus:\n  pathh: corpora/demo\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"corpus\.pathh' is not a known setting"):
        load_params(path)


def test_params_wrong_type(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text("redaction:\n  score_threshold: high\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"redaction\.score_threshold"):
        load_params(path)


def test_params_repo_file_is_valid():
    from tests.conftest import ROOT

    params = load_params(ROOT / "params.yaml")
    assert params.corpus.path == "corpora/demo"
    assert parse_params({}).corpus.languages == ["en", "es"]


def test_validate_reports_all_problems_at_once(tmp_path, corpus_params):
    rec = row("X2")
    rec["language"] = "fr"
    root = write_corpus(tmp_path, [row("X1"), rec, row("X3")],
                        {"X1.txt": "", "X2.txt": SPANISH, "X9.txt": SPANISH})
    problems = problems_of(root, corpus_params)
    text = "\n".join(problems)
    assert len(problems) == 4, problems
    assert "X1.txt" in text and "unknown language" in text and "X3" in text and "X9.txt" in text


def test_errors_never_quote_transcript_text(tmp_path, corpus_params):
    secret = "Rosalinda Quispe Mamani"
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": f"{secret} dijo algo\n"})
    with pytest.raises(InputError) as info:
        load_corpus(root, corpus_params)
    assert secret not in str(info.value)
    assert "Quispe" not in str(info.value)


def test_cli_validate_exit_code(tmp_path, good_corpus):
    from typer.testing import CliRunner

    from pipeline.cli import app

    runner = CliRunner()
    ok = runner.invoke(app, ["validate", "--corpus", str(good_corpus)])
    assert ok.exit_code == 0, ok.output
    (good_corpus / "transcripts" / "PE-01.txt").write_text("", encoding="utf-8")
    bad = runner.invoke(app, ["validate", "--corpus", str(good_corpus)])
    assert bad.exit_code == 1
    assert "PE-01.txt" in bad.output and "empty" in bad.output


# ----------------------------------------------------------------------------- properties

LABELS = ["INTERVIEWER", "PARTICIPANT", "ENTREVISTADORA", "PARTICIPANTE", "I", "P", "E"]
safe_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"),
                                           blacklist_characters="\u2028\u2029\x85"),
                    min_size=0, max_size=40)


@st.composite
def transcripts(draw):
    lines = []
    for _i in range(draw(st.integers(1, 8))):
        label = draw(st.sampled_from(LABELS))
        lines.append(f"{label}: {draw(safe_text)}")
        for _ in range(draw(st.integers(0, 2))):
            extra = draw(safe_text)
            if re.match(r"^\s*(INTERVIEWER|PARTICIPANT|ENTREVISTADORA|ENTREVISTADOR|"
                        r"PARTICIPANTE|I|P|E)\s*:", extra, re.IGNORECASE):
                extra = "x " + extra
            lines.append(extra)
        if draw(st.booleans()):
            lines.append("")
    return "\n".join(lines)


def _words(text: str) -> list[str]:
    return normalise_text(text).split()


@settings(max_examples=150, deadline=None)
@given(transcripts())
def test_parsing_never_loses_or_invents_text(text):
    params = CorpusParams()
    lines = [(n, line, None) for n, line in enumerate(text.split("\n"), start=1)]
    turns, problems, _ = parse_turns(lines, params, "x.txt")
    assert not problems
    label_re = re.compile(r"^\s*(INTERVIEWER|PARTICIPANT|ENTREVISTADORA|PARTICIPANTE|I|P|E)\s*:",
                          re.IGNORECASE)
    expected = []
    for line in text.split("\n"):
        line = normalise_text(line)
        match = label_re.match(line)
        expected += _words(line[match.end():] if match else line)
    got = [w for t in turns for w in t.text.split()]
    assert got == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(LABELS), safe_text), min_size=1, max_size=6))
def test_render_offsets_property(pairs):
    pairs = [(label, normalise_text(text).strip()) for label, text in pairs]
    text, offsets = render_transcript(pairs)
    assert [text[a:b] for a, b in offsets] == [t for _, t in pairs]


def test_demo_metadata_is_valid(corpus_params):
    from pipeline.corpus import read_metadata
    from tests.conftest import DEMO

    participants, problems = read_metadata(DEMO / "metadata.csv", corpus_params)
    assert not problems
    assert len(participants) == 69


def test_english_fixture_parses(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1", language="en")], {"X1.txt": ENGLISH})
    assert len(load_corpus(root, corpus_params).transcripts[0].turns) == 4
