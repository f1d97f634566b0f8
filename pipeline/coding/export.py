"""Codebook exports: REFI-QDA codebook (.qdc) and a readable Markdown codebook."""

from __future__ import annotations

import colorsys
import hashlib
import uuid
from xml.sax.saxutils import escape, quoteattr

from pipeline.coding.codebook import Codebook

QDC_NAMESPACE = "urn:QDA-XML:codebook:1.0"
_GUID_NS = uuid.UUID("6f1c3a52-0c1e-4d0b-9a55-2b7f1b1de6a1")


def stable_guid(*parts: str) -> str:
    """Deterministic GUID (same codebook -> same .qdc, byte for byte)."""
    return str(uuid.uuid5(_GUID_NS, "/".join(parts))).upper()


def _color(key: str) -> str:
    hue = int(hashlib.sha256(key.encode()).hexdigest()[:6], 16) / 0xFFFFFF
    r, g, b = colorsys.hls_to_rgb(hue, 0.55, 0.55)
    return f"#{int(r * 255):02X}{int(g * 255):02X}{int(b * 255):02X}"


def _description(code) -> str:
    ex_en = " | ".join(code.examples.en)
    ex_es = " | ".join(code.examples.es)
    return (f"{code.definition}\n\nWhen to use: {code.when_to_use}\n"
            f"When not to use: {code.when_not_to_use}\n"
            f"Label (es): {code.label.es}\nExamples (en): {ex_en}\nExamples (es): {ex_es}")


def codebook_qdc(codebook: Codebook, language: str = "en") -> str:
    """REFI-QDA Codebook XML: one parent code per family, the codes under it."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<CodeBook xmlns="{QDC_NAMESPACE}">', "  <Codes>"]
    for family, labels in codebook.families.items():
        members = [c for c in codebook.codes if c.family == family]
        if not members:
            continue
        name = getattr(labels, language)
        lines.append(f'    <Code guid="{stable_guid("family", family)}" name={quoteattr(name)} '
                     f'isCodable="false" color="{_color(family)}">')
        lines.append(f"      <Description>{escape(f'Family: {labels.en} / {labels.es}')}"
                     "</Description>")
        for code in members:
            label = f"{code.id} - {getattr(code.label, language)}"
            lines.append(f'      <Code guid="{stable_guid("code", code.id)}" '
                         f'name={quoteattr(label)} isCodable="true" color="{_color(code.id)}">')
            lines.append(f"        <Description>{escape(_description(code))}</Description>")
            lines.append("      </Code>")
        lines.append("    </Code>")
    lines += ["  </Codes>", "</CodeBook>", ""]
    return "\n".join(lines)


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
