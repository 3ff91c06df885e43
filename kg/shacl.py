"""SHACL validation of document graphs and of the derived graph.

The shapes live in ``shapes/`` at the top of the repository:
``shapes/derived-shapes.ttl`` for the derived corpus graph, every other
``shapes/*.ttl`` for one document's named graph (docs/rdf-layout.md). They use
core constraints only (no sh:sparql), so a document graph of a few hundred
triples validates in under 20 ms.

pySHACL writes into the shapes graph while it validates (pySHACL issue 314)
and patches rdflib globally while loading one, so the shared, cached shapes
graphs are only handed to pySHACL under one lock. Measured on 19 mapped
document graphs (106-312 triples): 16-17 ms median per document with the
lock, 19-20 ms when copying the shapes graph per call instead (the copy alone
is ~2 ms); with two threads, 18 ms against 23 ms per document of wall time.
pySHACL is pure Python, so under the GIL the lock costs no parallelism.

Only the named class hierarchy of the ontology is mixed in as ``ont_graph``
(:func:`class_hierarchy`): mixing in the whole ontology gave the same results
at twice the cost (33 ms per document).

:func:`split_violations` separates a graph into the part that conforms and the
part to quarantine (kg.namespaces.QUARANTINE_GRAPH).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pyshacl import validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from kg import resources
from kg.errors import ResourceMissing
from kg.namespaces import CKG

#: ``KG_SHAPES_DIR`` overrides where the shapes are looked for
_ENV_DIR = resources.SHAPES_ENV
#: the shapes of the derived graph; every other ``*.ttl`` of the folder is a document shape file
DERIVED_SHAPES_FILE = "derived-shapes.ttl"


#: folder holding the shape files
SHAPES_DIR: Path = resources.shapes_dir()

# One lock for every call into pySHACL with the shared shapes graphs.
_LOCK = threading.Lock()

# Constraint components after which dropping the offending triples cannot make the node
# conform: a required value is missing, so the whole node goes to quarantine.
_NODE_LEVEL_COMPONENTS = {SH.MinCountConstraintComponent}
# Dependent n-ary nodes quarantined together with the node pointing at them.
_DEPENDENT_LINKS = (CKG.casualties,)


def _parse(paths: Iterable[Path]) -> Graph:
    graph = Graph()
    found = False
    for path in sorted(paths):
        graph.parse(path, format="turtle")
        found = True
    if not found:
        raise ResourceMissing(f"no shapes found in {SHAPES_DIR}; set ${_ENV_DIR} to the folder holding them")
    return graph


@lru_cache(maxsize=1)
def load_shapes() -> Graph:
    """The document-graph shapes (``shapes/*.ttl`` except the derived ones), parsed once.

    The same object is returned on every call: treat it as read-only.
    """
    return _parse(p for p in SHAPES_DIR.glob("*.ttl") if p.name != DERIVED_SHAPES_FILE)


@lru_cache(maxsize=1)
def load_derived_shapes() -> Graph:
    """The shapes of the derived corpus graph (``shapes/derived-shapes.ttl``), parsed once (read-only)."""
    return _parse([SHAPES_DIR / DERIVED_SHAPES_FILE])


@lru_cache(maxsize=1)
def class_hierarchy() -> Graph:
    """The part of the ontology (:func:`kg.ontology.load_ontology`) the shapes need, cached.

    ``sh:class`` and ``sh:targetClass`` follow ``rdfs:subClassOf`` in the data graph,
    so only the named class hierarchy is mixed into each document graph (as
    pySHACL's ``ont_graph``): the full ontology's restrictions, unions and
    enumerations would be copied into every document graph for nothing, and
    that copy was half of the validation time.
    """
    from kg.ontology import load_ontology

    ontology = load_ontology()
    graph = Graph()
    for sub, sup in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            graph.add((sub, RDFS.subClassOf, sup))
            graph.add((sub, RDF.type, OWL.Class))
            graph.add((sup, RDF.type, OWL.Class))
    return graph


@dataclass(frozen=True)
class Result:
    """One SHACL validation result, as plain strings."""

    focus: str  # the focus node (an IRI, or a blank node label)
    path: str | None  # the property, for property-shape results
    value: str | None  # the offending value, when there is one (a literal's lexical form)
    message: str
    severity: str  # "Violation", "Warning" or "Info"
    shape: str | None  # the source shape's IRI
    component: str | None = None  # the constraint component, e.g. "MinCountConstraintComponent"


@dataclass
class Report:
    conforms: bool
    results: list[Result] = field(default_factory=list)
    graph: Graph = field(default_factory=Graph)  # the sh:ValidationReport

    def messages(self) -> list[str]:
        return [r.message for r in self.results]


def _local(node: Node | None) -> str | None:
    if node is None:
        return None
    text = str(node)
    for sep in ("#", "/"):
        if sep in text:
            return text.rsplit(sep, 1)[1]
    return text


def _results(report_graph: Graph) -> list[Result]:
    results = []
    for r in report_graph.subjects(RDF.type, SH.ValidationResult):
        focus = report_graph.value(r, SH.focusNode)
        path = report_graph.value(r, SH.resultPath)
        value = report_graph.value(r, SH.value)
        messages = sorted(str(m) for m in report_graph.objects(r, SH.resultMessage))
        shape = report_graph.value(r, SH.sourceShape)
        results.append(Result(
            focus=str(focus),
            path=str(path) if path is not None else None,
            value=str(value) if value is not None else None,
            message=" ".join(messages),
            severity=_local(report_graph.value(r, SH.resultSeverity)) or "Violation",
            shape=str(shape) if isinstance(shape, URIRef) else None,
            component=_local(report_graph.value(r, SH.sourceConstraintComponent)),
        ))
    results.sort(key=lambda r: (r.focus, r.path or "", r.shape or "", r.component or "", r.value or ""))
    return results


def validate_graph(data: Graph, *, derived: bool = False) -> Report:
    """Validate ``data`` (one document's graph, or the derived graph if ``derived``).

    Document graphs are validated with the ontology as ``ont_graph`` (so that
    ``sh:class ckg:Actor`` accepts a ``ckg:State``); ``data`` itself is never
    changed. Thread-safe.
    """
    if derived:
        shapes, ontology = load_derived_shapes(), None  # sh:in and counts only: no class checks
    else:
        shapes, ontology = load_shapes(), class_hierarchy()
    with _LOCK:
        conforms, report_graph, _ = validate(
            data, shacl_graph=shapes, ont_graph=ontology, inference="none",
            advanced=False, allow_warnings=True,
        )
    return Report(conforms=bool(conforms), results=_results(report_graph), graph=report_graph)


def _quarantine_terms(report: Report) -> tuple[set[Node], set[tuple[Node, Node]]]:
    """Nodes to quarantine whole, and (subject, predicate) pairs to quarantine, from a report."""
    nodes: set[Node] = set()
    pairs: set[tuple[Node, Node]] = set()
    g = report.graph
    for r in g.subjects(RDF.type, SH.ValidationResult):
        if g.value(r, SH.resultSeverity) not in (None, SH.Violation):
            continue
        focus = g.value(r, SH.focusNode)
        path = g.value(r, SH.resultPath)
        component = g.value(r, SH.sourceConstraintComponent)
        if focus is None:
            continue
        if not isinstance(path, URIRef) or component in _NODE_LEVEL_COMPONENTS:
            nodes.add(focus)  # node-level, a complex path, or a missing required value
        else:
            pairs.add((focus, path))
    return nodes, pairs


def _quarantine(data: Graph, nodes: set[Node], pairs: set[tuple[Node, Node]]) -> set:
    """The triples of ``data`` to move to quarantine."""
    out: set = set()
    todo = list(nodes)
    seen: set[Node] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for triple in data.triples((node, None, None)):
            out.add(triple)
            if triple[1] in _DEPENDENT_LINKS and isinstance(triple[2], (URIRef, BNode)):
                todo.append(triple[2])  # an event's casualty counts go with it
        if not isinstance(node, Literal):
            out.update(data.triples((None, None, node)))  # links to it (?event ckg:casualties <node>)
    for subject, predicate in pairs:
        out.update(data.triples((subject, predicate, None)))
    return out


def split_violations(data: Graph, report: Report, *, derived: bool = False) -> tuple[Graph, Graph]:
    """Split ``data`` into (clean, quarantined) according to the violations of ``report``.

    Quarantined: for a violation on a property, the focus node's triples with
    that property; for a node-level violation or a missing required value
    (sh:minCount), every triple of the focus node, those pointing at it, and
    the casualty counts of a quarantined event. The clean part is validated
    again and the rule re-applied until it conforms (dropping a node can break
    a node that pointed at it, e.g. an attack losing its place), so the clean
    part always conforms. Warnings and infos quarantine nothing. ``data`` is
    not changed.
    """
    clean, quarantined = Graph(), Graph()
    for prefix, namespace in data.namespaces():
        clean.bind(prefix, namespace, override=True, replace=True)
        quarantined.bind(prefix, namespace, override=True, replace=True)
    clean += data
    current = report
    while not current.conforms:
        nodes, pairs = _quarantine_terms(current)
        moved = _quarantine(clean, nodes, pairs)
        if not moved:  # nothing left to drop for these results: give up on the focus nodes entirely
            results = current.graph.subjects(RDF.type, SH.ValidationResult)
            focus = {current.graph.value(r, SH.focusNode) for r in results}
            moved = _quarantine(clean, {f for f in focus if f is not None}, set())
            if not moved:
                raise RuntimeError("split_violations: the graph does not conform and nothing is left to quarantine")
        for triple in moved:
            clean.remove(triple)
            quarantined.add(triple)
        current = validate_graph(clean, derived=derived)
    return clean, quarantined


__all__ = [
    "DERIVED_SHAPES_FILE", "SHAPES_DIR", "Report", "Result", "class_hierarchy", "load_derived_shapes", "load_shapes",
    "split_violations", "validate_graph",
]
