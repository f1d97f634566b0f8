"""User-facing fixes: .gitignore, quiet third-party logs, lower-case REFI-QDA GUIDs and one
rendering of each code, the Taguette codebook, quote paragraphs, the sample range in the
limitations, topic labels in the heatmap, print CSS. Only synthetic text is used here."""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from tests.conftest import ROOT
from tests.test_compare_report import fake_run

CODEBOOK = ROOT / "codebooks" / "trafficking_themes.yaml"
GUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
QDC_NS = "{urn:QDA-XML:codebook:1.0}"
QDE_NS = "{urn:QDA-XML:project:1.0}"


# 1. .gitignore -----------------------------------------------------------------------------

def _gitignore_lines() -> list[str]:
    return (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_gitignore_has_no_trailing_comments():
    # gitignore has no trailing comments: "x  # note" is a pattern that matches nothing
    offending = [line for line in _gitignore_lines()
                 if "#" in line and not line.lstrip().startswith("#")]
    assert offending == []


def test_gitignore_ignores_generated_notebooks_and_dvc_plots():
    import pathspec

    spec = pathspec.GitIgnoreSpec.from_lines(_gitignore_lines())
    assert spec.match_file("notebooks/analysis.ipynb")
    assert spec.match_file("dvc_plots/index.html")
    assert not spec.match_file("notebooks/analysis.py")  # the paired source stays tracked


# 2. logging --------------------------------------------------------------------------------

@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    names = list(logging.root.manager.loggerDict)
    levels = {n: logging.getLogger(n).level for n in names}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.mark.parametrize("verbose", [False, True])
def test_third_party_loggers_stay_at_warning(restore_logging, verbose):
    from pipeline.logs import setup_logging

    setup_logging(verbose)
    for name in ("fontTools", "fontTools.subset", "fontTools.ttLib.ttFont", "matplotlib",
                 "matplotlib.font_manager", "PIL", "PIL.PngImagePlugin", "numba",
                 "urllib3"):
        logger = logging.getLogger(name)
        assert not logger.isEnabledFor(logging.INFO), name
        assert logger.isEnabledFor(logging.WARNING), name
    assert logging.getLogger("pipeline").isEnabledFor(logging.INFO)
    assert logging.getLogger("pipeline").isEnabledFor(logging.DEBUG) == verbose


def test_pdf_figure_logs_nothing_from_fonttools(restore_logging, tmp_path):
    import matplotlib.pyplot as plt

    from pipeline.logs import setup_logging

    setup_logging(verbose=True)
    collect = _Collect()
    logging.getLogger().addHandler(collect)
    with plt.rc_context({"pdf.fonttype": 42}):  # as pipeline.figures.STYLE: fonts subset
        fig, ax = plt.subplots()
        ax.set_title("Synthetic title")
        fig.savefig(tmp_path / "figure.pdf", format="pdf")
        plt.close(fig)
    noisy = sorted({r.name for r in collect.records
                    if r.levelno < logging.WARNING and not r.name.startswith("pipeline")})
    assert noisy == []


# 3. REFI-QDA: lower-case GUIDs, one rendering per code -----------------------------------------

@pytest.fixture(scope="module")
def real_codebook():
    from pipeline.coding.codebook import load_codebook

    return load_codebook(CODEBOOK)


@pytest.fixture(scope="module")
def qdc_root(real_codebook):
    from pipeline.coding.export import codebook_qdc

    return etree.fromstring(codebook_qdc(real_codebook).encode("utf-8"))


def _project(codebook_path: Path = CODEBOOK) -> tuple[bytes, dict[str, str]]:
    from pipeline.coding.codebook import code_entries as _codebook_codes
    from pipeline.coding.codebook import family_entries as _codebook_families
    from pipeline.report.qdpx import build_project

    codes = _codebook_codes(codebook_path)
    participants = pd.DataFrame([{"participant_id": "MX-01", "country": "MX", "language": "es",
                                  "profile": "adult_woman", "exploitation": "labour",
                                  "organization": "ORG-MX", "interview_year": 2014}])
    codings = pd.DataFrame([{"participant_id": "MX-01", "code": codes[0]["id"], "start": 3,
                             "end": 12, "rule": "r1", "segment_id": "MX-01-T000"}])
    transcripts = {"MX-01": "P: synthetic [PERSON_1] text"}
    return build_project("Test", transcripts, participants, codings, codes,
                         _codebook_families(codebook_path))


def _guid_values(root) -> list[str]:
    values = []
    for element in root.iter():
        for attr, value in element.attrib.items():
            if attr.lower().endswith(("guid", "user")) or attr == "plainTextPath":
                values += GUID.findall(value)
    return values


def test_qdc_guids_are_lower_case(qdc_root):
    guids = _guid_values(qdc_root)
    assert guids and all(g == g.lower() for g in guids)


def test_qdpx_guids_are_lower_case(tmp_path):
    from pipeline.report.qdpx import write_qdpx

    xml, files = _project()
    root = etree.fromstring(xml)
    guids = _guid_values(root)
    kinds = {etree.QName(e).localname for e in root.iter() if e.get("guid")}
    assert {"User", "Code", "Variable", "Case", "TextSource", "PlainTextSelection",
            "Coding"} <= kinds
    assert root.find(f".//{QDE_NS}CodeRef") is not None
    assert guids and all(g == g.lower() for g in guids)
    write_qdpx(tmp_path / "p.qdpx", xml, files)
    with zipfile.ZipFile(tmp_path / "p.qdpx") as archive:
        sources = [n.removeprefix("Sources/") for n in archive.namelist()
                   if n.startswith("Sources/")]
    assert sources and all(n == n.lower() for n in sources)


def _codes(root, ns: str) -> dict[str, dict]:
    out = {}
    for element in root.iter(f"{ns}Code"):
        description = element.find(f"{ns}Description")
        out[element.get("guid")] = {
            "name": element.get("name"), "color": element.get("color"),
            "isCodable": element.get("isCodable"),
            "description": description.text if description is not None else None}
    return out


def test_codes_rendered_the_same_in_qdc_and_qdpx(qdc_root, real_codebook):
    qdc = _codes(qdc_root, QDC_NS)
    project = etree.fromstring(_project()[0])
    qdpx = _codes(project.find(f"{QDE_NS}CodeBook"), QDE_NS)
    assert len(qdc) == len(real_codebook.codes) + len(
        {c.family for c in real_codebook.codes})
    assert qdpx == qdc  # same GUIDs, names, colours, descriptions


def test_qdpx_still_valid_with_minimal_codebook(tmp_path):
    from pipeline.report.qdpx import validate_project

    params, paths = fake_run(tmp_path)
    xml, _ = _project(Path(params.coding.codebook))
    assert validate_project(xml, ROOT / "schemas" / "refi-qda" / "Project.xsd") == []


# 4. Taguette codebook ------------------------------------------------------------------------

def test_taguette_codebook_csv(real_codebook):
    from pipeline.coding.export import codebook_taguette_csv

    text = codebook_taguette_csv(real_codebook)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0] == "tag,description"
    assert len(rows) == len(real_codebook.codes)
    assert len({r["tag"] for r in rows}) == len(rows)
    first = real_codebook.codes[0]
    assert first.label.en in rows[0]["tag"]
    assert rows[0]["description"] == first.definition.strip()


