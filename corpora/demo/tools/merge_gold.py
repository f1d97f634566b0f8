"""Merge the per-country gold parts (gold/parts/<CC>_*) into gold/pii.jsonl, gold/themes.csv
and gold/preserve.jsonl, sorted by participant. Run after editing any part:
    .venv/bin/python corpora/demo/tools/merge_gold.py
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

GOLD = Path(__file__).resolve().parents[1] / "gold"
PARTS = GOLD / "parts"


def merge_jsonl(suffix: str, target: str) -> int:
    records = []
    for part in sorted(PARTS.glob(f"*_{suffix}.jsonl")):
        for line in part.read_text(encoding="utf-8").splitlines():
            if line.strip():
                records.append(json.loads(line))
    records.sort(key=lambda r: (r["participant_id"], r.get("type", ""), r["text"]))
    (GOLD / target).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                               encoding="utf-8")
    return len(records)


def merge_themes() -> int:
    rows = []
    for part in sorted(PARTS.glob("*_themes.csv")):
        with open(part, encoding="utf-8", newline="") as handle:
            rows.extend(csv.DictReader(handle))
    with open(GOLD / "themes.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["participant_id", "code", "present", "valence"],
                                lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: (r.get(k) or "").strip() for k in writer.fieldnames})
    return len(rows)


if __name__ == "__main__":
    print("pii", merge_jsonl("pii", "pii.jsonl"))
    print("preserve", merge_jsonl("preserve", "preserve.jsonl"))
    print("themes", merge_themes())
