"""Report-ready figures in one colour-blind-safe style (Okabe-Ito palette, cividis maps).

Each function takes data frames and returns a matplotlib Figure plus a caption; `save_figure`
writes it in every requested format. Nothing here reads files.

Layout rules (checked by tests/test_figure_layout.py): legends sit outside the data area in a
frame, no label is drawn over bars, points or titles, and text embedded in the HTML report
stays readable once the figure is scaled to the report's column (`REPORT_WIDTH_PX`).
"""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
             "#000000"]
VALENCE_COLOURS = {"positive": "#009E73", "mixed": "#E69F00", "negative": "#D55E00",
                   "unspecified": "#999999"}
VALENCE_KINDS = ("positive", "mixed", "negative", "unspecified")
STYLE = {
    "font.family": "DejaVu Sans", "font.size": 9, "axes.titlesize": 11,
    "axes.titleweight": "bold", "axes.spines.top": False, "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO), "figure.dpi": 100,
    "svg.hashsalt": "testimony", "svg.fonttype": "none", "pdf.fonttype": 42,
    "legend.fontsize": 9, "legend.title_fontsize": 9, "legend.frameon": True,
    "legend.framealpha": 1.0, "legend.edgecolor": "#999999",
}
# Width in CSS pixels of the HTML report's text column (body max-width 60rem): every embedded
# PNG is scaled down to it, so font sizes are chosen for that width, not the figure's own.
REPORT_WIDTH_PX = 960
CELL_FONT_PT = 9  # text inside heatmap cells


@dataclass
class Figure:
    name: str
    title: str
    caption: str
    sources: tuple[str, ...]  # data files, relative to the output folder
    figure: plt.Figure

    @property
    def source(self) -> str:
        return ", ".join(self.sources)


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


# ----------------------------------------------------------------- shared helpers

def _new_figure(width: float, height: float, ncols: int = 1, **kwargs):
    """Figure with constrained layout, which keeps outside legends, colorbars and secondary
    axes (family names) from overlapping one another."""
    fig, axes = plt.subplots(1, ncols, figsize=(width, height), layout="constrained", **kwargs)
    return fig, axes


def _outside_legend(fig: plt.Figure, handles: list, labels: list[str], *, where: str = "right",
                    title: str | None = None):
    """A framed figure legend outside every axes: on the right or below the plots."""
    if not handles:
        return None
    if where == "below":
        return fig.legend(handles, labels, loc="outside lower center", title=title,
                          ncol=min(len(labels), 4))
    return fig.legend(handles, labels, loc="outside right upper", title=title)


def _ordered_codes(codes: list[str], families: dict[str, str]) -> list[str]:
    known = [c for c in families if c in codes]
    return known + sorted(c for c in codes if c not in families)


def _family_blocks(codes: list[str], families: Mapping[str, str]) -> list[tuple[str, int, int]]:
    """Runs of consecutive codes of one family: (family, first index, last index)."""
    blocks: list[tuple[str, int, int]] = []
    for i, code in enumerate(codes):
        family = families.get(code, "")
        if blocks and blocks[-1][0] == family:
            blocks[-1] = (family, blocks[-1][1], i)
        else:
            blocks.append((family, i, i))
    return blocks


def family_display_name(family: str, family_labels: Mapping[str, str] | None = None) -> str:
    """Codebook label of a family when known, else its id made readable ("other" if none)."""
    if family_labels and family_labels.get(family):
        return str(family_labels[family])
    text = str(family or "other").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _mark_families(ax, codes: list[str], families: Mapping[str, str],
                   family_labels: Mapping[str, str] | None, *, both_axes: bool = False) -> None:
    """White lines between code families and each family's name on the right of the grid."""
    blocks = _family_blocks(codes, families)
    if len(blocks) < 2 and not any(f for f, _, _ in blocks):
        return
    for _, first, _ in blocks[1:]:
        ax.axhline(first - 0.5, color="white", linewidth=2.5)
        if both_axes:
            ax.axvline(first - 0.5, color="white", linewidth=2.5)
    names = ax.secondary_yaxis("right")
    names.set_yticks([(first + last) / 2 for _, first, last in blocks],
                     [textwrap.fill(family_display_name(f, family_labels), 18)
                      for f, _, _ in blocks])
    names.tick_params(length=0, labelsize=8)
    for label in names.get_yticklabels():
        label.set_fontweight("bold")
    names.spines["right"].set_visible(False)


