"""Import a library without the optional heavy packages it would pull in and we never use.

Presidio and BERTopic each import `transformers` (and BERTopic `sentence_transformers`) at
import time for features this pipeline does not use: Hugging Face NER recognizers and
tokenizer chunkers (Presidio), multimodal backends, text generation and zero-shot
representations (BERTopic). Both libraries treat those imports as optional: they catch the
ImportError and go on without the feature. Hiding the packages while the library loads
saves 3 to 5 s in every process that loads it (each Dask worker included).

spaCy's thinc imports torch when it is installed (about 1 s and 200 MB per process), only
to offer PyTorch layers; the small CPU models here use none, so spaCy is imported with torch
hidden (`import_spacy`, and with Presidio, whose GPU detection then picks the CPU).

A package is hidden only if it is not loaded yet, and only while the block runs: code that
needs it later (the `sentence` topic backend) imports it as usual. torch cannot be hidden
this way for BERTopic: scipy looks it up in `sys.modules` while BERTopic loads.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def optional_packages_hidden(names: tuple[str, ...]) -> Iterator[list[str]]:
    """While the block runs, `import name` raises ImportError for each of `names` not yet
    loaded; yields the names it hid."""
    hidden = [name for name in names if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment] - `import name` now fails
    try:
        yield hidden
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


def import_spacy() -> None:
    """Import spaCy without torch (see above), unless spaCy or torch is loaded already."""
    if "spacy" in sys.modules:
        return
    with optional_packages_hidden(("torch",)):
        import spacy  # noqa: F401
