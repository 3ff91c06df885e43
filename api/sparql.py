"""The SPARQL 1.1 Protocol at ``/sparql``: queries, updates, a service description.

``sparql_router(store, settings)`` gives an :class:`~fastapi.APIRouter` with

* ``GET /sparql?query=…`` and ``POST /sparql`` with a form (``query=`` or
  ``update=``, parsed here with :mod:`urllib.parse`, so python-multipart is not
  needed) or a direct body (``application/sparql-query`` /
  ``application/sparql-update``, UTF-8 only);
* ``default-graph-uri`` / ``named-graph-uri`` (queries) and
  ``using-graph-uri`` / ``using-named-graph-uri`` (updates), repeatable, from
  the query string and, for form posts, from the form. Without a protocol
  dataset and without ``FROM`` in the query, the default graph is the union of
  all graphs (our data lives in named graphs);
* content negotiation with q-values; 406 when nothing offered is acceptable;
* ``GET /sparql`` without parameters: a service description (Turtle by default).

Safety
------
* Every query and update is parsed with rdflib's SPARQL parser and the parse
  tree is walked for ``SERVICE`` and ``LOAD``; they are answered with 400 unless
  ``settings.allow_remote`` is set. As a second guard a small SPARQL lexer
  (strings, IRIs and comments skipped) looks for the two keywords; it is also
  the only check when rdflib cannot parse a query that pyoxigraph accepts.
  ``FROM``/``FROM NAMED`` are allowed: pyoxigraph maps them to graphs of the
  store and fetches nothing.
* Before any parser sees it, a query or update longer than
  ``settings.max_query_bytes`` or nested deeper than :mod:`kg.sparqlguard` allows
  is answered 400 (pyoxigraph's parser would overflow its stack and kill the
  process).
* Over an on-disk store, queries run in worker processes (:mod:`api.querypool`,
  ``KG_QUERY_WORKERS``) that hold the store open read-only: a query that passes
  ``settings.query_timeout``, or whose worker grows past ``KG_QUERY_MEMORY_MB``,
  gets a complete ``503`` text body and its worker is killed and replaced, so
  its slot and memory come back at once. The whole answer is serialised to bytes
  in the worker before a status is chosen, never a truncated ``200``. Over an
  in-memory store (or with ``KG_QUERY_WORKERS=0``) queries run in daemon threads
  of the server, at most :data:`MAX_QUERY_THREADS` at a time, which notice the
  timeout only between rows.
* SELECT results are cut at ``settings.max_rows`` rows, and CONSTRUCT/DESCRIBE
  results at as many triples; a cut answer is a ``200`` with the header
  ``X-KG-Truncated: true`` (and, in SPARQL JSON results, ``"truncated": true`` and
  ``"maxRows"`` in the body).
* Updates need ``Authorization: Bearer <KG_API_TOKEN>`` (compared in constant
  time). Without a configured token updates are off (403); a wrong or missing
  token gives 401 with ``WWW-Authenticate: Bearer``. A successful update
  answers 204. Updates are not cut off by the query timeout (an update cannot
  be cancelled halfway, so a timeout would only misreport it).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.answers import (
    FORMAT_IRIS,
    GRAPH_OFFERS,
    RESULT_OFFERS,
    Answer,
    Cancelled,
    ProtocolError,
    bad,
    evaluate_local,
    negotiate,
    not_acceptable,
    outcome_answer,
)
from kg.config import Settings
from kg.namespaces import PREFIXES
from kg.sparqlguard import TooComplex
from kg.sparqlguard import check as check_sparql
from kg.sparqltext import TOKENS

log = logging.getLogger(__name__)

PATH = "/sparql"
#: queries evaluated at the same time; further ones wait (their timeout runs)
MAX_QUERY_THREADS = 8

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"

QUERY_DATASET = ("default-graph-uri", "named-graph-uri")
UPDATE_DATASET = ("using-graph-uri", "using-named-graph-uri")


# ------------------------------------------------------------ lexing SPARQL

_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def expand_unicode_escapes(text: str) -> str:
    def char(m: re.Match[str]) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except ValueError:  # out of range
            return m.group(0)
    return _UNICODE_ESCAPE.sub(char, text)


@dataclass
class Token:
    kind: str
    text: str
    start: int
    depth: int


def lex(text: str) -> list[Token]:
    """Significant tokens with their brace depth (whitespace and comments dropped)."""
    tokens, depth = [], 0
    for m in TOKENS.finditer(text):
        kind = m.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        if kind == "close":
            depth = max(0, depth - 1)
        tokens.append(Token(kind, m.group(), m.start(), depth))
        if kind == "open":
            depth += 1
    return tokens


def remote_keywords(text: str) -> set[str]:
    """SERVICE / LOAD keywords seen by the lexer, in the text as written or unescaped."""
    found = set()
    for variant in {text, expand_unicode_escapes(text)}:
        for token in lex(variant):
            if token.kind == "word" and token.text.upper() in ("SERVICE", "LOAD"):
                found.add(token.text.upper())
    return found


# ----------------------------------------------------------- parse analysis
@dataclass(frozen=True)
class Analysis:
    """What the rdflib parse tree (or, failing that, the lexer) tells about a request."""

    parsed: bool  # did rdflib parse it
    parse_error: str = ""
    services: int = 0
    loads: int = 0
    dataset_clause: bool = False  # FROM / FROM NAMED in the query
    modify: int = 0  # DELETE/INSERT … WHERE operations
    modify_with_dataset: int = 0  # … of which have WITH or USING
    delete_where: int = 0
    remote_words: frozenset[str] = field(default_factory=frozenset)

    @property
    def remote(self) -> list[str]:
        found = []
        if self.services or "SERVICE" in self.remote_words:
            found.append("SERVICE")
        if self.loads or "LOAD" in self.remote_words:
            found.append("LOAD")
        return found


def _walk(node: Any) -> Iterable[Any]:
    """Every CompValue of an rdflib parse tree, depth first."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, (ParseResults, list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


