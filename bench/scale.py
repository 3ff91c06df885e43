"""How the REST routes and pages scale with the corpus: 30 to 30,000 articles.

    python bench/scale.py [--sizes 30,300,3000,30000] [--requests 21] [--duration 5] [--seed 7]

For each size the bench builds a store (or reuses the one built before for the same size,
seed and code under ``bench/out/scale-stores/``), starts the real ``kg serve`` (uvicorn) on
it and measures, per route and page of ``ROUTES``:

* **p50**: the median latency of ``--requests`` sequential requests (after 3 warm-ups);
* **growth**: that median divided by the route's own median at the smallest size (30);
* **requests/s** with 16 connections for ``--duration`` seconds, by ``wrk`` (Debian's
  package, ``make bench-tools``), or, without wrk, by a bounded async load generator.

The stores are synthetic but go through the real mapping and store code: the dev texts
(``../shared/corpus/dev.jsonl``, or ``--source``) are extracted once by the real pipeline
(cached in ``bench/out/``), and every synthetic article is one of those extractions with a
new id, a new publication date (and every date in it moved by the same amount), other
casualty figures, most towns swapped for towns of the gazetteer (placed in their country)
and some states swapped for other states; about one article in four retells an event of a
recent article (same event, other figures), as a news feed does. Each is written by
``kg.ingest.store_document(store, article, extraction)`` (up to ``--sequential-max``
articles; beyond, 100 document graphs at a time, then ``kg.derive.refresh`` of what they
touch: the same store), skipping spaCy, so entities and partnerships recur across articles
and events are reported more than once.

A markdown table is printed and a JSON record goes to ``bench/out/scale-<timestamp>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_SOURCE = ROOT.parent / "shared" / "corpus" / "dev.jsonl"
OUT = BENCH / "out"
STORES = OUT / "scale-stores"
CONNECTIONS = 16

#: the routes and pages measured (issue 10)
ROUTES = [
    "/partnerships?actor=Niger",
    "/events?place=Tillaberi",
    "/entity/state/niger",
    "/timeline",
    "/entities/state/niger",
]

FIRST_DATE, LAST_DATE = dt.date(2021, 1, 1), dt.date(2025, 12, 31)
#: chance that a synthetic article keeps a town of its source article (else another town)
KEEP_TOWN = 0.3
#: chance that a state of the source article is swapped for another state
SWAP_STATE = 0.25
#: chance that an article retells the events of a recent one
RETELL = 0.25
#: articles written at once (then their corpus nodes recomputed) in a bulk build
BATCH = 100


# ------------------------------------------------------------------ dev extractions
def dev_extractions(source: Path, refresh: bool = False) -> list[tuple[dict, dict]]:
    """(article metadata, extraction data) of every article of ``source``, extracted by the real
    pipeline once and cached in bench/out/."""
    from kg.model import extraction_to_data
    from kg.readers import read_file

    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    cache = OUT / f"scale-extractions-{digest}.json"
    if cache.exists() and not refresh:
        return [(a, e) for a, e in json.loads(cache.read_text(encoding="utf-8"))]
    from kg.extract.pipeline import Extractor

    articles = [a for a in read_file(source) if not isinstance(a, Exception)]
    extractor = Extractor()
    out = []
    for article in articles:
        extraction = extractor.extract(article)
        out.append(({"id": article.id, "title": article.title, "published": article.published},
                    extraction_to_data(extraction)))
    OUT.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(out), encoding="utf-8")
    return out


# ------------------------------------------------------------------ the generator
class Generator:
    """Synthetic (article, extraction) pairs derived from real extractions."""

    def __init__(self, extractions: list[tuple[dict, dict]], seed: int) -> None:
        from kg.extract.gazetteer import load_gazetteer  # noqa: F401 - checks the data is there

        self.sources = extractions
        self.seed = seed
        rows = [json.loads(line) for line in (ROOT / "kg" / "data" / "gazetteer.jsonl").open(encoding="utf-8")]
        self.by_key = {r["key"]: r for r in rows}
        self.states = sorted(r["key"] for r in rows if r["type"] == "State")
        self.towns = sorted(r["key"] for r in rows if r["type"] == "Settlement" and r.get("country")
                            and (r.get("population") or 0) >= 20_000)
        self.recent: list[tuple[dict, dt.date]] = []

    def entity(self, key: str) -> dict:
        r = self.by_key[key]
        return {"key": key, "type": r["type"], "label": r["label"], "aliases": sorted(r.get("aliases") or []),
                "wikidata": r.get("wikidata"), "confidence": 0.8}

    @staticmethod
    def shift(value: str | None, days: int) -> str | None:
        """A date of the text moved by ``days``, at its own precision."""
        if not value:
            return value
        if len(value) == 4:
            return str(int(value) + round(days / 365.25))
        if len(value) == 7:
            d = dt.date(int(value[:4]), int(value[5:7]), 15) + dt.timedelta(days=days)
            return d.isoformat()[:7]
        try:
            return (dt.date.fromisoformat(value[:10]) + dt.timedelta(days=days)).isoformat()
        except ValueError:
            return value

    @staticmethod
    def figures(events: list[dict], rng: random.Random) -> None:
        for ev in events:
            for c in ev.get("casualties", []):
                c["count"] = max(1, round(c["count"] * rng.uniform(0.5, 2.0)))

    def make(self, i: int) -> tuple[object, object]:
        from kg.model import Article, extraction_from_data

        rng = random.Random(f"{self.seed}:{i}")
        doc_id = f"scale-{i:05d}"
        published = FIRST_DATE + dt.timedelta(days=rng.randrange((LAST_DATE - FIRST_DATE).days))
        if self.recent and rng.random() < RETELL:
            data, when = rng.choice(self.recent)
            data = json.loads(json.dumps(data))
            published = when + dt.timedelta(days=rng.randrange(3))
            self.figures(data["events"], rng)
            data["partnerships"] = []
        else:
            meta, base = self.sources[rng.randrange(len(self.sources))]
            data = json.loads(json.dumps(base))
            old = dt.date.fromisoformat(meta["published"]) if meta.get("published") else published
            days = (published - old).days
            mapping: dict[str, str] = {}
            added: dict[str, dict] = {}
            for e in data["entities"]:
                if e["type"] == "State" and rng.random() < SWAP_STATE:
                    new = rng.choice(self.states)
                    if new not in {x["key"] for x in data["entities"]}:
                        mapping[e["key"]] = new
                        added[new] = self.entity(new)
                elif e["type"] == "Settlement" and rng.random() > KEEP_TOWN:
                    new = rng.choice(self.towns)
                    mapping[e["key"]] = new
                    added[new] = self.entity(new)
            data["entities"] = [e for e in data["entities"] if e["key"] not in mapping]
            data["entities"] += [e for k, e in added.items() if k not in {x["key"] for x in data["entities"]}]

            def m(key: str | None) -> str | None:
                return mapping.get(key, key) if key else key

            for ev in data["events"]:
                ev["place"] = m(ev["place"])
                ev["date"] = self.shift(ev["date"], days)
                for role in ("perpetrators", "targets", "participants"):
                    ev[role] = sorted({m(a) for a in ev[role]})
                for c in ev.get("casualties", []):
                    c["victim"] = m(c.get("victim"))
            self.figures(data["events"], rng)
            for p in data["partnerships"]:
                pair = sorted({m(x) for x in p["partners"]})
                p["partners"] = pair if len(pair) == 2 else [None, None]
                p["date"] = self.shift(p["date"], days)
            data["partnerships"] = [p for p in data["partnerships"] if p["partners"][0]]
            relations = []
            for r in data["relations"]:
                s, o = m(r["s"]), m(r["o"])
                if r["s"] in mapping and r["p"] == "locatedIn":
                    o = self.by_key[s].get("region") or self.by_key[s]["country"]
                elif r["o"] in mapping and r["p"] == "locatedIn":
                    continue  # a place kept (a base, a region) stays where it is: never moved into the swapped one

                if s != o:
                    relations.append({**r, "s": s, "o": o})
            known = {e["key"] for e in data["entities"]}
            for r in relations:
                for k in (r["s"], r["o"]):
                    if k not in known and k in self.by_key:
                        data["entities"].append(self.entity(k))
                        known.add(k)
            data["relations"] = [r for r in relations if r["s"] in known and r["o"] in known]
            # drop references to entities the extraction does not describe
            for ev in data["events"]:
                if ev["place"] not in known:
                    ev["place"] = None
                for role in ("perpetrators", "targets", "participants"):
                    ev[role] = [a for a in ev[role] if a in known]
                for c in ev.get("casualties", []):
                    if c.get("victim") not in known:
                        c["victim"] = None
            data["events"] = [ev for ev in data["events"] if ev["place"]]
            data["partnerships"] = [p for p in data["partnerships"] if set(p["partners"]) <= known]
            self.recent.append((data, published))
            del self.recent[:-20]
        for p in data["partnerships"]:
            p["partners"] = tuple(p["partners"])
        extraction = extraction_from_data(data)
        article = Article(text=f"Synthetic article {doc_id} of the scale benchmark (seed {self.seed}).",
                          title=f"Synthetic report {i}", published=published.isoformat(),
                          source="scale bench", id=doc_id)
        return article, extraction


# ------------------------------------------------------------------ stores
def code_version() -> str:
    """The last commit of the code that writes stores (kg/, ontology/, shapes/), so a stale store is
    never reused."""
    try:
        head = subprocess.run(["git", "log", "-1", "--format=%h", "--", "kg", "ontology", "shapes"], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "kg", "ontology", "shapes"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return head + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def build_store(size: int, extractions: list, seed: int, validate: bool, rebuild: bool,
                bulk: bool) -> tuple[Path, dict]:
    from kg.ingest import ensure_ontology, store_document
    from kg.store import EmbeddedStore

    version = code_version()
    path = STORES / f"{size}-seed{seed}-{'gate' if validate else 'nogate'}-{'bulk' if bulk else 'seq'}-{version}"
    meta_file = path / "bench-meta.json"
    if meta_file.exists() and not rebuild and not version.endswith("dirty"):
        return path, json.loads(meta_file.read_text())
    if path.exists():
        shutil.rmtree(path)
    generator = Generator(extractions, seed)
    store = EmbeddedStore(path)
    ensure_ontology(store)
    start = time.perf_counter()
    last = start
    from kg.derive import Touched, refresh, touched_of_ntriples

    batch: dict[str, str | None] = {}
    documents: list[str] = []
    for i in range(size):
        article, extraction = generator.make(i)
        if bulk:
            graphs = bulk_graphs(article, extraction, validate)
            batch.update(graphs)
            documents.append(next(iter(graphs.values())) or "")  # the document graph (first)
            if len(batch) >= 2 * BATCH or i == size - 1:
                store.replace_graphs(batch)
                touched = Touched()
                for text in batch.values():
                    touched |= touched_of_ntriples(text)
                # the corpus nodes the batch touches; its documents are all new, so their entity
                # mentions merge into the stored descriptions, as ingest does one article at a time
                refresh(store, touched, added="\n".join(documents))
                batch, documents = {}, []
        else:
            store_document(store, article, extraction, validate=validate)
        if time.perf_counter() - last > 30:
            last = time.perf_counter()
            print(f"  {size}: {i + 1} articles stored ({last - start:.0f} s)", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - start
    meta = {"size": size, "seed": seed, "validate": validate, "bulk": bulk, "code": version,
            "build_s": round(seconds, 1), "quads": store.count_quads()}
    store.flush()
    store.close()
    meta_file.write_text(json.dumps(meta))
    return path, meta


def bulk_graphs(article: object, extraction: object, validate: bool) -> dict[str, str | None]:
    """The named graphs ``store_document`` writes for one article (its document graph in the stored
    layout, after the gate, and its quarantine graph), as N-Triples, for writing many at once."""
    from kg.ids import document_key, iri
    from kg.ingest import gate_graph, quarantine_graph
    from kg.rdfmap import document_graph

    _, view = document_graph(article, extraction)  # type: ignore[arg-type]
    gated = gate_graph(view, validate)
    key = document_key(article)  # type: ignore[arg-type]
    return {str(iri(key)): gated.clean, quarantine_graph(key): gated.quarantined}


# ------------------------------------------------------------------ serving and load
def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: Path) -> tuple[str, subprocess.Popen]:
    import httpx

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store", str(store),
                             "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"kg serve exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return base, proc
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("kg serve did not start within 120 s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def p50_interleaved(bases: dict[int, str], route: str, n: int, timeout: float) -> dict[int, tuple[float, int]]:
    """Per size: the median seconds of ``n`` requests (after 3 warm-ups each), the sizes in turn."""
    import httpx

    times: dict[int, list[float]] = {s: [] for s in bases}
    status: dict[int, int] = {}
    slow: set[int] = set()
    with httpx.Client(timeout=timeout) as client:
        for i in range(n + 3):
            for size, base in bases.items():
                if size in slow:
                    continue
                t = time.perf_counter()
                r = client.get(base + route)
                elapsed = time.perf_counter() - t
                status[size] = r.status_code
                if i >= 3:
                    times[size].append(elapsed)
                    if elapsed > timeout / 2:  # too slow to repeat: one measure is enough
                        slow.add(size)
    return {s: (statistics.median(ts), status[s]) for s, ts in times.items()}


WRK_RPS = re.compile(r"Requests/sec:\s*([\d.]+)")


def throughput(base: str, route: str, duration: float) -> float:
    """Requests/s with CONNECTIONS connections: wrk when installed, else an async generator."""
    wrk = shutil.which("wrk")
    if wrk:
        out = subprocess.run([wrk, "-t2", f"-c{CONNECTIONS}", f"-d{max(1, round(duration))}s",
                              "--timeout", "30s", base + route], capture_output=True, text=True).stdout
        m = WRK_RPS.search(out)
        if m and "Non-2xx" not in out:
            return float(m.group(1))
        if m:
            return 0.0
    return asyncio.run(_async_load(base + route, duration))


async def _async_load(url: str, duration: float) -> float:
    import httpx

    done = 0
    deadline = time.perf_counter() + duration
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=CONNECTIONS)) as client:
        async def one() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                r = await client.get(url)
                if r.status_code == 200:
                    done += 1

        start = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(CONNECTIONS)))
        return done / (time.perf_counter() - start)


# ------------------------------------------------------------------ report
def table(results: dict[int, dict], sizes: list[int]) -> str:
    base = sizes[0]
    head = "| route | " + " | ".join(f"{s:,} p50" for s in sizes) + " | " + \
           " | ".join(f"{s:,} req/s" for s in sizes) + " |"
    lines = [head, "| --- |" + " ---: |" * (2 * len(sizes))]
    for route in ROUTES:
        cells = []
        for s in sizes:
            r = results[s]["routes"][route]
            ms = r["p50_s"] * 1000
            growth = r["p50_s"] / results[base]["routes"][route]["p50_s"]
            cells.append(f"{ms:,.1f} ms" + ("" if s == base else f" ({growth:.2f}x)")
                         + ("" if r["status"] == 200 else f" [{r['status']}]"))
        for s in sizes:
            rps = results[s]["routes"][route]["rps"]
            cells.append("–" if rps is None else f"{rps:,.0f}")
        lines.append(f"| `{route}` | " + " | ".join(cells) + " |")
    quads = ", ".join(f"{s:,}: {results[s]['quads']:,} quads" for s in sizes)
    return "\n".join(lines) + f"\n\nStores: {quads}."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="30,300,3000,30000",
                        help="comma-separated store sizes in articles (default 30,300,3000,30000)")
    parser.add_argument("--requests", type=int, default=21, help="sequential requests per route for p50")
    parser.add_argument("--duration", type=float, default=5, help="seconds of load per route for req/s")
    parser.add_argument("--no-load", action="store_true", help="p50 only, no requests/s")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help="JSONL articles whose real extractions seed the generator")
    parser.add_argument("--validate", action="store_true", help="pass every article through the SHACL gate")
    parser.add_argument("--sequential-max", type=int, default=300,
                        help="stores up to this size are written article by article (store_document); larger "
                             "ones in batches of documents, then the corpus graphs computed once by "
                             "kg.derive.derive (the same result: the layout is order-independent)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the stores even if cached")
    parser.add_argument("--refresh", action="store_true", help="re-extract the source articles")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per request at most")
    parser.add_argument("--routes", help="comma-separated subset of the routes")
    args = parser.parse_args(argv)
    try:
        sizes = sorted({int(s.replace("_", "").replace(",", "")) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        parser.error(f"--sizes takes numbers separated by commas, not {args.sizes!r}")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes needs at least one positive size")
    if args.routes:
        wanted = [r.strip() for r in args.routes.split(",")]
        ROUTES[:] = [r for r in ROUTES if r in wanted] or ROUTES
    if not args.source.exists():
        parser.error(f"{args.source} is not there (--source)")

    extractions = dev_extractions(args.source, args.refresh)
    results: dict[int, dict] = {}
    paths: dict[int, Path] = {}
    for size in sizes:
        t = time.perf_counter()
        paths[size], meta = build_store(size, extractions, args.seed, args.validate, args.rebuild,
                                        bulk=size > args.sequential_max)
        results[size] = {**meta, "routes": {}}
        print(f"store of {size:,} articles: {meta['quads']:,} quads (built in {meta['build_s']} s, "
              f"ready in {time.perf_counter() - t:.0f} s)", file=sys.stderr, flush=True)
    # one server per size, all at once: the requests of the sizes take turns, so the noise of a
    # shared machine falls on every size alike
    servers = {}
    try:
        for size in sizes:
            servers[size] = start_server(paths[size])
        for route in ROUTES:
            medians = p50_interleaved({s: b for s, (b, _) in servers.items()}, route, args.requests, args.timeout)
            for size in sizes:
                median, status = medians[size]
                rps = None if args.no_load else throughput(servers[size][0], route, args.duration)
                results[size]["routes"][route] = {"p50_s": median, "status": status, "rps": rps}
                print(f"  {size:,} {route}: p50 {median * 1000:.1f} ms, "
                      f"{'-' if rps is None else f'{rps:.0f}'} req/s", file=sys.stderr, flush=True)
    finally:
        for _, proc in servers.values():
            stop_server(proc)
    print(table(results, sizes))
    OUT.mkdir(parents=True, exist_ok=True)
    record = OUT / f"scale-{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    record.write_text(json.dumps({"code": code_version(), "sizes": sizes, "connections": CONNECTIONS,
                                  "wrk": bool(shutil.which("wrk")), "results": results}, indent=1))
    print(f"\n(record: {record.relative_to(ROOT)})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
