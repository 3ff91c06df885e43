"""`kg ingest --workers 2` against `--workers 1`, on the same articles, in the same run.

    python bench/workers.py [--n 2000] [--corpus FILE]

The issue's bar is a speed-up of at least 1.5 on the 2,000-article benchmark
corpus (bench/corpus.py). Prints both times and the ratio, and writes
bench/out/workers-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ingest import DEFAULT_OUT_DIR, bench_ingest, git_commit, load_articles  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="articles (default 2000)")
    ap.add_argument("--corpus", type=Path, default=None, help="JSONL articles (default: bench/corpus.py)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    args = ap.parse_args(argv)
    rows = load_articles(args.corpus, args.n, args.seed)
    words = sum(len(r["text"].split()) for r in rows)
    print(f"{len(rows)} articles, {words} words", flush=True)
    one = bench_ingest(rows, 1)
    print(f"  --workers 1: {one['seconds']:.1f} s", flush=True)
    two = bench_ingest(rows, 2)
    print(f"  --workers 2: {two['seconds']:.1f} s", flush=True)
    speedup = one["seconds"] / two["seconds"]
    print(f"speed-up with 2 workers: {speedup:.2f} (bar 1.5)")
    now = dt.datetime.now()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    out = args.out_dir / f"workers-{now:%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps({"bench": "workers", "timestamp": now.isoformat(timespec="seconds"),
                               "commit": git_commit(), "articles": len(rows), "words": words,
                               "workers_1_seconds": one["seconds"], "workers_2_seconds": two["seconds"],
                               "speedup": speedup}, indent=2) + "\n", encoding="utf-8")
    print(f"record: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
