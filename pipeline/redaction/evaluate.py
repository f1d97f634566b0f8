"""Measure redaction against gold annotations: leakage of direct and quasi identifiers, and
over-redaction of strings analysts need (issue 4, "Measured targets").

A gold occurrence survives if its text is still found in the redacted transcript (case-,
accent- and spacing-insensitive, at word boundaries); up to `count` occurrences per gold row
can survive. The returned dict holds counts and rates only, never gold or transcript text.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

from pipeline.redaction.textutil import find_folded, fold

TARGETS = {"direct_leakage_max": 0.01, "quasi_leakage_max": 0.05, "over_redaction_max": 0.05}


def _read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line:
            rows.append(json.loads(line))
    return rows


def _languages(redacted_dir: Path) -> dict[str, str]:
    path = Path(redacted_dir).parent / "participants.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["participant_id"]: row.get("language", "") for row in csv.DictReader(handle)}


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _present(folded_text: str, needle: str) -> bool:
    """A preserve string is still there: at word boundaries, or inside a longer word when the
    gold counted it that way ("el consulado" in "del consulado": gold files were made by
    substring counts, so a kept "del consulado" must not count as lost)."""
    return bool(find_folded(folded_text, needle)) or (len(needle) >= 6 and needle in folded_text)


def evaluate_redaction(gold_dir: Path, redacted_dir: Path, participant_ids: list[str]) -> dict:
    gold_dir, redacted_dir = Path(gold_dir), Path(redacted_dir)
    languages = _languages(redacted_dir)
    included = sorted(set(participant_ids))
    folded: dict[str, str] = {}
    for pid in included:
        path = redacted_dir / f"{pid}.txt"
        if path.exists():
            folded[pid] = fold(path.read_text(encoding="utf-8"))
    pii = [r for r in _read_jsonl(gold_dir / "pii.jsonl") if r.get("participant_id") in folded]
    preserve = [r for r in _read_jsonl(gold_dir / "preserve.jsonl")
                if r.get("participant_id") in folded]

    # totals[(class, language)] = [occurrences, survived, strings, strings_survived]
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    by_type: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in pii:
        pid = row["participant_id"]
        lang = languages.get(pid, "unknown")
        count = max(1, int(row.get("count", 1) or 1))
        found = len(find_folded(folded[pid], fold(str(row["text"])).strip()))
        survived = min(found, count)
        klass = "direct" if row.get("identifier") == "direct" else "quasi"
        for key in ((klass, lang), (klass, "all")):
            t = totals[key]
            t[0] += count
            t[1] += survived
            t[2] += 1
            t[3] += int(survived > 0)
        for key in ((row.get("type", "OTHER"), lang), (row.get("type", "OTHER"), "all")):
            t = by_type[key]
            t[0] += count
            t[1] += survived
            t[2] += 1
            t[3] += int(survived > 0)

    lost: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in preserve:
        pid = row["participant_id"]
        lang = languages.get(pid, "unknown")
        gone = not _present(folded[pid], fold(str(row["text"])).strip())
        for key in (lang, "all"):
            lost[key][0] += 1
            lost[key][1] += int(gone)

    langs = sorted({languages.get(pid, "unknown") for pid in folded})

    def block(klass: str) -> dict:
        out = {}
        for lang in ["all", *langs]:
            occ, surv, strings, strings_surv = totals[(klass, lang)]
            out[lang] = {"occurrences": occ, "survived": surv, "leakage": _rate(surv, occ),
                         "strings": strings, "strings_survived": strings_surv,
                         "string_leakage": _rate(strings_surv, strings)}
        return out

    direct, quasi = block("direct"), block("quasi")
    over = {lang: {"strings": lost[lang][0], "lost": lost[lang][1],
                   "over_redaction": _rate(lost[lang][1], lost[lang][0])}
            for lang in ["all", *langs]}
    types = sorted({k for k, _ in by_type})
    per_type = {}
    for kind in types:
        per_type[kind] = {}
        for lang in ["all", *langs]:
            occ, surv, strings, strings_surv = by_type[(kind, lang)]
            if occ:
                per_type[kind][lang] = {"occurrences": occ, "survived": surv,
                                        "leakage": _rate(surv, occ)}
    meets = {}
    for lang in langs:
        d, q, o = (direct[lang]["leakage"], quasi[lang]["leakage"],
                   over[lang]["over_redaction"])
        meets[lang] = bool((d or 0) <= TARGETS["direct_leakage_max"]
                           and (q or 0) <= TARGETS["quasi_leakage_max"]
                           and (o or 0) <= TARGETS["over_redaction_max"])
    return {
        "n_transcripts": len(folded),
        "n_transcripts_by_language": {lang: sum(languages.get(p) == lang for p in folded)
                                      for lang in langs},
        "gold_pii_rows": len(pii), "gold_preserve_rows": len(preserve),
        "direct_leakage": direct, "quasi_leakage": quasi, "over_redaction": over,
        "by_type": per_type, "targets": dict(TARGETS), "meets_targets": meets,
    }


def surviving(gold_dir: Path, redacted_dir: Path, participant_ids: list[str]) -> list[dict]:
    """Gold identifiers still present and preserve strings lost, with a short redacted context.

    For the developer's private error analysis only (it returns gold text): never write its
    result under outputs/.
    """
    gold_dir, redacted_dir = Path(gold_dir), Path(redacted_dir)
    rows = []
    texts = {pid: (redacted_dir / f"{pid}.txt").read_text(encoding="utf-8")
             for pid in sorted(set(participant_ids)) if (redacted_dir / f"{pid}.txt").exists()}
    folded = {pid: fold(text) for pid, text in texts.items()}
    for row in _read_jsonl(gold_dir / "pii.jsonl"):
        pid = row.get("participant_id")
        if pid not in folded:
            continue
        hits = find_folded(folded[pid], fold(str(row["text"])).strip())
        for start, end in hits[:3]:
            rows.append({"kind": "leak", "participant_id": pid, "type": row.get("type"),
                         "identifier": row.get("identifier"), "text": row["text"],
                         "context": folded[pid][max(0, start - 60):end + 40].replace("\n", " ")})
    for row in _read_jsonl(gold_dir / "preserve.jsonl"):
        pid = row.get("participant_id")
        if pid in folded and not _present(folded[pid], fold(str(row["text"])).strip()):
            rows.append({"kind": "lost", "participant_id": pid, "type": row.get("type", ""),
                         "identifier": "", "text": row["text"], "context": ""})
    return rows
