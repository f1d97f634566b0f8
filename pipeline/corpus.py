"""Read a corpus folder: metadata.csv and transcripts (.txt .docx .vtt .srt) into speaker turns.

The reader is strict: every problem is collected with the file and line it comes from and
what to do about it, and no message ever quotes transcript text. Participants whose consent
is withdrawn are dropped before their transcript is even opened.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import InputError, Problem
from pipeline.params import CorpusParams

log = logging.getLogger(__name__)

REQUIRED_COLUMNS = [
    "participant_id", "country", "language", "profile", "exploitation",
    "organization", "consent", "interview_year",
]
CONSENT_VALUES = ("granted", "withdrawn")
TRANSCRIPT_SUFFIXES = (".txt", ".docx", ".vtt", ".srt")
_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
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

    @property
    def participants(self) -> list[Participant]:
        return [t.participant for t in self.transcripts]


# --------------------------------------------------------------------------- text helpers

def normalise_text(text: str) -> str:
    """NFC, unified line ends, non-breaking/odd spaces to spaces, zero-width chars removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_ZERO_WIDTH).translate(_SPACES)
    return unicodedata.normalize("NFC", text)


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    magic = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\xd0\xcf\x11\xe0")
    return head.startswith(magic)


def decode_bytes(data: bytes, name: str) -> tuple[str | None, str, list[Problem], list[str]]:
    """Decode transcript bytes: UTF-8 (with or without BOM), else a plausible cp1252/latin-1."""
    if _looks_binary(data):
        return None, "", [Problem(name, "is a binary file, not text; export it as UTF-8 plain "
                                        "text (.txt), .docx, .vtt or .srt")], []
    try:
        return data.decode("utf-8-sig"), "utf-8", [], []
    except UnicodeDecodeError as exc:
        bad_line = data[: exc.start].count(b"\n") + 1
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


# --------------------------------------------------------------------------- metadata

def read_metadata(path: Path, params: CorpusParams) -> tuple[list[Participant], list[Problem]]:
    participants, problems, _ = _read_metadata(path, params)
    return participants, problems


