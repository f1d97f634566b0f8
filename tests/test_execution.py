"""Where the work runs does not change what comes out: a 2-worker Dask LocalCluster and one
process give byte-identical outputs; the per-piece cache reuses what did not change and
stores no text; task data never shows itself in logs."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.conftest import row, write_corpus

pytestmark = pytest.mark.slow

PEOPLE = ["Rosa Quispe Mamani", "Walter Condori", "Juana Huamán", "Pedro Ticona"]


def small_corpus(root: Path, n: int = 6) -> Path:
    """Six short synthetic interviews with names, places and numbers to redact."""
    rows, files = [], {}
    for i in range(n):
        pid = f"PE-{i + 1:02d}"
        person = PEOPLE[i % len(PEOPLE)]
        rows.append(row(pid))
        files[f"{pid}.txt"] = (
            "ENTREVISTADORA: Buenos días, gracias por venir.\n"
            f"PARTICIPANTE: Me llamo {person}. La señora {PEOPLE[(i + 1) % 4]} me llevó a "
            f"Juliaca y trabajé sin pago. Mi celular era 951 234 {100 + i}.\n"
            "ENTREVISTADORA: ¿Y la fiscalía?\n"
            f"PARTICIPANTE: No confío en la justicia; mi DNI {45678910 + i} lo tenían ellos.\n")
    return write_corpus(root, rows, files)


def run_redact(corpus: Path, out: Path, tmp: Path, workers: int, cache: Path | None) -> None:
    from pipeline.params import parse_params
    from pipeline.stages import redact

    params = parse_params({"engine": {"workers": workers,
                                      "cache_dir": str(cache) if cache else None},
                           "redaction": {"review_dir": str(tmp / f"private-{out.name}")}})
    redact.run(params, out, corpus)


def digests(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_a_local_dask_cluster_and_one_process_give_byte_identical_outputs(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    run_redact(corpus, tmp_path / "one", tmp_path, workers=1, cache=None)
    run_redact(corpus, tmp_path / "dask", tmp_path, workers=2, cache=None)
    one, dask = digests(tmp_path / "one"), digests(tmp_path / "dask")
    assert one == dask
    assert "redacted/transcripts/PE-01.txt" in one
    redacted = (tmp_path / "dask" / "redacted" / "transcripts" / "PE-01.txt").read_text("utf-8")
    assert "Quispe" not in redacted and "951" not in redacted


def test_the_cache_reuses_unchanged_transcripts_and_holds_no_text(tmp_path, caplog):
    import logging

    corpus = small_corpus(tmp_path / "corpus")
    cache = tmp_path / "cache"
    run_redact(corpus, tmp_path / "first", tmp_path, workers=1, cache=cache)
    with caplog.at_level(logging.INFO, logger="pipeline"):
        run_redact(corpus, tmp_path / "second", tmp_path, workers=1, cache=cache)
    assert digests(tmp_path / "first") == digests(tmp_path / "second")
    assert "0 piece(s) analysed, 6 reused" in caplog.text
    # one transcript changes: only its piece is analysed again
    path = corpus / "transcripts" / "PE-03.txt"
    path.write_text(path.read_text("utf-8").replace("sin pago", "sin ningún pago"), "utf-8")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="pipeline"):
        run_redact(corpus, tmp_path / "third", tmp_path, workers=1, cache=cache)
    assert "1 piece(s) analysed, 5 reused" in caplog.text
    stored = "".join(p.read_text("utf-8") for p in cache.rglob("*.json"))
    for secret in ("Quispe", "Condori", "Juliaca", "951 234", "45678910", "fiscal"):
        assert secret not in stored


def test_cache_keys_change_with_settings_and_code(tmp_path, monkeypatch):
    from pipeline.redaction import cache as module

    cache = module.AnalysisCache(tmp_path)
    base = cache.key("settings", "es", ["Hola."])
    assert base == cache.key("settings", "es", ["Hola."])
    assert base != cache.key("other settings", "es", ["Hola."])
    assert base != cache.key("settings", "en", ["Hola."])
    assert base != cache.key("settings", "es", ["Hola.", ""])
    monkeypatch.setattr(module, "code_version", lambda: "another version")
    assert base != cache.key("settings", "es", ["Hola."])


def test_task_data_never_shows_itself():
    from pipeline.execution import Private

    texts = Private(("Me llamo Rosa Quispe.", "951 234 876"))
    assert "Rosa" not in repr(texts) and "951" not in str(texts)
    assert repr(texts) == "<2 private texts>" and list(texts)[0].startswith("Me llamo")

