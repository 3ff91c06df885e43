"""What one more article costs in a big store against an empty one (issue 10, point 4).

    .venv/bin/python bench/one_article.py                 # stores of 0 and 3,000 articles
    .venv/bin/python bench/one_article.py --n 300 --probes 15

The big store is filled with the extractions of the dev corpus (``../shared/corpus/dev.jsonl``)
stored again and again under new ids, through the real mapping and store code (spaCy runs once
per dev article). Every copy names the same entities and claims the same partnerships (the worst
case for those: their claims grow with the store); its events are moved in time (copy k: day
dates k weeks later, months k months, years k years) and its figures raised by k, so they are
other events, as in a real feed. ``--same-events`` keeps them as they are: then every event is
told by every copy and its cluster grows with the store. Then, in the empty store and in the big
one, the same probe articles (dev articles under new ids) are stored one at a time and timed:

* ``store``: :func:`kg.ingest.store_document` (mapping, SHACL gate, write, corpus graphs), the
  part that can grow with the store;
* ``ingest``: :func:`kg.ingest.ingest` of the article, extraction included (what a user waits for).

Printed: the median of each, and the ratio big / empty (the target is at most 1.5).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.ingest import ensure_ontology, ingest, store_document  # noqa: E402
from kg.model import Article  # noqa: E402
from kg.store import EmbeddedStore  # noqa: E402

DEV = ROOT.parent / "shared" / "corpus" / "dev.jsonl"


def load(path: Path) -> list[Article]:
    fields = {"text", "title", "published", "url", "source", "id"}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Article(**{k: v for k, v in row.items() if k in fields}) for row in rows]


def renamed(article: Article, ident: str) -> Article:
    return Article(text=article.text + f"\n\n[{ident}]", title=article.title, published=article.published,
                   url=None, source=article.source, id=ident)


def shifted(extraction, k: int):  # type: ignore[no-untyped-def]
    """The extraction with its events moved k weeks (months, years) on and their figures raised."""
    import copy
    import datetime as dt

    out = copy.deepcopy(extraction)
    for event in out.events:
        d = event.date
        if d and len(d) == 10:
            event.date = (dt.date.fromisoformat(d) + dt.timedelta(weeks=k)).isoformat()
        elif d and len(d) == 7:
            months = int(d[:4]) * 12 + int(d[5:]) - 1 + k
            event.date = f"{months // 12:04d}-{months % 12 + 1:02d}"
        elif d:
            event.date = f"{int(d) + k:04d}"
        for casualty in event.casualties:
            casualty.count += k
    return out


def probe(store: EmbeddedStore, extracted, probes: int, tag: str) -> tuple[list[float], list[float]]:
    stored, ingested = [], []
    for i in range(probes):
        article, extraction = extracted[i % len(extracted)]
        t = time.perf_counter()
        store_document(store, renamed(article, f"probe-{tag}-store-{i}"), extraction)
        stored.append(time.perf_counter() - t)
        t = time.perf_counter()
        ingest(store, [renamed(article, f"probe-{tag}-ingest-{i}")])
        ingested.append(time.perf_counter() - t)
    return stored, ingested


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=3000, help="articles in the big store")
    parser.add_argument("--probes", type=int, default=14, help="articles timed in each store")
    parser.add_argument("--source", type=Path, default=DEV)
    parser.add_argument("--same-events", action="store_true", help="copies tell the same events")
    args = parser.parse_args(argv)

    from kg.extract.pipeline import Extractor

    articles = load(args.source)
    extractor = Extractor()
    extracted = [(a, e) for a, e, failure, _ in extractor.extract_many(articles) if e is not None]

    empty = EmbeddedStore(None)
    ensure_ontology(empty)
    probe(empty, extracted, 2, "warm")  # the model and the shapes loaded, caches warm
    empty = EmbeddedStore(None)
    ensure_ontology(empty)
    small = probe(empty, extracted, args.probes, "empty")

    big = EmbeddedStore(None)
    ensure_ontology(big)
    t = time.perf_counter()
    for i in range(args.n):
        article, extraction = extracted[i % len(extracted)]
        copy = i // len(extracted) + 1
        store_document(big, renamed(article, f"fill-{i}"),
                       extraction if args.same_events else shifted(extraction, copy), validate=False)
        if (i + 1) % 250 == 0:
            print(f"  {i + 1} articles, {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
    fill = time.perf_counter() - t
    large = probe(big, extracted, args.probes, "big")

    print(f"big store: {args.n} articles, {len(big.ox)} quads, filled in {fill:.0f} s "
          f"({1000 * fill / max(args.n, 1):.1f} ms an article)")
    for name, a, b in (("store", small[0], large[0]), ("ingest", small[1], large[1])):
        ma, mb = statistics.median(a), statistics.median(b)
        print(f"{name:7s} empty {1000 * ma:8.1f} ms   big {1000 * mb:8.1f} ms   ratio {mb / ma:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
