"""Where the graph lives.

:class:`Store` is the small interface the rest of ConflictKG uses;
:class:`EmbeddedStore` keeps the graph in a pyoxigraph store on disk (the
default). A remote SPARQL 1.1 store implements the same interface.
Every write that replaces a document's graph is one transaction, so a
failure never leaves half a document behind.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import StoreError, UsageError
from kg.namespaces import CKG, PREFIXES

#: export formats: name -> (pyoxigraph format, holds named graphs)
EXPORT_FORMATS: dict[str, tuple[ox.RdfFormat, bool]] = {
    "turtle": (ox.RdfFormat.TURTLE, False),
    "trig": (ox.RdfFormat.TRIG, True),
    "nt": (ox.RdfFormat.N_TRIPLES, False),
    "nquads": (ox.RdfFormat.N_QUADS, True),
    "jsonld": (ox.RdfFormat.JSON_LD, True),
}


def export_format(fmt: str) -> tuple[ox.RdfFormat, bool, dict[str, str] | None]:
    """(pyoxigraph format, holds named graphs, prefixes to write) of an export format name."""
    try:
        rdf_format, with_graphs = EXPORT_FORMATS[fmt]
    except KeyError:
        raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}") from None
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    return rdf_format, with_graphs, prefixes


def write_rdf(statements: Any, output: IO[bytes], rdf_format: ox.RdfFormat,
              prefixes: dict[str, str] | None) -> None:
    """``ox.serialize``, and for JSON-LD the project's ``@context`` (its prefixes) around the
    serialised graphs, which pyoxigraph writes with full IRIs and no context."""
    if rdf_format != ox.RdfFormat.JSON_LD:
        ox.serialize(statements, output, rdf_format, prefixes=prefixes)
        return
    output.write(b'{"@context": ' + json.dumps(PREFIXES, sort_keys=True).encode() + b',\n"@graph": ')
    ox.serialize(statements, output, rdf_format)
    output.write(b"}\n")


def ntriples(graph: Graph) -> str:
    data = graph.serialize(format="nt")
    return data if isinstance(data, str) else data.decode("utf-8")


def term_text(term: object) -> str | None:
    """A result term as the text a row gives it (an IRI, a literal's lexical form), None if unbound."""
    if term is None:
        return None
    return getattr(term, "value", str(term))


#: a SELECT row: variable -> the bound value as text, or None when the row leaves it unbound.
#: The values are typed Any because which variables a query always binds (outside OPTIONAL) is
#: known to the query, not to the type checker; a row's reader knows, and checks the optional ones.
Row = dict[str, Any]


@dataclass
class QueryResult:
    """The answer to a query: rows (SELECT), a boolean (ASK) or Turtle bytes (CONSTRUCT/DESCRIBE)."""

    kind: str  # select | ask | graph
    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    terms: list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | None]] = field(default_factory=list)
    boolean: bool = False
    turtle: bytes = b""

    def to_json(self) -> dict[str, object]:
        """SPARQL 1.1 Query Results JSON."""
        if self.kind == "ask":
            return {"head": {}, "boolean": self.boolean}
        bindings = []
        for row in self.terms:
            binding: dict[str, dict[str, str]] = {}
            for name, term in row.items():
                if term is not None:
                    binding[name] = term_json(term)
            bindings.append(binding)
        return {"head": {"vars": self.variables}, "results": {"bindings": bindings}}


def term_json(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


class Store:
    """What ConflictKG needs from a triple store."""

    location: str
    #: other processes may write at the same time (a SPARQL server): the corpus graphs are
    #: then checked after each recomputation and recomputed until they agree (kg.derive)
    concurrent_writers: bool = False

    # --- reads -----------------------------------------------------------
    def select(self, query: str, **bindings: str) -> list[Row]:
        """Rows of a SELECT over the union of all graphs, as plain strings."""
        raise NotImplementedError

    def ask(self, query: str) -> bool:
        raise NotImplementedError

    def select_terms(self, query: str) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | None]]:
        """Rows of a SELECT as RDF terms (datatypes and kinds kept)."""
        return self.run_query(query).terms

    def count_quads(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(rows[0]["n"] or 0)

    def document_hash(self, doc_iri: str) -> str | None:
        rows = self.select(
            f"SELECT ?h WHERE {{ GRAPH <{doc_iri}> {{ <{doc_iri}> <{CKG.textHash}> ?h }} }}"
        )
        return rows[0]["h"] if rows else None

    def export(self, fmt: str, output: IO[bytes], graph: str | None = None) -> None:
        raise NotImplementedError

    def run_query(self, query: str) -> QueryResult:
        raise NotImplementedError

    # --- writes ----------------------------------------------------------
    def update(self, update: str) -> None:
        raise NotImplementedError

    def replace_graph(self, graph_iri: str, graph: Graph) -> None:
        """Replace the named graph ``graph_iri`` by ``graph`` in one transaction."""
        self.replace_graphs({graph_iri: graph})

    def replace_graphs(self, graphs: dict[str, Graph | str | None]) -> None:
        """Replace several named graphs in one transaction: each given as an rdflib graph or as
        N-Triples text; ``None`` (or nothing) drops the graph."""
        drops = " ;\n".join(f"DROP SILENT GRAPH <{iri}>" for iri in graphs)
        bodies = {iri: g if isinstance(g, str) else ntriples(g) for iri, g in graphs.items() if g is not None}
        inserts = "\n".join(f"GRAPH <{iri}> {{\n{body}\n}}" for iri, body in bodies.items() if body.strip())
        self.update(drops + (f" ;\nINSERT DATA {{\n{inserts}\n}}" if inserts else ""))

    def graph_names(self) -> list[str]:
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
        return [r["g"] for r in rows if r["g"]]

    def read_graph(self, graph_iri: str) -> Graph:
        """One named graph as an rdflib graph (for SHACL validation)."""
        result = self.run_query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}")
        graph = Graph()
        graph.parse(data=result.turtle.decode("utf-8"), format="turtle")
        return graph

    def close(self) -> None:  # pragma: no cover - trivial
        pass

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


