"""The HTTP endpoint over real uvicorn: `kg serve` in its own process."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import SEED, run_kg
from tests.servers import start_server, stop_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = tmp_path_factory.mktemp("api") / "store"
    result = run_kg("ingest", str(SEED), "--published", "2024-07-24", "--store", str(store), "-q")
    assert result.returncode == 0, result.stderr.decode()
    base, proc = start_server(store)
    yield base
    stop_server(proc)


QUERY = """PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
SELECT (COUNT(?e) AS ?n) WHERE { ?e a ckg:Attack }"""


def test_sparql_get_post_and_errors(server):
    r = httpx.get(f"{server}/sparql", params={"query": QUERY})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/sparql-results+json")
    n = int(r.json()["results"]["bindings"][0]["n"]["value"])
    assert n >= 2
    r = httpx.post(f"{server}/sparql", data={"query": QUERY})
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == n
    r = httpx.post(f"{server}/sparql", content=QUERY, headers={"content-type": "application/sparql-query"})
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == n
    r = httpx.get(f"{server}/sparql", params={"query": "SELECT WHERE {"})
    assert r.status_code == 400
    health = httpx.get(f"{server}/health").json()
    assert health["status"] == "ok" and health["quads"] > 500


def test_health_answers_head_and_docs_lead_back(server):
    head = httpx.head(f"{server}/health", timeout=30)
    assert head.status_code == 200 and head.content == b""
    docs = httpx.get(f"{server}/docs", timeout=30).text
    assert '<a href="/">' in docs and "/static/vendor/swagger/swagger-ui-bundle.js" in docs


def test_cors_is_off_by_default_and_configurable(server, tmp_path):
    origin = {"Origin": "http://dashboard.example"}
    r = httpx.get(f"{server}/health", headers=origin, timeout=30)
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers
    base, proc = start_server(tmp_path / "cors-store", {"KG_CORS_ORIGINS": "http://dashboard.example"})
    try:
        r = httpx.get(f"{base}/health", headers=origin, timeout=30)
        assert r.headers.get("access-control-allow-origin") == "http://dashboard.example"
        other = httpx.get(f"{base}/health", headers={"Origin": "http://elsewhere.example"}, timeout=30)
        assert "access-control-allow-origin" not in other.headers
    finally:
        stop_server(proc)
