"""The review loop: a sheet of the most uncertain decisions, and learning from the answers.

`testimony review` lists the unit x code decisions closest to their threshold (redacted text
only) as CSV and as a self-contained HTML page. A reviewer writes `yes` or `no` in the
`answer` column. `testimony learn` turns each answer into an exemplar (yes: a positive,
provenance `confirmed_in_review`; no: a near-miss, `rejected_in_review`) in
`<exemplars>/reviewed.jsonl`, refits the calibration and reports agreement before and after.
"""

from __future__ import annotations

import hashlib
import html
import json
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.errors import InputError, Problem

CANDIDATE_MIN_SCORE = 0.05   # decisions below this are certain "no": not kept for review
REVIEW_COLUMNS = ["review_id", "participant_id", "language", "code", "label", "text", "score",
                  "threshold", "decision", "nearest_exemplar", "answer"]
REVIEWED_FILE = "reviewed.jsonl"


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p.astype(float), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


CANDIDATE_COLUMNS = ["unit_id", "participant_id", "language", "start", "end", "text", "code",
                     "score", "threshold", "nearest_exemplar"]


def no_candidates() -> pd.DataFrame:
    return pd.DataFrame(columns=CANDIDATE_COLUMNS)


def candidate_schema():
    """The column types of review_candidates.parquet (written part by part)."""
    import pyarrow as pa
    text = pa.large_string()
    return pa.schema([("unit_id", text), ("participant_id", text), ("language", text),
                      ("start", pa.int64()), ("end", pa.int64()), ("text", text),
                      ("code", text), ("score", pa.float64()), ("threshold", pa.float64()),
                      ("nearest_exemplar", text)])


def candidates(units: pd.DataFrame, probs: dict[str, np.ndarray], thresholds: dict[str, float],
               nearest: dict[str, list[str]]) -> pd.DataFrame:
    """Unit x code decisions worth reviewing (score >= CANDIDATE_MIN_SCORE), redacted text."""
    frames = []
    for code, p in probs.items():
        keep = np.flatnonzero(p >= CANDIDATE_MIN_SCORE)
        if keep.size == 0:
            continue
        part = units.iloc[keep][["unit_id", "participant_id", "language", "start", "end",
                                 "text"]].copy()
        part["code"] = code
        part["score"] = p[keep]
        part["threshold"] = thresholds[code]
        part["nearest_exemplar"] = [nearest[code][i] for i in keep]
        frames.append(part)
    if not frames:
        return no_candidates()
    return pd.concat(frames, ignore_index=True)[CANDIDATE_COLUMNS].sort_values(
        ["participant_id", "start", "code"], kind="stable").reset_index(drop=True)


def review_sheet(cands: pd.DataFrame, labels: dict[str, str], n: int) -> pd.DataFrame:
    """The n most uncertain decisions (closest to the threshold in log-odds), codes in turn."""
    if cands.empty:
        return pd.DataFrame(columns=REVIEW_COLUMNS)
    frame = cands.copy()
    frame["distance"] = np.abs(_logit(frame["score"].to_numpy())
                               - _logit(frame["threshold"].to_numpy()))
    frame = frame.sort_values(["distance", "unit_id", "code"], kind="stable")
    frame["rank_in_code"] = frame.groupby("code").cumcount()
    picked = frame.sort_values(["rank_in_code", "distance", "code"], kind="stable").head(n)
    picked = picked.sort_values(["code", "distance"], kind="stable")
    out = pd.DataFrame({
        "review_id": [hashlib.sha256(f"{u}|{c}".encode()).hexdigest()[:12]
                      for u, c in zip(picked["unit_id"], picked["code"], strict=True)],
        "participant_id": picked["participant_id"], "language": picked["language"],
        "code": picked["code"], "label": [labels.get(c, c) for c in picked["code"]],
        "text": picked["text"], "score": picked["score"].round(3),
        "threshold": picked["threshold"].round(3),
        "decision": np.where(picked["score"] >= picked["threshold"], "yes", "no"),
        "nearest_exemplar": picked["nearest_exemplar"], "answer": ""})
    return out.reset_index(drop=True)


