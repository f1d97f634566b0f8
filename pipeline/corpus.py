"""Read a corpus folder: metadata.csv and transcripts (.txt .docx .vtt .srt) into speaker turns.

The reader is strict: every problem is collected with the file and line it comes from and
what to do about it, and no message ever quotes transcript text. Participants whose consent
is withdrawn are dropped before their transcript is even opened.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pycountry

from pipeline.errors import InputError, Problem
from pipeline.params import CorpusParams

log = logging.getLogger(__name__)

REQUIRED_COLUMNS = [
    "participant_id", "country", "language", "profile", "exploitation",
    "organization", "consent", "interview_year",
]
CONSENT_VALUES = ("granted", "withdrawn")
TRANSCRIPT_SUFFIXES = (".txt", ".docx", ".vtt", ".srt")
# Opaque ids only: upper-case letters and digits in groups joined by '-' or '_', with at
# least one digit (AR-E01, HO-07, ORG2_P15). Ids are published as file names and in every
# table, so "Justina.Mamani" or "JUSTINA-MAMANI" must be refused.
_ID_PATTERN = re.compile(r"^(?=.*\d)[A-Z0-9]+(?:[-_][A-Z0-9]+)*$")
ID_MAX_LENGTH = 32
_COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
# Where the allowed values of a metadata column are set in params.yaml.
_PARAMS_KEY = {"language": "corpus.languages", "profile": "corpus.profiles",
               "exploitation": "corpus.exploitation"}
# Line breaks of transcript text: CRLF, CR and LF in any mix, and the other characters that
# end a line in Unicode (form feed, vertical tab, NEL, line and paragraph separators).
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")
# The line terminators of caption files (WebVTT and SubRip): CRLF, CR and LF only.
_CUE_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BYTE_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2009\u200a\u3000\t"), " ")
# Non-ASCII characters expected in Spanish or English text decoded from a legacy encoding.
_PLAUSIBLE_LEGACY = set("áéíóúÁÉÍÓÚñÑüÜ¿¡ºª°çÇàèìòùÀÈÌÒÙâêîôûãõ«»“”‘’–—…€·´¨")
_UNKNOWN_LABEL = re.compile(r"^[A-ZÁÉÍÓÚÑ]{2,20}(?: [A-ZÁÉÍÓÚÑ]{2,20}){0,2}\s*:\s")


@dataclass(frozen=True)
class Participant:
    participant_id: str
    country: str
    language: str
    profile: str
    exploitation: str
    organization: str
    consent: str
    interview_year: int

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Turn:
    index: int
    speaker: str  # "interviewer" | "participant"
    label: str  # the label as written in the source (e.g. "ENTREVISTADORA", "P")
    text: str  # normalised text, continuation lines joined with "\n"
    line: int  # line (paragraph, cue) where the turn starts


@dataclass
class Transcript:
    participant: Participant
    source: Path
    turns: list[Turn]
    encoding: str = "utf-8"

    @property
    def participant_id(self) -> str:
        return self.participant.participant_id


@dataclass
class Corpus:
    root: Path
    transcripts: list[Transcript]
    n_withdrawn: int = 0
    warnings: list[str] = field(default_factory=list)
    # from the corpus's own `corpus.yaml` (optional): every transcript is invented
    synthetic: bool = False

    @property
    def participants(self) -> list[Participant]:
        return [t.participant for t in self.transcripts]


# --------------------------------------------------------------------------- text helpers

def split_lines(text: str) -> list[str]:
    """Split text on every line break: CRLF, bare CR and LF in any mix, and U+2028/U+2029,
    NEL, form feed and vertical tab. Like ``str.split("\\n")``, a final break gives a final
    empty line, so line numbers are those an editor shows."""
    return _LINE_BREAK.split(text)


def normalise_text(text: str) -> str:
    """NFC, unified line ends, non-breaking/odd spaces to spaces, zero-width chars removed."""
    text = _LINE_BREAK.sub("\n", text)
    text = text.translate(_ZERO_WIDTH).translate(_SPACES)
    return unicodedata.normalize("NFC", text)


def _line_at(data: bytes, offset: int) -> int:
    """1-based line of a byte offset, counting CRLF, bare CR and LF as line breaks."""
    return len(_BYTE_LINE_BREAK.findall(data, 0, offset)) + 1


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    magic = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\xd0\xcf\x11\xe0")
    return head.startswith(magic)


# UTF-32 first: its little-endian byte-order mark starts with UTF-16's.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _bom_encoding(data: bytes) -> str | None:
    return next((encoding for bom, encoding in _BOMS if data.startswith(bom)), None)


def _utf16_without_bom(data: bytes) -> str | None:
    """'UTF-16LE' or 'UTF-16BE' when text looks like UTF-16 with no byte-order mark.

    Latin-script text in UTF-16 has a zero byte in (nearly) every other position and almost
    none in the others; binary files do not show that pattern."""
    head = data[:8192]
    if len(head) < 8:
        return None
    for name, zero_at, other in (("UTF-16LE", 1, 0), ("UTF-16BE", 0, 1)):
        zeros, others = head[zero_at::2], head[other::2]
        if zeros.count(0) >= 0.7 * len(zeros) and others.count(0) <= 0.05 * len(others):
            try:
                data[: len(data) // 2 * 2].decode(name)
            except UnicodeDecodeError:
                return None
            return name
    return None


def decode_bytes(data: bytes, name: str) -> tuple[str | None, str, list[Problem], list[str]]:
    """Decode transcript bytes: UTF-16/32 with a byte-order mark, UTF-8 (with or without BOM),
    else a plausible cp1252/latin-1."""
    unicode = _bom_encoding(data)
    if unicode is not None:
        label = unicode.upper()
        try:
            text = data.decode(unicode)
        except UnicodeDecodeError:
            return None, "", [Problem(name, f"starts with a {label} byte-order mark but is not "
                                            f"valid {label}; open it in an editor and save it "
                                            "as UTF-8")], []
        warning = (f"{name}: {label} text, read as {label}. Re-save it as UTF-8 to silence "
                   "this warning")
        return text, unicode, [], [warning]
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return None, "", [Problem(name, f"looks like {utf16} text without a byte-order mark, "
                                        "which cannot be read safely; save it as UTF-8 (in an "
                                        "editor: Save As, encoding UTF-8; or iconv -f "
                                        f"{utf16} -t UTF-8)")], []
    if _looks_binary(data):
        return None, "", [Problem(name, "is a binary file, not text; export it as UTF-8 plain "
                                        "text (.txt), .docx, .vtt or .srt")], []
    try:
        return data.decode("utf-8-sig"), "utf-8", [], []
    except UnicodeDecodeError as exc:
        bad_line = _line_at(data, exc.start)
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        non_ascii = [c for c in text if ord(c) > 127]
        plausible = sum(c in _PLAUSIBLE_LEGACY for c in non_ascii)
        controls = sum(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in text)
        if non_ascii and plausible / len(non_ascii) >= 0.8 and controls == 0:
            warning = (f"{name}: not UTF-8; read as legacy {encoding}. Re-save it as UTF-8 to "
                       "silence this warning")
            return text, encoding, [], [warning]
    return None, "", [Problem(name, "has bytes that are not valid UTF-8 (nor a recognisable "
                                    "cp1252/latin-1 text); open it in an editor and save it "
                                    "as UTF-8", line=bad_line)], []


# --------------------------------------------------------------------------- files

def _file_problem(path: Path, what: str) -> str | None:
    """Why an existing path cannot be read as a file (None if it is a regular file).

    Never opens the path, so a named pipe cannot block the reader."""
    try:
        mode = path.stat().st_mode  # follows symbolic links
    except FileNotFoundError:
        if path.is_symlink():
            return ("is a symbolic link to a file that does not exist; replace the link with "
                    f"the {what} itself, or remove it")
        return "not found"
    except OSError as exc:
        return _unreadable(exc)
    if stat.S_ISDIR(mode):
        return f"is a folder, not a file; the {what} must be an ordinary file"
    if not stat.S_ISREG(mode):
        return ("is not a regular file (a named pipe, socket or device) and was not read; "
                f"replace it with the {what} saved as an ordinary file")
    return None


def _unreadable(exc: OSError) -> str:
    reason = exc.strerror or type(exc).__name__
    return (f"cannot be read ({reason}); check the file's permissions (it must be readable "
            "by the user running the pipeline, e.g. chmod u+r) or copy it again")


def _read_file(path: Path, what: str) -> tuple[bytes | None, Problem | None]:
    """The bytes of a regular file, or a problem saying why it cannot be read."""
    problem = _file_problem(path, what)
    if problem is not None:
        return None, Problem(str(path), problem)
    try:
        return path.read_bytes(), None
    except OSError as exc:
        return None, Problem(str(path), _unreadable(exc))


# --------------------------------------------------------------------------- metadata

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


# --------------------------------------------------------------------------- transcripts

def _label_pattern(params: CorpusParams) -> tuple[re.Pattern, dict[str, str]]:
    speakers: dict[str, str] = {}
    for label in params.labels.interviewer:
        speakers[label.upper()] = "interviewer"
    for label in params.labels.participant:
        speakers[label.upper()] = "participant"
    alternatives = "|".join(re.escape(lbl) for lbl in sorted(speakers, key=len, reverse=True))
    pattern = re.compile(rf"^\s*(?P<label>{alternatives})\s*:[ \t]*", re.IGNORECASE)
    return pattern, speakers


def _docx_lines(path: Path, data: bytes) -> tuple[list[tuple[int, str, str | None]], list[Problem]]:
    import docx  # python-docx

    name = str(path)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return [], [Problem(name, "is not a valid Word .docx file (perhaps a renamed .doc or "
                                  "another format); re-save it from Word as .docx")]
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many types
        return [], [Problem(name, f"could not be opened as .docx ({type(exc).__name__}); "
                                  "re-save it from Word as .docx")]
    lines: list[tuple[int, str, str | None]] = []
    for number, paragraph in enumerate(document.paragraphs, start=1):
        for part in split_lines(paragraph.text):
            lines.append((number, part, None))
    return lines, []


# Timestamps as webvtt-py reads them: WebVTT hours are optional, SubRip needs them. A comma
# or a full stop before the milliseconds is accepted in both.
_VTT_TIMESTAMP = r"(?:\d+:)?\d{1,2}:\d{1,2}[.,]\d{1,3}"
_SRT_TIMESTAMP = r"\d+:\d{1,2}:\d{1,2}[.,]\d{1,3}"
_VTT_TIMING = re.compile(rf"^\s*({_VTT_TIMESTAMP})\s*-->\s*({_VTT_TIMESTAMP})(?:\s.*)?$")
_SRT_TIMING = re.compile(rf"^\s*({_SRT_TIMESTAMP})\s*-->\s*({_SRT_TIMESTAMP})(?:\s.*)?$")
# A line meant as a timing line but mistyped: two times with a wrong or no arrow between them.
_TIMING_LIKE = re.compile(r"^\s*\d+:\d{2}[\d:.,]*\s*(?:[-–—=~\s]*>|→|[-–—~]+)?\s*\d+:\d{2}")
_MAX_CUE_PROBLEMS = 10


def _timing_like(line: str) -> bool:
    return "-->" in line or bool(_TIMING_LIKE.match(line))


def _timing_ok(line: str, srt: bool) -> bool:
    match = (_SRT_TIMING if srt else _VTT_TIMING).match(line)
    if match is None:
        return False
    for stamp in match.groups():
        *_, minutes, seconds, _ms = re.split(r"[:.,]", stamp)
        if int(minutes) > 59 or int(seconds) > 59:
            return False
    return True


def _cue_blocks(lines: list[str], vtt: bool) -> list[list[tuple[int, str]]]:
    """Blocks of numbered lines, split at blank lines and also where a timing line can only
    start a new cue (a missing blank line). A line of digits just before such a timing line
    goes with it, as its cue number. As in webvtt-py, a WebVTT block ends only at an empty
    line (a line of spaces is cue text) and a SubRip block at any blank line; the first WebVTT
    block is the header."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    in_header = vtt
    for number, line in enumerate(lines, start=1):
        if not (line if vtt else line.strip()):
            if current:
                blocks.append(current)
                current = []
                in_header = False
            continue
        if current and _timing_like(line) and (
                in_header or len(current) > 1 or _timing_like(current[0][1])):
            carried = []
            if len(current) >= 2 and current[-1][1].strip().isdecimal():
                carried = [current.pop()]
            blocks.append(current)
            current = carried
            in_header = False
        current.append((number, line))
    if current:
        blocks.append(current)
    return blocks


