"""One SPARQL query's answer, as the protocol gives it: content negotiation (q-values, 406), the
result and graph formats, the whole answer serialised to bytes (SELECT cut at ``max_rows``), and
the protocol's error answers. Used by the ``/sparql`` route (:mod:`api.sparql`) and by the query
worker processes (:mod:`api.querypool`), which import this module and not the route's."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from fastapi.responses import PlainTextResponse, Response

from kg.namespaces import PREFIXES


@dataclass(frozen=True)
class Offer:
    media_type: str  # what the client may ask for
    fmt: Any  # ox.QueryResultsFormat or ox.RdfFormat
    content_type: str  # what we answer


def _offers(pairs: Iterable[tuple[str, Any]]) -> tuple[Offer, ...]:
    return tuple(Offer(m, f, f"{m}; charset=utf-8") for m, f in pairs)


#: first offer = default (no Accept header, or */*)
RESULT_OFFERS = _offers([
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/csv", ox.QueryResultsFormat.CSV),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ("application/json", ox.QueryResultsFormat.JSON),
])
GRAPH_OFFERS = _offers([
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/n-quads", ox.RdfFormat.N_QUADS),
    ("application/trig", ox.RdfFormat.TRIG),
    ("application/x-turtle", ox.RdfFormat.TURTLE),
])
#: https://www.w3.org/ns/formats/ names, for the service description
FORMAT_IRIS = {
    "application/sparql-results+json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "application/sparql-results+xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "text/csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "text/tab-separated-values": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "text/turtle": "http://www.w3.org/ns/formats/Turtle",
    "application/n-triples": "http://www.w3.org/ns/formats/N-Triples",
    "application/ld+json": "http://www.w3.org/ns/formats/JSON-LD",
    "application/rdf+xml": "http://www.w3.org/ns/formats/RDF_XML",
    "application/n-quads": "http://www.w3.org/ns/formats/N-Quads",
    "application/trig": "http://www.w3.org/ns/formats/TriG",
}


# ------------------------------------------------------------------ errors
class ProtocolError(Exception):
    """An error answer: status, plain-text message, extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}

    def response(self) -> Response:
        return PlainTextResponse(self.message.rstrip() + "\n", status_code=self.status,
                                 headers=self.headers)


def bad(message: str) -> ProtocolError:
    return ProtocolError(400, message)


class Cancelled(Exception):
    """The request timed out; the worker stops at its next check."""


# ------------------------------------------------------ content negotiation
_ACCEPT_PART = re.compile(r"^\s*([^\s;/]+)/([^\s;]+)\s*(.*)$")


def parse_accept(header: str) -> list[tuple[str, str, float]]:
    """``Accept`` as (type, subtype, q); malformed parts are skipped."""
    ranges = []
    for part in header.split(","):
        m = _ACCEPT_PART.match(part)
        if not m:
            continue
        q = 1.0
        for param in m.group(3).split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        ranges.append((m.group(1).lower(), m.group(2).lower(), q))
    return ranges


def negotiate(accept: str | None, offers: tuple[Offer, ...]) -> Offer | None:
    """The acceptable offer of highest q (ties: our order); None means 406."""
    if not accept or not accept.strip():
        return offers[0]
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0]
    best: tuple[float, bool, int] | None = None
    chosen = None
    for index, offer in enumerate(offers):
        otype, osub = offer.media_type.split("/")
        # the most specific matching range decides this offer's q
        q, specificity = None, -1
        for rtype, rsub, rq in ranges:
            if rtype == otype and rsub == osub:
                spec = 2
            elif rtype == otype and rsub == "*":
                spec = 1
            elif rtype == "*" and rsub == "*":
                spec = 0
            else:
                continue
            if spec > specificity:
                q, specificity = rq, spec
        if q is None or q <= 0:
            continue
        # on equal q a type named outright beats a wildcard match, then our order
        key = (q, specificity == 2, -index)
        if best is None or key > best:
            best, chosen = key, offer
    return chosen


def not_acceptable(offers: tuple[Offer, ...]) -> ProtocolError:
    names = ", ".join(dict.fromkeys(o.media_type for o in offers))
    return ProtocolError(406, f"none of the accepted media types can be produced; offered: {names}")


# ------------------------------------------------------------ serialising
def tsv_term(term: Any) -> str:
    """A term as SPARQL TSV writes it (N-Triples syntax; triple terms as ``<<( s p o )>>``)."""
    if isinstance(term, ox.Triple):
        return f"<<( {tsv_term(term.subject)} {tsv_term(term.predicate)} {tsv_term(term.object)} )>>"
    return str(term)


