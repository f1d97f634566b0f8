"""compare, figures and report stages on a small synthetic run (no NLP needed)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline import compare
from pipeline.artifacts import OutputPaths
from pipeline.params import Params
from pipeline.report.qdpx import validate_project
from pipeline.report.quotes import excerpt
from tests.conftest import ROOT

CODES = ["CARE_PSYCH", "CORRUPTION", "OFFICIAL_EMPATHY", "DISTRUST_JUSTICE"]
FAMILIES = {"CARE_PSYCH": "care", "CORRUPTION": "justice", "OFFICIAL_EMPATHY": "officials",
            "DISTRUST_JUSTICE": "justice"}


def fake_run(tmp_path: Path) -> tuple[Params, OutputPaths]:
    """Participants in 3 countries; CORRUPTION concentrated in MX; CARE_PSYCH everywhere."""
    rng = np.random.default_rng(0)
    paths = OutputPaths(tmp_path / "out")
    paths.redacted_transcripts.mkdir(parents=True)
    paths.coding.mkdir(parents=True)
    paths.topics.mkdir(parents=True)
    participants, code_rows, segments, codings, doc_topics = [], [], [], [], []
    for country, n in (("MX", 14), ("CO", 13), ("PE", 12)):
        for i in range(n):
            pid = f"{country}-{i:02d}"
            participants.append({"participant_id": pid, "country": country,
                                 "language": "es" if i % 2 else "en",
                                 "profile": "adult_woman" if i % 4 else "boy",
                                 "exploitation": "labour", "organization": f"ORG-{country}",
                                 "interview_year": 2014})
            present = {
                "CARE_PSYCH": int(rng.random() < 0.8),
                "CORRUPTION": int(rng.random() < (0.85 if country == "MX" else 0.05)),
                "OFFICIAL_EMPATHY": int(rng.random() < (0.0 if country == "MX" else 0.6)),
                "DISTRUST_JUSTICE": int(rng.random() < 0.7),
            }
            text = f"P: The [PERSON_1] story number {i} about care and police in {country}."
            (paths.redacted_transcripts / f"{pid}.txt").write_text(text, encoding="utf-8")
            segments.append({"segment_id": f"{pid}-T000", "participant_id": pid,
                             "turn_index": 0, "speaker": "participant", "label": "P",
                             "text": text[3:], "start": 3, "end": len(text), "country": country})
            doc_topics.append({"unit_id": f"{pid}-T000", "participant_id": pid,
                               "topic": i % 3 - (1 if i == 0 else 0), "probability": 0.9})
            for code in CODES:
                valence = ("negative" if code.startswith("CARE_") and present[code] else "")
                code_rows.append({"participant_id": pid, "code": code, "present": present[code],
                                  "count": present[code], "valence": valence})
                if present[code]:
                    codings.append({"segment_id": f"{pid}-T000", "participant_id": pid,
                                    "code": code, "start": 10, "end": 20, "rule": "r1",
                                    "snippet": text[10:20]})
    pd.DataFrame(participants).to_csv(paths.participants, index=False)
    pd.DataFrame(code_rows).to_csv(paths.participant_codes, index=False)
    pd.DataFrame(segments).to_parquet(paths.segments)
    pd.DataFrame(codings).to_parquet(paths.codings)
    pd.DataFrame(doc_topics).to_parquet(paths.doc_topics)
    pd.DataFrame({"topic": [0, 1], "label": ["care words", "police words"], "size": [10, 9],
                  "top_words": ["care, help", "police, money"]}).to_csv(
        paths.topics / "topic_info.csv", index=False)
    pd.DataFrame({"topic": [0, 1], "emergent": [True, False]}).to_csv(
        paths.topics / "topic_code_overlap.csv", index=False)
    paths.redaction_summary.write_text(json.dumps(
        {"replacements_by_type": {"PERSON": 40, "PHONE": 3}, "participants_excluded_withdrawn": 1}))
    codebook = tmp_path / "codebook.yaml"
    codebook.write_text(
        "families:\n" + "".join(f"  {f}: {{en: {f}}}\n"
                                for f in sorted(set(FAMILIES.values())))
        + "codes:\n" + "".join(f"  - id: {c}\n    family: {FAMILIES[c]}\n    label: {{en: {c}}}\n"
                               f"    definition: d\n" for c in CODES), encoding="utf-8")
    params = Params.model_validate({"coding": {"codebook": str(codebook)},
                                    "compare": {"n_permutations": 999},
                                    "figures": {"dpi": 60}})
    return params, paths


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    from pipeline.stages import compare as compare_stage
    from pipeline.stages import figures as figures_stage
    from pipeline.stages import report as report_stage

    params, paths = fake_run(tmp_path_factory.mktemp("run"))
    for stage in (compare_stage, figures_stage, report_stage):
        stage.run(params, paths.root, Path("unused"))
    return params, paths


def test_wilson_matches_known_values():
    low, high = compare.wilson(np.array([0, 5, 10]), np.array([10, 10, 10]))
    assert low[0] == pytest.approx(0.0, abs=1e-9) and high[0] == pytest.approx(0.2775, abs=1e-3)
    assert low[1] == pytest.approx(0.2366, abs=1e-3) and high[1] == pytest.approx(0.7634, abs=1e-3)


def test_permutation_test_close_to_fisher_exact():
    from scipy.stats import fisher_exact

    groups = np.array(["A"] * 10 + ["B"] * 10)
    present = np.array([1] * 8 + [0] * 2 + [1] * 2 + [0] * 8, dtype=float)
    _, p = compare.permutation_test(groups, present, 20000, np.random.default_rng(1))
    assert p == pytest.approx(fisher_exact([[8, 2], [2, 8]]).pvalue, abs=0.006)


def test_permutation_test_constant_code_is_not_significant():
    groups = np.array(["A", "A", "B", "B"])
    assert compare.permutation_test(groups, np.zeros(4), 99, np.random.default_rng(0))[1] == 1.0


def test_prevalence_contract_and_divergences(run_dir):
    params, paths = run_dir
    prevalence = pd.read_csv(paths.tables / "prevalence_by_country.csv")
    assert list(prevalence.columns) == compare.PREVALENCE_COLUMNS
    assert (prevalence["ci_low"] <= prevalence["prevalence"]).all()
    assert (prevalence["prevalence"] <= prevalence["ci_high"]).all()
    divergences = pd.read_csv(paths.tables / "divergences.csv", keep_default_na=False)
    assert sorted(divergences["code"]) == sorted(CODES)  # one row per code
    corruption = divergences.set_index("code").loc["CORRUPTION"]
    assert str(corruption["divergent"]) == "True"
    assert corruption["countries_above"].startswith("MX")
    empathy = divergences.set_index("code").loc["OFFICIAL_EMPATHY"]
    assert "MX" in empathy["countries_below"]
    convergences = pd.read_csv(paths.tables / "convergences.csv").set_index("code")
    assert bool(convergences.loc["CARE_PSYCH", "convergent"])
    assert not bool(convergences.loc["CORRUPTION", "convergent"])
    for name in ("prevalence_by_profile.csv", "prevalence_by_language.csv", "cooccurrence.csv",
                 "topic_prevalence_by_country.csv", "care_valence_by_country.csv"):
        assert (paths.tables / name).exists()


def test_compare_is_deterministic(run_dir, tmp_path):
    from pipeline.stages import compare as compare_stage

    params, paths = run_dir
    first = (paths.tables / "divergences.csv").read_bytes()
    compare_stage.run(params, paths.root, Path("unused"))
    assert (paths.tables / "divergences.csv").read_bytes() == first


def test_every_figure_in_every_format(run_dir):
    from PIL import Image

    params, paths = run_dir
    pngs = sorted(paths.figures.glob("*.png"))
    assert len(pngs) == 8
    for png in pngs:
        for fmt in ("svg", "pdf"):
            assert png.with_suffix(f".{fmt}").stat().st_size > 0
        with Image.open(png) as image:
            image.verify()
    text = (paths.figures / "figures.md").read_text()
    assert text.count("## ") == 8 and "Data:" in text


def test_report_is_self_contained(run_dir):
    params, paths = run_dir
    html = (paths.report / "report.html").read_text()
    assert "data:image/png;base64," in html
    assert "http://" not in html and "https://" not in html and "src=\"../" not in html
    md = (paths.report / "report.md").read_text()
    for heading in ("## Sample", "## Methods", "## Convergences", "## Divergences",
                    "## Emergent topics", "## Care quality", "## Limitations"):
        assert heading in md
    assert "sha256" in md


def test_quote_bank_spread_over_participants(run_dir):
    params, paths = run_dir
    quotes = pd.read_csv(paths.report / "quotes.csv")
    assert not quotes.empty
    assert not quotes.duplicated(["code", "country", "participant_id"]).any()
    assert quotes.groupby(["code", "country"]).size().max() <= params.report.quotes_per_theme


def test_qdpx_valid_against_official_schema(run_dir):
    params, paths = run_dir
    with zipfile.ZipFile(paths.report / "project.qdpx") as archive:
        names = archive.namelist()
        project = archive.read("project.qde")
        assert any(n.startswith("Sources/") for n in names)
    schema = ROOT / "schemas" / "refi-qda" / "Project.xsd"
    assert validate_project(project, schema) == []
    assert b"PlainTextSelection" in project and b"VariableValue" in project


def test_excerpt_window():
    text = " ".join(f"w{i}" for i in range(200))
    cut = excerpt(text, 300, 310, 80)
    assert len(cut) <= 84 and cut.startswith("…") and cut.endswith("…")
    assert excerpt("short text", 0, 5, 80) == "short text"


def test_qdpx_and_qdc_share_code_guids(run_dir):
    from pipeline.coding.export import stable_guid
    from pipeline.report.qdpx import guid

    assert guid("code", "CORRUPTION") == stable_guid("code", "CORRUPTION")
    params, paths = run_dir
    with zipfile.ZipFile(paths.report / "project.qdpx") as archive:
        project = archive.read("project.qde").decode()
    assert stable_guid("code", "CORRUPTION") in project


def test_care_table_takes_care_codes_from_the_codebook_not_their_names():
    import pandas as pd

    from pipeline.compare import care_valence
    codes = pd.DataFrame({"participant_id": ["P1", "P1"], "code": ["SHELTER_QUALITY", "CARE_X"],
                          "present": [1, 1], "valence": ["positive", "negative"]})
    participants = pd.DataFrame({"participant_id": ["P1"], "country": ["PE"]})
    table = care_valence(codes, participants, ["SHELTER_QUALITY"])
    assert list(table["code"]) == ["SHELTER_QUALITY"]
    # a codebook without valence fields: the codes the coder judged, whatever their names
    codes = codes.assign(code=["SHELTER_QUALITY", "NGO_SUPPORT"], valence=["positive", ""])
    assert list(care_valence(codes, participants, None)["code"]) == ["SHELTER_QUALITY"]


def test_one_tag_pattern_for_coding_and_topics():
    from pipeline.coding.matcher import mask_tags
    from pipeline.topics import strip_tags
    text = "vino [PERSON_1] con <PHONE> y {{EMAIL}} a [LOCATION_12]"
    assert "PERSON" not in mask_tags(text) and "LOCATION" not in mask_tags(text)
    assert strip_tags(text) == "vino con y a"
