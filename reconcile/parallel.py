"""Running per-file work in a pool of worker processes that survives a worker's death.

One long-lived :class:`~concurrent.futures.ProcessPoolExecutor` runs every stage of a
batch, so the import cost (pandas, openpyxl, the rules) is paid once per worker, not
once per file. Files go out in small chunks. A worker can die without a Python
exception (a native library aborting on a hostile file, the OOM killer); the executor
then breaks and fails every chunk in flight. So workers report, through a small
queue, each file they start and finish: after a crash the files that had started but
not finished are the suspects. A lone suspect is the culprit; several suspects are
re-run one at a time in a fresh pool, so the one that kills its worker again is
identified for certain. The culprit's result is :data:`CRASHED`; every other file is
simply run again. Results are yielded as they complete, tagged with their index, so
callers can restore the input order whatever the scheduling.

Workers ignore Ctrl-C (the main process decides) and turn SIGTERM into an exception,
so an output being written is cleaned up by :mod:`reconcile.output.atomic` when the
main process stops them.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

CRASHED = object()          # result for a task whose worker died on it (twice, or alone)
MAX_BLIND_CRASHES = 3       # crashes with no file in flight before running the rest in-process
PRELOAD_MODULE = "reconcile._preload"

# A task is (index, payload); a worker function takes (payload, context) and returns a
# picklable result. ``context`` is the object given to the pool once (config, folders).
Task = tuple[int, Any]
WorkerFunc = Callable[[Any, Any], Any]

# ---------------------------------------------------------------- worker side

_events = None
_context = None


def _on_sigterm(signum, frame):  # pragma: no cover - runs in workers
    raise SystemExit(143)


def _init_worker(events, context, preload: str | None) -> None:  # pragma: no cover - runs in workers
    global _events, _context
    _events, _context = events, context
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM") and sys.platform != "win32":
        signal.signal(signal.SIGTERM, _on_sigterm)
    if preload:
        __import__(preload)


class Failed:
    """Result of a task whose function raised (it should not: callers catch their own)."""

    def __init__(self, exc: BaseException):
        import traceback

        self.error = f"{type(exc).__name__}: {exc}"
        self.traceback = traceback.format_exc()


def _run_chunk(func: WorkerFunc, tag: int, chunk: Sequence[Task]) -> list[tuple[int, Any]]:  # pragma: no cover - runs in workers
    out: list[tuple[int, Any]] = []
    try:
        for index, payload in chunk:
            _events.put((tag, "s", index))
            try:
                result = func(payload, _context)
            except Exception as exc:  # noqa: BLE001 - one task never loses its chunk
                result = Failed(exc)
            out.append((index, result))
            _events.put((tag, "d", index))
    except SystemExit:
        # SIGTERM from the main process: outputs in progress were removed on the way
        # out (atomic writes); leave now rather than return to the executor's loop.
        os._exit(143)
    return out


# ---------------------------------------------------------------- main side


def default_context():
    """forkserver where available (workers fork from a warm server, never from a parent
    that may run threads, e.g. a progress display); spawn elsewhere (Windows)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([PRELOAD_MODULE])
        return ctx
    return multiprocessing.get_context("spawn")


