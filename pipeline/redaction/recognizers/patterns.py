"""Regex fragments shared by the recognizers: capitalised words and sequences of them."""

from __future__ import annotations

UP = "A-ZÁÉÍÓÚÑÜ"
LOW = "a-záéíóúñüç"
CAP = rf"[{UP}][{LOW}'’]+(?:-[{UP}][{LOW}]+)?"
CONNECT = r"(?:de(?:\s+la|\s+los|\s+las)?|del|da|dos|van|von|y)"
NAME_SEQ = rf"{CAP}(?:\s+(?:{CONNECT}\s+)?{CAP}){{0,3}}"
