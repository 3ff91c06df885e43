"""The benchmark scripts run and their corpus is reproducible (no timing assertions)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
DEV = ROOT.parent / "shared" / "corpus" / "dev.jsonl"

pytestmark = pytest.mark.skipif(not DEV.exists(), reason=f"{DEV} is not there")


def bench_corpus():  # type: ignore[no-untyped-def]
    """bench/corpus.py as a module (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_corpus", BENCH / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_corpus_is_deterministic_and_valid() -> None:
    corpus = bench_corpus()
    make_corpus = corpus.make_corpus

    first = make_corpus(20, seed=1)
    assert first == make_corpus(20, seed=1)
    assert first != make_corpus(20, seed=2)
    assert len(first) == 20
    assert len({a["id"] for a in first}) == 20
    for a in first:
        assert set(a) == {"id", "title", "published", "source", "text"}
        assert a["text"].strip() and a["title"].strip()
        assert dt.date.fromisoformat(a["published"]).isoformat() == a["published"]
        assert len(a["text"].split()) <= corpus.MAX_WORDS


def test_corpus_file_is_byte_identical_across_processes(tmp_path: Path) -> None:
    outs = []
    for hashseed in ("1", "2"):
        out = tmp_path / f"corpus-{hashseed}.jsonl"
        result = subprocess.run(
            [sys.executable, str(BENCH / "corpus.py"), "--n", "20", "--seed", "1", "-o", str(out)],
            capture_output=True, text=True, timeout=300, cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": hashseed})
        assert result.returncode == 0, result.stderr
        assert "20 articles" in result.stdout
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert len(outs[0].decode("utf-8").splitlines()) == 20


def test_ingest_bench_writes_a_record(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH / "ingest.py"), "--n", "5", "--out-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    records = list(tmp_path.glob("ingest-*.json"))
    assert len(records) == 1
    record = json.loads(records[0].read_text())
    assert record["articles"] == 5 and record["words"] > 0
    assert record["baseline"]["words_per_s"] > 0
    assert record["ingest"]["words_per_s"] > 0
    assert record["ingest"]["stored"] == 5
    assert record["ratio"] == pytest.approx(
        record["ingest"]["words_per_s"] / record["baseline"]["words_per_s"])
    assert "ratio ingest/baseline" in result.stdout
