"""The ingest pipeline: read, extract, map, validate, store, derive.

Each article's graph replaces its own named graph in one write; an article
whose text is already stored unchanged is skipped, so re-ingesting changes
nothing. Bad inputs are reported through ``on_error`` and the batch goes on.
Every document graph passes the SHACL gate first: what violates a shape goes
to the document's quarantine graph (``quarantine_graph``) together with the
validation report, the rest is stored, and ``on_quarantine`` says what and why.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from rdflib import Graph

from kg.derive import derive
from kg.errors import InputError
from kg.ids import document_key, iri, text_hash
from kg.model import Article, Extraction
from kg.namespaces import ONTOLOGY_GRAPH, QUARANTINE_GRAPH
from kg.rdfmap import document_graph
from kg.store import Store


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


@dataclass
class Stored:
    triples: int  # stored in the document's graph
    quarantined: int  # kept apart in its quarantine graph
    problems: list[str]  # "focus: message", one a violation


def store_document(store: Store, article: Article, extraction: Extraction, *,
                   validate: bool = True) -> Stored:
    """Map one article's extraction, pass it through the SHACL gate and store it.

    What violates a shape goes to the document's quarantine graph with the
    validation report; the document graph and its quarantine are replaced in
    one write.
    """
    doc, graph = document_graph(article, extraction)
    kept_apart: Graph | None = None
    problems: list[str] = []
    if validate:
        from kg.shacl import split_violations, validate_graph

        report = validate_graph(graph)
        if not report.conforms:
            graph, kept_apart = split_violations(graph, report)
            problems = sorted({f"{r.focus}: {r.message}" for r in report.results})
            kept_apart += report.graph
    store.replace_graphs({str(doc): graph, quarantine_graph(document_key(article)): kept_apart})
    return Stored(len(graph), len(kept_apart) if kept_apart is not None else 0, problems)


def _settle(item: tuple[Article, Extraction, Future[Stored]]) -> tuple[Article, Extraction, Stored]:
    article, extraction, future = item
    return article, extraction, future.result()


def ensure_ontology(store: Store) -> None:
    """Store the ontology in its own named graph (same content: no change)."""
    from kg.ontology import load_ontology

    store.replace_graph(ONTOLOGY_GRAPH, load_ontology())


def ingest(
    store: Store,
    items: Iterable[Article | InputError],
    *,
    workers: int = 1,
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

        # Validation and writes run in one background thread, in order, while the next
        # documents are parsed: the store sees one writer, and a failure stops the batch.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-store") as writer:
            waiting: deque[tuple[Article, Extraction, Future[Stored]]] = deque()
            for article, extraction, failure in extractor.extract_many(pending, n_process=workers):
                while waiting and waiting[0][2].done():
                    finish(*_settle(waiting.popleft()))
                if extraction is None:
                    error = InputError(article.origin or str(article.id), f"extraction failed ({failure})")
                    summary.errors.append(error)
                    on_error(error)
                    on_done(article)
                    continue
                waiting.append((article, extraction,
                                writer.submit(store_document, store, article, extraction, validate=validate)))
            while waiting:
                finish(*_settle(waiting.popleft()))
    if pending or summary.quads_before == 0:
        ensure_ontology(store)
        derive(store)
    summary.quads_after = store.count_quads()
    return summary
