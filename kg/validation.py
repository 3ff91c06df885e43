"""Validating a whole store, and loading RDF a user already has through the same gate.

The store is validated graph by graph (each document graph with the document
shapes, each corpus graph with the corpus shapes, shapes/derived-shapes.ttl), never as one giant graph,
so memory stays bounded by the largest document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.namespace import RDFS

from kg.errors import UsageError
from kg.ids import slugify
from kg.namespaces import CORPUS_GRAPHS, DERIVED_GRAPH, ONTOLOGY_GRAPH, QUARANTINE_GRAPH
from kg.shacl import Report, Result, validate_graph
from kg.store import Store

#: file suffix -> rdflib parser name
RDF_FORMATS = {".ttl": "turtle", ".turtle": "turtle", ".trig": "trig", ".nt": "nt",
               ".ntriples": "nt", ".nq": "nquads", ".nquads": "nquads", ".jsonld": "json-ld",
               ".json": "json-ld", ".rdf": "xml", ".xml": "xml", ".owl": "xml"}
QUAD_FORMATS = {"trig", "nquads", "json-ld"}


@dataclass
class Problem:
    graph: str
    result: Result
    label: str | None = None

    def line(self) -> str:
        focus = f"{self.result.focus}" + (f" ({self.label})" if self.label else "")
        path = f" {self.result.path}" if self.result.path else ""
        value = f" [value: {self.result.value}]" if self.result.value is not None else ""
        return f"{focus}{path}: {self.result.message}{value} — in {self.graph}"


@dataclass
class StoreReport:
    graphs: int = 0
    problems: list[Problem] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not self.problems

    def report_graph(self) -> Graph:
        """All validation reports as one graph (sh:ValidationReport nodes)."""
        out = Graph()
        out.bind("sh", "http://www.w3.org/ns/shacl#")
        for report in self.reports:
            out += report.graph
        return out


def _problems(graph_iri: str, data: Graph, report: Report) -> list[Problem]:
    out = []
    for result in report.results:
        label = None
        for node in data.subjects():
            if str(node) == result.focus:
                label = data.value(node, RDFS.label)
                break
        out.append(Problem(graph_iri, result, str(label) if label is not None else None))
    return out


def validate_store(store: Store, on_graph: Callable[[str], None] = lambda g: None,
                   on_start: Callable[[int], None] = lambda n: None) -> StoreReport:
    """Validate every document graph and the derived graph."""
    names = [g for g in store.graph_names()
             if g != ONTOLOGY_GRAPH and not g.startswith(QUARANTINE_GRAPH)]
    on_start(len(names))
    summary = StoreReport()
    for name in names:
        data = store.read_graph(name)
        report = validate_graph(data, derived=name in CORPUS_GRAPHS or name == DERIVED_GRAPH)
        summary.graphs += 1
        if not report.conforms:
            summary.reports.append(report)
            summary.problems.extend(_problems(name, data, report))
        on_graph(name)
    return summary


def default_graph_for(path: Path) -> str:
    return f"https://w3id.org/conflict-kg/graph/load/{slugify(path.stem)}"


def read_rdf(path: Path, fmt: str | None = None, graph: str | None = None) -> dict[str, Graph]:
    """The graphs of an RDF file: {graph IRI: triples}. Triples files go to ``graph``."""
    parser = fmt or RDF_FORMATS.get(path.suffix.lower())
    if parser is None:
        raise UsageError(f"{path}: unknown RDF format; use --format (turtle, trig, nt, nquads, json-ld, xml)")
    target = graph or default_graph_for(path)
    try:
        if parser in QUAD_FORMATS:
            ds = Dataset()
            ds.parse(path, format=parser, publicID=target)
            graphs: dict[str, Graph] = {}
            for ctx in ds.graphs():
                triples = Graph()
                for t in ctx:
                    triples.add(t)
                if not len(triples):
                    continue
                name = target if ctx.identifier == ds.default_graph.identifier else str(ctx.identifier)
                graphs.setdefault(name, Graph())
                graphs[name] += triples
            return graphs
        g = Graph()
        g.parse(path, format=parser)
        return {target: g}
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except Exception as exc:  # rdflib raises many kinds of parse errors
        message = " ".join(str(exc).split())[:300]
        raise UsageError(f"{path}: cannot parse as {parser}: {message}") from None


def check_graphs(graphs: dict[str, Graph]) -> list[Problem]:
    problems: list[Problem] = []
    for name, data in graphs.items():
        report = validate_graph(data, derived=name in CORPUS_GRAPHS or name == DERIVED_GRAPH)
        if not report.conforms:
            problems.extend(_problems(name, data, report))
    return problems
