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
# %matplotlib inline
import html
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display
from statsmodels.stats.proportion import proportion_confint

# %% tags=["parameters"]
CODE = None  # a theme id such as "CARE_NGO"; None reads the theme most participants carry
N_TURNS = 20  # turns shown for that theme (spread over participants first)

# %%
OUT = Path(os.environ.get("TESTIMONY_OUTPUTS", "../outputs"))
codings = pd.read_parquet(OUT / "coding" / "codings.parquet")
codes = pd.read_csv(OUT / "coding" / "participant_codes.csv")
participants = pd.read_csv(OUT / "redacted" / "participants.csv")
segments = pd.read_parquet(OUT / "redacted" / "segments.parquet",
                           columns=["segment_id", "participant_id", "turn_index", "country",
                                    "start", "text"])
families = codings.drop_duplicates("code").set_index("code")["family"]
n_participants = codes["participant_id"].nunique()
display(Markdown(
    f"**{len(codings)}** codings in **{codings['segment_id'].nunique()}** participant turns; "
    f"**{n_participants}** participants from **{participants['country'].nunique()}** countries."))


# %%
def readable(frame: pd.DataFrame, text_columns: list[str], raw_html: tuple[str, ...] = ()):
    """Show long text in full, left-aligned and wrapped (pandas cuts cells at 50 characters
    and right-aligns them). Columns in `raw_html` are already escaped HTML."""
    escaped = [c for c in frame.columns if c not in raw_html]
    wrap = [{"selector": "td", "props": "white-space: pre-wrap; min-width: 30em"}]
    return (frame.style.hide(axis="index")
            .format(escape="html", precision=2, subset=escaped)
            .set_table_styles([{"selector": "th, td",
                                "props": "text-align: left; vertical-align: top"}])
            .set_table_styles({column: wrap for column in text_columns}, overwrite=False))


# %% [markdown]
# ## How many participants carry each theme
# Share of participants with at least one coding of the theme, grouped by family. The black
# bars are 95% Wilson intervals (about ±12 points at 50% with the demo's 67 participants):
# themes whose intervals overlap should not be ranked against each other.

# %%
carried = codes.groupby("code")["present"].sum().rename("n_present").reset_index()
carried["share"] = carried["n_present"] / n_participants
low, high = proportion_confint(carried["n_present"], n_participants, method="wilson")
carried["ci_low"], carried["ci_high"] = np.asarray(low), np.asarray(high)
carried["family"] = carried["code"].map(families).fillna("other")
carried = carried.sort_values(["family", "share"], ascending=[False, True]).reset_index(drop=True)

palette = dict(zip(sorted(carried["family"].unique()), plt.get_cmap("tab10").colors,
                   strict=False))
fig, ax = plt.subplots(figsize=(7, 0.3 * len(carried) + 1))
ax.barh(carried["code"], carried["share"], color=carried["family"].map(palette))
ax.errorbar(carried["share"], carried["code"], fmt="none", ecolor="black", capsize=2,
            xerr=[carried["share"] - carried["ci_low"], carried["ci_high"] - carried["share"]])
ax.set_xlim(0, 1)
ax.set_xlabel(f"share of participants (n = {n_participants}), 95% Wilson interval")
ax.legend(handles=[plt.Rectangle((0, 0), 1, 1, color=c) for c in palette.values()],
          labels=list(palette), loc="lower right", fontsize="small", title="family")
plt.show()

# %% [markdown]
# ## Participant x theme matrix
# One row per participant, grouped by country (lines separate countries); a dark cell means
# the participant carries the theme. Look for vertical stripes confined to one country block
# (a country-specific theme) and for participants with very few dark cells (short or
# sparsely coded interviews).

# %%
country_of = participants.set_index("participant_id")["country"]
matrix = codes.pivot(index="participant_id", columns="code", values="present").fillna(0)
order = country_of.reindex(matrix.index).sort_values(kind="stable").index
matrix = matrix.loc[order, carried["code"][::-1]]
row_country = country_of.reindex(matrix.index).to_numpy()

fig, ax = plt.subplots(figsize=(9, 0.12 * len(matrix) + 2))
ax.imshow(matrix.to_numpy(), aspect="auto", cmap="Blues", vmin=0, vmax=1.2,
          interpolation="nearest")
