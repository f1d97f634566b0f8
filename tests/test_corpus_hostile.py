"""Hostile input for the corpus reader: odd line ends, broken captions, misleading messages,
files that are not files. Every problem must name the file (and line or cue) and what to do,
never quote transcript text, and never crash or hang."""

from __future__ import annotations

import codecs
import os
import pathlib
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.corpus import load_corpus, read_transcript, validate_corpus
from pipeline.errors import InputError
from pipeline.params import CorpusParams
from tests.conftest import ENGLISH, SPANISH, row, write_corpus

SECRET = "Rosalinda Quispe"


def problems_of(root: Path, params: CorpusParams) -> list[str]:
    return [str(p) for p in validate_corpus(root, params)]


def single_problem(root: Path, params: CorpusParams) -> str:
    problems = problems_of(root, params)
    assert len(problems) == 1, problems
    with pytest.raises(InputError):
        load_corpus(root, params)
    assert SECRET not in problems[0] and "Quispe" not in problems[0]
    return problems[0]


@contextmanager
def time_limit(seconds: int):
    """Fail instead of hanging forever (a FIFO opened for reading blocks until a writer)."""

    def _expired(signum, frame):
        raise TimeoutError(f"still running after {seconds}s: the reader hangs")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# ----------------------------------------------------------------------------- 1. line ends

MIXED = ("ENTREVISTADORA: Buenos días.\r"
         "PARTICIPANTE: Yo trabajaba en un restaurante.\r\n"
         "Nadie me explicó nada.\n"
         "ENTREVISTADORA: ¿Y la fiscalía?\r"
         f"PARTICIPANTE: No confío, dijo {SECRET}.\r")


