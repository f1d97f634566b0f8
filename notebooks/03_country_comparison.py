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
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

OUT = Path(os.environ.get("TESTIMONY_OUTPUTS", "../outputs"))
prevalence = pd.read_csv(OUT / "tables" / "prevalence_by_country.csv")
divergences = pd.read_csv(OUT / "tables" / "divergences.csv", keep_default_na=False)
convergences = pd.read_csv(OUT / "tables" / "convergences.csv", keep_default_na=False)

# %% [markdown]
# ## Divergences (Benjamini-Hochberg q, Cramér's V, countries that stand out)

# %%
divergences[divergences["divergent"].astype(str) == "True"]

# %% [markdown]
# ## Convergences

# %%
convergences[convergences["convergent"].astype(str) == "True"]

# %% [markdown]
# ## One theme across countries, with Wilson intervals

# %%
CODE = divergences["code"].iloc[0]
sub = prevalence[prevalence["code"] == CODE]
fig, ax = plt.subplots(figsize=(5, 2.5))
ax.errorbar(sub["country"], sub["prevalence"],
            yerr=[sub["prevalence"] - sub["ci_low"], sub["ci_high"] - sub["prevalence"]],
            fmt="o", capsize=3)
ax.set_ylim(0, 1)
ax.set_title(CODE)
plt.show()

# %% [markdown]
# ## Quotes for that theme

# %%
quotes = pd.read_csv(OUT / "report" / "quotes.csv")
quotes[quotes["code"] == CODE].head(10)