ax.set_xticks(range(matrix.shape[1]), matrix.columns, rotation=90, fontsize="small")
edges = np.flatnonzero(row_country[1:] != row_country[:-1]) + 1
for edge in edges:
    ax.axhline(edge - 0.5, color="tab:red", linewidth=1)
bounds = np.concatenate([[0], edges, [len(row_country)]])
ax.set_yticks((bounds[:-1] + bounds[1:] - 1) / 2, row_country[bounds[:-1]])
ax.set_ylabel("participants, by country")
plt.show()

# %% [markdown]
# ## Evidence for one theme
# One row per participant turn: every theme coded in that turn, the rule(s) that fired for
# the chosen theme (`semantic` means the sentence-encoder layer, not a keyword rule) and the
# whole redacted turn with the evidence for the theme highlighted. Turns are spread over
# participants first, so the first rows do not all come from one interview. Set `CODE` in
# the parameters cell at the top to read another theme.

# %%
def highlight(text: str, spans: list[tuple[int, int]]) -> str:
    """The turn as escaped HTML with the evidence spans (merged when they overlap) marked."""
    pieces, position = [], 0
    for start, end in sorted(spans):
        start, end = max(start, position), min(end, len(text))
        if end <= start:
            continue
        pieces += [html.escape(text[position:start]), "<mark>",
                   html.escape(text[start:end]), "</mark>"]
        position = end
    return "".join(pieces) + html.escape(text[position:])


def joined(values: pd.Series) -> str:
    return ", ".join(sorted(set(values.astype(str))))


def turns_for(code: str) -> pd.DataFrame:
    """One row per turn coded with `code`, with all the turn's codes joined."""
    hits = codings[codings["code"] == code]
    in_turns = codings[codings["segment_id"].isin(hits["segment_id"])]
    turns = segments[segments["segment_id"].isin(hits["segment_id"])].set_index("segment_id")
    spans = {segment: [(int(s) - int(turns.at[segment, "start"]),
                        int(e) - int(turns.at[segment, "start"]))
                       for s, e in zip(group["start"], group["end"], strict=True)]
             for segment, group in hits.groupby("segment_id")}
    table = pd.DataFrame({
        "participant_id": turns["participant_id"], "country": turns["country"],
        "turn_index": turns["turn_index"],
        "codes in this turn": in_turns.groupby("segment_id")["code"].agg(joined),
        f"rule for {code}": hits.groupby("segment_id")["rule"].agg(joined),
        "turn (redacted)": [highlight(turns.at[s, "text"], spans[s]) for s in turns.index],
    }).rename_axis("segment_id").reset_index()
    return spread(table).drop(columns=["turn_index"])


def spread(table: pd.DataFrame) -> pd.DataFrame:
    """Order turns so the first rows cycle through countries, one turn per participant,
    before any participant gets a second row."""
    table = table.sort_values(["participant_id", "turn_index"]).copy()
    table["pass"] = table.groupby("participant_id").cumcount()
    table["slot"] = table.groupby(["pass", "country"]).cumcount()
    return (table.sort_values(["pass", "slot", "country"])
            .drop(columns=["pass", "slot"]).reset_index(drop=True))


code = CODE or carried.sort_values("n_present", ascending=False, kind="stable")["code"].iloc[0]
evidence = turns_for(code)
display(Markdown(f"**{code}**: {len(evidence)} turns from "
                 f"{evidence['participant_id'].nunique()} participants; showing "
                 f"{min(N_TURNS, len(evidence))}."))

# %% tags=["evidence"]
readable(evidence.head(N_TURNS), ["turn (redacted)"], raw_html=("turn (redacted)",))

# %% [markdown]
# ## Care valence by service
# Participants carrying each care theme, by how they judge the service (positive, negative,
# mixed). "unspecified" means the theme was coded but no valence cue was found: read those
# turns above before counting them as neutral. Cells are participants, not mentions.

# %%
present = codes[codes["present"] == 1]
care = present[present["code"].str.startswith("CARE_")]
pd.crosstab(care["code"], care["valence"].fillna("unspecified"), margins=True,
            margins_name="total")
