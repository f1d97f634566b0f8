"""The three notebooks, executed against the end-to-end demo run: each shows a figure,
long texts are shown in full (not cut by pandas at 50 characters), and the codings
explorer shows each turn once. Assertion messages name ids only, never text."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from tests.conftest import ROOT

NOTEBOOKS = ["01_codings_explorer", "02_topics", "03_country_comparison"]
PANDAS_COLWIDTH = 50  # pandas' display.max_colwidth: a cut cell ends in "..." just under it

# one test process runs the shared end-to-end demo run (conftest.e2e_run) for both files
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]


@pytest.fixture(scope="module")
def executed(tmp_path_factory, e2e_run):
    """Each notebook executed once (MPLBACKEND=Agg from conftest, as on a headless box)."""
    import jupytext
    import nbformat
    from nbclient import NotebookClient

    workdir = tmp_path_factory.mktemp("notebooks")
    notebooks = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TESTIMONY_OUTPUTS", str(e2e_run[0]))
        for name in NOTEBOOKS:
            notebook = jupytext.read(ROOT / "notebooks" / f"{name}.py")
            NotebookClient(notebook, timeout=120, kernel_name="python3",
                           resources={"metadata": {"path": str(workdir)}}).execute()
            nbformat.validate(notebook)
            notebooks[name] = notebook
    return notebooks


@pytest.fixture(scope="module")
def OUT(e2e_run):
    return e2e_run[0]


def outputs_of(cell) -> list[dict]:
    return [output.get("data", {}) for output in cell.get("outputs", [])]


def tagged(notebook, tag: str):
    cells = [c for c in notebook.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}, found {len(cells)}"
    return cells[0]


def cell_texts(html_text: str) -> list[list[str]]:
    """Rows of an HTML table as plain text cells (tags stripped, entities decoded)."""
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html_text, flags=re.S)
    return [[html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
             for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)]
            for row in rows]


def table_of(cell) -> pd.DataFrame:
    tables = [data["text/html"] for data in outputs_of(cell) if "text/html" in data]
    assert tables, "the cell shows no HTML table"
    header, *body = cell_texts(tables[0])
    return pd.DataFrame(body, columns=header)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_notebook_shows_a_figure(executed, name):
    images = [data for cell in executed[name].cells for data in outputs_of(cell)
              if "image/png" in data]
    assert images, f"{name} produced no image/png output"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_no_table_cell_is_cut_by_pandas(executed, name):
    cut = []
    for index, cell in enumerate(executed[name].cells):
        for data in outputs_of(cell):
            texts = [t for row in cell_texts(data.get("text/html", "")) for t in row]
            if any(t.endswith("...") and PANDAS_COLWIDTH - 5 <= len(t) <= PANDAS_COLWIDTH
                   for t in texts):
                cut.append(index)
    assert not cut, f"{name}: cells {cut} show text cut at {PANDAS_COLWIDTH} characters"


def test_quotes_are_shown_in_full(executed, OUT):
    divergences = pd.read_csv(OUT / "tables" / "divergences.csv", keep_default_na=False)
    quotes = pd.read_csv(OUT / "report" / "quotes.csv", keep_default_na=False)
    divergent = divergences[divergences["divergent"].astype(str).str.lower() == "true"]
    code = (divergent if len(divergent) else divergences)["code"].iloc[0]  # the default CODE
    expected = quotes[quotes["code"] == code]
    assert expected["quote"].str.len().max() > 3 * PANDAS_COLWIDTH, "no long quote to check"
    shown = table_of(tagged(executed["03_country_comparison"], "quotes"))
    assert len(shown) == len(expected)
    in_full = set(shown["quote"])
    missing = [i for i, quote in enumerate(expected["quote"]) if quote.strip() not in in_full]
    assert not missing, f"quotes of {code} at rows {missing} of quotes.csv are not shown in full"


def test_codings_explorer_shows_each_turn_once_with_its_codes(executed, OUT):
    codings = pd.read_parquet(OUT / "coding" / "codings.parquet",
                              columns=["segment_id", "code"])
    segments = pd.read_parquet(OUT / "redacted" / "segments.parquet",
                               columns=["segment_id", "text"]).set_index("segment_id")["text"]
    shown = table_of(tagged(executed["01_codings_explorer"], "evidence"))
    assert len(shown) > 1
    duplicated = shown.loc[shown["segment_id"].duplicated(), "segment_id"].tolist()
    assert not duplicated, f"turns shown more than once: {duplicated}"

    codes = codings.groupby("segment_id")["code"].agg(lambda s: ", ".join(sorted(set(s))))
    wrong_codes = [s for s, c in zip(shown["segment_id"], shown["codes in this turn"],
                                     strict=True) if codes[s] != c]
    assert not wrong_codes, f"turns whose codes are not all joined: {wrong_codes}"
    assert shown["codes in this turn"].str.contains(", ").any(), "no multi-code turn shown"

    not_full = [s for s, text in zip(shown["segment_id"], shown["turn (redacted)"], strict=True)
                if text != segments[s].strip()]
    assert not not_full, f"turns not shown in full: {not_full}"

