"""Codings to participant level: answer rows, merging overlapping evidence, code valence."""

from __future__ import annotations

import pandas as pd

from pipeline.coding.codebook import Codebook
from pipeline.params import CodingParams

# the columns of codings.parquet (the semantic layer adds its audit columns)
CODING_COLUMNS = ["segment_id", "participant_id", "language", "code", "family", "rule",
                  "start", "end", "evidence", "snippet", "negated", "valence"]

ANSWER_RULE = "answer"  # rule id of valence-only evidence: the reply to a question on a service


def is_answer(frame: pd.DataFrame) -> pd.Series:
    """Valence-only rows (replies to a question about a service), not evidence of presence."""
    return frame["rule"].astype(str).str.endswith("/" + ANSWER_RULE)


def dedupe_codings(frame: pd.DataFrame) -> pd.DataFrame:
    """One coding per code and piece of evidence: overlapping spans of a code are merged."""
    if frame.empty:
        return frame.reset_index(drop=True)
    frame = frame.sort_values(["participant_id", "start", "code", "end", "rule"],
                              kind="stable").reset_index(drop=True)
    keep = []
    last_end: dict[tuple[str, str], int] = {}
    for i, row in enumerate(frame.itertuples(index=False)):
        k = (row.segment_id, row.code, str(row.rule).endswith("/" + ANSWER_RULE))
        if k in last_end and row.start < last_end[k]:
            last_end[k] = max(last_end[k], row.end)
            continue
        last_end[k] = row.end
        keep.append(i)
    return frame.iloc[keep].sort_values(["participant_id", "start", "code"],
                                        kind="stable").reset_index(drop=True)


def participant_codes(codings: pd.DataFrame, participants: list[str], codebook: Codebook,
                      params: CodingParams) -> pd.DataFrame:
    """One row per participant and code: present 0/1, count, valence (care codes only)."""
    valence_codes = {c.id: c.default_valence for c in codebook.codes if c.valence}
    fixed = {c.id: c.fixed_valence for c in codebook.codes if c.valence and c.fixed_valence}
    prior = {c.id: c.valence_prior for c in codebook.codes
             if c.valence and c.valence_prior and c.default_valence}
    receipt_rules = {f"{c.id}/{lang}/{r.id}" for c in codebook.codes if c.valence
                     for lang, rules in c.rules.items() for r in rules
                     if r.negation == "keep" and r.valence}
    # positions of each (participant, code) group and its evidence count, computed once for
    # the corpus (a table per group made this the slowest part of an incremental run)
    positions: dict = {}
    counts: dict = {}
    if not codings.empty:
        codings = codings.reset_index(drop=True)
        evidence = ~is_answer(codings)
        keys = [codings["participant_id"], codings["code"]]
        positions = codings.groupby(keys, sort=True).indices
        counts = evidence.groupby(keys, sort=True).sum().to_dict()
        valences = codings["valence"].tolist()
        negated = codings["negated"].astype(bool).tolist()
        receipt = codings["rule"].isin(receipt_rules).tolist()
    rows = []
    for pid in sorted(participants):
        for code in codebook.ids:
            count = int(counts.get((pid, code), 0))
            valence = ""
            if count and code in valence_codes:
                group = positions[(pid, code)].tolist()
                default = valence_codes[code]
                if any(valences[i] == "" and not negated[i] and receipt[i] for i in group):
                    default = "positive"  # care described as received, with no judgement
                cues = [valences[i] for i in group]
                if code in prior:
                    cues += [valence_codes[code]] * prior[code]
                valence = fixed.get(code) or aggregate_valence(cues, params, default)
            rows.append({"participant_id": pid, "code": code, "present": int(count > 0),
                         "count": count, "valence": valence})
    return pd.DataFrame(rows, columns=["participant_id", "code", "present", "count", "valence"])


def aggregate_valence(valences: list[str], params: CodingParams,
                      default: str | None = None) -> str:
    pos = sum(v == "positive" for v in valences) + sum(v == "mixed" for v in valences)
    neg = sum(v == "negative" for v in valences) + sum(v == "mixed" for v in valences)
    if not pos and not neg:
        return params.default_valence if default is None else default
    if pos and neg and min(pos, neg) / (pos + neg) >= params.mixed_min_share:
        return "mixed"
    return "positive" if pos > neg else "negative" if neg > pos else "mixed"
