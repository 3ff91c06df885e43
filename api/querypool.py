"""SPARQL queries evaluated in worker processes that can be killed.

A pyoxigraph query cannot be cancelled from Python: a thread whose answer we
stopped waiting for runs on with its memory (NOTES.md). So ``/sparql`` queries
over an on-disk store run in a small pool of worker processes, each holding
the store open read-only (:meth:`pyoxigraph.Store.read_only`, beside the
server's own read-write handle):

* a query that passes its deadline, or whose worker grows past
  ``memory_mb`` of resident memory (read from ``/proc`` every 50 ms while
  waiting), has its worker killed (SIGKILL) and replaced: the slot and the
  memory come back at once; an address-space limit (``RLIMIT_AS``, start-up size
  plus twice ``memory_mb``) stops a faster allocation;
* a worker that dies on its own (a parser crash, an allocation failure) is
  replaced the same way, and the request answered with an error;
* a worker reopens its read-only handle when the store's files changed since
  it last opened them (the write-ahead log and manifest's names, sizes and
  times: ~50 µs to check, ~7 ms to reopen), so it sees every write the server
  made;
* a worker dies with its parent (:func:`kg.procs.die_with_parent`).

Workers are started with the ``forkserver`` method: a fork of the threaded server
(RocksDB, uvicorn) could inherit held locks, while the fork server is a clean
process with pyoxigraph already imported, so a replacement starts in milliseconds.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import queue
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger(__name__)

#: the outcome of a query: ("ok", body, content_type, truncated) or ("error", status, message, headers)
Outcome = tuple[Any, ...]

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_bytes(pid: int) -> int:
    """Resident memory of process ``pid`` (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


def store_fingerprint(location: str) -> tuple[tuple[str, int, int], ...]:
    """What changes in a RocksDB folder when something is written: its logs, manifest, CURRENT."""
    out = []
    try:
        with os.scandir(location) as entries:
            for entry in entries:
                name = entry.name
                if name.endswith(".log") or name.startswith("MANIFEST") or name == "CURRENT":
                    st = entry.stat()
                    out.append((name, st.st_size, st.st_mtime_ns))
    except OSError:
        pass
    return tuple(sorted(out))


# --------------------------------------------------------------- the worker side
def _limit_address_space(memory_mb: float) -> None:
    """A hard backstop under the resident-memory watch: address space capped at what the worker
    maps after start-up plus twice the memory limit (an allocation past it aborts the worker)."""
    import resource

    if not memory_mb:
        return
    try:
        with open("/proc/self/statm", "rb") as fh:
            size = int(fh.read().split()[0]) * _PAGE
        limit = size + int(2 * memory_mb * 2**20)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (OSError, ValueError):
        pass


def open_read_only(location: str, attempts: int = 5) -> Any:
    """The store at ``location`` opened read-only. The server may be compacting it: RocksDB then
    deletes the table files a manifest read a moment ago names, and the open fails with a
    ``RuntimeError`` ("Corruption: ... No such file"); the next try reads the new manifest."""
    import pyoxigraph as ox

    for attempt in range(attempts):
        try:
            return ox.Store.read_only(location)
        except (OSError, RuntimeError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.02 * (attempt + 1))
    raise AssertionError("unreachable")


def worker_main(conn: Connection, location: str, max_rows: int, parent: int,
                memory_mb: float = 0) -> None:
    """The loop of one worker process: receive a job, answer its outcome, until EOF."""
    from kg.procs import die_with_parent

    # the parent is the fork server, which exits when the server does
    die_with_parent()

    from api.answers import evaluate_local

    seen = store_fingerprint(location)
    try:
        store = open_read_only(location)
    except (OSError, RuntimeError):
        store = None
    _limit_address_space(memory_mb)
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        query, dataset, union, accept, base = job
        fingerprint = store_fingerprint(location)
        try:
            if store is None or fingerprint != seen:
                store = None
                store = open_read_only(location)
                seen = fingerprint
            outcome = evaluate_local(store, query, dataset, union, accept, base, max_rows)
        except (OSError, RuntimeError) as exc:
            outcome = ("error", 500, f"the store could not be read: {exc}", {})
        try:
            conn.send(outcome)
        except (OSError, ValueError):
            return


# --------------------------------------------------------------- the server side
class _Worker:
    def __init__(self, ctx: Any, location: str, max_rows: int, memory_mb: float) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=worker_main,
                                   args=(child, location, max_rows, os.getpid(), memory_mb),
                                   name="kg-sparql-worker", daemon=True)
        self.process.start()
        child.close()
        # ready once it has imported pyoxigraph and opened the store
        if not self.conn.poll(60) or self.conn.recv() != "ready":
            self.kill()
            raise RuntimeError("a SPARQL worker did not start")

    def kill(self) -> None:
        try:
            self.process.kill()
        except (OSError, ValueError):
            pass
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """``size`` worker processes over the on-disk store at ``location``."""

    def __init__(self, location: str, size: int, memory_mb: float, max_rows: int) -> None:
        self.location = location
        self.size = max(1, size)
        self.memory_mb = memory_mb
        self.memory_limit = int(memory_mb * 1024 * 1024) if memory_mb else 0
        self.max_rows = max_rows
        self._ctx = mp.get_context("forkserver")
        # the fork server (one clean process, started once) has these imported: a replacement
        # worker starts in milliseconds, not the second a fresh interpreter takes
        self._ctx.set_forkserver_preload(["pyoxigraph", "api.sparql", "api.querypool"])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(self.size):  # started now: the server answers once its workers are ready
            self._replace(background=False)

    def _replace(self, background: bool = True) -> None:
        """Start one worker (in the background) and make it idle once it is ready."""
        def start() -> None:
            try:
                worker = _Worker(self._ctx, self.location, self.max_rows, self.memory_mb)
            except Exception:  # noqa: BLE001 - the next request retries
                log.exception("cannot start a SPARQL worker")
                return
            with self._lock:
                if self._closed:
                    worker.kill()
                    return
                self._all.add(worker)
            self._idle.put(worker)
        if background:
            threading.Thread(target=start, name="kg-sparql-spawn", daemon=True).start()
        else:
            start()

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            if self._closed:
                return
        self._replace()

    def workers(self) -> list[int]:
        """The pids of the live workers (for tests and /proc accounting)."""
        with self._lock:
            return [w.process.pid for w in self._all if w.process.pid]

    def run(self, job: tuple[Any, ...], deadline: float | None,
            cancelled: Callable[[], bool] = lambda: False) -> Outcome:
        """The outcome of ``job`` in a worker; ``TimeoutError`` at ``deadline``
        (:func:`time.monotonic`), waiting for a free worker included."""
        while True:
            try:
                worker = self._idle.get(timeout=None if deadline is None
                                        else max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError from None
            if worker.process.is_alive():
                break
            self._discard(worker)
        try:
            worker.conn.send(job)
            while True:
                wait = 0.05 if deadline is None else min(0.05, deadline - time.monotonic())
                if wait <= 0 or cancelled():
                    break
                if worker.conn.poll(wait):
                    outcome = worker.conn.recv()
                    self._idle.put(worker)
                    return outcome
                if self.memory_limit and rss_bytes(worker.process.pid) > self.memory_limit:
                    self._discard(worker)
                    return ("error", 503, "the query needed more memory than this server allows "
                            f"({self.memory_limit // 2**20} MB, KG_QUERY_MEMORY_MB); "
                            "simplify it or add a LIMIT", {})
        except (EOFError, OSError):
            worker.process.join(1)
            code = worker.process.exitcode
            self._discard(worker)
            if code == -6 and self.memory_limit:  # an allocation past the address-space cap
                return ("error", 503, "the query needed more memory than this server allows "
                        f"({self.memory_limit // 2**20} MB, KG_QUERY_MEMORY_MB); "
                        "simplify it or add a LIMIT", {})
            return ("error", 500, f"the query worker died (exit status {code}); the query was not "
                    "answered", {})
        # out of time: the worker is killed, its slot and memory come back now
        self._discard(worker)
        raise TimeoutError

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()
