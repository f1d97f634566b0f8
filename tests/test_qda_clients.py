"""The .qdpx export as real REFI-QDA readers see it (pyqdpx, pyrefiqda): codes, sources and
selections load; each selection covers whole sentences or the whole participant turn
(report.qda_selection) around the matched phrase, with no duplicate selections; the note
on each coding gives valence and the evidence. Synthetic text only; nothing is printed."""

from __future__ import annotations

import contextlib
import functools
import io
import itertools
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from pipeline.report.qdpx import build_project, guid, validate_project, write_qdpx
from tests.conftest import ROOT

CODEBOOK = ROOT / "codebooks" / "trafficking_themes.yaml"
XSD = ROOT / "schemas" / "refi-qda" / "Project.xsd"

# {participant: (language, [(speaker, [sentences])])}; sentences are joined by one space,
# so the test knows every sentence boundary without the pipeline's sentence splitter.
TURNS = {
    "PE-01": ("es", [
        ("interviewer", ["¿Qué pasó cuando llegó al refugio?"]),
        ("participant", ["Llegué al albergue de la fundación en diciembre.",
                         "Allí la psicóloga me escuchó mucho y me ayudó.",
                         "Después volví a mi pueblo."]),
        ("interviewer", ["¿Y la fiscalía?"]),
        ("participant", ["Nadie me explicó nada de mi caso.",
                         "Me hicieron firmar papeles sin saber qué eran.",
                         "Tengo miedo de que me busquen."]),
    ]),
    "CO-02": ("en", [
        ("interviewer", ["Did anyone help you?"]),
        ("participant", ["The foundation helped me a lot.",
                         "They gave me a bed in the shelter and the doctor saw me every week.",
                         "Then I went home."]),
        ("interviewer", ["And the police?"]),
        ("participant", ["The police laughed at me.",
                         "I was afraid they would find me and hurt my family.",
                         "Nobody told me anything about my case."]),
    ]),
}
SEMANTIC_EXEMPLAR = "CB-RETURN_VOLUNTARY-es-01"


@dataclass(frozen=True)
class Seen:
    """One selection as a reader reports it."""

    source: str
    code_guid: str
    start: int
    end: int
    text: str
    note: str


@dataclass(frozen=True)
class Loaded:
    sources: set[str]
    code_guids: set[str]
    selections: list[Seen]


# -- building the project with the pipeline's own functions ------------------------------

def _render(turns) -> tuple[str, list[tuple[int, int]]]:
    from pipeline.corpus import render_transcript

    labels = [("PARTICIPANT" if speaker == "participant" else "INTERVIEWER", " ".join(s))
              for speaker, s in turns]
    return render_transcript(labels)


def _segments_and_texts() -> tuple[pd.DataFrame, dict[str, str]]:
    rows, texts = [], {}
    for pid, (language, turns) in TURNS.items():
        text, offsets = _render(turns)
        texts[pid] = text
        for i, ((speaker, sentences), (start, end)) in enumerate(
                zip(turns, offsets, strict=True)):
            rows.append({"segment_id": f"{pid}-T{i:03d}", "participant_id": pid,
                         "turn_index": i, "speaker": speaker, "text": " ".join(sentences),
                         "start": start, "end": end, "country": pid[:2], "language": language})
    return pd.DataFrame(rows), texts


def _sentence_bounds() -> dict[str, tuple[set[int], set[int]]]:
    """Per source, the offsets where participant sentences start and end."""
    bounds = {}
    for pid, (_, turns) in TURNS.items():
        starts, ends = set(), set()
        for (speaker, sentences), (lo, _) in zip(turns, _render(turns)[1], strict=True):
            position = lo
            for sentence in sentences:
                if speaker == "participant":
                    starts.add(position)
                    ends.add(position + len(sentence))
                position += len(sentence) + 1
        bounds[pid] = (starts, ends)
    return bounds


def _participant_turns() -> dict[str, set[tuple[int, int]]]:
    return {pid: {span for (speaker, _), span in zip(turns, _render(turns)[1], strict=True)
                  if speaker == "participant"}
            for pid, (_, turns) in TURNS.items()}


def _semantic_row(segments: pd.DataFrame, texts: dict[str, str]) -> dict:
    """A semantic coding shaped as the semantic layer writes it (its unit is one sentence)."""
    sentence = "Después volví a mi pueblo."
    start = texts["PE-01"].index(sentence)
    segment = segments[(segments["participant_id"] == "PE-01")
                       & (segments["start"] <= start) & (start < segments["end"])].iloc[0]
    return {"segment_id": segment["segment_id"], "participant_id": "PE-01", "language": "es",
            "code": "RETURN_VOLUNTARY", "family": "return", "rule": "semantic",
            "start": start, "end": start + len(sentence), "evidence": sentence,
            "snippet": sentence, "negated": False, "valence": "",
            "unit_start": start, "unit_end": start + len(sentence), "score": 0.912,
            "threshold": 0.875, "exemplar": SEMANTIC_EXEMPLAR}


