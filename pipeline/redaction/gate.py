"""Leakage gate: after redaction, re-scan the redacted text; any hit stops the stage.

Messages name the participant and the entity type, never the string that leaked.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from pipeline.errors import LeakageError
from pipeline.redaction import lexicon
from pipeline.redaction.entities import DIRECT_TYPES
from pipeline.redaction.spans import Span
from pipeline.redaction.textutil import find_folded, fold

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DIGIT_RUNS = re.compile(r"\+?\d[\d\s().\-/]*\d")


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


@lru_cache(maxsize=1)
def _rescan_recognizers():
    from pipeline.redaction.recognizers import handle_recognizer, id_recognizer
    return [id_recognizer("es"), handle_recognizer("es")]


def digit_runs(redacted: str) -> str:
    """Every run of digits (with its separators removed) of a text, joined by '|': searched
    once per transcript instead of once per identifier."""
    return "|".join(_digits(m.group(0)) for m in _DIGIT_RUNS.finditer(redacted))


def survives(redacted: str, value: str, folded_redacted: str | None = None,
             runs: str | None = None) -> bool:
    """Whether `value` still occurs in `redacted` (case-, accent-, spacing-insensitive)."""
    value = value.strip()
    if not value:
        return False
    digits = _digits(value)
    if len(digits) >= 5 and len(digits) >= 0.6 * len(re.sub(r"\W", "", value)):
        return digits in (runs if runs is not None else digit_runs(redacted))
    folded = fold(value).strip()
    if " " not in folded and folded in lexicon.common_words():
        # a word that is also a name ("Rosa"): only its capitalised form counts
        return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", redacted) is not None
    return bool(find_folded(folded_redacted if folded_redacted is not None else fold(redacted),
                            folded))


def check_participant_ids(participant_ids: list[str], known: list[tuple[str, str]]) -> None:
    """Refuse participant ids that contain a known identifier: ids are published as file
    names and in every table. The message gives the position, never the id."""
    bad = []
    for position, pid in enumerate(participant_ids, start=1):
        spaced = re.sub(r"[._\-]+", " ", pid)
        if any(survives(spaced, value) or survives(pid, value) for _, value in known):
            bad.append(position)
    if bad:
        raise LeakageError("leakage gate: the participant_id of participant(s) number "
                           + ", ".join(map(str, bad)) + " (in metadata.csv order) contains an "
                           "entry of the known-identifiers file. Ids are published; replace "
                           "them with opaque codes such as AR-E01. Nothing was written")


def check_transcript(participant_id: str, original_turns: list[str], redacted_turns: list[str],
                     spans: list[list[Span]], known: list[tuple[str, str]],
                     min_score: float, generated: frozenset[str] | set[str] = frozenset()
                     ) -> None:
    """Raise LeakageError if a known identifier or a confident direct identifier survived.

    `generated`: surrogate values written by the pseudonymizer (surrogate mode): a fake
    e-mail, handle or ID with valid check digits is no leak, so the re-scan skips them."""
    fakes = sorted((v for v in generated if v), key=len, reverse=True)
    if fakes:
        masked_turns = []
        for turn in redacted_turns:
            for value in fakes:
                turn = turn.replace(value, "\x00" * len(value))
            masked_turns.append(turn)
        redacted_turns = masked_turns
    redacted = "\n".join(redacted_turns)
    folded_redacted = fold(redacted)
    runs = digit_runs(redacted)
    leaks: Counter[str] = Counter()
    for kind, value in known:
        if survives(redacted, value, folded_redacted, runs):
            leaks[f"known {kind}"] += 1
    # public names kept on purpose ("Virgen de Guadalupe") are not a found name surviving
    redacted = "\n".join(_mask_public(turn) for turn in redacted_turns)
    folded_redacted, runs = fold(redacted), digit_runs(redacted)
    checked: set[str] = set()
    for text, turn_spans in zip(original_turns, spans, strict=True):
        for span in turn_spans:
            if span.type not in DIRECT_TYPES or span.score < min_score:
                continue
            value = text[span.start:span.end]
            if value in checked:
                continue
            checked.add(value)
            if survives(redacted, value, folded_redacted, runs):
                leaks[span.type] += 1
    for match in _EMAIL.finditer(redacted):
        if match.group(0):
            leaks["EMAIL"] += 1
    for recognizer in _rescan_recognizers():
        for result in recognizer.analyze(redacted, None):
            if result.score >= min_score:
                leaks[recognizer.supported_entities[0]] += 1
    if leaks:
        what = ", ".join(f"{k} ({n})" for k, n in sorted(leaks.items()))
        raise LeakageError(f"leakage gate: participant {participant_id}: identifiers survived "
                           f"redaction: {what}. Nothing was written; check the recognizers or "
                           "add the entries to redaction.deny_list")


def _occurrences(text: str, value: str, folded_map) -> list[tuple[int, int]]:
    """Where `value` occurs in `text`, matched as `survives` matches it (original offsets)."""
    value = value.strip()
    digits = _digits(value)
    if len(digits) >= 5 and len(digits) >= 0.6 * len(re.sub(r"\W", "", value)):
        pattern = r"(?<!\d)" + r"[\s().\-/]*".join(digits) + r"(?!\d)"
        return [m.span() for m in re.finditer(pattern, text)]
    folded = fold(value).strip()
    if not folded:
        return []
    if " " not in folded and folded in lexicon.common_words():
        return [m.span() for m in re.finditer(rf"(?<!\w){re.escape(value)}(?!\w)", text)]
    folded_text, index = folded_map
    return [(index[s], index[e - 1] + 1) for s, e in find_folded(folded_text, folded)]


def repair(original_turns: list[str], spans: list[list[Span]], known: list[tuple[str, str]],
           min_score: float) -> list[list[Span]]:
    """Add a span for every other occurrence of what the gate checks (known identifiers and
    confident direct identifiers found in this transcript), so the gate only stops for what
    redaction cannot fix. "Kiara" found in one turn is also replaced where it is "KIARA".

    One search per value over the whole transcript with the found spans masked; only the
    values still there are looked for turn by turn (time stays linear in the transcript)."""
    from pipeline.redaction.entities import resolve
    from pipeline.redaction.textutil import fold_with_map

    values: dict[str, str] = {}
    for text, turn_spans in zip(original_turns, spans, strict=True):
        for span in turn_spans:
            if span.type in DIRECT_TYPES and span.score >= min_score:
                values.setdefault(text[span.start:span.end], span.type)
    known_values = {value: kind for kind, value in known}
    values = {v: k for v, k in values.items() if v not in known_values}
    if not values and not known_values:
        return spans
    # known identifiers go everywhere; found names not inside a public name kept on purpose
    masked = [_mask(text, turn_spans) for text, turn_spans in zip(original_turns, spans,
                                                                  strict=True)]
    masked_public = [_mask_public(text) for text in masked]
    left = _still_there(masked, known_values) | _still_there(masked_public, values)
    if not left:
        return spans
    repaired = []
    for text, public, turn_spans in zip(masked, masked_public, spans, strict=True):
        extra = []
        maps = {"known": fold_with_map(text), "found": fold_with_map(public)}
        for value, kind in left.items():
            which = "known" if value in known_values else "found"
            source = text if which == "known" else public
            extra += [Span(s, e, kind, 1.0, "gate_repair")
                      for s, e in _occurrences(source, value, maps[which])]
        repaired.append(resolve(list(turn_spans) + extra) if extra else list(turn_spans))
    return repaired


def _still_there(turns: list[str], values: dict[str, str]) -> dict[str, str]:
    if not values:
        return {}
    joined = "\n".join(turns)
    folded_joined, runs = fold(joined), digit_runs(joined)
    return {v: k for v, k in values.items() if survives(joined, v, folded_joined, runs)}


def _mask_public(text: str) -> str:
    """The text with public names kept on purpose blanked out (same length)."""
    from pipeline.redaction.kept import kept_ranges

    return _blank(text, kept_ranges(text))


def _mask(text: str, turn_spans: list[Span]) -> str:
    """The turn with every found span blanked out (same length, so offsets hold)."""
    return _blank(text, [(span.start, span.end) for span in turn_spans])


def _blank(text: str, ranges: list[tuple[int, int]]) -> str:
    if not ranges:
        return text
    chars = list(text)
    for start, end in ranges:
        chars[start:end] = "\x00" * (end - start)
    return "".join(chars)
