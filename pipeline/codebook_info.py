"""Light, tolerant read of a codebook for the stages after `code` (topics, compare, figures,
report): entries, code order, families, labels. The `code` stage validates the codebook
strictly (pipeline.coding.codebook); these readers only need ids, families and labels, and
an absent codebook gives empty results."""

from __future__ import annotations

import logging
from pathlib import Path

import yaml

log = logging.getLogger(__name__)


def _codebook(path: Path | str | None):
    if path is None or not Path(path).exists():
        return None
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError:
        log.warning("codebook %s is not valid YAML; continuing without it", path)
        return None


def codebook_entries(path: Path | str | None) -> list[dict]:
    """Codebook entries as dicts (id plus whatever else is there), in codebook order."""
    data = _codebook(path)
    if data is None:
        return []
    entries = data.get("codes", data.get("themes", data)) if isinstance(data, dict) else data
    if isinstance(entries, dict):  # {CODE_ID: {...}} form
        entries = [{"id": k, **(v if isinstance(v, dict) else {})} for k, v in entries.items()]
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, dict) and e.get("id")]


def code_families(path: Path | str | None) -> dict[str, str]:
    """code id -> family id, in codebook order ({} if there is no codebook)."""
    return {str(e["id"]): str(e.get("family", "")) for e in codebook_entries(path)}


def code_labels(path: Path | str | None, language: str = "en") -> dict[str, str]:
    """code id -> human label in `language` (falls back to English, then the id)."""
    labels = {}
    for entry in codebook_entries(path):
        label = entry.get("label")
        if isinstance(label, dict):
            label = label.get(language) or label.get("en")
        labels[str(entry["id"])] = str(label or entry["id"])
    return labels


def valence_codes(path: Path | str | None) -> list[str] | None:
    """Codes whose entry says `valence: true` (care codes), or None when the codebook gives
    no valence field at all (then the comparison takes the codes the coder gave a valence)."""
    entries = codebook_entries(path)
    if not any("valence" in e for e in entries):
        return None
    return [str(e["id"]) for e in entries if e.get("valence") is True]


def code_entries(path: Path | str | None) -> list[dict]:
    """The codebook's code entries (id, family, label, definition, ...) with id and family as
    text: what the REFI-QDA export renders, as codebook.qdc does."""
    return [{**entry, "id": str(entry["id"]), "family": str(entry.get("family", ""))}
            for entry in codebook_entries(path)]


def family_entries(path: Path | str | None) -> dict[str, object]:
    """family id -> labels ({en, es} or a string), from a `families:` mapping or list."""
    data = _codebook(path)
    families = data.get("families") if isinstance(data, dict) else None
    if isinstance(families, dict):
        return {str(k): v for k, v in families.items()}
    if isinstance(families, list):
        return {str(f["id"]): f.get("label") for f in families
                if isinstance(f, dict) and f.get("id")}
    return {}


def family_labels(path: Path | str | None, language: str = "en") -> dict[str, str]:
    """family id -> label in `language` ({} when absent: the figures then show the ids)."""
    labels = {}
    for family, label in family_entries(path).items():
        if isinstance(label, dict):
            label = label.get(language) or label.get("en")
        if label:
            labels[str(family)] = str(label)
    return labels
