"""MEDDOCAN test through our own CLI: how many identifiers keep a distinctive token.

    python bench/meddocan_cli.py [--docs 0] [--split test]

Each MEDDOCAN document becomes one participant turn of a corpus (its lines joined with two
spaces, so that form labels such as "NHC:" are not read as speaker labels), and the corpus is
redacted by `testimony stage redact` with the project's params (the leakage gate on). For
every gold annotation we then ask whether at least one of its distinctive tokens (a word of
3+ letters that is no stop word, or any run of 3+ digits) is still in the redacted text of
its document. (Until 2026-12-01 runs of 2 digits counted too; a clinical note is full of
two-digit numbers, so the "41" of a redacted "41 41 47569" was found in "41 años" and
counted as a leak.) Direct identifiers: names, IDs, streets, phones, faxes, e-mails, URLs. Places,
dates and institutions: territory, dates, hospitals, institutions, health centres. Kept on
purpose and not scored: age, sex, country, profession, kinship words.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH = ROOT.parent / "shared" / "benchmarks" / "meddocan"
DIRECT = {"NOMBRE_SUJETO_ASISTENCIA", "NOMBRE_PERSONAL_SANITARIO", "ID_SUJETO_ASISTENCIA",
          "ID_TITULACION_PERSONAL_SANITARIO", "ID_ASEGURAMIENTO", "ID_CONTACTO_ASISTENCIAL",
          "ID_EMPLEO_PERSONAL_SANITARIO", "OTROS_SUJETO_ASISTENCIA", "CALLE", "NUMERO_TELEFONO",
          "NUMERO_FAX", "CORREO_ELECTRONICO", "URL_WEB", "DIREC_PROT_INTERNET",
          "IDENTIF_VEHICULOS_NRSERIE_PLACAS", "IDENTIF_DISPOSITIVOS_NRSERIE"}
QUASI = {"TERRITORIO", "FECHAS", "HOSPITAL", "INSTITUCION", "CENTRO_SALUD"}


def distinctive(value: str) -> list[str]:
    from spacy.lang.es.stop_words import STOP_WORDS

    tokens = re.findall(r"[^\W\d_]{3,}|\d{3,}", value)
    return [t for t in tokens if t.isdigit() or t.lower() not in STOP_WORDS]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=0, help="0 = the whole split")
    parser.add_argument("--split", default="test")
    args = parser.parse_args()
    paths = sorted((BENCH / args.split / "brat").glob("*.txt"))
    paths = paths[:args.docs] if args.docs else paths
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        (corpus / "transcripts").mkdir(parents=True)
        ids = {}
        with (corpus / "metadata.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["participant_id", "country", "language", "profile", "exploitation",
                             "organization", "consent", "interview_year"])
            for i, path in enumerate(paths, start=1):
                pid = f"MD-{i:03d}"
                ids[pid] = path
                writer.writerow([pid, "ES", "es", "adult_woman", "labour", "ORG-MD", "granted",
                                 2016])
                text = "  ".join(line.strip() for line in
                                 path.read_text(encoding="utf-8").splitlines() if line.strip())
                (corpus / "transcripts" / f"{pid}.txt").write_text(
                    f"PARTICIPANTE: {text}\n", encoding="utf-8")
        params = Path(tmp) / "params.yaml"
        params.write_text(f"redaction:\n  review_dir: {Path(tmp) / 'private'}\n",
                          encoding="utf-8")
        out = Path(tmp) / "out"
        result = subprocess.run(
            [sys.executable, "-m", "pipeline.cli", "stage", "redact", "--corpus", str(corpus),
             "--out", str(out), "--params", str(params)],
            cwd=ROOT, capture_output=True, text=True)
        if result.returncode != 0:
            print(json.dumps({"ok": False, "stderr": result.stderr[-800:]}))
            return 1
        kept, total = Counter(), Counter()
        for pid, path in ids.items():
            redacted = (out / "redacted" / "transcripts" / f"{pid}.txt").read_text(
                encoding="utf-8")
            words = set(re.findall(r"[^\W\d_]{3,}|\d{3,}", redacted))
            digits = re.sub(r"\D", "", redacted)
            for line in path.with_suffix(".ann").read_text(encoding="utf-8").splitlines():
                if not line.startswith("T"):
                    continue
                kind = line.split("\t")[1].split(" ")[0]
                klass = "direct" if kind in DIRECT else "quasi" if kind in QUASI else None
                if klass is None:
                    continue
                tokens = distinctive(line.split("\t")[2])
                if not tokens:
                    continue
                survived = any((t in words) if not t.isdigit() else
                               (len(t) >= 4 and t in digits) or t in words for t in tokens)
                total[klass] += 1
                total[kind] += 1
                kept[klass] += survived
                kept[kind] += survived
    report = {"documents": len(ids), "ok": True,
              "direct_keep_a_token": round(kept["direct"] / total["direct"], 4),
              "places_dates_institutions_keep_a_token": round(kept["quasi"] / total["quasi"], 4),
              "by_type": {k: f"{kept[k]}/{total[k]}" for k in sorted(total)
                          if k not in ("direct", "quasi")}}
    out_path = ROOT / "bench" / "results" / "meddocan_cli.json"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
