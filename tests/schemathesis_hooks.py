"""Strategies for the formats of /sparql's OpenAPI description (``SCHEMATHESIS_HOOKS``).

A SPARQL query is a string, but not every string is a query: the OpenAPI document names the
formats ``sparql-query``, ``sparql-update`` and ``iri`` (api/sparql.py), and these give
schemathesis valid values for them, so that "schema-valid" means "valid SPARQL".
"""

from __future__ import annotations

import schemathesis
from hypothesis import strategies as st

QUERIES = [
    "ASK {}",
    "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?l WHERE { ?s rdfs:label ?l } ORDER BY ?l LIMIT 5",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2",
    "DESCRIBE <https://w3id.org/conflict-kg/id/state/testland>",
]
UPDATES = ["INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> 1 } }"]

schemathesis.openapi.format("sparql-query", st.sampled_from(QUERIES))
schemathesis.openapi.format("sparql-update", st.sampled_from(UPDATES))
schemathesis.openapi.format("iri", st.integers(0, 99).map(lambda i: f"http://example.org/graph/{i}"))
