"""The ingest pipeline: read, extract, map, validate, store, then update the corpus graphs.

Each article's graph replaces its own named graph in one write, and the corpus-level
nodes it touches (before and after) are recomputed (:func:`kg.derive.refresh`); an article
whose text is already stored unchanged is skipped, so re-ingesting changes
nothing. Bad inputs are reported through ``on_error`` and the batch goes on.
Every document graph passes the SHACL gate first: what violates a shape goes
to the document's quarantine graph (``quarantine_graph``) together with the
validation report, the rest is stored, and ``on_quarantine`` says what and why.
"""

from __future__ import annotations

import multiprocessing as mp
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.derive import refresh, touched_in_store, touched_of_ntriples
from kg.errors import InputError, StoreError
from kg.gate import Gated, Stored, gate_graph, gate_ntriples
from kg.ids import document_key, iri, text_hash
from kg.model import Article, Extraction
from kg.namespaces import CKG, ONTOLOGY_GRAPH, QUARANTINE_GRAPH
from kg.rdfmap import document_graph
from kg.store import Store, ntriples

if TYPE_CHECKING:  # imported where used: a cluster is only started when asked for
    from kg.cluster import ClusterExtractor
    from kg.extract.pipeline import Extractor


@dataclass
class IngestSummary:
    stored: int = 0
    unchanged: int = 0
    errors: list[InputError] = field(default_factory=list)
    triples: int = 0
    entities: int = 0
    events: int = 0
    partnerships: int = 0
    quarantined: int = 0  # triples kept apart by the SHACL gate
    quads_before: int = 0
    quads_after: int = 0

    @property
    def skipped(self) -> int:
        return len(self.errors)


def quarantine_graph(doc_key: str) -> str:
    """The named graph holding what the gate kept out of one document's graph."""
    return f"{QUARANTINE_GRAPH}/{doc_key}"


def write_document(store: Store, article: Article, gated: Gated) -> Stored:
    """Replace the document's graph and its quarantine graph in one write, then recompute the
    corpus-level nodes the old and the new version touch."""
    doc = str(iri(document_key(article)))
    try:  # every store call of the write: a failure names the document
        touched = touched_in_store(store, [doc])
        # the document's type and text hash go in last: a run stopped before the corpus graphs were
        # updated leaves no finished document there, so the next run ingests it again
        subject, last = f"<{doc}> ", (f"<{CKG.textHash}>", f"<{CKG.Document}>")
        lines = (gated.clean or "").splitlines()
        node = [line for line in lines if line.startswith(subject) and any(m in line for m in last)]
        body = "\n".join(line for line in lines if line not in node)
        store.replace_graphs({doc: body, quarantine_graph(document_key(article)): gated.quarantined})
        added = None if touched else gated.clean  # a new document: nothing of an old version to retract
        touched |= touched_of_ntriples(gated.clean)
        refresh(store, touched, added)
        if node:
            import pyoxigraph as ox

            from kg.derive import change_text

            triples = [(t.subject, t.predicate, t.object)
                       for t in ox.parse("\n".join(node), ox.RdfFormat.N_TRIPLES)]
            store.update(change_text(doc, [], triples))
    except StoreError as exc:
        raise StoreError(f"{exc} (while writing {doc}; run the ingest again to finish it)") from None
    return gated.stored


def delete_documents(store: Store, ids: Iterable[str]) -> tuple[list[str], list[str]]:
    """Remove documents (by article id, document key or document IRI) with their quarantine
    graphs, and retract what only they said: every corpus-level node they touched is
    recomputed from the claims left. Returns (deleted document IRIs, ids not found)."""
    from kg.namespaces import CKGR

    deleted, missing = [], []
    for ident in ids:
        if ident.startswith(str(CKGR)):
            key = ident[len(str(CKGR)):]
        elif ident.startswith("document/"):
            key = ident
        else:
            key = document_key(Article(text="", id=ident))
        doc = str(iri(key))
        if not store.ask(f"ASK {{ GRAPH <{doc}> {{ <{doc}> ?p ?o }} }}"):
            missing.append(ident)
            continue
        touched = touched_in_store(store, [doc])
        store.replace_graphs({doc: None, quarantine_graph(key): None})
        refresh(store, touched)
        deleted.append(doc)
    return deleted, missing


def store_document(store: Store, article: Article, extraction: Extraction, *,
                   validate: bool = True) -> Stored:
    """Map one article's extraction, pass it through the SHACL gate and store it.

    What violates a shape goes to the document's quarantine graph with the
    validation report; the document graph and its quarantine are replaced in
    one write.
    """
    _, graph = document_graph(article, extraction)
    return write_document(store, article, gate_graph(graph, validate))