def _is_vtt_metadata_block(first: str) -> bool:
    """NOTE (comment), STYLE and REGION blocks of a WebVTT file: no transcript text."""
    return (first.split(maxsplit=1)[0] in ("NOTE", "STYLE", "REGION")) if first else False


def _caption_lines(path: Path, text: str
                   ) -> tuple[list[tuple[int, str, str | None]], list[Problem], dict[int, int]]:
    """Cue text as (cue number, line, voice) triples, the problems, and each cue's line.

    The cues are found here, with the line of every timing line, so that a malformed cue is
    reported (file, cue, line, fix) instead of dropped; webvtt-py then reads each cue's text
    and voice tag."""
    import webvtt

    name = str(path)
    srt = path.suffix.lower() == ".srt"
    kind = "SubRip (.srt)" if srt else "WebVTT (.vtt)"
    example = "00:00:01,000 --> 00:00:04,000" if srt else "00:00:01.000 --> 00:00:04.000"
    fix = f"write it as start --> end, e.g. {example}"
    lines = _CUE_LINE_BREAK.split(text.removeprefix("\ufeff"))
    if not srt and not lines[0].startswith("WEBVTT"):
        return [], [Problem(name, f"does not start with WEBVTT; the first line of a {kind} "
                                  "file must be WEBVTT (or, for SubRip captions, rename the "
                                  "file to .srt)", line=1)], {}
    blocks = _cue_blocks(lines, vtt=not srt)
    if not srt:
        blocks = blocks[1:]  # the WEBVTT header
    problems: list[Problem] = []
    cues: list[dict] = []  # number, line, payload lines, ok
    number = 0  # cue count, as a reader counts the cues in the file
    srt_index = 0  # the last SubRip cue number read
    loose_before_first = False
    for block in blocks:
        first_line, first = block[0]
        if _timing_like(first):
            timing_at = 0
        elif len(block) > 1 and _timing_like(block[1][1]):
            timing_at = 1
        else:
            timing_at = None
        if timing_at is None:
            if not srt and _is_vtt_metadata_block(first.strip()):
                continue
            if srt and first.strip().isdecimal() and int(first) == srt_index + 1 and len(block) > 1:
                number += 1
                srt_index += 1
                cues.append({"number": number, "line": first_line, "payload": [], "ok": False})
                problems.append(Problem(name, f"cue {number}: the cue number is not followed by "
                                              f"a timing line; add one ({example})",
                                        line=first_line))
                continue
            if srt and cues:  # SubRip text may hold a blank line: this continues the cue
                cues[-1]["payload"].extend(block)
                continue
            if not cues:
                if not loose_before_first:
                    problems.append(Problem(name, f"text before the first cue; a {kind} cue "
                                                  "starts with a timing line such as "
                                                  f"{example}", line=first_line))
                loose_before_first = True
                continue
            problems.append(Problem(name, f"a block of text with no timing line after cue "
                                          f"{number}, so its text would be lost; give it a "
                                          f"timing line ({example}), or remove the blank line "
                                          "that splits it from the cue before",
                                    line=first_line))
            continue
        number += 1
        timing_line, timing = block[timing_at]
        cue = {"number": number, "line": timing_line, "payload": block[timing_at + 1:],
               "ok": True}
        cues.append(cue)
        if srt and timing_at == 1:
            identifier = first.strip()
            if identifier.isdecimal():
                srt_index = int(identifier)
            else:
                cue["ok"] = False
                problems.append(Problem(name, f"cue {number}: the line before the timing line "
                                              "must be the cue number (1, 2, 3...) or nothing",
                                        line=first_line))
        elif srt:
            srt_index += 1
        if not _timing_ok(timing, srt):
            cue["ok"] = False
            text_arrow = "" if timing.lstrip()[:1].isdecimal() else (
                " (a line holding '-->' is read as a timing line: cue text cannot hold '-->')")
            problems.append(Problem(name, f"cue {number}: the timing line is malformed{text_arrow}"
                                          f"; {fix}", line=timing_line))
    if srt and not any(cue["ok"] for cue in cues) and loose_before_first and not problems[1:]:
        problems = [Problem(name, f"is not valid {kind}: no cue has a timing line; each cue is "
                                  f"a number, a timing line ({example}) and its text",
                            line=1)]
    if len(problems) > _MAX_CUE_PROBLEMS:
        more = len(problems) - _MAX_CUE_PROBLEMS
        problems = problems[:_MAX_CUE_PROBLEMS] + [
            Problem(name, f"and {more} more problem(s) like these; fix the ones above and "
                          "validate again")]
    if problems:
        return [], problems, {}
    triples: list[tuple[int, str, str | None]] = []
    for cue in cues:
        if not cue["payload"]:
            continue
        caption = webvtt.Caption(text=[line for _, line in cue["payload"]])
        voice = caption.voice.strip() if caption.voice else None
        for i, part in enumerate(split_lines(caption.text)):
            triples.append((cue["number"], part, voice if i == 0 else None))
    return triples, [], {cue["number"]: cue["line"] for cue in cues}