@pytest.fixture(scope="module")
def coded() -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """Rule codings from the pipeline's coder plus one semantic coding, with the audit
    columns (score, threshold) the semantic layer adds."""
    from pipeline.coding.codebook import load_codebook
    from pipeline.coding.matcher import Coder
    from pipeline.params import CodingParams

    segments, texts = _segments_and_texts()
    codings = Coder(load_codebook(CODEBOOK), CodingParams()).code_segments(segments)
    codings = codings.assign(score=[round(0.95 + 0.001 * i, 3) for i in range(len(codings))],
                             threshold=0.9, exemplar="")
    codings = pd.concat([codings, pd.DataFrame([_semantic_row(segments, texts)])],
                        ignore_index=True)
    # the fixture must exercise what the tests claim to check
    assert {"CARE_INFO", "CARE_NGO", "FEAR_RETALIATION"} <= set(codings["code"])
    assert codings.groupby(["participant_id", "code"]).size().max() >= 3
    return codings, segments, texts


def _participants() -> pd.DataFrame:
    return pd.DataFrame([{"participant_id": pid, "country": pid[:2], "language": language,
                          "profile": "adult_woman", "exploitation": "labour",
                          "organization": f"ORG-{pid[:2]}", "interview_year": 2015}
                         for pid, (language, _) in TURNS.items()])


@functools.cache
def _codes() -> tuple[list[dict], dict]:
    from pipeline.coding.codebook import code_entries as _codebook_codes
    from pipeline.coding.codebook import family_entries as _codebook_families

    return _codebook_codes(CODEBOOK), _codebook_families(CODEBOOK)


@pytest.fixture(scope="module", params=["sentence", "turn"])
def exported(request, coded, tmp_path_factory):
    codings, segments, texts = coded
    codes, families = _codes()
    xml, files = build_project("QDA clients test", texts, _participants(), codings, codes,
                               families, segments=segments, selection=request.param)
    path = tmp_path_factory.mktemp(f"qdpx-{request.param}") / "project.qdpx"
    write_qdpx(path, xml, files)
    return request.param, path, xml, codings, texts


# -- the readers ---------------------------------------------------------------------------

def _load_pyqdpx(path: Path, _tmp: Path) -> Loaded:
    from pyqdpx import QDPX

    project = QDPX(str(path)).get_project()
    selections = [Seen(source.name, sel.code.guid, sel.start, sel.end, sel.text,
                       sel.description or "")
                  for source in project.sources.values()
                  for sel in source.coded_selections.values()]
    return Loaded({s.name for s in project.sources.values()}, set(project.codes), selections)


def _refi_codes(codes) -> set[str]:
    return {c.guid for c in codes} | {g for c in codes for g in _refi_codes(c.code)}


def _load_pyrefiqda(path: Path, tmp: Path) -> Loaded:
    from pyrefiqda import RefiProject

    extract = tmp / "extracted"
    project = RefiProject.load(path, extract_dir=str(extract))
    selections = []
    for source in project.sources.text_source:
        # pyrefiqda resolves internal:// paths under "sources/"; the archive (like REFI-QDA
        # exports from QualCoder/NVivo) uses "Sources/": take the file name it resolves.
        name = RefiProject.resolve_source_path(source.plain_text_path, extract).name
        text = (extract / "Sources" / name).read_text(encoding="utf-8")
        for sel in source.plain_text_selection:
            assert len(sel.coding) == 1
            selections.append(Seen(source.name, sel.coding[0].code_ref.target_guid,
                                   sel.start_position, sel.end_position,
                                   text[sel.start_position:sel.end_position],
                                   sel.description or ""))
    return Loaded({s.name for s in project.sources.text_source},
                  _refi_codes(project.code_book.codes.code), selections)


READERS = {"pyqdpx": _load_pyqdpx, "pyrefiqda": _load_pyrefiqda}


@pytest.fixture(scope="module", params=sorted(READERS))
def loaded(request, exported, tmp_path_factory) -> tuple[str, Loaded, pd.DataFrame, dict]:
    mode, path, _, codings, texts = exported
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        seen = READERS[request.param](path, tmp_path_factory.mktemp(request.param))
    # pyqdpx reports skipped users, codes or selections (e.g. upper-case GUIDs) on stdout
    assert "Warning" not in printed.getvalue() and "Error" not in printed.getvalue()
    return mode, seen, codings, texts


# -- tests -----------------------------------------------------------------------------------

def test_export_is_schema_valid(exported):
    _, _, xml, _, _ = exported
    assert validate_project(xml, XSD) == []


def test_reader_sees_codes_sources_and_every_selection(loaded, exported):
    mode, seen, _, _ = loaded
    codes, families = _codes()
    assert seen.sources == set(TURNS)
    assert {guid("code", c["id"]) for c in codes} <= seen.code_guids
    assert len(seen.code_guids) == len(codes) + len({c["family"] for c in codes})
    assert seen.selections
    assert len(seen.selections) == exported[2].count(b"<PlainTextSelection ")


