"""The whole command line on a remote store: a real Oxigraph server (`oxigraph serve`), no mocks.

Exports are compared as sorted N-Quads after canonicalising blank nodes: a blank
node gets a fresh label each time it is written (the ontology's OWL restrictions and
the SHACL reports in quarantine graphs), so quads without blank nodes must be equal
line for line and quads with blank nodes are compared with every label replaced by
``_:b``.

A second engine, Virtuoso (Debian's virtuoso-opensource, started by the ``virtuoso``
fixture), is held to the same exports, and to HTTP digest authentication.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import DEV, KG, ROOT, run_kg
from tests.servers import AuthProxy, OxigraphServer, VirtuosoServer, start_server, stop_server
from tests.test_cli import PARTNERS

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
DOCS = ("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?d a "
        "<https://w3id.org/conflict-kg/ontology#Document> } }")


def count(*store_args: str, env: dict[str, str] | None = None) -> int:
    result = run_kg("query", COUNT, "--format", "csv", *store_args, env=env)
    assert result.returncode == 0, result.stderr.decode()
    return int(result.stdout.split()[-1])


def canonical(nquads: bytes, graphs: str = "") -> tuple[list[str], list[str]]:
    """Sorted quads without blank nodes, and sorted quads with blank nodes, their labels replaced
    by ``_:b``; of the graphs whose IRI starts with ``graphs``."""
    plain, blank = [], []
    for line in nquads.decode("utf-8").splitlines():
        if not line.strip() or not line.rsplit(" ", 2)[-2].startswith(f"<{graphs}"):
            continue
        if re.search(r"(^|\s)_:", line):
            blank.append(re.sub(r"(^|\s)_:\S+", r"\1_:b", line))
        else:
            plain.append(line)
    return sorted(plain), sorted(blank)


def export(*store_args: str, graphs: str = "",
           env: dict[str, str] | None = None) -> tuple[list[str], list[str]]:
    result = run_kg("export", "--format", "nquads", *store_args, env=env)
    assert result.returncode == 0, result.stderr.decode()
    return canonical(result.stdout, graphs)


@pytest.fixture(scope="module")
def remote_dev(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The dev corpus ingested once into an Oxigraph server, by the three URLs as options."""
    server = OxigraphServer(tmp_path_factory.mktemp("remote-dev") / "db").start()
    try:
        result = run_kg("ingest", "../shared/corpus/dev.jsonl", *server.args, "-q")
        assert result.returncode == 0, result.stderr.decode()
        yield server
    finally:
        server.stop()


def test_remote_ingest_matches_the_embedded_store(remote_dev, dev_store):
    assert count(*remote_dev.args) == count("--store", str(dev_store)) > 1000
    answers = [run_kg("query", PARTNERS, "--format", "json", *args)
               for args in (remote_dev.args, ("--store", str(dev_store)))]
    assert all(a.returncode == 0 for a in answers), [a.stderr for a in answers]
    rows = [json.loads(a.stdout)["results"]["bindings"] for a in answers]
    assert rows[0] == rows[1] and len(rows[0]) >= 5
    assert export(*remote_dev.args) == export("--store", str(dev_store))


def test_urls_from_the_environment_and_load(oxigraph_server, dev_store, tmp_path):
    server = oxigraph_server()
    result = run_kg("ingest", str(DEV), "-q", env=server.env)
    assert result.returncode == 0, result.stderr.decode()
    assert count(env=server.env) == count("--store", str(dev_store))
    rdf = tmp_path / "note.ttl"
    rdf.write_text('<https://w3id.org/conflict-kg/id/note/1> '
                   '<http://www.w3.org/2000/01/rdf-schema#label> "a \\"quoted\\" note"@en .\n')
    result = run_kg("load", str(rdf), "--graph", "https://example.org/graph/note", env=server.env)
    assert result.returncode == 0, result.stderr.decode()
    result = run_kg("query", 'SELECT ?l WHERE { GRAPH <https://example.org/graph/note> { ?s ?p ?l } }',
                    "--format", "json", env=server.env)
    binding = json.loads(result.stdout)["results"]["bindings"][0]["l"]
    assert binding == {"type": "literal", "value": 'a "quoted" note', "xml:lang": "en"}