def test_mixed_cr_lf_crlf_split_every_turn(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": MIXED.encode("utf-8")})
    assert problems_of(root, corpus_params) == []
    turns = load_corpus(root, corpus_params).transcripts[0].turns
    assert [t.speaker for t in turns] == ["interviewer", "participant", "interviewer",
                                          "participant"]
    assert turns[1].text == "Yo trabajaba en un restaurante.\nNadie me explicó nada."
    assert turns[0].text == "Buenos días."  # the participant's answer is not the interviewer's
    assert [t.line for t in turns] == [1, 2, 4, 5]


def test_cr_only_file_is_read(tmp_path, corpus_params):
    data = SPANISH.replace("\n", "\r").encode("utf-8")
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": data})
    assert problems_of(root, corpus_params) == []
    turns = load_corpus(root, corpus_params).transcripts[0].turns
    assert [t.speaker for t in turns] == ["interviewer", "participant", "interviewer",
                                          "participant"]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0c", "\x0b"])
def test_unicode_line_separators_split_turns(tmp_path, corpus_params, separator):
    text = separator.join(ENGLISH.splitlines()) + separator
    root = write_corpus(tmp_path, [row("X1", language="en")], {"X1.txt": text})
    turns = load_corpus(root, corpus_params).transcripts[0].turns
    assert len(turns) == 4


def test_line_numbers_count_bare_cr(tmp_path, corpus_params):
    text = f"ENTREVISTADORA: hola\rPARTICIPANTE: bien\r\r{SECRET}\r"
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": "Cabecera\r" + text})
    message = single_problem(root, corpus_params)
    assert "line 1" in message and "before the first speaker label" in message


def test_undecodable_byte_line_counts_bare_cr(tmp_path, corpus_params):
    data = (b"ENTREVISTADORA: hola\rPARTICIPANTE: bien\rENTREVISTADORA: y\r"
            b"PARTICIPANTE: " + bytes([0x81, 0x8D, 0x9D, 0x90]) * 3)
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": data})
    message = single_problem(root, corpus_params)
    assert "X1.txt:4" in message and "UTF-8" in message


LABELS = ["INTERVIEWER", "PARTICIPANT", "ENTREVISTADORA", "PARTICIPANTE", "I", "P", "E"]
SPEAKER = {"INTERVIEWER": "interviewer", "ENTREVISTADORA": "interviewer", "I": "interviewer",
           "E": "interviewer", "PARTICIPANT": "participant", "PARTICIPANTE": "participant",
           "P": "participant"}
words = st.text(alphabet="abcdefghijklmnñopqrstuvwxyzáéíóú .,¿?", min_size=1, max_size=30
                ).filter(lambda s: s.strip())


@st.composite
def turns_and_breaks(draw):
    turns = draw(st.lists(st.tuples(st.sampled_from(LABELS), words,
                                    st.lists(words, max_size=2)), min_size=1, max_size=8))
    lines = []
    for label, first, more in turns:
        lines.append(f"{label}: {first}")
        lines.extend("x " + m for m in more)  # continuation lines never look like a label
    breaks = draw(st.lists(st.sampled_from(["\n", "\r", "\r\n", "\u2028", "\u2029"]),
                           min_size=len(lines), max_size=len(lines)))
    text = "".join(line + brk for line, brk in zip(lines, breaks, strict=True))
    return turns, text


@settings(max_examples=100, deadline=None)
@given(turns_and_breaks(), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_turn_count_preserved_whatever_the_line_ends(case, encoding):
    turns, text = case
    params = CorpusParams()
    participant = _participant()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "X1.txt"
        path.write_bytes(text.encode(encoding))
        read, problems, _ = read_transcript(path, participant, params)
    if not any(SPEAKER[label] == "participant" for label, _, _ in turns):
        assert read is None and "no participant turn" in str(problems[0])
        return
    assert problems == [], problems
    assert len(read.turns) == len(turns)
    assert [t.speaker for t in read.turns] == [SPEAKER[label] for label, _, _ in turns]
    assert [t.text for t in read.turns] == [
        "\n".join([first.strip()] + [("x " + m).strip() for m in more])
        for _, first, more in turns]


def _participant():
    from pipeline.corpus import Participant

    return Participant("X1", "PE", "es", "adult_woman", "labour", "ORG", "granted", 2014)


# ----------------------------------------------------------------------------- 2. captions

VTT_OK = ("WEBVTT\n\n"
          "1\n00:00:01.000 --> 00:00:04.000\n<v Entrevistadora>¿Cómo llegó?\n\n"
          "2\n{timing}\n<v Participante>En bus, con " + SECRET + ".\n\n"
          "3\n00:00:10.000 --> 00:00:12.000\nE: ¿Y después?\n\n"
          "4\n00:00:13.000 --> 00:00:15.000\nP: Nada.\n")


@pytest.mark.parametrize("timing", [
    "00:00:05.000 -> 00:00:09.000",     # arrow with one dash
    "00:00:05.000 --> 00:00:09",        # end time without milliseconds
    "00:00:05.000 00:00:09.000",        # no arrow
    "00:00:05.000 --> ",                # no end time
    "00:00:05.000 --> 00:61:09.000",    # minutes out of range
    "00:00:05.000 → 00:00:09.000",      # typographic arrow
])
def test_vtt_malformed_timing_is_reported_with_cue_and_line(tmp_path, corpus_params, timing):
    root = write_corpus(tmp_path, [row("X1")], {"X1.vtt": VTT_OK.format(timing=timing)})
    message = single_problem(root, corpus_params)
    assert "X1.vtt:8" in message and "cue 2" in message and "timing" in message
    assert "-->" in message  # says what a timing line looks like


def test_vtt_well_formed_reads_all_cues(tmp_path, corpus_params):
    vtt = VTT_OK.format(timing="00:00:05.000 --> 00:00:09.000 align:start")
    root = write_corpus(tmp_path, [row("X1")], {"X1.vtt": vtt})
    turns = load_corpus(root, corpus_params).transcripts[0].turns
    assert [t.speaker for t in turns] == ["interviewer", "participant", "interviewer",
                                          "participant"]


def test_vtt_text_without_timing_line_is_reported(tmp_path, corpus_params):
    vtt = ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nE: ¿Cómo llegó?\n\n"
           f"P: En bus, con {SECRET}.\n\n"
           "00:00:10.000 --> 00:00:12.000\nP: De noche.\n")
    root = write_corpus(tmp_path, [row("X1")], {"X1.vtt": vtt})
    message = single_problem(root, corpus_params)
    assert "X1.vtt:6" in message and "no timing line" in message and "cue 1" in message


def test_vtt_missing_header_names_line_and_fix(tmp_path, corpus_params):
    vtt = "00:00:01.000 --> 00:00:04.000\nE: hola\n\n00:00:05.000 --> 00:00:06.000\nP: sí\n"
    root = write_corpus(tmp_path, [row("X1")], {"X1.vtt": vtt})
    message = single_problem(root, corpus_params)
    assert "X1.vtt:1" in message and "WEBVTT" in message


def test_vtt_with_crlf_and_cr_line_ends(tmp_path, corpus_params):
    vtt = VTT_OK.format(timing="00:00:05.000 --> 00:00:09.000")
    for brk in ("\r\n", "\r"):
        root = write_corpus(tmp_path / brk.encode().hex(), [row("X1")],
                            {"X1.vtt": vtt.replace("\n", brk).encode("utf-8")})
        turns = load_corpus(root, corpus_params).transcripts[0].turns
        assert len(turns) == 4


def test_vtt_unknown_voice_names_cue_and_line(tmp_path, corpus_params):
    vtt = ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Entrevistadora>¿Cómo llegó?\n\n"
           "00:00:05.000 --> 00:00:09.000\n<v Narrador>En bus.\n\n"
           "00:00:10.000 --> 00:00:12.000\nP: Sí.\n")
    root = write_corpus(tmp_path, [row("X1")], {"X1.vtt": vtt})
    message = single_problem(root, corpus_params)
    assert "X1.vtt:6" in message and "cue 2" in message and "voice tag" in message
    assert "Narrador" not in message


