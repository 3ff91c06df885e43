"""Real servers for the HTTP tests: `kg serve`, `oxigraph serve`, Debian's Virtuoso, and a small
authenticating reverse proxy. Each on 127.0.0.1 and free ports, started and stopped by the tests."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(ready: Callable[[], bool], process: subprocess.Popen[bytes], what: str,
               timeout: float = 60) -> None:
    """Poll ``ready`` until it is true; fail if ``process`` exits or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with status {process.returncode}")
        try:
            if ready():
                return
        except (OSError, httpx.TransportError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {timeout:g} s")


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


# ------------------------------------------------------------------ kg serve
def start_server(store: Path | str, env: dict[str, str] | None = None,
                 args: Sequence[str] = ()) -> tuple[str, subprocess.Popen[bytes]]:
    """`kg serve --store STORE ARGS…` on a free port, once /health answers; the environment's KG_*
    settings are replaced by ``env``."""
    port = free_port()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    full_env.update(env or {})
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store", str(store), *args,
                             "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=full_env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: httpx.get(f"{base}/health", timeout=1).status_code == 200, proc, "kg serve")
    except RuntimeError as exc:
        proc.kill()
        pytest.fail(f"{exc}: {proc.stderr.read().decode() if proc.stderr else ''}")
    return base, proc


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    stop_process(proc)


# ------------------------------------------------------------ oxigraph serve
OXIGRAPH = Path(sys.executable).with_name("oxigraph")


def port_open(port: int) -> bool:
    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    return True


class LocalServer:
    """A server process of ours on 127.0.0.1 and a free HTTP port; stop() and start() again."""

    def __init__(self) -> None:
        self.http_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
        self.process = None


class OxigraphServer(LocalServer):
    """``oxigraph serve`` over a folder."""

    def __init__(self, location: Path) -> None:
        super().__init__()
        self.location = location

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
        self.process = subprocess.Popen(
            [str(OXIGRAPH), "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.http_port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: port_open(self.http_port), self.process, "oxigraph serve", timeout=30)
        return self


# ------------------------------------------------------------------ Virtuoso
VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
#: the settings of the Debian configuration that name files; each is moved into the server's folder
_VIRTUOSO_FILES = re.compile(r"^(DatabaseFile|TransactionFile|ErrorLogFile|LockFile|xa_persistent_file)"
                             r"(\s*=\s*).*/([^/\s]+)\s*$", re.M)


class VirtuosoServer(LocalServer):
    """Debian's ``virtuoso-t`` over a fresh folder, its SQL and HTTP ports on 127.0.0.1 and free
    ports (version 7.2.5 has known denial-of-service bugs: loopback only).

    The configuration is Debian's ``virtuoso.ini`` with every database, log and lock file moved
    into the folder. Once it answers, SPARQL updates are granted to the anonymous ``/sparql``
    endpoint; ``/sparql-auth`` takes HTTP digest authentication for the users of :meth:`add_user`.
    """

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.sql_port = free_port()

    @property
    def url(self) -> str:
        """The anonymous SPARQL endpoint (queries and, once granted, updates)."""
        return f"{self.base}/sparql"

    @property
    def auth_url(self) -> str:
        """The SPARQL endpoint behind HTTP digest authentication."""
        return f"{self.base}/sparql-auth"

    def config(self) -> str:
        text, moved = _VIRTUOSO_FILES.subn(lambda m: f"{m[1]}{m[2]}{self.folder / m[3]}",
                                           VIRTUOSO_INI.read_text(encoding="utf-8"))
        text, ports = re.subn(r"^ServerPort(\s*=\s*)(1111|8890)\s*$",
                              lambda m: f"ServerPort{m[1]}127.0.0.1:"
                                        f"{self.sql_port if m[2] == '1111' else self.http_port}",
                              text, flags=re.M)
        if moved < 7 or ports != 2:
            raise RuntimeError(f"{VIRTUOSO_INI} is not laid out as Debian's: cannot move its files and ports")
        return text

    def start(self) -> VirtuosoServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(self.config(), encoding="utf-8")
        with open(self.folder / "virtuoso.out", "wb") as log:
            self.process = subprocess.Popen([str(VIRTUOSO), "+configfile", str(ini), "+foreground"],
                                            cwd=self.folder, stdout=log, stderr=subprocess.STDOUT)

        def answers() -> bool:
            return httpx.get(self.url, params={"query": "ASK {}"}, timeout=2).status_code == 200

        wait_until(answers, self.process, f"virtuoso-t (see {self.folder / 'virtuoso.out'})")
        self.isql('GRANT SPARQL_UPDATE TO "SPARQL"')
        return self

    def isql(self, statement: str) -> str:
        """Run one SQL statement as dba through ``isql-vt``; its output."""
        result = subprocess.run([str(ISQL), f"127.0.0.1:{self.sql_port}", "dba", "dba",
                                 f"exec={statement};"], capture_output=True, timeout=60)
        out = result.stdout.decode("utf-8", "replace") + result.stderr.decode("utf-8", "replace")
        if result.returncode != 0 or "*** Error" in out:
            raise RuntimeError(f"isql-vt {statement!r} failed: {out.strip()}")
        return out

    def add_user(self, name: str, password: str) -> None:
        """A SQL user that may query and update over ``/sparql-auth``."""
        self.isql(f"DB.DBA.USER_CREATE('{name}', '{password}')")
        self.isql(f'GRANT SPARQL_UPDATE TO "{name}"')


# ------------------------------------------------------- authenticating proxy
class AuthProxy:
    """A reverse proxy on 127.0.0.1 and a free port that forwards to ``target`` only requests that
    carry ``Authorization: <authorization>``, and answers any other with 401 and the challenge
    ``WWW-Authenticate: <challenge>``. A stand-in for a server's own HTTP basic or bearer
    authentication (Fuseki, GraphDB, Stardog, …) where none of the servers tested has it.
    """

    def __init__(self, target: str, authorization: str, challenge: str) -> None:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server names
                self.forward()

            def do_POST(self) -> None:  # noqa: N802
                self.forward()

            def forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.seen.append(self.headers.get("Authorization"))
                if self.headers.get("Authorization") != authorization:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", challenge)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() in ("accept", "content-type")}
                answer = httpx.request(self.command, target + self.path, content=body, headers=headers,
                                       timeout=60)
                self.send_response(answer.status_code)
                self.send_header("Content-Type", answer.headers.get("content-type", "text/plain"))
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def log_message(self, *args: object) -> None:
                pass

        #: the Authorization header of every request received, in order (None: none sent)
        self.seen: list[str | None] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> AuthProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
