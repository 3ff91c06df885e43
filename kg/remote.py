"""A store on any SPARQL 1.1 server, spoken to in the standards only.

:class:`RemoteStore` implements :class:`kg.store.Store` with

* SPARQL 1.1 Query and Update over the SPARQL 1.1 Protocol, always as a
  ``POST`` of a form (``query=`` / ``update=``, URL-encoded): every server has
  that, while Virtuoso 7.2 never answers a direct ``application/sparql-query``
  body;
* the SPARQL 1.1 Graph Store HTTP Protocol, where the server has it, for reading
  whole graphs and the whole dataset (``kg export``, ``kg validate``).

URLs: the store URL is the query endpoint; the update and graph-store endpoints
default to it (``--update-url`` / ``--graph-store-url``, ``KG_UPDATE_URL`` /
``KG_GRAPH_STORE_URL``). Authentication comes from the settings only, never from
the command line (a URL holding a user or password is refused): ``KG_REMOTE_TOKEN``
for a bearer token, or ``KG_REMOTE_USER`` + ``KG_REMOTE_PASSWORD`` for HTTP basic
or digest authentication, whichever the server's challenge asks for (Virtuoso's
``/sparql-auth`` asks for digest). A 401 or 403 is a one-line error naming the
settings.

Failures: connection errors and 5xx answers are retried ``remote_retries`` times
with exponential backoff (every write ConflictKG sends is idempotent: a graph is
dropped and inserted in one request); what still fails is a one-line
:class:`~kg.errors.StoreError`. A 400 is bad SPARQL (:class:`~kg.errors.UsageError`).

The default graph. ConflictKG keeps everything in named graphs and reads the
union of them as the default graph. Servers differ: GraphDB and Virtuoso (and
Fuseki with ``unionDefaultGraph``, Oxigraph with ``--union-default-graph``)
already answer over the union; the Oxigraph server otherwise takes the
``union-default-graph`` protocol parameter. The store finds out once, with two
cheap queries, and falls back to the standard way (every named graph given as
``default-graph-uri`` and ``named-graph-uri``) when neither works.
"""

from __future__ import annotations

import io
import json
import random
import re
import time
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from typing import IO, Any

import httpx
import pyoxigraph as ox
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.errors import StoreError, UsageError
from kg.namespaces import ONTOLOGY_GRAPH, PREFIXES
from kg.sparqltext import TOKENS
from kg.store import QueryResult, Row, Store, export_format, ntriples, restore_datatype, term_text, write_rdf

SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
N_QUADS = "application/n-quads"
TRIG = "application/trig"
#: answers of a graph store read after which the store reads by CONSTRUCT instead: any
#: refusal but a failed authentication
_NO_GRAPH_STORE = tuple(code for code in range(400, 600) if code not in (401, 403))
#: an update request holds at most this many bytes of data, unless one graph alone is bigger
CHUNK_BYTES = 4_000_000
#: graphs every writer replaces with the same content (holding blank nodes): written only
#: when what is stored differs, and checked after writing (see :meth:`RemoteStore._ensure_shared`)
SHARED_GRAPHS = frozenset({ONTOLOGY_GRAPH})

_PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def one_line(text: object, limit: int = 300) -> str:
    """``text`` (or an exception's message) on one line of at most ``limit`` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sparql_term(value: str) -> str:
    """A value as a SPARQL term: an IRI for http(s):// values, else a plain literal (escaped)."""
    if value.startswith(("http://", "https://")):
        try:
            return str(ox.NamedNode(value))
        except ValueError:
            raise UsageError(f"not an IRI: {value!r}") from None
    return str(ox.Literal(value))


def _where_brace(query: str) -> tuple[int, bool]:
    """Offset of the '{' opening the query's WHERE clause, and whether a FROM clause comes before it."""
    has_from = False
    for m in TOKENS.finditer(query):
        kind = m.lastgroup
        if kind == "word" and m.group().upper() == "FROM":
            has_from = True
        elif kind == "open":
            return m.start(), has_from
    raise UsageError("bad SPARQL: the query has no WHERE clause")


