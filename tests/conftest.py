"""Shared fixtures: the real CLI, the real spaCy model, stores on disk."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import ISQL, OXIGRAPH, VIRTUOSO, VIRTUOSO_INI, OxigraphServer, VirtuosoServer

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


# ------------------------------------------------------------ remote stores
@pytest.fixture
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A factory: ``oxigraph_server()`` starts a fresh Oxigraph server; all are stopped afterwards."""
    if not OXIGRAPH.exists():
        pytest.skip("the oxigraph server (PyPI package `oxigraph`) is not installed")
    servers: list[OxigraphServer] = []

    def start(location: Path | None = None) -> OxigraphServer:
        server = OxigraphServer(location or tmp_path_factory.mktemp("oxigraph") / "db")
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One Virtuoso server (Debian's virtuoso-opensource, `make virtuoso`) for the session."""
    if not (VIRTUOSO and ISQL and VIRTUOSO_INI.exists()):
        pytest.skip("Virtuoso is not installed (make virtuoso)")
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    try:
        yield server.start()
    finally:
        server.stop()
