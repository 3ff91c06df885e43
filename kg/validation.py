"""Validating a whole store, and loading RDF a user already has through the same gate.

The store is validated graph by graph (each document graph with the document
shapes, each corpus graph with the corpus shapes, shapes/derived-shapes.ttl), never as one giant graph,
so memory stays bounded by the largest document.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg.errors import UsageError
from kg.ids import slugify
from kg.namespaces import CORPUS_GRAPHS, DERIVED_GRAPH, ONTOLOGY_GRAPH, QUARANTINE_GRAPH
from kg.shacl import Report, Result, validate_graph
from kg.store import Store

#: file suffix -> rdflib parser name
RDF_FORMATS = {".ttl": "turtle", ".turtle": "turtle", ".trig": "trig", ".nt": "nt",
               ".ntriples": "nt", ".nq": "nquads", ".nquads": "nquads", ".jsonld": "json-ld",
               ".json": "json-ld", ".rdf": "xml", ".xml": "xml", ".owl": "xml"}


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


# --------------------------------------------------------------- loading RDF files
#: parser name -> pyoxigraph format. Files are parsed with pyoxigraph, never rdflib: it fetches
#: no remote JSON-LD @context and expands no XML entity (rdflib does both), and it streams.
OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nt": ox.RdfFormat.N_TRIPLES,
              "nquads": ox.RdfFormat.N_QUADS, "json-ld": ox.RdfFormat.JSON_LD,
              "xml": ox.RdfFormat.RDF_XML}
_ALIASES = {"ttl": "turtle", "n-triples": "nt", "ntriples": "nt", "n-quads": "nquads", "nq": "nquads",
            "jsonld": "json-ld", "rdf/xml": "xml", "rdfxml": "xml", "rdf": "xml"}
#: up to this many triples a file passes the whole SHACL gate, in memory (pySHACL); a larger
#: file streams through :func:`core_problems` instead, so memory stays bounded
FULL_GATE_TRIPLES = 100_000
#: triples per write when a file is stored in parts (INSERT DATA to a remote store)
CHUNK = 50_000
#: triples per bulk write into an embedded store
BULK_PART = 100_000

_RDF_TYPE = ox.NamedNode(str(RDF.type))
_SCHEMA_URL = ox.NamedNode("https://schema.org/url")
_HTTP = re.compile(r"^https?://\S+$", re.IGNORECASE)


def parser_for(path: Path, fmt: str | None) -> str:
    name = (fmt or "").lower()
    name = _ALIASES.get(name, name) if name else RDF_FORMATS.get(path.suffix.lower(), "")
    if name not in OX_FORMATS:
        raise UsageError(f"{path}: unknown RDF format{f' {fmt!r}' if fmt else ''}; use --format "
                         "(turtle, trig, nt, nquads, json-ld, xml)")
    return name


_ENTITY = re.compile(rb"<!ENTITY\s+(%\s*)?([^\s>]+)\s+(SYSTEM|PUBLIC|\"[^\"]*\"|'[^']*')", re.S)


def check_xml_entities(path: Path) -> None:
    """Refuse an RDF/XML file whose DTD could expand out of bounds: pyoxigraph expands internal
    entities (a 757-byte "billion laughs" file made a 300 MB literal), so an entity whose text
    names another entity, a parameter entity and an external entity are refused; plain ones
    (namespace abbreviations, as OWL files use) are fine."""
    try:
        with path.open("rb") as fh:
            head = fh.read(1 << 20)
    except OSError:
        return  # the parser reports it
    if b"<!ENTITY" not in head:
        return
    for m in _ENTITY.finditer(head):
        value = m.group(3)
        if m.group(1) or value in (b"SYSTEM", b"PUBLIC") or b"&" in value or b"%" in value:
            name = m.group(2).decode("utf-8", "replace")
            raise UsageError(f"{path}: the XML entity '{name}' is refused: entities that name other "
                             "entities, parameter and external entities could expand without bound")


def iter_quads(path: Path, parser: str, target: str) -> Iterator[ox.Quad]:
    """The statements of ``path``, streamed; triples outside a named graph go to ``target``.
    A syntax error is a one-line :class:`UsageError` naming the file, place and term."""
    graph = ox.NamedNode(target)
    if parser == "xml":
        check_xml_entities(path)
    try:
        for quad in ox.parse(path=str(path), format=OX_FORMATS[parser], base_iri=path.resolve().as_uri()):
            if isinstance(quad.graph_name, ox.DefaultGraph):
                quad = ox.Quad(quad.subject, quad.predicate, quad.object, graph)
            yield quad
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (SyntaxError, ValueError) as exc:
        message = " ".join(str(exc).split())[:300]
        raise UsageError(f"{path}: cannot parse as {parser}: {message}") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None


def graph_of(quad: ox.Quad) -> str:
    """The IRI of the named graph of a quad from :func:`iter_quads` (which names every graph)."""
    name = quad.graph_name
    assert not isinstance(name, ox.DefaultGraph)  # iter_quads moves the default graph into a named one
    return name.value


def core_problems(quad: ox.Quad) -> str | None:
    """The checks every loaded statement passes, however large the file: a class is an IRI,
    a document URL is http(s)."""
    if quad.predicate == _RDF_TYPE and not isinstance(quad.object, ox.NamedNode):
        return f"{quad.subject} rdf:type {quad.object}: a class must be an IRI"
    if quad.predicate == _SCHEMA_URL and (isinstance(quad.object, ox.Triple) or not _HTTP.match(quad.object.value)):
        return f"{quad.subject} schema:url {quad.object}: must be an http(s) URL"
    return None


def _rdflib(term: Any) -> Any:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise UsageError(f"unsupported term {term}")


def read_rdf(path: Path, fmt: str | None = None, graph: str | None = None) -> dict[str, Graph]:
    """The graphs of an RDF file as rdflib graphs: {graph IRI: triples} (for small files)."""
    parser = parser_for(path, fmt)
    graphs: dict[str, Graph] = {}
    for q in iter_quads(path, parser, graph or default_graph_for(path)):
        graphs.setdefault(graph_of(q), Graph()).add(
            (_rdflib(q.subject), _rdflib(q.predicate), _rdflib(q.object)))
    return graphs


@dataclass
class LoadResult:
    triples: int = 0
    graphs: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line each
    full_gate: bool = True  # False: too large for pySHACL, checked by core_problems only


def load_file(store: Store | None, path: Path, fmt: str | None = None, graph: str | None = None,
              validate: bool = True) -> LoadResult:
    """Check ``path`` (SHACL gate, or core checks for a large file), then, when nothing is
    wrong and ``store`` is given, replace its graphs in the store. Streams: the file is read
    twice, never held whole (except up to :data:`FULL_GATE_TRIPLES` triples for pySHACL)."""
    parser = parser_for(path, fmt)
    target = graph or default_graph_for(path)
    result = LoadResult()
    small: dict[str, Graph] | None = {}
    names: dict[str, None] = {}
    for quad in iter_quads(path, parser, target):
        result.triples += 1
        names.setdefault(graph_of(quad))
        if validate:
            problem = core_problems(quad)
            if problem and len(result.problems) < 100:
                result.problems.append(f"{problem} — in {graph_of(quad)}")
            if small is not None:
                small.setdefault(graph_of(quad), Graph()).add(
                    (_rdflib(quad.subject), _rdflib(quad.predicate), _rdflib(quad.object)))
                if result.triples > FULL_GATE_TRIPLES:
                    small = None
    result.graphs = list(names)
    if validate and small is not None:
        # the whole gate covers the core checks: its lines alone
        result.problems = [p.line() for p in check_graphs(small)]
    result.full_gate = small is not None or not validate
    del small
    if result.problems or store is None:
        return result
    ox_store = getattr(store, "ox", None)
    if isinstance(ox_store, ox.Store):
        for name in result.graphs:
            ox_store.remove_graph(ox.NamedNode(name))
        # bulk writes in parts: one bulk_extend of a whole 1M-triple file took 830 MB, parts of
        # 100k 160 MB
        quads = iter_quads(path, parser, target)
        while part := list(itertools.islice(quads, BULK_PART)):
            ox_store.bulk_extend(part)
        ox_store.flush()
        return result
    store.replace_graphs(dict.fromkeys(result.graphs))  # drops them
    batch: list[str] = []

    def write() -> None:
        store.update("INSERT DATA {\n" + "\n".join(batch) + "\n}")
        batch.clear()

    for quad in iter_quads(path, parser, target):
        batch.append(f"GRAPH {quad.graph_name} {{ {quad.subject} {quad.predicate} {quad.object} }}")
        if len(batch) >= CHUNK:
            write()
    if batch:
        write()
    return result


def check_graphs(graphs: dict[str, Graph]) -> list[Problem]:
    problems: list[Problem] = []
    for name, data in graphs.items():
        report = validate_graph(data, derived=name in CORPUS_GRAPHS or name == DERIVED_GRAPH)
        if not report.conforms:
            problems.extend(_problems(name, data, report))
    return problems
