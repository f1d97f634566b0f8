"""Report-ready figures in one colour-blind-safe style (Okabe-Ito palette, cividis maps).

Each function takes data frames and returns a matplotlib Figure plus a caption; `save_figure`
writes it in every requested format. Nothing here reads files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
             "#000000"]
VALENCE_COLOURS = {"positive": "#009E73", "mixed": "#E69F00", "negative": "#D55E00",
                   "unspecified": "#999999"}
STYLE = {
    "font.family": "DejaVu Sans", "font.size": 9, "axes.titlesize": 11,
    "axes.titleweight": "bold", "axes.spines.top": False, "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO), "figure.dpi": 100,
    "svg.hashsalt": "testimony", "svg.fonttype": "none", "pdf.fonttype": 42,
}


@dataclass
class Figure:
    name: str
    title: str
    caption: str
    source: str
    figure: plt.Figure


def save_figure(fig: Figure, folder: Path, formats: list[str], dpi: int) -> list[Path]:
    """Write one figure in each format, deterministically (fixed metadata, no dates)."""
    written = []
    metadata = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
                "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}}
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    with plt.rc_context(STYLE):  # svg.hashsalt: stable element ids in SVG files
        for fmt in formats:
            path = Path(folder) / f"{fig.name}.{fmt}"
            fig.figure.savefig(path, format=fmt, dpi=dpi, bbox_inches="tight",
                               metadata=metadata.get(fmt))
        written.append(path)
    plt.close(fig.figure)
    return written


def _ordered_codes(codes: list[str], families: dict[str, str]) -> list[str]:
    known = [c for c in families if c in codes]
    return known + sorted(c for c in codes if c not in families)


def prevalence_heatmap(prevalence: pd.DataFrame, families: dict[str, str],
                       labels: dict[str, str]) -> Figure:
    codes = _ordered_codes(sorted(prevalence["code"].unique()), families)
    countries = sorted(prevalence["country"].unique())
    grid = prevalence.pivot(index="code", columns="country", values="prevalence").reindex(
        index=codes, columns=countries)
    counts = prevalence.pivot(index="code", columns="country", values="n_present").reindex(
        index=codes, columns=countries)
    sizes = prevalence.groupby("country")["n_participants"].first().reindex(countries)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(1.3 * len(countries) + 4.5, 0.32 * len(codes) + 1.6))
        image = ax.imshow(grid.to_numpy(dtype=float), cmap="cividis", vmin=0, vmax=1,
                          aspect="auto")
        for i, code in enumerate(codes):
            for j, country in enumerate(countries):
                value = grid.loc[code, country]
                if pd.isna(value):
                    continue
                colour = "black" if value > 0.55 else "white"
                ax.text(j, i, f"{value:.0%}\nn={int(counts.loc[code, country])}", ha="center",
                        va="center", fontsize=6.5, color=colour, linespacing=0.9)
        ax.set_xticks(range(len(countries)),
                      [f"{c}\n(N={int(sizes[c])})" for c in countries])
        ax.set_yticks(range(len(codes)), [labels.get(c, c) for c in codes])
        previous = None
        for i, code in enumerate(codes):
            family = families.get(code, "")
            if previous is not None and family != previous:
                ax.axhline(i - 0.5, color="white", linewidth=2.5)
            previous = family
        fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02, label="share of participants")
        ax.set_title("Themes by country: share of participants")
        fig.tight_layout()
    return Figure("theme_country_heatmap", "Themes by country",
                  "Share of participants in each country whose testimony carries each theme "
                  "(cell: % and number of participants). Themes are grouped by family (white "
                  "lines). Small samples: read with the intervals of prevalence_by_country.csv.",
                  "tables/prevalence_by_country.csv", fig)


def divergence_dotplot(prevalence: pd.DataFrame, divergences: pd.DataFrame,
                       labels: dict[str, str], max_codes: int = 10) -> Figure:
    chosen = divergences[divergences["divergent"]]["code"].tolist()
    if not chosen:
        chosen = divergences.sort_values("q_value")["code"].head(min(6, len(divergences))).tolist()
    chosen = chosen[:max_codes]
    countries = sorted(prevalence["country"].unique())
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.5, 0.6 * max(len(chosen), 1) + 1.5))
        offsets = np.linspace(-0.3, 0.3, len(countries)) if len(countries) > 1 else [0.0]
        for k, country in enumerate(countries):
            sub = prevalence[prevalence["country"] == country].set_index("code").reindex(chosen)
            y = np.arange(len(chosen)) + offsets[k]
            ax.errorbar(sub["prevalence"], y,
                        xerr=[sub["prevalence"] - sub["ci_low"], sub["ci_high"] - sub["prevalence"]],
                        fmt="o", color=OKABE_ITO[k % len(OKABE_ITO)], capsize=2, markersize=4,
                        linewidth=1, label=country)
        pooled = divergences.set_index("code").reindex(chosen)["pooled_prevalence"]
        for i, value in enumerate(pooled):
            ax.plot([value, value], [i - 0.4, i + 0.4], color="grey", linestyle=":", linewidth=1)
        q = divergences.set_index("code").reindex(chosen)["q_value"]
        ax.set_yticks(range(len(chosen)),
                      [f"{labels.get(c, c)}\n(q={q[c]:.3f})" for c in chosen])
        ax.invert_yaxis()
        ax.set_xlim(-0.02, 1.02)
        ax.set_xlabel("share of participants (Wilson 95% interval); dotted: pooled rate")
        ax.legend(title="country", loc="lower right", fontsize=7, frameon=False)
        ax.set_title("Where countries diverge")
        fig.tight_layout()
    return Figure("divergences", "Where countries diverge",
                  "Themes whose prevalence differs across countries (permutation test, "
                  "Benjamini-Hochberg q shown), with each country's share and Wilson 95% "
                  "interval; the dotted line is the pooled rate.",
                  "tables/divergences.csv, tables/prevalence_by_country.csv", fig)


def convergence_chart(prevalence: pd.DataFrame, convergences: pd.DataFrame,
                      labels: dict[str, str], threshold: float) -> Figure:
    chosen = convergences[convergences["convergent"]]["code"].tolist()
    if not chosen:
        chosen = convergences.sort_values("min_prevalence", ascending=False)["code"].head(6).tolist()
    countries = sorted(prevalence["country"].unique())
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.5, 0.55 * max(len(chosen), 1) + 1.5))
        height = 0.8 / max(len(countries), 1)
        for k, country in enumerate(countries):
            sub = prevalence[prevalence["country"] == country].set_index("code").reindex(chosen)
            ax.barh(np.arange(len(chosen)) + k * height - 0.4 + height / 2, sub["prevalence"],
                    height=height, color=OKABE_ITO[k % len(OKABE_ITO)], label=country)
        ax.axvline(threshold, color="black", linestyle="--", linewidth=1)
        ax.text(threshold, -0.7, f" threshold {threshold:.0%}", fontsize=7, va="bottom")
        ax.set_yticks(range(len(chosen)), [labels.get(c, c) for c in chosen])
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("share of participants")
        ax.legend(title="country", fontsize=7, frameon=False, loc="lower right")
        ax.set_title("Shared experiences across all countries")
        fig.tight_layout()
    return Figure("convergences", "Shared experiences across all countries",
                  f"Themes present in at least {threshold:.0%} of participants in every country "
                  "(convergences), with each country's share.",
                  "tables/convergences.csv, tables/prevalence_by_country.csv", fig)


def care_valence_chart(valence: pd.DataFrame, labels: dict[str, str]) -> Figure:
    codes = sorted(valence["code"].unique())
    countries = sorted(valence["country"].unique()) if not valence.empty else []
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, max(len(countries), 1), sharey=True, sharex=True,
                                 figsize=(2.2 * max(len(countries), 1) + 2.5,
                                          0.35 * max(len(codes), 1) + 1.8))
        axes = np.atleast_1d(axes)
        for ax, country in zip(axes, countries, strict=False):
            sub = valence[valence["country"] == country].set_index("code").reindex(codes).fillna(0)
            left = np.zeros(len(codes))
            for kind in ("positive", "mixed", "negative", "unspecified"):
                values = sub[kind].to_numpy(dtype=float)
                ax.barh(range(len(codes)), values, left=left, color=VALENCE_COLOURS[kind],
                        label=kind)
                left += values
            ax.set_title(country)
            ax.set_xlabel("participants")
        axes[0].set_yticks(range(len(codes)), [labels.get(c, c) for c in codes])
        axes[0].invert_yaxis()
        handles, names = axes[0].get_legend_handles_labels()
        fig.legend(handles, names, loc="lower center", ncol=4, frameon=False, fontsize=7)
        fig.suptitle("How survivors describe care, by service and country", fontweight="bold")
        fig.tight_layout(rect=(0, 0.06, 1, 1))
    return Figure("care_valence", "Care quality by service and country",
                  "Number of participants who describe each care service positively, "
                  "negatively or with mixed experiences, by country.",
                  "tables/care_valence_by_country.csv", fig)


def cooccurrence_heatmap(cooc: pd.DataFrame, families: dict[str, str],
                         labels: dict[str, str]) -> Figure:
    codes = _ordered_codes(sorted(cooc["code_a"].unique()), families)
    grid = cooc.pivot(index="code_a", columns="code_b", values="jaccard").reindex(
        index=codes, columns=codes).to_numpy(dtype=float, copy=True)
    np.fill_diagonal(grid, np.nan)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(0.32 * len(codes) + 4, 0.32 * len(codes) + 2))
        image = ax.imshow(grid, cmap="cividis", vmin=0, vmax=1)
        ax.set_xticks(range(len(codes)), [labels.get(c, c) for c in codes], rotation=90,
                      fontsize=7)
        ax.set_yticks(range(len(codes)), [labels.get(c, c) for c in codes], fontsize=7)
        fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02, label="Jaccard index")
        ax.set_title("Which themes occur together")
        fig.tight_layout()
    return Figure("cooccurrence", "Which themes occur together",
                  "Participant-level co-occurrence of themes (Jaccard index: participants with "
                  "both / participants with either).", "tables/cooccurrence.csv", fig)


def topic_labels_from_info(info: pd.DataFrame) -> dict[int, str]:
    """topic id -> label from topic_info.csv: the English label (`label_en`) when the topics
    are bilingual, else `label`."""
    if info is None or info.empty:
        return {}
    id_col = "topic" if "topic" in info.columns else info.columns[0]
    columns = [c for c in ("label_en", "label") if c in info.columns]
    labels = {}
    for _, row in info.iterrows():
        text = next((str(row[c]) for c in columns
                     if not pd.isna(row[c]) and str(row[c]).strip()), "")
        labels[int(row[id_col])] = text
    return labels


def topic_display_label(topic: int, label: str, width: int = 40) -> str:
    """`<id>: <label>`, the id shown once: BERTopic-style labels already start with it
    ("0: police, money" or "0_police_money")."""
    text = str(label or "").strip()
    prefix = re.match(rf"^{re.escape(str(int(topic)))}\s*[:_]\s*", text)
    if prefix:
        text = text[prefix.end():]
        if "_" in text and " " not in text:  # "police_money_word" -> "police, money, word"
            text = ", ".join(w for w in text.split("_") if w)
    return f"{int(topic)}: {text[:width]}" if text else str(int(topic))


def topic_country_heatmap(topic_prev: pd.DataFrame,
                          topic_labels: Mapping[int, str] | pd.DataFrame) -> Figure:
    """Share of each country's participants per topic. `topic_labels`: {topic id: label} or
    topic_info.csv as a frame (its English labels are used when present)."""
    if isinstance(topic_labels, pd.DataFrame):
        topic_labels = topic_labels_from_info(topic_labels)
    with plt.rc_context(STYLE):
        if topic_prev is None or topic_prev.empty:
            fig, ax = plt.subplots(figsize=(6, 2))
            ax.axis("off")
            ax.text(0.5, 0.5, "No topics were found for this corpus", ha="center")
        else:
            topics = sorted(topic_prev["topic"].unique())
            countries = sorted(topic_prev["country"].unique())
            grid = topic_prev.pivot(index="topic", columns="country", values="share").reindex(
                index=topics, columns=countries)
            fig, ax = plt.subplots(figsize=(1.2 * len(countries) + 5, 0.4 * len(topics) + 1.6))
            image = ax.imshow(grid.to_numpy(dtype=float), cmap="cividis", vmin=0, vmax=1,
                              aspect="auto")
            for i in range(len(topics)):
                for j in range(len(countries)):
                    value = grid.iloc[i, j]
                    ax.text(j, i, f"{value:.0%}", ha="center", va="center", fontsize=7,
                            color="black" if value > 0.55 else "white")
            ax.set_xticks(range(len(countries)), countries)
            ax.set_yticks(range(len(topics)),
                          [topic_display_label(t, topic_labels.get(int(t), "")) for t in topics])
            fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02,
                         label="share of participants")
        ax.set_title("Emergent topics by country")
        fig.tight_layout()
    return Figure("topic_country_heatmap", "Topics by country",
                  "Share of each country's participants with at least one passage in each "
                  "topic found by the topic model (outliers excluded).",
                  "tables/topic_prevalence_by_country.csv, topics/topic_info.csv", fig)


def sample_composition_chart(composition: pd.DataFrame) -> Figure:
    profile_cols = [c for c in composition.columns if c.startswith("profile_")]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7, 3.2))
        left = np.zeros(len(composition))
        for k, column in enumerate(profile_cols):
            values = composition[column].to_numpy(dtype=float)
            ax.barh(composition["country"], values, left=left,
                    color=OKABE_ITO[k % len(OKABE_ITO)],
                    label=column.removeprefix("profile_").replace("_", " "))
            left += values
        for i, total in enumerate(composition["n_participants"]):
            ax.text(total + 0.2, i, str(int(total)), va="center", fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("participants")
        ax.legend(fontsize=7, frameon=False, loc="lower right")
        ax.set_title("Who was interviewed")
        fig.tight_layout()
    return Figure("sample_composition", "Sample composition",
                  "Participants per country by profile (participants who withdrew consent "
                  "are excluded).", "tables/sample_composition.csv", fig)


def redaction_chart(counts_by_type: dict[str, int]) -> Figure:
    items = sorted(counts_by_type.items(), key=lambda kv: (-kv[1], kv[0]))
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.5, 0.35 * max(len(items), 1) + 1.4))
        ax.barh([k for k, _ in items], [v for _, v in items], color=OKABE_ITO[0])
        for i, (_, v) in enumerate(items):
            ax.text(v, i, f" {v}", va="center", fontsize=7)
        ax.invert_yaxis()
        ax.set_xlabel("replacements")
        ax.set_title("What was redacted")
        fig.tight_layout()
    return Figure("redaction_summary", "Redaction summary",
                  "Number of personal-data replacements by entity type across all included "
                  "transcripts (counts only; no original text is kept).",
                  "redacted/redaction_summary.json", fig)
