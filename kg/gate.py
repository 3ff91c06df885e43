"""The SHACL gate of one article's graph: what conforms is stored, the rest is kept apart with the
report (its quarantine graph). Run in the process that extracted (a cluster's worker, or the
gate process of :func:`kg.ingest.ingest`) or in the writer; the results are picklable."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph

from kg.rdfmap import stored_graph
from kg.store import ntriples


@dataclass
class Stored:
    triples: int  # stored in the document's graph
    quarantined: int  # kept apart in its quarantine graph
    problems: list[str]  # "focus: message", one a violation


@dataclass
class Gated:
    """A document graph after the SHACL gate, as N-Triples (picklable, for the gate process)."""

    clean: str
    quarantined: str | None
    stored: Stored


def gate_graph(graph: Graph, validate: bool = True) -> Gated:
    """Split an article's reading (:func:`kg.rdfmap.document_graph`) into what conforms and what
    is kept apart (with the report); what conforms is given in the stored layout
    (:func:`kg.rdfmap.stored_graph`)."""
    if validate:
        from kg.shacl import split_violations, validate_graph

        report = validate_graph(graph)
        if not report.conforms:
            clean, kept_apart = split_violations(graph, report)
            kept_apart += report.graph
            problems = sorted({f"{r.focus}: {r.message}" for r in report.results})
            stored = stored_graph(clean)
            return Gated(ntriples(stored), ntriples(kept_apart),
                         Stored(len(stored), len(kept_apart), problems))
    stored = stored_graph(graph)
    return Gated(ntriples(stored), None, Stored(len(stored), 0, []))


def gate_ntriples(data: str) -> Gated:
    """:func:`gate_graph` on N-Triples text: what the gate process runs."""
    graph = Graph()
    graph.parse(data=data, format="nt")
    return gate_graph(graph)
