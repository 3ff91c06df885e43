"""Shared fixtures: the real CLI, the real spaCy model, stores on disk."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEV = SHARED / "corpus" / "dev.jsonl"
SEED = ROOT / "samples" / "seed-niger.txt"
KG = [sys.executable, "-m", "kg.cli"]


def run_kg(*args: str, env: dict[str, str] | None = None, timeout: float = 600,
           input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run the ``kg`` command line as a user would, in a fresh process."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("KG_STORE", None) if env is None or "KG_STORE" not in env else None
    return subprocess.run([*KG, *args], capture_output=True, timeout=timeout, env=full_env,
                          input=input, cwd=ROOT)


@pytest.fixture(scope="session")
def dev_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dev corpus ingested once into an embedded store."""
    if not DEV.exists():
        pytest.skip(f"{DEV} is not there")
    store = tmp_path_factory.mktemp("dev") / "store"
    result = run_kg("ingest", str(DEV), "--store", str(store), "--quiet")
    assert result.returncode == 0, result.stderr.decode()
    return store


@pytest.fixture(scope="session")
def dev_eval() -> dict:
    """`kg eval` figures on the dev corpus, computed once."""
    import json

    result = run_kg("eval", str(DEV), "--json")
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)
