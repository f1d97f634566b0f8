"""Topic tables: topic x code overlap (with lift) and topic x country coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.params import TopicParams


def topic_code_overlap(units: pd.DataFrame, topics: np.ndarray, codings: pd.DataFrame | None,
                       code_ids: list[str], params: TopicParams) -> pd.DataFrame:
    """Share of each topic's units that carry each code, and the lift over the base rate."""
    cols = ["topic", "code", "n_units_topic", "n_units_with_code", "share", "base_rate", "lift",
            "strong"]
    if codings is None or codings.empty or not code_ids:
        return pd.DataFrame(columns=cols)
    seg_codes: dict[str, set[str]] = {}
    for seg, code in zip(codings["segment_id"].astype(str), codings["code"].astype(str),
                         strict=True):
        seg_codes.setdefault(seg, set()).add(code)
    unit_codes = [set().union(*(seg_codes.get(s, set()) for s in segs))
                  for segs in units["segment_ids"]]
    n = len(units)
    rows = []
    for code in code_ids:
        has = np.array([code in c for c in unit_codes])
        base = has.mean() if n else 0.0
        for topic in sorted(set(topics.tolist())):
            mask = topics == topic
            k = int(has[mask].sum())
            size = int(mask.sum())
            share = k / size if size else 0.0
            lift = share / base if base > 0 else 0.0
            rows.append({"topic": topic, "code": code, "n_units_topic": size,
                         "n_units_with_code": k, "share": round(share, 4),
                         "base_rate": round(float(base), 4), "lift": round(lift, 3),
                         "strong": bool(share >= params.emergent_min_share
                                        and lift >= params.emergent_min_lift)})
    return pd.DataFrame(rows, columns=cols)


def topics_by_country(units: pd.DataFrame, topics: np.ndarray, countries: list[str]
                      ) -> pd.DataFrame:
    """For each country and topic: share of its participants and of its units in the topic."""
    frame = units[["participant_id", "country"]].assign(topic=topics)
    rows = []
    topic_ids = sorted(set(topics.tolist()))
    for country in sorted(set(countries) | set(frame["country"])):
        sub = frame[frame["country"] == country]
        n_part = sub["participant_id"].nunique()
        n_units = len(sub)
        for topic in topic_ids:
            in_topic = sub[sub["topic"] == topic]
            p = in_topic["participant_id"].nunique()
            rows.append({"country": country, "topic": topic, "n_participants": n_part,
                         "n_participants_in_topic": p,
                         "participant_share": round(p / n_part, 4) if n_part else 0.0,
                         "n_units": n_units, "n_units_in_topic": len(in_topic),
                         "unit_share": round(len(in_topic) / n_units, 4) if n_units else 0.0})
    return pd.DataFrame(rows)
