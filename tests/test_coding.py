"""Codebook schema, rule-based coder (negation, speakers, offsets), exports and agreement."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from pipeline.coding.agreement import agree, binary_scores, evaluate_coding
from pipeline.coding.codebook import load_codebook, parse_codebook
from pipeline.coding.export import QDC_NAMESPACE, codebook_markdown, codebook_qdc
from pipeline.coding.matcher import Coder, mask_tags, participant_codes
from pipeline.coding.terms import parse_term
from pipeline.corpus import render_transcript
from pipeline.errors import ConfigError
from pipeline.params import CodingParams, Params
from pipeline.text import fold

ROOT = Path(__file__).resolve().parents[1]
CODEBOOK = ROOT / "codebooks" / "trafficking_themes.yaml"
XSD = Path(__file__).resolve().parents[1] / "schemas" / "refi-qda" / "Project.xsd"


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(CODEBOOK)


@pytest.fixture(scope="module")
def raw():
    return yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def coder(codebook):
    return Coder(codebook, CodingParams())


def make_segments(transcripts: dict[str, tuple[str, list[tuple[str, str]]]]) -> tuple[
        pd.DataFrame, dict[str, str]]:
    """{pid: (lang, [(speaker, text)])} -> segments frame (as the redact stage writes) + files."""
    rows, files = [], {}
    for pid, (lang, turns) in transcripts.items():
        labels = [("PARTICIPANT" if sp == "participant" else "INTERVIEWER", t) for sp, t in turns]
        text, offsets = render_transcript(labels)
        files[pid] = text
        for i, ((sp, t), (s, e)) in enumerate(zip(turns, offsets, strict=True)):
            rows.append({"segment_id": f"{pid}-T{i + 1:03d}", "participant_id": pid,
                         "turn_index": i + 1, "speaker": sp, "label": labels[i][0], "text": t,
                         "start": s, "end": e, "country": pid[:2], "language": lang,
                         "profile": "adult_woman", "exploitation": "sexual",
                         "organization": "ORG", "interview_year": 2014})
    return pd.DataFrame(rows), files


def codes_of(coder, lang: str, text: str, question: str = "Tell me.") -> set[str]:
    segments, _ = make_segments({"XX-E01": (lang, [("interviewer", question),
                                                   ("participant", text)])})
    return set(coder.code_segments(segments)["code"])


# ----------------------------------------------------------------------------- codebook

def test_codebook_has_the_25_theme_codes(codebook):
    from tests.test_demo_corpus import THEMES_MD_CODES  # the contract list of THEMES.md

    assert len(codebook.codes) >= 25
    assert set(THEMES_MD_CODES) <= set(codebook.ids)
    for code in codebook.codes:
        assert code.rules["en"] and code.rules["es"]
        assert code.examples.en and code.examples.es
        assert code.valence == code.id.startswith("CARE_")


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: d["codes"][0].update(colour="red"), r"code CARE_MEDICAL: 'colour' is not a known"),
    (lambda d: d["codes"][1].update(id="CARE_MEDICAL"), r"code CARE_MEDICAL: duplicate id"),
    (lambda d: d["codes"][2]["rules"].update(es=[]), r"code CARE_LEGAL: no rules for language 'es'"),
    (lambda d: d["codes"][3].update(family="nowhere"),
     r"code CARE_SHELTER: family 'nowhere' is not defined"),
    (lambda d: d["codes"][4]["rules"]["en"][0].update(terms=["ab*"]),
     r"code CARE_EDU_WORK: rule en/education: terms\[0\]: prefix 'ab\*' is too short"),
    (lambda d: d["codes"][5]["rules"]["en"][0].update(terms=["a||b"]),
     r"code CARE_INFO: rule en/explained: terms\[0\]: empty phrase"),
    (lambda d: d["codes"][6]["rules"]["en"].append({"id": "raw", "pattern": [{"LEMMAX": "x"}]}),
     r"code CARE_NGO: rule en/raw: invalid spaCy pattern"),
    (lambda d: d["codes"][7]["rules"]["en"][0].update(terms=[]),
     r"code CARE_DOCUMENTS: rule en/lacking_documents: 'terms' is empty"),
    (lambda d: d["codes"][8]["rules"]["en"][0].update(negation="maybe"),
     r"code DISTRUST_JUSTICE: 'rules.en.0.negation'"),
])
def test_codebook_errors_name_the_code(raw, mutate, expected):
    data = copy.deepcopy(raw)
    mutate(data)
    with pytest.raises(ConfigError) as info:
        parse_codebook(data, "test.yaml")
    assert re.search(expected, str(info.value)), str(info.value)


def test_codebook_missing_file_and_bad_yaml(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_codebook(tmp_path / "none.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("codes: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_codebook(bad)


def test_term_syntax():
    phrases = parse_term("nobody ... explain*|children's home|non-profit")
    assert [s.gap for s in phrases[0]] == [False, True, False] and phrases[0][2].prefix
    assert [s.word for s in phrases[1]] == ["children", "'s", "home"]
    assert [s.word for s in phrases[2]] == ["non", "-", "profit"]
    with pytest.raises(ValueError):
        parse_term("... alone")


@given(st.text(max_size=40))
def test_fold_is_idempotent_and_mask_keeps_length(text):
    assert fold(fold(text)) == fold(text)
    assert len(mask_tags(text)) == len(text)


# ----------------------------------------------------------------------------- coder

@pytest.mark.parametrize("lang, text, code, present", [
    ("en", "I was never in a shelter, I went to my aunt's house.", "CARE_SHELTER", False),
    ("en", "They took me to a shelter for women, it was crowded.", "CARE_SHELTER", True),
    ("es", "Nunca estuve en un refugio, me fui a lo de mi tía.", "CARE_SHELTER", False),
    ("es", "Me llevaron a un refugio, estábamos encerradas.", "CARE_SHELTER", True),
    ("en", "No, the police never asked me for money, nothing like that.", "CORRUPTION", False),
    ("en", "The police came every Friday to collect money from the owner.", "CORRUPTION", True),
    ("es", "No, la policía no me pidió plata, eso no.", "CORRUPTION", False),
    ("es", "Los policías venían cada viernes a cobrar la plata del dueño.", "CORRUPTION", True),
    ("en", "I am not afraid of him anymore.", "FEAR_RETALIATION", False),
    ("es", "Ya no le tengo miedo a él.", "FEAR_RETALIATION", False),
    ("es", "Tengo miedo de que él me encuentre.", "FEAR_RETALIATION", True),
    ("en", "I don't trust the police or the courts at all.", "DISTRUST_JUSTICE", True),
    ("es", "Yo ya no tengo fe en la justicia.", "DISTRUST_JUSTICE", True),
    ("en", "My mother did not judge me, she hugged me and took me in.", "FAMILY_REJECTION", False),
    ("en", "My mother did not judge me, she hugged me and took me in.", "FAMILY_SUPPORT", True),
])
def test_negation_and_paraphrase(coder, lang, text, code, present):
    assert (code in codes_of(coder, lang, text)) is present


@pytest.mark.parametrize("lang, text", [
    ("en", "Nobody explained anything to me."),
    ("es", "Nadie nos explicaba nada."),
])
def test_denied_care_is_a_lack_with_negative_valence(coder, lang, text):
    segments, _ = make_segments({"XX-E01": (lang, [("participant", text)])})
    codings = coder.code_segments(segments)
    info = codings[codings["code"] == "CARE_INFO"]
    assert len(info) and info["valence"].eq("negative").all()


def test_rule_polarity_is_validated_and_used(raw):
    data = copy.deepcopy(raw)
    info = next(c for c in data["codes"] if c["id"] == "CARE_INFO")
    info["rules"]["en"][0]["polarity"] = "sideways"
    with pytest.raises(ConfigError, match="CARE_INFO"):
        parse_codebook(data)
    info["rules"]["en"] = [{"id": "kept_dark", "polarity": "negative", "negation": "keep",
                            "terms": ["kept me waiting"]}]
    book = parse_codebook(data)
    coder = Coder(book, CodingParams())
    segments, _ = make_segments({"XX-E01": ("en", [("participant", "They kept me waiting.")])})
    codings = coder.code_segments(segments)
    assert codings.loc[codings["code"] == "CARE_INFO", "valence"].tolist() == ["negative"]


@pytest.mark.parametrize("lang, text", [
    ("en", "The lawyer was really kind to me. Later the hearing was hard and I was sad."),
    ("es", "La abogada fue muy amable conmigo. Después la audiencia fue difícil y triste."),
])
def test_praise_in_the_evidence_sentence_outweighs_followup(coder, lang, text):
    segments, _ = make_segments({"XX-E01": (lang, [("participant", text)])})
    codings = coder.code_segments(segments)
    legal = codings[codings["code"] == "CARE_LEGAL"]
    assert len(legal) and legal["valence"].eq("positive").all()


@pytest.mark.parametrize("lang, text", [
    ("en", "I lived in a shelter. At first I hated it, the rules were strict. But the staff "
           "were kind to me."),
    ("es", "Viví en un albergue. Al principio lo odiaba, las reglas eran duras. Pero las "
           "educadoras eran buenas conmigo."),
])
def test_first_impression_superseded_by_next_sentence(coder, lang, text):
    segments, _ = make_segments({"XX-E01": (lang, [("participant", text)])})
    codings = coder.code_segments(segments)
    shelter = codings[codings["code"] == "CARE_SHELTER"]
    assert len(shelter) and shelter["valence"].eq("positive").all()


def test_interviewer_turns_never_code(coder):
    question = "Were you in a shelter? Did the police ask for bribes? Did you see a psychologist?"
    segments, _ = make_segments({"XX-E01": ("en", [("interviewer", question),
                                                   ("participant", "Yes.")])})
    assert coder.code_segments(segments).empty


def test_offsets_point_at_the_evidence_and_tags_are_ignored(coder):
    turns = [("interviewer", "How are things now?"),
             ("participant", "[PERSON_1] took me to a psychologist, Lic. [PERSON_2]."),
             ("interviewer", "¿Y después?"),
             ("participant", "Después nadie me explicó nada del juicio.")]
    segments, files = make_segments({"XX-E01": ("en", turns[:2]),
                                     "XX-E02": ("es", turns[2:])})
    codings = coder.code_segments(segments)
    assert {"CARE_PSYCH", "CARE_INFO"} <= set(codings["code"])
    for row in codings.itertuples():
        assert files[row.participant_id][row.start:row.end] == row.evidence
        assert row.evidence in row.snippet
        assert row.rule.startswith(f"{row.code}/")
        seg = segments.set_index("segment_id").loc[row.segment_id]
        assert seg["start"] <= row.start < row.end <= seg["end"]
    assert not any("person" in e.lower() for e in codings["evidence"])


def test_participant_codes_table(coder, codebook):
    segments, _ = make_segments({
        "XX-E01": ("en", [("participant", "A psychologist came once and never again.")]),
        "XX-E02": ("es", [("participant", "La psicóloga era muy buena, me ayudó mucho.")])})
    codings = coder.code_segments(segments)
    table = participant_codes(codings, ["XX-E01", "XX-E02"], codebook, CodingParams())
    assert list(table.columns) == ["participant_id", "code", "present", "count", "valence"]
    assert len(table) == 2 * len(codebook.codes)
    psych = table[table["code"] == "CARE_PSYCH"].set_index("participant_id")
    assert psych.loc["XX-E01", "valence"] == "negative"
    assert psych.loc["XX-E02", "valence"] == "positive"
    assert (table.loc[table["present"] == 0, "valence"] == "").all()
    assert (table.loc[~table["code"].str.startswith("CARE_"), "valence"] == "").all()


# ----------------------------------------------------------------------------- exports

def test_qdc_is_valid_refi_qda(codebook):
    xmlschema = pytest.importorskip("xmlschema")
    from lxml import etree
    qdc = codebook_qdc(codebook)
    root = etree.fromstring(qdc.encode("utf-8"))
    assert root.tag == f"{{{QDC_NAMESPACE}}}CodeBook"
    # The official schema defines CodeBook inside a Project (namespace urn:QDA-XML:project:1.0):
    # validate the same element tree there.
    project_ns = "urn:QDA-XML:project:1.0"
    body = qdc.split("?>", 1)[1].replace(QDC_NAMESPACE, project_ns)
    wrapped = f'<Project xmlns="{project_ns}" name="t">{body}</Project>'
    schema = xmlschema.XMLSchema(str(XSD))
    errors = list(schema.iter_errors(wrapped))
    assert not errors, errors[0].reason if errors else ""
    root = etree.fromstring(body.encode("utf-8"))
    names = [c.get("name") for c in root.iter(f"{{{project_ns}}}Code")]
    assert sum(n.split(" - ")[0] in codebook.ids for n in names) == len(codebook.codes)
    assert codebook_qdc(codebook) == qdc  # deterministic GUIDs


def test_markdown_lists_every_code(codebook):
    md = codebook_markdown(codebook)
    assert all(f"`{c}`" in md for c in codebook.ids)


# ----------------------------------------------------------------------------- stage

def test_stage_reads_only_segments_and_is_deterministic(tmp_path):
    from pipeline.stages import code as stage
    segments, _ = make_segments({
        "XX-E01": ("en", [("interviewer", "And the shelter?"),
                          ("participant", "In the shelter we were locked in, for our safety "
                                          "they said.")]),
        "XX-E02": ("es", [("participant", "Me deportaron como si fuera una delincuente.")])})
    out = tmp_path / "out"
    (out / "redacted").mkdir(parents=True)
    segments.to_parquet(out / "redacted" / "segments.parquet")
    params = Params().model_copy(update={"coding": CodingParams(codebook=str(CODEBOOK))})
    summary = stage.run(params, out, tmp_path / "no-corpus-here")
    assert summary["participants coded"] == 2
    table = pd.read_csv(out / "coding" / "participant_codes.csv", keep_default_na=False)
    assert list(table.columns) == ["participant_id", "code", "present", "count", "valence"]
    present = set(table.loc[table["present"] == 1, "code"] + "@" + table.loc[
        table["present"] == 1, "participant_id"])
    assert {"CARE_SHELTER@XX-E01", "REVICT_INSTITUTIONAL@XX-E01",
            "RETURN_FORCED@XX-E02"} <= present
    first = (out / "coding" / "participant_codes.csv").read_bytes()
    codings = pd.read_parquet(out / "coding" / "codings.parquet")
    stage.run(params, out, tmp_path / "no-corpus-here")
    assert (out / "coding" / "participant_codes.csv").read_bytes() == first
    pd.testing.assert_frame_equal(codings, pd.read_parquet(out / "coding" / "codings.parquet"))
    assert (out / "coding" / "codebook.qdc").exists() and (out / "coding" / "codebook.md").exists()


def test_stage_without_segments_says_what_to_do(tmp_path):
    from pipeline.errors import InputError
    from pipeline.stages import code as stage
    with pytest.raises(InputError, match="run the redact stage"):
        stage.run(Params(), tmp_path, tmp_path)


def test_codebook_edit_reruns_code_and_later_stages_only():
    """In dvc.yaml the codebook is a dependency of `code`, not of `redact`."""
    dvc = ROOT / "dvc.yaml"
    if not dvc.exists():
        pytest.skip("dvc.yaml not written yet")
    stages = yaml.safe_load(dvc.read_text(encoding="utf-8"))["stages"]
    codebook_rel = "codebooks/trafficking_themes.yaml"

    def depends(stage: dict) -> bool:
        deps = [str(d) for d in stage.get("deps", [])]
        params = str(stage.get("params", ""))
        return any(d.startswith("codebooks") for d in deps) or codebook_rel in deps or \
            "coding" in params
    assert "code" in stages and depends(stages["code"])
    assert not depends(stages["redact"])


# ----------------------------------------------------------------------------- agreement

def test_binary_scores_known_values():
    s = binary_scores(np.array([1, 1, 0, 0, 1, 0]), np.array([1, 0, 0, 1, 1, 0]))
    assert (s["tp"], s["fp"], s["fn"], s["tn"]) == (2, 1, 1, 2)
    assert s["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert s["f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert s["kappa"] == pytest.approx(1 / 3, abs=1e-4)
    perfect = binary_scores(np.zeros(4), np.zeros(4))
    assert perfect["kappa"] == 1.0 and perfect["f1"] == 1.0


def test_evaluate_coding_by_language_and_segments(tmp_path):
    gold = pd.DataFrame({
        "participant_id": ["A", "A", "B", "B", "C", "C"],
        "code": ["CARE_PSYCH", "FEAR_RETALIATION"] * 3,
        "present": [1, 0, 1, 1, 0, 1],
        "valence": ["negative", "", "mixed", "", "", ""]})
    gold_path = tmp_path / "themes.csv"
    gold.to_csv(gold_path, index=False)
    pred = gold.copy()
    pred.loc[2, "valence"] = "positive"
    pred.loc[4, "present"] = 1
    pred["count"] = pred["present"]
    participants = pd.DataFrame({"participant_id": ["A", "B", "C"],
                                 "language": ["en", "es", "es"]})
    seg_gold = tmp_path / "segment_gold.csv"
    pd.DataFrame({"segment_id": ["A-T002"], "code": ["CARE_PSYCH"]}).to_csv(seg_gold,
                                                                         index=False)
    codings = pd.DataFrame({"segment_id": ["A-T002", "B-T004"],
                            "code": ["CARE_PSYCH", "CARE_PSYCH"]})
    report = evaluate_coding(gold_path, pred, participants, seg_gold, codings=codings)
    psych = report["overall"]["per_code"]["CARE_PSYCH"]
    assert psych["precision"] == pytest.approx(2 / 3, abs=1e-4) and psych["recall"] == 1.0
    assert psych["valence_accuracy"] == 0.5
    assert report["by_language"]["en"]["macro"]["f1"] == 1.0
    assert set(report["by_language"]) == {"en", "es"}
    assert report["segments"]["per_code"]["CARE_PSYCH"]["fp"] == 1
    # CLI helper reads participant_codes.csv and participants.csv from the outputs tree
    (tmp_path / "out" / "coding").mkdir(parents=True)
    (tmp_path / "out" / "redacted").mkdir(parents=True)
    pred.to_csv(tmp_path / "out" / "coding" / "participant_codes.csv", index=False)
    participants.to_csv(tmp_path / "out" / "redacted" / "participants.csv", index=False)
    cli = agree(gold_path, tmp_path / "out" / "coding" / "participant_codes.csv")
    assert cli["overall"]["macro"] == report["overall"]["macro"]


def test_the_coder_loads_its_models_without_importing_presidio_or_transformers():
    """spaCy imports every package registering a pipeline factory; the coder skips that
    (presidio-analyzer's Hugging Face pipe pulled in transformers: about 6 s per process)."""
    import subprocess
    import sys

    script = ("import sys\n"
              "from pipeline.coding.coder import load_models\n"
              "from pipeline.params import CodingParams\n"
              "models = load_models(CodingParams(), ['en', 'es'])\n"
              "assert models['es'].pipe_names and models['en'].pipe_names\n"
              "print(sorted(m for m in ('presidio_analyzer', 'transformers') "
              "if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"
