"""The server and the command line under abuse (issue 11), against the real things.

Each case is something an attacker or a careless user sent; after each, the server still
answers and its memory and query slots come back (measured from /proc of the real process).

* deep nesting that overflows pyoxigraph's parser stack: 400 before the parser (the crash
  depths themselves are re-measured in a subprocess that may die);
* slow queries: the worker is killed at the timeout, slot and memory come back;
* huge bodies: 413 before they are read;
* stored script: no ``javascript:`` link on any page; CSP, nosniff, frame-ancestors; Host check;
* bad records: skipped with file and line, the rest stored, exit 2; POST /documents 422;
* same headline, different text: two documents;
* ``kg load``: no remote context, no entity expansion, one-line errors, ``a "NotAClass"`` fails;
* no orphans: workers die with their parent;
* a short schemathesis run against /openapi.json.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from kg.sparqlguard import MAX_CHAIN, MAX_DEPTH, TooComplex, check
from tests.conftest import ROOT, run_kg
from tests.servers import start_server, stop_server

TOKEN = "abuse-token-93d1"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CKG = "https://w3id.org/conflict-kg/ontology#"
CKGR = "https://w3id.org/conflict-kg/id/"
SCHEMA = "https://schema.org/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
BULK = "http://example.org/bulk"


# ------------------------------------------------------------------ nesting
def nested(kind: str, n: int) -> str:
    """A query nesting construct ``kind`` ``n`` deep (or chaining it ``n`` long)."""
    return {
        "brace": "SELECT * WHERE " + "{ " * n + "?s ?p ?o " + "} " * n,
        "paren": "SELECT * WHERE { FILTER(" + "( " * n + "1" + " )" * n + ") }",
        "optional": "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * n + "}" * n + " }",
        "subselect": "SELECT * WHERE " + "{ SELECT * WHERE " * n + "{ ?s ?p ?o }" + " }" * n,
        "bracket": "SELECT * WHERE { ?s ?p " + "[ ?p " * n + "?o" + " ]" * n + " }",
        "bang": "SELECT * WHERE { FILTER(" + "!" * n + "true) }",
        "exists": "SELECT * WHERE " + "{ FILTER EXISTS " * n + "{ }" + " }" * n,
        "func": "SELECT * WHERE { BIND(" + "STR(" * n + "1" + ")" * n + " AS ?x) }",
        "union": "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * n) + " }",
        "seq": "SELECT * WHERE { ?s " + "/".join(["<p:x>"] * n) + " ?o }",
        "update": "INSERT { <s:1> <p:1> 1 } WHERE " + "{ " * n + "?s ?p ?o " + "} " * n,
    }[kind]


#: the flat chains (counted against MAX_CHAIN), the rest nests (MAX_DEPTH)
CHAINS = {"union", "seq"}
KINDS = ["brace", "paren", "optional", "subselect", "bracket", "bang", "exists", "func", "union",
         "seq", "update"]

PARSE = r"""
import sys, pyoxigraph as ox
text = sys.stdin.read()
try:
    (ox.Store().update if text.startswith("INSERT") else ox.Store().query)(text + " @@@")
except SyntaxError:
    pass
