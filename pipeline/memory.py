"""Peak resident memory of a piece of work: this process, and its child processes (Dask workers).

`PeakMemory` is a context manager. This process's peak is exact where Linux allows it (the
kernel's high-water mark `VmHWM`, reset when the work starts by writing 5 to
`/proc/self/clear_refs`); elsewhere, and for child processes, a background thread samples
resident sizes every `interval` seconds, so a spike shorter than that can be missed. The
figures feed the per-stage table at the end of `testimony run` and `bench/scale.py`.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import psutil

log = logging.getLogger(__name__)

MB = 1024 * 1024
_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


@dataclass(frozen=True)
class MemoryPeak:
    """Peaks in MB: this process, the largest child process, and all of them at one moment."""

    main_mb: float
    largest_child_mb: float
    total_mb: float


def _reset_high_water_mark() -> bool:
    try:
        _CLEAR_REFS.write_text("5")
        return True
    except OSError:
        return False


def _high_water_mark_mb() -> float | None:
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024      # kB
    except (OSError, ValueError, IndexError):
        return None
    return None


class PeakMemory:
    """with PeakMemory() as peak: ...; then peak.result is a MemoryPeak."""

    def __init__(self, interval: float = 0.25):
        self.interval = interval
        self.result: MemoryPeak | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._process = psutil.Process()
        self._exact = False
        self._main = self._child = self._total = 0.0

    def _sample(self) -> None:
        try:
            main = self._process.memory_info().rss / MB
        except psutil.Error:
            return
        children = []
        for child in self._process.children(recursive=True):
            try:
                children.append(child.memory_info().rss / MB)
            except psutil.Error:        # a worker that ended between listing and reading
                continue
        self._main = max(self._main, main)
        self._child = max([self._child, *children])
        self._total = max(self._total, main + sum(children))

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> PeakMemory:
        self._exact = _reset_high_water_mark()
        self._sample()
        self._thread = threading.Thread(target=self._loop, name="peak-memory", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._sample()
        main = self._main
        if self._exact:
            exact = _high_water_mark_mb()
            if exact is not None:
                # the sampled total used the sampled main figure; lift it by what was missed
                self._total += max(0.0, exact - main)
                main = exact
        self.result = MemoryPeak(main_mb=main, largest_child_mb=self._child,
                                 total_mb=max(self._total, main))


def release_memory() -> None:
    """Hand memory that a finished stage no longer uses back to the system: collect garbage,
    forget the sentence encoder this process loaded (a later stage that needs it loads it
    again, about a second), and ask glibc to return its free pages (`malloc_trim`; without
    it a stage's peak stays resident through every later stage of `testimony run`)."""
    import ctypes
    import ctypes.util
    import gc

    from pipeline.coding.embedding import forget_embedders

    forget_embedders()
    gc.collect()
    name = ctypes.util.find_library("c")
    if not name:
        return
    try:
        libc = ctypes.CDLL(name)
        trim = libc.malloc_trim
    except (OSError, AttributeError):      # not glibc (musl, macOS): nothing to ask
        return
    trim.argtypes = [ctypes.c_size_t]
    trim(0)
