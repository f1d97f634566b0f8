"""Shared figure style: palette, sizes, the Figure record, save_figure and the layout helpers
(new figure, outside legend, code order, family separators and names, cell text colour)."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
             "#000000"]
VALENCE_COLOURS = {"positive": "#009E73", "mixed": "#E69F00", "negative": "#D55E00",
                   "unspecified": "#999999"}
VALENCE_KINDS = ("positive", "mixed", "negative", "unspecified")
STYLE = {
    "font.family": "DejaVu Sans", "font.size": 9, "axes.titlesize": 11,
    "axes.titleweight": "bold", "axes.spines.top": False, "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO), "figure.dpi": 100,
    "svg.hashsalt": "testimony", "svg.fonttype": "none", "pdf.fonttype": 42,
    "legend.fontsize": 9, "legend.title_fontsize": 9, "legend.frameon": True,
    "legend.framealpha": 1.0, "legend.edgecolor": "#999999",
}
# Width in CSS pixels of the HTML report's text column (body max-width 60rem): every embedded
# PNG is scaled down to it, so font sizes are chosen for that width, not the figure's own.
REPORT_WIDTH_PX = 960
CELL_FONT_PT = 9  # text inside heatmap cells


@dataclass
class Figure:
    name: str
    title: str
    caption: str
    sources: tuple[str, ...]  # data files, relative to the output folder
    figure: plt.Figure

    @property
    def source(self) -> str:
        return ", ".join(self.sources)


def save_figure(fig: Figure, folder: Path, formats: list[str], dpi: int) -> list[Path]:
    """Write one figure in each format, deterministically (fixed metadata, no dates)."""
    written = []
    metadata = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
                "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}}
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    with plt.rc_context(STYLE):  # svg.hashsalt: stable element ids in SVG files
        for fmt in formats:
            path = Path(folder) / f"{fig.name}.{fmt}"
            fig.figure.savefig(path, format=fmt, dpi=dpi, bbox_inches="tight",
                               metadata=metadata.get(fmt))
            written.append(path)
    plt.close(fig.figure)
    return written


# ----------------------------------------------------------------- shared helpers

def _new_figure(width: float, height: float, ncols: int = 1, **kwargs):
    """Figure with constrained layout, which keeps outside legends, colorbars and secondary
    axes (family names) from overlapping one another."""
    fig, axes = plt.subplots(1, ncols, figsize=(width, height), layout="constrained", **kwargs)
    return fig, axes


def _outside_legend(fig: plt.Figure, handles: list, labels: list[str], *, where: str = "right",
                    title: str | None = None):
    """A framed figure legend outside every axes: on the right or below the plots."""
    if not handles:
        return None
    if where == "below":
        return fig.legend(handles, labels, loc="outside lower center", title=title,
                          ncol=min(len(labels), 4))
    return fig.legend(handles, labels, loc="outside right upper", title=title)


def _ordered_codes(codes: list[str], families: dict[str, str]) -> list[str]:
    known = [c for c in families if c in codes]
    return known + sorted(c for c in codes if c not in families)


def _family_blocks(codes: list[str], families: Mapping[str, str]) -> list[tuple[str, int, int]]:
    """Runs of consecutive codes of one family: (family, first index, last index)."""
    blocks: list[tuple[str, int, int]] = []
    for i, code in enumerate(codes):
        family = families.get(code, "")
        if blocks and blocks[-1][0] == family:
            blocks[-1] = (family, blocks[-1][1], i)
        else:
            blocks.append((family, i, i))
    return blocks


def family_display_name(family: str, family_labels: Mapping[str, str] | None = None) -> str:
    """Codebook label of a family when known, else its id made readable ("other" if none)."""
    if family_labels and family_labels.get(family):
        return str(family_labels[family])
    text = str(family or "other").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _mark_families(ax, codes: list[str], families: Mapping[str, str],
                   family_labels: Mapping[str, str] | None, *, both_axes: bool = False) -> None:
    """White lines between code families and each family's name on the right of the grid."""
    blocks = _family_blocks(codes, families)
    if len(blocks) < 2 and not any(f for f, _, _ in blocks):
        return
    for _, first, _ in blocks[1:]:
        ax.axhline(first - 0.5, color="white", linewidth=2.5)
        if both_axes:
            ax.axvline(first - 0.5, color="white", linewidth=2.5)
    names = ax.secondary_yaxis("right")
    names.set_yticks([(first + last) / 2 for _, first, last in blocks],
                     [textwrap.fill(family_display_name(f, family_labels), 18)
                      for f, _, _ in blocks])
    names.tick_params(length=0, labelsize=8)
    for label in names.get_yticklabels():
        label.set_fontweight("bold")
    names.spines["right"].set_visible(False)


def _text_colour(value: float) -> str:
    """Black on the light (yellow) end of cividis, white on the dark end."""
    return "black" if value > 0.55 else "white"
