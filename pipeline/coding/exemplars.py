"""The exemplar bank: example sentences per code, beside the codebook, validated on load.

Each `*.jsonl` file in the bank folder holds one exemplar per line:

    {"id": "W1-CARE_PSYCH-001", "code": "CARE_PSYCH", "polarity": "positive",
     "language": "en", "text": "...", "provenance": "written", "register": "terse",
     "valence": "negative"}

- polarity: `positive` (the code applies), `near_miss` (looks close but does not: negated,
  hypothetical, a neighbouring code), `neutral` (code `NONE`: codes nothing at all);
- provenance: `written` (written for the bank by writers who never saw the corpora or the
  rules), `codebook_example` (the codebook's own examples, added automatically),
  `confirmed_in_review` / `rejected_in_review` (added by `testimony learn`);
- valence (positives of care codes only): positive | negative | mixed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from pipeline.coding.codebook import Codebook
from pipeline.errors import InputError, Problem

POLARITIES = ("positive", "near_miss", "neutral")
PROVENANCES = ("written", "codebook_example", "confirmed_in_review", "rejected_in_review")
VALENCES = ("positive", "negative", "mixed")
NONE_CODE = "NONE"
REQUIRED = ("id", "code", "polarity", "language", "text", "provenance")
OPTIONAL = ("register", "writer", "valence", "note")


@dataclass(frozen=True)
class Exemplar:
    id: str
    code: str
    polarity: str
    language: str
    text: str
    provenance: str
    valence: str = ""
    register: str = ""


@dataclass
class ExemplarBank:
    exemplars: list[Exemplar]
    digest: str  # SHA-256 of the bank's content: the calibration file records it

    def of(self, code: str, polarity: str) -> list[Exemplar]:
        return [e for e in self.exemplars if e.code == code and e.polarity == polarity]

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for e in self.exemplars:
            out.setdefault(e.code, {p: 0 for p in POLARITIES})[e.polarity] += 1
        return out


def _check(record: object, codebook: Codebook, languages: list[str]) -> list[str]:
    if not isinstance(record, dict):
        return ["each line must be a JSON object {...}"]
    errors = []
    for key in REQUIRED:
        if key not in record:
            errors.append(f"'{key}' is missing")
        elif not isinstance(record[key], str) or not record[key].strip():
            errors.append(f"'{key}' is empty (write some text)")
    unknown = sorted(set(record) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        errors.append("unknown field(s) " + ", ".join(unknown) + "; allowed: "
                      + ", ".join(REQUIRED + OPTIONAL))
    if errors:
        return errors
    code, polarity = record["code"], record["polarity"]
    if polarity not in POLARITIES:
        errors.append(f"polarity '{polarity}' is not one of " + ", ".join(POLARITIES))
    if polarity == "neutral" and code != NONE_CODE:
        errors.append(f"a neutral exemplar has code {NONE_CODE}, not '{code}'")
    elif polarity != "neutral" and code not in codebook.ids:
        errors.append(f"code '{code}' is not in the codebook (check the spelling)")
    if record["language"] not in languages:
        errors.append(f"language '{record['language']}' is not one of " + ", ".join(languages))
    if record["provenance"] not in PROVENANCES:
        errors.append(f"provenance '{record['provenance']}' is not one of "
                      + ", ".join(PROVENANCES))
    valence = record.get("valence") or ""
    if valence and valence not in VALENCES:
        errors.append(f"valence '{valence}' is not one of " + ", ".join(VALENCES))
    return errors


def codebook_exemplars(codebook: Codebook) -> list[Exemplar]:
    """The codebook's own examples, as positive exemplars."""
    out = []
    for code in codebook.codes:
        for lang in ("en", "es"):
            for i, text in enumerate(getattr(code.examples, lang), start=1):
                out.append(Exemplar(f"CB-{code.id}-{lang}-{i:02d}", code.id, "positive", lang,
                                    text.strip(), "codebook_example"))
    return out


def load_exemplars(folder: Path | str, codebook: Codebook) -> ExemplarBank:
    """Read and validate every `*.jsonl` in `folder`; every problem is listed at once."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError([Problem(str(folder), "exemplar folder not found; set "
                                  "coding.semantic.exemplars in params.yaml")])
    problems: list[Problem] = []
    exemplars = codebook_exemplars(codebook)
    seen_ids = {e.id: ("codebook", 0) for e in exemplars}
    seen_texts: dict[tuple[str, str, str], tuple[str, int]] = {}
    digest = hashlib.sha256()
    for e in exemplars:
        digest.update(f"{e.id}\0{e.text}\0".encode())
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        problems.append(Problem(str(folder), "no *.jsonl exemplar files"))
    for path in files:
        raw = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + raw)
        for number, line in enumerate(raw.decode("utf-8-sig").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(Problem(str(path), f"not valid JSON ({exc.msg})", number))
                continue
            errors = _check(record, codebook, codebook.languages)
            if not errors:
                if record["id"] in seen_ids:
                    where = seen_ids[record["id"]]
                    errors.append(f"duplicate id '{record['id']}' (also {where[0]}:{where[1]})")
                key = (record["code"], record["polarity"], " ".join(record["text"].lower().split()))
                if key in seen_texts and record["provenance"].endswith("_in_review"):
                    continue  # a reviewed passage the bank already holds
                if key in seen_texts:
                    where = seen_texts[key]
                    errors.append(f"duplicate text for {record['code']} {record['polarity']} "
                                  f"(also {where[0]}:{where[1]})")
                if record.get("valence") and record["polarity"] != "positive":
                    errors.append("only positive exemplars carry a valence")
            if errors:
                problems.extend(Problem(str(path), e, number) for e in errors)
                continue
            seen_ids[record["id"]] = (path.name, number)
            seen_texts[key] = (path.name, number)
            exemplars.append(Exemplar(
                record["id"], record["code"], record["polarity"], record["language"],
                " ".join(record["text"].split()), record["provenance"],
                record.get("valence") or "", record.get("register") or ""))
    if problems:
        raise InputError(problems)
    exemplars.sort(key=lambda e: e.id)
    return ExemplarBank(exemplars, digest.hexdigest())