def test_two_shards_at_once_equal_one_sequential_run(oxigraph_server, remote_dev, tmp_path):
    lines = [line for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    halves = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    halves[0].write_text("\n".join(lines[::2]) + "\n", encoding="utf-8")
    halves[1].write_text("\n".join(lines[1::2]) + "\n", encoding="utf-8")
    server = oxigraph_server()
    procs = [subprocess.Popen([*KG, "ingest", str(h), *server.args, "-q"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for h in halves]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
    plain, blank = export(*server.args)
    want_plain, want_blank = export(*remote_dev.args)
    assert plain == want_plain
    # the ontology (with its blank nodes) is written once, not once per process
    assert blank == want_blank


def bench_articles(n: int) -> list[dict]:
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]  # dataclasses look it up
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.make_corpus(n, 7, DEV)


def documents(server: OxigraphServer) -> int:
    try:
        r = httpx.post(f"{server.base}/query", content=DOCS, timeout=5,
                       headers={"Content-Type": "application/sparql-query",
                                "Accept": "application/sparql-results+json"})
        return int(r.json()["results"]["bindings"][0]["n"]["value"])
    except (httpx.HTTPError, KeyError, ValueError):
        return 0


def test_server_stopped_mid_ingest_then_rerun(oxigraph_server, tmp_path):
    corpus = tmp_path / "bench.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in bench_articles(60)), encoding="utf-8")
    server = oxigraph_server()
    env = {"KG_REMOTE_RETRIES": "1"}
    proc = subprocess.Popen([*KG, "ingest", str(corpus), *server.args, "-q"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, **env})
    deadline = time.monotonic() + 240
    while documents(server) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    server.stop()
    _, err = proc.communicate(timeout=240)
    text = err.decode()
    assert proc.returncode not in (0, None), text
    assert "Traceback" not in text
    last = text.strip().splitlines()[-1]
    assert last.startswith("kg: error: cannot reach the SPARQL endpoint"), text
    assert "while writing https://w3id.org/conflict-kg/id/document/" in last
    server.start()  # same location, same port
    stored = documents(server)
    assert 3 <= stored < 60
    result = run_kg("ingest", str(corpus), *server.args, "-q")
    assert result.returncode == 0, result.stderr.decode()
    assert f"{stored} unchanged" in result.stderr.decode()
    clean = tmp_path / "clean"
    assert run_kg("ingest", str(corpus), "--store", str(clean), "-q").returncode == 0
    assert export(*server.args) == export("--store", str(clean))


def test_export_validate_and_serve_on_the_remote_store(remote_dev, tmp_path):
    import rdflib

    out = tmp_path / "all.trig"
    result = run_kg("export", "--format", "trig", "-o", str(out), *remote_dev.args)
    assert result.returncode == 0, result.stderr.decode()
    ds = rdflib.Dataset()
    ds.parse(out, format="trig")
    assert len(list(ds.quads((None, None, None, None)))) == count(*remote_dev.args)
    assert "nonNegativeInteger" in out.read_text(encoding="utf-8")  # ckg:count keeps its type
    result = run_kg("validate", *remote_dev.args, "-q")
    assert result.returncode == 0, result.stderr.decode()
    assert "0 problem(s)" in result.stderr.decode()

    base, serve = start_server(remote_dev.args[1], args=remote_dev.args[2:])
    try:
        states = "SELECT ?l WHERE { ?s a ckg:State ; rdfs:label ?l } ORDER BY ?l"
        r = httpx.post(f"{base}/sparql", data={"query": states},
                       headers={"Accept": "text/csv"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert "Niger" in r.text.splitlines()
        service = "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"
        r = httpx.post(f"{base}/sparql", data={"query": service})
        assert r.status_code == 400
        r = httpx.get(f"{base}/sparql", params={"query": "SELECT * WHERE {"})
        assert r.status_code == 400
        r = httpx.get(f"{base}/partnerships", params={"actor": "Niger"})
        assert r.status_code == 200, r.text
        partners = {p["label"] for item in r.json()["items"] for p in item["partners"]}
        assert {"Niger", "Russia", "Mali"} <= partners
        # the pages' provenance queries (relations' statements) work over the protocol too
        r = httpx.get(f"{base}/entity/state/niger")
        assert r.status_code == 200 and 'data-confidence="' in r.text and 'href="/document/' in r.text
        r = httpx.get(f"{base}/export", params={"format": "jsonld"})
        assert r.status_code == 200 and r.json()["@context"]["ckg"] == "https://w3id.org/conflict-kg/ontology#"
    finally:
        stop_server(serve)


def test_server_down_is_one_line():
    result = run_kg("query", "ASK {}", "--store", "http://127.0.0.1:9/query",
                    env={"KG_REMOTE_RETRIES": "1"})
    assert result.returncode == 2
    assert result.stderr.decode().strip().splitlines() == [
        "kg: error: cannot reach the SPARQL endpoint at http://127.0.0.1:9/query: connection refused"]


def test_bindings_are_escaped_not_formatted(remote_dev):
    from kg.remote import RemoteStore, bind_values

    query = 'SELECT DISTINCT ?l WHERE { ?s rdfs:label ?l }'
    assert bind_values(query, {"l": 'x" } ; DROP ALL #'}).count("VALUES") == 1
    with RemoteStore(f"{remote_dev.base}/query") as store:
        assert store.select(query, l='Niger"} #') == []
        assert store.select(query, l="Niger") == [{"l": "Niger"}]
        rows = store.select("SELECT ?s WHERE { ?s rdfs:label ?l }", l="Niger")
        assert {r["s"] for r in rows} >= {"https://w3id.org/conflict-kg/id/state/niger"}


def test_the_write_update_stores_what_a_load_stores():
    """The update that replaces graphs (typed literals made by STRDT, blank nodes in a template)
    leaves, on a real engine, the same statements as loading the N-Triples directly."""
    import pyoxigraph as ox

    from kg.remote import replace_text

    xsd = "http://www.w3.org/2001/XMLSchema#"
    body = (f'<http://ex/c> <http://ex/count> "1"^^<{xsd}nonNegativeInteger> .\n'
            f'<http://ex/c> <http://ex/min> "true"^^<{xsd}boolean> .\n'
            f'_:r <http://ex/of> <http://ex/c> .\n_:r <http://ex/v> "1.0"^^<{xsd}decimal> .\n'
            '<http://ex/c> <http://ex/label> "a \\"quoted\\" {label}"@en .\n'
            '<http://ex/c> <http://ex/n> "plain" .\n')
    graph = ox.NamedNode("http://ex/g")
    updated, loaded = ox.Store(), ox.Store()
    updated.update(replace_text({graph.value: body, "http://ex/gone": None}))
    loaded.load(body, ox.RdfFormat.N_TRIPLES, to_graph=graph)

    def statements(store: ox.Store) -> list[str]:
        return sorted(re.sub(r"_:\S+", "_:b", str(q)) for q in store)

    assert statements(updated) == statements(loaded) and len(statements(loaded)) == 6


# ------------------------------------------------------------------ Virtuoso
OURS = "https://w3id.org/conflict-kg/"  # Virtuoso keeps graphs of its own beside ours


@pytest.fixture(scope="module")
def virtuoso_dev(virtuoso: VirtuosoServer) -> VirtuosoServer:
    """The dev corpus ingested once into Virtuoso's /sparql (updates granted to anonymous SPARQL)."""
    result = run_kg("ingest", str(DEV), "--store", virtuoso.url, "-q")
    assert result.returncode == 0, result.stderr.decode()
    return virtuoso


def test_virtuoso_ingest_query_export_validate(virtuoso_dev, dev_store):
    """A second engine, with no graph store protocol: the same answers and the same quads as
    the embedded store, every datatype kept (ckg:count 1 beside ckg:isMinimum true, whole
    decimals, OWL cardinalities)."""
    args = ("--store", virtuoso_dev.url)
    answers = [run_kg("query", PARTNERS, "--format", "json", *a) for a in (args, ("--store", str(dev_store)))]
    assert all(a.returncode == 0 for a in answers), [a.stderr for a in answers]
    rows = [json.loads(a.stdout)["results"]["bindings"] for a in answers]
    assert rows[0] == rows[1] and len(rows[0]) >= 5
    # booleans (Virtuoso answers 1 and 0) and blank nodes (labelled nodeID://…) as from any server
    answers = [run_kg("query", "SELECT ?c ?n ?m WHERE { ?c ckg:count ?n ; ckg:isMinimum ?m } ORDER BY ?c",
                      "--format", "csv", *a) for a in (args, ("--store", str(dev_store)))]
    assert answers[0].stdout == answers[1].stdout and b",true" in answers[0].stdout, answers[0].stderr
    answers = [run_kg("query", "SELECT ?r WHERE { ?r a owl:Restriction }", "--format", "json", *a)
               for a in (args, ("--store", str(dev_store)))]
    assert answers[0].returncode == 0, answers[0].stderr.decode()
    kinds = [[r["r"]["type"] for r in json.loads(a.stdout)["results"]["bindings"]] for a in answers]
    assert kinds[0] == kinds[1] == ["bnode"] * len(kinds[1]) and kinds[1]
    assert export(*args, graphs=OURS) == export("--store", str(dev_store), graphs=OURS)
    result = run_kg("validate", *args, "-q")
    assert result.returncode == 0, result.stderr.decode()
    assert "0 problem(s)" in result.stderr.decode()


def test_virtuoso_digest_authentication(virtuoso_dev):
    """Virtuoso's /sparql-auth asks for HTTP digest: the user and password of the environment
    are sent as its challenge asks, for reads and writes alike."""
    virtuoso_dev.add_user("kg-writer", "digest-secret")
    store = ("--store", virtuoso_dev.auth_url)
    user = {"KG_REMOTE_USER": "kg-writer", "KG_REMOTE_PASSWORD": "digest-secret"}
    result = run_kg("ingest", str(DEV), *store, "-q", env=user)  # reads, then rewrites the derived graph
    assert result.returncode == 0, result.stderr.decode()
    articles = sum(1 for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip())
    assert f"{articles} unchanged" in result.stderr.decode()
    assert export(*store, graphs=OURS, env=user) == export("--store", virtuoso_dev.url, graphs=OURS)

    for env, reason in (({**user, "KG_REMOTE_PASSWORD": "wrong"}, "with the credentials of KG_REMOTE_USER"),
                        ({}, "without credentials")):
        result = run_kg("query", "ASK {}", *store, env={"KG_REMOTE_RETRIES": "0", **env})
        assert result.returncode == 2
        lines = result.stderr.decode().strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(
            f"kg: error: the SPARQL endpoint at {virtuoso_dev.auth_url} refused the query {reason}"), lines
        assert "wrong" not in lines[0] and "401" in lines[0]


def test_bearer_and_basic_authentication(oxigraph_server, tmp_path):
    """Bearer tokens and HTTP basic, from the environment, through a real authenticating reverse
    proxy: neither Oxigraph nor Virtuoso takes them, so :class:`tests.servers.AuthProxy` (a few
    lines of http.server) checks the Authorization header and forwards to a real `oxigraph serve`."""
    import base64

    server = oxigraph_server()
    rdf = tmp_path / "note.ttl"
    note = '<https://w3id.org/conflict-kg/id/note/1> <http://www.w3.org/2000/01/rdf-schema#label> "note"'
    rdf.write_text(f"{note} .\n")
    basic = "Basic " + base64.b64encode(b"alice:s3cret").decode()
    cases = [("Bearer t0ken", 'Bearer realm="kg"',
              {"KG_REMOTE_TOKEN": "t0ken"}, {"KG_REMOTE_TOKEN": "other"}),
             (basic, 'Basic realm="kg"', {"KG_REMOTE_USER": "alice", "KG_REMOTE_PASSWORD": "s3cret"},
              {"KG_REMOTE_USER": "alice", "KG_REMOTE_PASSWORD": "wrong"})]
    for authorization, challenge, good, bad in cases:
        with AuthProxy(server.base, authorization, challenge) as proxy:
            args = [a.replace(server.base, proxy.base) for a in server.args]
            result = run_kg("load", str(rdf), "--graph", "https://example.org/graph/note", *args, env=good)
            assert result.returncode == 0, result.stderr.decode()
            plain, _ = export(*args, graphs="https://example.org/", env=good)
            assert plain == [f"{note} <https://example.org/graph/note> ."]
            if authorization.startswith("Basic"):  # each process sends no password before asked for it
                assert proxy.seen[0] is None and set(proxy.seen) == {None, basic}
            else:
                assert set(proxy.seen) == {authorization}
            result = run_kg("query", "ASK {}", *args, env={"KG_REMOTE_RETRIES": "0", **bad})
            assert result.returncode == 2 and "Traceback" not in result.stderr.decode()
            assert result.stderr.decode().strip().splitlines() == [
                f"kg: error: the SPARQL endpoint at {proxy.base}/query refused the query with the "
                f"credentials of {' and '.join(k for k in bad)} (401 Unauthorized)"]


def test_no_credentials_in_urls():
    result = run_kg("query", "ASK {}", "--store", "http://alice:s3cret@127.0.0.1:9/query")
    assert result.returncode == 2
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "may not hold a user or password" in lines[0] and "s3cret" not in lines[0]
