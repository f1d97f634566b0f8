"""Dates: the per-participant day shift and dates shifted in their own format and language."""

from __future__ import annotations

import datetime as dt
import re

from pipeline.redaction.surrogates.shapes import seed_int
from pipeline.redaction.textutil import fold

# --------------------------------------------------------------------------- dates

MONTHS_ES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
             "septiembre", "octubre", "noviembre", "diciembre")
MONTHS_EN = ("january", "february", "march", "april", "may", "june", "july", "august",
             "september", "october", "november", "december")
_ABBR_ES = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")
_ABBR_EN = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_WORD = r"[A-Za-zÁÉÍÓÚáéíóú]+"


def date_shift_days(seed: int, participant_id: str) -> int:
    """The participant's date shift: between -180 and +180 days, never 0."""
    value = seed_int(seed, participant_id, "DATE_SHIFT") % 360
    return value - 180 if value < 180 else value - 179


def _month_of(word: str, language: str) -> tuple[int, str, str] | None:
    """(month, language, style) for a month word; style 'full', 'abbr', 'sept' or 'setiembre'.
    A word of both languages ("mar", "may") is read in `language` first."""
    w = fold(word)
    order = ("es", "en") if language == "es" else ("en", "es")
    for lang in order:
        full, abbr = (MONTHS_ES, _ABBR_ES) if lang == "es" else (MONTHS_EN, _ABBR_EN)
        if w in full:
            return full.index(w) + 1, lang, "full"
        if lang == "es" and w == "setiembre":
            return 9, lang, "setiembre"
        if w in abbr:
            return abbr.index(w) + 1, lang, "abbr"
        if w in ("sept", "set"):
            return 9, lang, "sept"
    return None


def _month_word(month: int, lang: str, style: str, like: str) -> str:
    full, abbr = (MONTHS_ES, _ABBR_ES) if lang == "es" else (MONTHS_EN, _ABBR_EN)
    if style == "full":
        word = full[month - 1]
    elif style == "setiembre":
        word = "setiembre" if month == 9 else full[month - 1]
    elif style == "sept":
        word = like.lower() if month == 9 else abbr[month - 1]
    else:
        word = abbr[month - 1]
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _ordinal_en(day: int) -> str:
    if 10 <= day % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= 40 else 1900
    return year


def _year_text(year: int, like: str) -> str:
    return f"{year % 100:02d}" if len(like) == 2 else f"{year:04d}"


def _number_text(value: int, like: str, pad: bool) -> str:
    return f"{value:02d}" if pad and len(like) == 2 else str(value)


_DAY = r"(?P<day>\d{1,2}|primero|Primero|PRIMERO)(?P<ord>º|°|ro|st|nd|rd|th)?"
_YEAR = r"['’]?(?P<year>\d{4}|\d{2})"
_WRITTEN = [
    # 12 de marzo de 2015, primero de marzo del 2015, 12 de marzo
    re.compile(rf"{_DAY}\s+de\s+(?P<month>{_MONTH_WORD})\.?(?:\s+(?:de|del)\s+{_YEAR})?",
               re.IGNORECASE),
    # 12 March 2015, the 12th of March, 2015
    re.compile(rf"(?:the\s+)?{_DAY}\s+(?:of\s+)?(?P<month>{_MONTH_WORD})\.?(?:,?\s+{_YEAR})?",
               re.IGNORECASE),
    # March 12, 2015, March the 12th
    re.compile(rf"(?P<month>{_MONTH_WORD})\.?\s+(?:the\s+)?{_DAY}(?:,?\s+{_YEAR})?",
               re.IGNORECASE),
    # marzo de 2015, March 2015, March, 2015
    re.compile(rf"(?P<month>{_MONTH_WORD})\.?,?\s+(?:(?:de|del)\s+)?{_YEAR}", re.IGNORECASE),
]
_NUMERIC = re.compile(r"(?P<a>\d{1,2})(?P<s1>[/.-])(?P<b>\d{1,2})(?P<s2>[/.-])(?P<year>\d{4}|\d{2})")
_ISO = re.compile(r"(?P<year>\d{4})(?P<s1>[-/.])(?P<b>\d{1,2})(?P<s2>[-/.])(?P<a>\d{1,2})")


