"""Country comparison figures: where countries diverge and what they share (convergences)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from pipeline.figures.style import OKABE_ITO, STYLE, Figure, _new_figure, _outside_legend


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