def parse_turns(lines: list[tuple[int, str, str | None]], params: CorpusParams, name: str,
                unit: str = "line", source_lines: dict[int, int] | None = None
                ) -> tuple[list[Turn], list[Problem], int]:
    """Turn (line number, text, voice) triples into speaker turns.

    A line that starts with a known label (or a cue with a voice tag) opens a turn; any other
    non-blank line continues the previous turn. Returns turns, problems, and the number of
    lines that look like an unknown speaker label. `source_lines` maps a unit number (a cue)
    to its line in the file, for the problems.
    """
    pattern, speakers = _label_pattern(params)
    turns: list[dict] = []
    problems: list[Problem] = []
    unknown_labels = 0
    for number, raw, voice in lines:
        line = normalise_text(raw).strip()
        where = source_lines.get(number) if source_lines else None
        speaker = label = None
        if voice is not None:
            key = voice.upper()
            if key in speakers:
                speaker, label = speakers[key], voice
            else:
                problems.append(Problem(name, f"{unit} {number}: voice tag is not a known "
                                              "speaker label; add it to corpus.labels in "
                                              "params.yaml", line=where))
                continue
            match = pattern.match(line)
            if match:  # a label repeated inside a voiced cue
                line = line[match.end():]
        else:
            match = pattern.match(line)
            if match:
                label = match.group("label")
                speaker = speakers[label.upper()]
                line = line[match.end():].strip()
        if speaker is not None:
            turns.append({"speaker": speaker, "label": label, "lines": [line] if line else [],
                          "line": number})
            continue
        if not line:
            continue
        if _UNKNOWN_LABEL.match(line):
            unknown_labels += 1
        if not turns:
            problems.append(Problem(name, f"{unit} {number}: text before the first speaker "
                                          "label; every turn must start with a label such as "
                                          "INTERVIEWER: or PARTICIPANTE:", line=where))
            continue
        turns[-1]["lines"].append(line)
    result = [Turn(index=i, speaker=t["speaker"], label=t["label"], text="\n".join(t["lines"]),
                   line=t["line"]) for i, t in enumerate(turns)]
    return result, problems, unknown_labels


