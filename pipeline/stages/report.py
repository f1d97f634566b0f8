"""report stage: report.md, self-contained report.html, quotes.csv, project.qdpx."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from pipeline.artifacts import (
    OutputPaths,
    as_bool,
    entity_counts,
    read_convergences,
    read_divergences,
)
from pipeline.coding.codebook import code_entries, code_labels, family_entries
from pipeline.coding.matcher import is_answer
from pipeline.io import atomic_dir
from pipeline.params import Params
from pipeline.report.build import file_hash, package_versions, render_html, render_markdown
from pipeline.report.qdpx import build_project, write_qdpx
from pipeline.report.quotes import quote_bank
from pipeline.stages.common import stage_main


def _emergent_table(paths: OutputPaths) -> pd.DataFrame | None:
    info_path = paths.topic_info
    overlap_path = paths.topic_code_overlap
    if not info_path.exists():
        return None
    info = pd.read_csv(info_path)
    emergent_ids: set[int] = set()
    if overlap_path.exists():
        overlap = pd.read_csv(overlap_path)
        flag = next((c for c in overlap.columns if "emergent" in c), None)
        if flag:
            emergent_ids = set(overlap.loc[as_bool(overlap[flag]), "topic"].astype(int))
    columns = [c for c in ("topic", "label_en", "label_es", "languages", "size", "words_en",
                           "words_es") if c in info.columns] or \
        [c for c in ("topic", "label", "size", "top_words") if c in info.columns]
    table = info[info["topic"].isin(emergent_ids)][columns] if emergent_ids else info.iloc[0:0][columns]
    return table.reset_index(drop=True)


# Where the work ran (engine) and how it was evaluated decide nothing in the report: left out
# of its parameter appendix, so a cluster run and a local run give the same report. Every
# section it does print is a DVC parameter of the stage (dvc.yaml), so it is never stale.
NOT_REPORTED = ("engine", "evaluate")


def reported_params(params: Params) -> dict:
    """The parameter sections the report's appendix records."""
    return params.model_dump(mode="json", exclude=set(NOT_REPORTED))


def run(params: Params, out_dir: Path, corpus_dir: Path) -> dict:
    paths = OutputPaths(Path(out_dir))
    settings = params.report
    codebook = Path(params.coding.codebook)
    participants = pd.read_csv(paths.participants, dtype={"participant_id": str})
    segments = pd.read_parquet(paths.segments)
    codings = pd.read_parquet(paths.codings)
    # valence-only rows (a reply to a question about a service) are not evidence of presence
    codings = codings[~is_answer(codings)]
    quotes = quote_bank(codings, segments, settings.quotes_per_theme, settings.quote_max_chars,
                        settings.quote_seed)
    summary = json.loads(paths.redaction_summary.read_text(encoding="utf-8"))
    counts = entity_counts(summary)
    redaction_text = (f"{sum(counts.values())} personal-data items were replaced: "
                      + ", ".join(f"{k} {v}" for k, v in sorted(counts.items(),
                                                               key=lambda kv: -kv[1])) + "."
                      if counts else "No redaction counts available.")
    care = pd.read_csv(paths.table("care_valence_by_country"))
    context = {
        "labels": code_labels(codebook),
        "prevalence": pd.read_csv(paths.table("prevalence_by_country")),
        "divergences": read_divergences(paths),
        "convergences": read_convergences(paths),
        "composition": pd.read_csv(paths.table("sample_composition")),
        "care": care, "quotes": quotes, "quotes_per_theme": settings.quotes_per_theme,
        "emergent": _emergent_table(paths), "redaction_text": redaction_text,
        "n_withdrawn": summary.get("participants_excluded_withdrawn", 0),
        "params": reported_params(params), "versions": package_versions(),
        "codebook_path": str(codebook), "codebook_hash": file_hash(codebook),
        "synthetic": bool(summary.get("corpus_synthetic", False)),
        "reliability": _optional_csv(paths.table("coding_reliability")),
    }
    text = render_markdown(context)
    transcripts = {p.stem: p.read_text(encoding="utf-8")
                   for p in sorted(paths.redacted_transcripts.glob("*.txt"))}
    project_xml, sources = build_project(settings.title, transcripts, participants, codings,
                                         code_entries(codebook),
                                         family_entries(codebook), segments=segments,
                                         selection=settings.qda_selection)
    with atomic_dir(paths.report) as tmp:
        (tmp / paths.report_md.name).write_text(text, encoding="utf-8")
        (tmp / paths.report_html.name).write_text(render_html(text, paths.figures), encoding="utf-8")
        quotes.to_csv(tmp / paths.quotes.name, index=False, lineterminator="\n")
        write_qdpx(tmp / paths.qdpx.name, project_xml, sources)
    return {"report": str(paths.report_html),
            "quote bank": f"{len(quotes)} quotes in {paths.quotes}",
            "REFI-QDA project": str(paths.qdpx)}


def _optional_csv(path: Path) -> pd.DataFrame | None:
    return pd.read_csv(path) if path.exists() else None


def main(argv: list[str] | None = None) -> int:
    return stage_main("report", run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
