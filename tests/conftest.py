"""Shared fixtures: small corpora written on the fly, the params model, the repo root."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("MPLBACKEND", "Agg")

# Before any test module imports numpy: pins its CPU code path as every stage does
# (pipeline/cpu_paths.py), so in-process runs compute what `dvc repro` computes.
import pipeline  # noqa: E402,F401

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "corpora" / "demo"

HEADER = ["participant_id", "country", "language", "profile", "exploitation", "organization",
          "consent", "interview_year"]


def row(pid: str, country: str = "PE", language: str = "es", profile: str = "adult_woman",
        exploitation: str = "labour", consent: str = "granted", year: str = "2014") -> dict:
    return {"participant_id": pid, "country": country, "language": language, "profile": profile,
            "exploitation": exploitation, "organization": f"ORG-{country}", "consent": consent,
            "interview_year": year}


def write_corpus(root: Path, rows: list[dict], files: dict[str, str | bytes],
                 header: list[str] | None = None) -> Path:
    """A corpus folder with metadata.csv and transcripts/<name> for each file given."""
    (root / "transcripts").mkdir(parents=True, exist_ok=True)
    with open(root / "metadata.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header or HEADER, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    for name, content in files.items():
        path = root / "transcripts" / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


SPANISH = ("ENTREVISTADORA: Buenos días, gracias por venir.\n"
           "PARTICIPANTE: Gracias a usted. Yo trabajaba en un restaurante.\n"
           "Nadie me explicó nada de los papeles.\n\n"
           "ENTREVISTADORA: ¿Y la fiscalía?\n"
           "PARTICIPANTE: No confío en la justicia.\n")
ENGLISH = ("INTERVIEWER: Thank you for coming.\n"
           "PARTICIPANT: I worked on a farm for two years.\n"
           "INTERVIEWER: Did anyone help you?\n"
           "PARTICIPANT: The foundation helped me a lot.\n")


@pytest.fixture
def corpus_params():
    from pipeline.params import CorpusParams

    return CorpusParams()


@pytest.fixture
def good_corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus",
                        [row("PE-01"), row("CO-02", country="CO", language="en")],
                        {"PE-01.txt": SPANISH, "CO-02.txt": ENGLISH})


# The demo corpus run once end to end (`testimony run` into a temp dir), shared by the
# end-to-end and notebook tests.
@pytest.fixture(scope="session")
def e2e_run(tmp_path_factory):
    from typer.testing import CliRunner

    from pipeline.cli import app

    out = tmp_path_factory.mktemp("e2e") / "outputs"
    private = tmp_path_factory.mktemp("private")
    params = tmp_path_factory.mktemp("params") / "params.yaml"
    text = (ROOT / "params.yaml").read_text(encoding="utf-8")
    text = text.replace("review_dir: private/review", f"review_dir: {private}/review")
    text = text.replace("cache_dir: .cache/testimony", f"cache_dir: {private}/cache")
    params.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["run", "--corpus", str(DEMO), "--out", str(out),
                                      "--params", str(params)])
    assert result.exit_code == 0, result.output
    return out, result.output, params

