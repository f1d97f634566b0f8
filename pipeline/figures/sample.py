"""Figures about the sample and its processing: composition, care valence, redactions."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from pipeline.figures.style import (
    OKABE_ITO,
    STYLE,
    VALENCE_COLOURS,
    VALENCE_KINDS,
    Figure,
    _new_figure,
    _outside_legend,
)


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