print("survived")
"""


def parses_in_subprocess(text: str) -> int:
    """Exit status of pyoxigraph parsing ``text`` in a process we can lose (negative: a signal).
    The text is made invalid at its very end, so the parser reads all of it and nothing runs."""
    return subprocess.run([sys.executable, "-c", PARSE], input=text.encode(), capture_output=True,
                          timeout=120).returncode


@pytest.mark.parametrize("kind", KINDS)
def test_the_bound_is_under_the_crash_depth(kind: str) -> None:
    n = MAX_CHAIN if kind in CHAINS else MAX_DEPTH - 2
    text = nested(kind, n)
    check(text)  # the largest accepted: passes the guard ...
    assert parses_in_subprocess(text) == 0  # ... and the parser survives it
    with pytest.raises(TooComplex):
        check(nested(kind, n + 5))


def test_the_crash_is_real() -> None:
    """What the guard prevents: 2,300 braces kill the process that parses them."""
    assert parses_in_subprocess(nested("brace", 2300)) == -signal.SIGSEGV


def test_the_guard_ignores_strings_iris_and_comments() -> None:
    deep = "(" * 500
    check(f'SELECT * WHERE {{ ?s ?p "{deep}" }} # {deep}\n')
    check(f"SELECT * WHERE {{ ?s <http://e/{'a' * 900}> '''{{{{{{{{{deep}''' }}")
    check("SELECT ?x WHERE { ?s <p>/<q>|^<r> ?o FILTER(!(?x > -1 && ?y < +2)) } ORDER BY DESC(?x)")
    with pytest.raises(TooComplex, match="KG_MAX_QUERY_BYTES"):
        check("ASK {}" + " " * 100, max_bytes=50)


def test_kg_query_refuses_deep_nesting(tmp_path: Path) -> None:
    store = tmp_path / "store"
    ox.Store(str(store)).flush()
    query = tmp_path / "deep.rq"
    query.write_text(nested("brace", 2200))
    result = run_kg("query", "--file", str(query), "--store", str(store))
    assert result.returncode == 2, result.stderr.decode()
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "nests deeper than" in lines[0]


# ------------------------------------------------------------------ the server
def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def descendants(pid: int) -> list[int]:
    out = []
    for child in children(pid):
        out += [child, *descendants(child)]
    return out


def tree_rss_kb(pid: int) -> int:
    """Resident memory of the server and its worker processes."""
    return rss_kb(pid) + sum(rss_kb(c) for c in descendants(pid) if Path(f"/proc/{c}").exists())


def query_workers(pid: int) -> list[int]:
    """The SPARQL worker processes: the children of the server's fork server."""
    servers = [c for c in children(pid) if b"forkserver" in Path(f"/proc/{c}/cmdline").read_bytes()]
    return [w for f in servers for w in children(f)]


def make_store(path: Path) -> None:
    """A small graph: a document with a javascript: URL, an entity whose sameAs is one, and a
    bulk graph that makes a three-way product slow."""
    st = ox.Store(str(path))
    doc = ox.NamedNode(CKGR + "document/abuse-1")
    ent = ox.NamedNode(CKGR + "state/testland")
    quads = [
        (doc, RDF_TYPE, ox.NamedNode(CKG + "Document")),
        (doc, SCHEMA + "headline", ox.Literal("Headline of the abusive article")),
        (doc, SCHEMA + "url", ox.Literal("javascript:alert(13)")),
        (ent, RDF_TYPE, ox.NamedNode(CKG + "State")),
        (ent, RDFS_LABEL, ox.Literal("Testland")),
        (ent, "http://www.w3.org/2002/07/owl#sameAs", ox.NamedNode("javascript:alert(14)")),
        (ent, CKG + "mentionedIn", doc),
    ]
    entities = ox.NamedNode("https://w3id.org/conflict-kg/graph/entities")  # the corpus layout:
    for s, p, o in quads:  # an entity's description in the entities graph, the rest in the document's
        graph = entities if s == ent and p != CKG + "mentionedIn" else doc
        st.add(ox.Quad(s, ox.NamedNode(p), o, graph))
    bulk = ox.NamedNode(BULK)
    for i in range(400):
        st.add(ox.Quad(ox.NamedNode(f"http://example.org/n{i}"), ox.NamedNode("http://example.org/v"),
                       ox.Literal(str(i)), bulk))
    st.flush()
    del st


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    store = tmp_path_factory.mktemp("abuse") / "store"
    make_store(store)
    base, proc = start_server(store, {"KG_API_TOKEN": TOKEN, "KG_QUERY_TIMEOUT": "2",
                                      "KG_QUERY_WORKERS": "4"})
    yield base, proc
    stop_server(proc)


def alive(base: str) -> None:
    r = httpx.get(f"{base}/health", timeout=30)
    assert r.status_code == 200 and r.json()["status"] == "ok"