SRT = ("1\n00:00:01,000 --> 00:00:04,000\nI: Where are you from?\n\n"
       "2\n{timing}\nP: From the coast, says " + SECRET + ".\n\n"
       "3\n00:00:09,000 --> 00:00:10,000\nI: And then?\n\n"
       "4\n00:00:11,000 --> 00:00:12,000\nP: Nothing.\n")


@pytest.mark.parametrize("timing", [
    "00:00:05,000 -> 00:00:08,000",
    "00:05,000 --> 00:08,000",          # SubRip needs hours
    "00:00:05,000 00:00:08,000",
    "00:00:05,000 --> 00:00:08,000,5",
])
def test_srt_malformed_timing_is_reported_with_cue_and_line(tmp_path, corpus_params, timing):
    root = write_corpus(tmp_path, [row("X1", language="en")],
                        {"X1.srt": SRT.format(timing=timing)})
    message = single_problem(root, corpus_params)
    assert "X1.srt:6" in message and "cue 2" in message and "timing" in message
    assert "-->" in message


def test_srt_cue_number_without_timing_line_is_reported(tmp_path, corpus_params):
    srt = SRT.format(timing="00:00:05,000 --> 00:00:08,000").replace(
        "00:00:05,000 --> 00:00:08,000\n", "")
    root = write_corpus(tmp_path, [row("X1", language="en")], {"X1.srt": srt})
    message = single_problem(root, corpus_params)
    assert "X1.srt:5" in message and "cue 2" in message and "timing line" in message


def test_srt_blank_line_inside_a_cue_is_still_continuation(tmp_path, corpus_params):
    srt = ("1\n00:00:01,000 --> 00:00:04,000\nI: Where are you from?\n\n"
           "2\n00:00:05,000 --> 00:00:08,000\nP: From the coast.\n\nIt was far.\n")
    root = write_corpus(tmp_path, [row("X1", language="en")], {"X1.srt": srt})
    turns = load_corpus(root, corpus_params).transcripts[0].turns
    assert turns[1].text == "From the coast.\nIt was far."


def test_srt_text_before_first_cue(tmp_path, corpus_params):
    srt = f"Transcript of {SECRET}\n\n" + SRT.format(timing="00:00:05,000 --> 00:00:08,000")
    root = write_corpus(tmp_path, [row("X1", language="en")], {"X1.srt": srt})
    message = single_problem(root, corpus_params)
    assert "X1.srt:1" in message and "before the first cue" in message