#: below this many documents the gate runs in-process; above, in a forked process on the
#: other core, while this one parses the next documents
GATE_PROCESS_MIN_DOCS = 8


def _gate_pool(validate: bool, documents: int) -> ProcessPoolExecutor | None:
    if not validate or documents < GATE_PROCESS_MIN_DOCS or "fork" not in mp.get_all_start_methods():
        return None
    from kg.shacl import class_hierarchy, load_derived_shapes, load_shapes

    load_shapes(), load_derived_shapes(), class_hierarchy()  # parsed once, inherited by the fork
    import os

    from kg.procs import die_with_parent

    return ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("fork"),
                               initializer=die_with_parent, initargs=(os.getpid(),))


def ensure_ontology(store: Store) -> None:
    """Store the ontology in its own named graph (same content: no change)."""
    from kg.ontology import load_ontology

    store.replace_graph(ONTOLOGY_GRAPH, load_ontology())


def ingest(
    store: Store,
    items: Iterable[Article | InputError],
    *,
    workers: int = 1,
    cluster: str | None = None,
    max_chars: int = 200_000,
    on_error: Callable[[InputError], None] = lambda err: None,
    on_start: Callable[[int], None] = lambda total: None,
    on_done: Callable[[Article], None] = lambda article: None,
    on_quarantine: Callable[[Article, list[str]], None] = lambda article, problems: None,
    validate: bool = True,
) -> IngestSummary:
    """Ingest articles into ``store``; returns what was done."""
    summary = IngestSummary(quads_before=store.count_quads())
    todo: dict[str, Article] = {}
    for item in items:
        if isinstance(item, InputError):
            summary.errors.append(item)
            on_error(item)
            continue
        key = document_key(item)
        if key in todo:
            summary.unchanged += 1  # the same article twice in one batch: the later one wins
        todo[key] = item
    pending: list[Article] = []
    for key, article in todo.items():
        if store.document_hash(str(iri(key))) == text_hash(article.text):
            summary.unchanged += 1
        else:
            pending.append(article)
    on_start(len(pending))
    if pending:
        parallel = cluster is not None or (workers > 1 and len(pending) > 1)
        cluster_extractor: ClusterExtractor | None = None
        if parallel:
            # one parallel path: a Dask cluster (a scheduler's address, or a local cluster of
            # `workers` processes) extracts, maps and gates; this process writes (kg/cluster.py)
            from kg.cluster import ClusterExtractor, cluster_timeout

            cluster_extractor = ClusterExtractor(cluster, workers=max(workers, 2), max_chars=max_chars,
                                                 connect_timeout=cluster_timeout())
            extractor: ClusterExtractor | Extractor = cluster_extractor
        else:
            from kg.extract.pipeline import Extractor

            extractor = Extractor(max_chars=max_chars)

        def finish(article: Article, extraction: Extraction, stored: Stored) -> None:
            if stored.problems:
                summary.quarantined += stored.quarantined
                on_quarantine(article, stored.problems)
            summary.stored += 1
            summary.triples += stored.triples
            summary.entities += len(extraction.entities)
            summary.events += len(extraction.events)
            summary.partnerships += len(extraction.partnerships)
            on_done(article)

        # On a cluster the workers map and validate too; in one process, the SHACL gate runs in
        # a forked process on the other core while this one parses the next documents. Results
        # are written here, in order: the store has one writer.
        pool = None if parallel else _gate_pool(validate, len(pending))
        waiting: deque[tuple[Article, Extraction, Future[Gated] | Gated]] = deque()

        def settle(block: bool) -> None:
            while waiting and (block or not isinstance(waiting[0][2], Future) or waiting[0][2].done()):
                article, extraction, gated = waiting.popleft()
                if isinstance(gated, Future):
                    gated = gated.result()
                finish(article, extraction, write_document(store, article, gated))

        try:
            results = (cluster_extractor.extract_many(pending, validate=validate) if cluster_extractor is not None
                       else extractor.extract_many(pending))
            for article, extraction, failure, ready in results:
                settle(block=False)
                if extraction is None:
                    error = InputError(article.origin or str(article.id), f"extraction failed ({failure})")
                    summary.errors.append(error)
                    on_error(error)
                    on_done(article)
                    continue
                if ready is not None:
                    waiting.append((article, extraction, ready))
                    continue
                _, graph = document_graph(article, extraction)
                gated = pool.submit(gate_ntriples, ntriples(graph)) if pool else gate_graph(graph, validate)
                waiting.append((article, extraction, gated))
            settle(block=True)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
            if cluster_extractor is not None:
                cluster_extractor.close()
    # always, even with nothing new: a run that stopped after its last document but before
    # this point left the ontology behind (the corpus graphs are kept current per document)
    ensure_ontology(store)
    summary.quads_after = store.count_quads()
    return summary
