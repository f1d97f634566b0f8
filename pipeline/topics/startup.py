"""A fast start for the topics stage: BERTopic without the transformers stack it does not use
here (see pipeline/imports.py), and UMAP's compiled code kept between runs.

UMAP's numba functions are compiled in every new process (about 25 s of a 45 s topics stage
on the demo corpus); only some of pynndescent's are cached. Turning on numba's own on-disk
cache for UMAP's functions makes every run after the first load them instead. The cache
holds machine code only (no data), sits where numba puts it (the package's `__pycache__`, or
NUMBA_CACHE_DIR), and is keyed by source file and CPU, so the code run, and the numbers it
gives, are the same whether it was compiled now or loaded.
"""

from __future__ import annotations

import logging
import sys

from pipeline.imports import optional_packages_hidden

log = logging.getLogger(__name__)
_done = False
UNUSED_BY_BERTOPIC_HERE = ("sentence_transformers", "transformers")


def import_bertopic() -> None:
    """Import BERTopic without the packages in UNUSED_BY_BERTOPIC_HERE (5 s saved)."""
    if "bertopic" in sys.modules:
        return
    with optional_packages_hidden(UNUSED_BY_BERTOPIC_HERE):
        import bertopic  # noqa: F401
        import bertopic.representation  # noqa: F401


def cache_umap_compilation() -> int:
    """Turn on numba's disk cache for every compiled UMAP function; the number turned on."""
    global _done
    if _done:
        return 0
    import umap  # noqa: F401 - loads the modules whose functions are cached
    from numba.core.dispatcher import Dispatcher

    enabled = 0
    for name in sorted(n for n in sys.modules if n == "umap" or n.startswith("umap.")):
        for value in list(vars(sys.modules[name]).values()):
            if isinstance(value, Dispatcher) and type(value._cache).__name__ == "NullCache":
                try:
                    value.enable_caching()
                except Exception as error:  # a function numba cannot cache: compile as usual
                    log.debug("numba cannot cache %s: %s", name, type(error).__name__)
                    continue
                enabled += 1
    _done = True
    return enabled
