"""The thematic codebook: YAML file -> validated model, with messages that name the code.

Rule syntax is documented at the top of codebooks/trafficking_themes.yaml and in the README.
A *term* is a string of alternative phrases separated by `|`; a phrase is a sequence of words
separated by spaces; `word*` is a prefix (at least 3 letters) and `...` skips 0-3 tokens.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipeline.coding.terms import parse_term
from pipeline.errors import ConfigError
from pipeline.io import read_yaml

CODE_ID = re.compile(r"^[A-Z][A-Z0-9_]{1,63}$")
RULE_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Labels(Strict):
    en: str
    es: str


class Examples(Strict):
    en: list[str] = Field(min_length=1)
    es: list[str] = Field(min_length=1)


class Rule(Strict):
    id: str
    terms: list[str] | None = None
    pattern: list[dict[str, Any]] | None = None
    with_: list[str] | None = Field(default=None, alias="with")
    unless: list[str] = Field(default_factory=list)
    within: Literal["sentence", "near", "turn", "exchange"] = "sentence"
    negation: Literal["drop", "keep", "require"] = "drop"
    valence: bool = True  # does this rule's evidence carry the care code's valence?
    # Inherent judgement of the rule's wording ("explained my rights" is positive, "nobody told
    # me" negative): the evidence's valence when no valence cue is found around it.
    polarity: Literal["positive", "negative"] | None = None

    @field_validator("id")
    @classmethod
    def _rule_id(cls, value: str) -> str:
        if not RULE_ID.match(value):
            raise ValueError("rule ids are lower_snake_case (letters, digits, _)")
        return value


class Code(Strict):
    id: str
    family: str
    label: Labels
    definition: str
    when_to_use: str
    when_not_to_use: str
    examples: Examples
    rules: dict[str, list[Rule]]
    valence: bool = False
    # valence when no cue around the evidence is polarised (default: coding.default_valence)
    default_valence: Literal["positive", "negative", "mixed"] | None = None
    # A code defined as a lack ("lacking identity documents") has that valence always.
    fixed_valence: Literal["positive", "negative", "mixed"] | None = None
    # Pseudo-evidence of `default_valence` added to each participant's cues: a prior for codes
    # that are almost always judged one way (NGO support "valued"); 0 = no prior.
    valence_prior: int = Field(default=0, ge=0, le=10)

    @field_validator("id")
    @classmethod
    def _code_id(cls, value: str) -> str:
        if not CODE_ID.match(value):
            raise ValueError("code ids are UPPER_SNAKE_CASE, e.g. CARE_PSYCH")
        return value


class ValenceCues(Strict):
    positive: list[str] = Field(min_length=1)
    negative: list[str] = Field(min_length=1)


class CodebookHead(Strict):
    version: int = 1
    name: str
    languages: list[str] = Field(default_factory=lambda: ["en", "es"])
    families: dict[str, Labels]
    negation_cues: dict[str, list[str]]
    scope_breaks: dict[str, list[str]] = Field(default_factory=dict)
    negation_exceptions: dict[str, list[str]] = Field(default_factory=dict)
    valence_cues: dict[str, ValenceCues]
    contrast_cues: dict[str, list[str]] = Field(default_factory=dict)
    # Openers whose clause a following contrast overrides ("at first I hated it, but...").
    concession_cues: dict[str, list[str]] = Field(default_factory=dict)
    # Explicitly ambivalent appraisals ("yes and no", "más o menos"): care evidence in a
    # sentence with one of these (or a reply opening with one) is mixed.
    mixed_cues: dict[str, list[str]] = Field(default_factory=dict)


class Codebook(CodebookHead):
    codes: list[Code]

    def code(self, code_id: str) -> Code:
        for code in self.codes:
            if code.id == code_id:
                return code
        raise KeyError(code_id)

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.codes]


def _where(error: dict) -> str:
    return ".".join(str(p) for p in error["loc"]) or "(top level)"


def _describe(error: dict) -> str:
    if error["type"] == "extra_forbidden":
        return f"'{_where(error)}' is not a known key (check its spelling)"
    if error["type"] == "missing":
        return f"'{_where(error)}' is required"
    return f"'{_where(error)}': {error['msg']}"


def _validate_pattern(pattern: list[dict], key: str) -> str | None:
    from spacy.matcher import Matcher
    from spacy.vocab import Vocab
    try:
        Matcher(Vocab(), validate=True).add(key, [pattern])
    except Exception as exc:  # spaCy raises MatchPatternError / ValueError with details
        return f"invalid spaCy pattern ({str(exc).splitlines()[0][:200]})"
    return None


def _term_problems(terms: list[str], what: str) -> list[str]:
    problems = []
    for i, term in enumerate(terms):
        try:
            parse_term(term)
        except ValueError as exc:
            problems.append(f"{what}[{i}]: {exc}")
    return problems


def parse_codebook(data: Any, source: str = "codebook") -> Codebook:
    """Validate a loaded YAML mapping; every problem names the code (and rule) it is in."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: must be a mapping with 'families', 'codes', ...")
    problems: list[str] = []
    head_data = {k: v for k, v in data.items() if k != "codes"}
    head = None
    try:
        head = CodebookHead.model_validate(head_data)
    except ValidationError as exc:
        problems.extend(_describe(e) for e in exc.errors())
    raw_codes = data.get("codes")
    if not isinstance(raw_codes, list) or not raw_codes:
        problems.append("'codes' must be a non-empty list of codes")
        raw_codes = []
    codes: list[Code] = []
    seen: dict[str, int] = {}
    languages = head.languages if head else ["en", "es"]
    for index, raw in enumerate(raw_codes):
        name = raw.get("id") if isinstance(raw, dict) else None
        who = f"code {name}" if name else f"code #{index + 1}"
        if not isinstance(raw, dict):
            problems.append(f"{who}: must be a mapping (id, family, label, ...)")
            continue
        try:
            code = Code.model_validate(raw)
        except ValidationError as exc:
            problems.extend(f"{who}: {_describe(e)}" for e in exc.errors())
            continue
        if code.id in seen:
            problems.append(f"{who}: duplicate id (also code #{seen[code.id] + 1}); ids must "
                            "be unique")
        seen.setdefault(code.id, index)
        if head and code.family not in head.families:
            problems.append(f"{who}: family '{code.family}' is not defined under 'families' "
                            f"(defined: {', '.join(sorted(head.families))})")
        for lang in languages:
            if not code.rules.get(lang):
                problems.append(f"{who}: no rules for language '{lang}' (rules.{lang} is empty)")
        for lang, rules in code.rules.items():
            if lang not in languages:
                problems.append(f"{who}: rules for unknown language '{lang}' "
                                f"(codebook languages: {', '.join(languages)})")
            rule_ids: set[str] = set()
            for rule in rules:
                where = f"{who}: rule {lang}/{rule.id}"
                if rule.id in rule_ids:
                    problems.append(f"{where}: duplicate rule id within rules.{lang}")
                rule_ids.add(rule.id)
                if (rule.terms is None) == (rule.pattern is None):
                    problems.append(f"{where}: give exactly one of 'terms' or 'pattern'")
                    continue
                if rule.terms is not None:
                    if not rule.terms:
                        problems.append(f"{where}: 'terms' is empty")
                    problems.extend(f"{where}: {p}" for p in _term_problems(rule.terms, "terms"))
                if rule.pattern is not None:
                    if not rule.pattern:
                        problems.append(f"{where}: 'pattern' is empty")
                    else:
                        msg = _validate_pattern(rule.pattern, f"{code.id}/{lang}/{rule.id}")
                        if msg:
                            problems.append(f"{where}: {msg}")
                if rule.with_ is not None:
                    if not rule.with_:
                        problems.append(f"{where}: 'with' is empty (remove it or add phrases)")
                    problems.extend(f"{where}: {p}" for p in _term_problems(rule.with_, "with"))
                problems.extend(f"{where}: {p}" for p in _term_problems(rule.unless, "unless"))
        codes.append(code)
    if head:
        for lang in head.languages:
            if lang not in head.negation_cues:
                problems.append(f"negation_cues: no list for language '{lang}'")
            if lang not in head.valence_cues:
                problems.append(f"valence_cues: no cues for language '{lang}'")
        for lang, cues in head.valence_cues.items():
            problems.extend(f"valence_cues.{lang}: {p}" for p in
                            _term_problems(cues.positive + cues.negative, "cue"))
        for section in ("negation_exceptions", "contrast_cues", "concession_cues",
                        "mixed_cues"):
            for lang, phrases in getattr(head, section).items():
                problems.extend(f"{section}.{lang}: {p}"
                                for p in _term_problems(phrases, "phrase"))
    if problems:
        head_line = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        raise ConfigError(f"{source}: {head_line} in the codebook:\n  " + "\n  ".join(problems))
    assert head is not None
    return Codebook(**head.model_dump(), codes=codes)


