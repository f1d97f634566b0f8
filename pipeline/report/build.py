"""report.md and a self-contained report.html (figures embedded, no external resources)."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from importlib import metadata
from pathlib import Path

import markdown
import pandas as pd
import yaml

PACKAGES = ["testimony-pipeline", "spacy", "presidio-analyzer", "presidio-anonymizer",
            "bertopic", "sentence-transformers", "scikit-learn", "statsmodels", "scipy",
            "pandas", "matplotlib", "dvc"]
CSS = """
body{font-family:Georgia,'DejaVu Serif',serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#1b1b1b;line-height:1.5}
h1,h2,h3{font-family:'DejaVu Sans',Arial,sans-serif;color:#0b3d63}
table{border-collapse:collapse;margin:1rem 0;font-size:.85rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eef3f7} img{max-width:100%;height:auto}
blockquote{border-left:4px solid #0072B2;margin:.5rem 0;padding:.2rem .8rem;background:#f6f9fb}
code,pre{font-size:.8rem;background:#f3f3f3} .note{color:#555;font-size:.9rem}
pre{white-space:pre-wrap;overflow-wrap:anywhere}
@media screen{table{display:block;max-width:100%;overflow-x:auto}}
@page{size:A4;margin:18mm 15mm 20mm 15mm}
@media print{
body{max-width:none;margin:0;padding:0;font-size:10.5pt;line-height:1.35}
h1{font-size:18pt} h2{font-size:14pt;break-after:avoid;page-break-after:avoid}
h3{font-size:12pt;break-after:avoid;page-break-after:avoid}
table{table-layout:fixed;width:100%;word-wrap:break-word;overflow-wrap:anywhere;
font-size:7.5pt}
th,td{padding:.1rem .25rem;hyphens:auto} thead{display:table-header-group}
tr,img,blockquote,figure{break-inside:avoid;page-break-inside:avoid}
img{max-width:100%;max-height:24cm}
pre,code{font-size:7.5pt} details{display:block}
blockquote{background:none;border-left-color:#555}
}
"""


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16] if Path(path).exists() else "-"


LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}


def sample_table(composition: pd.DataFrame) -> pd.DataFrame:
    """The sample-composition table with headers a reader (and a printed A4 page) can take:
    "adult woman" for `profile_adult_woman`, "Spanish" for `language_es`."""
    def header(column: str) -> str:
        kind, _, value = column.partition("_")
        if column == "n_participants":
            return "participants"
        if kind == "language":
            return LANGUAGE_NAMES.get(value, value)
        if kind in ("profile", "exploitation"):
            return value.replace("_", " ") + (" exploitation" if kind == "exploitation" else "")
        return column.replace("_", " ")
    return composition.rename(columns={c: header(c) for c in composition.columns})


def md_table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "_(none)_\n"
    # missing values print as empty cells (pandas keeps NaN through astype(str))
    cells = frame.astype(object).where(frame.notna(), "").map(
        lambda v: str(v).replace("|", "\\|").replace("\n", " "))
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |",
             "| " + " | ".join("---" for _ in frame.columns) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in cells.to_numpy().tolist()]
    return "\n".join(lines) + "\n"


def _pct(value: float) -> str:
    return f"{value:.0%}"


def _quotes_for(quotes: pd.DataFrame, code: str, country: str, limit: int) -> list[str]:
    """One block quote per passage, separated by blank lines (consecutive `>` lines would
    merge into one paragraph, running different participants' words together)."""
    rows = quotes[(quotes["code"] == code) & (quotes["country"] == country)].head(limit)
    out: list[str] = []
    for r in rows.itertuples():
        out += ([""] if out else []) + [f"> {r.quote} ({r.participant_id})"]
    return out


def _sample_size_note(composition: pd.DataFrame) -> str:
    """The Limitations line on sample size, from this run's participants per country."""
    sizes = pd.to_numeric(composition.get("n_participants", pd.Series(dtype=float)),
                          errors="coerce").dropna().astype(int)
    sizes = sizes[sizes > 0]
    if sizes.empty:
        return ("- Small samples: intervals are wide; read the divergences with their q values "
                "and intervals.")
    low, high = int(sizes.min()), int(sizes.max())
    noun = "participant" if high == 1 else "participants"
    span = f"{low} {noun}" if low == high else f"{low} to {high} {noun}"
    where = "per country" if len(sizes) > 1 else "in the one country"
    step_low, step_high = round(100 / high), round(100 / low)
    step = f"{step_low}" if step_low == step_high else f"{step_low} to {step_high}"
    head = "Small samples" if low < 50 else "Sample size"
    return (f"- {head}: {span} {where}. Intervals are wide: one participant more or less "
            f"moves a country's prevalence by about {step} percentage points; read the "
            "divergences with their q values and intervals.")


def _robust(row) -> str:
    flag = getattr(row, "robust_to_coder_error", None)
    if flag is None or flag == "":
        return ""
    robust = str(flag).lower() == "true"
    return "; robust to coder error" if robust else "; *not robust to coder error*"


def render_markdown(ctx: dict) -> str:
    """Build the report text from the run's tables (ctx: see stages/report.py)."""
    labels: dict[str, str] = ctx["labels"]
    prevalence: pd.DataFrame = ctx["prevalence"]
    divergences: pd.DataFrame = ctx["divergences"]
    convergences: pd.DataFrame = ctx["convergences"]
    quotes: pd.DataFrame = ctx["quotes"]
    composition: pd.DataFrame = ctx["composition"]
    per_theme = ctx["quotes_per_theme"]

    def name(code: str) -> str:
        return f"{labels.get(code, code)} (`{code}`)"

    out = ["# Survivors' testimonies across countries: convergences and divergences", "",
           "<p class=\"note\">Generated by the testimony pipeline from redacted transcripts. "
           "Every passage quoted here was redacted before analysis; pseudonym tags such as "
           "[PERSON_1] stand for personal data.</p>", ""]
    if ctx.get("synthetic"):
        out += ["> **Synthetic data.** The corpus behind this report describes itself as "
                "synthetic (its `corpus.yaml`): the interviews are invented. It is not evidence "
                "about real people.", ""]
    total = int(composition["n_participants"].sum())
    out += ["## Sample", "",
            f"{total} participants from {len(composition)} countries are included "
            f"({ctx['n_withdrawn']} excluded because consent was withdrawn).", "",
            md_table(sample_table(composition)), "![Sample composition](../figures/sample_composition.png)", ""]

    out += ["## Methods", "",
            "Transcripts were redacted (Presidio with spaCy English and Spanish models and "
            "project recognizers for Latin-American identifiers), coded against the codebook "
            "with rules in both languages (participant turns only, negation-aware), and "
            "modelled with BERTopic. Prevalence is the share of participants whose testimony "
            "carries a theme, with Wilson intervals. Heterogeneity across countries is tested "
            "per theme with a seeded Monte-Carlo permutation test of the chi-square statistic "
            "(valid for small counts), with Benjamini-Hochberg q values across themes and "
            "Cramér's V as effect size; a country stands out when its adjusted standardized "
            "residual is beyond the threshold below.", "",
            f"- Codebook: `{ctx['codebook_path']}` (sha256 {ctx['codebook_hash']})",
            f"- Divergence rule: q < {ctx['params']['compare']['alpha']} and |adjusted "
            f"residual| >= {ctx['params']['compare']['residual_threshold']}; "
            f"{ctx['params']['compare']['n_permutations']} permutations, seed "
            f"{ctx['params']['compare']['seed']}",
            f"- Convergence rule: present in at least "
            f"{_pct(ctx['params']['compare']['convergence_min_share'])} of participants in every "
            "country", "",
            "<details><summary>Parameters of this run</summary>", "",
            "```yaml", yaml.safe_dump(ctx["params"], sort_keys=True, allow_unicode=True).strip(),
            "```", "", "</details>", "",
            "Package versions: " + ", ".join(f"{k} {v}" for k, v in ctx["versions"].items()),
            ""]

    out += ["## Convergences: what survivors in every country share", "",
            "![Convergences](../figures/convergences.png)", ""]
    convergent = convergences[convergences["convergent"]]
    if convergent.empty:
        out += ["No theme reached the convergence threshold in every country.", ""]
    for row in convergent.itertuples():
        out += [f"- **{name(row.code)}**: {_pct(row.min_prevalence)} to "
                f"{_pct(row.max_prevalence)} of participants across countries "
                f"(pooled {_pct(row.pooled_prevalence)}){_robust(row)}."]
    out += ["", "![Themes by country](../figures/theme_country_heatmap.png)", ""]

    out += ["## Divergences: where countries differ", "",
            "![Divergences](../figures/divergences.png)", "",
            md_table(divergences[divergences["divergent"]][
                ["code", "pooled_prevalence", "cramers_v", "q_value", "countries_above",
                 "countries_below"] + [c for c in ("robust_to_coder_error",)
                                       if c in divergences.columns]]), ""]
    countries = sorted(prevalence["country"].unique())
    for country in countries:
        out += [f"### {country}", ""]
        found = False
        for row in divergences[divergences["divergent"]].itertuples():
            above = country in [c.split(" ")[0] for c in row.countries_above.split("; ") if c]
            below = country in [c.split(" ")[0] for c in row.countries_below.split("; ") if c]
            if not (above or below):
                continue
            found = True
            share = prevalence[(prevalence["country"] == country) &
                               (prevalence["code"] == row.code)]["prevalence"].iloc[0]
            direction = "more often" if above else "less often"
            out += [f"- **{name(row.code)}** appears {direction} than elsewhere "
                    f"({_pct(share)} here vs {_pct(row.pooled_prevalence)} pooled)."]
            if above:
                out += [""] + _quotes_for(quotes, row.code, country, per_theme) + [""]
        if not found:
            out += ["No theme stands out for this country at the chosen thresholds."]
        out += [""]

    reliability = ctx.get("reliability")
    if reliability is not None and not reliability.empty:
        out += ["## How reliable is the coding of each theme", "",
                "Themes were coded automatically: codebook rules and similarity to example "
                "passages, combined by a model fitted on training data only. On a separate "
                "validation set coded by people, the coder found the share of present themes "
                "given as *sensitivity* and correctly left out the share of absent themes "
                "given as *specificity*. The comparison tables also give prevalence adjusted "
                "for these error rates (`prevalence_adjusted_by_country.csv`), and each "
                "convergence and divergence is marked *robust* when it still holds in at "
                "least 80% of bootstrap draws of the participants and of the coder's error.",
                "", md_table(reliability.assign(code=[name(c) for c in reliability["code"]])),
                ""]

    out += ["## Emergent topics", "",
            "Topics found by the topic model that no codebook theme explains well are "
            "candidates for new codes.", ""]
    emergent = ctx.get("emergent")
    out += [md_table(emergent) if emergent is not None else "_(topic model not run)_\n",
            "![Topics by country](../figures/topic_country_heatmap.png)", ""]

    out += ["## Care quality", "",
            "![Care quality](../figures/care_valence.png)", "",
            md_table(ctx["care"]), ""]

    out += ["## Redaction", "", ctx["redaction_text"], "",
            "![Redaction summary](../figures/redaction_summary.png)", ""]

    out += ["## Limitations", "",
            _sample_size_note(composition),
            "- Automatic coding (rules and exemplar similarity): it can miss unusual "
            "paraphrases or mis-read negation; agreement with human coders is reported by "
            "the `evaluate` stage where gold codes exist, and per theme above.",
            "- Redaction is automatic: a person responsible for the data should review the "
            "private review file before any release.",
            "- Interviews were conducted by different organisations with adapted questions; "
            "absence of a theme means it was not mentioned, not that it did not happen."]
    if ctx.get("synthetic"):
        out += ["- The corpus is synthetic: its patterns carry no evidential weight about real "
                "people."]
    return "\n".join(out) + "\n"


def render_html(markdown_text: str, figures_dir: Path) -> str:
    """Markdown to a single HTML file, images inlined as data URIs."""
    body = markdown.markdown(markdown_text, extensions=["tables", "fenced_code", "md_in_html"])

    def inline(match: re.Match) -> str:
        src = match.group(2)
        path = Path(figures_dir) / Path(src).name
        if not path.exists():
            return match.group(0)
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f'{match.group(1)}"data:image/png;base64,{data}"'

    body = re.sub(r'(<img[^>]*?src=)"([^"]+\.png)"', inline, body)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape('Testimony analysis report')}</title>"
            f"<style>{CSS}</style></head><body>\n{body}\n</body></html>\n")