class WorkerPool:
    """A process pool for ``map`` calls, rebuilt transparently after a worker dies."""

    def __init__(self, jobs: int, context: Any = None, chunk_size: int | None = None,
                 mp_context=None, preload: str | None = PRELOAD_MODULE):
        self.jobs = max(1, jobs)
        self.context = context
        self.chunk_size = chunk_size
        self.mp_context = mp_context or default_context()
        self.preload = preload if self.mp_context.get_start_method() != "forkserver" else None
        self.crashes = 0
        self.fell_back = False
        self._tag = 0
        self._executor: ProcessPoolExecutor | None = None
        self._events = None

    # -- lifecycle

    def _start(self) -> None:
        self._events = self.mp_context.SimpleQueue()
        self._executor = ProcessPoolExecutor(
            self.jobs, mp_context=self.mp_context, initializer=_init_worker,
            initargs=(self._events, self.context, self.preload))

    def _discard(self, terminate: bool) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return
        if terminate:
            stop = getattr(executor, "terminate_workers", None)   # Python ≥ 3.14
            processes = list((getattr(executor, "_processes", None) or {}).values())
            if stop is not None:
                with contextlib.suppress(Exception):
                    stop()
            for p in processes:
                with contextlib.suppress(Exception):
                    p.terminate()
            for p in processes:
                with contextlib.suppress(Exception):
                    p.join(3)
                    if p.is_alive():
                        p.kill()
                        p.join(1)
        executor.shutdown(wait=True, cancel_futures=True)
        with contextlib.suppress(Exception):
            self._events.close()

    def close(self) -> None:
        self._discard(terminate=False)

    def terminate(self) -> None:
        """Stop now (Ctrl-C): workers are terminated, their partial outputs removed."""
        self._discard(terminate=True)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.terminate()

    # -- work

    def _chunk(self, n: int) -> int:
        if self.chunk_size:
            return self.chunk_size
        return max(1, min(4, n // (self.jobs * 8)))

    def map(self, func: WorkerFunc, tasks: Sequence[Task],
            on_start: Callable[[int], None] | None = None) -> Iterator[tuple[int, Any]]:
        """Run ``func`` on every task; yield ``(index, result)`` as results arrive.
        A task whose worker died on it yields ``(index, CRASHED)``; one whose function
        raised yields ``(index, Failed)``."""
        size = self._chunk(len(tasks))
        pending: deque[list[Task]] = deque(list(tasks[i:i + size]) for i in range(0, len(tasks), size))
        isolate: deque[Task] = deque()      # suspects, run alone one at a time
        in_flight: dict[Future, list[Task]] = {}
        blind = 0
        self._tag += 1
        tag = self._tag
        started: set[int] = set()
        finished: set[int] = set()

        def drain() -> None:
            while self._events is not None and not self._events.empty():
                t, kind, index = self._events.get()
                if t != tag:
                    continue
                if kind == "s":
                    started.add(index)
                    if on_start is not None:
                        on_start(index)
                else:
                    finished.add(index)

        while pending or isolate or in_flight:
            if self._executor is None:
                self._start()
            if isolate:
                if not in_flight:
                    task = isolate.popleft()
                    in_flight[self._executor.submit(_run_chunk, func, tag, [task])] = [task]
            else:
                while pending and len(in_flight) < 2 * self.jobs:
                    chunk = pending.popleft()
                    in_flight[self._executor.submit(_run_chunk, func, tag, chunk)] = chunk
            done, _ = wait(list(in_flight), timeout=0.1, return_when=FIRST_COMPLETED)
            drain()
            broken = False
            for fut in done:
                chunk = in_flight.pop(fut)
                try:
                    results = fut.result()
                except BrokenProcessPool:
                    broken = True
                    in_flight[fut] = chunk      # handled with the rest below
                    continue
                except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled
                    results = [(index, Failed(exc)) for index, _ in chunk]
                yield from results
            if not broken:
                continue
            # A worker died: every chunk in flight is lost. Let them all fail, then
            # see which files had started and not finished.
            wait(list(in_flight))
            drain()
            self.crashes += 1
            lost = [task for chunk in in_flight.values() for task in chunk]
            in_flight.clear()
            self._discard(terminate=True)
            suspects = [t for t in lost if t[0] in started and t[0] not in finished]
            suspect_ids = {t[0] for t in suspects}
            others = [t for t in lost if t[0] not in suspect_ids]
            if len(suspects) == 1:
                yield suspects[0][0], CRASHED
            elif suspects:
                isolate.extend(suspects)
            else:
                blind += 1
            if blind >= MAX_BLIND_CRASHES:
                # Workers die before they start anything: the pool itself does not
                # work here. Finish in this process rather than fail every file.
                self.fell_back = True
                rest = others + list(isolate) + [t for chunk in pending for t in chunk]
                for index, payload in sorted(rest):
                    if on_start is not None:
                        on_start(index)
                    yield index, func(payload, self.context)
                return
            for i in reversed(range(0, len(others), size)):
                pending.appendleft(others[i:i + size])
            lost_ids = {t[0] for t in lost}
            started -= lost_ids
            finished -= lost_ids