#: texts up to this length have their analysis cached (rdflib parses ~10 ms per small query)
CACHE_CHARS = 20_000


def analyse(text: str, update: bool) -> Analysis:
    """The parse-tree facts about ``text``; cached for texts of ordinary size."""
    if len(text) <= CACHE_CHARS:
        return _analyse_cached(text, update)
    return _analyse(text, update)


@lru_cache(maxsize=1024)
def _analyse_cached(text: str, update: bool) -> Analysis:
    return _analyse(text, update)


def _analyse(text: str, update: bool) -> Analysis:
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    words = frozenset(remote_keywords(text))
    try:
        tree = parseUpdate(text) if update else parseQuery(text)
    except Exception as exc:  # pyparsing.ParseException and friends
        tokens = lex(text)
        has_from = any(t.kind == "word" and t.depth == 0 and t.text.upper() == "FROM"
                       for t in tokens)
        return Analysis(False, str(exc), dataset_clause=has_from, remote_words=words)
    counts = {"ServiceGraphPattern": 0, "Load": 0, "DatasetClause": 0, "Modify": 0,
              "modify_ds": 0, "DeleteWhere": 0}
    for node in _walk(tree):
        if node.name in counts:
            counts[node.name] += 1
        # CompValue.get answers the key itself when it is missing: use dict.get
        if node.name == "Modify" and (dict.get(node, "withClause") is not None
                                      or dict.get(node, "using")):
            counts["modify_ds"] += 1
        if node.name in ("SelectQuery", "AskQuery", "ConstructQuery", "DescribeQuery") \
                and dict.get(node, "datasetClause"):
            counts["DatasetClause"] += 1
    return Analysis(True, services=counts["ServiceGraphPattern"], loads=counts["Load"],
                    dataset_clause=counts["DatasetClause"] > 0, modify=counts["Modify"],
                    modify_with_dataset=counts["modify_ds"], delete_where=counts["DeleteWhere"],
                    remote_words=words)


