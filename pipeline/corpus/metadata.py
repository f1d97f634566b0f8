"""metadata.csv: reading and validating one row per participant."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pycountry

from pipeline.corpus.decoding import _bom_encoding, _line_at, _utf16_without_bom, normalise_text
from pipeline.corpus.files import _read_file
from pipeline.corpus.model import Participant
from pipeline.errors import Problem
from pipeline.params import CorpusParams

REQUIRED_COLUMNS = [
    "participant_id", "country", "language", "profile", "exploitation",
    "organization", "consent", "interview_year",
]
CONSENT_VALUES = ("granted", "withdrawn")
# Opaque ids only: upper-case letters and digits in groups joined by '-' or '_', with at
# least one digit (AR-E01, HO-07, ORG2_P15). Ids are published as file names and in every
# table, so "Justina.Mamani" or "JUSTINA-MAMANI" must be refused.
_ID_PATTERN = re.compile(r"^(?=.*\d)[A-Z0-9]+(?:[-_][A-Z0-9]+)*$")
ID_MAX_LENGTH = 32
_COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
# Where the allowed values of a metadata column are set in params.yaml.
_PARAMS_KEY = {"language": "corpus.languages", "profile": "corpus.profiles",
               "exploitation": "corpus.exploitation"}


def _separator_hint(cells: list[str], header: bool = False) -> str:
    """A hint when a row was written with semicolons (or, for the header, tabs: they are
    read as spaces) instead of commas."""
    joined = ",".join(cells)
    name = None
    if joined.count(";") >= len(REQUIRED_COLUMNS) // 2:
        name = "semicolons (;)"
    elif header and len(cells) == 1 and len(joined.split()) >= len(REQUIRED_COLUMNS) // 2:
        name = "tabs or spaces"
    if name is None:
        return ""
    return (f"; the values seem separated by {name}, but the separator must be a comma (,): "
            "save it from your spreadsheet as 'CSV UTF-8 (Comma delimited)'")


def _quote_trouble(text: str, start_line: int) -> tuple[int, int | None] | None:
    """Scan the CSV record starting at `start_line` for a quoted field that never closes.

    Returns (line where the quote opens, line where something follows its closing quote, or
    None if it is never closed), or None if no quoted field spans lines badly."""
    lines = text.split("\n")
    record = "\n".join(lines[start_line - 1:])
    line = start_line
    in_quote = False
    at_field_start = True
    opened = 0
    i = 0
    while i < len(record):
        char = record[i]
        if in_quote:
            if char == '"':
                if record[i + 1:i + 2] == '"':
                    i += 2
                    continue
                in_quote = False
                after = record[i + 1:i + 2]
                if after not in ("", ",", "\n") and opened != line:
                    return opened, line
            elif char == "\n":
                line += 1
        elif char == '"' and at_field_start:
            in_quote, opened = True, line
        elif char == "\n":
            return None  # the record ended cleanly: the error is something else
        at_field_start = char == "," and not in_quote
        i += 1
    return (opened, None) if in_quote else None


def _csv_problem(name: str, text: str, start_line: int, error_line: int,
                 exc: csv.Error) -> Problem:
    trouble = _quote_trouble(text, start_line)
    if trouble is not None:
        opened, closed = trouble
        if closed is None:
            message = ("malformed CSV: a quoted field opens on this line and is never closed; "
                       'add the closing quote (") or remove the stray one')
        else:
            message = ("malformed CSV: a quoted field opens on this line and runs on to line "
                       f'{closed}; add the missing closing quote (") on this line or remove '
                       "the stray one")
        return Problem(name, message, line=opened)
    return Problem(name, f"malformed CSV ({exc}); check quotes and separators", line=error_line)


def read_metadata(path: Path, params: CorpusParams) -> tuple[list[Participant], list[Problem]]:
    participants, problems, _ = _read_metadata(path, params)
    return participants, problems


def _read_metadata(path: Path, params: CorpusParams
                   ) -> tuple[list[Participant], list[Problem], set[str] | None]:
    """Participants, problems, and every id named in a row (None if the file is unusable)."""
    name = str(path)
    if not path.exists() and not path.is_symlink():
        return [], [Problem(name, "not found; every corpus needs a metadata.csv (see the "
                                  "corpus format in README.md)")], None
    data, problem = _read_file(path, "metadata table (metadata.csv)")
    if problem is not None:
        return [], [problem], None
    unicode = _bom_encoding(data) or _utf16_without_bom(data)
    if unicode is not None:
        return [], [Problem(name, f"is {unicode.upper()} text, not UTF-8; save it from your "
                                  "spreadsheet as 'CSV UTF-8 (Comma delimited)'")], None
    if data.startswith(b"PK\x03\x04"):
        return [], [Problem(name, "is a spreadsheet (.xlsx/.ods) or other zip file, not CSV "
                                  "text; save it from your spreadsheet as 'CSV UTF-8 (Comma "
                                  "delimited)'")], None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [Problem(name, "is not UTF-8; save it as 'CSV UTF-8'",
                            line=_line_at(data, exc.start))], None
    text = normalise_text(text)
    if not text.strip():
        return [], [Problem(name, "is empty; it needs a header row and one row per participant")], None
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    last = 0
    try:
        for row in reader:
            start = last + 1
            last = reader.line_num
            if row and any(cell.strip() for cell in row):
                rows.append((start, row))
    except csv.Error as exc:
        return [], [_csv_problem(name, text, last + 1, reader.line_num, exc)], None
    if not rows:
        return [], [Problem(name, "has no header row")], None
    header_line, header = rows[0]
    header = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return [], [Problem(name, f"missing required column(s): {', '.join(missing)}; the "
                                  f"header must name {', '.join(REQUIRED_COLUMNS)}"
                                  f"{_separator_hint(rows[0][1], header=True)}",
                            line=header_line)], None
    dupe_cols = sorted({h for h in header if header.count(h) > 1})
    if dupe_cols:
        problems.append(Problem(name, f"column(s) named twice: {', '.join(dupe_cols)}",
                                line=header_line))
    participants: list[Participant] = []
    seen: dict[str, int] = {}
    row_ids: set[str] = set()
    allowed = {
        "language": [v.lower() for v in params.languages],
        "profile": [v.lower() for v in params.profiles],
        "exploitation": [v.lower() for v in params.exploitation],
        "consent": list(CONSENT_VALUES),
    }
    id_column = header.index("participant_id")
    for line, row in rows[1:]:
        if len(row) != len(header):
            hint = _separator_hint(row)
            cells = row[0].split(";") if hint and len(row) == 1 else row
            if id_column < len(cells) and cells[id_column].strip():
                row_ids.add(cells[id_column].strip())  # no "no row for" its transcript too
            fields = f"{len(row)} field{'s' if len(row) != 1 else ''}"
            fix = hint or ("; look for a stray comma or an unclosed quote" if len(row) > len(header)
                           else "; a value (or the comma after it) is missing, or a value "
                                "holding a line break needs quotes")
            problems.append(Problem(name, f"row has {fields} but the header has "
                                          f"{len(header)}{fix}", line=line))
            continue
        rec = {h: cell.strip() for h, cell in zip(header, row, strict=True)}
        row_problems: list[Problem] = []
        pid = rec["participant_id"]
        row_ids.add(pid)
        if not _ID_PATTERN.match(pid) or len(pid) > ID_MAX_LENGTH:
            row_problems.append(Problem(name, "participant_id must be an opaque code: upper-case "
                                              "letters and digits in groups joined by '-' or '_', "
                                              "with at least one digit, at most "
                                              f"{ID_MAX_LENGTH} characters (e.g. AR-E01), "
                                              "never a name", line=line))
        elif pid in seen:
            row_problems.append(Problem(name, f"duplicate participant_id {pid} (first at line "
                                              f"{seen[pid]}); each participant needs one row",
                                        line=line))
        else:
            seen[pid] = line
        country = rec["country"].upper()
        if not _COUNTRY_PATTERN.match(country):
            row_problems.append(Problem(name, f"country {rec['country']!r} is not an ISO 3166 "
                                              "alpha-2 code such as AR, CO, EC, MX or PE",
                                        line=line))
        elif pycountry.countries.get(alpha_2=country) is None:
            row_problems.append(Problem(name, f"country {rec['country']!r} is not an assigned "
                                              "ISO 3166 alpha-2 country code; use one such as "
                                              "AR, CO, EC, MX or PE", line=line))
        for column, values in allowed.items():
            value = rec[column].lower()
            if value not in values:
                hint = f" (set {_PARAMS_KEY[column]} in params.yaml)" if column in _PARAMS_KEY else ""
                row_problems.append(Problem(name, f"unknown {column} {rec[column]!r}; use one "
                                                  f"of: {', '.join(values)}{hint}", line=line))
        try:
            year = int(rec["interview_year"])
            if not 1950 <= year <= 2100:
                raise ValueError
        except ValueError:
            year = 0
            row_problems.append(Problem(name, "interview_year must be a year such as 2014",
                                        line=line))
        if not rec["organization"]:
            row_problems.append(Problem(name, "organization is empty; give the short code of "
                                              "the interviewing organisation", line=line))
        problems.extend(row_problems)
        if not row_problems:
            participants.append(Participant(
                participant_id=pid, country=country, language=rec["language"].lower(),
                profile=rec["profile"].lower(), exploitation=rec["exploitation"].lower(),
                organization=rec["organization"], consent=rec["consent"].lower(),
                interview_year=year))
    return participants, problems, set(seen) | row_ids
