"""Theme prevalence by country as a heatmap (themes grouped by family)."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
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
