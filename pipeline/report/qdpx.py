"""REFI-QDA project export (.qdpx: a ZIP of project.qde and Sources/), so researchers can
continue in QualCoder, NVivo, ATLAS.ti or MAXQDA. Only redacted text goes in."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from lxml import etree

from pipeline.coding.export import render_code, render_family, stable_guid
from pipeline.report.quotes import evidence_label, score_of

NS = "urn:QDA-XML:project:1.0"
ATTRIBUTES = ["country", "language", "profile", "exploitation", "organization", "interview_year"]
FIXED_TIME = "2000-01-01T00:00:00Z"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def guid(kind: str, key: str) -> str:
    """Stable lower-case GUIDs, shared with codebook.qdc: the same code has the same GUID in
    both."""
    return stable_guid(kind, key)


def _el(parent, tag: str, **attrs) -> etree._Element:
    return etree.SubElement(parent, f"{{{NS}}}{tag}", {k: str(v) for k, v in attrs.items()})


def build_project(name: str, transcripts: dict[str, str], participants: pd.DataFrame,
                  codings: pd.DataFrame, codes: list[dict],
                  families: Mapping[str, Any] | None = None) -> tuple[bytes, dict[str, str]]:
    """Return project.qde bytes and {Sources/<guid>.txt: text}.

    `codes`: codebook entries ({id, family, label, definition, ...}) in codebook order;
    families become parent (non-codable) codes, labelled from `families` ({family id:
    {en, es}}) when given. Codes are rendered as in codebook.qdc (pipeline.coding.export).
    `codings` needs participant_id, code, start, end (character offsets in the redacted
    transcript).
    """
    families = families or {}
    user = guid("user", "testimony-pipeline")
    root = etree.Element(f"{{{NS}}}Project", nsmap={None: NS}, name=name,
                         origin="testimony-pipeline", creatingUserGUID=user,
                         creationDateTime=FIXED_TIME)
    users = _el(root, "Users")
    _el(users, "User", guid=user, name="testimony-pipeline (automatic coding)", id="auto")

    book = _el(root, "CodeBook")
    codes_el = _el(book, "Codes")
    parents: dict[str, etree._Element] = {}
    for code in codes:
        family = str(code.get("family") or "other")
        if family not in parents:
            shown = render_family(family, families.get(family))
            parents[family] = _el(codes_el, "Code", guid=shown.guid, name=shown.name,
                                  isCodable="false", color=shown.color)
            _el(parents[family], "Description").text = shown.description
        shown = render_code(code)
        code_el = _el(parents[family], "Code", guid=shown.guid, name=shown.name,
                      isCodable="true", color=shown.color)
        if shown.description:
            _el(code_el, "Description").text = shown.description

    variables = _el(root, "Variables")
    for attribute in ATTRIBUTES:
        _el(variables, "Variable", guid=guid("variable", attribute), name=attribute,
            typeOfVariable="Integer" if attribute == "interview_year" else "Text")

    meta = participants.set_index("participant_id")
    cases = _el(root, "Cases")
    for pid in sorted(transcripts):
        case = _el(cases, "Case", guid=guid("case", pid), name=pid)
        for attribute in ATTRIBUTES:
            if attribute not in meta.columns or pid not in meta.index:
                continue
            value = _el(case, "VariableValue")
            _el(value, "VariableRef", targetGUID=guid("variable", attribute))
            if attribute == "interview_year":
                _el(value, "IntegerValue").text = str(int(meta.loc[pid, attribute]))
            else:
                _el(value, "TextValue").text = str(meta.loc[pid, attribute])
        _el(case, "SourceRef", targetGUID=guid("source", pid))

    known_codes = {c["id"] for c in codes}
    sources = _el(root, "Sources")
    files: dict[str, str] = {}
    by_participant = {pid: group for pid, group in codings.groupby("participant_id")}
    for pid in sorted(transcripts):
        source_guid = guid("source", pid)
        files[f"Sources/{source_guid}.txt"] = transcripts[pid]
        source = _el(sources, "TextSource", guid=source_guid, name=pid,
                     plainTextPath=f"internal://{source_guid}.txt", creatingUser=user,
                     creationDateTime=FIXED_TIME)
        group = by_participant.get(pid)
        if group is None:
            continue
        group = group[group["code"].isin(known_codes)].sort_values(["start", "end", "code"])
        for row in group.itertuples():
            key = f"{pid}:{row.code}:{row.start}:{row.end}"
            selection = _el(source, "PlainTextSelection", guid=guid("selection", key),
                            name=row.code, startPosition=int(row.start),
                            endPosition=int(row.end), creatingUser=user,
                            creationDateTime=FIXED_TIME)
            score = score_of(row)
            _el(selection, "Description").text = evidence_label(row) + (
                f"; score {score:.3f}" if score is not None else "")
            coding = _el(selection, "Coding", guid=guid("coding", key), creatingUser=user,
                         creationDateTime=FIXED_TIME)
            _el(coding, "CodeRef", targetGUID=guid("code", row.code))
    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return xml, files


def write_qdpx(path: Path, project_xml: bytes, files: dict[str, str]) -> None:
    """Write a deterministic ZIP (fixed timestamps, sorted entries)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entries = [("project.qde", project_xml)] + [
            (name, text.encode("utf-8")) for name, text in sorted(files.items())]
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    Path(path).write_bytes(buffer.getvalue())


def validate_project(project_xml: bytes, schema_path: Path) -> list[str]:
    """Schema errors of a project.qde (empty list when valid)."""
    import xmlschema

    schema = xmlschema.XMLSchema(str(schema_path))
    return [str(error.reason) for error in schema.iter_errors(io.BytesIO(project_xml))]
