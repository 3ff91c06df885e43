"""Shared fixtures: the real CLI, the real spaCy model, stores on disk."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
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


# ------------------------------------------------------------ tiers
# `make test-fast` (pytest -m "not slow") runs the mechanisms and units: no spaCy model, no
# server, no subprocess. A test is slow when its module is below, or when it uses (directly or
# through other fixtures) one of the fixtures below; the guard after them fails a test of the
# fast tier that loads the model or starts a process anyway, so a missing entry shows.

#: modules whose tests run the CLI, a server or the model in their own bodies
SLOW_MODULES = {
    "test_abuse", "test_api", "test_bench", "test_cli", "test_cli_errors", "test_cluster", "test_package",
    "test_pages", "test_quality", "test_remote", "test_rest", "test_sparql_protocol", "test_validation",
    "test_workbench", "test_corpus",
}
#: fixtures (by defining module, conftest for these shared ones) that load the model, start a
#: server or run the CLI
SLOW_FIXTURES = {
    "conftest": {"dev_store", "dev_eval", "oxigraph_server", "virtuoso"},
    "test_dates": {"nlp", "extractor"},  # extractor: the model through kg.extract.pipeline.Extractor
    "test_numbers": {"nlp"},
    "test_extract": {"extractor"},
    "test_places": {"read"},
}


def _module(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _is_slow(item: pytest.Item) -> bool:
    if _module(item.module.__name__) in SLOW_MODULES:  # type: ignore[attr-defined]
        return True
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    for name, defs in info.name2fixturedefs.items():
        if any(name in SLOW_FIXTURES.get(_module(d.func.__module__), ()) for d in defs):
            return True
    return False


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """In the fast tier the slow modules are not even imported (their imports cost seconds)."""
    if config.getoption("markexpr", "") == "not slow" and collection_path.stem in SLOW_MODULES:
        return True
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _is_slow(item):
            item.add_marker(pytest.mark.slow)


class FastTierViolation(RuntimeError):
    pass


def _refuse(who: str, what: str):  # type: ignore[no-untyped-def]
    def call(*args: object, **kwargs: object) -> None:
        raise FastTierViolation(f"{who} {what} but is not marked slow "
                                "(tests/conftest.py: SLOW_MODULES, SLOW_FIXTURES)")
    return call


def _guard(patch, who: str) -> None:  # type: ignore[no-untyped-def]
    import spacy.util

    patch(spacy.util, "load_model_from_path", _refuse(who, "loads a spaCy model"))
    patch(subprocess, "Popen", _refuse(who, "starts a process"))


@pytest.fixture(scope="session", autouse=True)
def _fast_tier_session_guard(request: pytest.FixtureRequest) -> Iterator[None]:
    """In the fast tier (-m "not slow") nothing may load the model or start a process, fixtures of
    any scope included."""
    if request.config.getoption("markexpr", "") != "not slow":
        yield
        return
    with pytest.MonkeyPatch.context() as mp:
        _guard(mp.setattr, "a test or fixture of the fast tier")
        yield


@pytest.fixture(autouse=True)
def _fast_tier_guard(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test outside the slow tier may neither load a spaCy model from disk nor start a process
    (in a full run too)."""
    if request.node.get_closest_marker("slow") is None:
        _guard(monkeypatch.setattr, request.node.nodeid)