def read_transcript(path: Path, participant: Participant, params: CorpusParams
                    ) -> tuple[Transcript | None, list[Problem], list[str]]:
    name = str(path)
    suffix = path.suffix.lower()
    warnings: list[str] = []
    encoding = "utf-8"
    source_lines: dict[int, int] = {}
    data, problem = _read_file(path, "transcript")
    if problem is not None:
        return None, [problem], warnings
    if suffix == ".docx":
        lines, problems = _docx_lines(path, data)
        unit = "paragraph"
    else:
        text, encoding, problems, warnings = decode_bytes(data, name)
        if text is None:
            return None, problems, warnings
        if suffix in (".vtt", ".srt"):
            if not normalise_text(text).strip():
                return None, [Problem(name, "is empty; remove the file or add the interview")], warnings
            lines, problems, source_lines = _caption_lines(path, text)
            unit = "cue"
        else:
            lines = [(n, line, None) for n, line in enumerate(split_lines(text), start=1)]
            unit = "line"
    if problems:
        return None, problems, warnings
    if not any(normalise_text(line).strip() for _, line, _ in lines):
        return None, [Problem(name, "is empty; remove the file (and its metadata row) or add "
                                    "the interview")], warnings
    turns, problems, unknown = parse_turns(lines, params, name, unit, source_lines)
    if not turns:
        return None, [Problem(name, "has no speaker label in the whole transcript; each turn "
                                    "must start with a label and a colon (INTERVIEWER:, "
                                    "PARTICIPANT:, ENTREVISTADORA:, PARTICIPANTE:, I:, P:, E:), "
                                    "or add your labels to corpus.labels in params.yaml")], warnings
    if unknown:
        warnings.append(f"{name}: {unknown} line(s) look like an unknown speaker label and were "
                        "read as continuation text; add the label to corpus.labels if needed")
    if problems:
        return None, problems, warnings
    if not any(t.speaker == "participant" and t.text for t in turns):
        return None, [Problem(name, "has no participant turn with text; check the labels")], warnings
    return Transcript(participant, path, turns, encoding), [], warnings