def test_srt_not_subrip_at_all(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1", language="en")], {"X1.srt": ENGLISH})
    message = single_problem(root, corpus_params)
    assert "X1.srt:1" in message and "SubRip" in message


def test_vtt_notes_styles_identifiers_and_missing_blank_lines(tmp_path, corpus_params):
    vtt = ("WEBVTT - interview\nKind: captions\n\nSTYLE\n::cue { color: white }\n\n"
           "NOTE exported by hand\n\n"
           "intro\n00:00:01.000 --> 00:00:04.000\n<v Entrevistadora>¿Cómo llegó?\n"
           "00:00:05.000 --> 00:00:09.000\n<v Participante>En bus,\n \nde noche.\n"
           "3\n00:00:10.000 --> 00:00:12.000\nE: ¿Y después?\n\n"
           "NOTE\nmulti-line comment\n\n"
           "00:00:13.000 --> 00:00:15.000\nP: Nada.")
    root = write_corpus(tmp_path, [row("X1")], {"X1.vtt": vtt})
    turns = load_corpus(root, corpus_params).transcripts[0].turns
    assert [t.speaker for t in turns] == ["interviewer", "participant", "interviewer",
                                          "participant"]
    assert turns[1].text == "En bus,\nde noche."  # a line of spaces does not end a cue


def test_vtt_cue_text_holding_an_arrow_is_explained(tmp_path, corpus_params):
    vtt = VTT_OK.format(timing="00:00:05.000 --> 00:00:09.000").replace(
        "E: ¿Y después?", "E: ¿Y después?\nfue así --> luego")
    root = write_corpus(tmp_path, [row("X1")], {"X1.vtt": vtt})
    message = single_problem(root, corpus_params)
    assert "X1.vtt:14" in message and "cue 4" in message and "cannot hold '-->'" in message
    assert "luego" not in message


def test_many_malformed_cues_are_capped(tmp_path, corpus_params):
    cues = "".join(f"{i}\n00:00:{i:02d},000 -> 00:00:{i:02d},500\nP: text {i}\n\n"
                   for i in range(1, 31))
    root = write_corpus(tmp_path, [row("X1", language="en")], {"X1.srt": cues})
    problems = problems_of(root, corpus_params)
    assert len(problems) == 11, problems
    assert "X1.srt:2: cue 1" in problems[0] and "20 more problem(s)" in problems[-1]


CAPTION_TOKENS = ["WEBVTT", "\n", "\r", "\r\n", " ", "\n\n", "1", "2", "²", "٣", "NOTE",
                  "STYLE", "REGION", "00:00:01.000", "00:00:01,000", " --> ", "->", "→",
                  "00:61:00.000", "P: ", "E: ", "<v P>", "<v Narrador>", "<i>", "&amp;",
                  "12:30", "\t", "\ufeff", SECRET]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(CAPTION_TOKENS), max_size=40), st.sampled_from([".vtt", ".srt"]))
def test_caption_reader_never_crashes_nor_quotes_text(tokens, suffix):
    text = "".join(tokens)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("X1" + suffix)
        path.write_text(text, encoding="utf-8", newline="")
        _, problems, _ = read_transcript(path, _participant(), CorpusParams())
    for problem in problems:
        assert "Quispe" not in str(problem) and "Narrador" not in str(problem)
        if "cue" in problem.message:
            assert problem.line is not None, str(problem)  # a cue problem names its line

# ----------------------------------------------------------------------------- 3. messages

