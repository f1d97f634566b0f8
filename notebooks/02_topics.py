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
# # Topics
# The topics found by BERTopic in the redacted participant turns, how they spread over
# countries, and which look like emergent themes the codebook does not cover.

# %%
import os
from pathlib import Path

import pandas as pd

OUT = Path(os.environ.get("TESTIMONY_OUTPUTS", "../outputs"))
info = pd.read_csv(OUT / "topics" / "topic_info.csv")
doc_topics = pd.read_parquet(OUT / "topics" / "doc_topics.parquet")
info.head(20)

# %% [markdown]
# ## Topics by country

# %%
by_country = pd.read_csv(OUT / "topics" / "topics_by_country.csv")
by_country.head(30)

# %% [markdown]
# ## Topic x code overlap: emergent themes

# %%
overlap = pd.read_csv(OUT / "topics" / "topic_code_overlap.csv")
flag = [c for c in overlap.columns if "emergent" in c]
overlap[overlap[flag[0]].astype(str).str.lower() == "true"] if flag else overlap.head()

# %% [markdown]
# ## Topic model quality

# %%
import json

json.loads((OUT / "metrics" / "topics.json").read_text())