def find_transcripts(folder: Path) -> tuple[dict[str, Path], list[Problem]]:
    found, problems, _ = _find_transcripts(folder)
    return found, problems


def _find_transcripts(folder: Path) -> tuple[dict[str, Path], list[Problem], set[str]]:
    """Transcripts by participant id, problems, and the ids of files skipped as unreadable
    (named pipes, dangling links...), which are never opened."""
    problems: list[Problem] = []
    found: dict[str, Path] = {}
    skipped: set[str] = set()
    if not folder.is_dir():
        if folder.exists():
            message = ("is not a folder; put one file per participant in a folder "
                       "<corpus>/transcripts/")
        elif folder.is_symlink():
            message = ("is a symbolic link to a folder that does not exist; replace it with "
                       "the transcripts folder itself")
        else:
            message = ("transcripts folder not found; put one file per participant in "
                       "<corpus>/transcripts/")
        return {}, [Problem(str(folder), message)], skipped
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        return {}, [Problem(str(folder), _unreadable(exc))], skipped
    for path in entries:
        if path.name.startswith(".") or path.is_dir():
            continue
        if path.suffix.lower() not in TRANSCRIPT_SUFFIXES:
            problems.append(Problem(str(path), "unsupported transcript format; use .txt, .docx, "
                                               ".vtt or .srt"))
            continue
        problem = _file_problem(path, "transcript")
        if problem is not None:
            problems.append(Problem(str(path), problem))
            skipped.add(path.stem)
            continue
        if path.stem in found:
            problems.append(Problem(str(path), f"a second transcript for {path.stem} (also "
                                               f"{found[path.stem].name}); keep only one"))
            continue
        found[path.stem] = path
    return found, problems, skipped


