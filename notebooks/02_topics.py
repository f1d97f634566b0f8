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
# %matplotlib inline
import json
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from pipeline.artifacts import as_bool  # CSV flags ('True'/'False') as booleans

OUT = Path(os.environ.get("TESTIMONY_OUTPUTS", "../outputs"))
info = pd.read_csv(OUT / "topics" / "topic_info.csv")
doc_topics = pd.read_parquet(OUT / "topics" / "doc_topics.parquet")
by_country = pd.read_csv(OUT / "topics" / "topics_by_country.csv")
overlap = pd.read_csv(OUT / "topics" / "topic_code_overlap.csv")
metrics = json.loads((OUT / "metrics" / "topics.json").read_text(encoding="utf-8"))
label_column = "label_en" if "label_en" in info.columns else "label"
labels = info.set_index("topic")[label_column].astype(str)


def readable(frame: pd.DataFrame, text_columns: list[str]):
    """Show long text in full, left-aligned and wrapped (pandas cuts cells at 50 characters
    and right-aligns them)."""
    wrap = [{"selector": "td", "props": "white-space: pre-wrap; min-width: 30em"}]
    return (frame.style.hide(axis="index").format(escape="html", precision=2)
            .set_table_styles([{"selector": "th, td",
                                "props": "text-align: left; vertical-align: top"}])
            .set_table_styles({column: wrap for column in text_columns}, overwrite=False))


# %% [markdown]
# ## The topics
# One row per topic. Labels are the topic's most distinctive words (English words in
# `label_en`, Spanish in `label_es`); `size` counts text units, `n_participants` the people
# they come from. `best_code` is the codebook theme most over-represented in the topic
# (`best_code_share` of its units carry it, `best_code_lift` times its base rate). `npmi`
# measures how often the label words occur together in the turns (-1 to 1): values near or
# below 0 mean the label is a loose bag of words, so read the passages before naming the
# topic.

# %%
columns = [c for c in ("topic", "label_en", "label_es", "languages", "size", "n_participants",
                       "best_code", "best_code_share", "best_code_lift", "emergent", "npmi")
           if c in info.columns]
readable(info[columns], [])

# %% [markdown]
# ## Topic sizes by language
# Text units per topic, split by interview language. The model is multilingual, so a topic
# drawn almost entirely from one language is more likely a language (or interview-script)
# artefact than a theme shared across the corpus; a topic with both colours is a candidate
# cross-language theme.

# %%
sizes = pd.crosstab(doc_topics["topic"], doc_topics["language"])
sizes = sizes.loc[sizes.sum(axis=1).sort_values().index]
fig, ax = plt.subplots(figsize=(7, 0.4 * len(sizes) + 1))
left = np.zeros(len(sizes))
for language in sizes.columns:
    ax.barh([labels.get(t, str(t)) for t in sizes.index], sizes[language], left=left,
            label=language)
    left += sizes[language].to_numpy()
ax.set_xlabel("text units")
ax.legend(title="language", loc="lower right")
plt.show()

# %% [markdown]
# ## Representative passages
# The redacted passages closest to each topic's centre, in full. This is what the topic is
# about; the label words above are only a summary.

# %%
snippet_columns = [c for c in info.columns if c.startswith("snippet_") and c[8:].isdigit()]
passages = info.melt(id_vars=["topic", label_column], value_vars=snippet_columns,
                     value_name="passage (redacted)")
passages = passages[passages["passage (redacted)"].fillna("").astype(str).str.strip() != ""]
readable(passages.sort_values(["topic", "variable"]).drop(columns="variable"),
         ["passage (redacted)"])

# %% [markdown]
# ## Topics by country
# Share of each country's participants with at least one unit in the topic, with 95%
# Wilson intervals; the dashed line is the share over all countries. Each country has only 13-14 participants in the demo, so intervals span
# about ±25 points: a country standing out needs an interval clear of the others, and
# overlapping intervals are no evidence of similarity either.

# %%
share = by_country.assign(share=by_country["n_participants_in_topic"]
                          / by_country["n_participants"])
low, high = proportion_confint(share["n_participants_in_topic"], share["n_participants"],
                               method="wilson")
share["ci_low"], share["ci_high"] = np.asarray(low), np.asarray(high)
topics = sorted(share["topic"].unique())
n_cols = min(4, len(topics))
n_rows = -(-len(topics) // n_cols)
fig, axes = plt.subplots(n_rows, n_cols, figsize=(3 * n_cols, 2.4 * n_rows), sharey=True,
                         squeeze=False)
for ax, topic in zip(axes.flat, topics, strict=False):
    sub = share[share["topic"] == topic]
    ax.errorbar(sub["country"], sub["share"], fmt="o", capsize=3,
                yerr=[sub["share"] - sub["ci_low"], sub["ci_high"] - sub["share"]])
    pooled = sub["n_participants_in_topic"].sum() / sub["n_participants"].sum()
    ax.axhline(pooled, color="grey", linestyle="--", linewidth=1)
    ax.set_title(labels.get(topic, str(topic)), fontsize="small")
    ax.set_ylim(0, 1)
for ax in axes.flat[len(topics):]:
    ax.set_visible(False)
fig.supylabel("share of participants")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Emergent themes
# A topic is flagged emergent when no codebook theme reaches both the minimum share of its
# units and the minimum lift over that theme's base rate (`topics.emergent_min_share` and
# `emergent_min_lift` in `params.yaml`). It is a prompt to read the passages above, not a
# finding: small talk and interview openings are also "not in the codebook". The table
# lists, for each emergent topic, the three themes it overlaps most.

# %%
emergent = info[as_bool(info["emergent"])]["topic"] if "emergent" in info.columns else []
closest = (overlap[overlap["topic"].isin(emergent)]
           .sort_values(["topic", "lift", "share"], ascending=[True, False, False])
           .groupby("topic").head(3))
readable(closest.assign(label=closest["topic"].map(labels))[
    ["topic", "label", "code", "share", "lift", "base_rate"]], [])

# %% [markdown]
# ## Topic model quality
# `npmi_coherence` is the mean NPMI of the topics (see above); `stability_ari` compares the
# topic assignments of refits with other seeds (1 = identical, 0 = chance); `outlier_share`
# is the share of units left without a topic after outlier reduction
# (`outlier_share_before_reduction` before it). Low stability means the topic list itself,
# not only its labels, changes from run to run.

# %%
def flatten(value, key: str = "") -> dict:
    """Nested metrics as one row per leaf (`models[0].n_topics`), so no cell is cut."""
    if isinstance(value, dict):
        return {k: v for name, item in value.items()
                for k, v in flatten(item, f"{key}.{name}" if key else str(name)).items()}
    if isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        return {k: v for i, item in enumerate(value) for k, v in flatten(item, f"{key}[{i}]").items()}
    if isinstance(value, list):
        return {key: ", ".join(map(str, value))}
    return {key: value}


quality = pd.DataFrame(list(flatten(metrics).items()), columns=["metric", "value"])
readable(quality.astype({"value": str}), [])
