"""Light read of a codebook for the stages after `code`: code order, families, labels."""

from __future__ import annotations

from pathlib import Path

import yaml


def _entries(path: Path) -> tuple[list[dict], list[dict]]:
    if not path.exists():
        return [], []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(data.get("codes") or []), list(data.get("families") or [])


def code_families(path: Path) -> dict[str, str]:
    """code id -> family id, in codebook order ({} if there is no codebook)."""
    codes, _ = _entries(Path(path))
    return {str(c["id"]): str(c.get("family", "")) for c in codes if "id" in c}


def code_labels(path: Path, language: str = "en") -> dict[str, str]:
    codes, _ = _entries(Path(path))
    labels = {}
    for code in codes:
        label = code.get("label") or {}
        labels[str(code["id"])] = str(label.get(language) or label.get("en") or code["id"]) \
            if isinstance(label, dict) else str(label or code["id"])
    return labels


def family_labels(path: Path, language: str = "en") -> dict[str, str]:
    _, families = _entries(Path(path))
    out = {}
    for family in families:
        label = family.get("label") or family.get("id")
        if isinstance(label, dict):
            label = label.get(language) or label.get("en")
        out[str(family.get("id"))] = str(label)
    return out
