"""Read and check the redaction word lists kept as YAML in `pipeline/redaction/lexicon/`.

Each file is a mapping from a list name to a list of entries (one per line). Files are found
next to this module (`Path(__file__).parent`), never through the current folder, so they load
the same from a checkout, an editable install or a wheel.

Every problem found in a file is reported at once, in a `ConfigError` that names the file, the
list, the line and what to do, in words meant for the person editing the list.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.errors import ConfigError

LEXICON_DIR = Path(__file__).parent / "lexicon"

_STR_TAG = "tag:yaml.org,2002:str"
_TAG_HINTS = {
    "tag:yaml.org,2002:bool": "is read as yes/no (true/false), not as text",
    "tag:yaml.org,2002:null": "is read as 'nothing' (null), not as text",
    "tag:yaml.org,2002:int": "is read as a number, not as text",
    "tag:yaml.org,2002:float": "is read as a number, not as text",
    "tag:yaml.org,2002:timestamp": "is read as a date, not as text",
}


@dataclass(frozen=True)
class ListSpec:
    """One list a file must hold: its name and whether entries may have several words."""

    name: str
    phrases: bool = False  # False: every entry is a single word (no spaces)
    phrases_go_in: str | None = None  # the list to suggest for an entry with a space


class _Problems:
    def __init__(self, path: Path):
        self.path = path
        self.items: list[str] = []

    def add(self, node: yaml.Node | None, message: str) -> None:
        line = f"line {node.start_mark.line + 1}: " if node is not None else ""
        self.items.append(f"{line}{message}")

    def raise_if_any(self) -> None:
        if not self.items:
            return
        head = "1 problem" if len(self.items) == 1 else f"{len(self.items)} problems"
        raise ConfigError(f"word list file {self.path}: {head} found:\n  "
                          + "\n  ".join(self.items))


def _compose(path: Path) -> yaml.Node | None:
    """The YAML node tree of a file (keeps line numbers and how each value was written)."""
    if not path.is_file():
        raise ConfigError(f"word list file {path}: not found; it ships with the pipeline "
                          "(pipeline/redaction/lexicon/), restore it from the repository")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"word list file {path}: not UTF-8 text; save it as UTF-8") from None
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" near line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise ConfigError(f"word list file {path}: not valid YAML{where} ({problem}); check "
                          "that each entry is on its own line as '  - word', under a "
                          "'name:' line, and that quotes are closed") from None


def _top_mapping(root: yaml.Node | None, problems: _Problems, what: str,
                 within: str = "") -> list[tuple[str, yaml.Node, yaml.Node]]:
    """(key, key node, value node) of a mapping (`within` names it if not the file's top
    level); a repeated key is a problem."""
    if root is None:
        problems.add(None, f"the file is empty; it must hold {what}")
        return []
    if not isinstance(root, yaml.MappingNode):
        problems.add(root, "the file must be made of 'name:' lines, each followed by its "
                     f"entries; it must hold {what}")
        return []
    seen: dict[str, int] = {}
    pairs = []
    for key_node, value_node in root.value:
        if not isinstance(key_node, yaml.ScalarNode):
            problems.add(key_node, f"{within}a name must be a plain word followed by ':'")
            continue
        key = key_node.value
        if key in seen:
            problems.add(key_node, f"{within}'{key}' appears twice (first on line "
                         f"{seen[key]}); keep one and move the entries of the other into it")
            continue
        seen[key] = key_node.start_mark.line + 1
        pairs.append((key, key_node, value_node))
    return pairs


def _entries(label: str, node: yaml.Node, problems: _Problems, phrases: bool,
             phrases_go_in: str | None = None) -> list[str]:
    """The entries of one list, checked: text, not empty, no repeats, one word if required."""
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
        problems.add(node, f"{label} is empty; write at least one entry as '  - word' "
                     "on the lines below it")
        return []
    if not isinstance(node, yaml.SequenceNode):
        problems.add(node, f"{label} is not a list of words; write each entry on its own "
                     "line as '  - word'")
        return []
    if not node.value:
        problems.add(node, f"{label} is empty; write at least one entry as '  - word'")
        return []
    out: list[str] = []
    first_line: dict[str, int] = {}
    for number, item in enumerate(node.value, start=1):
        where = f"{label}, entry {number}"
        if not isinstance(item, yaml.ScalarNode):
            problems.add(item, f"{where} is not a single word or phrase (a nested list or "
                         "a 'name: value' pair); write it as '  - word'")
            continue
        if item.tag != _STR_TAG:
            hint = _TAG_HINTS.get(item.tag, "is not plain text")
            if item.tag == "tag:yaml.org,2002:null":
                problems.add(item, f"{where} is empty; remove the line or write a word after '-'")
            else:
                problems.add(item, f"{where} ('{item.value}') {hint}; put it in quotes: "
                             f"- \"{item.value}\"")
            continue
        value = item.value
        if not value.strip():
            problems.add(item, f"{where} is empty; remove the line or write a word after '-'")
            continue
        if value != value.strip():
            problems.add(item, f"{where} ('{value}') starts or ends with a space; remove it")
            continue
        if not phrases and len(value.split()) > 1:
            elsewhere = f" (put phrases in '{phrases_go_in}')" if phrases_go_in else ""
            problems.add(item, f"{where} ('{value}') has a space, but this list holds single "
                         f"words only: words are compared one at a time{elsewhere}")
            continue
        key = value.casefold()
        if key in first_line:
            problems.add(item, f"{where} ('{value}') is a duplicate of line "
                         f"{first_line[key]}; remove one of them")
            continue
        first_line[key] = item.start_mark.line + 1
        out.append(value)
    return out


def read_lists(filename: str, specs: Sequence[ListSpec],
               directory: Path | None = None) -> dict[str, list[str]]:
    """The lists of one word-list file (in `directory`, by default `LEXICON_DIR`), by name, in
    file order; exactly the lists of `specs` must be there."""
    path = Path(directory if directory is not None else LEXICON_DIR) / filename
    problems = _Problems(path)
    root = _compose(path)
    wanted = {spec.name: spec for spec in specs}
    names = ", ".join(wanted)
    found: dict[str, list[str]] = {}
    pairs = _top_mapping(root, problems, f"the lists {names}")
    for key, key_node, value_node in pairs:
        spec = wanted.get(key)
        if spec is None:
            problems.add(key_node, f"'{key}' is not a known list in this file; check its "
                         f"spelling (this file holds: {names})")
            continue
        found[key] = _entries(f"list '{key}'", value_node, problems, spec.phrases,
                              spec.phrases_go_in)
    if isinstance(root, yaml.MappingNode):
        present = {key for key, _, _ in pairs}
        for name in wanted:
            if name not in present:
                problems.add(None, f"list '{name}' is missing; add a '{name}:' line "
                             "followed by its entries")
    problems.raise_if_any()
    return {spec.name: found[spec.name] for spec in specs}


ALL_LANGUAGES = "all_languages"


def read_context_words(recognizers: Iterable[str], languages: Iterable[str],
                       filename: str = "context_words.yaml",
                       directory: Path | None = None) -> dict[str, dict[str, list[str]]]:
    """Context words by recognizer, then by `all_languages` or a language code.

    Only the recognizers and languages given may appear; a recognizer may be left out.
    """
    path = Path(directory if directory is not None else LEXICON_DIR) / filename
    problems = _Problems(path)
    root = _compose(path)
    known = list(recognizers)
    keys = [ALL_LANGUAGES, *languages]
    table: dict[str, dict[str, list[str]]] = {}
    for name, name_node, value_node in _top_mapping(
            root, problems, "recognizer names, each with its context words by language"):
        if name not in known:
            problems.add(name_node, f"'{name}' is not a known recognizer; check its spelling "
                         f"(known: {', '.join(known)})")
            continue
        if not isinstance(value_node, yaml.MappingNode):
            problems.add(value_node, f"recognizer '{name}' must be followed by lines such as "
                         f"'  {ALL_LANGUAGES}:' or '  es:', each with its words")
            continue
        table[name] = {}
        for lang, lang_node, words_node in _top_mapping(value_node, problems, "",
                                                        within=f"recognizer '{name}': "):
            if lang not in keys:
                problems.add(lang_node, f"recognizer '{name}': '{lang}' is not a known "
                             f"language key; use one of: {', '.join(keys)}")
                continue
            table[name][lang] = _entries(f"recognizer '{name}', list '{lang}'", words_node,
                                         problems, phrases=False)
        shared = {w.casefold() for w in table[name].get(ALL_LANGUAGES, [])}
        for lang, words in table[name].items():
            for word in words if lang != ALL_LANGUAGES else ():
                if word.casefold() in shared:
                    problems.add(None, f"recognizer '{name}', list '{lang}': '{word}' is "
                                 f"already in '{ALL_LANGUAGES}'; remove it from '{lang}'")
    problems.raise_if_any()
    return table
