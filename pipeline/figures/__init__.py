"""Report-ready figures in one colour-blind-safe style (Okabe-Ito palette, cividis maps).

Each function takes data frames and returns a matplotlib Figure plus a caption; `save_figure`
writes it in every requested format. Nothing here reads files.

Layout rules (checked by tests/test_figure_layout.py): legends sit outside the data area in a
frame, no label is drawn over bars, points or titles, and text embedded in the HTML report
stays readable once the figure is scaled to the report's column (`REPORT_WIDTH_PX`).
"""

import matplotlib

matplotlib.use("Agg")  # before any submodule imports pyplot

from pipeline.figures.comparison import convergence_chart, divergence_dotplot  # noqa: E402
from pipeline.figures.heatmaps import (  # noqa: E402
    cooccurrence_heatmap,
    topic_country_heatmap,
    topic_display_label,
    topic_labels_from_info,
)
from pipeline.figures.prevalence import prevalence_heatmap  # noqa: E402
from pipeline.figures.sample import (  # noqa: E402
    care_valence_chart,
    redaction_chart,
    sample_composition_chart,
    used_valence_kinds,
)
from pipeline.figures.style import (  # noqa: E402
    CELL_FONT_PT,
    OKABE_ITO,
    REPORT_WIDTH_PX,
    STYLE,
    VALENCE_COLOURS,
    VALENCE_KINDS,
    Figure,
    family_display_name,
    save_figure,
)

__all__ = [
    "CELL_FONT_PT", "OKABE_ITO", "REPORT_WIDTH_PX", "STYLE", "VALENCE_COLOURS", "VALENCE_KINDS",
    "Figure", "care_valence_chart", "convergence_chart", "cooccurrence_heatmap",
    "divergence_dotplot", "family_display_name", "prevalence_heatmap", "redaction_chart",
    "sample_composition_chart", "save_figure", "topic_country_heatmap", "topic_display_label",
    "topic_labels_from_info", "used_valence_kinds",
]
