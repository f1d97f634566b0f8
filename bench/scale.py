"""Scale benchmark: the whole pipeline on the demo corpus copied N times.

    .venv/bin/python bench/scale.py --factors 1 10 [--keep DIR] [--json OUT] [--seed 0]

For each factor, `build_corpus` writes an N x corpus from `corpora/demo` (every participant
copied N times with a new id, AR-E01 -> AR-E01-R001 ... AR-E01-R00N, each copy's transcript
varied so that no cache keyed on content can short-cut it: every digit replaced by another
digit and the synthetic given names of `FEMALE_NAMES` / `MALE_NAMES` swapped for others of
the same list, both drawn from an RNG seeded per copy). Metadata rows are copied with the
new id; `corpus.yaml` is copied (the corpus stays marked synthetic); there is no `gold/`.

`run` then runs `testimony run --skip-evaluate` in a child process, with a copy of
params.yaml whose `redaction.review_dir` (the review file holds raw names) and embedding
caches point into a temporary folder outside the repository, deleted afterwards: every run
starts with a cold cache. It measures the wall time of the child, the per-stage seconds of
its "stage X done in N s, peak memory ..." log lines, the peak RSS of the child (`os.wait4`
on that child: the largest single process of its tree, as with RUSAGE_CHILDREN, not a sum
over workers), and per stage the peak memory the pipeline itself measured (all its
processes at one moment, the main process, the largest worker: pipeline/memory.py)
and transcripts per minute (participants with consent granted / wall minutes).

One line per factor is printed; all figures go to a JSON file (default
bench/results/scale.json). No transcript text is printed or logged.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import logging
import math
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "corpora" / "demo"
DEFAULT_PARAMS = ROOT / "params.yaml"
DEFAULT_JSON = ROOT / "bench" / "results" / "scale.json"
ID_MAX_LENGTH = 32  # as pipeline.corpus.metadata.ID_MAX_LENGTH

log = logging.getLogger("bench.scale")

# Synthetic given names (most of them occur in the demo transcripts): swapped within their
# own list, capitalised (Valeria) or upper-case (VALERIA) whole words only. Names that are
# also common words (Rosa, Paz, Luz, Dolores, Esperanza, Gloria, Norma, Grace, June...) are
# left out so that no ordinary word is changed.
FEMALE_NAMES = (
    "Valeria", "Valentina", "Kiara", "Yoselín", "Rocío", "Samantha", "Marisol", "Andrea",
    "Yolanda", "Nilda", "Fabiola", "Patricia", "Nelly", "Mariana", "Graciela", "Gladys",
    "Itzel", "Fernanda", "Edilma", "Marleni", "Gabriela", "Ximena", "Renata", "Jenny",
)
MALE_NAMES = (
    "Brayan", "Efraín", "Kevin", "Brandon", "Lauro", "Ezequiel", "Teodoro", "Wilmer",
    "Germán", "Félix", "Aurelio", "Ramiro", "Lucio", "Jonathan", "Elmer", "Steven", "Pedro",
    "Rigoberto",
)

_DIGIT = re.compile(r"[0-9]")
_OTHER_DIGITS = {d: [o for o in "0123456789" if o != d] for d in "0123456789"}
# "INFO pipeline: stage redact done in 12.3 s, peak memory 812 MB (this process 640 MB,
# largest worker 301 MB)" (pipeline/cli.py `run`, logger "pipeline"); the memory part is optional
_STAGE_LINE = re.compile(r"^[A-Z]+ pipeline: stage ([A-Za-z_]+) done in ([0-9]+(?:\.[0-9]+)?) s"
                         r"(?:, peak memory ([0-9]+) MB \(this process ([0-9]+) MB, "
                         r"largest worker ([0-9]+) MB\))?[ \t]*\r?$", re.MULTILINE)
# WebVTT voice tag at the start of a cue line: kept as is (it names the speaker role)
_VOICE_PREFIX = re.compile(r"^(\s*<v[ .][^>]*>)?(.*)$", re.DOTALL)
# the text of a Word run, and XML character references inside it
_DOCX_TEXT = re.compile(r"(<w:t(?:\s[^>]*)?>)([^<]*)(</w:t>)")
_XML_ENTITY = re.compile(r"(&[^;&<>\s]+;)")


# ------------------------------------------------------------------ corpus

class _Variation:
    """The text changes of one copy: a seeded RNG for digits and a fixed name swap."""

    def __init__(self, seed: int, new_id: str):
        self.rng = random.Random(f"bench.scale:{seed}:{new_id}")
        mapping: dict[str, str] = {}
        for names in (FEMALE_NAMES, MALE_NAMES):
            order = list(names)
            self.rng.shuffle(order)
            # a cycle over the shuffled list: every name changes (a derangement)
            for i, name in enumerate(order):
                target = order[(i + 1) % len(order)]
                mapping[name] = target
                mapping[name.upper()] = target.upper()
        self.mapping = mapping
        alternatives = "|".join(re.escape(n) for n in sorted(mapping, key=len, reverse=True))
        self.pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")

    def text(self, text: str) -> str:
        text = self.pattern.sub(lambda m: self.mapping[m.group()], text)
        return _DIGIT.sub(lambda m: self.rng.choice(_OTHER_DIGITS[m.group()]), text)


def _vary_captions(text: str, variation: _Variation) -> str:
    """Cue text only: header, timing lines, cue numbers and voice tags are kept."""
    out = []
    for line in text.splitlines(keepends=True):
        bare = line.strip()
        if (not bare or "-->" in line or bare.isdecimal() or bare.startswith("WEBVTT")
                or bare.split(maxsplit=1)[0] in ("NOTE", "STYLE", "REGION")):
            out.append(line)
            continue
        match = _VOICE_PREFIX.match(line)
        out.append((match.group(1) or "") + variation.text(match.group(2)))
    return "".join(out)


def _vary_xml_text(text: str, variation: _Variation) -> str:
    parts = _XML_ENTITY.split(text)
    return "".join(part if _XML_ENTITY.fullmatch(part) else variation.text(part)
                   for part in parts)


def _vary_docx(data: bytes, variation: _Variation) -> bytes:
    """The text runs of word/document.xml; every other member copied as is (same order,
    same zip metadata, so the result is byte-identical for the same seed)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/document.xml":
                xml = content.decode("utf-8")
                xml = _DOCX_TEXT.sub(lambda m: m.group(1) + _vary_xml_text(m.group(2), variation)
                                     + m.group(3), xml)
                content = xml.encode("utf-8")
            target.writestr(info, content)
    return buffer.getvalue()


