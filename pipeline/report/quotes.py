"""A quote bank: short redacted passages per theme and country, chosen deterministically and
spread over participants (at most one quote per participant per theme)."""

from __future__ import annotations

import hashlib

import pandas as pd

QUOTE_COLUMNS = ["code", "country", "participant_id", "segment_id", "quote", "evidence",
                 "score"]


def evidence_label(row) -> str:
    """What decided a coding: the rule id, or `semantic` and the nearest exemplar's id."""
    rule = str(getattr(row, "rule", "") or "")
    exemplar = str(getattr(row, "exemplar", "") or "")
    if rule == "semantic":
        return f"semantic (nearest exemplar {exemplar})" if exemplar else "semantic"
    return f"rule {rule}"


def score_of(row) -> float | None:
    score = getattr(row, "score", None)
    try:
        return None if score is None or score != score else round(float(score), 3)
    except (TypeError, ValueError):
        return None


def _stable_rank(seed: int, key: str) -> str:
    return hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()


def excerpt(text: str, start: int, end: int, max_chars: int) -> str:
    """A window of `text` around [start, end), cut at word boundaries, with ellipses."""
    text = " ".join(text.split("\n"))
    if len(text) <= max_chars:
        return text.strip()
    centre = (max(start, 0) + min(max(end, start), len(text))) // 2
    left = max(0, centre - max_chars // 2)
    right = min(len(text), left + max_chars)
    left = max(0, right - max_chars)
    if left > 0:
        space = text.find(" ", left)
        left = space + 1 if 0 <= space < centre else left
    if right < len(text):
        space = text.rfind(" ", centre, right)
        right = space if space > centre else right
    return ("…" if left > 0 else "") + text[left:right].strip() + ("…" if right < len(text) else "")


def quote_bank(codings: pd.DataFrame, segments: pd.DataFrame, per_theme: int, max_chars: int,
               seed: int) -> pd.DataFrame:
    """Up to `per_theme` quotes for each (code, country), each from a different participant."""
    if codings.empty:
        return pd.DataFrame(columns=QUOTE_COLUMNS)
    seg = segments.set_index("segment_id")
    merged = codings.merge(segments[["segment_id", "country", "start", "text"]].rename(
        columns={"start": "segment_start"}), on="segment_id", how="inner")
    rows = []
    for (code, country), group in merged.groupby(["code", "country"], sort=True):
        group = group.assign(rank=[_stable_rank(seed, f"{code}:{s}:{i}") for i, s in
                                   enumerate(group["segment_id"])])
        group = group.sort_values(["rank"])
        used: set[str] = set()
        for row in group.itertuples():
            if row.participant_id in used:
                continue
            used.add(row.participant_id)
            start = int(row.start) - int(row.segment_start)
            end = int(row.end) - int(row.segment_start)
            text = seg.loc[row.segment_id, "text"]
            rows.append({"code": code, "country": country, "participant_id": row.participant_id,
                         "segment_id": row.segment_id,
                         "quote": excerpt(text, start, end, max_chars),
                         "evidence": evidence_label(row), "score": score_of(row)})
            if len(used) >= per_theme:
                break
    return pd.DataFrame(rows, columns=QUOTE_COLUMNS)
