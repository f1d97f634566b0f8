"""Import a library without the optional heavy packages it would pull in and we never use.

Presidio and BERTopic each import `transformers` (and BERTopic `sentence_transformers`) at
import time for features this pipeline does not use: Hugging Face NER recognizers and
tokenizer chunkers (Presidio), multimodal backends, text generation and zero-shot
representations (BERTopic). Both libraries treat those imports as optional: they catch the
ImportError and go on without the feature. Hiding the packages while the library loads
saves 3 to 5 s in every process that loads it (each Dask worker included).

A package is hidden only if it is not loaded yet, and only while the block runs: code that
needs it later (the `sentence` topic backend) imports it as usual. torch cannot be hidden
this way: scipy looks it up in `sys.modules` while these libraries load.
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
