"""REFI-QDA project export (.qdpx: a ZIP of project.qde and Sources/), so researchers can
continue in QualCoder, NVivo, ATLAS.ti or MAXQDA. Only redacted text goes in.

Each selection is a coded passage, not the trigger phrase: the sentence(s) holding the
match or the participant's whole turn (`report.qda_selection`). Codings of one code whose
passages overlap share one selection; its description says, in plain words, the valence
(care codes) and what decided each coding (rule and matched phrase, or nearest exemplar,
with score and threshold)."""

from __future__ import annotations

import bisect
import io
import logging
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from lxml import etree

from pipeline.artifacts import PARTICIPANT_COLUMNS
from pipeline.coding.export import render_code, render_family, stable_guid
from pipeline.coding.units import sentence_spans
from pipeline.report.quotes import evidence_label, score_of

log = logging.getLogger(__name__)

NS = "urn:QDA-XML:project:1.0"
ATTRIBUTES = list(PARTICIPANT_COLUMNS[1:])  # each participant's published attributes
FIXED_TIME = "2000-01-01T00:00:00Z"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
SELECTION_MODES = ("sentence", "turn")
VALENCE_WORDS = {"positive": "positive (supportive care)",
                 "negative": "negative (unsupportive care)",
                 "mixed": "mixed (both supportive and unsupportive)"}
# Fallback turn finder when no segments table is given: one line is one turn, after an
# optional speaker label ("P:", "PARTICIPANT:", "ENTREVISTADORA:").
_SPEAKER_LABEL = re.compile(r"[^\S\n]*[^\W\d_]\w{0,29}(?:[^\S\n]\w{1,30}){0,2}[^\S\n]*:[^\S\n]+")


def guid(kind: str, key: str) -> str:
    """Stable lower-case GUIDs, shared with codebook.qdc: the same code has the same GUID in
    both."""
    return stable_guid(kind, key)


def _el(parent, tag: str, **attrs) -> etree._Element:
    return etree.SubElement(parent, f"{{{NS}}}{tag}", {k: str(v) for k, v in attrs.items()})


@dataclass
class Passage:
    """One selection: a sentence span or turn of a source, and the codings of one code in it."""

    code: str
    start: int
    end: int
    rows: list = field(default_factory=list)


def turn_spans(transcripts: Mapping[str, str], segments: pd.DataFrame | None
               ) -> dict[str, list[tuple[int, int]]]:
    """Each source's turns as sorted (start, end) character offsets in its text.

    From the segments table (the turns the pipeline coded) when given; otherwise each line
    is taken as a turn, after its speaker label.
    """
    if segments is None or segments.empty:
        return {pid: _line_turns(text) for pid, text in transcripts.items()}
    turns: dict[str, list[tuple[int, int]]] = {pid: [] for pid in transcripts}
    for row in segments[["participant_id", "start", "end"]].itertuples(index=False):
        text = transcripts.get(str(row.participant_id))
        if text is not None and 0 <= int(row.start) < int(row.end) <= len(text):
            turns[str(row.participant_id)].append(_trimmed(text, int(row.start), int(row.end)))
    return {pid: sorted(set(spans)) for pid, spans in turns.items()}


def _line_turns(text: str) -> list[tuple[int, int]]:
    spans, offset = [], 0
    for line in text.splitlines(keepends=True):
        label = _SPEAKER_LABEL.match(line)
        lo = offset + (label.end() if label else 0)
        lo, hi = _trimmed(text, lo, offset + len(line))
        if hi > lo:
            spans.append((lo, hi))
        offset += len(line)
    return spans


def _trimmed(text: str, lo: int, hi: int) -> tuple[int, int]:
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    return lo, hi


def _turn_of(turns: list[tuple[int, int]], start: int) -> tuple[int, int] | None:
    i = bisect.bisect_right(turns, (start, float("inf"))) - 1
    if i >= 0 and turns[i][0] <= start < turns[i][1]:
        return turns[i]
    return None


def passage_span(text: str, turn: tuple[int, int] | None, start: int, end: int,
                 mode: str) -> tuple[int, int]:
    """The coded passage around a match [start, end): its whole turn, or the sentences of
    the turn it overlaps (sentences as the coding layer splits them). Never smaller than
    the match itself."""
    if turn is None:
        return start, end
    lo, hi = turn
    if mode != "turn":
        sentences = [(lo + a, lo + b) for a, b in sentence_spans(text[lo:hi])]
        hits = [s for s in sentences if s[0] < end and start < s[1]]
        if hits:
            lo, hi = hits[0][0], hits[-1][1]
    return min(lo, start), max(hi, end)


