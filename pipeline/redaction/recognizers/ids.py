"""LatamIdRecognizer: national ID, tax, passport and bank numbers, scored by their check
digits (python-stdnum) where the format has them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import ModuleType

from stdnum.ar import cuit as ar_cuit
from stdnum.co import nit as co_nit
from stdnum.ec import ci as ec_ci
from stdnum.ec import ruc as ec_ruc
from stdnum.mx import curp as mx_curp
from stdnum.mx import rfc as mx_rfc
from stdnum.pe import cui as pe_cui
from stdnum.pe import ruc as pe_ruc

from pipeline.redaction.recognizers.base import Rule, RuleRecognizer
from pipeline.redaction.recognizers.money import is_money, only_digits


@dataclass(frozen=True)
class CheckDigits:
    """Validator: `score_ok` when the stdnum `module` accepts the number, else `score_bad`
    (None rejects it); an amount of money is rejected."""

    module: ModuleType
    score_ok: float
    score_bad: float | None

    def __call__(self, match: re.Match, text: str) -> float | None:
        value = match.group(0)
        if is_money(match, text):
            return None
        try:
            ok = self.module.is_valid(value)
        except Exception:  # noqa: BLE001 - stdnum raises several types on odd input
            ok = False
        return self.score_ok if ok else self.score_bad


def _rfc_check(match: re.Match, text: str) -> float | None:
    try:
        mx_rfc.validate(match.group(0), validate_check_digits=True)
        return 0.9
    except Exception:  # noqa: BLE001
        return 0.4


def _generic_number(match: re.Match, text: str) -> float | None:
    if is_money(match, text):
        return None
    digits = only_digits(match.group(0))
    if not 6 <= len(digits) <= 13:
        return None
    # a year range like 1995-2001 is not an identifier
    if re.fullmatch(r"(19|20)\d\d\s*[-–/]\s*(19|20)\d\d", match.group(0)):
        return None
    return 0.55 if len(digits) >= 7 else 0.4


# laws, decrees and articles are cited by number too ("Decreto Supremo N° 017-2017"): public
_LAW_BEFORE = re.compile(r"(?:ley|decreto|resoluci[oó]n|law|decree|act|art[ií]culo|article|"
                         r"protocolo?|rule|regla|convenio|convention)\W+(?:\w+\W+){0,2}$",
                         re.IGNORECASE)


def _case_reference(match: re.Match, text: str) -> float | None:
    """A complaint's, case's or file's number: not a bare year, not a law's number."""
    code = match.group("code")
    if is_money(match, text):
        return None
    digits = only_digits(code)
    if len(digits) < 3 or re.fullmatch(r"(?:19|20)\d\d", digits):
        return None
    if _LAW_BEFORE.search(text[max(0, match.start() - 40):match.start()]):
        return None
    return 0.6


_NUMBER_SIGN = r"(?:[Nn](?:[º°o]s?\.?|os?\.|\.[º°]|ros?\.)|[Nn]úmeros?|[Nn]umbers?|#)"
_REFERENCE = (r"(?:expediente|exp\.|carpeta(?:\s+de\s+investigaci[oó]n)?|denuncia|caso|causa|"
              r"radicado|oficio|folio|legajo|case|file|application|complaint|"
              r"police\s+report|reference|ref\.)")
_B = r"(?<![\w.-])"
_E = r"(?![\w-]|\.\d)"
RULES = (
    Rule("ar_cuit", re.compile(_B + r"(?:20|23|24|27|30|33|34)-?\d{8}-?\d" + _E), 0.95,
         validator=CheckDigits(ar_cuit, 0.95, 0.45)),
    Rule("mx_curp", re.compile(_B + r"[A-Z][AEIOUX][A-Z]{2}\d{6}[HM][A-Z]{5}[A-Z0-9]\d" + _E),
         0.95, validator=CheckDigits(mx_curp, 0.95, 0.45)),
    Rule("mx_rfc", re.compile(_B + r"[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}" + _E), 0.9,
         validator=_rfc_check),
    Rule("ec_ci", re.compile(_B + r"\d{9}-?\d" + _E), 0.9, validator=CheckDigits(ec_ci, 0.9, None)),
    Rule("ec_ruc", re.compile(_B + r"\d{13}" + _E), 0.9, validator=CheckDigits(ec_ruc, 0.9, None)),
    Rule("pe_ruc", re.compile(_B + r"(?:10|15|17|20)\d{9}" + _E), 0.9,
         validator=CheckDigits(pe_ruc, 0.9, None)),
    Rule("pe_cui", re.compile(_B + r"\d{8}-\d" + _E), 0.85,
         validator=CheckDigits(pe_cui, 0.9, 0.5)),
    Rule("co_nit", re.compile(_B + r"\d{3}\.?\d{3}\.?\d{3}-\d" + _E), 0.85,
         validator=CheckDigits(co_nit, 0.9, 0.5)),
    # dotted national ID numbers: AR DNI 23.456.789, CO cédula 1.023.456.789
    Rule("dotted_id", re.compile(_B + r"\d{1,3}(?:\.\d{3}){2,3}" + _E), 0.6,
         validator=_generic_number),
    # plain long numbers: PE DNI (8), CO cédula (6-10), AR DNI (7-8)
    Rule("long_number", re.compile(_B + r"\d{6,13}" + _E), 0.55, validator=_generic_number),
    # grouped digits: GT DPI "2356 78910 0101", other national IDs written in blocks
    # (valid phone numbers outscore this, so a phone stays a phone)
    Rule("grouped_number", re.compile(_B + r"\d{2,5}(?:[ -]\d{2,5}){2,3}" + _E), 0.5,
         validator=_generic_number),
    # case, complaint and file numbers: "(no. 36110/97)", "la denuncia 4587-2018",
    # "expediente N° 00231-2018": a slashed or hyphenated number after a number sign, or
    # any number after a word that names a case or a file
    Rule("case_reference", re.compile(
        rf"{_NUMBER_SIGN}\s*(?P<code>\d{{2,}}(?:[-/]\d+)+)(?![\w/-])"), 0.6,
         group="code", validator=_case_reference),
    Rule("case_reference", re.compile(
        rf"\b{_REFERENCE}\s*,?\s+(?:(?:es|era|fue|is|was)\s+)?(?:(?:el|la|the)\s+)?"
        rf"(?:{_NUMBER_SIGN}\s*)?(?P<code>(?-i:[A-Z]{{0,4}})[- ]?\d[\d./-]*\d(?:\s\d{{3,}})*)"
        rf"(?![\w/-])", re.IGNORECASE), 0.6, group="code", validator=_case_reference),
    # a file number over its year, with or without the office's letters: "8812/2015",
    # "FCR 8812/2015", "1.245/2023" (not "12/2015", a month)
    Rule("case_reference", re.compile(
        r"(?<![\w./-])(?P<code>(?:[A-Z]{2,5}[- ]?)?\d{1,3}(?:\.\d{3})+/(?:19|20)?\d\d|"
        r"(?:[A-Z]{2,5}[- ]?)?\d{3,7}/(?:19|20)\d\d)(?![\w/-])"), 0.6, group="code",
         validator=_case_reference),
    # very long numbers (a criminal case's 21 digits): no phone, ID card or amount is as long
    Rule("long_reference", re.compile(_B + r"\d{14,25}" + _E), 0.6,
         validator=lambda m, text: None if is_money(m, text) else 0.6),
    Rule("passport", re.compile(_B + r"[A-Z]{1,3}-?\d{6,9}" + _E), 0.45),
    Rule("iban", re.compile(_B + r"[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?" + _E),
         0.5),
)


class LatamIdRecognizer(RuleRecognizer):
    """Identifiers of Argentina, Mexico, Ecuador, Peru, Colombia and others (ID_NUMBER)."""

    def __init__(self, language: str):
        super().__init__("LatamIdRecognizer", "ID_NUMBER", list(RULES), language)


def id_recognizer(language: str) -> RuleRecognizer:
    return LatamIdRecognizer(language)
