"""The optional corpus card (corpus.yaml): whether the corpus is synthetic."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import Problem

# A corpus may describe itself in `corpus.yaml` beside metadata.csv. Whether a corpus is
# synthetic is a fact about the corpus, so the report's "synthetic data" notice comes from here.
CORPUS_CARD = "corpus.yaml"
CARD_KEYS = {"synthetic": bool, "description": str}


def read_corpus_card(path: Path) -> tuple[bool, list[Problem]]:
    """(synthetic, problems) from an optional corpus card; no card means not synthetic."""
    from pipeline.errors import ConfigError
    from pipeline.io import read_yaml

    if not path.exists():
        return False, []
    try:
        data = read_yaml(path, "")
    except ConfigError as exc:  # its message already names the file (and line)
        where, _, message = str(exc).partition(": ")
        return False, [Problem(where, message)]
    if data is None:
        return False, []
    if not isinstance(data, dict):
        return False, [Problem(str(path), "expected settings such as 'synthetic: true', one "
                                          "per line")]
    problems = []
    for key, value in data.items():
        kind = CARD_KEYS.get(key)
        if kind is None:
            problems.append(Problem(str(path), f"unknown setting '{key}' (known: "
                                               f"{', '.join(CARD_KEYS)})"))
        elif not isinstance(value, kind):
            problems.append(Problem(str(path), f"'{key}' must be "
                                               + ("true or false" if kind is bool else "text")))
    return bool(data.get("synthetic") is True) and not problems, problems