def _scan(root: Path, params: CorpusParams) -> tuple[Corpus, list[Problem]]:
    root = Path(root)
    participants, problems, named_ids = _read_metadata(root / "metadata.csv", params)
    files, file_problems, skipped = _find_transcripts(root / "transcripts")
    problems.extend(file_problems)
    warnings: list[str] = []
    transcripts: list[Transcript] = []
    withdrawn = 0
    for participant in sorted(participants, key=lambda p: p.participant_id):
        if participant.consent == "withdrawn":
            withdrawn += 1
            continue
        path = files.get(participant.participant_id)
        if path is None:
            if participant.participant_id in skipped:
                continue  # already reported: the file is there but cannot be read
            problems.append(Problem(str(root / "metadata.csv"), f"participant "
                                    f"{participant.participant_id} has no transcript in "
                                    f"{root / 'transcripts'} (expected "
                                    f"{participant.participant_id}.txt/.docx/.vtt/.srt)"))
            continue
        transcript, t_problems, t_warnings = read_transcript(path, participant, params)
        problems.extend(t_problems)
        warnings.extend(t_warnings)
        if transcript is not None:
            transcripts.append(transcript)
    if named_ids is not None:
        for stem, path in files.items():
            if stem not in named_ids:
                problems.append(Problem(str(path), f"no row for {stem} in metadata.csv; add one "
                                                   "or remove the file"))
    synthetic, card_problems = read_corpus_card(root / CORPUS_CARD)
    problems.extend(card_problems)
    for warning in warnings:
        log.warning(warning)
    corpus = Corpus(root=root, transcripts=transcripts, n_withdrawn=withdrawn, warnings=warnings,
                    synthetic=synthetic)
    return corpus, problems