def _read_metadata(path: Path, params: CorpusParams
                   ) -> tuple[list[Participant], list[Problem], set[str] | None]:
    """Participants, problems, and every id named in a row (None if the file is unusable)."""
    name = str(path)
    if not path.exists():
        return [], [Problem(name, "not found; every corpus needs a metadata.csv (see the "
                                  "corpus format in README.md)")], None
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return [], [Problem(name, "is not UTF-8; save it as 'CSV UTF-8'", line=line)], None
    text = normalise_text(text)
    if not text.strip():
        return [], [Problem(name, "is empty; it needs a header row and one row per participant")], None
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        last = 0
        for row in reader:
            start = last + 1
            last = reader.line_num
            if row and any(cell.strip() for cell in row):
                rows.append((start, row))
    except csv.Error as exc:
        return [], [Problem(name, f"malformed CSV ({exc}); check quotes and separators",
                            line=reader.line_num)], None
    if not rows:
        return [], [Problem(name, "has no header row")], None
    header_line, header = rows[0]
    header = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return [], [Problem(name, f"missing required column(s): {', '.join(missing)}; the "
                                  f"header must name {', '.join(REQUIRED_COLUMNS)}",
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
    for line, row in rows[1:]:
        if len(row) != len(header):
            problems.append(Problem(name, f"row has {len(row)} fields but the header has "
                                          f"{len(header)}; look for a stray comma or an "
                                          "unclosed quote", line=line))
            continue
        rec = {h: cell.strip() for h, cell in zip(header, row, strict=True)}
        row_problems: list[Problem] = []
        pid = rec["participant_id"]
        row_ids.add(pid)
        if not _ID_PATTERN.match(pid):
            row_problems.append(Problem(name, "participant_id must be an opaque code of letters, "
                                              "digits, '-', '_' or '.' (e.g. AR-E01), never a "
                                              "name", line=line))
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
        for column, values in allowed.items():
            value = rec[column].lower()
            if value not in values:
                hint = " (set corpus." + column + "s in params.yaml)" if column != "consent" else ""
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


def _docx_lines(path: Path) -> tuple[list[tuple[int, str, str | None]], list[Problem]]:
    import docx  # python-docx

    name = str(path)
    if not zipfile.is_zipfile(path):
        return [], [Problem(name, "is not a valid Word .docx file (perhaps a renamed .doc or "
                                  "another format); re-save it from Word as .docx")]
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many types
        return [], [Problem(name, f"could not be opened as .docx ({type(exc).__name__}); "
                                  "re-save it from Word as .docx")]
    lines: list[tuple[int, str, str | None]] = []
    for number, paragraph in enumerate(document.paragraphs, start=1):
        for part in paragraph.text.split("\n"):
            lines.append((number, part, None))
    return lines, []


def _caption_lines(path: Path, text: str) -> tuple[list[tuple[int, str, str | None]], list[Problem]]:
    import webvtt

    name = str(path)
    try:
        if path.suffix.lower() == ".srt":
            captions = webvtt.from_buffer(io.StringIO(text), format="srt")
        else:
            captions = webvtt.from_string(text)
    except Exception as exc:  # noqa: BLE001 - webvtt raises several error types
        kind = "SubRip (.srt)" if path.suffix.lower() == ".srt" else "WebVTT (.vtt)"
        return [], [Problem(name, f"is not valid {kind} ({type(exc).__name__}); check the "
                                  "header and the timing lines")]
    lines: list[tuple[int, str, str | None]] = []
    for number, caption in enumerate(captions, start=1):
        voice = caption.voice.strip() if getattr(caption, "voice", None) else None
        for i, part in enumerate(caption.text.split("\n")):
            lines.append((number, part, voice if i == 0 else None))
    return lines, []


def parse_turns(lines: list[tuple[int, str, str | None]], params: CorpusParams, name: str,
                unit: str = "line") -> tuple[list[Turn], list[Problem], int]:
    """Turn (line number, text, voice) triples into speaker turns.

    A line that starts with a known label (or a cue with a voice tag) opens a turn; any other
    non-blank line continues the previous turn. Returns turns, problems, and the number of
    lines that look like an unknown speaker label.
    """
    pattern, speakers = _label_pattern(params)
    turns: list[dict] = []
    problems: list[Problem] = []
    unknown_labels = 0
    for number, raw, voice in lines:
        line = normalise_text(raw).strip()
        speaker = label = None
        if voice is not None:
            key = voice.upper()
            if key in speakers:
                speaker, label = speakers[key], voice
            else:
                problems.append(Problem(name, f"{unit} {number}: voice tag is not a known "
                                              "speaker label; add it to corpus.labels in "
                                              "params.yaml"))
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
                                          "INTERVIEWER: or PARTICIPANTE:"))
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
    if suffix == ".docx":
        lines, problems = _docx_lines(path)
        unit = "paragraph"
    else:
        text, encoding, problems, warnings = decode_bytes(path.read_bytes(), name)
        if text is None:
            return None, problems, warnings
        if suffix in (".vtt", ".srt"):
            if not normalise_text(text).strip():
                return None, [Problem(name, "is empty; remove the file or add the interview")], warnings
            lines, problems = _caption_lines(path, text)
            unit = "cue"
        else:
            lines = [(n, line, None) for n, line in enumerate(text.split("\n"), start=1)]
            unit = "line"
    if problems:
        return None, problems, warnings
    if not any(normalise_text(line).strip() for _, line, _ in lines):
        return None, [Problem(name, "is empty; remove the file (and its metadata row) or add "
                                    "the interview")], warnings
    turns, problems, unknown = parse_turns(lines, params, name, unit)
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
    problems: list[Problem] = []
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return {}, [Problem(str(folder), "transcripts folder not found; put one file per "
                                         "participant in <corpus>/transcripts/")]
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        if path.suffix.lower() not in TRANSCRIPT_SUFFIXES:
            problems.append(Problem(str(path), "unsupported transcript format; use .txt, .docx, "
                                               ".vtt or .srt"))
            continue
        if path.stem in found:
            problems.append(Problem(str(path), f"a second transcript for {path.stem} (also "
                                               f"{found[path.stem].name}); keep only one"))
            continue
        found[path.stem] = path
    return found, problems


def _scan(root: Path, params: CorpusParams) -> tuple[Corpus, list[Problem]]:
    root = Path(root)
    participants, problems, named_ids = _read_metadata(root / "metadata.csv", params)
    files, file_problems = find_transcripts(root / "transcripts")
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
    for warning in warnings:
        log.warning(warning)
    corpus = Corpus(root=root, transcripts=transcripts, n_withdrawn=withdrawn, warnings=warnings)
    return corpus, problems


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
