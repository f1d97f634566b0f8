"""Cross-country statistics: prevalence with Wilson intervals, heterogeneity tests valid for
small counts, convergences, divergences, co-occurrence.

Every function takes data frames and returns data frames; nothing here reads files.

Rules (documented in the README and set in params.yaml, section `compare`):
- Divergence: a code whose prevalence differs across countries, by a seeded Monte-Carlo
  permutation test of the chi-square statistic (valid for small expected counts), with
  Benjamini-Hochberg q < `alpha` across codes. Countries "stand out" above or below the
  pooled rate when their adjusted standardized residual is beyond +/- `residual_threshold`.
- Convergence: a code present in at least `convergence_min_share` of the participants of
  every country.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

PREVALENCE_COLUMNS = ["country", "code", "n_participants", "n_present", "prevalence",
                      "ci_low", "ci_high"]


def wilson(n_present: np.ndarray | int, n: np.ndarray | int, alpha: float = 0.05
           ) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval; (0, 0) bounds for an empty group are returned as NaN."""
    n_present = np.asarray(n_present, dtype=float)
    n = np.asarray(n, dtype=float)
    safe_n = np.where(n > 0, n, 1)
    low, high = proportion_confint(n_present, safe_n, alpha=alpha, method="wilson")
    low = np.where(n > 0, low, np.nan)
    high = np.where(n > 0, high, np.nan)
    return low, high


def presence_matrix(codes: pd.DataFrame, participants: pd.DataFrame) -> pd.DataFrame:
    """participant x code 0/1 matrix, restricted to the included participants."""
    matrix = codes.pivot_table(index="participant_id", columns="code", values="present",
                               aggfunc="max", fill_value=0)
    ids = participants["participant_id"].astype(str)
    matrix = matrix.reindex(index=sorted(ids), fill_value=0).fillna(0).astype(int)
    return matrix.sort_index(axis=1)


def prevalence_by(codes: pd.DataFrame, participants: pd.DataFrame, by: str,
                  code_order: list[str] | None = None, alpha: float = 0.05) -> pd.DataFrame:
    """Share of participants of each group with each code, with Wilson intervals."""
    matrix = presence_matrix(codes, participants)
    if code_order:
        matrix = matrix.reindex(columns=code_order, fill_value=0)
    groups = participants.set_index("participant_id")[by].astype(str).reindex(matrix.index)
    rows = []
    for group in sorted(groups.unique()):
        members = matrix[groups == group]
        n = len(members)
        for code in matrix.columns:
            k = int(members[code].sum())
            rows.append({by: group, "code": code, "n_participants": n, "n_present": k})
    frame = pd.DataFrame(rows, columns=[by, "code", "n_participants", "n_present"])
    frame["prevalence"] = frame["n_present"] / frame["n_participants"]
    frame["ci_low"], frame["ci_high"] = wilson(frame["n_present"], frame["n_participants"], alpha)
    return frame.round({"prevalence": 4, "ci_low": 4, "ci_high": 4})


