"""Figure layout: no legend or label hides data or runs into a title, report figures stay
legible once scaled to the report column, family separators are named, the care legend lists
only used categories, co-occurrence cells are annotated and figures.md gives data paths in one
form. Every figure is built from small synthetic tables (no corpus, no demo outputs needed)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.collections import LineCollection
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from pipeline import figures as fg

COUNTRIES = ["AR", "CO", "EC", "MX", "PE"]
FAMILIES = {"CARE_A": "care", "CARE_B": "care", "CARE_C": "care", "JUST_A": "justice",
            "JUST_B": "justice", "RET_A": "return", "RET_B": "return"}
FAMILY_LABELS = {"care": "Care quality (integrated care)",
                 "justice": "Distrust and access to justice", "return": "Return"}
CODES = list(FAMILIES)
# Label lengths as in the real codebook: long labels are what squeezes the plots.
LABELS = {c: f"Synthetic theme {c.lower()} with a long label" for c in CODES}
N = 10  # participants per country
# Figures the HTML report embeds (pipeline/report/build.py); they are shown at most
# fg.REPORT_WIDTH_PX wide, whatever their own size.
REPORT_FIGURES = {"sample_composition", "convergences", "theme_country_heatmap", "divergences",
                  "topic_country_heatmap", "care_valence", "redaction_summary"}
MIN_REPORT_TEXT_PX = 10
MIN_TOPIC_CELL_PX = 12
TOL = 1.0  # display pixels: boxes that merely touch do not overlap


# ----------------------------------------------------------------- synthetic tables

def _present(code_index: int, country_index: int, code: str) -> int:
    """Participants with the code: high (9-10 of 10) for the last codes, so bars and points
    reach x = 1.0 in the lower right corner, where legends used to sit."""
    if code_index >= len(CODES) - 3:
        return 10 if country_index % 2 == 0 else 9
    return (3 * code_index + 2 * country_index) % (N + 1)


def prevalence_table() -> pd.DataFrame:
    rows = []
    for j, country in enumerate(COUNTRIES):
        for i, code in enumerate(CODES):
            k = _present(i, j, code)
            p = k / N
            rows.append({"country": country, "code": code, "n_participants": N,
                         "n_present": k, "prevalence": p, "ci_low": max(0.0, p - 0.25),
                         "ci_high": min(1.0, p + 0.2)})
    return pd.DataFrame(rows)


def divergence_table(prevalence: pd.DataFrame) -> pd.DataFrame:
    pooled = prevalence.groupby("code")["prevalence"].mean()
    return pd.DataFrame({"code": CODES, "family": [FAMILIES[c] for c in CODES],
                         "divergent": [i >= 2 for i in range(len(CODES))],
                         "pooled_prevalence": [pooled[c] for c in CODES],
                         "q_value": [0.01 * (i + 1) for i in range(len(CODES))]})


def convergence_table(prevalence: pd.DataFrame) -> pd.DataFrame:
    low = prevalence.groupby("code")["prevalence"].min()
    return pd.DataFrame({"code": CODES, "convergent": [low[c] >= 0.5 for c in CODES],
                         "min_prevalence": [low[c] for c in CODES]})


def valence_table(unspecified: bool = False) -> pd.DataFrame:
    rows = []
    for j, country in enumerate(COUNTRIES):
        for i, code in enumerate(["CARE_A", "CARE_B", "CARE_C"]):
            rows.append({"country": country, "code": code, "positive": (i + j) % 4,
                         "negative": 2 + i, "mixed": j % 2,
                         "unspecified": int(unspecified and i == 1)})
    return pd.DataFrame(rows)


def cooccurrence_table() -> pd.DataFrame:
    """Symmetric Jaccard table with some zero pairs (codes of `return` never co-occur with
    `care`)."""
    rows = []
    for i, a in enumerate(CODES):
        for j, b in enumerate(CODES):
            never = {FAMILIES[a], FAMILIES[b]} == {"care", "return"}
            value = 1.0 if a == b else 0.0 if never else round(0.05 + 0.07 * ((i + j) % 9), 4)
            rows.append({"code_a": a, "code_b": b, "n_both": 0, "n_either": 0,
                         "jaccard": value})
    return pd.DataFrame(rows)


def topic_table() -> pd.DataFrame:
    return pd.DataFrame([{"country": c, "topic": t, "share": ((t + 2 * j) % 10) / 10}
                         for t in range(7) for j, c in enumerate(COUNTRIES)])


TOPIC_LABELS = {t: f"{t}: police, passport, consulate, documents" for t in range(7)}


def composition_table() -> pd.DataFrame:
    profiles = {"profile_adolescent_girl": [2, 2, 1, 2, 1], "profile_adult_woman": [6, 7, 6, 7, 6],
                "profile_boy": [1, 1, 2, 1, 1], "profile_transgender_woman": [1, 1, 1, 0, 2]}
    frame = pd.DataFrame({"country": COUNTRIES, **profiles})
    frame.insert(1, "n_participants", frame[list(profiles)].sum(axis=1))
    return frame


REDACTIONS = {"PERSON": 1017, "LOCATION": 594, "ORG": 155, "DATE": 79, "PHONE": 68, "URL": 5}


def build_all() -> list[fg.Figure]:
    prevalence = prevalence_table()
    return [
        fg.prevalence_heatmap(prevalence, FAMILIES, LABELS, FAMILY_LABELS),
        fg.divergence_dotplot(prevalence, divergence_table(prevalence), LABELS),
        fg.convergence_chart(prevalence, convergence_table(prevalence), LABELS, 0.5),
        fg.care_valence_chart(valence_table(), LABELS),
        fg.cooccurrence_heatmap(cooccurrence_table(), FAMILIES, LABELS, FAMILY_LABELS),
        fg.topic_country_heatmap(topic_table(), TOPIC_LABELS),
        fg.sample_composition_chart(composition_table()),
        fg.redaction_chart(REDACTIONS),
    ]


@pytest.fixture(scope="module")
def figures():
    import matplotlib.pyplot as plt

    built = {f.name: f for f in build_all()}
    for figure in built.values():
        figure.figure.canvas.draw()
    yield built
    for figure in built.values():
        plt.close(figure.figure)


# ----------------------------------------------------------------- geometry

def _renderer(figure: fg.Figure):
    return figure.figure.canvas.get_renderer()


def _finite(box: Bbox) -> bool:
    return all(math.isfinite(v) for v in box.extents)


def _overlap(a: Bbox, b: Bbox, tol: float = TOL) -> bool:
    return (a.x0 < b.x1 - tol and b.x0 < a.x1 - tol
            and a.y0 < b.y1 - tol and b.y0 < a.y1 - tol)


def _segment_box(p, q, pad: float) -> Bbox:
    return Bbox.from_extents(min(p[0], q[0]) - pad, min(p[1], q[1]) - pad,
                             max(p[0], q[0]) + pad, max(p[1], q[1]) + pad)


def _has_marker(line) -> bool:
    return line.get_marker() not in (None, "None", "none", "", " ")


def _marks(ax, renderer, dpi: float) -> list[Bbox]:
    """Display boxes of what carries data: bars, points, error bars."""
    boxes = [p.get_window_extent(renderer) for p in ax.patches]
    boxes = [b for b in boxes if _finite(b) and b.width > 0.5 and b.height > 0.5]
    for line in ax.lines:
        if not _has_marker(line) or line.get_linestyle() not in ("None", "none", "", " "):
            continue
        radius = line.get_markersize() * dpi / 72 / 2
        for x, y in line.get_transform().transform(line.get_xydata()):
            if math.isfinite(x) and math.isfinite(y):
                boxes.append(Bbox.from_extents(x - radius, y - radius, x + radius, y + radius))
    for collection in ax.collections:
        if isinstance(collection, LineCollection):
            transform = collection.get_transform()
            for segment in collection.get_segments():
                points = transform.transform(segment)
                if np.isfinite(points).all():
                    boxes.append(_segment_box(points[0], points[-1], 1.0))
    return boxes


def _reference_lines(ax) -> list[Bbox]:
    """Display boxes of plain lines (thresholds, pooled rates, family separators)."""
    boxes = []
    for line in ax.lines:
        if _has_marker(line):
            continue
        points = line.get_transform().transform(line.get_xydata())
        for p, q in zip(points[:-1], points[1:], strict=True):
            if np.isfinite(p).all() and np.isfinite(q).all():
                boxes.append(_segment_box(p, q, 1.0))
    return boxes


def _images(ax, renderer) -> list[Bbox]:
    return [image.get_window_extent(renderer) for image in ax.images]


def _data_axes(fig) -> list:
    """Axes that plot data (not colorbars, not secondary axes of family names)."""
    return [ax for ax in fig.axes
            if ax.patches or ax.lines or ax.collections or ax.images or ax.texts]


def _legends(fig) -> list[Legend]:
    legends = list(fig.legends)
    legends += [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    return legends


def _titles(fig) -> list[Text]:
    titles = [ax.title for ax in fig.axes if ax.title.get_text()]
    if fig._suptitle is not None and fig._suptitle.get_text():
        titles.append(fig._suptitle)
    return titles


def _cell_texts(ax, renderer) -> list[Text]:
    """Annotations centred inside a heatmap image: they label their cell by design."""
    images = _images(ax, renderer)
    cells = []
    for text in ax.texts:
        x, y = ax.transData.transform(text.get_position())
        if any(box.contains(x, y) for box in images):
            cells.append(text)
    return cells


def _annotations(ax, renderer) -> list[Text]:
    cells = set(map(id, _cell_texts(ax, renderer)))
    return [t for t in ax.texts if id(t) not in cells and t.get_text().strip()]


def _describe(artist) -> str:
    if isinstance(artist, Legend):
        return "legend[" + ", ".join(t.get_text() for t in artist.get_texts()) + "]"
    return f"text {artist.get_text()!r}"


def _problems(figure: fg.Figure) -> list[str]:
    """Every way a legend or label hides data or runs into a title or another label."""
    fig, renderer = figure.figure, _renderer(figure)
    axes = _data_axes(fig)
    marks = [b for ax in axes for b in _marks(ax, renderer, fig.dpi)]
    lines = [b for ax in axes for b in _reference_lines(ax)]
    images = [b for ax in axes for b in _images(ax, renderer)]
    annotations = [t for ax in axes for t in _annotations(ax, renderer)]
    legends = _legends(fig)
    problems = []
    for legend in legends:
        box = legend.get_window_extent(renderer)
        hidden = [b for b in marks + lines + images if _overlap(box, b)]
        if hidden:
            problems.append(f"{_describe(legend)} covers {len(hidden)} data mark(s)")
        if not fig.bbox.contains(box.x0 + TOL, box.y0 + TOL) or \
                not fig.bbox.contains(box.x1 - TOL, box.y1 - TOL):
            problems.append(f"{_describe(legend)} is cut off by the figure edge")
    for text in annotations:
        box = text.get_window_extent(renderer)
        if any(_overlap(box, b) for b in marks):
            problems.append(f"{_describe(text)} is drawn over data")
    labels = legends + annotations + _titles(fig)
    for i, first in enumerate(labels):
        for second in labels[i + 1:]:
            if _overlap(first.get_window_extent(renderer), second.get_window_extent(renderer)):
                problems.append(f"{_describe(first)} overlaps {_describe(second)}")
    return problems


def _report_px_per_pt(figure: fg.Figure) -> float:
    """CSS pixels per point once the saved PNG (tight bbox, default dpi) is shown in the
    report: one image pixel per CSS pixel, scaled down to the report column when wider."""
    from pipeline.params import FigureParams

    width_in = figure.figure.get_tightbbox(_renderer(figure)).width
    return min(fg.REPORT_WIDTH_PX / width_in, FigureParams().dpi) / 72


def _visible_texts(fig) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


# ----------------------------------------------------------------- layout (items 1-4)

@pytest.mark.parametrize("name", ["theme_country_heatmap", "divergences", "convergences",
                                  "care_valence", "cooccurrence", "topic_country_heatmap",
                                  "sample_composition", "redaction_summary"])
def test_no_legend_or_label_hides_data(figures, name):
    problems = _problems(figures[name])
    assert not problems, f"{name}: " + "; ".join(problems)


@pytest.mark.parametrize("name", ["sample_composition", "divergences", "convergences",
                                  "care_valence"])
def test_legend_is_framed_outside_the_plot_area(figures, name):
    figure = figures[name]
    renderer = _renderer(figure)
    legends = _legends(figure.figure)
    assert legends, f"{name} has no legend"
    for legend in legends:
        assert legend.get_frame_on()
        box = legend.get_window_extent(renderer)
        for ax in _data_axes(figure.figure):
            assert not _overlap(box, ax.get_window_extent(renderer)), \
                f"{name}: legend inside the plot area"


def test_sample_legend_names_every_profile_with_a_visible_swatch(figures):
    legend = _legends(figures["sample_composition"].figure)[0]
    names = [t.get_text() for t in legend.get_texts()]
    assert names == ["adolescent girl", "adult woman", "boy", "transgender woman"]
    # each swatch sits on the white legend background, never on a bar of its own colour
    assert legend.get_frame().get_facecolor()[:3] == (1.0, 1.0, 1.0)


def test_convergence_threshold_is_named_without_touching_the_title(figures):
    fig = figures["convergences"].figure
    texts = [t.get_text() for t in _visible_texts(fig)]
    assert any("threshold" in t and "50%" in t for t in texts)


def test_divergence_points_at_one_are_inside_the_axes(figures):
    figure = figures["divergences"]
    ax = _data_axes(figure.figure)[0]
    left, right = ax.get_xlim()
    assert left < 0 and right > 1


def test_checker_sees_a_legend_over_bars(figures):
    """The overlap check itself can fail: a legend put back inside the bars is reported."""
    figure = fg.sample_composition_chart(composition_table())
    ax = figure.figure.axes[0]
    for legend in list(figure.figure.legends):
        legend.remove()
    ax.legend(loc="center", frameon=False)
    figure.figure.canvas.draw()
    try:
        assert any("covers" in p for p in _problems(figure))
    finally:
        import matplotlib.pyplot as plt
        plt.close(figure.figure)


# ----------------------------------------------------------------- readability (item 3)

@pytest.mark.parametrize("name", sorted(REPORT_FIGURES))
def test_report_figure_text_is_legible_at_report_width(figures, name):
    figure = figures[name]
    scale = _report_px_per_pt(figure)
    small = {t.get_text(): round(t.get_fontsize() * scale, 1)
             for t in _visible_texts(figure.figure)
             if t.get_fontsize() * scale < MIN_REPORT_TEXT_PX}
    assert small == {}, f"{name}: text under {MIN_REPORT_TEXT_PX} px in the report: {small}"


def test_topic_heatmap_cells_are_readable_and_fit(figures):
    figure = figures["topic_country_heatmap"]
    ax = figure.figure.axes[0]
    renderer = _renderer(figure)
    cells = _cell_texts(ax, renderer)
    assert len(cells) == 7 * len(COUNTRIES)
    scale = _report_px_per_pt(figure)
    assert min(t.get_fontsize() for t in cells) * scale >= MIN_TOPIC_CELL_PX
    _assert_cells_fit(ax, renderer, cells)


def _assert_cells_fit(ax, renderer, cells: list[Text]) -> None:
    """Each cell's text stays inside its cell (so neighbouring values never run together)."""
    for text in cells:
        col, row = text.get_position()
        (x0, y0), (x1, y1) = ax.transData.transform([(col - 0.5, row - 0.5),
                                                     (col + 0.5, row + 0.5)])
        cell = Bbox.from_extents(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        box = text.get_window_extent(renderer)
        assert cell.x0 <= box.x0 and box.x1 <= cell.x1 and cell.y0 <= box.y0 and \
            box.y1 <= cell.y1, f"cell text {text.get_text()!r} spills out of its cell"


# ----------------------------------------------------------------- family names (item 5)

@pytest.mark.parametrize("name", ["theme_country_heatmap", "cooccurrence"])
def test_family_separators_are_named_beside_their_rows(figures, name):
    figure = figures[name]
    ax = figure.figure.axes[0]
    renderer = _renderer(figure)
    shown = {t.get_text().replace("\n", " "): t for t in _visible_texts(figure.figure)}
    for family, label in FAMILY_LABELS.items():
        assert label in shown, f"{name}: family name {label!r} missing"
        rows = [i for i, c in enumerate(CODES) if FAMILIES[c] == family]
        top, bottom = (ax.transData.transform([(0, r)])[0][1]
                       for r in (min(rows) - 0.5, max(rows) + 0.5))
        box = shown[label].get_window_extent(renderer)
        centre = (box.y0 + box.y1) / 2
        assert min(top, bottom) <= centre <= max(top, bottom), \
            f"{name}: {label!r} is not beside its family's rows"
    separators = [line for line in ax.lines if not _has_marker(line)]
    assert len(separators) >= len(FAMILY_LABELS) - 1


def test_family_name_falls_back_to_a_readable_id():
    assert fg.family_display_name("return_home") == "Return home"
    assert fg.family_display_name("care", {"care": "Care quality"}) == "Care quality"
    assert fg.family_display_name("") == "Other"


# ----------------------------------------------------------------- care legend (item 6)

def _care_legend_names(valence: pd.DataFrame) -> list[str]:
    import matplotlib.pyplot as plt

    figure = fg.care_valence_chart(valence, LABELS)
    try:
        return [t.get_text() for legend in _legends(figure.figure) for t in legend.get_texts()]
    finally:
        plt.close(figure.figure)


def test_care_legend_lists_only_used_categories():
    assert _care_legend_names(valence_table(unspecified=False)) == \
        ["positive", "mixed", "negative"]
    assert _care_legend_names(valence_table(unspecified=True)) == \
        ["positive", "mixed", "negative", "unspecified"]


# ----------------------------------------------------------------- co-occurrence (item 7)

def test_cooccurrence_cells_show_their_value_and_skip_zeros(figures):
    figure = figures["cooccurrence"]
    ax = figure.figure.axes[0]
    renderer = _renderer(figure)
    table = cooccurrence_table().set_index(["code_a", "code_b"])["jaccard"]
    expected = {(j, i): table[(a, b)] for i, a in enumerate(CODES) for j, b in enumerate(CODES)
                if a != b and table[(a, b)] > 0}
    cells = _cell_texts(ax, renderer)
    shown = {tuple(int(round(v)) for v in t.get_position()): float(t.get_text())
             for t in cells}
    assert set(shown) == set(expected)  # every non-zero pair, no zero, no diagonal
    for key, value in expected.items():
        assert shown[key] == pytest.approx(value, abs=0.005)
    _assert_cells_fit(ax, renderer, cells)


# ----------------------------------------------------------------- figures.md (item 8)

def _write_outputs(out: Path) -> Path:
    """A synthetic output folder with every table the figures stage reads, and a codebook."""
    tables, topics, redacted = out / "tables", out / "topics", out / "redacted"
    for folder in (tables, topics, redacted):
        folder.mkdir(parents=True)
    prevalence = prevalence_table()
    prevalence.to_csv(tables / "prevalence_by_country.csv", index=False)
    divergence_table(prevalence).to_csv(tables / "divergences.csv", index=False)
    convergence_table(prevalence).to_csv(tables / "convergences.csv", index=False)
    valence_table().to_csv(tables / "care_valence_by_country.csv", index=False)
    cooccurrence_table().to_csv(tables / "cooccurrence.csv", index=False)
    topic_table().to_csv(tables / "topic_prevalence_by_country.csv", index=False)
    pd.DataFrame({"topic": list(TOPIC_LABELS), "label": list(TOPIC_LABELS.values())}).to_csv(
        topics / "topic_info.csv", index=False)
    composition_table().to_csv(tables / "sample_composition.csv", index=False)
    (redacted / "redaction_summary.json").write_text(
        json.dumps({"replacements_by_type": REDACTIONS}), encoding="utf-8")
    codebook = out.parent / "codebook.yaml"
    codebook.write_text(yaml.safe_dump({
        "families": {k: {"en": v, "es": v} for k, v in FAMILY_LABELS.items()},
        "codes": [{"id": c, "family": f, "label": {"en": LABELS[c]}}
                  for c, f in FAMILIES.items()]}), encoding="utf-8")
    return codebook


def test_figures_md_gives_every_data_path_relative_to_the_output_folder(tmp_path):
    from pipeline.params import Params
    from pipeline.stages import figures as stage

    out = tmp_path / "outputs"
    codebook = _write_outputs(out)
    params = Params.model_validate({"coding": {"codebook": str(codebook)},
                                    "figures": {"formats": ["png"], "dpi": 50}})
    stage.run(params, out, tmp_path / "unused")
    text = (out / "figures" / "figures.md").read_text(encoding="utf-8")
    data_lines = [line for line in text.splitlines() if line.startswith("- Data:")]
    assert len(data_lines) == text.count("\n## ") == 8
    for line in data_lines:
        entries = [e.strip() for e in line.removeprefix("- Data:").split(",")]
        for entry in entries:
            match = re.fullmatch(r"`([a-z_]+/[\w.-]+)`", entry)
            assert match, f"not one backticked relative path: {entry!r} in {line!r}"
            assert (out / match.group(1)).is_file(), f"{match.group(1)} not in the output"
    assert "outputs/" not in text


def test_stage_takes_family_names_from_the_codebook(tmp_path):
    from pipeline.stages import figures as stage

    codebook = _write_outputs(tmp_path / "outputs")
    assert stage.family_labels(codebook) == FAMILY_LABELS
    assert stage.family_labels(tmp_path / "missing.yaml") == {}
