"""The W3C SPARQL 1.1 Protocol test suite, read from its manifest and run over HTTP.

:func:`load_tests` turns ``manifest.ttl`` into :class:`ProtocolTest` records
(the requests in order, with their expected outcome, and the data files to
load into named graphs first); :func:`check_response` decides whether an
answer meets one expectation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.collection import Collection

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "text/csv": None,  # pyoxigraph does not read CSV results
}
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
RDF_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}


@dataclass
class ProtocolRequest:
    method: str
    path: str  # with the manifest's "/sparql/" prefix replaced
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]  # status classes: "2xx", "3xx", "4xx", "5xx"
    expected_format: str | None = None  # boolean | tabular | RDF
    expected_boolean: bool | None = None


@dataclass
class ProtocolTest:
    id: str
    name: str
    requests: list[ProtocolRequest]
    graph_data: list[tuple[Path, str]] = field(default_factory=list)  # (file, graph IRI)


def load_tests(manifest: Path, endpoint_path: str = "/sparql") -> list[ProtocolTest]:
    graph = Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
    root = next(graph.subjects(RDF.type, MF.Manifest))
    entries = Collection(graph, graph.value(root, MF.entries))
    tests = []
    for entry in entries:
        test_id = str(entry).rsplit("#", 1)[-1]
        data = []
        for node in graph.objects(entry, UT.graphData):
            file_iri = str(graph.value(node, UT.graph))
            path = manifest.parent / file_iri.rsplit("/", 1)[-1]
            data.append((path, str(graph.value(node, RDFS.label))))
        action = graph.value(entry, MF.action)
        requests = [_request(graph, node, endpoint_path)
                    for node in Collection(graph, graph.value(action, HT.requests))]
        tests.append(ProtocolTest(test_id, str(graph.value(entry, MF.name)), requests,
                                  sorted(data, key=lambda d: d[1])))
    return tests


def _request(graph: Graph, node: URIRef, endpoint_path: str) -> ProtocolRequest:
    path = str(graph.value(node, HT.absolutePath))
    assert path.startswith("/sparql/"), path
    rest = path[len("/sparql/"):]
    path = endpoint_path + rest  # "/sparql/?query=…" -> "/sparql?query=…"
    headers = {}
    header_list = graph.value(node, HT.headers)
    if header_list is not None:
        for h in Collection(graph, header_list):
            headers[str(graph.value(h, HT.fieldName))] = str(graph.value(h, HT.fieldValue))
    body = None
    body_node = graph.value(node, HT.body)
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower())
    resp = graph.value(node, HT.resp)
    statuses = {str(s).rsplit("#StatusCode", 1)[-1] for s in graph.objects(resp, MF.expectedStatus)}
    fmt = graph.value(resp, MF.expectedFormat)
    boolean = graph.value(resp, MF.expectedBoolean)
    return ProtocolRequest(str(graph.value(node, HT.methodName)), path, headers, body, statuses,
                           str(fmt) if fmt is not None else None,
                           boolean.toPython() if boolean is not None else None)


def check_response(req: ProtocolRequest, status: int, content_type: str, body: bytes) -> list[str]:
    """What is wrong with the answer to ``req`` (empty when it meets the expectation)."""
    problems = []
    status_class = f"{status // 100}xx"
    if status_class not in req.statuses:
        problems.append(f"status {status}, expected {sorted(req.statuses)}: {body[:300]!r}")
        return problems
    media = content_type.split(";")[0].strip().lower()
    if req.expected_format == "boolean":
        if media not in BOOLEAN_TYPES:
            return [f"boolean result in {content_type!r}"]
        value = ox.parse_query_results(body, RESULT_TYPES[media])
        if not isinstance(value, ox.QueryBoolean):
            return [f"not a boolean result: {body[:200]!r}"]
        if media.endswith("json"):
            json.loads(body)  # well-formed
        if req.expected_boolean is not None and bool(value) != req.expected_boolean:
            problems.append(f"boolean {bool(value)}, expected {req.expected_boolean}")
    elif req.expected_format == "tabular":
        if media not in RESULT_TYPES:
            return [f"tabular result in {content_type!r}"]
        if RESULT_TYPES[media] is not None:
            value = ox.parse_query_results(body, RESULT_TYPES[media])
            if not isinstance(value, ox.QuerySolutions):
                problems.append(f"not a tabular result: {body[:200]!r}")
            else:
                list(value)
    elif req.expected_format == "RDF":
        if media not in RDF_TYPES:
            return [f"RDF result in {content_type!r}"]
        list(ox.parse(body, RDF_TYPES[media], base_iri="http://example.org/"))
    return problems
