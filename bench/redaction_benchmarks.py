"""Recall and precision of our analyzer vs Presidio defaults on TAB (en) and MEDDOCAN (es).

Data: ../shared/benchmarks/ (read its READMEs). To keep the run short, the default is a
documented subset: the first 15 TAB test documents (sorted by doc_id; ECHR cases are long)
and the first 60 MEDDOCAN test documents (sorted by file name); --tab-docs / --meddocan-docs
change it (0 = the whole split).

Metrics (ours are not the official scripts; read the caveats):
* token recall: share of word tokens inside gold spans that a system covers (TAB: each gold
  span weighted by the number of annotators who masked it, as in TAB's token-level recall).
* token precision: share of word tokens a system masks that lie inside a gold span
  (TAB: a close stand-in for TAB's uniform precision).
* MEDDOCAN strict span P/R: exact start/end, type ignored (subtrack 2 strict). Our spans
  follow our own conventions (e.g. "el oficial [PERSON]" keeps the title), so strict figures
  understate us; token-level figures are the fairer comparison.
* "in scope": MEDDOCAN without the types we deliberately keep (sex, age, profession,
  country). TAB's public files carry no entity types; the SPIA subset (`tab_typed`: the
  31 TAB test documents it holds, one annotator each, with TAB's types) does: in scope
  there are persons (titles left out: we keep "Mr"), codes, places and dates; out of scope,
  kept on purpose, are organisations (public bodies), demonyms, quantities and "misc".

    .venv/bin/python bench/redaction_benchmarks.py [--tab-docs 15] [--meddocan-docs 60]

Writes bench/results/redaction_benchmarks.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
BENCH = ROOT.parent / "shared" / "benchmarks"
OUT_OF_SCOPE = {"SEXO_SUJETO_ASISTENCIA", "EDAD_SUJETO_ASISTENCIA", "PROFESION", "PAIS"}
PUBLISHED = {
    "tab": "Longformer (TAB paper, quoted second-hand): P 0.836, R 0.919 (metric not confirmed)",
    "tab_typed": "none on this subset",
    "meddocan": "best team (NLNDE): span strict P 0.9751, R 0.9747; span merged F1 0.9853",
}
TOKEN = re.compile(r"\w+")


def load_tab(n: int) -> list[dict]:
    docs = []
    with (BENCH / "tab" / "reconstructed" / "echr_test.jsonl").open(encoding="utf-8") as f:
        for line in f:
            docs.append(json.loads(line))
    docs.sort(key=lambda d: d["doc_id"])
    docs = docs[:n] if n else docs
    return [{"id": d["doc_id"], "text": d["text"], "annotators": d["n_annotators"],
             "gold": [(s["start"], s["end"], s["n_masked"], "MASK") for s in d["spans"]
                      if s["n_masked"] >= 1]} for d in docs]


TAB_IN_SCOPE = {"PERSON", "CODE", "LOC", "DATETIME"}
_TITLE = re.compile(r"(?:Mr|Mrs|Ms|Miss|Dr|Judge|Lord|Lady)\.?\s+")


def load_tab_typed(n: int, split: str = "test") -> list[dict]:
    """The TAB documents of `split` in the SPIA subset: one annotator each, with TAB's entity
    types. Gold = mentions to mask (DIRECT or QUASI); a person's title ("Mr", "Ms") is left
    out of the span, as this pipeline keeps titles on purpose ("Mr [PERSON]")."""
    path = BENCH / "tab" / "spia_subset" / "entity_tab_144.jsonl"
    docs = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            meta = row["metadata"]["provenance"]
            if meta["dataset_type"] != split:
                continue
            gold = []
            for e in row["entities"]:
                if e["identifier_type"] not in ("DIRECT", "QUASI"):
                    continue
                start, end = e["start_offset"], e["end_offset"]
                title = _TITLE.match(row["text"], start, end) if e["entity_type"] == "PERSON" \
                    else None
                gold.append((title.end() if title else start, end, 1, e["entity_type"]))
            docs.append({"id": meta["doc_id"], "text": row["text"], "annotators": 1,
                         "gold": gold})
    docs.sort(key=lambda d: d["id"])
    return docs[:n] if n else docs


def load_meddocan(n: int, split: str = "test") -> list[dict]:
    paths = sorted((BENCH / "meddocan" / split / "brat").glob("*.txt"))
    paths = paths[:n] if n else paths
    docs = []
    for path in paths:
        gold = []
        for line in path.with_suffix(".ann").read_text(encoding="utf-8").splitlines():
            if line.startswith("T"):
                kind, start, end = line.split("\t")[1].split(" ")[:3]
                gold.append((int(start), int(end), 1, kind))
        docs.append({"id": path.stem, "text": path.read_text(encoding="utf-8"),
                     "annotators": 1, "gold": gold})
    return docs


def ours(docs: list[dict], language: str) -> list[list[tuple[int, int]]]:
    from pipeline.params import RedactionParams
    from pipeline.redaction.core import analyzer_config, get_analyzer

    analyzer = get_analyzer(analyzer_config(RedactionParams()))
    documents = []
    offsets = []
    for d in docs:  # paragraphs play the role of turns
        parts, starts, pos = [], [], 0
        for para in d["text"].split("\n"):
            parts.append(para)
            starts.append(pos)
            pos += len(para) + 1
        documents.append((language, parts))
        offsets.append(starts)
    from pipeline.execution import executor_for
    from pipeline.params import EngineParams

    with executor_for(EngineParams(workers=2, cache_dir=None)) as executor:
        spans = analyzer.analyze_documents(documents, executor=executor)
    return [[(starts[i] + s.start, starts[i] + s.end) for i, turn in enumerate(doc_spans)
             for s in turn] for starts, doc_spans in zip(offsets, spans, strict=True)]


def presidio_defaults(docs: list[dict], language: str) -> list[list[tuple[int, int]]]:
    from _presidio_default import default_presidio

    engine = default_presidio()
    return [[(r.start, r.end) for r in engine.analyze(text=d["text"], language=language)]
            for d in docs]


def score(docs: list[dict], predicted: list[list[tuple[int, int]]],
          keep=lambda kind: True) -> dict:
    rec_num = rec_den = prec_num = prec_den = 0.0
    strict_tp = n_gold = n_pred = 0
    for d, pred in zip(docs, predicted, strict=True):
        gold = [g for g in d["gold"] if keep(g[3])]
        covered = bytearray(len(d["text"]) + 1)
        for s, e in pred:
            covered[s:e] = b"\x01" * (e - s)
        gold_mask = bytearray(len(d["text"]) + 1)
        for s, e, w, _ in gold:
            gold_mask[s:e] = b"\x01" * (e - s)
            for m in TOKEN.finditer(d["text"], s, e):
                rec_den += w
                rec_num += w * (covered[m.start()] == 1)
        for m in TOKEN.finditer(d["text"]):
            if covered[m.start()]:
                prec_den += 1
                prec_num += gold_mask[m.start()] == 1
        gold_set = {(s, e) for s, e, _, _ in gold}
        pred_set = set(pred)
        strict_tp += len(gold_set & pred_set)
        n_gold += len(gold_set)
        n_pred += len(pred_set)
    r = rec_num / rec_den if rec_den else 0.0
    p = prec_num / prec_den if prec_den else 0.0
    return {"token_recall": round(r, 3), "token_precision": round(p, 3),
            "token_f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "span_strict_recall": round(strict_tp / n_gold, 3) if n_gold else 0.0,
            "span_strict_precision": round(strict_tp / n_pred, 3) if n_pred else 0.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tab-docs", type=int, default=15)
    parser.add_argument("--meddocan-docs", type=int, default=60)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    results = {}
    for name, loader, n, language in (("tab", load_tab, args.tab_docs, "en"),
                                      ("tab_typed", load_tab_typed, args.tab_docs, "en"),
                                      ("meddocan", load_meddocan, args.meddocan_docs, "es")):
        docs = loader(n)
        row = {"documents": len(docs), "language": language}
        for system, fn in (("ours", ours), ("presidio_defaults", presidio_defaults)):
            start = time.perf_counter()
            predicted = fn(docs, language)
            row[system] = score(docs, predicted)
            if name == "meddocan":
                row[system]["in_scope"] = score(docs, predicted,
                                                keep=lambda k: k not in OUT_OF_SCOPE)
            if name == "tab_typed":
                row[system]["in_scope"] = score(docs, predicted,
                                                keep=lambda k: k in TAB_IN_SCOPE)
                row[system]["by_type"] = {
                    kind: score(docs, predicted, keep=lambda k, kind=kind: k == kind)[
                        "token_recall"]
                    for kind in sorted({g[3] for d in docs for g in d["gold"]})}
            row[system]["seconds"] = round(time.perf_counter() - start, 1)
        results[name] = row
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "redaction_benchmarks.json").write_text(json.dumps(results, indent=2) + "\n")
    print("| benchmark (subset) | system | token R | token P | token F1 | strict span R | "
          "strict span P |")
    print("|---|---|---|---|---|---|---|")
    for name, row in results.items():
        label = f"{name.upper()} test ({row['documents']} docs, {row['language']})"
        for system in ("ours", "presidio_defaults"):
            m = row[system]
            print(f"| {label} | {system} | {m['token_recall']} | {m['token_precision']} | "
                  f"{m['token_f1']} | {m['span_strict_recall']} | "
                  f"{m['span_strict_precision']} |")
            if "in_scope" in m:
                s = m["in_scope"]
                print(f"| {label}, in scope | {system} | {s['token_recall']} | "
                      f"{s['token_precision']} | {s['token_f1']} | "
                      f"{s['span_strict_recall']} | {s['span_strict_precision']} |")
        print(f"| {label} | published | {PUBLISHED[name]} | | | | |")
        if "by_type" in row["ours"]:
            print(f"\n{label}, ours, token recall by TAB type: "
                  + ", ".join(f"{k} {v}" for k, v in row["ours"]["by_type"].items()) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