def solutions_bytes(tsv: str, fmt: Any) -> bytes:
    """SPARQL results given as TSV text, in ``fmt``, written by pyoxigraph's serialisers.

    The rows are gathered as TSV (lossless for every RDF term, and far cheaper
    in Python than building JSON objects), then pyoxigraph reads them back and
    writes the asked format.
    """
    return ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(format=fmt) or b""


@dataclass
class Answer:
    body: bytes
    content_type: str
    truncated: bool = False

    def response(self) -> Response:
        headers = {"Vary": "Accept"}
        if self.truncated:
            headers["X-KG-Truncated"] = "true"
        return Response(self.body, status_code=200, media_type=self.content_type, headers=headers)


# ------------------------------------------------------------ evaluating
def evaluate_local(ox_store: ox.Store, query: str, dataset: dict[str, list[str]] | None,
                   union: bool, accept: str | None, base: str, max_rows: int,
                   cancelled: Callable[[], bool] = lambda: False) -> tuple[Any, ...]:
    """One query over a pyoxigraph store, as a picklable outcome (for the worker processes of
    :mod:`api.querypool`, and for in-memory stores in a thread): ``("ok", body, content_type,
    truncated)`` or ``("error", status, message, headers)``."""
    kwargs: dict[str, Any] = {"base_iri": base, "prefixes": PREFIXES}
    if dataset is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in dataset["default-graph-uri"]]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in dataset["named-graph-uri"]]
    elif union:
        kwargs["use_default_graph_as_union"] = True
    try:
        result = ox_store.query(query, **kwargs)
    except (SyntaxError, ValueError) as exc:
        return ("error", 400, f"bad SPARQL query: {exc}", {})
    outcome = materialise(result, accept, max_rows, cancelled)
    del result
    if isinstance(outcome, Cancelled):
        return ("cancelled",)
    if isinstance(outcome, ProtocolError):
        return ("error", outcome.status, outcome.message, outcome.headers)
    return ("ok", outcome.body, outcome.content_type, outcome.truncated)


def outcome_answer(outcome: tuple[Any, ...]) -> Answer:
    """The :class:`Answer` of an outcome; raises the error it carries."""
    if outcome[0] == "ok":
        return Answer(outcome[1], outcome[2], outcome[3])
    if outcome[0] == "cancelled":
        raise Cancelled()
    raise ProtocolError(outcome[1], outcome[2], outcome[3])


def materialise(result: Any, accept: str | None, max_rows: int,
                cancelled: Callable[[], bool]) -> Answer | ProtocolError | Cancelled:
    """The whole answer as bytes (or the error to raise), checking ``cancelled`` between rows."""
    try:
        if isinstance(result, ox.QueryBoolean):
            offer = negotiate(accept, RESULT_OFFERS)
            if offer is None:
                return not_acceptable(RESULT_OFFERS)
            return Answer(result.serialize(format=offer.fmt) or b"", offer.content_type)
        if isinstance(result, ox.QueryTriples):
            offer = negotiate(accept, GRAPH_OFFERS)
            if offer is None:
                return not_acceptable(GRAPH_OFFERS)
            triples: list[ox.Triple] = []
            truncated = False
            for triple in result:
                if cancelled():
                    return Cancelled()
                if len(triples) >= max_rows:
                    truncated = True
                    break
                triples.append(triple)
            prefixes = PREFIXES if offer.fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
            body = ox.serialize(triples, format=offer.fmt, prefixes=prefixes) or b""
            return Answer(body, offer.content_type, truncated)
        offer = negotiate(accept, RESULT_OFFERS)
        if offer is None:
            return not_acceptable(RESULT_OFFERS)
        lines = ["\t".join("?" + v.value for v in result.variables)]
        truncated = False
        for row in result:
            if cancelled():
                return Cancelled()
            if len(lines) > max_rows:
                truncated = True
                break
            lines.append("\t".join("" if t is None else tsv_term(t) for t in row))
        if cancelled():
            return Cancelled()
        body = solutions_bytes("\n".join(lines) + "\n", offer.fmt)
        if truncated and offer.fmt == ox.QueryResultsFormat.JSON:
            # said in the body as well as the header: {"truncated": true, "maxRows": N, "head": ...}
            body = b'{"truncated":true,"maxRows":%d,' % max_rows + body.lstrip()[1:]
        return Answer(body, offer.content_type, truncated)
    except (OSError, ValueError, TypeError, SyntaxError) as exc:
        return ProtocolError(500, f"the query failed while reading results: {exc}")
