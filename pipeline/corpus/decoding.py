"""Transcript text: decoding bytes (byte-order marks, UTF-8, legacy cp1252/latin-1), line
breaks and normalisation."""

from __future__ import annotations

import codecs
import re
import unicodedata

from pipeline.errors import Problem

# Line breaks of transcript text: CRLF, CR and LF in any mix, and the other characters that
# end a line in Unicode (form feed, vertical tab, NEL, line and paragraph separators).
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")
# CRLF, CR and LF in raw bytes: the line of a byte that cannot be decoded.
_BYTE_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2009\u200a\u3000\t"), " ")
# Non-ASCII characters expected in Spanish or English text decoded from a legacy encoding.
_PLAUSIBLE_LEGACY = set("áéíóúÁÉÍÓÚñÑüÜ¿¡ºª°çÇàèìòùÀÈÌÒÙâêîôûãõ«»“”‘’–—…€·´¨")


def split_lines(text: str) -> list[str]:
    """Split text on every line break: CRLF, bare CR and LF in any mix, and U+2028/U+2029,
    NEL, form feed and vertical tab. Like ``str.split("\\n")``, a final break gives a final
    empty line, so line numbers are those an editor shows."""
    return _LINE_BREAK.split(text)


# Any character the two tables above change (translating costs a dictionary lookup per
# character: most lines have none of them, so they are looked for first)
_ODD_CHARACTER = re.compile("[" + re.escape("".join(map(chr, {**_ZERO_WIDTH, **_SPACES})))
                            + "]")


def normalise_text(text: str) -> str:
    """NFC, unified line ends, non-breaking/odd spaces to spaces, zero-width chars removed."""
    text = _LINE_BREAK.sub("\n", text)
    if _ODD_CHARACTER.search(text):
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