def _text_colour(value: float) -> str:
    """Black on the light (yellow) end of cividis, white on the dark end."""
    return "black" if value > 0.55 else "white"


# ----------------------------------------------------------------- figures

def prevalence_heatmap(prevalence: pd.DataFrame, families: dict[str, str],
                       labels: dict[str, str],
                       family_labels: Mapping[str, str] | None = None) -> Figure:
    codes = _ordered_codes(sorted(prevalence["code"].unique()), families)
    countries = sorted(prevalence["country"].unique())
    grid = prevalence.pivot(index="code", columns="country", values="prevalence").reindex(
        index=codes, columns=countries)
    counts = prevalence.pivot(index="code", columns="country", values="n_present").reindex(
        index=codes, columns=countries)
    sizes = prevalence.groupby("country")["n_participants"].first().reindex(countries)
    with plt.rc_context(STYLE):
        fig, ax = _new_figure(0.8 * len(countries) + 5.6, 0.36 * len(codes) + 1.5)
        image = ax.imshow(grid.to_numpy(dtype=float), cmap="cividis", vmin=0, vmax=1,
                          aspect="auto")
        for i, code in enumerate(codes):
            for j, country in enumerate(countries):
                value = grid.loc[code, country]
                if pd.isna(value):
                    continue
                ax.text(j, i, f"{value:.0%}\nn={int(counts.loc[code, country])}", ha="center",
                        va="center", fontsize=CELL_FONT_PT - 1, color=_text_colour(value),
                        linespacing=0.9)
        ax.set_xticks(range(len(countries)),
                      [f"{c}\n(N={int(sizes[c])})" for c in countries])
        ax.set_yticks(range(len(codes)), [labels.get(c, c) for c in codes])
        _mark_families(ax, codes, families, family_labels)
        fig.colorbar(image, ax=ax, fraction=0.05, aspect=30, label="share of participants")
        ax.set_title("Themes by country: share of participants")
    return Figure("theme_country_heatmap", "Themes by country",
                  "Share of participants in each country whose testimony carries each theme "
                  "(cell: % and number of participants). Themes are grouped by family (white "
                  "lines; family names on the right). Small samples: read with the intervals "
                  "of prevalence_by_country.csv.",
                  ("tables/prevalence_by_country.csv",), fig)


def divergence_dotplot(prevalence: pd.DataFrame, divergences: pd.DataFrame,
                       labels: dict[str, str], max_codes: int = 10) -> Figure:
    chosen = divergences[divergences["divergent"]]["code"].tolist()
    if not chosen:
        chosen = divergences.sort_values("q_value")["code"].head(min(6, len(divergences))).tolist()
    chosen = chosen[:max_codes]
    countries = sorted(prevalence["country"].unique())
    with plt.rc_context(STYLE):
        fig, ax = _new_figure(8, 0.6 * max(len(chosen), 1) + 1.5)
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
        ax.set_xlim(-0.04, 1.04)  # room for a marker at 0 or 1
        ax.set_xlabel("share of participants (Wilson 95% interval)")
        handles, names = ax.get_legend_handles_labels()
        handles.append(Line2D([], [], color="grey", linestyle=":", linewidth=1))
        _outside_legend(fig, handles, [*names, "pooled rate"], title="country")
        ax.set_title("Where countries diverge")
    return Figure("divergences", "Where countries diverge",
                  "Themes whose prevalence differs across countries (permutation test, "
                  "Benjamini-Hochberg q shown), with each country's share and Wilson 95% "
                  "interval; the dotted line is the pooled rate.",
                  ("tables/divergences.csv", "tables/prevalence_by_country.csv"), fig)


def convergence_chart(prevalence: pd.DataFrame, convergences: pd.DataFrame,
                      labels: dict[str, str], threshold: float) -> Figure:
    chosen = convergences[convergences["convergent"]]["code"].tolist()
    if not chosen:
        chosen = convergences.sort_values("min_prevalence", ascending=False)["code"].head(6).tolist()
    countries = sorted(prevalence["country"].unique())
    with plt.rc_context(STYLE):
        fig, ax = _new_figure(8, 0.55 * max(len(chosen), 1) + 1.5)
        height = 0.8 / max(len(countries), 1)
        for k, country in enumerate(countries):
            sub = prevalence[prevalence["country"] == country].set_index("code").reindex(chosen)
            ax.barh(np.arange(len(chosen)) + k * height - 0.4 + height / 2, sub["prevalence"],
                    height=height, color=OKABE_ITO[k % len(OKABE_ITO)], label=country)
        # The threshold is named in the legend: a label on the line itself ran into the title.
        ax.axvline(threshold, color="black", linestyle="--", linewidth=1,
                   label=f"threshold ({threshold:.0%})")
        ax.set_yticks(range(len(chosen)), [labels.get(c, c) for c in chosen])
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("share of participants")
        handles, names = ax.get_legend_handles_labels()
        _outside_legend(fig, handles, names, title="country")
        ax.set_title("Shared experiences across all countries")
    return Figure("convergences", "Shared experiences across all countries",
                  f"Themes present in at least {threshold:.0%} of participants in every country "
                  "(convergences), with each country's share; the dashed line is the threshold.",
                  ("tables/convergences.csv", "tables/prevalence_by_country.csv"), fig)


