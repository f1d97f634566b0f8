"""Throughput (words/s) and peak memory of our redaction vs a plain Presidio loop vs spaCy NER.

Same text for all three, in one run: the demo corpus transcripts (or MEDDOCAN + TAB texts
when the demo corpus is absent). Each system runs in its own subprocess so that peak memory
(max RSS of the process and its workers) is its own.

    .venv/bin/python bench/redaction_speed.py [--corpus corpora/demo] [--n-process 2]

Writes bench/results/redaction_speed.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
SYSTEMS = ["spacy_pipe", "presidio_loop", "ours"]


def gold_direct_recall(corpus: Path, redacted: list[str]) -> float | None:
    """Share of gold direct-identifier occurrences no longer present (case-insensitive) in the
    redacted documents, which are in the order of the included transcripts."""
    gold_path = corpus / "gold" / "pii.jsonl"
    if not gold_path.exists() or not (corpus / "metadata.csv").exists():
        return None
    from pipeline.corpus import load_corpus
    from pipeline.params import load_params
    from pipeline.redaction.textutil import fold

    ids = [t.participant_id for t in
           load_corpus(corpus, load_params(ROOT / "params.yaml").corpus).transcripts]
    by_id = dict(zip(ids, redacted, strict=True))
    total = survived = 0
    for line in gold_path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["identifier"] != "direct" or record["participant_id"] not in by_id:
            continue
        total += record["count"]
        survived += min(record["count"], fold(by_id[record["participant_id"]]).count(
            fold(record["text"])))
    return round(1 - survived / total, 4) if total else None


def mask(text: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            start = last
        if end <= start:
            continue
        out.append(text[last:start] + "[X]")
        last = end
    return "".join(out) + text[last:]


def load_documents(corpus: Path) -> list[tuple[str, list[str]]]:
    """(language, turn texts) per document."""
    if (corpus / "metadata.csv").exists():
        from pipeline.corpus import load_corpus
        from pipeline.params import load_params

        params = load_params(ROOT / "params.yaml")
        loaded = load_corpus(corpus, params.corpus)
        return [(t.participant.language, [turn.text for turn in t.turns])
                for t in loaded.transcripts]
    bench = ROOT.parent / "shared" / "benchmarks"
    docs = []
    for path in sorted((bench / "meddocan" / "test" / "brat").glob("*.txt"))[:60]:
        docs.append(("es", [p for p in path.read_text(encoding="utf-8").split("\n") if p.strip()]))
    with (bench / "tab" / "reconstructed" / "echr_test.jsonl").open(encoding="utf-8") as handle:
        for i, line in enumerate(handle):
            if i >= 10:
                break
            text = json.loads(line)["text"]
            docs.append(("en", [p for p in text.split("\n") if p.strip()]))
    return docs


def run_system(system: str, corpus: Path, n_process: int) -> dict:
    docs = load_documents(corpus)
    words = sum(len(t.split()) for _, texts in docs for t in texts)
    warnings.simplefilter("ignore")
    if system == "spacy_pipe":
        import spacy

        from pipeline.params import SPACY_MODELS
        models = {lang: spacy.load(SPACY_MODELS[lang]) for lang in ("en", "es")}
        start = time.perf_counter()
        found = 0
        for lang in ("en", "es"):
            texts = ["\n".join(t) for lg, t in docs if lg == lang]
            for doc in models[lang].pipe(texts, batch_size=32):
                found += len(doc.ents)
    elif system == "presidio_loop":
        from _presidio_default import default_presidio
        engine = default_presidio()
        start = time.perf_counter()
        found = 0
        analysed = []
        for lang, texts in docs:
            results = engine.analyze(text="\n".join(texts), language=lang)
            found += len(results)
            analysed.append(results)
        seconds = time.perf_counter() - start
        redacted = [mask("\n".join(texts), [(r.start, r.end) for r in results])
                    for (_, texts), results in zip(docs, analysed, strict=True)]
    else:
        from pipeline.corpus import Corpus, Participant, Transcript, Turn
        from pipeline.execution import executor_for
        from pipeline.params import EngineParams, RedactionParams
        from pipeline.redaction import redact_corpus
        from pipeline.redaction.core import analyzer_config, get_analyzer

        params = RedactionParams(review_dir=None)
        if n_process == 1:  # model loading is not throughput (workers warm up below)
            get_analyzer(analyzer_config(params))

        def corpus_of(documents):
            transcripts = []
            for i, (lang, texts) in enumerate(documents):
                part = Participant(f"B-{i:03d}", "PE", lang, "adult_woman", "sexual", "B",
                                   "granted", 2014)
                turns = [Turn(j, "participant", "P", t, j) for j, t in enumerate(texts)]
                transcripts.append(Transcript(part, Path("x"), turns))
            return Corpus(Path("."), transcripts)

        # here_max_chars=0: the warm-up below starts the cluster (a small job would
        # otherwise run in this process and the cluster would start inside the timing)
        with executor_for(EngineParams(workers=n_process, cache_dir=None,
                                       here_max_chars=0)) as executor:
            # every worker loads both languages' models on small pieces first (models load
            # per language on first use, and loading is not throughput)
            warm_up = [("es", ["Hola, soy Rosa."]), ("en", ["Hello, I am Rose."])]
            redact_corpus(corpus_of(warm_up * 2 * n_process), params, executor=executor)
            bench_corpus = corpus_of(docs)
            start = time.perf_counter()
            result = redact_corpus(bench_corpus, params, executor=executor)
            seconds = time.perf_counter() - start
        found = result.summary["replacements_total"]
        redacted = ["\n".join(result.turn_texts[t.participant_id]) for t in bench_corpus.transcripts]
    if system == "spacy_pipe":
        seconds = time.perf_counter() - start
        redacted = None
    peak_kb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
               + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return {"system": system, "documents": len(docs), "words": words,
            "seconds": round(seconds, 2), "words_per_second": round(words / seconds),
            "peak_rss_mb": round(peak_kb / 1024), "entities_found": found,
            "gold_direct_recall": gold_direct_recall(corpus, redacted) if redacted else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpora" / "demo")
    parser.add_argument("--n-process", type=int, default=2)
    parser.add_argument("--system", choices=SYSTEMS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.system:
        print(json.dumps(run_system(args.system, args.corpus, args.n_process)))
        return 0
    rows = []
    for system in SYSTEMS:
        out = subprocess.run([sys.executable, __file__, "--system", system, "--corpus",
                              str(args.corpus), "--n-process", str(args.n_process)],
                             capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    base = next(r for r in rows if r["system"] == "presidio_loop")["words_per_second"]
    for r in rows:
        r["speedup_vs_presidio_loop"] = round(r["words_per_second"] / base, 2)
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "redaction_speed.json").write_text(json.dumps(rows, indent=2) + "\n")
    print(f"Redaction throughput on {rows[0]['documents']} documents, {rows[0]['words']} words "
          f"(n_process={args.n_process}, {os.cpu_count()} CPUs)\n")
    print("| system | words/s | × Presidio loop | seconds | peak RSS (MB) | entities | "
          "gold direct identifiers removed |")
    print("|---|---|---|---|---|---|---|")
    labels = {"spacy_pipe": "spaCy nlp.pipe NER only (ceiling, 1 process)",
              "presidio_loop": "plain Presidio loop (analyze per document, defaults)",
              "ours": f"ours: redact_corpus (n_process={args.n_process})"}
    for r in rows:
        print(f"| {labels[r['system']]} | {r['words_per_second']:,} | "
              f"{r['speedup_vs_presidio_loop']} | {r['seconds']} | {r['peak_rss_mb']} | "
              f"{r['entities_found']} | {r['gold_direct_recall'] if r['gold_direct_recall'] is not None else '-'} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