def vary_transcript(path: Path, seed: int, new_id: str) -> bytes:
    """The bytes of one copy of the transcript at `path`."""
    variation = _Variation(seed, new_id)
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _vary_docx(data, variation)
    bom = data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")  # the demo is UTF-8; anything else stops the build
    if suffix in (".vtt", ".srt"):
        text = _vary_captions(text, variation)
    else:
        text = variation.text(text)
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def copy_id(participant_id: str, copy: int, factor: int) -> str:
    width = max(3, len(str(factor)))
    new_id = f"{participant_id}-R{copy:0{width}d}"
    if len(new_id) > ID_MAX_LENGTH:
        raise ValueError(f"copy id {new_id} is longer than {ID_MAX_LENGTH} characters")
    return new_id


def build_corpus(factor: int, out_dir: Path, seed: int = 0, source: Path = DEMO) -> Path:
    """An N x corpus from `source` (the demo) in `out_dir` (created; must not exist or be
    empty). Deterministic for a given seed: the same seed gives byte-identical files."""
    if factor < 1:
        raise ValueError("factor must be at least 1")
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} exists and is not empty")
    transcripts_out = out_dir / "transcripts"
    transcripts_out.mkdir(parents=True, exist_ok=True)
    with open(source / "metadata.csv", encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        fieldnames = list(reader.fieldnames or [])
        rows = list(reader)
    files = {p.stem: p for p in sorted((source / "transcripts").iterdir()) if p.is_file()}
    new_rows = []
    for copy in range(1, factor + 1):
        for row in rows:
            pid = row["participant_id"].strip()
            new_id = copy_id(pid, copy, factor)
            new_rows.append({**row, "participant_id": new_id})
            original = files.get(pid)
            if original is None:
                continue  # a row without transcript stays one (the pipeline reports it)
            target = transcripts_out / f"{new_id}{original.suffix}"
            target.write_bytes(vary_transcript(original, seed, new_id))
    with open(out_dir / "metadata.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(new_rows)
    card = source / "corpus.yaml"
    if card.exists():
        shutil.copyfile(card, out_dir / "corpus.yaml")
    log.info("built a %dx corpus: %d metadata rows in %s", factor, len(new_rows), out_dir)
    return out_dir


def add_transcripts(corpus: Path, count: int, factor: int, seed: int = 0,
                    source: Path = DEMO) -> list[str]:
    """Add `count` new transcripts to an N x corpus built by `build_corpus` (copy N+1 of the
    first demo participants that have a transcript, varied like the others); their ids."""
    corpus = Path(corpus)
    with open(source / "metadata.csv", encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        fieldnames = list(reader.fieldnames or [])
        rows = [r for r in reader if r.get("consent", "").strip().lower() == "granted"]
    files = {p.stem: p for p in sorted((source / "transcripts").iterdir()) if p.is_file()}
    rows = [r for r in rows if r["participant_id"].strip() in files]
    # ids already in the corpus (a second call must not reuse those of the first)
    with open(corpus / "metadata.csv", encoding="utf-8-sig", newline="") as handle:
        taken = {r["participant_id"].strip() for r in csv.DictReader(handle)}
    added, new_rows = [], []
    for k in range(count):
        row = rows[k % len(rows)]
        pid = row["participant_id"].strip()
        copy = factor + 1 + k // len(rows)
        while copy_id(pid, copy, factor) in taken:
            copy += 1
        new_id = copy_id(pid, copy, factor)
        taken.add(new_id)
        original = files[pid]
        (corpus / "transcripts" / f"{new_id}{original.suffix}").write_bytes(
            vary_transcript(original, seed, new_id))
        new_rows.append({**row, "participant_id": new_id})
        added.append(new_id)
    with open(corpus / "metadata.csv", "a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=fieldnames, lineterminator="\n").writerows(new_rows)
    log.info("added %d transcripts to %s", count, corpus)
    return added


def count_granted(corpus: Path) -> tuple[int, int]:
    """(rows, rows with consent granted) of a corpus's metadata.csv."""
    with open(Path(corpus) / "metadata.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    granted = sum(1 for r in rows if r.get("consent", "").strip().lower() == "granted")
    return len(rows), granted


# ------------------------------------------------------------------ run

def parse_stage_times(log_text: str) -> dict[str, float]:
    """Seconds per stage from the "stage X done in N s" lines, in log order."""
    return {m.group(1): float(m.group(2)) for m in _STAGE_LINE.finditer(log_text)}


def parse_stage_memory(log_text: str) -> dict[str, dict[str, int]]:
    """Peak memory per stage (MB) from the same lines: all processes at one moment, the main
    process, the largest worker. Stages logged without memory are left out."""
    return {m.group(1): {"total_mb": int(m.group(3)), "main_mb": int(m.group(4)),
                         "largest_worker_mb": int(m.group(5))}
            for m in _STAGE_LINE.finditer(log_text) if m.group(3) is not None}


def bench_params(base: Path, private_dir: Path) -> dict:
    """params.yaml with the review folder and the embedding and transcript caches under
    `private_dir` (every run starts cold)."""
    data = yaml.safe_load(Path(base).read_text(encoding="utf-8")) or {}
    data.setdefault("redaction", {})["review_dir"] = str(private_dir / "review")
    cache = str(private_dir / "cache" / "embeddings")
    data.setdefault("coding", {}).setdefault("semantic", {})["cache_dir"] = cache
    data.setdefault("topics", {})["cache_dir"] = cache
    data.setdefault("engine", {})["cache_dir"] = str(private_dir / "cache" / "transcripts")
    return data


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    for key, value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"),
                       ("TOKENIZERS_PARALLELISM", "false"), ("MPLBACKEND", "Agg")):
        env.setdefault(key, value)
    return env


def run(corpus: Path, out: Path, params: Path = DEFAULT_PARAMS,
        private: Path | None = None) -> dict:
    """Run the pipeline once on `corpus` into `out` in a child process and measure it.
    `private`: the folder for the review file and the caches (default: a new temporary one,
    so the run is cold; pass the same folder twice to measure a warm re-run)."""
    corpus, out = Path(corpus).resolve(), Path(out).resolve()
    rows, granted = count_granted(corpus)
    with contextlib.ExitStack() as stack:
        private_dir = Path(private) if private is not None else Path(stack.enter_context(
            tempfile.TemporaryDirectory(prefix="bench-scale-private-")))
        if private_dir.resolve().is_relative_to(ROOT):
            raise RuntimeError("the temporary folder is inside the repository; set TMPDIR")
        params_file = private_dir / "params.yaml"
        params_file.write_text(yaml.safe_dump(bench_params(params, private_dir),
                                              sort_keys=False, allow_unicode=True),
                               encoding="utf-8")
        log_path = private_dir / "run.log"
        command = [sys.executable, "-m", "pipeline.cli", "run", "--corpus", str(corpus),
                   "--out", str(out), "--params", str(params_file), "--skip-evaluate"]
        log.info("running the pipeline on %s (%d transcripts)", corpus, granted)
        with open(log_path, "wb") as log_file:
            started = time.perf_counter()
            child = subprocess.Popen(command, cwd=ROOT, env=_child_env(),
                                     stdin=subprocess.DEVNULL, stdout=log_file,
                                     stderr=subprocess.STDOUT)
            # wait4: the resource use of this child (and the workers it reaped) only
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        log_text = log_path.read_text(encoding="utf-8", errors="replace")
    if child.returncode != 0:
        tail = "\n".join(log_text.splitlines()[-30:])
        log.error("the pipeline failed (exit %d); last log lines:\n%s", child.returncode, tail)
        raise RuntimeError(f"testimony run failed with exit code {child.returncode}")
    stages = parse_stage_times(log_text)
    return {
        "corpus": str(corpus),
        "metadata_rows": rows,
        "transcripts": granted,
        "stages_s": stages,
        "stages_peak_mb": parse_stage_memory(log_text),
        "stages_sum_s": round(sum(stages.values()), 1),
        "total_s": round(wall, 1),
        "transcripts_per_min": round(granted / (wall / 60), 2) if wall > 0 else None,
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux: KiB
    }


# ------------------------------------------------------------------ CLI

PER_TRANSCRIPT_STAGES = ("redact", "code")


def incremental_run(full: dict, corpus_dir: Path, out_dir: Path, factor: int, args,
                    private: Path) -> dict:
    """Add `args.increment` new transcripts and re-run with the first run's caches: the time
    of the per-transcript stages as a share of theirs in the full (cold) run."""
    count = max(1, math.ceil(args.increment * full["transcripts"]))
    add_transcripts(corpus_dir, count, factor, seed=args.seed)
    again = run(corpus_dir, out_dir, args.params, private)
    full_s = sum(full["stages_s"].get(n, 0.0) for n in PER_TRANSCRIPT_STAGES)
    again_s = sum(again["stages_s"].get(n, 0.0) for n in PER_TRANSCRIPT_STAGES)
    share = round(again_s / full_s, 4) if full_s else None
    print(f"factor {factor:>3}  +{count} transcripts ({args.increment:.1%}): "
          + " ".join(f"{n}={again['stages_s'].get(n, float('nan')):.1f}"
                     for n in again["stages_s"])
          + f"  per-transcript stages {again_s:.1f} s = {share:.1%} of the full run's "
            f"{full_s:.1f} s", flush=True)
    return {"added": count, **again, "per_transcript_stages_s": round(again_s, 1),
            "per_transcript_share_of_full": share}


def _line(result: dict, stage_names: list[str]) -> str:
    stages = " ".join(f"{name}={result['stages_s'].get(name, float('nan')):.1f}"
                      for name in stage_names)
    return (f"factor {result['factor']:>3}  transcripts {result['transcripts']:>5}  {stages}  "
            f"total {result['total_s']:.1f} s  {result['transcripts_per_min']:.1f} "
            f"transcripts/min  peak RSS {result['peak_rss_mb']:.0f} MB"
            + "".join(f"\n    {name}: peak {m['total_mb']} MB (main {m['main_mb']}, largest "
                      f"worker {m['largest_worker_mb']})"
                      for name, m in result.get("stages_peak_mb", {}).items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factors", type=int, nargs="+", default=[1])
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep each corpus and output folder under DIR/x<factor>/")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--params", type=Path, default=DEFAULT_PARAMS)
    parser.add_argument("--increment", type=float, default=None, metavar="SHARE",
                        help="after each cold run, add this share of new transcripts (0.01: "
                             "1%%) and run again with the caches of the first run")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    results = []
    stage_names: list[str] = []
    for factor in args.factors:
        with tempfile.TemporaryDirectory(prefix="bench-scale-") as scratch:
            base = (args.keep.resolve() / f"x{factor}") if args.keep else Path(scratch)
            corpus_dir, out_dir = base / "corpus", base / "outputs"
            if args.keep and base.exists():
                parser.error(f"{base} exists; remove it or choose another --keep folder")
            started = time.perf_counter()
            build_corpus(factor, corpus_dir, seed=args.seed)
            build_s = time.perf_counter() - started
            with tempfile.TemporaryDirectory(prefix="bench-scale-private-") as private:
                result = {"factor": factor, "seed": args.seed,
                          "build_corpus_s": round(build_s, 1),
                          **run(corpus_dir, out_dir, args.params, Path(private))}
                if args.increment:
                    result["increment"] = incremental_run(result, corpus_dir, out_dir, factor,
                                                          args, Path(private))
        results.append(result)
        stage_names += [n for n in result["stages_s"] if n not in stage_names]
        print(_line(result, stage_names), flush=True)

    report = {
        "benchmark": "bench/scale.py",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version()},
        "params": str(args.params),
        "note": "cold embedding cache per run; evaluate skipped; peak RSS of the largest "
                "single process of the child's tree",
        "runs": results,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    log.info("results written to %s", args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
