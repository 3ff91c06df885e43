"""SPARQL over HTTP: `kg serve`'s /sparql against the Oxigraph server on the same data.

    python bench/sparql_http.py [--store DIR | --source FILE.jsonl] [--rounds 3] [--duration 5] [--connections 16]

Both servers run on loopback over the same graph: `kg serve --store COPY_A` and
`oxigraph serve-read-only --location COPY_B --union-default-graph` (copies of one store, so
neither holds the other's lock). For each query class (a point lookup, the README's partners join,
an aggregate) it loads each server in turn with wrk (Debian's `wrk`: `make bench-tools`), A B A B
for --rounds rounds, and prints the median requests/s of each and their ratio, kg / Oxigraph.
A run where a server answers anything but 2xx is reported as an error, not as a speed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "corpus" / "dev.jsonl"
PREFIXES = """PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
QUERIES = {
    "point lookup": "SELECT ?p ?o WHERE { <https://w3id.org/conflict-kg/id/state/niger> ?p ?o } LIMIT 100",
    "partners join": PREFIXES + """SELECT ?partner ?status WHERE {
  BIND(<https://w3id.org/conflict-kg/id/state/niger> AS ?niger)
  ?p a ckg:Partnership ; ckg:partner ?niger, ?o ; ckg:status ?status .
  ?o rdfs:label ?partner FILTER(?o != ?niger) }""",
    "events per place": PREFIXES + """SELECT ?place (COUNT(?e) AS ?events) WHERE {
  ?e ckg:occurredAt ?p . ?p rdfs:label ?place } GROUP BY ?place ORDER BY DESC(?events)""",
}
ACCEPT = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen[bytes], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{what} did not answer {url} within {timeout:.0f} s")


def wrk(url: str, duration: float, connections: int) -> float:
    """Requests/s of one wrk run; an error when any answer was not 2xx or a socket failed."""
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration:g}s", "--latency",
                          "-H", f"Accept: {ACCEPT}", url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out or re.search(r"Socket errors:.*(read|write|timeout) [1-9]", out):
        raise SystemExit(f"errors under load at {url[:80]}...:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]


def build_store(source: Path, target: Path) -> None:
    result = subprocess.run([str(BIN / "kg"), "ingest", str(source), "--store", str(target), "-q"],
                            capture_output=True, text=True)
    if result.returncode not in (0, 2):
        raise SystemExit(f"kg ingest failed: {result.stderr.strip()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, help="an existing embedded store to serve (copied)")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="articles to ingest when no --store")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of load per run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: make bench-tools (Debian's wrk)")
    oxigraph = BIN / "oxigraph"
    if not oxigraph.exists():
        raise SystemExit(f"{oxigraph} is missing: pip install the PyPI package oxigraph (the dev extras)")

    with tempfile.TemporaryDirectory(prefix="kg-bench-http-") as tmp:
        base = Path(tmp) / "store"
        if args.store:
            shutil.copytree(args.store, base, ignore=shutil.ignore_patterns("LOCK", "kg-serve.json"))
        else:
            build_store(args.source, base)
        ox_copy = Path(tmp) / "oxigraph"
        shutil.copytree(base, ox_copy, ignore=shutil.ignore_patterns("LOCK", "kg-serve.json"))
        kg_port, ox_port = free_port(), free_port()
        env = {**os.environ, "KG_MAX_ROWS": "100000"}
        kg_proc = subprocess.Popen([str(BIN / "kg"), "serve", "--store", str(base), "--port", str(kg_port)],
                                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ox_proc = subprocess.Popen([str(oxigraph), "serve-read-only", "--location", str(ox_copy),
                                    "--bind", f"127.0.0.1:{ox_port}", "--union-default-graph"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(f"http://127.0.0.1:{kg_port}/health", kg_proc, "kg serve")
            wait_for(f"http://127.0.0.1:{ox_port}/query?query=ASK%7B%7D", ox_proc, "oxigraph serve-read-only")
            figures = {}
            for name, query in QUERIES.items():
                q = urllib.parse.quote(query)
                urls = {"kg": f"http://127.0.0.1:{kg_port}/sparql?query={q}",
                        "oxigraph": f"http://127.0.0.1:{ox_port}/query?query={q}"}
                rps: dict[str, list[float]] = {"kg": [], "oxigraph": []}
                for server, url in urls.items():  # warm both, and check they agree on the rows
                    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": ACCEPT})) as r:
                        rows = len(json.load(r)["results"]["bindings"])
                    rps.setdefault(f"{server}_rows", []).append(rows)
                for _ in range(args.rounds):
                    for server in ("kg", "oxigraph"):
                        rps[server].append(wrk(urls[server], args.duration, args.connections))
                kg_rps, ox_rps = statistics.median(rps["kg"]), statistics.median(rps["oxigraph"])
                figures[name] = {"kg_rps": kg_rps, "oxigraph_rps": ox_rps, "ratio": kg_rps / ox_rps,
                                 "rows": {"kg": rps["kg_rows"][0], "oxigraph": rps["oxigraph_rows"][0]}}
        finally:
            for proc in (kg_proc, ox_proc):
                proc.terminate()
                proc.wait(timeout=30)
    print("| query | kg serve (req/s) | Oxigraph server (req/s) | ratio | rows kg / oxigraph |")
    print("| --- | --- | --- | --- | --- |")
    for name, f in figures.items():
        print(f"| {name} | {f['kg_rps']:.0f} | {f['oxigraph_rps']:.0f} | {f['ratio']:.2f} | "
              f"{f['rows']['kg']} / {f['rows']['oxigraph']} |")
    print(f"({args.connections} connections, {args.rounds} rounds of {args.duration:g} s each, "
          f"alternating; medians; {os.cpu_count()} cores)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