def sheet_html(sheet: pd.DataFrame, title: str) -> str:
    rows = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in (
            r.review_id, r.code, r.label, r.text, f"{r.score:.3f}", f"{r.threshold:.3f}",
            r.decision)) + "<td></td></tr>" for r in sheet.itertuples(index=False))
    head = "".join(f"<th>{h}</th>" for h in ("id", "code", "theme", "passage (redacted)",
                                             "score", "threshold", "coder says", "your answer"))
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            "</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:"
            "collapse}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}"
            "td:nth-child(4){max-width:40em}</style></head><body>"
            f"<h1>{html.escape(title)}</h1><p>Each row is a passage the coder was least sure "
            "about. Does the passage show the theme? Write <b>yes</b> or <b>no</b> in the "
            "<code>answer</code> column of the CSV file with the same name, then run "
            "<code>testimony learn --decisions FILE</code>.</p>"
            f"<table><tr>{head}</tr>\n{rows}</table></body></html>\n")


def read_decisions(path: Path) -> pd.DataFrame:
    """The filled review sheet: rows answered yes/no (others are skipped)."""
    if not path.exists():
        raise InputError([Problem(str(path), "file not found")])
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"code", "language", "text", "answer"} - set(frame.columns)
    if missing:
        raise InputError([Problem(str(path), "missing column(s) " + ", ".join(sorted(missing))
                                  + "; use the sheet written by `testimony review`")])
    problems = []
    answers = frame["answer"].str.strip().str.lower()
    for i, value in enumerate(answers, start=2):
        if value not in ("", "yes", "no", "y", "n", "si", "sí"):
            problems.append(Problem(str(path), f"answer '{value}' is not yes or no", i))
    if problems:
        raise InputError(problems)
    frame["answer"] = answers.map({"y": "yes", "si": "yes", "sí": "yes", "n": "no"}
                                  ).fillna(answers)
    return frame[frame["answer"].isin(["yes", "no"])].reset_index(drop=True)


def add_to_bank(decisions: pd.DataFrame, folder: Path) -> int:
    """Append answered decisions to `<folder>/reviewed.jsonl`; returns how many were new."""
    path = Path(folder) / REVIEWED_FILE
    existing = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                existing[record["id"]] = record
    added = 0
    for row in decisions.itertuples(index=False):
        text = " ".join(str(row.text).split())
        positive = row.answer == "yes"
        ident = "RV-" + hashlib.sha256(f"{row.code}|{text}".encode()).hexdigest()[:12]
        record = {"id": ident, "code": row.code,
                  "polarity": "positive" if positive else "near_miss",
                  "language": row.language, "text": text,
                  "provenance": "confirmed_in_review" if positive else "rejected_in_review"}
        if existing.get(ident) != record:
            added += ident not in existing
            existing[ident] = record
    from pipeline.io import write_text
    write_text(path, "".join(json.dumps(r, ensure_ascii=False) + "\n"
                             for _, r in sorted(existing.items())))
    return added


def write_review(out_dir: Path, n: int, codebook) -> tuple[Path, Path, int]:
    """Write `<out>/review/review_sheet.csv` and `.html` from the code stage's candidates."""
    from pipeline.artifacts import OutputPaths
    from pipeline.io import write_csv, write_text
    paths = OutputPaths(Path(out_dir))
    if not paths.review_candidates.exists():
        raise InputError([Problem(str(paths.review_candidates), "not found; run the code "
                                  "stage first (semantic coding on)")])
    cands = pd.read_parquet(paths.review_candidates)
    labels = {c.id: c.label.en for c in codebook.codes}
    sheet = review_sheet(cands, labels, n)
    folder = Path(out_dir) / "review"
    csv_path = write_csv(folder / "review_sheet.csv", sheet)
    html_path = write_text(folder / "review_sheet.html",
                           sheet_html(sheet, f"Coding review: {len(sheet)} passages"))
    return csv_path, html_path, len(sheet)


def validation_f1(params, codebook, out_dir: Path, gold: Path) -> dict[str, float]:
    """Macro F1 per language of a re-coding of a run's segments against gold themes."""
    from pipeline.artifacts import OutputPaths
    from pipeline.coding.agreement import evaluate_coding
    from pipeline.coding.run import code_corpus
    paths = OutputPaths(Path(out_dir))
    segments = pd.read_parquet(paths.segments)
    _, table, _ = code_corpus(segments, codebook, params.coding)
    participants = segments[["participant_id", "language"]].drop_duplicates()
    report = evaluate_coding(gold, table, participants)
    return {lang: r["macro"]["f1"] for lang, r in sorted(report["by_language"].items())}
