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


# ------------------------------------------------------------ remote stores
OXIGRAPH = Path(sys.executable).with_name("oxigraph")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OxigraphServer:
    """``oxigraph serve`` on 127.0.0.1 and a free port, over a folder; stop() and start() again."""

    def __init__(self, location: Path) -> None:
        self.location = location
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def args(self) -> list[str]:
        """The three URLs as `kg` options."""
        return ["--store", f"{self.base}/query", "--update-url", f"{self.base}/update",
                "--graph-store-url", f"{self.base}/store"]

    @property
    def env(self) -> dict[str, str]:
        """The three URLs as environment variables."""
        return {"KG_STORE": f"{self.base}/query", "KG_UPDATE_URL": f"{self.base}/update",
                "KG_GRAPH_STORE_URL": f"{self.base}/store"}

    def start(self) -> OxigraphServer:
        import socket
        import time

        self.process = subprocess.Popen(
            [str(OXIGRAPH), "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited with {self.process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("oxigraph serve did not start within 30 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


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