def test_exploitation_hint_names_the_real_setting(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1", exploitation="forced")], {"X1.txt": SPANISH})
    message = single_problem(root, corpus_params)
    assert "corpus.exploitation in params.yaml" in message
    assert "exploitations" not in message


def test_language_and_profile_hints_name_real_settings(tmp_path, corpus_params):
    rec = row("X1", language="fr")
    rec["profile"] = "pilot"
    root = write_corpus(tmp_path, [rec], {"X1.txt": SPANISH})
    text = "\n".join(problems_of(root, corpus_params))
    assert "corpus.languages in params.yaml" in text and "corpus.profiles in params.yaml" in text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_read(tmp_path, corpus_params, caplog, encoding):
    bom = {"utf-16": b"", "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
    data = bom[encoding] + SPANISH.replace("\n", "\r\n").encode(encoding)
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": data})
    with caplog.at_level("WARNING"):
        corpus = load_corpus(root, corpus_params)
    transcript = corpus.transcripts[0]
    assert [t.speaker for t in transcript.turns] == ["interviewer", "participant",
                                                    "interviewer", "participant"]
    assert transcript.turns[1].text.endswith("Nadie me explicó nada de los papeles.")
    assert transcript.encoding == "utf-16"
    assert "UTF-16" in caplog.text and "binary" not in caplog.text


def test_utf16_without_bom_is_named_not_called_binary(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": SPANISH.encode("utf-16-le")})
    message = single_problem(root, corpus_params)
    assert "UTF-16" in message and "binary" not in message and "UTF-8" in message


def test_utf32_with_bom_is_read(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": SPANISH.encode("utf-32")})
    assert len(load_corpus(root, corpus_params).transcripts[0].turns) == 4


def test_utf16_vtt_is_read(tmp_path, corpus_params):
    vtt = VTT_OK.format(timing="00:00:05.000 --> 00:00:09.000")
    root = write_corpus(tmp_path, [row("X1")], {"X1.vtt": vtt.encode("utf-16")})
    assert len(load_corpus(root, corpus_params).transcripts[0].turns) == 4


def test_short_metadata_row_gives_no_spurious_no_row(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": SPANISH, "X2.txt": SPANISH})
    with open(root / "metadata.csv", "a", encoding="utf-8") as handle:
        handle.write("X2,PE,es,adult_woman,labour,ORG-PE,granted\n")
    message = single_problem(root, corpus_params)
    assert "metadata.csv:3" in message and "7 fields" in message
    assert "no row" not in message


def test_unclosed_quote_reported_where_it_opens(tmp_path, corpus_params):
    rows = [row("X1"), row("X2"), row("X3"), row("X4")]
    root = write_corpus(tmp_path, rows, {f"X{i}.txt": SPANISH for i in range(1, 5)})
    lines = (root / "metadata.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("ORG-PE", '"ORG-PE')  # X2's row, line 3
    (root / "metadata.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = single_problem(root, corpus_params)
    assert "metadata.csv:3" in message and "quote" in message and "never closed" in message


def test_quote_closed_on_a_later_line_reported_where_it_opens(tmp_path, corpus_params):
    rows = [row("X1"), row("X2"), row("X3")]
    root = write_corpus(tmp_path, rows, {f"X{i}.txt": SPANISH for i in range(1, 4)})
    lines = (root / "metadata.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("ORG-PE", '"ORG-PE')  # opens on line 3
    lines[3] = lines[3].replace("ORG-PE", '"ORG-PE"')  # a quote on line 4 "closes" it
    (root / "metadata.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = single_problem(root, corpus_params)
    assert "metadata.csv:3" in message and "quote" in message and "line 4" in message


def test_multiline_quoted_field_is_still_fine(tmp_path, corpus_params):
    rec = row("X1")
    rec["organization"] = "ORG\nPE"
    root = write_corpus(tmp_path, [rec, row("X2")], {"X1.txt": SPANISH, "X2.txt": SPANISH})
    assert problems_of(root, corpus_params) == []


@pytest.mark.parametrize("country", ["XX", "ZZ", "UK", "EU"])
def test_unassigned_country_code_rejected(tmp_path, corpus_params, country):
    root = write_corpus(tmp_path, [row("X1", country=country)], {"X1.txt": SPANISH})
    message = single_problem(root, corpus_params)
    assert "metadata.csv:2" in message and f"country '{country}'" in message
    assert "ISO 3166" in message


@pytest.mark.parametrize("country", ["AR", "bo", "GT", "VE", "py"])
def test_assigned_country_codes_accepted(tmp_path, corpus_params, country):
    root = write_corpus(tmp_path, [row("X1", country=country)], {"X1.txt": SPANISH})
    assert problems_of(root, corpus_params) == []
    assert load_corpus(root, corpus_params).participants[0].country == country.upper()


def test_semicolon_separated_metadata_gets_comma_hint(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": SPANISH})
    text = (root / "metadata.csv").read_text(encoding="utf-8").replace(",", ";")
    (root / "metadata.csv").write_text(text, encoding="utf-8")
    message = single_problem(root, corpus_params)
    assert "metadata.csv:1" in message and "semicolon" in message and "comma" in message


def test_semicolon_row_under_comma_header_gets_hint(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": SPANISH, "X2.txt": SPANISH})
    with open(root / "metadata.csv", "a", encoding="utf-8") as handle:
        handle.write("X2;PE;es;adult_woman;labour;ORG-PE;granted;2014\n")
    message = single_problem(root, corpus_params)
    assert "metadata.csv:3" in message and "comma" in message and "no row" not in message


def test_utf16_metadata_named(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": SPANISH})
    text = (root / "metadata.csv").read_text(encoding="utf-8")
    (root / "metadata.csv").write_bytes(text.encode("utf-16"))
    message = single_problem(root, corpus_params)
    assert "UTF-16" in message and "CSV UTF-8" in message


def test_tab_separated_metadata_gets_comma_hint(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": SPANISH})
    text = (root / "metadata.csv").read_text(encoding="utf-8").replace(",", "\t")
    (root / "metadata.csv").write_text(text, encoding="utf-8")
    message = single_problem(root, corpus_params)
    assert "metadata.csv:1" in message and "tabs" in message and "comma" in message


def test_xlsx_saved_as_metadata_csv(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": SPANISH})
    (root / "metadata.csv").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    message = single_problem(root, corpus_params)
    assert "spreadsheet" in message and "CSV UTF-8" in message

# ----------------------------------------------------------------------------- 4. not files

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_fifo_in_transcripts_is_skipped_not_read(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": SPANISH})
    os.mkfifo(root / "transcripts" / "X2.txt")
    with time_limit(20):
        message = single_problem(root, corpus_params)
    assert "X2.txt" in message and "not a regular file" in message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_fifo_named_for_a_participant_gives_one_problem(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1"), row("X2")], {"X1.txt": SPANISH})
    os.mkfifo(root / "transcripts" / "X2.txt")
    with time_limit(20):
        message = single_problem(root, corpus_params)
    assert "X2.txt" in message and "not a regular file" in message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_read_transcript_on_a_fifo_does_not_hang(tmp_path, corpus_params):
    os.mkfifo(tmp_path / "X1.txt")
    with time_limit(20):
        transcript, problems, _ = read_transcript(tmp_path / "X1.txt", _participant(),
                                                  corpus_params)
    assert transcript is None and "not a regular file" in str(problems[0])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_fifo_as_metadata_does_not_hang(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": SPANISH})
    (root / "metadata.csv").unlink()
    os.mkfifo(root / "metadata.csv")
    with time_limit(20):
        message = single_problem(root, corpus_params)
    assert "metadata.csv" in message and "not a regular file" in message


def test_dangling_symlink_transcript(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1"), row("X2")], {"X1.txt": SPANISH})
    (root / "transcripts" / "X2.txt").symlink_to(tmp_path / "elsewhere" / "X2.txt")
    message = single_problem(root, corpus_params)
    assert "X2.txt" in message and "symbolic link" in message


def test_dangling_symlink_metadata(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": SPANISH})
    (root / "metadata.csv").unlink()
    (root / "metadata.csv").symlink_to(tmp_path / "elsewhere.csv")
    message = single_problem(root, corpus_params)
    assert "metadata.csv" in message and "symbolic link" in message


def test_directory_as_metadata(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": SPANISH})
    (root / "metadata.csv").unlink()
    (root / "metadata.csv").mkdir()
    message = single_problem(root, corpus_params)
    assert "metadata.csv" in message and "folder" in message


def test_transcripts_is_a_file(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1")], {})
    (root / "transcripts").rmdir()
    (root / "transcripts").write_text("oops", encoding="utf-8")
    problems = problems_of(root, corpus_params)
    assert any("transcripts" in p and "not a folder" in p for p in problems), problems


def _deny(monkeypatch, *names: str):
    """Simulate an unreadable file (chmod 000 does not stop root, who runs CI)."""
    real_read_bytes = pathlib.Path.read_bytes

    def read_bytes(self):
        if self.name in names:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)


@pytest.mark.parametrize("suffix", [".txt", ".docx", ".vtt"])
def test_unreadable_transcript(tmp_path, corpus_params, monkeypatch, suffix):
    root = write_corpus(tmp_path, [row("X1"), row("X2")],
                        {"X1.txt": SPANISH, "X2" + suffix: SPANISH})
    _deny(monkeypatch, "X2" + suffix)
    message = single_problem(root, corpus_params)
    assert "X2" + suffix in message and "cannot be read" in message
    assert "Permission denied" in message and "permission" in message.lower()


def test_unreadable_metadata(tmp_path, corpus_params, monkeypatch):
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": SPANISH})
    _deny(monkeypatch, "metadata.csv")
    message = single_problem(root, corpus_params)
    assert "metadata.csv" in message and "cannot be read" in message


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_transcript_by_mode(tmp_path, corpus_params):
    root = write_corpus(tmp_path, [row("X1")], {"X1.txt": SPANISH})
    (root / "transcripts" / "X1.txt").chmod(0)
    try:
        message = single_problem(root, corpus_params)
    finally:
        (root / "transcripts" / "X1.txt").chmod(0o600)
    assert "X1.txt" in message and "cannot be read" in message


def test_cli_validate_on_hostile_corpus_lists_problems(tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    root = write_corpus(tmp_path, [row("X1"), row("X2")],
                        {"X1.txt": MIXED.encode("utf-8"),
                         "X2.vtt": VTT_OK.format(timing="00:00:05.000 -> 00:00:09.000")})
    (root / "transcripts" / "X3.txt").symlink_to(tmp_path / "missing.txt")
    result = CliRunner().invoke(app, ["validate", "--corpus", str(root)])
    assert result.exit_code == 1, result.output
    assert "X2.vtt:8" in result.output and "cue 2" in result.output
    assert "X3.txt" in result.output and "symbolic link" in result.output
    assert "Traceback" not in result.output and SECRET not in result.output