def test_code_stage_writes_taguette_codebook(tmp_path, monkeypatch):
    from pipeline.artifacts import OutputPaths
    from pipeline.params import Params
    from pipeline.stages import code as code_stage

    paths = OutputPaths(tmp_path / "out")
    paths.segments.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame([{"segment_id": "MX-01-T000", "participant_id": "MX-01", "turn_index": 0,
                   "speaker": "participant", "text": "synthetic", "start": 0, "end": 9,
                   "language": "en"}]).to_parquet(paths.segments)
    monkeypatch.setattr(code_stage, "code_corpus_incremental", lambda *a, **k: (
        pd.DataFrame({"rule": pd.Series([], dtype=str)}),
        pd.DataFrame({"present": pd.Series([], dtype=int)}), 0))
    params = Params.model_validate({"coding": {"codebook": str(CODEBOOK)}})
    code_stage.run(params, paths.root, Path("unused"))
    target = paths.coding / "codebook_taguette.csv"
    assert target.exists()
    assert target.read_text(encoding="utf-8").startswith("tag,description\n")


# 5-8. report -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def report_ctx(tmp_path_factory):
    from pipeline.stages import compare as compare_stage

    params, paths = fake_run(tmp_path_factory.mktemp("ux"))
    compare_stage.run(params, paths.root, Path("unused"))
    composition = pd.read_csv(paths.tables / "sample_composition.csv")
    divergences = pd.read_csv(paths.tables / "divergences.csv", keep_default_na=False)
    divergences["divergent"] = divergences["divergent"].astype(str).str.lower() == "true"
    convergences = pd.read_csv(paths.tables / "convergences.csv", keep_default_na=False)
    convergences["convergent"] = convergences["convergent"].astype(str).str.lower() == "true"
    above = divergences[divergences["divergent"]].iloc[0]
    country, code = above["countries_above"].split(" ")[0], above["code"]
    quotes = pd.DataFrame([{"code": code, "country": country, "participant_id": f"{country}-0{i}",
                            "segment_id": f"{country}-0{i}-T000", "quote": f"Synthetic quote {i}",
                            "evidence": "rule r1", "score": None} for i in range(3)])
    return {"labels": {}, "prevalence": pd.read_csv(paths.tables / "prevalence_by_country.csv"),
            "divergences": divergences, "convergences": convergences, "quotes": quotes,
            "composition": composition, "quotes_per_theme": 3, "care": pd.DataFrame(),
            "emergent": None, "redaction_text": "none", "n_withdrawn": 0,
            "params": params.model_dump(mode="json"), "versions": {}, "codebook_path": "c",
            "codebook_hash": "-", "synthetic": False, "reliability": None}


