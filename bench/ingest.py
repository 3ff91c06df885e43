"""Ingest throughput against bare spaCy, measured in one run on the same texts.

    python bench/ingest.py [--n 200] [--workers 1] [--corpus FILE] [--seed 7]

(a) baseline: ``load_model().pipe(texts, batch_size=64, n_process=workers)``,
    the bare ``en_core_web_sm`` pipeline and nothing else;
(b) ingest: :func:`kg.ingest.ingest` of the same articles into a fresh
    :class:`kg.store.EmbeddedStore` in a temporary folder, end to end: our
    gazetteer component, the extraction rules, RDF mapping, the store writes,
    the ontology graph and the derived-graph update.

Both are reported in words/s (whitespace-separated words of the article
texts) and the ratio ingest/baseline is the figure to compare across
machines and commits. Model loading is done before either clock starts (each
is warmed up on one sentence) and reported separately. A JSON record goes to
``bench/out/ingest-<timestamp>.json``.

Without ``--corpus`` the articles are the first ``--n`` of
``bench/corpus.py``'s corpus for ``--seed`` (generated in memory, the same
articles as ``python bench/corpus.py --seed SEED``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for p in (ROOT, BENCH):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

DEFAULT_OUT_DIR = BENCH / "out"
BASELINE_BATCH = 64


def load_articles(corpus: Path | None, n: int, seed: int) -> list[dict]:
    if corpus is None:
        from corpus import make_corpus

        return make_corpus(n, seed)
    rows = []
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
                if len(rows) == n:
                    break
    return rows


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                             capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def bench_baseline(texts: list[str], workers: int, batch_size: int = BASELINE_BATCH) -> dict:
    from kg.extract.pipeline import load_model

    t0 = time.perf_counter()
    nlp = load_model()
    nlp("Warm-up sentence for the model.")
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    tokens = 0
    for doc in nlp.pipe(texts, batch_size=batch_size, n_process=workers):
        tokens += len(doc)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "load_seconds": load_s, "tokens": tokens, "batch_size": batch_size,
            "pipes": list(nlp.pipe_names)}


def bench_ingest(rows: list[dict], workers: int, validate: bool = True) -> dict:
    from kg.errors import InputError
    from kg.extract.gazetteer import load_gazetteer
    from kg.extract.pipeline import build_nlp
    from kg.ingest import ingest
    from kg.readers import article_from_obj
    from kg.store import EmbeddedStore

    articles = [article_from_obj(row, f"bench:{i + 1}") for i, row in enumerate(rows)]
    t0 = time.perf_counter()
    nlp = build_nlp()  # cached: the Extractor inside ingest() reuses it
    nlp("Warm-up sentence in Niamey, Niger.")
    load_gazetteer()
    load_s = time.perf_counter() - t0
    tmp = tempfile.mkdtemp(prefix="kg-bench-")
    errors: list[InputError] = []
    try:
        store = EmbeddedStore(Path(tmp) / "store")
        try:
            t0 = time.perf_counter()
            summary = ingest(store, articles, workers=workers, on_error=errors.append, validate=validate)
            if hasattr(store, "flush"):
                store.flush()
            seconds = time.perf_counter() - t0
        finally:
            store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if errors:
        raise SystemExit(f"bench: ingest rejected {len(errors)} article(s): {errors[0]}")
    if summary.stored != len(articles):
        raise SystemExit(f"bench: ingest stored {summary.stored} of {len(articles)} articles")
    return {"seconds": seconds, "load_seconds": load_s, "pipes": list(nlp.pipe_names),
            "stored": summary.stored, "triples": summary.triples, "entities": summary.entities,
            "events": summary.events, "partnerships": summary.partnerships,
            "quads_after": summary.quads_after}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200, help="articles to process (default 200)")
    ap.add_argument("--workers", type=int, default=1,
                    help="spaCy n_process, for both the baseline and ingest (default 1)")
    ap.add_argument("--corpus", type=Path, default=None,
                    help="JSONL articles (default: bench/corpus.py's corpus, made in memory)")
    ap.add_argument("--baseline-batch", type=int, default=BASELINE_BATCH,
                    help=f"nlp.pipe batch_size of the baseline (default {BASELINE_BATCH})")
    ap.add_argument("--seed", type=int, default=7, help="corpus seed without --corpus (default 7)")
    ap.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR,
                    help="where the JSON record goes (default bench/out)")
    args = ap.parse_args(argv)
    if min(args.n, args.workers, args.baseline_batch) < 1:
        ap.error("--n, --workers and --baseline-batch must be at least 1")
    if args.corpus is not None and not args.corpus.is_file():
        ap.error(f"no corpus at {args.corpus}")

    rows = load_articles(args.corpus, args.n, args.seed)
    texts = [r["text"] for r in rows]
    words = sum(len(t.split()) for t in texts)
    print(f"{len(rows)} articles, {words} words, workers={args.workers}, "
          f"{os.cpu_count()} cores", flush=True)

    base = bench_baseline(texts, args.workers, args.baseline_batch)
    base["words_per_s"] = words / base["seconds"]
    print(f"  baseline done in {base['seconds']:.1f} s", flush=True)
    ing = bench_ingest(rows, args.workers)
    ing["words_per_s"] = words / ing["seconds"]
    print(f"  ingest done in {ing['seconds']:.1f} s", flush=True)
    ratio = ing["words_per_s"] / base["words_per_s"]

    print()
    print(f"{'':<10} {'seconds':>9} {'words/s':>10} {'load s':>8}")
    for name, r in (("baseline", base), ("ingest", ing)):
        print(f"{name:<10} {r['seconds']:>9.2f} {r['words_per_s']:>10,.0f} {r['load_seconds']:>8.2f}")
    print(f"ratio ingest/baseline: {ratio:.3f}  (baseline is {1 / ratio:.2f}x faster)")

    import spacy

    now = dt.datetime.now()
    record = {
        "bench": "ingest",
        "timestamp": now.isoformat(timespec="seconds"),
        "commit": git_commit(),
        "machine": {"cores": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(), "spacy": spacy.__version__},
        "corpus": str(args.corpus) if args.corpus else f"bench/corpus.py --seed {args.seed}",
        "articles": len(rows),
        "words": words,
        "workers": args.workers,
        "baseline": base,
        "ingest": ing,
        "ratio": ratio,
    }
    args.out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"ingest-{now:%Y%m%dT%H%M%S}"
    out = args.out_dir / f"{stem}.json"
    k = 1
    while out.exists():
        k += 1
        out = args.out_dir / f"{stem}-{k}.json"
    out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"record: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