@pytest.mark.parametrize("kind", ["brace", "paren", "optional", "subselect", "bracket", "bang",
                                  "union", "seq"])
def test_deep_queries_get_400_and_the_server_lives(server: tuple[str, subprocess.Popen], kind: str) -> None:
    base, proc = server
    n = {"union": 20_000, "seq": 20_000, "bang": 10_000}.get(kind, 5_000)
    text = nested(kind, n)
    for r in (httpx.post(f"{base}/sparql", data={"query": text}, timeout=60),
              httpx.post(f"{base}/sparql", content=text.encode(), timeout=60,
                         headers={"Content-Type": "application/sparql-query"})):
        assert r.status_code == 400, r.text[:200]
        assert len(r.text.strip().splitlines()) == 1 and ("nests deeper" in r.text or "more than" in r.text)
    alive(base)
    assert proc.poll() is None


def test_the_2200_brace_query_by_get_and_an_update(server: tuple[str, subprocess.Popen]) -> None:
    base, _ = server
    r = httpx.get(f"{base}/sparql", params={"query": nested("brace", 2200)}, timeout=60)
    assert r.status_code == 400 and "nests deeper than 200" in r.text
    r = httpx.post(f"{base}/sparql", data={"update": nested("update", 2200)}, headers=AUTH, timeout=60)
    assert r.status_code == 400 and "update nests deeper" in r.text
    alive(base)


