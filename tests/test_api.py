"""The HTTP endpoint over real uvicorn: `kg serve` in its own process."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import ROOT, SEED, run_kg


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = tmp_path_factory.mktemp("api") / "store"
    result = run_kg("ingest", str(SEED), "--published", "2024-07-24", "--store", str(store), "-q")
    assert result.returncode == 0, result.stderr.decode()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store", str(store),
                             "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail(f"kg serve did not start: {proc.stderr.read().decode() if proc.stderr else ''}")
    yield base
    proc.terminate()
    proc.wait(timeout=10)


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
