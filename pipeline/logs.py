"""Logging and progress bars: quiet when not on a terminal or under CI."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def setup_logging(verbose: bool = False) -> None:
    level = logging.DEBUG if verbose else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", force=True)
    for noisy in ("presidio-analyzer", "presidio_analyzer", "tldextract", "numba", "matplotlib",
                  "urllib3", "filelock", "sentence_transformers", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # BERTopic warns about choices we make on purpose (manual outlier reassignment, saving
    # without an embedding-model pointer); keep its errors only.
    logging.getLogger("BERTopic").setLevel(logging.ERROR)


def progress_enabled() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def progress(items: Iterable[T], desc: str, total: int | None = None) -> Iterable[T]:
    """A progress bar over `items`. `desc` must never contain transcript text."""
    return tqdm(items, desc=desc, total=total, disable=not progress_enabled(), leave=False)