def merge_passages(spans: list[tuple[int, int, Any]], code: str) -> list[Passage]:
    """Passages of one code in one source; overlapping ones become one selection."""
    merged: list[Passage] = []
    for lo, hi, row in sorted(spans, key=lambda s: (s[0], s[1])):
        if merged and lo < merged[-1].end:
            merged[-1].end = max(merged[-1].end, hi)
            merged[-1].rows.append(row)
        else:
            merged.append(Passage(code, lo, hi, [row]))
    return merged


def source_passages(text: str, turns: list[tuple[int, int]], group: pd.DataFrame,
                    mode: str) -> list[Passage]:
    """All selections of one source, sorted by position then code."""
    by_code: dict[str, list[tuple[int, int, Any]]] = {}
    outside = 0
    for row in group.itertuples(index=False):
        start, end = int(row.start), int(row.end)
        turn = _turn_of(turns, start)
        outside += turn is None
        lo, hi = passage_span(text, turn, start, end, mode)
        by_code.setdefault(str(row.code), []).append((lo, hi, row))
    if outside:
        log.warning("%d codings lie outside every turn; their selection is the match only",
                    outside)
    passages = [p for code, spans in by_code.items() for p in merge_passages(spans, code)]
    return sorted(passages, key=lambda p: (p.start, p.end, p.code))


def _missing(value: Any) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _text(value: Any) -> str:
    """A cell as text: missing values (None, NaN, NA) are empty."""
    return "" if _missing(value) else " ".join(str(value).split())


def _flag(value: Any) -> bool:
    return not _missing(value) and str(value).strip().lower() in ("true", "1")


def _valence_words(rows: list) -> str:
    values = list(dict.fromkeys(_text(getattr(r, "valence", None)) for r in rows))
    words = [VALENCE_WORDS.get(v, v) for v in values if v]
    if not words:
        return "not judged in this passage"
    return words[0] if len(words) == 1 else " and ".join(words) + " evidence in this passage"


def _number(value: Any) -> float | None:
    try:
        return None if _missing(value) else float(value)
    except (TypeError, ValueError):
        return None


def _evidence_words(row) -> str:
    """What decided one coding, in plain words (the quote bank's evidence label, the matched
    phrase for a rule, negation, score and threshold)."""
    words = evidence_label(row)
    phrase = _text(getattr(row, "evidence", None))
    if _text(getattr(row, "rule", None)) != "semantic" and phrase:
        words += f" matched \u201c{phrase}\u201d"
    if _flag(getattr(row, "negated", None)):
        words += ", negated (coded as a lack)"
    score, threshold = score_of(row), _number(getattr(row, "threshold", None))
    if score is not None:
        words += f"; score {score:.3f}" + (
            f" (threshold {threshold:.3f})" if threshold is not None else "")
    return words


def coding_note(passage: Passage, with_valence: bool) -> str:
    """The selection's description: valence (care codes) and the evidence of each coding."""
    lines = [f"Valence: {_valence_words(passage.rows)}."] if with_valence else []
    lines += [f"Evidence: {words}." for words in
              dict.fromkeys(_evidence_words(row) for row in passage.rows)]
    return "\n".join(lines)


def _has_valence(code: Mapping[str, Any]) -> bool:
    return bool(code.get("valence") or code.get("fixed_valence"))


def build_project(name: str, transcripts: dict[str, str], participants: pd.DataFrame,
                  codings: pd.DataFrame, codes: list[dict],
                  families: Mapping[str, Any] | None = None,
                  segments: pd.DataFrame | None = None,
                  selection: str = "sentence") -> tuple[bytes, dict[str, str]]:
    """Return project.qde bytes and {Sources/<guid>.txt: text}.

    `codes`: codebook entries ({id, family, label, definition, ...}) in codebook order;
    families become parent (non-codable) codes, labelled from `families` ({family id:
    {en, es}}) when given. Codes are rendered as in codebook.qdc (pipeline.coding.export).
    `codings` needs participant_id, code, start, end (character offsets in the redacted
    transcript); valence, rule, exemplar, evidence, negated, score and threshold go into
    each selection's description when present. `selection` ("sentence" or "turn") sets what
    a selection covers: the sentence(s) holding the match or its whole turn, found in
    `segments` (participant_id, start, end; lines of the text when not given).
    Positions are Python string indices (code points) in exactly the text written to
    Sources/, as the REFI-QDA plain-text selection expects.
    """
    if selection not in SELECTION_MODES:
        raise ValueError(f"selection must be one of {SELECTION_MODES}, got {selection!r}")
    families = families or {}
    user = guid("user", "testimony-pipeline")
    root = etree.Element(f"{{{NS}}}Project", nsmap={None: NS}, name=name,
                         origin="testimony-pipeline", creatingUserGUID=user,
                         creationDateTime=FIXED_TIME)
    users = _el(root, "Users")
    _el(users, "User", guid=user, name="testimony-pipeline (automatic coding)", id="auto")
    _add_codebook(root, codes, families)
    _add_cases(root, transcripts, participants)
    files = _add_sources(root, transcripts, codings, codes, turn_spans(transcripts, segments),
                         selection, user)
    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return xml, files


