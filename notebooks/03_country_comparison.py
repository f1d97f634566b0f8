# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Country comparison
# Convergences and divergences across countries with their uncertainty, and quotes that let
# survivors' voices speak (redacted).

# %%
# %matplotlib inline
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

from pipeline.artifacts import as_bool  # CSV flags ('True'/'False') as booleans

# %% tags=["parameters"]
CODE = None  # theme whose quotes are shown; None reads the first divergent theme

# %%
OUT = Path(os.environ.get("TESTIMONY_OUTPUTS", "../outputs"))
prevalence = pd.read_csv(OUT / "tables" / "prevalence_by_country.csv")
divergences = pd.read_csv(OUT / "tables" / "divergences.csv", keep_default_na=False)
convergences = pd.read_csv(OUT / "tables" / "convergences.csv", keep_default_na=False)
quotes = pd.read_csv(OUT / "report" / "quotes.csv", keep_default_na=False)


def readable(frame: pd.DataFrame, text_columns: list[str]):
    """Show long text in full, left-aligned and wrapped (pandas cuts cells at 50 characters
    and right-aligns them)."""
    wrap = [{"selector": "td", "props": "white-space: pre-wrap; min-width: 30em"}]
    return (frame.style.hide(axis="index").format(escape="html", precision=4)
            .set_table_styles([{"selector": "th, td",
                                "props": "text-align: left; vertical-align: top"}])
            .set_table_styles({column: wrap for column in text_columns}, overwrite=False))


divergent = divergences[as_bool(divergences["divergent"])]
convergent = convergences[as_bool(convergences["convergent"])]
n_by_country = prevalence.groupby("country")["n_participants"].max()
display(Markdown(
    f"{len(divergent)} divergent and {len(convergent)} convergent themes out of "
    f"{divergences['code'].nunique()}; participants per country: "
    + ", ".join(f"{country} {n}" for country, n in n_by_country.items()) + "."))

# %% [markdown]
# ## Divergences
# A theme is **divergent** when its prevalence differs across countries beyond chance
# (permutation chi-square test, Benjamini-Hochberg `q_value` below `compare.alpha`, 0.05 by
# default) *and* at least one country stands out (adjusted residual of ±1.96 or more:
# `countries_above` / `countries_below`, with that country's prevalence). `cramers_v` is the
# size of the difference (0 = none, about 0.3 = moderate, 0.5 = large). `robust_share` is
# the share of bootstrap draws, corrected for the coder's measured error, in which the
# countries that stand out stay on their side; `robust_to_coder_error` needs 0.8. With
# 13-14 participants per country, a divergence rests on a handful of people: read the
# quotes before reporting it.

# %%
readable(divergent.drop(columns=["divergent"]), [])

# %% [markdown]
# ## Divergent themes, country by country
# Prevalence of each divergent theme in each country with its 95% Wilson interval; the
# dashed line is the pooled prevalence. A country whose interval sits clear of the line is
# the one driving the divergence; wide intervals are the small country samples.

# %%
shown = divergent["code"].tolist() or divergences["code"].head(4).tolist()
n_cols = min(3, len(shown))
n_rows = -(-len(shown) // n_cols)
fig, axes = plt.subplots(n_rows, n_cols, figsize=(3.4 * n_cols, 2.6 * n_rows), sharey=True,
                         squeeze=False)
for ax, code in zip(axes.flat, shown, strict=False):
    sub = prevalence[prevalence["code"] == code].sort_values("country")
    ax.errorbar(sub["country"], sub["prevalence"], fmt="o", capsize=3,
                yerr=[sub["prevalence"] - sub["ci_low"], sub["ci_high"] - sub["prevalence"]])
    pooled = sub["n_present"].sum() / sub["n_participants"].sum()
    ax.axhline(pooled, color="grey", linestyle="--", linewidth=1)
    ax.set_ylim(0, 1)
    ax.set_title(code, fontsize="small")
for ax in axes.flat[len(shown):]:
    ax.set_visible(False)
fig.supylabel("share of participants")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Convergences
# A theme is **convergent** when it is present in at least `threshold` (half, by default) of
# the participants of *every* country; `min_country` is the country where it is least
# frequent. It says the theme is common everywhere, not that countries are equal.
# `robust_to_coder_error` False means that, once the coder's error is allowed for, the
# lowest country could fall under the threshold.

# %%
readable(convergent.drop(columns=["convergent", "countries_below_threshold"],
                        errors="ignore"), [])

# %% [markdown]
# ## All themes by country
# Prevalence of every theme (rows, grouped by family between the grey lines) in each
# country (columns); the number in a cell is the percentage of that country's participants.
# Themes marked `*` are divergent.
# Read rows, not columns: a dark row is a theme common everywhere (a convergence candidate),
# a row with one cell unlike the others is a divergence candidate, but only the tests above
# say whether the difference exceeds chance.

# %%
grid = prevalence.pivot(index="code", columns="country", values="prevalence")
family = divergences.set_index("code")["family"].reindex(grid.index).fillna("")
grid = grid.loc[family.sort_values(kind="stable").index]
marked = [f"{code} *" if code in set(divergent["code"]) else code for code in grid.index]

fig, ax = plt.subplots(figsize=(1.1 * grid.shape[1] + 3, 0.32 * len(grid) + 1))
image = ax.imshow(grid.to_numpy(), cmap="Blues", vmin=0, vmax=1, aspect="auto")
for (row, column), value in np.ndenumerate(grid.to_numpy()):
    if np.isfinite(value):
        ax.text(column, row, f"{value:.0%}", ha="center", va="center", fontsize="x-small",
                color="white" if value > 0.6 else "black")
for edge in np.flatnonzero(family.loc[grid.index].to_numpy()[1:]
                           != family.loc[grid.index].to_numpy()[:-1]):
    ax.axhline(edge + 0.5, color="grey", linewidth=1)
ax.set_xticks(range(grid.shape[1]), grid.columns)
ax.set_yticks(range(len(grid)), marked, fontsize="small")
fig.colorbar(image, ax=ax, label="share of participants")
plt.show()

# %% [markdown]
# ## Quotes for one theme
# Up to three redacted quotes per country for the theme, each from a different participant,
# chosen by a fixed seed (not the "best" quotes). A leading or trailing "…" is where the
# pipeline cut the turn to `report.quote_max_chars`; `evidence` is the rule (or the semantic
# exemplar) that coded it. Set `CODE` in the parameters cell at the top to read another
# theme.

# %%
code = CODE or (divergent["code"].iloc[0] if len(divergent) else divergences["code"].iloc[0])
for_code = quotes[quotes["code"] == code].sort_values(["country", "participant_id"])
display(Markdown(f"**{code}**: {len(for_code)} quotes from "
                 f"{for_code['country'].nunique()} countries."))

# %% tags=["quotes"]
readable(for_code[["country", "participant_id", "quote", "evidence"]], ["quote"])
