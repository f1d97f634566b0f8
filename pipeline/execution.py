"""Where per-transcript work runs: in this process, or on a Dask cluster.

The stages hand `Executor.map` a task function and its arguments. `LocalExecutor` calls it
in this process; `DaskExecutor` sends it to a `dask.distributed` cluster: by default a
`LocalCluster` with one single-threaded worker process per core, or an existing cluster
when `engine.scheduler` (or `--scheduler`) gives its address. Task functions load their
models once per worker process (they keep them in a module-level cache), and results come
back in the order of the tasks, whoever computed them, so outputs do not depend on where the
work ran.

Transcript text travels to the workers: a remote cluster must sit inside the same trust
boundary as the machine that holds the corpus. Task arguments are wrapped in `Private`,
whose repr never shows the text (Dask logs the arguments of a failed task).
"""

from __future__ import annotations

import itertools
import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from pipeline.logs import progress, quiet_model_version_warning

log = logging.getLogger(__name__)


# Tasks submitted per worker ahead of the result being collected: enough to keep every
# worker busy while this process collects, few enough that memory stays bounded.
IN_FLIGHT_PER_WORKER = 8


class Private(tuple):
    """Task data (texts) that never shows itself in a log line or an error message."""

    def __repr__(self) -> str:
        return f"<{len(self)} private texts>"

    __str__ = __repr__


class LocalExecutor:
    """Every task in this process, one after the other."""

    def map(self, func: Callable, tasks: Iterable[tuple], desc: str,
            total: int | None = None) -> Iterator:
        for task in progress(tasks, desc=desc, total=total):
            yield func(*task)

    def for_work(self, chars: int) -> LocalExecutor:  # noqa: ARG002 - same as Dask's
        return self

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class DaskExecutor:
    """Tasks on a dask.distributed cluster (a local one unless a scheduler address is given)."""

    def __init__(self, settings):
        self.settings = settings
        self._cluster = None
        self._client = None

    def _connect(self):
        """The cluster starts on the first task (a run whose pieces all come from the cache
        starts none)."""
        if self._client is not None:
            return self._client
        quiet_dask()
        from distributed import Client, LocalCluster

        if self.settings.scheduler:
            self._client = Client(self.settings.scheduler, set_as_default=False)
        else:
            self._cluster = LocalCluster(n_workers=self.settings.workers, threads_per_worker=1,
                                         processes=True, dashboard_address=None,
                                         worker_dashboard_address=None)
            self._client = Client(self._cluster, set_as_default=False)
        self._client.run(quiet_model_version_warning)   # workers do not run setup_logging
        workers = len(self._client.scheduler_info().get("workers", {}))
        log.info("engine: Dask with %d worker(s)%s", workers,
                 f" at {self.settings.scheduler}" if self.settings.scheduler
                 else " (local cluster)")
        return self._client

    def for_work(self, chars: int) -> LocalExecutor | DaskExecutor:
        """This executor, or this process for work of at most `engine.here_max_chars`
        characters when no cluster has started yet (results are the same either way)."""
        if self._client is None and chars <= self.settings.here_max_chars:
            log.info("engine: %d characters of new work, run in this process (no cluster "
                     "started)", chars)
            return LocalExecutor()
        return self

    def map(self, func: Callable, tasks: Iterable[tuple], desc: str,
            total: int | None = None) -> Iterator:
        """Results in task order; each is released on the cluster once it is here.

        At most `IN_FLIGHT_PER_WORKER` tasks per worker are submitted ahead of the one being
        collected, and `tasks` is consumed only as fast as that: the texts of a large corpus
        are never all on their way to the cluster (and in this process's scheduler) at once.
        `total`: the number of tasks, for the progress bar, when `tasks` is a generator."""
        tasks = iter(tasks)
        first = next(tasks, None)
        if first is None:     # nothing to do: no cluster starts
            return
        tasks = itertools.chain([first], tasks)
        client = self._connect()
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        window = IN_FLIGHT_PER_WORKER * workers
        in_flight: deque = deque()
        bar = progress((), desc=desc, total=total)   # moved by hand, one tick per result
        try:
            while True:
                for task in itertools.islice(tasks, window - len(in_flight)):
                    in_flight.append(client.submit(func, *task, pure=False))
                if not in_flight:
                    break
                future = in_flight.popleft()
                result = future.result()
                future.release()
                bar.update(1)
                yield result
        finally:
            for future in in_flight:    # a consumer that stopped early, or an error
                future.cancel()
            bar.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def executor_for(settings) -> LocalExecutor | DaskExecutor:
    """The executor `settings` (params.engine: workers, scheduler) ask for: Dask for a
    scheduler or more than one worker, else this process."""
    if settings.scheduler or settings.workers > 1:
        return DaskExecutor(settings)
    return LocalExecutor()


def quiet_dask() -> None:
    """Dask's own loggers stay at ERROR (a failed task's warning would list its arguments),
    in this process and in the workers it starts."""
    import dask

    dask.config.set({"logging.distributed": "error", "distributed.admin.log-length": 0})
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
    for name in ("distributed", "dask", "tornado", "bokeh"):
        logging.getLogger(name).setLevel(logging.ERROR)


def one_thread_per_worker() -> None:
    """One BLAS/OpenMP thread in a worker: the workers are the parallelism (two workers of two
    threads each on two cores ran slower than one worker)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