def chi_square(present: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Pearson chi-square of r x 2 tables. `present` has shape (..., r); `totals` (r,)."""
    present = np.asarray(present, dtype=float)
    totals = np.asarray(totals, dtype=float)
    n = totals.sum()
    k = present.sum(axis=-1, keepdims=True)
    expected_yes = totals * k / n
    expected_no = totals * (n - k) / n
    absent = totals - present
    with np.errstate(divide="ignore", invalid="ignore"):
        yes = np.where(expected_yes > 0, (present - expected_yes) ** 2 / expected_yes, 0.0)
        no = np.where(expected_no > 0, (absent - expected_no) ** 2 / expected_no, 0.0)
    return (yes + no).sum(axis=-1)


def permutation_test(groups: np.ndarray, present: np.ndarray, n_permutations: int,
                     rng: np.random.Generator) -> tuple[float, float]:
    """Chi-square and its Monte-Carlo permutation p value for one code across groups.

    Shuffling which participants carry the code keeps the group sizes and the pooled
    count fixed: the exact conditional null of the Fisher-Freeman-Halton test, sampled.
    """
    labels, group_index = np.unique(groups, return_inverse=True)
    totals = np.bincount(group_index, minlength=len(labels))
    observed_counts = np.bincount(group_index, weights=present, minlength=len(labels))
    observed = float(chi_square(observed_counts, totals))
    if present.sum() in (0, len(present)) or len(labels) < 2:
        return observed, 1.0
    perms = np.argsort(rng.random((n_permutations, len(present))), axis=1)
    shuffled = present[perms]  # (B, n)
    one_hot = np.eye(len(labels))[group_index]  # (n, r)
    counts = shuffled @ one_hot  # (B, r)
    stats = chi_square(counts, totals)
    exceed = int(np.sum(stats >= observed - 1e-9))
    return observed, (exceed + 1) / (n_permutations + 1)


def adjusted_residuals(present_counts: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Adjusted standardized residuals of the 'present' cells of an r x 2 table."""
    n = totals.sum()
    k = present_counts.sum()
    if k in (0, n):
        return np.zeros_like(present_counts, dtype=float)
    expected = totals * k / n
    variance = expected * (1 - totals / n) * (1 - k / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(variance > 0, (present_counts - expected) / np.sqrt(variance), 0.0)


def divergences(codes: pd.DataFrame, participants: pd.DataFrame, *, alpha: float,
                n_permutations: int, residual_threshold: float, seed: int,
                families: dict[str, str] | None = None,
                code_order: list[str] | None = None) -> pd.DataFrame:
    """One row per code: heterogeneity across countries and the countries that stand out."""
    matrix = presence_matrix(codes, participants)
    if code_order:
        matrix = matrix.reindex(columns=code_order, fill_value=0)
    countries = participants.set_index("participant_id")["country"].astype(str)
    countries = countries.reindex(matrix.index).to_numpy()
    labels, index = np.unique(countries, return_inverse=True)
    totals = np.bincount(index, minlength=len(labels))
    rows = []
    for position, code in enumerate(matrix.columns):
        rng = np.random.default_rng([seed, position])
        present = matrix[code].to_numpy(dtype=float)
        chi2, p_value = permutation_test(countries, present, n_permutations, rng)
        counts = np.bincount(index, weights=present, minlength=len(labels))
        residuals = adjusted_residuals(counts, totals)
        n = len(present)
        cramers_v = float(np.sqrt(chi2 / n)) if n else 0.0  # r x 2 table: min(r, c) - 1 = 1
        shares = counts / totals
        above = [f"{c} ({s:.0%})" for c, s, r in zip(labels, shares, residuals, strict=True)
                 if r >= residual_threshold]
        below = [f"{c} ({s:.0%})" for c, s, r in zip(labels, shares, residuals, strict=True)
                 if r <= -residual_threshold]
        rows.append({
            "code": code, "family": (families or {}).get(code, ""),
            "pooled_prevalence": round(float(present.mean()) if n else 0.0, 4),
            "chi2": round(chi2, 4), "cramers_v": round(cramers_v, 4),
            "p_value": round(p_value, 5), "countries_above": "; ".join(above),
            "countries_below": "; ".join(below),
        })
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame.assign(q_value=[], divergent=[])
    frame["q_value"] = multipletests(frame["p_value"], method="fdr_bh")[1].round(5)
    frame["divergent"] = (frame["q_value"] < alpha) & (
        (frame["countries_above"] != "") | (frame["countries_below"] != ""))
    ordered = ["code", "family", "divergent", "pooled_prevalence", "chi2", "cramers_v",
               "p_value", "q_value", "countries_above", "countries_below"]
    return frame[ordered].sort_values(["divergent", "q_value", "code"],
                                      ascending=[False, True, True]).reset_index(drop=True)


def convergences(prevalence: pd.DataFrame, *, min_share: float,
                 families: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per code: is it present in at least `min_share` of every country's sample?"""
    rows = []
    for code, group in prevalence.groupby("code", sort=True):
        lowest = group.loc[group["prevalence"].idxmin()]
        below = group[group["prevalence"] < min_share]
        rows.append({
            "code": code, "family": (families or {}).get(code, ""),
            "convergent": bool(below.empty and len(group) > 0),
            "min_prevalence": round(float(group["prevalence"].min()), 4),
            "min_country": lowest["country"],
            "max_prevalence": round(float(group["prevalence"].max()), 4),
            "pooled_prevalence": round(float(group["n_present"].sum() / group["n_participants"].sum()), 4),
            "n_countries": int(len(group)),
            "n_countries_meeting": int((group["prevalence"] >= min_share).sum()),
            "countries_below_threshold": "; ".join(
                f"{r.country} ({r.prevalence:.0%})" for r in below.itertuples()),
            "threshold": min_share,
        })
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return frame.sort_values(["convergent", "min_prevalence", "code"],
                             ascending=[False, False, True]).reset_index(drop=True)


def cooccurrence(codes: pd.DataFrame, participants: pd.DataFrame) -> pd.DataFrame:
    """Participant-level Jaccard index for every pair of codes (long format, both orders)."""
    matrix = presence_matrix(codes, participants).astype(bool)
    rows = []
    for a, b in itertools.product(matrix.columns, repeat=2):
        both = int((matrix[a] & matrix[b]).sum())
        either = int((matrix[a] | matrix[b]).sum())
        rows.append({"code_a": a, "code_b": b, "n_both": both, "n_either": either,
                     "jaccard": round(both / either, 4) if either else 0.0})
    return pd.DataFrame(rows, columns=["code_a", "code_b", "n_both", "n_either", "jaccard"])


def topic_prevalence(doc_topics: pd.DataFrame, participants: pd.DataFrame,
                     alpha: float = 0.05) -> pd.DataFrame:
    """Share of each country's participants with at least one unit in each topic."""
    docs = doc_topics[doc_topics["topic"] >= 0]
    countries = participants.set_index("participant_id")["country"].astype(str)
    sizes = countries.value_counts()
    rows = []
    for topic in sorted(docs["topic"].unique()):
        holders = set(docs.loc[docs["topic"] == topic, "participant_id"].astype(str))
        for country in sorted(sizes.index):
            members = set(countries[countries == country].index)
            rows.append({"country": country, "topic": int(topic),
                         "n_participants": int(sizes[country]),
                         "n_with_topic": len(members & holders)})
    frame = pd.DataFrame(rows, columns=["country", "topic", "n_participants", "n_with_topic"])
    frame["share"] = (frame["n_with_topic"] / frame["n_participants"]).round(4)
    low, high = wilson(frame["n_with_topic"], frame["n_participants"], alpha)
    frame["ci_low"], frame["ci_high"] = np.round(low, 4), np.round(high, 4)
    return frame


def care_valence(codes: pd.DataFrame, participants: pd.DataFrame,
                 valence_codes: list[str] | None = None) -> pd.DataFrame:
    """Counts of positive / negative / mixed accounts of each care service, by country.

    `valence_codes`: the codebook's codes with `valence: true` (a renamed care code stays in
    the table); when the codebook says nothing about valence, the codes the coder gave a
    valence to. Never chosen by name."""
    if valence_codes is None:
        judged = codes["valence"].fillna("").astype(str).str.strip() != ""
        valence_codes = sorted(codes.loc[judged, "code"].astype(str).unique())
    which = codes["code"].astype(str).isin(valence_codes)
    care = codes[which & (codes["present"] == 1)]
    care = care.merge(participants[["participant_id", "country"]], on="participant_id")
    care = care.assign(valence=care["valence"].fillna("unspecified").replace("", "unspecified"))
    table = care.pivot_table(index=["country", "code"], columns="valence",
                             values="participant_id", aggfunc="count", fill_value=0)
    for column in ("positive", "negative", "mixed", "unspecified"):
        if column not in table.columns:
            table[column] = 0
    table = table[["positive", "negative", "mixed", "unspecified"]].reset_index()
    table["n_present"] = table[["positive", "negative", "mixed", "unspecified"]].sum(axis=1)
    return table.sort_values(["code", "country"]).reset_index(drop=True)


def sample_composition(participants: pd.DataFrame) -> pd.DataFrame:
    """Participants per country, with profile and language breakdowns as columns."""
    base = participants.groupby("country").size().rename("n_participants")
    profile = pd.crosstab(participants["country"], participants["profile"]).add_prefix("profile_")
    language = pd.crosstab(participants["country"], participants["language"]).add_prefix("language_")
    exploitation = pd.crosstab(participants["country"], participants["exploitation"]
                               ).add_prefix("exploitation_")
    frame = pd.concat([base, profile, language, exploitation], axis=1).fillna(0).astype(int)
    return frame.reset_index().rename(columns={"index": "country"})
