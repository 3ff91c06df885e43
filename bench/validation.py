"""What the SHACL gate costs `kg ingest`: gate on vs gate off, in the same run.

    python bench/validation.py [--corpus FILE] [--repeat 3]

Default corpus: the dev articles (../shared/corpus/dev.jsonl). Each repeat
ingests the corpus into a fresh store twice, gate off then on, and the
medians give the ratio on/off; the issue's bound is 1.25. Prints a table and
writes bench/out/validation-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ingest import DEFAULT_OUT_DIR, bench_ingest, git_commit  # noqa: E402

DEV = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev.jsonl"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEV, help="JSONL articles (default: the dev corpus)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each (default 3)")
    ap.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    args = ap.parse_args(argv)
    if not args.corpus.is_file():
        ap.error(f"no corpus at {args.corpus}")
    rows = [json.loads(line) for line in args.corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [{k: v for k, v in row.items() if k != "gold"} for row in rows]
    off: list[float] = []
    on: list[float] = []
    for i in range(args.repeat):
        off.append(bench_ingest(rows, 1, validate=False)["seconds"])
        on.append(bench_ingest(rows, 1, validate=True)["seconds"])
        print(f"  run {i + 1}: gate off {off[-1]:.2f} s, gate on {on[-1]:.2f} s", flush=True)
    ratio = statistics.median(on) / statistics.median(off)
    print(f"{len(rows)} articles; median gate off {statistics.median(off):.2f} s, "
          f"gate on {statistics.median(on):.2f} s; ratio on/off {ratio:.3f} (bound 1.25)")
    now = dt.datetime.now()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    out = args.out_dir / f"validation-{now:%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps({"bench": "validation", "timestamp": now.isoformat(timespec="seconds"),
                               "commit": git_commit(), "corpus": str(args.corpus), "articles": len(rows),
                               "gate_off_seconds": off, "gate_on_seconds": on, "ratio": ratio},
                              indent=2) + "\n", encoding="utf-8")
    print(f"record: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
