"""Redact one very long synthetic transcript and report time, words/s and peak RSS.

    python bench/long_transcript.py --mb 20

The transcript is generated (synthetic names, places and phone numbers in every answer), a
one-participant corpus is written to a temporary folder, and `testimony stage redact` runs
in a child process, so its peak RSS is measured alone.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAMES = ["Rosa Quispe", "Juan Pérez", "María López", "Carlos Ramos", "Ana Torres",
         "Lucía Mamani", "Pedro Huamán"]
PLACES = ["Lima", "Cusco", "Arequipa", "Puno", "Tacna"]


def transcript(target_bytes: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    parts, size, i = [], 0, 0
    while size < target_bytes:
        i += 1
        q = f"ENTREVISTADORA: ¿Y qué pasó después, en el año {2000 + i % 20}?\n"
        a = (f"PARTICIPANTE: Bueno, {rng.choice(NAMES)} me llevó a la casa de "
             f"{rng.choice(NAMES)} en {rng.choice(PLACES)}, y allí trabajé muchas horas sin "
             f"pago. Nadie me explicó nada en la fiscalía. Mi teléfono era 951 234 "
             f"{100 + i % 800}.\n")
        parts += [q, a]
        size += len(q.encode()) + len(a.encode())
    return "".join(parts)


def write_corpus(folder: Path, text: str) -> Path:
    (folder / "transcripts").mkdir(parents=True)
    (folder / "transcripts" / "PE-01.txt").write_text(text, encoding="utf-8")
    (folder / "metadata.csv").write_text(
        "participant_id,country,language,profile,exploitation,organization,consent,"
        "interview_year\nPE-01,PE,es,adult_woman,labour,ORG-PE,granted,2014\n",
        encoding="utf-8")
    return folder


def run(mb: float) -> dict:
    text = transcript(int(mb * 1_000_000))
    words = len(text.split())
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(Path(tmp) / "corpus", text)
        params = Path(tmp) / "params.yaml"
        # no transcript cache: every run analyses the text (the same text each time)
        params.write_text(f"engine:\n  cache_dir: null\nredaction:\n  review_dir: "
                          f"{Path(tmp) / 'private'}\n", encoding="utf-8")
        began = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "pipeline.stages.redact", "--params", str(params),
             "--corpus", str(corpus), "--out", str(Path(tmp) / "out")],
            cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"mb": mb, "words": words, "seconds": round(seconds, 1),
            "words_per_s": round(words / seconds), "peak_rss_mb": round(peak_mb),
            "ok": result.returncode == 0, "stderr_tail": result.stderr[-500:]
            if result.returncode else ""}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=2.0)
    args = parser.parse_args()
    print(run(args.mb))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