def test_consecutive_quotes_are_separate_blocks(report_ctx):
    import markdown

    from pipeline.report.build import render_markdown

    lines = render_markdown(report_ctx).splitlines()
    for before, after in zip(lines, lines[1:], strict=False):
        assert not (before.startswith(">") and after.startswith(">")), "quotes run together"
    html = markdown.markdown("\n".join(lines))
    paragraphs = re.findall(r"<p>(.*?)</p>", html, flags=re.S)
    quoted = [p for p in paragraphs if "Synthetic quote" in p]
    assert len(quoted) == 3 and all(p.count("Synthetic quote") == 1 for p in quoted)


def _limitations(text: str) -> str:
    return text.split("## Limitations", 1)[1]


def test_limitations_give_the_runs_sample_range(report_ctx):
    from pipeline.report.build import render_markdown

    text = _limitations(render_markdown(report_ctx))
    assert "12 to 14 participants per country" in text  # fake run: 14, 13, 12
    assert "12 to 16" not in text


def test_limitations_equal_sizes(report_ctx):
    from pipeline.report.build import render_markdown

    composition = report_ctx["composition"].assign(n_participants=40)
    text = _limitations(render_markdown({**report_ctx, "composition": composition}))
    assert "40 participants per country" in text
    assert "40 to 40" not in text and "12 to 16" not in text


def test_topic_heatmap_shows_topic_id_once():
    from pipeline import figures as fg

    prev = pd.DataFrame({"topic": [0, 0, 1, 1], "country": ["MX", "PE"] * 2,
                         "share": [0.5, 0.2, 0.1, 0.9]})
    fig = fg.topic_country_heatmap(prev, {0: "0: police, money", 1: "1_care_help"})
    ticks = [t.get_text() for t in fig.figure.axes[0].get_yticklabels()]
    assert ticks == ["0: police, money", "1: care, help"]