@lru_cache(maxsize=1)
def _integer_ranges() -> dict[ox.NamedNode, ox.NamedNode]:
    from kg.ontology import integer_ranges

    return {ox.NamedNode(p): ox.NamedNode(t) for p, t in integer_ranges().items()}


def restore_datatype(statement):
    """A statement with its integer object given back the type its property is declared with.

    Oxigraph stores every type derived from xsd:integer as xsd:integer: ``ckg:count`` 15 would
    come back as an xsd:integer, not the xsd:nonNegativeInteger of the ontology (and of the
    contract), and so would OWL's cardinalities. Only xsd:integer literals on those properties
    change; every other statement is given back as it is.
    """
    obj = statement.object
    if not isinstance(obj, ox.Literal) or obj.datatype != _INTEGER:
        return statement
    datatype = _integer_ranges().get(statement.predicate)
    if datatype is None:
        return statement
    typed = ox.Literal(obj.value, datatype=datatype)
    if isinstance(statement, ox.Quad):
        return ox.Quad(statement.subject, statement.predicate, typed, statement.graph_name)
    return ox.Triple(statement.subject, statement.predicate, typed)


class EmbeddedStore(Store):
    """A pyoxigraph store in a folder on disk (or in memory with ``path=None``)."""

    def __init__(self, path: str | Path | None, read_only: bool = False) -> None:
        self.location = str(path) if path is not None else ":memory:"
        if str(path).startswith(("http://", "https://")):
            raise UsageError(f"{path} is a SPARQL endpoint; this needs a folder for an embedded store")
        try:
            if path is None:
                self.ox = ox.Store()
            elif read_only and not (Path(path) / "CURRENT").exists():
                raise StoreError(f"no store at {path}; create one with 'kg ingest'")
            elif read_only:
                self.ox = ox.Store.read_only(str(path))
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self.ox = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path}: {exc}") from None

    def select(self, query: str, **bindings: str) -> list[Row]:
        subs = {ox.Variable(k): ox.NamedNode(v) if v.startswith(("http://", "https://"))
                else ox.Literal(v) for k, v in bindings.items()}
        solutions = self._query(query, subs or None)
        names = [v.value for v in solutions.variables]
        return [{n: term_text(row[n]) for n in names} for row in solutions]

    def ask(self, query: str) -> bool:
        return bool(self._query(query))

    def select_terms(self, query: str) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | None]]:
        solutions = self._query(query)
        names = [v.value for v in solutions.variables]
        return [{n: row[n] for n in names} for row in solutions]

    def run_query(self, query: str) -> QueryResult:
        result = self._query(query)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(result))
        if isinstance(result, ox.QueryTriples):
            return QueryResult("graph", turtle=ox.serialize(result, format=ox.RdfFormat.TURTLE,
                                                            prefixes=PREFIXES) or b"")
        names = [v.value for v in result.variables]
        terms = [{n: row[n] for n in names} for row in result]
        rows = [{n: term_text(t[n]) for n in names} for t in terms]
        return QueryResult("select", names, rows, terms)

    def _query(self, query: str, substitutions: dict | None = None):
        """The pyoxigraph result of any query over the union of all graphs; bad SPARQL is a
        usage error."""
        try:
            return self.ox.query(query, prefixes=PREFIXES, use_default_graph_as_union=True,
                                 substitutions=substitutions)
        except SyntaxError as exc:
            raise UsageError(f"bad SPARQL: {exc}") from None

    def count_quads(self) -> int:
        return len(self.ox)

    def update(self, update: str) -> None:
        try:
            self.ox.update(update, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise UsageError(f"bad SPARQL update: {exc}") from None
        except OSError as exc:
            raise StoreError(f"cannot write to the store at {self.location}: {exc}") from None

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        g = ox.NamedNode(graph) if graph else None
        return self.ox.quads_for_pattern(None, None, None, g)

    def export(self, fmt: str, output: IO[bytes], graph: str | None = None) -> None:
        rdf_format, with_graphs, prefixes = export_format(fmt)
        if with_graphs and graph is None:
            quads = self.ox.quads_for_pattern(None, None, None)
            write_rdf((restore_datatype(q) for q in quads), output, rdf_format, prefixes)
            return
        triples: Iterable[ox.Triple]
        if graph is not None:
            triples = (q.triple for q in self.quads(graph))
        else:
            construct = self.ox.query(
                "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")
            assert isinstance(construct, ox.QueryTriples)  # a CONSTRUCT gives triples
            triples = construct
        if with_graphs:
            name = ox.NamedNode(graph)  # type: ignore[arg-type]
            quads = (ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
            write_rdf((restore_datatype(q) for q in quads), output, rdf_format, prefixes)
        else:
            write_rdf((restore_datatype(t) for t in triples), output, rdf_format, prefixes)

    def flush(self) -> None:
        self.ox.flush()

    def close(self) -> None:
        del self.ox
