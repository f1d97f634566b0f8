"""The artefact contract: every file each stage writes, relative to the output folder.

Stages meet only here (no stage imports another): a stage writes and reads its files through
`OutputPaths`, and `ARTIFACTS` lists what each stage writes, so a test can check that a run
writes nothing the contract does not name and that `dvc.yaml` declares it.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

# redact: the columns of participants.csv (and of each row of segments.parquet, after the
# turn's own columns): what is published about a participant
PARTICIPANT_COLUMNS = ("participant_id", "country", "language", "profile", "exploitation",
                       "organization", "interview_year")
# compare: the tables, by name (each a CSV under tables/)
TABLES = ("prevalence_by_country", "prevalence_by_profile", "prevalence_by_language",
          "prevalence_adjusted_by_country", "divergences", "convergences", "cooccurrence",
          "care_valence_by_country", "sample_composition", "coding_reliability",
          "topic_prevalence_by_country")
# figures: each saved as PNG, SVG and/or PDF (figures.formats)
FIGURES = ("sample_composition", "theme_country_heatmap", "divergences", "convergences",
           "care_valence", "cooccurrence", "topic_country_heatmap", "redaction_summary")
FIGURE_FORMATS = ("png", "svg", "pdf")


@dataclass(frozen=True)
class OutputPaths:
    root: Path

    # redact
    @property
    def redacted(self) -> Path: return self.root / "redacted"
    @property
    def redacted_transcripts(self) -> Path: return self.redacted / "transcripts"
    @property
    def segments(self) -> Path: return self.redacted / "segments.parquet"
    @property
    def participants(self) -> Path: return self.redacted / "participants.csv"
    @property
    def redaction_summary(self) -> Path: return self.redacted / "redaction_summary.json"
    # code
    @property
    def coding(self) -> Path: return self.root / "coding"
    @property
    def codings(self) -> Path: return self.coding / "codings.parquet"
    @property
    def participant_codes(self) -> Path: return self.coding / "participant_codes.csv"
    @property
    def review_candidates(self) -> Path: return self.coding / "review_candidates.parquet"
    @property
    def codebook_qdc(self) -> Path: return self.coding / "codebook.qdc"
    @property
    def codebook_md(self) -> Path: return self.coding / "codebook.md"
    @property
    def codebook_taguette(self) -> Path: return self.coding / "codebook_taguette.csv"
    # `testimony review` (after code)
    @property
    def review(self) -> Path: return self.root / "review"
    # topics
    @property
    def topics(self) -> Path: return self.root / "topics"
    @property
    def topic_info(self) -> Path: return self.topics / "topic_info.csv"
    @property
    def doc_topics(self) -> Path: return self.topics / "doc_topics.parquet"
    @property
    def topics_by_country(self) -> Path: return self.topics / "topics_by_country.csv"
    @property
    def topic_code_overlap(self) -> Path: return self.topics / "topic_code_overlap.csv"
    @property
    def emergent_topics(self) -> Path: return self.topics / "emergent_topics.csv"
    @property
    def topic_model(self) -> Path: return self.topics / "model"
    # compare, figures, report
    @property
    def tables(self) -> Path: return self.root / "tables"

    def table(self, name: str) -> Path:
        if name not in TABLES:
            raise KeyError(f"{name} is not a table of the compare stage (see TABLES)")
        return self.tables / f"{name}.csv"

    @property
    def figures(self) -> Path: return self.root / "figures"
    @property
    def figure_index(self) -> Path: return self.figures / "figures.md"
    @property
    def report(self) -> Path: return self.root / "report"
    @property
    def report_md(self) -> Path: return self.report / "report.md"
    @property
    def report_html(self) -> Path: return self.report / "report.html"
    @property
    def quotes(self) -> Path: return self.report / "quotes.csv"
    @property
    def qdpx(self) -> Path: return self.report / "project.qdpx"
    # evaluate and stage metrics
    @property
    def metrics(self) -> Path: return self.root / "metrics"
    @property
    def redaction_metrics(self) -> Path: return self.metrics / "redaction.json"
    @property
    def coding_metrics(self) -> Path: return self.metrics / "coding.json"
    @property
    def topic_metrics(self) -> Path: return self.metrics / "topics.json"

    def headline(self, stage: str) -> Path:
        return self.root / "headline" / f"{stage}.json"


# What each stage writes (relative paths; `*` for a participant id, a figure format or a
# file of the saved topic model).
ARTIFACTS: dict[str, tuple[str, ...]] = {
    "redact": ("redacted/transcripts/*.txt", "redacted/segments.parquet",
               "redacted/participants.csv", "redacted/redaction_summary.json",
               "headline/redact.json"),
    "code": ("coding/codings.parquet", "coding/participant_codes.csv",
             "coding/review_candidates.parquet", "coding/codebook.qdc", "coding/codebook.md",
             "coding/codebook_taguette.csv", "headline/code.json"),
    "review": ("review/review_sheet.csv", "review/review_sheet.html"),
    "topics": ("topics/topic_info.csv", "topics/doc_topics.parquet",
               "topics/topics_by_country.csv", "topics/topic_code_overlap.csv",
               "topics/emergent_topics.csv", "topics/model/*/*", "metrics/topics.json",
               "headline/topics.json"),
    "compare": tuple(f"tables/{name}.csv" for name in TABLES) + ("headline/compare.json",),
    "figures": tuple(f"figures/{name}.{ext}" for name in FIGURES for ext in FIGURE_FORMATS)
    + ("figures/figures.md",),
    "report": ("report/report.md", "report/report.html", "report/quotes.csv",
               "report/project.qdpx"),
    "evaluate": ("metrics/redaction.json", "metrics/coding.json", "headline/evaluate.json"),
}


def as_bool(column) -> pd.Series:
    """A flag column read back from CSV ("True"/"False", any case) as booleans."""
    return column.astype(str).str.lower() == "true"


def read_divergences(paths: OutputPaths) -> pd.DataFrame:
    """tables/divergences.csv with `divergent` as booleans and the country lists as text."""
    frame = pd.read_csv(paths.table("divergences"), keep_default_na=False,
                        dtype={"countries_above": str, "countries_below": str})
    return frame.assign(divergent=as_bool(frame["divergent"]))


def read_convergences(paths: OutputPaths) -> pd.DataFrame:
    """tables/convergences.csv with `convergent` as booleans."""
    frame = pd.read_csv(paths.table("convergences"), keep_default_na=False)
    return frame.assign(convergent=as_bool(frame["convergent"]))


def entity_counts(summary: dict) -> dict[str, int]:
    """Replacements per entity type, from the redact stage's redaction_summary.json."""
    return {str(k): int(v) for k, v in (summary.get("replacements_by_type") or {}).items()}


def stage_of(relative: str) -> str | None:
    """The stage whose contract names this file (relative to the output folder), if any."""
    for stage, patterns in ARTIFACTS.items():
        if any(fnmatch.fnmatchcase(relative, pattern) for pattern in patterns):
            return stage
    return None


# What each stage owns under the output folder (folders and files), in pipeline order: when a
# stage fails, what it and every later stage own is removed, so no stale output (for
# example of a participant who has since withdrawn consent) survives a failed re-run.
STAGE_OUTPUTS = {
    "redact": ["redacted", "headline/redact.json"],
    "code": ["coding", "review", "headline/code.json"],
    "topics": ["topics", "metrics/topics.json", "headline/topics.json"],
    "compare": ["tables", "headline/compare.json"],
    "figures": ["figures"],
    "report": ["report"],
    "evaluate": ["metrics/redaction.json", "metrics/coding.json", "headline/evaluate.json"],
}
INCOMPLETE_MARKER = "RUN_INCOMPLETE.txt"
