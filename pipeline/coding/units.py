"""Semantic units: the participant's sentences and two-sentence windows, with offsets.

A theme is often said across two sentences ("They took my statement. Then nothing, never a
call."), so each sentence is scored alone and with the next one. Offsets are positions in
the redacted transcript, like every coding's.
"""

from __future__ import annotations

import re

import pandas as pd

# A sentence ends at . ! ? … (and closing quotes) followed by space, or at a line break.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”»)\]]*(?=\s)|\n+")
_WORD = re.compile(r"\w+")
MIN_WORDS = 3   # "Yes." and "No, nothing." carry no theme on their own
UNIT_COLUMNS = ["unit_id", "segment_id", "participant_id", "language", "start", "end", "text"]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`, whitespace trimmed."""
    spans = []
    begin = 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((begin, match.end()))
        begin = match.end()
    spans.append((begin, len(text)))
    out = []
    for lo, hi in spans:
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        if hi > lo:
            out.append((lo, hi))
    return out


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def turn_units(text: str, window: int = 2) -> list[tuple[int, int]]:
    """Sentences with at least MIN_WORDS words, plus windows of `window` sentences."""
    sents = sentence_spans(text)
    units = [(lo, hi) for lo, hi in sents if _words(text[lo:hi]) >= MIN_WORDS]
    if window > 1:
        for i in range(len(sents) - window + 1):
            lo, hi = sents[i][0], sents[i + window - 1][1]
            if _words(text[lo:hi]) >= MIN_WORDS and (lo, hi) not in units:
                units.append((lo, hi))
    return sorted(set(units))


def participant_units(segments: pd.DataFrame, window: int = 2) -> pd.DataFrame:
    """One row per unit of every participant turn (interviewer turns are never coded)."""
    rows = []
    turns = segments[segments["speaker"] == "participant"].sort_values(
        ["participant_id", "turn_index"], kind="stable")
    for record in turns.itertuples(index=False):
        text = str(record.text)
        offset = int(record.start)
        for k, (lo, hi) in enumerate(turn_units(text, window)):
            rows.append({"unit_id": f"{record.segment_id}:{k}", "segment_id": record.segment_id,
                         "participant_id": record.participant_id, "language": record.language,
                         "start": offset + lo, "end": offset + hi, "text": text[lo:hi]})
    return pd.DataFrame(rows, columns=UNIT_COLUMNS)
