"""The wheel runs outside the checkout: build it, install it into a fresh venv, ingest and serve.

The fresh venv gets the wheel only (``pip install --no-deps``); its pinned dependencies come
from the checkout's ``.venv`` site-packages, added to ``sys.path`` by a ``.pth`` line (the
dependencies are the ones ``requirements.lock`` installed there; the checkout's own editable
``conflict-kg`` is not, since ``.pth`` files of a directory added that way are not run).
Every command runs with the working directory outside the checkout and asserts that ``kg``
and ``api`` were imported from the fresh venv, so a path into the repository cannot hide.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import sysconfig
import time
import venv
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

ARTICLE = """Gunmen attack army post in northern Mali

Gunmen attacked an army post near the town of Gao in northern Mali on Monday, killing four
soldiers, the army said in a statement. Two attackers were killed in the fighting.
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv (outside the checkout) with the freshly built wheel installed; its bin/ folder."""
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "stage_resources.py")], check=True, cwd=ROOT,
                   capture_output=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(ROOT)],
                   check=True, cwd=base, capture_output=True)
    wheels = list(dist.glob("conflict_kg-*.whl"))
    assert len(wheels) == 1, wheels
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "checkout-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheels[0])],
                   check=True, cwd=base, capture_output=True)
    return env_dir / "bin"


def _env(bindir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_") and k != "PYTHONPATH"}
    return {**env, "PATH": f"{bindir}{os.pathsep}{env.get('PATH', '')}"}


def test_the_wheel_imports_from_the_fresh_venv(installed: Path, tmp_path: Path) -> None:
    code = ("import kg, api, kg.resources as r, kg.ontology as o, kg.shacl as s;"
            "print(kg.__file__); print(api.__file__); print(o.ONTOLOGY_PATH); print(s.SHAPES_DIR); print(r.web_dir());"
            "o.ontology_turtle(); s.load_shapes()")
    out = subprocess.run([str(installed / "python"), "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env=_env(installed), timeout=300)
    assert out.returncode == 0, out.stderr
    venv_dir = str(installed.parent)
    lines = out.stdout.split()
    assert all(line.startswith(venv_dir) for line in lines), lines
    assert not any(line.startswith(str(ROOT)) for line in lines), lines
    for name in ("py.typed",):
        assert (Path(lines[0]).parent / name).is_file()
        assert (Path(lines[1]).parent / name).is_file()


def test_kg_ingest_and_serve_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "mali.txt").write_text(ARTICLE, encoding="utf-8")
    store = tmp_path / "store"
    env = _env(installed)
    kg = str(installed / "kg")
    ingest = subprocess.run([kg, "ingest", str(articles), "--published", "2024-03-04", "--store", str(store)],
                            capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600)
    assert ingest.returncode == 0, ingest.stderr
    port = _free_port()
    serve = subprocess.Popen([kg, "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        health = None
        while time.monotonic() < deadline and serve.poll() is None:
            try:
                health = httpx.get(f"{url}/health", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert health is not None and health.status_code == 200, serve.stderr.read() if serve.poll() else health
        assert health.json()["quads"] > 0
        home = httpx.get(f"{url}/", timeout=30)
        assert home.status_code == 200 and "<html" in home.text.lower()
        events = httpx.get(f"{url}/events", timeout=30, headers={"accept": "application/json"})
        assert events.status_code == 200
        # our own static files, the web libraries and a named query run from the installed copies
        assert httpx.get(f"{url}/static/style.css", timeout=30).status_code == 200
        lib = httpx.get(f"{url}/static/vendor/yasgui/yasgui.min.js", timeout=30)
        assert lib.status_code == 200 and len(lib.content) > 10_000
        assert httpx.get(f"{url}/workbench/vendor/countries-50m.json", timeout=30).status_code == 200
    finally:
        serve.terminate()
        serve.wait(timeout=30)