def test_a_long_query_is_refused(server: tuple[str, subprocess.Popen]) -> None:
    base, _ = server
    text = "ASK { " + "?s ?p ?o . " * 120_000 + "}"  # ~1.3 MB, over KG_MAX_QUERY_BYTES
    r = httpx.post(f"{base}/sparql", content=text.encode(), timeout=60,
                   headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400 and "KG_MAX_QUERY_BYTES" in r.text
    alive(base)


SLOW = (f"SELECT ?a WHERE {{ GRAPH <{BULK}> {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }} "
        "FILTER(CONCAT(STR(?c), STR(?f), STR(?i)) = \"never\") }")


def test_timed_out_queries_give_back_slots_and_memory(server: tuple[str, subprocess.Popen]) -> None:
    base, proc = server
    before = tree_rss_kb(proc.pid)
    statuses: list[int] = []

    def slow() -> None:
        statuses.append(httpx.get(f"{base}/sparql", params={"query": SLOW}, timeout=120).status_code)

    threads = [threading.Thread(target=slow) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [503] * 8
    # the slots are free again: a quick query is answered (not 503) ...
    r = httpx.get(f"{base}/sparql", params={"query": "ASK {}"}, timeout=60)
    assert r.status_code == 200 and r.json()["boolean"] is True
    # ... the killed workers are replaced, none keeps running, memory is back
    for _ in range(100):
        if len(query_workers(proc.pid)) >= 4:
            break
        time.sleep(0.1)
    assert len(query_workers(proc.pid)) == 4
    after = tree_rss_kb(proc.pid)
    assert after - before < 200 * 1024, (before, after)
    alive(base)


def test_the_memory_limit_stops_a_query(tmp_path: Path) -> None:
    store = tmp_path / "store"
    make_store(store)
    base, proc = start_server(store, {"KG_QUERY_TIMEOUT": "60", "KG_QUERY_MEMORY_MB": "150"})
    try:
        grow = (f"SELECT * WHERE {{ GRAPH <{BULK}> {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }} }} "
                "ORDER BY ?c ?f ?i")
        r = httpx.get(f"{base}/sparql", params={"query": grow}, timeout=120)
        assert r.status_code == 503 and "KG_QUERY_MEMORY_MB" in r.text
        alive(base)
        assert httpx.get(f"{base}/sparql", params={"query": "ASK {}"}, timeout=60).status_code == 200
    finally:
        stop_server(proc)


def raw_post(base: str, path: str, headers: str, body_chunks: Iterator[bytes]) -> bytes:
    """Send a request's head, then its body a chunk at a time, waiting after each for an answer.

    The server answers 413 and closes as soon as it knows the body is too large. A client that
    kept writing into the closed connection would get a reset, and the kernel drops an answer
    not yet read when the reset arrives, so the test stops writing once an answer is there.
    """
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode())
        for chunk in body_chunks:
            if select.select([s], [], [], 1.0)[0]:
                break
            try:
                s.sendall(chunk)
            except OSError:  # the server closed: it would not read more
                break
        return s.recv(4096)


def test_huge_bodies_get_413_before_they_are_read(server: tuple[str, subprocess.Popen]) -> None:
    base, proc = server
    before = rss_kb(proc.pid)
    mb = b"x" * 1_000_000
    answer = raw_post(base, "/sparql",
                      f"Content-Type: application/sparql-query\r\nContent-Length: {300 * 10**6}\r\n",
                      iter([mb] * 300))
    assert answer.startswith(b"HTTP/1.1 413"), answer[:100]
    chunk = b"F4240\r\n" + mb + b"\r\n"
    answer = raw_post(base, "/sparql", "Content-Type: application/sparql-query\r\nTransfer-Encoding: chunked\r\n",
                      iter([chunk] * 300))
    assert answer.startswith(b"HTTP/1.1 413"), answer[:100]
    token = AUTH["Authorization"]
    answer = raw_post(base, "/documents", f"Authorization: {token}\r\nContent-Type: application/json\r\n"
                                          f"Content-Length: {6_000_002}\r\n",
                      iter([b"{" + b" " * 1_000_000] + [b" " * 1_000_000] * 5 + [b"}"]))
    assert answer.startswith(b"HTTP/1.1 413"), answer[:100]
    assert rss_kb(proc.pid) - before < 50 * 1024
    alive(base)


# ------------------------------------------------------------------ pages and headers
def test_no_stored_script_and_strict_headers(server: tuple[str, subprocess.Popen]) -> None:
    base, _ = server
    page = httpx.get(f"{base}/entity/state/testland", timeout=30)
    assert page.status_code == 200
    assert "Headline of the abusive article" in page.text  # the document is listed ...
    assert "javascript:alert(14)" in page.text  # ... and the sameAs value shown ...
    for url in ("/entity/state/testland", "/", "/timeline"):
        r = httpx.get(f"{base}{url}", timeout=30)
        assert 'href="javascript:' not in r.text.lower()  # ... but never as a link
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-eval" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
    r = httpx.get(f"{base}/docs", timeout=30)
    assert "sha256-" in r.headers["content-security-policy"]  # its one inline script, by hash


def test_foreign_host_names_are_refused(server: tuple[str, subprocess.Popen]) -> None:
    base, _ = server
    r = httpx.get(f"{base}/health", headers={"Host": "rebind.example.com"}, timeout=30)
    assert r.status_code == 400 and "KG_ALLOWED_HOSTS" in r.text
    port = base.rsplit(":", 1)[1]
    assert httpx.get(f"{base}/health", headers={"Host": f"localhost:{port}"}, timeout=30).status_code == 200


def test_options_and_openapi_describe_sparql(server: tuple[str, subprocess.Popen]) -> None:
    base, _ = server
    r = httpx.options(f"{base}/sparql", timeout=30)
    assert r.status_code == 204 and set(r.headers["allow"].split(", ")) == {"GET", "POST", "OPTIONS"}
    assert httpx.options(f"{base}/no/such/path", timeout=30).status_code == 404
    spec = httpx.get(f"{base}/openapi.json", timeout=30).json()["paths"]["/sparql"]
    assert {p["name"] for p in spec["get"]["parameters"]} >= {"query", "default-graph-uri", "named-graph-uri"}
    body = spec["post"]["requestBody"]["content"]
    assert {"application/x-www-form-urlencoded", "application/sparql-query",
            "application/sparql-update"} <= set(body)
    assert "application/sparql-results+json" in spec["get"]["responses"]["200"]["content"]


BAD_BODIES = {
    "deep": b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "surrogate": b'{"text": "bad \\ud800 text"}',
    "digits": b'{"text": "x", "id": ' + b"9" * 5000 + b"}",
    "wrong type": b'{"text": ["not", "a", "string"]}',
    "empty text": b'{"text": "   "}',
    "javascript url": b'{"text": "x", "url": "javascript:alert(1)"}',
    "not json": b"{",
}


@pytest.mark.parametrize("name", list(BAD_BODIES))
def test_bad_document_bodies_get_422(server: tuple[str, subprocess.Popen], name: str) -> None:
    base, _ = server
    r = httpx.post(f"{base}/documents", content=BAD_BODIES[name], timeout=60,
                   headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 422, r.text[:300]
    alive(base)


# ------------------------------------------------------------------ ingest
GOOD = "Soldiers of the Testland army patrolled the northern border on Monday, officials said."


def test_bad_records_are_skipped_and_same_headlines_kept_apart(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    lines = [json.dumps({"id": "good-1", "title": "One", "text": GOOD}),
             '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}",
             '{"id": "s", "text": "a lone \\ud800 surrogate"}',
             '{"id": "n", "text": "x", "title": ' + "7" * 5000 + "}",
             '{"id": "w", "text": 12}',
             json.dumps({"id": "good-2", "title": "Two", "text": GOOD + " Again."})]
    (folder / "batch.jsonl").write_text("\n".join(lines) + "\n")
    (folder / "a.txt").write_text("Same headline\n\nThe first article under this headline. " + GOOD)
    (folder / "b.txt").write_text("Same headline\n\nA different article, same headline. " + GOOD)
    (folder / "long.txt").write_text("Long one\n\n" + (GOOD + " ") * 40)
    store = tmp_path / "store"
    result = run_kg("ingest", str(folder), "--store", str(store), "-q",
                    env={"KG_MAX_CHARS": "2000", "KG_STORE": str(store)})
    err = result.stderr.decode()
    assert result.returncode == 2, err
    for number in (2, 3, 4, 5):
        assert f"batch.jsonl:{number}:" in err
    assert "Traceback" not in err and "internal error" not in err
    assert "long.txt has" in err and "KG_MAX_CHARS" in err
    assert "stored 5 document(s)" in err, err
    docs = run_kg("query", f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d a <{CKG}Document> }}",
                  "--format", "json", "--store", str(store))
    assert json.loads(docs.stdout)["results"]["bindings"][0]["n"]["value"] == "5"


# ------------------------------------------------------------------ kg load
class Listener:
    """A TCP listener on loopback that records whether anything connected."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                continue

    def close(self) -> None:
        self.stop = True
        self.thread.join()
        self.sock.close()


def test_load_fetches_no_remote_context(tmp_path: Path) -> None:
    listener = Listener()
    try:
        rdf = tmp_path / "remote.jsonld"
        rdf.write_text(json.dumps({"@context": f"http://127.0.0.1:{listener.port}/ctx.jsonld",
                                   "@id": "http://example.org/s", "name": "x"}))
        result = run_kg("load", str(rdf), "--store", str(tmp_path / "store"))
        assert result.returncode == 2
        assert "remote.jsonld" in result.stderr.decode()
    finally:
        listener.close()
    assert listener.connections == 0


def test_load_expands_no_xml_entities(tmp_path: Path) -> None:
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(2, 10))
    rdf = tmp_path / "laughs.rdf"
    rdf.write_text(f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol1 "lol">{entities}]>'
                   '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                   'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
                   '<rdf:Description rdf:about="http://example.org/s"><rdfs:label>&lol9;</rdfs:label>'
                   "</rdf:Description></rdf:RDF>")
    store = tmp_path / "store"
    result = run_kg("load", str(rdf), "--store", str(store), "--no-validate", timeout=120)
    lines = result.stderr.decode().strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and "entity 'lol2' is refused" in lines[0]
    # plain entities (namespace abbreviations, as in OWL files) still load
    rdf.write_text('<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY ex "http://example.org/">]>'
                   '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                   'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
                   '<rdf:Description rdf:about="&ex;s"><rdfs:label>plain</rdfs:label>'
                   "</rdf:Description></rdf:RDF>")
    result = run_kg("load", str(rdf), "--store", str(store), "--no-validate")
    assert result.returncode == 0, result.stderr.decode()


def test_load_errors_are_one_line_with_the_file(tmp_path: Path) -> None:
    rdf = tmp_path / "literal-subject.ttl"
    rdf.write_text('"lit" <http://example.org/p> <http://example.org/o> .\n')
    result = run_kg("load", str(rdf), "--store", str(tmp_path / "store"))
    lines = result.stderr.decode().strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1
    assert "literal-subject.ttl" in lines[0] and '"lit"' in lines[0]
    rdf = tmp_path / "not-a-class.ttl"
    rdf.write_text('<http://example.org/s> a "NotAClass" .\n')
    result = run_kg("load", str(rdf), "--store", str(tmp_path / "store"))
    assert result.returncode == 1 and "NotAClass" in result.stderr.decode()


def test_a_large_load_streams_in_bounded_memory(tmp_path: Path) -> None:
    rdf = tmp_path / "big.nt"
    with rdf.open("w") as fh:
        for i in range(300_000):
            fh.write(f'<{CKGR}note/{i}> <{RDFS_LABEL}> "note {i}" .\n')
    measure = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)")
    result = subprocess.run([sys.executable, "-c", measure, sys.executable, "-m", "kg.cli", "load",
                             str(rdf), "--store", str(tmp_path / "store")],
                            capture_output=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr.decode()
    assert "loaded 300000 triples" in result.stderr.decode()
    assert int(result.stdout.split()[-1]) < 1024 * 1024  # kB: under 1 GB


# ------------------------------------------------------------------ orphans
def wait_gone(pids: list[int]) -> list[int]:
    for _ in range(100):
        alive_ = [p for p in pids if Path(f"/proc/{p}").exists()
                  and "Z" not in Path(f"/proc/{p}/stat").read_text().split(")")[-1].split()[0]]
        if not alive_:
            return []
        time.sleep(0.1)
    return alive_


def test_the_gate_worker_dies_with_its_parent() -> None:
    code = ("import os, sys, time; from kg.ingest import _gate_pool\n"
            "pool = _gate_pool(True, 100)\n"
            "print(pool.submit(os.getpid).result(), flush=True)\n"
            "time.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, cwd=ROOT)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert Path(f"/proc/{child}").exists()
    parent.kill()
    parent.wait()
    assert wait_gone([child]) == []


def test_query_workers_die_with_the_server(tmp_path: Path) -> None:
    store = tmp_path / "store"
    make_store(store)
    base, proc = start_server(store, {"KG_QUERY_WORKERS": "2"})
    for _ in range(100):
        workers = descendants(proc.pid)
        if len(query_workers(proc.pid)) >= 2:
            break
        time.sleep(0.1)
    assert len(query_workers(proc.pid)) >= 2
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert wait_gone(workers) == []


# ------------------------------------------------------------------ schemathesis
def test_schemathesis_finds_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    make_store(store)
    base, proc = start_server(store, {"KG_API_TOKEN": TOKEN, "KG_QUERY_TIMEOUT": "5"})
    try:
        exe = Path(sys.executable).with_name("schemathesis")
        if not exe.exists():
            pytest.skip("schemathesis is not installed (pip install -e .[dev])")
        result = subprocess.run(
            [str(exe), "run", f"{base}/openapi.json", "--checks", "all", "--max-examples", "10",
             "--workers", "1", "--seed", "11",
             "--suppress-health-check", "all"],
            capture_output=True, timeout=600, cwd=tmp_path,
            env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.schemathesis_hooks",
                 "PYTHONPATH": str(ROOT)})
        out = result.stdout.decode()
        assert result.returncode == 0, out[-4000:]
        alive(base)
    finally:
        stop_server(proc)

