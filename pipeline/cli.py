"""`testimony` command: run the whole pipeline, one stage, validate a corpus, measure agreement."""

from __future__ import annotations

import importlib
import json
import logging
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from pipeline.corpus import validate_corpus
from pipeline.errors import PipelineError
from pipeline.logs import setup_logging
from pipeline.memory import MemoryPeak, PeakMemory, release_memory
from pipeline.params import load_params
from pipeline.stages import STAGES

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Testimony analysis pipeline: redact, code, model topics, compare countries.")
log = logging.getLogger("pipeline")

ParamsOption = Annotated[Path | None, typer.Option("--params", help="params.yaml to use")]


def _params_path(params: Path | None) -> Path | None:
    if params is not None:
        return params
    default = Path("params.yaml")
    return default if default.exists() else None


def _fail(exc: Exception) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(1)


def _run_stage(name: str, params, out: Path, corpus: Path) -> dict:
    module = importlib.import_module(f"pipeline.stages.{name}")
    return module.run(params, out, corpus)


SchedulerOption = Annotated[str | None, typer.Option(
    help="address of a Dask scheduler to run the per-transcript work on (tcp://host:8786); "
         "overrides engine.scheduler")]


def _with_scheduler(loaded, scheduler: str | None):
    if not scheduler:
        return loaded
    return loaded.model_copy(update={"engine": loaded.engine.model_copy(
        update={"scheduler": scheduler})})


