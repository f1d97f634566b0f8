"""Heatmaps of theme co-occurrence and of topics by country (with topic label helpers)."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from pipeline.figures.style import (
    CELL_FONT_PT,
    STYLE,
    Figure,
    _mark_families,
    _new_figure,
    _ordered_codes,
    _text_colour,
)


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


def largest_topics(topic_prev: pd.DataFrame, limit: int) -> list:
    """The `limit` topics with the most participants over all countries (ties: lower id
    first), in topic order."""
    reach = topic_prev.groupby("topic")["n_with_topic"].sum() \
        if "n_with_topic" in topic_prev.columns else topic_prev.groupby("topic")["share"].sum()
    ranked = sorted(reach.items(), key=lambda item: (-item[1], item[0]))
    return sorted(topic for topic, _ in ranked[:limit])


def topic_country_heatmap(topic_prev: pd.DataFrame,
                          topic_labels: Mapping[int, str] | pd.DataFrame,
                          max_topics: int = 30) -> Figure:
    """Share of each country's participants per topic. `topic_labels`: {topic id: label} or
    topic_info.csv as a frame (its English labels are used when present). Cells are sized so
    their text stays readable once the figure is scaled to the report column. At most
    `max_topics` rows: the topics found in the most participants (the caption says how many
    there are; the table holds them all)."""
    if isinstance(topic_labels, pd.DataFrame):
        topic_labels = topic_labels_from_info(topic_labels)
    caption = ("Share of each country's participants with at least one passage in each "
               "topic found by the topic model (outliers excluded).")
    with plt.rc_context(STYLE):
        if topic_prev is None or topic_prev.empty:
            fig, ax = _new_figure(6, 2)
            ax.axis("off")
            ax.text(0.5, 0.5, "No topics were found for this corpus", ha="center")
        else:
            every = topic_prev["topic"].unique()
            topics = largest_topics(topic_prev, max_topics)
            if len(topics) < len(every):
                caption += (f" The {len(topics)} topics found in the most participants, of "
                            f"{len(every)}; every topic is in the table.")
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
    return Figure("topic_country_heatmap", "Topics by country", caption,
                  ("tables/topic_prevalence_by_country.csv", "topics/topic_info.csv"), fig)