def _add_codebook(root, codes: list[dict], families: Mapping[str, Any]) -> None:
    book = _el(root, "CodeBook")
    codes_el = _el(book, "Codes")
    parents: dict[str, etree._Element] = {}
    for code in codes:
        family = str(code.get("family") or "other")
        if family not in parents:
            shown = render_family(family, families.get(family))
            parents[family] = _el(codes_el, "Code", guid=shown.guid, name=shown.name,
                                  isCodable="false", color=shown.color)
            _el(parents[family], "Description").text = shown.description
        shown = render_code(code)
        code_el = _el(parents[family], "Code", guid=shown.guid, name=shown.name,
                      isCodable="true", color=shown.color)
        if shown.description:
            _el(code_el, "Description").text = shown.description


def _add_cases(root, transcripts: dict[str, str], participants: pd.DataFrame) -> None:
    variables = _el(root, "Variables")
    for attribute in ATTRIBUTES:
        _el(variables, "Variable", guid=guid("variable", attribute), name=attribute,
            typeOfVariable="Integer" if attribute == "interview_year" else "Text")

    meta = participants.set_index("participant_id")
    cases = _el(root, "Cases")
    for pid in sorted(transcripts):
        case = _el(cases, "Case", guid=guid("case", pid), name=pid)
        for attribute in ATTRIBUTES:
            if attribute not in meta.columns or pid not in meta.index:
                continue
            value = _el(case, "VariableValue")
            _el(value, "VariableRef", targetGUID=guid("variable", attribute))
            if attribute == "interview_year":
                _el(value, "IntegerValue").text = str(int(meta.loc[pid, attribute]))
            else:
                _el(value, "TextValue").text = str(meta.loc[pid, attribute])
        _el(case, "SourceRef", targetGUID=guid("source", pid))


def _add_sources(root, transcripts: dict[str, str], codings: pd.DataFrame, codes: list[dict],
                 turns: dict[str, list[tuple[int, int]]], mode: str, user: str
                 ) -> dict[str, str]:
    known_codes = {c["id"] for c in codes}
    valence_codes = {c["id"] for c in codes if _has_valence(c)}
    sources = _el(root, "Sources")
    files: dict[str, str] = {}
    by_participant = {pid: group for pid, group in codings.groupby("participant_id")}
    for pid in sorted(transcripts):
        source_guid = guid("source", pid)
        files[f"Sources/{source_guid}.txt"] = transcripts[pid]
        source = _el(sources, "TextSource", guid=source_guid, name=pid,
                     plainTextPath=f"internal://{source_guid}.txt", creatingUser=user,
                     creationDateTime=FIXED_TIME)
        group = by_participant.get(pid)
        if group is None:
            continue
        group = group[group["code"].isin(known_codes)].sort_values(["start", "end", "code"])
        for passage in source_passages(transcripts[pid], turns.get(pid, []), group, mode):
            _add_selection(source, pid, passage, passage.code in valence_codes, user)
    return files


def _add_selection(source, pid: str, passage: Passage, with_valence: bool, user: str) -> None:
    key = f"{pid}:{passage.code}:{passage.start}:{passage.end}"
    selection = _el(source, "PlainTextSelection", guid=guid("selection", key),
                    name=passage.code, startPosition=passage.start, endPosition=passage.end,
                    creatingUser=user, creationDateTime=FIXED_TIME)
    _el(selection, "Description").text = coding_note(passage, with_valence)
    coding = _el(selection, "Coding", guid=guid("coding", key), creatingUser=user,
                 creationDateTime=FIXED_TIME)
    _el(coding, "CodeRef", targetGUID=guid("code", passage.code))


def write_qdpx(path: Path, project_xml: bytes, files: dict[str, str]) -> None:
    """Write a deterministic ZIP (fixed timestamps, sorted entries)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entries = [("project.qde", project_xml)] + [
            (name, text.encode("utf-8")) for name, text in sorted(files.items())]
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    Path(path).write_bytes(buffer.getvalue())


def validate_project(project_xml: bytes, schema_path: Path) -> list[str]:
    """Schema errors of a project.qde (empty list when valid)."""
    import xmlschema

    schema = xmlschema.XMLSchema(str(schema_path))
    return [str(error.reason) for error in schema.iter_errors(io.BytesIO(project_xml))]