@app.command()
def run(corpus: Annotated[Path, typer.Option(help="corpus folder (metadata.csv + transcripts/)")],
        out: Annotated[Path, typer.Option(help="output folder")],
        params: ParamsOption = None,
        skip_evaluate: Annotated[bool, typer.Option(help="do not run the evaluate stage")] = False,
        scheduler: SchedulerOption = None,
        verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    """Run every stage in-process (the same functions as `dvc repro`)."""
    setup_logging(verbose)
    from pipeline.guards import (
        check_out_dir,
        check_review_dir,
        invalidate_from,
        mark_complete,
        preflight,
    )
    current = None
    try:
        loaded = _with_scheduler(load_params(_params_path(params)), scheduler)
        check_out_dir(out, corpus)
        check_review_dir(loaded.redaction.review_dir, out, corpus)
        preflight(loaded)
        summaries: dict[str, dict] = {}
        seconds: dict[str, float] = {}
        peaks: dict[str, MemoryPeak] = {}
        for name in STAGES:
            if name == "evaluate" and skip_evaluate:
                continue
            current = name
            started = time.perf_counter()
            with PeakMemory() as peak:
                summaries[name] = _run_stage(name, loaded, out, corpus) or {}
            seconds[name] = time.perf_counter() - started
            peaks[name] = peak.result
            release_memory()
            log.info("stage %s done in %.1f s, peak memory %.0f MB (this process %.0f MB, "
                     "largest worker %.0f MB)", name, seconds[name], peaks[name].total_mb,
                     peaks[name].main_mb, peaks[name].largest_child_mb)
        mark_complete(out)
    except PipelineError as exc:
        if current is not None:
            invalidate_from(current, out, STAGES)
        _fail(exc)
    except Exception:
        if current is not None:
            invalidate_from(current, out, STAGES)
        raise
    typer.echo("Summary")
    redact = summaries.get("redact", {})
    for key in ("participants processed", "participants excluded (consent withdrawn)"):
        if key in redact:
            typer.echo(f"  {key}: {redact[key]}")
    for name, summary in summaries.items():
        for key, value in summary.items():
            if key.startswith("participants"):
                continue
            typer.echo(f"  [{name}] {key}: {value}")
    for line in timing_lines(seconds, peaks):
        typer.echo(line)


def timing_lines(seconds: dict[str, float],
                 peaks: dict[str, MemoryPeak] | None = None) -> list[str]:
    """The per-stage summary printed at the end of `testimony run`: seconds, share of the
    run, and peak resident memory (this process plus its workers at one moment)."""
    peaks = peaks or {}
    total = sum(seconds.values())
    width = max((len(name) for name in seconds), default=5)
    lines = ["Time and peak memory per stage"]
    for name, value in seconds.items():
        share = 100 * value / total if total else 0.0
        line = f"  {name:<{width}}  {value:8.1f} s  {share:5.1f} %"
        if name in peaks:
            line += f"  {peaks[name].total_mb:8.0f} MB"
        lines.append(line)
    line = f"  {'total':<{width}}  {total:8.1f} s"
    if peaks:
        line += f"           {max(p.total_mb for p in peaks.values()):8.0f} MB"
    lines.append(line)
    return lines


@app.command()
def stage(name: Annotated[str, typer.Argument(help=f"one of: {', '.join(STAGES)}")],
          corpus: Annotated[Path | None, typer.Option(help="corpus folder")] = None,
          out: Annotated[Path, typer.Option(help="output folder")] = Path("outputs"),
          params: ParamsOption = None,
          scheduler: SchedulerOption = None,
          verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    """Run one stage."""
    setup_logging(verbose)
    if name not in STAGES:
        _fail(PipelineError(f"unknown stage {name!r}; use one of: {', '.join(STAGES)}"))
    from pipeline.guards import check_out_dir, invalidate_from
    started = False
    try:
        loaded = _with_scheduler(load_params(_params_path(params)), scheduler)
        corpus_dir = corpus or Path(loaded.corpus.path)
        check_out_dir(out, corpus_dir)
        started = True
        summary = _run_stage(name, loaded, out, corpus_dir)
    except PipelineError as exc:
        if started:
            invalidate_from(name, out, STAGES)
        _fail(exc)
    for key, value in (summary or {}).items():
        typer.echo(f"  {key}: {value}")


@app.command()
def validate(corpus: Annotated[Path, typer.Option(help="corpus folder")],
             params: ParamsOption = None) -> None:
    """Check a corpus and print every problem found (exit 1 if any)."""
    setup_logging(False)
    try:
        loaded = load_params(_params_path(params))
    except PipelineError as exc:
        _fail(exc)
    problems = validate_corpus(corpus, loaded.corpus)
    if problems:
        typer.echo(f"{len(problems)} problem(s) found in {corpus}:", err=True)
        for problem in problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{corpus}: no problems found")


@app.command()
def agree(gold: Annotated[Path, typer.Option(help="human codes: themes.csv format "
                                                  "(participant_id,code,present,valence), or "
                                                  "segment_id,code with --level segment")],
          out: Annotated[Path, typer.Option(help="output folder of a run")] = Path("outputs"),
          level: Annotated[str, typer.Option(help="participant | segment")] = "participant"
          ) -> None:
    """Agreement (precision, recall, F1, kappa, alpha) between a run's codes and human codes."""
    setup_logging(False)
    from pipeline.coding.agreement import agree as agree_fn

    if level not in ("participant", "segment"):
        _fail(PipelineError("--level must be 'participant' or 'segment'"))
    try:
        result = agree_fn(gold, out / "coding" / "participant_codes.csv", level)
    except PipelineError as exc:
        _fail(exc)
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    typer.echo("")


@app.command()
def calibrate(out: Annotated[Path, typer.Option(help="output folder of the TRAINING corpus run "
                                                   "(its redacted/segments.parquet)")]
              = Path("outputs"),
              params: ParamsOption = None) -> None:
    """Fit the per-code decision models from the exemplar bank and the training corpus."""
    setup_logging(False)
    from pipeline.coding.fit import calibrate_files
    try:
        loaded = load_params(_params_path(params))
        calibration, path = calibrate_files(loaded, out)
    except PipelineError as exc:
        _fail(exc)
    typer.echo(f"calibration written to {path} ({len(calibration.codes)} codes)")
    for code, model in sorted(calibration.codes.items()):
        typer.echo(f"  {code:28s} threshold {model.threshold:.3f}  exemplar AUC "
                   f"{model.fit.get('cv_auc_exemplars')}")


@app.command()
def review(out: Annotated[Path, typer.Option(help="output folder of a run")] = Path("outputs"),
           n: Annotated[int, typer.Option("--n", help="passages to review")] = 200,
           params: ParamsOption = None) -> None:
    """Write a review sheet (CSV + HTML) of the coder's most uncertain decisions."""
    setup_logging(False)
    from pipeline.coding.codebook import load_codebook
    from pipeline.coding.review import write_review
    try:
        loaded = load_params(_params_path(params))
        csv_path, html_path, count = write_review(out, n, load_codebook(loaded.coding.codebook))
    except PipelineError as exc:
        _fail(exc)
    typer.echo(f"{count} passages to review: {csv_path} (fill the 'answer' column with yes/no)"
               f" and {html_path}")


@app.command()
def learn(decisions: Annotated[Path, typer.Option(help="the filled review sheet (CSV)")],
          train_out: Annotated[Path, typer.Option(help="output folder of the training corpus "
                                                       "run")] = Path("outputs"),
          validation_out: Annotated[Path | None, typer.Option(
              help="output folder of a validation corpus run, to report agreement")] = None,
          validation_gold: Annotated[Path | None, typer.Option(
              help="gold themes.csv of that validation corpus")] = None,
          params: ParamsOption = None) -> None:
    """Add reviewed passages to the exemplar bank, refit, report validation agreement."""
    setup_logging(False)
    from pipeline.coding.codebook import load_codebook
    from pipeline.coding.fit import calibrate_files
    from pipeline.coding.review import add_to_bank, read_decisions, validation_f1
    try:
        loaded = load_params(_params_path(params))
        codebook = load_codebook(loaded.coding.codebook)
        answered = read_decisions(decisions)
        measure = validation_out is not None and validation_gold is not None
        before = validation_f1(loaded, codebook, validation_out, validation_gold) \
            if measure else None
        added = add_to_bank(answered, Path(loaded.coding.semantic.exemplars))
        calibrate_files(loaded, train_out)
        after = validation_f1(loaded, codebook, validation_out, validation_gold) \
            if measure else None
    except PipelineError as exc:
        _fail(exc)
    typer.echo(f"{len(answered)} answers read, {added} new exemplars; calibration refitted")
    if measure:
        for lang in sorted(after):
            typer.echo(f"  validation macro F1 ({lang}): {before.get(lang, float('nan')):.3f}"
                       f" -> {after[lang]:.3f}")


if __name__ == "__main__":
    app()
