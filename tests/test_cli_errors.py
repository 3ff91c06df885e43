"""The command line never surprises: every bad-usage case is one line on stderr and exit 2, with no
traceback; a store held by a running server names it and the ways to add articles through it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import DEV, ROOT, SEED, run_kg
from tests.servers import start_server, stop_server

TOKEN = "cli-test-token"


def one_line_error(result: subprocess.CompletedProcess[bytes], code: int = 2) -> str:
    err = result.stderr.decode()
    assert result.returncode == code, (result.returncode, err)
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("kg: error: "), err
    return lines[0]


# Every one-shot error case of issue 14: exit code, one line on stderr, no traceback, no store left
# behind. "{tmp}" is the test's folder, which holds pdfs/ (a folder of .pdf and .docx only). The
# cases that need a running server, a busy port or a signal are the tests below the table.
@pytest.mark.parametrize(("args", "env", "code", "says"), [
    (("export", "--format", "xml"), None, 2, "'xml' is not one of"),
    (("frobnicate",), None, 2, "No such command 'frobnicate'"),
    (("ingest",), None, 2, "Missing argument"),
    (("query", "SELECT * WHERE { ?s ?p ?o }", "--format", "yaml", "--store", "{tmp}/store"), None, 2, "--format"),
    (("ingest", "samples", "--workers", "0"), None, 2, "--workers"),
    (("serve", "--port", "99999", "--store", "{tmp}/store"), None, 2, "is not a port"),
    (("serve", "--store", "{tmp}/store"), {"KG_PORT": "eighty"}, 2, "bad setting KG_PORT='eighty'"),
    (("query", "--store", "{tmp}/store"), None, 2, "give a query"),
    (("ingest", "{tmp}/nowhere.jsonl", "--store", "{tmp}/store"), None, 2, "nowhere.jsonl: no such file or folder"),
    (("ingest", "{tmp}/pdfs", "--store", "{tmp}/store"), None, 2, "3 file(s) of a type not read (1 .docx, 2 .pdf"),
    (("serve", "--port", "1", "--store", "{tmp}/store"), {"KG_ONTOLOGY_DIR": "/nonexistent-ontology"}, 3,
     "conflict-kg.ttl is missing"),
    (("serve", "--port", "1", "--store", "{tmp}/store"), {"KG_SHAPES_DIR": "/nonexistent-shapes"}, 3,
     "/nonexistent-shapes is missing"),
    (("ingest", str(SEED), "--store", "{tmp}/store"), {"KG_ONTOLOGY_DIR": "/nonexistent-ontology"}, 3,
     "conflict-kg.ttl is missing"),
], ids=["format", "command", "argument", "query-format", "workers", "port-range", "setting", "no-query",
        "missing-path", "unsupported-folder", "serve-ontology", "serve-shapes", "ingest-ontology"])
def test_every_error_is_one_line_with_its_exit_code(args, env, code, says, tmp_path):
    """Bad usage and bad input: exit 2; an installation without its ontology or shapes is our defect,
    not the user's: exit 3, checked before anything is served or stored."""
    (tmp_path / "pdfs").mkdir()
    for name in ("report.pdf", "annex.pdf", "brief.docx"):
        (tmp_path / "pdfs" / name).write_bytes(b"%PDF-1.4 not an article")
    line = one_line_error(run_kg(*(a.replace("{tmp}", str(tmp_path)) for a in args), env=env, timeout=120),
                          code=code)
    assert says in line, line
    if code == 2 and args[0] not in ("serve", "query") and "{tmp}" not in "".join(args):
        assert "(see 'kg" in line, line  # a parser's usage error points at the command's --help
    assert not (tmp_path / "store").exists(), "an error leaves no store behind"


def test_an_internal_error_is_one_line_exit_3_and_debug_shows_the_traceback(tmp_path):
    """A defect of ours (here an ontology file that is not Turtle): exit 3, one line that points at
    --debug; `kg --debug` shows the traceback."""
    ontology = tmp_path / "ontology"
    ontology.mkdir()
    (ontology / "conflict-kg.ttl").write_text("this is @@ not turtle\n", "utf-8")
    data = tmp_path / "niger.ttl"
    data.write_text("@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .\n"
                    "<https://w3id.org/conflict-kg/id/state/niger> a ckg:State .\n", "utf-8")
    env = {"KG_ONTOLOGY_DIR": str(ontology)}
    result = run_kg("load", str(data), "--store", str(tmp_path / "store"), env=env, timeout=120)
    err = result.stderr.decode()
    assert result.returncode == 3 and "Traceback" not in err, (result.returncode, err)
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("kg: internal error: "), err
    assert "run again with --debug for the traceback" in lines[0]
    debug = run_kg("--debug", "load", str(data), "--store", str(tmp_path / "store"), env=env, timeout=120)
    assert debug.returncode == 3 and "Traceback (most recent call last)" in debug.stderr.decode()


def test_serve_on_a_missing_store_says_it_serves_a_new_one(tmp_path):
    store = tmp_path / "new-store"
    base, proc = start_server(store)
    try:
        assert httpx.get(f"{base}/health", timeout=30).status_code == 200
    finally:
        stop_server(proc)
    err = proc.stderr.read().decode() if proc.stderr else ""
    assert f"kg: no store at {store}: serving a new, empty one" in err and "POST /documents" in err, err
    assert "Traceback" not in err


