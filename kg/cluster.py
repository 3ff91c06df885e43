"""Extraction on a Dask distributed cluster: many machines, or worker processes on this one.

``kg ingest --cluster tcp://HOST:8786`` sends batches of articles to the workers of a running
Dask scheduler (``dask-scheduler`` on one machine, ``dask-worker tcp://HOST:8786`` on each of the
others, every one with ConflictKG installed); ``kg ingest --workers N`` starts a
:class:`distributed.LocalCluster` of N worker processes on 127.0.0.1 and does the same. Each
worker loads the spaCy model once and, per batch, extracts, maps to RDF and passes every
document graph through the SHACL gate; only the results travel back (an extraction as plain data
and the gated N-Triples). The submitting process is the store's one writer: it writes each result
as it arrives, so a remote store gets the same incremental corpus-level updates as a local run.

A worker that dies mid-run (killed, out of memory) loses nothing: the scheduler gives its batches
to the other workers, and whatever was not stored when the run stopped is stored by a re-run
(stored articles are skipped). An article whose extraction fails is reported and skipped.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from kg.errors import UsageError
from kg.model import Article, Extraction, extraction_from_data, extraction_to_data

if TYPE_CHECKING:
    from kg.gate import Gated

#: articles per task: big enough that a round trip is small beside the parsing, small enough that
#: a lost worker costs little and progress moves
BATCH_SIZE = 8
#: batches in flight per worker: the next one is there when a worker finishes
AHEAD_PER_WORKER = 2

_EXTRACTOR: Any = None  # one per worker process: the loaded model


def cluster_timeout() -> float:
    """Seconds to wait for a scheduler to answer (KG_CLUSTER_TIMEOUT, default 30)."""
    import os

    try:
        return float(os.environ.get("KG_CLUSTER_TIMEOUT", "30"))
    except ValueError:
        raise UsageError("KG_CLUSTER_TIMEOUT must be a number of seconds") from None


def _worker_extractor(max_chars: int) -> Any:
    global _EXTRACTOR
    if _EXTRACTOR is None or _EXTRACTOR.max_chars != max_chars:
        from kg.extract.pipeline import Extractor

        _EXTRACTOR = Extractor(max_chars=max_chars)
    return _EXTRACTOR


def work_batch(batch: list[Article], max_chars: int, validate: bool) -> list[tuple[Any, ...]]:
    """What a worker does with one batch: (error, extraction data, gated data) per article."""
    from kg.gate import gate_graph
    from kg.rdfmap import document_graph

    extractor = _worker_extractor(max_chars)
    out: list[tuple[Any, ...]] = []
    for article, extraction, failure, _ in extractor.extract_many(batch):
        if extraction is None:
            out.append((failure, None, None))
            continue
        try:
            gated = gate_graph(document_graph(article, extraction)[1], validate)
        except Exception as exc:  # noqa: BLE001 - one bad document must not fail the batch
            out.append((f"{type(exc).__name__}: {exc}", None, None))
            continue
        out.append((None, extraction_to_data(extraction),
                    (gated.clean, gated.quarantined, gated.stored.triples, gated.stored.quarantined,
                     gated.stored.problems)))
    return out


def _unpack(article: Article, result: tuple[Any, ...]) -> tuple[Article, Extraction | None, str | None, Gated | None]:
    from kg.gate import Gated, Stored

    error, data, gated = result
    if error:
        return article, None, error, None
    clean, kept_apart, triples, quarantined, problems = gated
    stored = Stored(triples, quarantined, list(problems))
    return article, extraction_from_data(data), None, Gated(clean, kept_apart, stored)


class ClusterExtractor:
    """Extraction, mapping and gating on a Dask cluster: a scheduler's address, or a local cluster
    of ``workers`` processes. Use as a context manager; the local cluster stops with it."""

    def __init__(self, address: str | None = None, workers: int = 2, max_chars: int = 200_000,
                 connect_timeout: float = 30.0) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - a dependency of the package
            raise UsageError("Dask distributed is not installed (pip install distributed)") from None
        self.max_chars = max_chars
        self.cluster = None
        if address:
            if not address.startswith(("tcp://", "tls://", "ws://", "wss://", "inproc://")):
                raise UsageError(f"--cluster {address}: give the scheduler's address, e.g. tcp://HOST:8786")
            try:
                self.client = Client(address, timeout=connect_timeout)
            except (OSError, TimeoutError) as exc:
                raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        host="127.0.0.1", dashboard_address=None,
                                        silence_logs=50)  # logging.CRITICAL: our own messages only
            self.client = Client(self.cluster)

    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def extract_many(self, articles: Iterable[Article], validate: bool = True, batch_size: int = BATCH_SIZE
                     ) -> Iterator[tuple[Article, Extraction | None, str | None, Gated | None]]:
        """(article, extraction, error, gated) for each article, in order, a few batches ahead."""
        items = list(articles)
        batches = [items[i:i + batch_size] for i in range(0, len(items), batch_size)]
        ahead = max(2, AHEAD_PER_WORKER * self.workers())
        waiting: deque[tuple[list[Article], Any]] = deque()
        todo = iter(batches)

        def submit() -> None:
            batch = next(todo, None)
            if batch is not None:
                waiting.append((batch, self.client.submit(work_batch, batch, self.max_chars, validate,
                                                          pure=False, retries=2)))

        for _ in range(ahead):
            submit()
        try:
            while waiting:
                batch, future = waiting.popleft()
                results = future.result()
                submit()
                for article, result in zip(batch, results, strict=True):
                    yield _unpack(article, result)
        finally:
            for _, future in waiting:
                future.cancel()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def __enter__(self) -> ClusterExtractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