def _substitute(text: str, match: re.Match, values: dict[str, str]) -> str:
    edits = sorted(((match.start(g), match.end(g), v) for g, v in values.items()
                    if match.group(g) is not None), reverse=True)
    for start, end, value in edits:
        text = text[:start] + value + text[end:]
    return text


def _shift_written(text: str, match: re.Match, days: int, language: str) -> str | None:
    # "Mar. 12, 2015" is English and "12 de mar. de 2015" Spanish, whatever the transcript
    if re.search(r"\bdel?\b", text, re.IGNORECASE):
        language = "es"
    elif re.search(r",|\b(?:the|of)\b|\d(?:st|nd|rd|th)\b", text, re.IGNORECASE):
        language = "en"
    found = _month_of(match.group("month"), language)
    if found is None:
        return None
    month, lang, style = found
    groups = match.groupdict()
    year_text = groups.get("year")
    day_text = groups.get("day")
    values: dict[str, str] = {}
    if day_text is None:  # month and year: shift whole months, at least one
        months = (1 if days > 0 else -1) * max(1, round(abs(days) / 30.4375))
        index = _full_year(year_text) * 12 + (month - 1) + months
        year, month = divmod(index, 12)
        month += 1
    else:
        day = 1 if fold(day_text) == "primero" else int(day_text)
        try:
            start = dt.date(_full_year(year_text) if year_text else 2000, month, day)
        except ValueError:
            return None
        shifted = start + dt.timedelta(days=days)
        year, month, day = shifted.year, shifted.month, shifted.day
        if fold(day_text) == "primero" and day == 1:
            values["day"] = day_text
        else:
            values["day"] = f"{day:02d}" if day_text.startswith("0") else str(day)
        suffix = groups.get("ord")
        if suffix is not None:
            if suffix.lower() in ("st", "nd", "rd", "th"):
                ordinal = _ordinal_en(day)
                values["ord"] = ordinal.upper() if suffix.isupper() else ordinal
            elif day != 1:
                values["ord"] = ""
    values["month"] = _month_word(month, lang, style, match.group("month"))
    if year_text:
        values["year"] = _year_text(year, year_text)
    return _substitute(text, match, values)


def _shift_numeric(text: str, match: re.Match, days: int, iso: bool) -> str | None:
    a, b, year_text = match.group("a"), match.group("b"), match.group("year")
    year = _full_year(year_text)
    orders = [(int(a), int(b), "a", "b")] if iso else [(int(a), int(b), "a", "b"),
                                                      (int(b), int(a), "b", "a")]
    for day, month, day_group, month_group in orders:  # day first; month first if it must
        try:
            start = dt.date(year, month, day)
        except ValueError:
            continue
        shifted = start + dt.timedelta(days=days)
        pad = iso or any(len(g) == 2 for g in (a, b))
        values = {day_group: _number_text(shifted.day, match.group(day_group), pad),
                  month_group: _number_text(shifted.month, match.group(month_group), pad),
                  "year": _year_text(shifted.year, year_text)}
        return _substitute(text, match, values)
    return None


def shift_date(original: str, days: int, language: str = "es") -> str | None:
    """`original` moved by `days` days and written in its own format and language:
    "12 de marzo de 2015", "marzo de 2015" (whole months), "March 12th, 2015",
    "12/03/2015" (day first unless impossible), "2015-03-12". None if it is not a date."""
    text = original.strip()
    lead = original[:len(original) - len(original.lstrip())]
    trail = original[len(original.rstrip()):]
    for pattern, iso in ((_ISO, True), (_NUMERIC, False)):
        match = pattern.fullmatch(text)
        if match:
            result = _shift_numeric(text, match, days, iso)
            return None if result is None else lead + result + trail
    for pattern in _WRITTEN:
        match = pattern.fullmatch(text)
        if match:
            result = _shift_written(text, match, days, language)
            if result is not None:
                return lead + result + trail
    return None