def used_valence_kinds(valence: pd.DataFrame) -> list[str]:
    """Valence categories that at least one participant falls in (others get no legend)."""
    return [k for k in VALENCE_KINDS
            if k in valence.columns and pd.to_numeric(valence[k], errors="coerce").fillna(0).sum() > 0]


def care_valence_chart(valence: pd.DataFrame, labels: dict[str, str]) -> Figure:
    codes = sorted(valence["code"].unique())
    countries = sorted(valence["country"].unique()) if not valence.empty else []
    kinds = used_valence_kinds(valence)
    with plt.rc_context(STYLE):
        fig, axes = _new_figure(1.6 * max(len(countries), 1) + 2.8,
                                0.42 * max(len(codes), 1) + 2.0, ncols=max(len(countries), 1),
                                sharey=True, sharex=True)
        axes = np.atleast_1d(axes)
        for ax, country in zip(axes, countries, strict=False):
            sub = valence[valence["country"] == country].set_index("code").reindex(codes).fillna(0)
            left = np.zeros(len(codes))
            for kind in kinds:
                values = sub[kind].to_numpy(dtype=float)
                ax.barh(range(len(codes)), values, left=left, color=VALENCE_COLOURS[kind],
                        label=kind)
                left += values
            ax.set_title(country)
            ax.set_xlabel("participants")
            ax.xaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
        # wrapped labels keep the figure narrow enough to stay legible in the report
        axes[0].set_yticks(range(len(codes)), [textwrap.fill(labels.get(c, c), 26)
                                               for c in codes])
        axes[0].invert_yaxis()
        handles, names = axes[0].get_legend_handles_labels()
        _outside_legend(fig, handles, names, where="below")
        fig.suptitle("How survivors describe care, by service and country", fontweight="bold")
    return Figure("care_valence", "Care quality by service and country",
                  "Number of participants who describe each care service positively, "
                  "negatively or with mixed experiences, by country.",
                  ("tables/care_valence_by_country.csv",), fig)


def _jaccard_text(value: float) -> str:
    """Two decimals without the leading zero (".25"), so the value fits a small cell."""
    return "1" if value >= 0.995 else f"{value:.2f}".removeprefix("0")


