"""The ConflictKG ontology: where it is, and how to load it.

The canonical file is ``ontology/conflict-kg.ttl`` at the top of the
repository; :mod:`kg.resources` finds it there in a checkout and in the
package's bundled copy in an installed wheel. ``ontology/vendor/`` holds pinned excerpts of the external
vocabularies the ontology aligns to; nothing is fetched at run time and the
ontology has no ``owl:imports``.

In a store the ontology lives in its own named graph,
:data:`kg.namespaces.ONTOLOGY_GRAPH`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg import resources
from kg.namespaces import CKG, ONTOLOGY_GRAPH

#: the ontology's IRI (the owl:Ontology node)
ONTOLOGY_IRI = "https://w3id.org/conflict-kg/ontology"
#: ``KG_ONTOLOGY_DIR`` overrides where ``conflict-kg.ttl`` and ``vendor/`` are looked for
_ENV_DIR = resources.ONTOLOGY_ENV

#: folder holding the ontology and its vendored excerpts (found by :mod:`kg.resources`)
ONTOLOGY_DIR: Path = resources.ontology_dir()
#: the ontology file, Turtle
ONTOLOGY_PATH: Path = ONTOLOGY_DIR / "conflict-kg.ttl"
#: pinned excerpts of the vocabularies aligned to (schema.org, SEM, PROV-O, SKOS, Wikidata, ...)
VENDOR_DIR: Path = ONTOLOGY_DIR / "vendor"


def _check_present() -> None:
    """A missing ontology is an installation defect: ResourceMissing, exit status 3."""
    resources.require(ONTOLOGY_PATH, f"set ${_ENV_DIR} to the folder holding conflict-kg.ttl")


@lru_cache(maxsize=1)
def ontology_turtle() -> str:
    """The ontology file's text (Turtle)."""
    _check_present()
    return ONTOLOGY_PATH.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def load_ontology() -> Graph:
    """The ontology as an rdflib graph, parsed once and cached.

    The same object is returned on every call: treat it as read-only (copy it
    with ``g2 = Graph(); g2 += load_ontology()`` before changing anything).
    """
    graph = Graph()
    graph.parse(data=ontology_turtle(), format="turtle", publicID=ONTOLOGY_IRI)
    graph.bind("ckg", CKG)
    return graph


@lru_cache(maxsize=1)
def load_vendor() -> Graph:
    """The vendored excerpts of ``ontology/vendor/*.ttl`` merged in one graph, cached (read-only)."""
    graph = Graph()
    for path in sorted(VENDOR_DIR.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def _quads(graph_name: str = ONTOLOGY_GRAPH) -> list[ox.Quad]:
    name = ox.NamedNode(graph_name)
    return [
        ox.Quad(t.subject, t.predicate, t.object, name)
        for t in ox.parse(input=ontology_turtle(), format=ox.RdfFormat.TURTLE, base_iri=ONTOLOGY_IRI)
    ]


@lru_cache(maxsize=4)
def ontology_nquads(graph_name: str = ONTOLOGY_GRAPH) -> str:
    """The ontology as N-Quads in the named graph ``graph_name`` (for remote stores and exports).

    Blank-node labels are fixed within one process (the result is cached).
    """
    data = ox.serialize(_quads(graph_name), format=ox.RdfFormat.N_QUADS)
    assert data is not None  # without an output, serialize returns the bytes
    return data.decode("utf-8")


def load_into(store: ox.Store, graph_name: str = ONTOLOGY_GRAPH) -> int:
    """Replace the named graph ``graph_name`` of ``store`` with the ontology; return its triple count.

    The graph is cleared first, so loading twice leaves one copy (the
    ontology's blank nodes would otherwise be duplicated).
    """
    name = ox.NamedNode(graph_name)
    if store.contains_named_graph(name):
        store.clear_graph(name)
    store.load(input=ontology_turtle(), format=ox.RdfFormat.TURTLE, base_iri=ONTOLOGY_IRI, to_graph=name)
    return sum(1 for _ in store.quads_for_pattern(None, None, None, name))



#: the datatypes derived from xsd:integer (XML Schema 1.1 part 2, section 3.4)
INTEGER_TYPES = frozenset(str(XSD[n]) for n in (
    "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger", "long", "int",
    "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"))
#: OWL's cardinality properties, whose values are xsd:nonNegativeInteger (OWL 2 mapping to RDF)
_CARDINALITIES = tuple(str(OWL[n]) for n in (
    "cardinality", "minCardinality", "maxCardinality",
    "qualifiedCardinality", "minQualifiedCardinality", "maxQualifiedCardinality"))


@lru_cache(maxsize=1)
def integer_ranges() -> dict[str, str]:
    """Property IRI -> the type derived from xsd:integer that its values have: the ontology's
    datatype properties with such an ``rdfs:range`` (``ckg:count``: xsd:nonNegativeInteger)
    and OWL's cardinality properties."""
    graph = load_ontology()
    ranges = {str(p): str(r) for p in graph.subjects(RDF.type, OWL.DatatypeProperty)
              for r in graph.objects(p, RDFS.range) if str(r) in INTEGER_TYPES}
    return {**dict.fromkeys(_CARDINALITIES, str(XSD.nonNegativeInteger)), **ranges}