def bind_values(query: str, bindings: dict[str, str]) -> str:
    """``query`` with ``VALUES`` for the bound variables placed first in its WHERE clause.

    The SPARQL Protocol has no substitutions; a ``VALUES`` block at the start of the
    outermost group binds the variables for everything inside it, as pyoxigraph's
    substitutions do. Each value is escaped as an IRI or a literal term.
    """
    if not bindings:
        return query
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise UsageError(f"bad variable name {name!r}")
    names = " ".join(f"?{n}" for n in bindings)
    row = " ".join(sparql_term(v) for v in bindings.values())
    at, _ = _where_brace(query)
    return f"{query[:at + 1]} VALUES ({names}) {{ ({row}) }} {query[at + 1:]}"


def has_dataset_clause(query: str) -> bool:
    try:
        return _where_brace(query)[1]
    except UsageError:
        return False


_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def _term(binding: dict[str, str]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The RDF term of a SPARQL JSON binding.

    Two liberties servers take are undone: blank node labels that are not valid ones
    (Virtuoso's ``nodeID://b10003``) are written in hex, and xsd:boolean values given as
    ``1`` and ``0`` (Virtuoso) are given their canonical form, ``true`` and ``false``.
    """
    kind, value = binding.get("type"), binding.get("value", "")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        try:
            return ox.BlankNode(value)
        except ValueError:
            return ox.BlankNode(value.encode("utf-8").hex())
    if "xml:lang" in binding:
        return ox.Literal(value, language=binding["xml:lang"])
    if "datatype" in binding:
        if binding["datatype"] == _BOOLEAN:
            value = {"1": "true", "0": "false"}.get(value, value)
        return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(value)


class _StreamReader(io.RawIOBase):
    """A file-like view of an httpx streamed response body (for pyoxigraph's parsers)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


class UserAuth(httpx.Auth):
    """A user and password, for HTTP basic or digest authentication as the server asks.

    Requests go without credentials until the server answers 401; the scheme of its
    ``WWW-Authenticate`` challenge (digest preferred) is then used for that request and
    every later one. So the password is never sent in clear to a server that asks for
    digest, and no scheme has to be configured.
    """

    def __init__(self, user: str, password: str) -> None:
        self._schemes: dict[str, httpx.Auth] = {
            "digest": httpx.DigestAuth(user, password), "basic": httpx.BasicAuth(user, password)}
        self._chosen: httpx.Auth | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._chosen is None:
            response = yield request
            if response.status_code != 401:
                return
            challenges = response.headers.get_list("www-authenticate")
            offered = {c.split(None, 1)[0].lower() for c in challenges if c.strip()}
            chosen = next((self._schemes[s] for s in self._schemes if s in offered), None)
            if chosen is None:
                return  # a scheme we do not speak: the 401 stands
            self._chosen = chosen
        yield from self._chosen.auth_flow(request)


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint (plus Graph Store Protocol where there is one)."""

    #: several ``kg ingest`` processes may write at once: kg.derive checks what it recomputes
    concurrent_writers = True

    def __init__(self, query_url: str, update_url: str | None = None,
                 graph_store_url: str | None = None, *, user: str | None = None,
                 password: str | None = None, token: str | None = None, timeout: float = 60.0,
                 retries: int = 3, chunk_bytes: int = CHUNK_BYTES) -> None:
        for url in (query_url, update_url, graph_store_url):
            if url and httpx.URL(url).userinfo:
                raise UsageError("a store URL may not hold a user or password; set KG_REMOTE_USER and "
                                 "KG_REMOTE_PASSWORD (or KG_REMOTE_TOKEN) in the environment")
        self.location = query_url
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.graph_store_url = graph_store_url or query_url
        self.retries = max(0, retries)
        self.timeout = timeout
        self.chunk_bytes = chunk_bytes
        headers = {"User-Agent": "conflict-kg"}
        auth: httpx.Auth | None = None
        #: the settings the credentials came from, for errors
        self._credentials = ("KG_REMOTE_TOKEN" if token else
                             "KG_REMOTE_USER and KG_REMOTE_PASSWORD" if user else None)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        elif user:
            auth = UserAuth(user, password or "")
        self.client = httpx.Client(
            headers=headers, auth=auth, follow_redirects=True,
            timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)))
        #: how the union of the named graphs is asked for: None (unknown yet), "server", "param", "explicit"
        self._union: str | None = None
        #: False once the graph store URL has refused a read: CONSTRUCT from then on. Not used
        #: unless given: a GET of a bare query endpoint is its service description, not the data
        self._graph_store = bool(graph_store_url) and graph_store_url != query_url

    # ------------------------------------------------------------------ HTTP
    def _fail(self, url: str, exc: Exception) -> StoreError:
        if isinstance(exc, httpx.ConnectError):
            text = str(exc).lower()
            reason = "connection refused" if "refused" in text or "errno 111" in text else one_line(exc)
        elif isinstance(exc, httpx.TimeoutException):
            reason = f"no answer within {self.timeout:g} s"
        else:
            reason = one_line(exc) or type(exc).__name__
        return StoreError(f"cannot reach the SPARQL endpoint at {url}: {reason}")

    def _refused(self, url: str, response: httpx.Response, what: str) -> Exception:
        try:
            message = one_line(response.read().decode("utf-8", "replace"))
        except httpx.HTTPError:
            message = ""
        status = f"{response.status_code} {response.reason_phrase}".strip()
        if response.status_code in (401, 403):
            if self._credentials is None:
                return StoreError(f"the SPARQL endpoint at {url} refused the {what} without credentials "
                                  f"({status}); set KG_REMOTE_USER and KG_REMOTE_PASSWORD, "
                                  "or KG_REMOTE_TOKEN")
            return StoreError(f"the SPARQL endpoint at {url} refused the {what} with the credentials "
                              f"of {self._credentials} ({status})")
        if response.status_code == 400:
            return UsageError(f"bad SPARQL {what}: {message or status}")
        return StoreError(f"the SPARQL endpoint at {url} refused the {what} ({status})"
                          + (f": {message}" if message else ""))

    def _send(self, method: str, url: str, what: str, ok: tuple[int, ...] = (),
              **kwargs: Any) -> httpx.Response:
        """A streamed response with a 2xx status (or one in ``ok``), after retries; close it."""
        delay = 0.5
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self.client.send(self.client.build_request(method, url, **kwargs), stream=True)
            except httpx.TransportError as exc:
                if last:
                    raise self._fail(url, exc) from None
            else:
                if response.is_success or response.status_code in ok:
                    return response
                if response.status_code < 500 or last:
                    try:
                        raise self._refused(url, response, what)
                    finally:
                        response.close()
                response.close()
            time.sleep(delay * (1 + random.random() / 4))
            delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    @contextmanager
    def _request(self, method: str, url: str, what: str, *, ok: tuple[int, ...] = (),
                 **kwargs: Any) -> Iterator[httpx.Response]:
        response = self._send(method, url, what, ok, **kwargs)
        try:
            yield response
        finally:
            response.close()

    def _post(self, url: str, what: str, **kwargs: Any) -> bytes:
        with self._request("POST", url, what, **kwargs) as response:
            try:
                return response.read()
            except httpx.HTTPError as exc:
                raise self._fail(url, exc) from None

    # --------------------------------------------------------------- queries
    def _query_request(self, query: str, accept: str, union: bool,
                       extra: dict[str, list[str]] | None = None) -> dict[str, Any]:
        """The keyword arguments of a protocol POST for ``query``."""
        text = _PROLOGUE + query
        params: dict[str, list[str]] = dict(extra or {})
        if union and not has_dataset_clause(query) and not params:
            mode = self._union_mode()
            if mode == "param":
                params["union-default-graph"] = [""]
            elif mode == "explicit":
                graphs = self.graph_names()
                params["default-graph-uri"] = graphs
                params["named-graph-uri"] = graphs
        # a form, with the protocol parameters beside the query
        return {"data": {"query": text, **params}, "headers": {"Accept": accept}}

    def _select_json(self, query: str, union: bool = True) -> dict[str, Any]:
        body = self._post(self.query_url, "query", **self._query_request(query, SPARQL_JSON, union))
        try:
            return json.loads(body)
        except ValueError:
            raise StoreError(f"the SPARQL endpoint at {self.query_url} answered with something "
                             "that is not SPARQL JSON results") from None

    def _union_mode(self) -> str:
        """Find out once how this server reads the union of the named graphs."""
        if self._union is not None:
            return self._union
        probe = self._select_json(
            "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s) && !isBlank(?o)) } LIMIT 1",
            union=False)
        rows = probe.get("results", {}).get("bindings", [])
        if not rows:
            return "server"  # nothing stored yet: any way is right; ask again next time
        row = rows[0]
        values = " ".join(str(_term(row[v])) for v in ("s", "p", "o"))
        ask = f"ASK {{ VALUES (?s ?p ?o) {{ ({values}) }} ?s ?p ?o }}"
        if self._ask_raw(ask, {}):
            self._union = "server"
        elif self._ask_raw(ask, {"union-default-graph": [""]}):
            self._union = "param"
        else:
            self._union = "explicit"
        return self._union

    def _ask_raw(self, query: str, params: dict[str, list[str]]) -> bool:
        try:
            body = self._post(self.query_url, "query",
                              **self._query_request(query, SPARQL_JSON, False, params))
        except UsageError:  # a server that does not know the parameter may call it bad
            return False
        try:
            return bool(json.loads(body).get("boolean"))
        except ValueError:
            return False

    def select(self, query: str, **bindings: str) -> list[Row]:
        result = self._select_json(bind_values(query, bindings))
        names = result.get("head", {}).get("vars", [])
        return [{n: term_text(_term(row[n])) if n in row else None for n in names}
                for row in result.get("results", {}).get("bindings", [])]

    def ask(self, query: str) -> bool:
        return bool(self._select_json(query).get("boolean"))

    def run_query(self, query: str) -> QueryResult:
        accept = f"{SPARQL_JSON}, {N_TRIPLES};q=0.9"
        kwargs = self._query_request(query, accept, True)
        with self._request("POST", self.query_url, "query", **kwargs) as response:
            body = response.read()
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind in (N_TRIPLES, "text/turtle", N_QUADS, "text/plain"):
            fmt = ox.RdfFormat.TURTLE if kind == "text/turtle" else ox.RdfFormat.N_TRIPLES
            if kind == N_QUADS:
                fmt = ox.RdfFormat.N_QUADS
            triples = (q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(body, fmt))
            return QueryResult("graph", turtle=ox.serialize(
                triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b"")
        try:
            result = json.loads(body)
        except ValueError:
            raise StoreError(f"the SPARQL endpoint at {self.query_url} answered in {kind or 'an unknown format'}, "
                             "not SPARQL JSON results or N-Triples") from None
        if "boolean" in result:
            return QueryResult("ask", boolean=bool(result["boolean"]))
        names = result.get("head", {}).get("vars", [])
        terms = [{n: _term(row[n]) if n in row else None for n in names}
                 for row in result.get("results", {}).get("bindings", [])]
        rows = [{n: term_text(t[n]) for n in names} for t in terms]
        return QueryResult("select", names, rows, terms)

    def forward_query(self, query: str, dataset: dict[str, list[str]] | None, accept: str | None,
                      base: str | None = None, timeout: float | None = None) -> tuple[int, str, bytes]:
        """A protocol query passed through as the client asked it: (status, content type, body).

        ``dataset``: the client's ``default-graph-uri`` / ``named-graph-uri`` (else the union
        of the named graphs is the default graph). The whole body is read before returning.
        """
        text = (f"BASE {sparql_term(base)}\n" if base else "") + query
        kwargs = self._query_request(text, accept or "*/*", dataset is None,
                                     {k: v for k, v in (dataset or {}).items() if v} or None)
        if dataset is not None and not any(dataset.values()):
            kwargs = self._query_request(text, accept or "*/*", False)
        if timeout is not None:
            kwargs["timeout"] = httpx.Timeout(timeout, connect=min(10.0, timeout))
        response = self._send("POST", self.query_url, "query", tuple(range(400, 600)), **kwargs)
        try:
            body = response.read()
        except httpx.HTTPError as exc:
            raise self._fail(self.query_url, exc) from None
        finally:
            response.close()
        return response.status_code, response.headers.get("content-type", "application/octet-stream"), body

    def count_quads(self) -> int:
        rows = self._select_json("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", union=False)
        bindings = rows.get("results", {}).get("bindings", [])
        return int(bindings[0]["n"]["value"]) if bindings and "n" in bindings[0] else 0

    def graph_names(self) -> list[str]:
        rows = self._select_json("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g", union=False)
        return [r["g"]["value"] for r in rows.get("results", {}).get("bindings", []) if "g" in r]

    def document_hash(self, doc_iri: str) -> str | None:
        from kg.namespaces import CKG

        doc = sparql_term(doc_iri)
        rows = self._select_json(f"SELECT ?h WHERE {{ GRAPH {doc} {{ {doc} <{CKG.textHash}> ?h }} }}",
                                 union=False)
        bindings = rows.get("results", {}).get("bindings", [])
        return bindings[0]["h"]["value"] if bindings and "h" in bindings[0] else None

    # ------------------------------------------------------------- graph reads
    def _graph_store_get(self, graph: str | None, accept: str) -> Iterator[Any] | None:
        """Statements of one graph (or of the dataset) from the Graph Store Protocol; None if there is none."""
        if not self._graph_store:
            return None
        params = {"graph": graph} if graph else {}
        response = self._send("GET", self.graph_store_url, "graph store read", _NO_GRAPH_STORE,
                              params=params, headers={"Accept": accept})
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        formats = {N_QUADS: ox.RdfFormat.N_QUADS, TRIG: ox.RdfFormat.TRIG,
                   N_TRIPLES: ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE}
        if response.status_code == 404 and graph:
            response.close()
            return iter(())
        wanted = (N_QUADS, TRIG) if graph is None else (N_TRIPLES, "text/turtle", N_QUADS)
        if not response.is_success or kind not in wanted:
            response.close()
            if response.status_code != 404:
                self._graph_store = False  # refused: CONSTRUCT from now on
            return None

        def statements() -> Iterator[Any]:
            try:
                reader = io.BufferedReader(_StreamReader(response.iter_bytes()), 1 << 16)
                yield from ox.parse(reader, formats[kind])
            except httpx.HTTPError as exc:
                raise self._fail(self.graph_store_url, exc) from None
            except SyntaxError as exc:
                raise StoreError(f"the graph store at {self.graph_store_url} sent bad {kind}: "
                                 f"{one_line(exc)}") from None
            finally:
                response.close()

        return statements()

    def _construct(self, query: str) -> Iterator[ox.Triple]:
        """Triples of a CONSTRUCT, streamed as N-Triples."""
        kwargs = self._query_request(query, N_TRIPLES, False)
        with self._request("POST", self.query_url, "query", **kwargs) as response:
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            fmt = {"text/turtle": ox.RdfFormat.TURTLE, N_QUADS: ox.RdfFormat.N_QUADS}.get(
                kind, ox.RdfFormat.N_TRIPLES)
            reader = io.BufferedReader(_StreamReader(response.iter_bytes()), 1 << 16)
            try:
                for statement in ox.parse(reader, fmt):
                    yield statement.triple if isinstance(statement, ox.Quad) else statement
            except httpx.HTTPError as exc:
                raise self._fail(self.query_url, exc) from None

    def _graph_triples(self, graph: str) -> Iterator[ox.Triple]:
        found = self._graph_store_get(graph, f"{N_TRIPLES}, text/turtle;q=0.9")
        if found is not None:
            return (s.triple if isinstance(s, ox.Quad) else s for s in found)
        name = sparql_term(graph)
        return self._construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {name} {{ ?s ?p ?o }} }}")

    def read_graph(self, graph_iri: str) -> Graph:
        data = ox.serialize(self._graph_triples(graph_iri), format=ox.RdfFormat.N_TRIPLES) or b""
        graph = Graph()
        graph.parse(data=data.decode("utf-8"), format="nt")
        return graph

    def _dataset_quads(self) -> Iterator[ox.Quad]:
        found = self._graph_store_get(None, f"{N_QUADS}, {TRIG};q=0.9")
        if found is not None:
            yield from found
            return
        for name in self.graph_names():
            node = ox.NamedNode(name)
            for t in self._graph_triples(name):
                yield ox.Quad(t.subject, t.predicate, t.object, node)

    def export(self, fmt: str, output: IO[bytes], graph: str | None = None) -> None:
        rdf_format, with_graphs, prefixes = export_format(fmt)
        statements: Iterator[Any]
        if graph is not None:
            name = ox.NamedNode(graph)
            triples = self._graph_triples(graph)
            statements = (ox.Quad(t.subject, t.predicate, t.object, name) for t in triples) \
                if with_graphs else triples
        elif with_graphs:
            statements = self._dataset_quads()
        else:  # merged on the server: each triple once
            statements = self._construct(
                "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")
        write_rdf((restore_datatype(s) for s in statements), output, rdf_format, prefixes)

    # ------------------------------------------------------------------ writes
    def _update(self, update: str, what: str = "update") -> None:
        self._post(self.update_url, what, data={"update": _PROLOGUE + update})

    def update(self, update: str) -> None:
        self._update(update)

    def replace_graphs(self, graphs: dict[str, Graph | str | None]) -> None:
        """Replace named graphs; all of them in one update request unless they pass
        :data:`CHUNK_BYTES`, then in several, each graph wholly inside one request."""
        texts: dict[str, str | None] = {}
        for iri, g in graphs.items():
            if iri in SHARED_GRAPHS and g is not None and len(graphs) == 1:
                self._ensure_shared(iri, g if isinstance(g, Graph) else _graph_of(g))
                return
            texts[iri] = g if g is None or isinstance(g, str) else ntriples(g)
        chunk: dict[str, str | None] = {}
        size = 0
        for iri, body in texts.items():
            length = len(body or "")
            if chunk and size + length > self.chunk_bytes:
                self._write_chunk(chunk)
                chunk, size = {}, 0
            chunk[iri] = body
            size += length
        if chunk:
            self._write_chunk(chunk)

    def _write_chunk(self, chunk: dict[str, str | None]) -> None:
        try:
            self._update(replace_text(chunk), "write")
        except StoreError as exc:
            from kg.namespaces import QUARANTINE_GRAPH

            named = [iri for iri in chunk if not iri.startswith(QUARANTINE_GRAPH)] or list(chunk)
            more = f" and {len(named) - 1} more graph(s)" if len(named) > 1 else ""
            raise StoreError(f"{exc} (while writing {named[0]}{more}; nothing of it was stored)") from None

    def _ensure_shared(self, iri: str, graph: Graph, attempts: int = 8) -> None:
        """Write a graph that every writer writes alike, only when the stored one differs.

        Its blank nodes would be duplicated by two writers replacing it at the same time
        (fresh blank nodes on each insert, no serialised updates); so it is written only
        when missing or different, and read back after writing until it is the same.
        """
        for attempt in range(attempts):
            if _same(self.read_graph(iri), graph):
                return
            if attempt:
                time.sleep(random.uniform(0.05, 0.5))
            self._write_chunk({iri: ntriples(graph)})
        if not _same(self.read_graph(iri), graph):
            raise StoreError(f"the graph {iri} keeps changing under concurrent writers; run 'kg ingest' again")

    def close(self) -> None:
        self.client.close()


#: the literals written as constants in an update: strings, which no server takes for another
_PLAIN = frozenset({"http://www.w3.org/2001/XMLSchema#string",
                    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"})


def replace_text(graphs: dict[str, str | None]) -> str:
    """The update that replaces named graphs by N-Triples bodies (``None`` or empty: drop it).

    Always ``INSERT { template } WHERE { ... }``, never ``INSERT DATA``:

    * blank nodes: ``INSERT DATA`` may hold them, but Virtuoso refuses them there; a template
      makes the same fresh nodes on every server;
    * typed literals (other than strings) are made by ``STRDT(lexical, datatype)`` in the
      WHERE clause, one variable per distinct literal. Virtuoso 7.2 keeps the constants of
      one request by value and merges those equal across datatypes ("true"^^xsd:boolean and
      "1"^^xsd:nonNegativeInteger, "1"^^xsd:int and "1"^^xsd:short: the first one written
      wins; openlink/virtuoso-opensource issues 733 and 912), and turns a whole
      xsd:decimal written as a constant into an xsd:integer; values computed by STRDT are
      stored with their own datatype.
    """
    drops = " ;\n".join(f"DROP SILENT GRAPH {sparql_term(iri)}" for iri in graphs)
    variables: dict[ox.Literal, str] = {}
    blocks = []
    for iri, body in graphs.items():
        if not body or not body.strip():
            continue
        lines = []
        for t in ox.parse(body, ox.RdfFormat.N_TRIPLES):
            obj = t.object
            if isinstance(obj, ox.Literal) and obj.datatype.value not in _PLAIN:
                text = variables.setdefault(obj, f"?v{len(variables)}")
            else:
                text = str(obj)
            lines.append(f"{t.subject} {t.predicate} {text} .")
        blocks.append(f"GRAPH {sparql_term(iri)} {{\n" + "\n".join(lines) + "\n}")
    if not blocks:
        return drops
    binds = "\n".join(f"BIND(STRDT({ox.Literal(lit.value)}, {lit.datatype}) AS {var})"
                       for lit, var in variables.items())
    return drops + " ;\nINSERT {\n" + "\n".join(blocks) + "\n} WHERE {\n" + binds + "\n}"


def _graph_of(text: str) -> Graph:
    graph = Graph()
    graph.parse(data=text, format="nt")
    return graph


def _same(stored: Graph, wanted: Graph) -> bool:
    """Isomorphic, once numbers are compared by value: servers normalise numeric types (Oxigraph
    stores the types derived from xsd:integer as xsd:integer)."""
    from decimal import Decimal, InvalidOperation

    from rdflib import Literal
    from rdflib.namespace import XSD

    from kg.ontology import INTEGER_TYPES

    numeric = INTEGER_TYPES | {str(XSD.integer), str(XSD.decimal)}

    def plain(graph: Graph) -> Graph:
        out = Graph()
        for s, p, o in graph:
            if isinstance(o, Literal) and o.datatype is not None and str(o.datatype) in numeric:
                try:
                    value = Decimal(str(o))
                    o = Literal(format(value.normalize(), "f"), datatype=XSD.decimal)
                except InvalidOperation:
                    pass
            out.add((s, p, o))
        return out

    return len(stored) == len(wanted) and isomorphic(plain(stored), plain(wanted))