def test_each_coding_sits_in_one_selection_holding_its_phrase(loaded):
    _, seen, codings, texts = loaded
    for row in codings.itertuples(index=False):
        phrase = texts[row.participant_id][row.start:row.end]
        holding = [s for s in seen.selections if s.source == row.participant_id
                   and s.code_guid == guid("code", row.code)
                   and s.start <= row.start and row.end <= s.end]
        assert len(holding) == 1, (row.participant_id, row.code, row.start)
        assert phrase in holding[0].text
        assert holding[0].text == texts[row.participant_id][holding[0].start:holding[0].end]


def test_selection_is_whole_sentences_or_whole_turn(loaded):
    mode, seen, codings, texts = loaded
    bounds, turns = _sentence_bounds(), _participant_turns()
    for selection in seen.selections:
        turn = [t for t in turns[selection.source] if t[0] <= selection.start < t[1]]
        assert len(turn) == 1 and selection.end <= turn[0][1]
        if mode == "turn":
            assert (selection.start, selection.end) == turn[0]
        else:
            starts, ends = bounds[selection.source]
            assert selection.start in starts and selection.end in ends
    matched = codings[codings["rule"] != "semantic"]
    assert all(s.end - s.start > min(matched["end"] - matched["start"])
               for s in seen.selections)


def test_offsets_count_characters_not_bytes(loaded):
    """Spanish text before the selections: byte offsets would shift them."""
    _, seen, _, texts = loaded
    spanish = [s for s in seen.selections if s.source == "PE-01"]
    assert spanish and all(not texts["PE-01"][:s.start].isascii() for s in spanish)
    assert all(s.text[0].isupper() and s.text.endswith(".") for s in spanish)


def test_no_duplicate_or_overlapping_selections_of_a_code(loaded):
    mode, seen, codings, _ = loaded
    by_code: dict[tuple[str, str], list[Seen]] = {}
    for selection in seen.selections:
        by_code.setdefault((selection.source, selection.code_guid), []).append(selection)
    for spans in by_code.values():
        spans.sort(key=lambda s: s.start)
        assert all(a.end <= b.start for a, b in itertools.pairwise(spans))
    # three FEAR_RETALIATION matches in one English sentence: one selection, three notes
    fear = by_code[("CO-02", guid("code", "FEAR_RETALIATION"))]
    assert len(fear) == 1 and fear[0].note.count("Evidence:") == 3
    # CARE_INFO in two Spanish sentences of one turn: two selections, or one for the turn
    info = by_code[("PE-01", guid("code", "CARE_INFO"))]
    assert len(info) == (1 if mode == "turn" else 2)
    assert len(seen.selections) < len(codings)


def test_note_gives_valence_and_evidence(loaded):
    _, seen, codings, _ = loaded
    codes = {c["id"]: c for c in _codes()[0]}
    for row in codings.itertuples(index=False):
        note = next(s.note for s in seen.selections if s.source == row.participant_id
                    and s.code_guid == guid("code", row.code)
                    and s.start <= row.start and row.end <= s.end)
        assert f"score {row.score:.3f}" in note and f"threshold {row.threshold:.3f}" in note
        if row.rule == "semantic":
            assert f"semantic (nearest exemplar {row.exemplar})" in note
        else:
            assert f"rule {row.rule} matched" in note
        if codes[row.code].get("valence"):
            word = {"positive": "supportive", "negative": "unsupportive"}[row.valence]
            assert note.startswith("Valence: ") and f"{row.valence} ({word} care)" in note
        else:
            assert "Valence" not in note
    negated = codings[codings["negated"].astype(bool)]
    assert not negated.empty
    assert any("negated (coded as a lack)" in s.note for s in seen.selections)


def test_setting_defaults_to_sentence_and_is_validated():
    from pipeline.errors import ConfigError
    from pipeline.params import load_params, parse_params

    assert parse_params({}).report.qda_selection == "sentence"
    assert load_params(ROOT / "params.yaml").report.qda_selection == "sentence"
    assert parse_params({"report": {"qda_selection": "turn"}}).report.qda_selection == "turn"
    with pytest.raises(ConfigError) as error:
        parse_params({"report": {"qda_selection": "paragraph"}})
    message = str(error.value)
    assert "report.qda_selection" in message and "'sentence'" in message and "'turn'" in message


def test_without_segments_lines_are_turns_and_labels_are_left_out():
    codes, families = _codes()
    text = "E: ¿Y después?\nP: Fui al refugio. Nadie me explicó nada. Ya está.\n"
    start = text.index("explicó")
    codings = pd.DataFrame([{"participant_id": "PE-09", "code": "CARE_INFO", "start": start,
                             "end": start + len("explicó"), "rule": "CARE_INFO/es/explained",
                             "valence": "negative"}])
    participants = pd.DataFrame([{"participant_id": "PE-09", "country": "PE"}])
    for mode, passage in (("sentence", "Nadie me explicó nada."),
                          ("turn", "Fui al refugio. Nadie me explicó nada. Ya está.")):
        xml, _ = build_project("t", {"PE-09": text}, participants, codings, codes, families,
                               selection=mode)
        lo = text.index(passage)
        assert f'startPosition="{lo}" endPosition="{lo + len(passage)}"'.encode() in xml
    with pytest.raises(ValueError):
        build_project("t", {"PE-09": text}, participants, codings, codes, families,
                      selection="paragraph")