def add_using(update: str, analysis: Analysis, default: list[str], named: list[str]) -> str:
    """The update with ``USING``/``USING NAMED`` clauses before each operation's WHERE.

    The protocol's ``using-graph-uri``/``using-named-graph-uri`` set the dataset
    of every DELETE/INSERT … WHERE operation. Operations that name their own
    dataset (WITH / USING) conflict with them (400), and so does DELETE WHERE,
    whose grammar has no USING. The insertion points found by the lexer must be
    as many as the Modify operations in rdflib's parse tree, else 400.
    """
    if not analysis.parsed:
        raise bad(f"cannot apply using-graph-uri/using-named-graph-uri: {analysis.parse_error}")
    if analysis.modify_with_dataset:
        raise bad("using-graph-uri/using-named-graph-uri conflict with WITH or USING in the update")
    if analysis.delete_where:
        raise bad("using-graph-uri/using-named-graph-uri cannot apply to DELETE WHERE; "
                  "write DELETE { … } USING <g> WHERE { … }")
    tokens = lex(update)
    points = []
    for i, token in enumerate(tokens):
        if token.kind == "word" and token.depth == 0 and token.text.upper() == "WHERE":
            previous = tokens[i - 1] if i else None
            if previous is not None and previous.kind == "word" and previous.text.upper() == "DELETE":
                continue
            points.append(token.start)
    if len(points) != analysis.modify:
        raise bad("cannot apply using-graph-uri/using-named-graph-uri to this update")
    clause = "".join(f"USING <{g}> " for g in default) + "".join(f"USING NAMED <{g}> " for g in named)
    for start in reversed(points):
        update = update[:start] + clause + update[start:]
    return update


