"""WebVTT (.vtt) and SubRip (.srt) captions: cues checked (file, cue, line, fix) and their
text read as numbered lines."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.corpus.decoding import split_lines
from pipeline.errors import Problem

# The line terminators of caption files (WebVTT and SubRip): CRLF, CR and LF only.
_CUE_LINE_BREAK = re.compile(r"\r\n|\r|\n")

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