def load_codebook(path: Path | str) -> Codebook:
    data = read_yaml(path, "the codebook was not found; set coding.codebook in params.yaml")
    return parse_codebook(data, str(path))


# ---------------------------------------------------------------------------- summary view
# The stages after `code` (topics, compare, figures, report) need only ids, families, labels
# and which codes carry a valence. They read the same file, in the same layout, through the
# same YAML reader; only the fields they use are required, so any codebook the `code` stage
# accepted reads here too, and a codebook in another layout is an error naming the entry.


class CodeSummary(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    family: str = ""
    label: dict[str, str] | str | None = None
    valence: bool = False


class CodebookSummary(BaseModel):
    model_config = ConfigDict(extra="allow")
    families: dict[str, dict[str, str] | str] = Field(default_factory=dict)
    codes: list[CodeSummary] = Field(default_factory=list)


def read_summary(path: Path | str | None) -> CodebookSummary:
    """The codebook's summary view; an absent codebook gives an empty one (the later stages
    then show code ids)."""
    if path is None or not Path(path).exists():
        return CodebookSummary()
    data = read_yaml(path, "the codebook was not found; set coding.codebook in params.yaml")
    try:
        return CodebookSummary.model_validate(data if data is not None else {})
    except ValidationError as exc:
        problems = [_describe(e) for e in exc.errors()]
        raise ConfigError(f"{path}: the codebook's families or codes cannot be read:\n  "
                          + "\n  ".join(problems)) from None


def _in_language(label: dict[str, str] | str | None, language: str) -> str:
    if isinstance(label, dict):
        return label.get(language) or label.get("en") or ""
    return label or ""


def code_entries(path: Path | str | None) -> list[dict]:
    """Each code as a mapping (id, family, label, definition, ... as written), in codebook
    order: what the topics seed from and the REFI-QDA export renders."""
    return [{**code.model_dump(exclude_unset=True), "id": code.id, "family": code.family}
            for code in read_summary(path).codes]


def code_families(path: Path | str | None) -> dict[str, str]:
    """code id -> family id, in codebook order ({} if there is no codebook)."""
    return {code.id: code.family for code in read_summary(path).codes}


def code_labels(path: Path | str | None, language: str = "en") -> dict[str, str]:
    """code id -> human label in `language` (falls back to English, then the id)."""
    return {code.id: _in_language(code.label, language) or code.id
            for code in read_summary(path).codes}


def valence_codes(path: Path | str | None) -> list[str] | None:
    """Codes whose entry says `valence: true` (care codes), or None when no entry gives a
    valence field (then the comparison takes the codes the coder gave a valence)."""
    codes = read_summary(path).codes
    if not any("valence" in code.model_fields_set for code in codes):
        return None
    return [code.id for code in codes if code.valence]


def family_entries(path: Path | str | None) -> dict[str, object]:
    """family id -> labels ({en, es} or a string), as written."""
    return dict(read_summary(path).families)


def family_labels(path: Path | str | None, language: str = "en") -> dict[str, str]:
    """family id -> label in `language` ({} when absent: the figures then show the ids)."""
    return {family: text for family, label in read_summary(path).families.items()
            if (text := _in_language(label, language))}