# ---------------------------------------------------------------- threads
class Workers:
    """Runs blocking calls in daemon threads, at most ``size`` at a time.

    Daemon threads so that a query pyoxigraph cannot interrupt never keeps
    the server process from exiting.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._slots: asyncio.Semaphore | None = None

    async def run(self, fn: Callable[[], Any], timeout: float | None,
                  cancel: threading.Event) -> Any:
        loop = asyncio.get_running_loop()
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.size)
        slots = self._slots
        deadline = None if timeout is None else loop.time() + timeout
        try:
            await asyncio.wait_for(slots.acquire(), timeout)
        except TimeoutError:
            cancel.set()
            raise
        future: asyncio.Future[Any] = loop.create_future()

        def settle(value: Any, error: BaseException | None) -> None:
            if future.done():
                return
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(value)

        def target() -> None:
            value = None
            error: ProtocolError | Cancelled | None = None
            try:
                if cancel.is_set():
                    raise Cancelled()
                value = fn()
            except ProtocolError as exc:
                # a fresh exception without traceback: the frames (and the
                # pyoxigraph results in them, which must be dropped on this
                # thread) die here
                error = ProtocolError(exc.status, exc.message, exc.headers)
            except Cancelled:
                error = Cancelled()
            except Exception as exc:
                log.exception("SPARQL worker failed")
                error = ProtocolError(500, f"internal error: {type(exc).__name__}: {exc}")
            try:
                loop.call_soon_threadsafe(settle, value, error)
                loop.call_soon_threadsafe(slots.release)
            except RuntimeError:  # the loop has closed: the server is stopping
                pass

        threading.Thread(target=target, name="sparql-worker", daemon=True).start()
        try:
            remaining = None if deadline is None else max(0.0, deadline - loop.time())
            return await asyncio.wait_for(future, remaining)
        except (TimeoutError, asyncio.CancelledError):
            cancel.set()
            raise


# ----------------------------------------------------------- request parts
def parse_params(raw: bytes | str) -> dict[str, list[str]]:
    """A query string or form body; percent-escapes must decode as UTF-8."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise bad("the parameters are not UTF-8") from None
    try:
        return parse_qs(raw, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise bad("the parameters are not UTF-8 once percent-decoded") from None
    except ValueError as exc:
        raise bad(f"bad parameters: {exc}") from None


def media_type(header: str | None) -> tuple[str, dict[str, str]]:
    if not header:
        return "", {}
    kind, *params = header.split(";")
    parsed = {}
    for p in params:
        name, _, value = p.partition("=")
        parsed[name.strip().lower()] = value.strip().strip('"')
    return kind.strip().lower(), parsed


def utf8_body(body: bytes, params: dict[str, str]) -> str:
    charset = params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise bad(f"the body must be UTF-8, not {charset}")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise bad(f"the body is not UTF-8: {exc}") from None


def graph_nodes(params: dict[str, list[str]], name: str) -> list[ox.NamedNode]:
    nodes = []
    for value in params.get(name, []):
        try:
            nodes.append(ox.NamedNode(value))
        except ValueError as exc:
            raise bad(f"{name}: {value!r} is not an IRI: {exc}") from None
    return nodes


def one(values: list[str], what: str) -> str:
    if len(values) != 1:
        raise bad(f"give exactly one {what}, not {len(values)}")
    if not values[0].strip():
        raise bad(f"the {what} is empty")
    return values[0]


# ------------------------------------------------------------------ OpenAPI
#: the formats of SPARQL text and graph IRIs in the OpenAPI document (tests/schemathesis_hooks.py
#: gives a property-based tester strategies for them)
_QUERY = {"type": "string", "format": "sparql-query"}
_UPDATE = {"type": "string", "format": "sparql-update"}
_IRIS = {"type": "array", "items": {"type": "string", "format": "iri"}}


def _param(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": _IRIS, "style": "form", "explode": True}


QUERY_PARAMETER = {"name": "query", "in": "query", "required": False, "schema": _QUERY,
                   "description": "the SPARQL query (prefixes ckg:, ckgr:, wd:, schema:, rdfs:, skos: "
                                  "are predeclared); without it: the service description"}
GRAPH_PARAMETERS = [
    _param("default-graph-uri", "a graph of the query's default graph (repeatable); without it the "
                                "default graph is the union of all graphs"),
    _param("named-graph-uri", "a named graph the query may use (repeatable)"),
]
QUERY_PARAMETERS = [QUERY_PARAMETER, *GRAPH_PARAMETERS]
POST_BODY = {"required": True, "content": {
    FORM: {"schema": {"oneOf": [
        {"type": "object", "title": "query", "required": ["query"],
         "not": {"anyOf": [{"required": [k]} for k in ("update", *UPDATE_DATASET)]},
         "properties": {"query": _QUERY, "default-graph-uri": _IRIS, "named-graph-uri": _IRIS}},
        {"type": "object", "title": "update", "required": ["update"],
         "not": {"anyOf": [{"required": [k]} for k in ("query", *QUERY_DATASET)]},
         "properties": {"update": _UPDATE, "using-graph-uri": _IRIS, "using-named-graph-uri": _IRIS}},
    ]}},
    SPARQL_QUERY: {"schema": _QUERY},
    SPARQL_UPDATE: {"schema": _UPDATE},
}}
_TEXT = {"schema": {"type": "string"}}


def query_responses(get: bool) -> dict[str, Any]:
    def body(media_type: str) -> dict[str, Any]:
        if media_type == "application/ld+json":
            return {"schema": {}}  # JSON-LD: an object or an array
        if media_type.endswith("json"):
            return {"schema": {"type": "object"}}
        return _TEXT

    results = {o.media_type: body(o.media_type) for o in RESULT_OFFERS}
    graphs = {o.media_type: body(o.media_type) for o in GRAPH_OFFERS}
    plain = {"text/plain": _TEXT}
    out: dict[str, Any] = {
        "200": {"description": "SELECT/ASK results, or CONSTRUCT/DESCRIBE triples"
                               + (", or the service description without parameters" if get else ""),
                "content": {**results, **graphs},
                "headers": {"X-KG-Truncated": {"description": "true when the rows were cut at "
                                                              "KG_MAX_ROWS", "schema": {"type": "string"}}}},
        "400": {"description": "a bad request: bad SPARQL, over a size or nesting limit, SERVICE/LOAD, "
                               "bad graph IRIs", "content": plain},
        "406": {"description": "no acceptable media type", "content": plain},
        "413": {"description": "the body is larger than KG_MAX_SPARQL_BODY_BYTES", "content": plain},
        "500": {"description": "the query worker died", "content": plain},
        "503": {"description": "the query passed KG_QUERY_TIMEOUT or KG_QUERY_MEMORY_MB",
                "content": plain, "headers": {"Retry-After": {"schema": {"type": "string"}}}},
    }
    if get:
        out["405"] = {"description": "an update sent with GET", "content": plain}
    else:
        out["204"] = {"description": "the update was applied"}
        out["401"] = {"description": "an update without the right bearer token", "content": plain}
        out["403"] = {"description": "updates are off (no KG_API_TOKEN)", "content": plain}
        out["415"] = {"description": "an unsupported Content-Type", "content": plain}
    return out


# ------------------------------------------------------------------ router
def sparql_router(store: Any, settings: Settings) -> APIRouter:
    """The SPARQL 1.1 Protocol over ``store.ox`` (an embedded pyoxigraph store), or passed
    through to a remote store's endpoints (:class:`kg.remote.RemoteStore`: same checks
    before forwarding; the server's status, content type and body are answered as they are)."""
    ox_store: ox.Store = getattr(store, "ox", None)  # type: ignore[assignment]
    forward = getattr(store, "forward_query", None)
    if not isinstance(ox_store, ox.Store) and forward is None:
        raise TypeError("the SPARQL endpoint needs an embedded (pyoxigraph) store or a remote one")
    router = APIRouter()
    workers = Workers(MAX_QUERY_THREADS)
    update_workers = Workers(2)
    token = settings.api_token.get_secret_value() if settings.api_token else None
    token = token or None
    allow_remote = bool(getattr(settings, "allow_remote", False))
    max_rows = max(1, int(settings.max_rows))
    timeout = float(settings.query_timeout) if settings.query_timeout else None
    max_query_bytes = int(getattr(settings, "max_query_bytes", 0)) or None
    pool = None
    location = getattr(store, "location", None)
    if isinstance(ox_store, ox.Store) and int(getattr(settings, "query_workers", 0)) > 0 \
            and location and (Path(location) / "CURRENT").is_file():
        from api.querypool import QueryPool

        pool = QueryPool(location, int(settings.query_workers),
                         float(getattr(settings, "query_memory_mb", 0)), max_rows)
    router.query_pool = pool  # type: ignore[attr-defined]
    # threads that wait on the pool's workers (not the event loop's small default executor,
    # whose queue would hold requests back before their deadline even starts)
    pool_waiters = ThreadPoolExecutor(max_workers=64, thread_name_prefix="kg-sparql-wait")

    def check_text(text: str, what: str) -> None:
        try:
            check_sparql(text, max_query_bytes, what)
        except TooComplex as exc:
            raise bad(str(exc)) from None

    def refuse_remote(analysis: Analysis) -> None:
        found = analysis.remote
        if found and not allow_remote:
            raise bad(f"{' and '.join(found)} would make this server fetch remote data; "
                      "it is turned off here (KG_ALLOW_REMOTE)")

    def base_iri(request: Request) -> str:
        return str(request.url.replace(query="", fragment=""))

    # ---------------------------------------------------------- queries
    def evaluate(query: str, dataset: dict[str, list[str]] | None, accept: str | None,
                 base: str, cancel: threading.Event) -> Answer:
        if forward is not None:
            return evaluate_remote(query, dataset, accept, base)
        union = dataset is None and not analyse(query, False).dataset_clause
        return outcome_answer(evaluate_local(ox_store, query, dataset, union, accept, base,
                                             max_rows, cancel.is_set))

    def evaluate_remote(query: str, dataset: dict[str, list[str]] | None,
                        accept: str | None, base: str) -> Answer:
        from kg.errors import StoreError, UsageError

        try:
            status, content_type, body = forward(query, dataset, accept, base,  # type: ignore[misc]
                                                 None if timeout is None else timeout + 1)
        except UsageError as exc:
            raise bad(str(exc)) from None
        except StoreError as exc:
            raise ProtocolError(502, str(exc)) from None
        if status != 200:
            message = body.decode("utf-8", "replace").strip() or f"the SPARQL server answered {status}"
            raise ProtocolError(status, message)
        return Answer(body, content_type)

    def timed_out() -> Response:
        return ProtocolError(503, f"the query did not finish within {timeout:g} s; "
                                  "simplify it or add a LIMIT", {"Retry-After": "1"}).response()

    async def run_query(request: Request, params: dict[str, list[str]], query: str) -> Response:
        check_text(query, "query")
        if any(k in params for k in UPDATE_DATASET):
            raise bad("using-graph-uri/using-named-graph-uri are for updates; "
                      "use default-graph-uri/named-graph-uri with a query")
        dataset = None
        if any(k in params for k in QUERY_DATASET):
            dataset = {k: [n.value for n in graph_nodes(params, k)] for k in QUERY_DATASET}
        refuse_remote(analyse(query, False))
        accept = request.headers.get("accept")
        base = base_iri(request)
        if pool is not None:
            union = dataset is None and not analyse(query, False).dataset_clause
            job = (query, dataset, union, accept, base)
            deadline = None if timeout is None else time.monotonic() + timeout
            try:
                outcome = await asyncio.get_running_loop().run_in_executor(
                    pool_waiters, pool.run, job, deadline)
            except TimeoutError:
                return timed_out()
            return outcome_answer(outcome).response()
        cancel = threading.Event()
        try:
            answer = await workers.run(lambda: evaluate(query, dataset, accept, base, cancel),
                                       timeout, cancel)
        except TimeoutError:
            return timed_out()
        return answer.response()

    # ---------------------------------------------------------- updates
    def authorise(request: Request) -> None:
        if token is None:
            raise ProtocolError(403, "SPARQL updates are turned off on this server "
                                     "(no KG_API_TOKEN is configured)")
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        ok = scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode("utf-8"),
                                                               token.encode("utf-8"))
        if not ok:
            raise ProtocolError(401, "SPARQL updates need the header 'Authorization: Bearer <token>'",
                                {"WWW-Authenticate": 'Bearer realm="ConflictKG SPARQL update"'})

    def execute(update: str, params: dict[str, list[str]], base: str) -> None:
        analysis = analyse(update, True)
        refuse_remote(analysis)
        if any(k in params for k in UPDATE_DATASET):
            for k in UPDATE_DATASET:
                graph_nodes(params, k)  # validates the IRIs
            update = add_using(update, analysis, params.get("using-graph-uri", []),
                               params.get("using-named-graph-uri", []))
        if forward is not None:
            from kg.errors import StoreError, UsageError

            try:
                store.update(f"BASE <{base}>\n{update}")
            except UsageError as exc:
                raise bad(str(exc)) from None
            except StoreError as exc:
                raise ProtocolError(502, str(exc)) from None
            return
        try:
            ox_store.update(update, base_iri=base, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise bad(f"bad SPARQL update: {exc}") from None
        except ValueError as exc:
            raise bad(f"bad SPARQL update: {exc}") from None
        except OSError as exc:
            raise ProtocolError(500, f"the store could not apply the update: {exc}") from None

    async def run_update(request: Request, params: dict[str, list[str]], update: str) -> Response:
        authorise(request)
        check_text(update, "update")
        if any(k in params for k in QUERY_DATASET):
            raise bad("default-graph-uri/named-graph-uri are for queries; "
                      "use using-graph-uri/using-named-graph-uri with an update")
        base = base_iri(request)
        await update_workers.run(lambda: execute(update, params, base), None, threading.Event())
        return Response(status_code=204)

    # ---------------------------------------------------------- service description
    def service_description(request: Request) -> Response:
        offer = negotiate(request.headers.get("accept"), GRAPH_OFFERS)
        if offer is None:
            raise not_acceptable(GRAPH_OFFERS)
        sd = "http://www.w3.org/ns/sparql-service-description#"
        rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        service, endpoint = ox.BlankNode("service"), ox.NamedNode(base_iri(request))

        def s(p: str, o: Any) -> ox.Triple:
            return ox.Triple(service, ox.NamedNode(sd + p), o)

        triples = [ox.Triple(service, rdf_type, ox.NamedNode(sd + "Service")),
                   s("endpoint", endpoint),
                   s("supportedLanguage", ox.NamedNode(sd + "SPARQL11Query")),
                   s("feature", ox.NamedNode(sd + "UnionDefaultGraph"))]
        if allow_remote:
            triples.append(s("feature", ox.NamedNode(sd + "BasicFederatedQuery")))
        if token is not None:
            triples.append(s("supportedLanguage", ox.NamedNode(sd + "SPARQL11Update")))
        for iri in dict.fromkeys(FORMAT_IRIS.values()):
            triples.append(s("resultFormat", ox.NamedNode(iri)))
        prefixes = {"sd": sd, "formats": "http://www.w3.org/ns/formats/"}
        use_prefixes = prefixes if offer.fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
        body = ox.serialize(triples, format=offer.fmt, prefixes=use_prefixes) or b""
        return Response(body, media_type=offer.content_type, headers={"Vary": "Accept"})

    # ---------------------------------------------------------- routes
    @router.get(PATH, summary="SPARQL 1.1 query (GET)",
                description="`?query=` with optional repeated `default-graph-uri` / `named-graph-uri`. "
                            "Without parameters: the service description.",
                openapi_extra={"parameters": QUERY_PARAMETERS, "responses": query_responses(True)})
    async def sparql_get(request: Request) -> Response:
        try:
            params = parse_params(request.scope.get("query_string", b""))
            if "update" in params:
                raise ProtocolError(405, "send SPARQL updates with POST", {"Allow": "GET, POST"}) \
                    if "query" not in params else bad("give a query or an update, not both")
            if "query" not in params:  # dataset parameters alone do not make a query
                for name in (*QUERY_DATASET, *UPDATE_DATASET):
                    graph_nodes(params, name)  # ... but must still be IRIs
                return service_description(request)
            return await run_query(request, params, one(params["query"], "query"))
        except ProtocolError as exc:
            return exc.response()

    @router.post(PATH, summary="SPARQL 1.1 query or update (POST)",
                 description="A form (`query=` or `update=`), or a direct `application/sparql-query` "
                             "or `application/sparql-update` body in UTF-8. Updates need "
                             "`Authorization: Bearer <KG_API_TOKEN>`. With a direct update body, "
                             "`using-graph-uri` / `using-named-graph-uri` go in the query string.",
                 openapi_extra={"parameters": GRAPH_PARAMETERS,
                                "requestBody": POST_BODY, "responses": query_responses(False)})
    async def sparql_post(request: Request) -> Response:
        try:
            kind, ct_params = media_type(request.headers.get("content-type"))
            params = parse_params(request.scope.get("query_string", b""))
            body = await request.body()
            if kind == FORM:
                form = parse_params(utf8_body(body, ct_params))
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
                if "query" in params and "update" in params:
                    raise bad("give a query or an update, not both")
                if "query" in params:
                    return await run_query(request, params, one(params["query"], "query"))
                if "update" in params:
                    return await run_update(request, params, one(params["update"], "update"))
                raise bad("the form has neither query= nor update=")
            if kind in (SPARQL_QUERY, SPARQL_UPDATE):
                if "query" in params or "update" in params:
                    raise bad("with a direct POST the operation is the body; "
                              "do not also give query= or update= in the URL")
                text = utf8_body(body, ct_params)
                if not text.strip():
                    raise bad("the body is empty")
                if kind == SPARQL_QUERY:
                    return await run_query(request, params, text)
                return await run_update(request, params, text)
            raise ProtocolError(415, f"send {FORM} (query= or update=), {SPARQL_QUERY} or "
                                     f"{SPARQL_UPDATE}, not {kind or 'a body without Content-Type'}")
        except ProtocolError as exc:
            return exc.response()

    return router

