"""Codes that identify a person's account or device: messenger PINs, user codes, passwords.

A token mixing letters and digits ("3A7F09B2", "k9x2m7") is no word of any language. Next to a
word that asks for a code ("PIN", "código", "usuario", "user", "clave", "contraseña", "name"
on a platform, "perfil") it is
an identifier; without such a word, only a long token with several digits and letters is.
"""

from __future__ import annotations

import re

from pipeline.redaction.recognizers import Rule, RuleRecognizer

CODE = re.compile(r"(?<![\w@/.#-])(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{5,24}"
                  r"(?![\w@]|[.-]\w)")
# "1990s", "82nd", "4x4", "mp3", "covid19" style tokens: ordinals, decades, sizes, versions
NOT_CODE = re.compile(r"^(?:\d+(?:st|nd|rd|th|s|am|pm|hrs?|km|kg|cm|mm|gb|mb|ml)|"
                      r"[a-z]{2,8}\d{1,2}|\d{1,2}[a-z]{2,8}|\d+x\d+)$", re.IGNORECASE)
ASKS_FOR_CODE = re.compile(r"(?i:\b(?:pin|c[oó]digo|code|usuario|user(?:name)?|clave|contrase[ñn]a|"
                           r"password|passcode|id|cuenta|account|n[uú]mero|number|serial|imei|"
                           r"name|nombre|perfil|profile|handle|nick(?:name)?|apodo)\b)"
                           r"[^.\n]{0,30}$")


def _check(match: re.Match, text: str) -> float | None:
    token = match.group(0)
    if NOT_CODE.match(token):
        return None
    digits = sum(c.isdigit() for c in token)
    letters = len(token) - digits
    asked = ASKS_FOR_CODE.search(text[max(0, match.start() - 40):match.start()])
    if asked and digits >= 2 and letters >= 1:
        return 0.85
    if len(token) >= 7 and digits >= 3 and letters >= 2:
        return 0.6
    return None


# "P-04-00713", "TXR-45-82": letter and digit groups joined by hyphens
HYPHEN_CODE = re.compile(r"(?<![\w-])[A-Za-z0-9]{1,5}(?:-[A-Za-z0-9]{1,7}){2,4}(?![\w-])")


def _hyphen_check(match: re.Match, text: str) -> float | None:
    token = match.group(0)
    digits = sum(c.isdigit() for c in token)
    letters = sum(c.isalpha() for c in token)
    return 0.7 if digits >= 4 and letters >= 1 and letters <= 6 else None


def code_recognizer(language: str) -> RuleRecognizer:
    return RuleRecognizer("CodeRecognizer", "ID_NUMBER",
                          [Rule("code", CODE, 0.6, validator=_check),
                           Rule("hyphen_code", HYPHEN_CODE, 0.7, validator=_hyphen_check)],
                          language, context=[])
