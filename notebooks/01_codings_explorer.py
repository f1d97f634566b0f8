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
# # Codings explorer
# Browse the automatic codings of a run: which themes each participant carries, the rule
# that fired, and the redacted evidence. Reads `outputs/` only (set `TESTIMONY_OUTPUTS` to
# point at another run). Every text here is redacted.

# %%
import os
from pathlib import Path

import pandas as pd

OUT = Path(os.environ.get("TESTIMONY_OUTPUTS", "../outputs"))
codings = pd.read_parquet(OUT / "coding" / "codings.parquet")
codes = pd.read_csv(OUT / "coding" / "participant_codes.csv")
participants = pd.read_csv(OUT / "redacted" / "participants.csv")
print(len(codings), "codings;", codes["participant_id"].nunique(), "participants")

# %% [markdown]
# ## How many participants carry each theme

# %%
present = codes[codes["present"] == 1]
present.groupby("code")["participant_id"].nunique().sort_values(ascending=False)

# %% [markdown]
# ## Participant x theme matrix

# %%
matrix = codes.pivot(index="participant_id", columns="code", values="present")
matrix.head(10)

# %% [markdown]
# ## Evidence for one theme
# Change `CODE` to read the passages behind any theme.

# %%
CODE = present["code"].value_counts().index[0]
columns = [c for c in ("participant_id", "segment_id", "rule", "snippet") if c in codings.columns]
codings[codings["code"] == CODE][columns].head(10)

# %% [markdown]
# ## Care valence by service

# %%
care = present[present["code"].str.startswith("CARE_")]
pd.crosstab(care["code"], care["valence"].fillna("unspecified"))
