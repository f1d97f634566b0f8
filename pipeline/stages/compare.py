"""compare stage: prevalence by country/profile/language, divergences, convergences."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline import compare
from pipeline.artifacts import OutputPaths
from pipeline.coder_error import (
    adjusted_prevalence,
    coding_reliability,
    convergence_robustness,
    divergence_robustness,
    load_coder_error,
)
from pipeline.coding.codebook import code_families, valence_codes
from pipeline.headline import write_headline
from pipeline.io import atomic_dir
from pipeline.params import Params
from pipeline.stages.common import stage_main


def run(params: Params, out_dir: Path, corpus_dir: Path) -> dict:
    paths = OutputPaths(Path(out_dir))
    settings = params.compare
    alpha_ci = 1 - settings.ci_level
    participants = pd.read_csv(paths.participants, dtype={"participant_id": str})
    codes = pd.read_csv(paths.participant_codes, dtype={"participant_id": str, "valence": str})
    codes = codes[codes["participant_id"].isin(participants["participant_id"])]
    families = code_families(Path(params.coding.codebook))
    order = list(families) or sorted(codes["code"].unique())

    by_country = compare.prevalence_by(codes, participants, "country", order, alpha_ci)
    tables = {
        "prevalence_by_country": by_country,
        "prevalence_by_profile": compare.prevalence_by(codes, participants, "profile",
                                                           order, alpha_ci),
        "prevalence_by_language": compare.prevalence_by(codes, participants, "language",
                                                            order, alpha_ci),
        "divergences": compare.divergences(
            codes, participants, alpha=settings.alpha, n_permutations=settings.n_permutations,
            residual_threshold=settings.residual_threshold, seed=settings.seed,
            families=families, code_order=order),
        "convergences": compare.convergences(by_country,
                                                 min_share=settings.convergence_min_share,
                                                 families=families),
        "cooccurrence": compare.cooccurrence(codes, participants),
        "care_valence_by_country": compare.care_valence(
            codes, participants, valence_codes(Path(params.coding.codebook))),
        "sample_composition": compare.sample_composition(participants),
    }
    error = load_coder_error(settings.coder_error)
    if error is not None:
        matrix = compare.presence_matrix(codes, participants).reindex(columns=order,
                                                                      fill_value=0)
        country = participants.set_index("participant_id")["country"].astype(str).reindex(
            matrix.index)
        adjusted, boot = adjusted_prevalence(matrix, country, error, n_boot=settings.bootstrap,
                                             seed=settings.seed, ci_level=settings.ci_level)
        tables["prevalence_adjusted_by_country"] = adjusted
        tables["divergences"] = divergence_robustness(tables["divergences"], boot)
        tables["convergences"] = convergence_robustness(
            tables["convergences"], boot, settings.convergence_min_share)
        tables["coding_reliability"] = coding_reliability(error)
    if paths.doc_topics.exists():
        doc_topics = pd.read_parquet(paths.doc_topics)
        tables["topic_prevalence_by_country"] = compare.topic_prevalence(
            doc_topics, participants, alpha_ci)
    with atomic_dir(paths.tables) as tmp:
        for name, frame in tables.items():
            frame.to_csv(tmp / paths.table(name).name, index=False, lineterminator="\n")
    divergent = tables["divergences"]
    convergent = tables["convergences"]
    robust = "robust_to_coder_error"
    write_headline(out_dir, "compare", {
        "participants": int(len(participants)),
        "divergent": int(divergent["divergent"].sum()) if len(divergent) else 0,
        "convergent": int(convergent["convergent"].sum()) if len(convergent) else 0,
        "divergent_robust": int((divergent["divergent"] & divergent[robust]).sum())
        if robust in divergent else None,
        "convergent_robust": int((convergent["convergent"] & convergent[robust]).sum())
        if robust in convergent else None})
    return {
        "tables": str(paths.tables),
        "divergent codes": ", ".join(divergent.loc[divergent["divergent"], "code"]) or "none",
        "convergent codes": ", ".join(convergent.loc[convergent["convergent"], "code"]) or "none",
    }


def main(argv: list[str] | None = None) -> int:
    return stage_main("compare", run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
