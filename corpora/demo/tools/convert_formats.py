"""Turn a few demo transcripts into .docx, .vtt and .srt so every reader is exercised.

Run once after writing the .txt transcripts (idempotent: skips files already converted):
    .venv/bin/python corpora/demo/tools/convert_formats.py
Text and turn order are preserved: each turn becomes one Word paragraph (continuation lines
as further paragraphs), or one subtitle cue with a <v Speaker> voice tag (.vtt) or a label
prefix (.srt).
"""

from __future__ import annotations

import re
from pathlib import Path

import docx

HERE = Path(__file__).resolve().parents[1]
TRANSCRIPTS = HERE / "transcripts"
DOCX = ["AR-E04", "CO-E05", "PE-E07"]
VTT = ["MX-E04", "EC-E02"]
SRT = ["CO-E10"]
LABEL = re.compile(r"^(?P<label>[A-ZÁÉÍÓÚÑa-z]+):\s*(?P<text>.*)$")


def turns_of(text: str) -> list[tuple[str, list[str]]]:
    turns: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = LABEL.match(line)
        if match:
            turns.append((match.group("label"), [match.group("text")]))
        else:
            turns[-1][1].append(line.strip())
    return turns


def stamp(seconds: int, sep: str) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}{sep}000"


def to_docx(source: Path) -> None:
    document = docx.Document()
    for label, lines in turns_of(source.read_text(encoding="utf-8")):
        document.add_paragraph(f"{label}: {lines[0]}")
        for line in lines[1:]:
            document.add_paragraph(line)
    document.core_properties.author = "testimony demo corpus"
    document.save(str(source.with_suffix(".docx")))


def to_captions(source: Path, fmt: str) -> None:
    voices = {"INTERVIEWER": "Interviewer", "PARTICIPANT": "Participant",
              "ENTREVISTADORA": "Entrevistadora", "ENTREVISTADOR": "Entrevistador",
              "PARTICIPANTE": "Participante", "I": "Interviewer", "P": "Participant",
              "E": "Entrevistadora"}
    out = ["WEBVTT", ""] if fmt == "vtt" else []
    clock = 1
    for number, (label, lines) in enumerate(turns_of(source.read_text(encoding="utf-8")), 1):
        length = max(3, sum(len(x.split()) for x in lines) // 2)
        sep = "." if fmt == "vtt" else ","
        if fmt == "srt":
            out.append(str(number))
        out.append(f"{stamp(clock, sep)} --> {stamp(clock + length, sep)}")
        first = f"<v {voices[label.upper()]}>{lines[0]}" if fmt == "vtt" else f"{label}: {lines[0]}"
        out.extend([first, *lines[1:], ""])
        clock += length + 1
    source.with_suffix(f".{fmt}").write_text("\n".join(out), encoding="utf-8")


def main() -> None:
    for stem in DOCX + VTT + SRT:
        source = TRANSCRIPTS / f"{stem}.txt"
        if not source.exists():
            continue
        if stem in DOCX:
            to_docx(source)
        else:
            to_captions(source, "vtt" if stem in VTT else "srt")
        source.unlink()
        print(f"converted {stem}")


if __name__ == "__main__":
    main()