# A corpus may describe itself in `corpus.yaml` beside metadata.csv. Whether a corpus is
# synthetic is a fact about the corpus, so the report's "synthetic data" notice comes from here.
CORPUS_CARD = "corpus.yaml"
CARD_KEYS = {"synthetic": bool, "description": str}


def read_corpus_card(path: Path) -> tuple[bool, list[Problem]]:
    """(synthetic, problems) from an optional corpus card; no card means not synthetic."""
    from pipeline.errors import ConfigError
    from pipeline.io import read_yaml

    if not path.exists():
        return False, []
    try:
        data = read_yaml(path, "")
    except ConfigError as exc:  # its message already names the file (and line)
        where, _, message = str(exc).partition(": ")
        return False, [Problem(where, message)]
    if data is None:
        return False, []
    if not isinstance(data, dict):
        return False, [Problem(str(path), "expected settings such as 'synthetic: true', one "
                                          "per line")]
    problems = []
    for key, value in data.items():
        kind = CARD_KEYS.get(key)
        if kind is None:
            problems.append(Problem(str(path), f"unknown setting '{key}' (known: "
                                               f"{', '.join(CARD_KEYS)})"))
        elif not isinstance(value, kind):
            problems.append(Problem(str(path), f"'{key}' must be "
                                               + ("true or false" if kind is bool else "text")))
    return bool(data.get("synthetic") is True) and not problems, problems


def validate_corpus(root: Path | str, params: CorpusParams) -> list[Problem]:
    """Every problem of a corpus, not just the first."""
    _, problems = _scan(Path(root), params)
    return problems


def load_corpus(root: Path | str, params: CorpusParams) -> Corpus:
    """Read a corpus or raise InputError listing every problem."""
    corpus, problems = _scan(Path(root), params)
    if problems:
        raise InputError(problems)
    log.info("corpus: %d participants read, %d excluded (consent withdrawn)",
             len(corpus.transcripts), corpus.n_withdrawn)
    return corpus


def render_transcript(turns: list[tuple[str, str]]) -> tuple[str, list[tuple[int, int]]]:
    """Write (label, text) turns as a transcript; return the text and each turn's offsets.

    Offsets (start, end) point at the turn text inside the returned string, so codings can
    point at evidence in the written file.
    """
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    position = 0
    for i, (label, text) in enumerate(turns):
        prefix = ("\n" if i else "") + f"{label}: "
        parts.append(prefix)
        position += len(prefix)
        offsets.append((position, position + len(text)))
        parts.append(text + "\n")
        position += len(text) + 1
    return "".join(parts), offsets