def test_the_progress_bar_says_it_loads_the_model_and_shows_rate_and_eta(tmp_path):
    """In a terminal (a pty here), the bar names the model-loading phase, then shows articles/s and
    the time remaining."""
    import os
    import pty
    import re
    import select

    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "160", "TERM": "xterm"}
    env.pop("KG_STORE", None)
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "ingest", str(ROOT / "samples" / "articles.jsonl"),
                             "--store", str(tmp_path / "store")], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([leader], [], [], 300)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the pty closes when the process ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait(timeout=60) == 0
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode("utf-8", "replace"))
    assert "loading the model" in screen, screen[-2000:]
    assert re.search(r"\d+\.\d articles/s", screen), screen[-2000:]
    assert re.search(r"[0-4]/4 .*articles/s\s+\d:\d\d:\d\d\s+(\d:\d\d:\d\d|-:--:--)", screen), screen[-2000:]
    assert "stored 4 document(s)" in screen and "Traceback" not in screen


def test_a_port_in_use_is_refused_before_serving(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_kg("serve", "--store", str(tmp_path / "store"), "--port", str(port), timeout=60)
    line = one_line_error(result)  # nothing about serving, not even a new store, before it
    assert f"cannot serve on 127.0.0.1:{port}" in line and "in use" in line
    assert not (tmp_path / "store").exists(), "no store created for a server that cannot start"


def test_a_store_held_by_a_server_names_it_and_ingest_goes_through_it(tmp_path):
    store = tmp_path / "store"
    assert run_kg("ingest", str(SEED), "--published", "2024-07-24", "--store", str(store), "-q").returncode == 0
    base, proc = start_server(store, {"KG_API_TOKEN": TOKEN})
    try:
        article = tmp_path / "new.jsonl"
        article.write_text('{"id": "cli-new", "published": "2025-01-10", "title": "Clashes in Tera", '
                           '"text": "Gunmen attacked an army post in Tera, Niger, on Thursday, killing four '
                           'soldiers, the defence ministry said."}\n', "utf-8")
        line = one_line_error(run_kg("ingest", str(article), "--store", str(store)))
        assert f"in use by kg serve (pid {proc.pid}) at {base}" in line
        assert f"kg ingest --server {base}" in line and "/documents" in line and "KG_API_TOKEN" in line

        refused = run_kg("ingest", str(article), "--server", base, "-q", env={"KG_API_TOKEN": "wrong"})
        assert "refused the token" in one_line_error(refused)

        sent = run_kg("ingest", str(article), "--server", base, "-q", env={"KG_API_TOKEN": TOKEN})
        assert sent.returncode == 0, sent.stderr.decode()
        assert "stored 1 document(s)" in sent.stderr.decode()
        docs = httpx.get(f"{base}/documents/cli-new", timeout=30)
        assert docs.status_code == 200
        again = run_kg("ingest", str(article), "--server", base, "-q", env={"KG_API_TOKEN": TOKEN})
        assert again.returncode == 0 and "1 unchanged" in again.stderr.decode()
    finally:
        stop_server(proc)
    assert not (store / "kg-serve.json").exists()  # the server cleans up after itself


def test_interrupt_during_ingest_says_what_was_stored(tmp_path):
    """Ctrl-C (SIGINT to the process group, as a terminal sends it) stops cleanly."""
    if not DEV.exists():
        pytest.skip(f"{DEV} is not there")
    store = tmp_path / "store"
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "ingest", str(DEV), "--store", str(store)],
                            cwd=ROOT, stderr=subprocess.PIPE, start_new_session=True)
    time.sleep(4)  # past the imports: while the model loads or the first articles go through
    import os
    import signal

    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    text = err.decode()
    assert "Traceback" not in text, text
    if proc.returncode == 0:  # the machine was quick: it all went through before the signal
        pytest.skip("ingest finished before the interrupt")
    assert proc.returncode == 130, text
    assert "interrupted" in text and "run the same command again" in text


def test_help_of_every_command_works():
    for command in ("ingest", "query", "export", "validate", "serve", "load", "eval"):
        result = run_kg(command, "--help")
        assert result.returncode == 0, (command, result.stderr.decode())
        assert "Usage" in result.stdout.decode()
    assert "--server" in run_kg("ingest", "--help").stdout.decode()
    assert "--debug" in run_kg("--help").stdout.decode()


def test_a_mixed_folder_names_the_files_it_does_not_read(tmp_path):
    """Articles beside a .pdf and a .docx: the articles are stored, and one line names the files
    not read, their count and their types (never skipped silently)."""
    folder = tmp_path / "inbox"
    (folder / "old").mkdir(parents=True)
    (folder / "tera.txt").write_text("Clashes near Tera\nGunmen attacked an army post near Tera, Niger, on "
                                     "Thursday, killing four soldiers, the defence ministry said.\n", "utf-8")
    (folder / "report.pdf").write_bytes(b"%PDF-1.4 not an article")
    (folder / "old" / "brief.docx").write_bytes(b"PK\x03\x04 not an article")
    store = tmp_path / "store"
    result = run_kg("ingest", str(folder), "--published", "2025-01-10", "--store", str(store), "-q")
    err = result.stderr.decode()
    assert result.returncode == 0 and "Traceback" not in err, err
    notes = [line for line in err.splitlines() if "not read" in line]
    assert len(notes) == 1, err
    note = notes[0]
    assert note.startswith(f"kg: note: {folder}: ") and "2 file(s) of a type not read" in note, note
    for says in ("1 .pdf", "1 .docx", "report.pdf", "old/brief.docx", ".txt"):
        assert says in note, (says, note)
    assert "stored 1 document(s)" in err