def test_topic_heatmap_keeps_to_the_topics_in_most_participants():
    """Hundreds of topics (a large corpus) make a figure nobody can read and that took
    gigabytes to draw: the heatmap shows the largest `max_topics`, the caption says so."""
    from pipeline import figures as fg

    rows = [{"topic": t, "country": c, "n_with_topic": (t * 7) % 50, "share": 0.5}
            for t in range(50) for c in ("MX", "PE")]
    prev = pd.DataFrame(rows)
    fig = fg.topic_country_heatmap(prev, {}, max_topics=5)
    ticks = [t.get_text().split(":")[0] for t in fig.figure.axes[0].get_yticklabels()]
    expected = sorted(sorted(range(50), key=lambda t: (-((t * 7) % 50), t))[:5])
    assert ticks == [str(t) for t in expected]
    assert "The 5 topics found in the most participants, of 50" in fig.caption
    small = fg.topic_country_heatmap(prev[prev["topic"] < 3], {}, max_topics=5)
    assert len(small.figure.axes[0].get_yticklabels()) == 3 and "of 3" not in small.caption


def test_topic_heatmap_prefers_english_label():
    from pipeline import figures as fg

    prev = pd.DataFrame({"topic": [0, 0], "country": ["MX", "PE"], "share": [0.5, 0.2]})
    info = pd.DataFrame({"topic": [0], "label": ["0: policía, police"],
                         "label_en": ["0: police, money"], "label_es": ["0: policía, plata"]})
    fig = fg.topic_country_heatmap(prev, info)
    ticks = [t.get_text() for t in fig.figure.axes[0].get_yticklabels()]
    assert ticks == ["0: police, money"]
    assert fg.topic_labels_from_info(info) == {0: "0: police, money"}


def test_report_html_has_print_css(tmp_path):
    from pipeline.report.build import render_html

    page = render_html("# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", tmp_path)
    assert "@media print" in page and "@page" in page and "A4" in page
    print_css = page.split("@media print", 1)[1]
    assert "table-layout:fixed" in print_css.replace(" ", "")


def test_report_tables_print_missing_values_as_empty_cells():
    import numpy as np
    import pandas as pd

    from pipeline.report.build import md_table
    table = md_table(pd.DataFrame({"topic": [0, 1], "words_es": ["casa | hogar", np.nan]}))
    assert "nan" not in table and "casa \\| hogar" in table
    assert table.splitlines()[-1] == "| 1 |  |"


def test_synthetic_notice_only_when_the_corpus_says_so(report_ctx):
    from pipeline.report.build import render_markdown

    assert "Synthetic data" not in render_markdown(report_ctx)
    text = render_markdown({**report_ctx, "synthetic": True})
    assert "Synthetic data" in text and "corpus is synthetic" in _limitations(text)


def test_the_corpus_card_says_whether_a_corpus_is_synthetic(tmp_path):
    from pipeline.corpus import load_corpus, validate_corpus
    from pipeline.params import CorpusParams
    from tests.conftest import SPANISH, row, write_corpus

    corpus = write_corpus(tmp_path / "c", [row("PE-01")], {"PE-01.txt": SPANISH})
    assert load_corpus(corpus, CorpusParams()).synthetic is False  # no card: not synthetic
    (corpus / "corpus.yaml").write_text("synthetic: true\n", encoding="utf-8")
    assert load_corpus(corpus, CorpusParams()).synthetic is True
    (corpus / "corpus.yaml").write_text("synthetic: maybe\nsynthetc: true\n", encoding="utf-8")
    problems = [str(p) for p in validate_corpus(corpus, CorpusParams())]
    assert any("corpus.yaml" in p and "true or false" in p for p in problems)
    assert any("corpus.yaml" in p and "unknown setting 'synthetc'" in p for p in problems)
    assert (ROOT / "corpora" / "demo" / "corpus.yaml").exists()


def test_sample_table_has_headers_that_wrap_on_a_printed_page(report_ctx):
    from pipeline.report.build import render_markdown

    text = render_markdown(report_ctx)
    sample = text.split("## Sample", 1)[1].split("\n\n")[2]
    header = sample.splitlines()[0]
    cells = [c.strip() for c in header.strip("|").split("|")]
    assert len(cells) == len(report_ctx["composition"].columns)
    assert all("_" not in c and max(map(len, c.split())) <= 14 for c in cells), cells