def cooccurrence_heatmap(cooc: pd.DataFrame, families: dict[str, str],
                         labels: dict[str, str],
                         family_labels: Mapping[str, str] | None = None) -> Figure:
    codes = _ordered_codes(sorted(cooc["code_a"].unique()), families)
    grid = cooc.pivot(index="code_a", columns="code_b", values="jaccard").reindex(
        index=codes, columns=codes).to_numpy(dtype=float, copy=True)
    np.fill_diagonal(grid, np.nan)
    with plt.rc_context(STYLE):
        fig, ax = _new_figure(0.36 * len(codes) + 4.2, 0.36 * len(codes) + 2.6)
        image = ax.imshow(grid, cmap="cividis", vmin=0, vmax=1)
        for i, j in zip(*np.nonzero(np.nan_to_num(grid) > 0), strict=True):
            ax.text(j, i, _jaccard_text(grid[i, j]), ha="center", va="center", fontsize=6.5,
                    color=_text_colour(grid[i, j]))
        names = [textwrap.fill(labels.get(c, c), 30) for c in codes]
        ax.set_xticks(range(len(codes)), names, rotation=90, fontsize=7)
        ax.set_yticks(range(len(codes)), names, fontsize=7)
        _mark_families(ax, codes, families, family_labels, both_axes=True)
        fig.colorbar(image, ax=ax, fraction=0.04, aspect=30, shrink=0.8, label="Jaccard index")
        ax.set_title("Which themes occur together")
    return Figure("cooccurrence", "Which themes occur together",
                  "Participant-level co-occurrence of themes (Jaccard index: participants with "
                  "both / participants with either; empty cell: never together). Themes are "
                  "grouped by family (white lines; family names on the right).",
                  ("tables/cooccurrence.csv",), fig)


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
    topic_info.csv as a frame (its English labels are used when present). Cells are sized so
    their text stays readable once the figure is scaled to the report column."""
    if isinstance(topic_labels, pd.DataFrame):
        topic_labels = topic_labels_from_info(topic_labels)
    with plt.rc_context(STYLE):
        if topic_prev is None or topic_prev.empty:
            fig, ax = _new_figure(6, 2)
            ax.axis("off")
            ax.text(0.5, 0.5, "No topics were found for this corpus", ha="center")
        else:
            topics = sorted(topic_prev["topic"].unique())
            countries = sorted(topic_prev["country"].unique())
            grid = topic_prev.pivot(index="topic", columns="country", values="share").reindex(
                index=topics, columns=countries)
            fig, ax = _new_figure(0.7 * len(countries) + 4.2, 0.36 * len(topics) + 1.4)
            image = ax.imshow(grid.to_numpy(dtype=float), cmap="cividis", vmin=0, vmax=1,
                              aspect="auto")
            for i in range(len(topics)):
                for j in range(len(countries)):
                    value = grid.iloc[i, j]
                    if pd.isna(value):
                        continue
                    ax.text(j, i, f"{value:.0%}", ha="center", va="center",
                            fontsize=CELL_FONT_PT, color=_text_colour(value))
            ax.set_xticks(range(len(countries)), countries)
            ax.set_yticks(range(len(topics)),
                          [topic_display_label(t, topic_labels.get(int(t), "")) for t in topics])
            fig.colorbar(image, ax=ax, fraction=0.05, aspect=20,
                         label="share of participants")
        ax.set_title("Emergent topics by country")
    return Figure("topic_country_heatmap", "Topics by country",
                  "Share of each country's participants with at least one passage in each "
                  "topic found by the topic model (outliers excluded).",
                  ("tables/topic_prevalence_by_country.csv", "topics/topic_info.csv"), fig)


def sample_composition_chart(composition: pd.DataFrame) -> Figure:
    profile_cols = [c for c in composition.columns if c.startswith("profile_")]
    with plt.rc_context(STYLE):
        fig, ax = _new_figure(7, 3.4)
        left = np.zeros(len(composition))
        for k, column in enumerate(profile_cols):
            values = composition[column].to_numpy(dtype=float)
            ax.barh(composition["country"], values, left=left,
                    color=OKABE_ITO[k % len(OKABE_ITO)],
                    label=column.removeprefix("profile_").replace("_", " "))
            left += values
        totals = composition["n_participants"].to_numpy(dtype=float)
        gap = 0.01 * max(totals.max(initial=0), 1)
        for i, total in enumerate(totals):
            ax.text(total + gap, i, str(int(total)), va="center", fontsize=8)
        ax.set_xlim(0, max(totals.max(initial=0), 1) * 1.1)  # room for the totals
        ax.invert_yaxis()
        ax.set_xlabel("participants")
        handles, names = ax.get_legend_handles_labels()
        _outside_legend(fig, handles, names, where="below", title="profile")
        ax.set_title("Who was interviewed")
    return Figure("sample_composition", "Sample composition",
                  "Participants per country by profile (participants who withdrew consent "
                  "are excluded).", ("tables/sample_composition.csv",), fig)


def redaction_chart(counts_by_type: dict[str, int]) -> Figure:
    items = sorted(counts_by_type.items(), key=lambda kv: (-kv[1], kv[0]))
    with plt.rc_context(STYLE):
        fig, ax = _new_figure(6.5, 0.35 * max(len(items), 1) + 1.4)
        ax.barh([k for k, _ in items], [v for _, v in items], color=OKABE_ITO[0])
        for i, (_, v) in enumerate(items):
            ax.text(v, i, f" {v}", va="center", fontsize=7)
        ax.set_xlim(0, max([v for _, v in items] or [1]) * 1.12)  # room for the counts
        ax.invert_yaxis()
        ax.set_xlabel("replacements")
        ax.set_title("What was redacted")
    return Figure("redaction_summary", "Redaction summary",
                  "Number of personal-data replacements by entity type across all included "
                  "transcripts (counts only; no original text is kept).",
                  ("redacted/redaction_summary.json",), fig)
