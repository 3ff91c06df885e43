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


@pytest.mark.parametrize(("args", "env", "says"), [
    (("export", "--format", "xml"), None, "'xml' is not one of"),
    (("frobnicate",), None, "No such command 'frobnicate'"),
    (("ingest",), None, "Missing argument"),
    (("query", "SELECT * WHERE { ?s ?p ?o }", "--format", "yaml"), None, "--format"),
    (("ingest", "samples", "--workers", "0"), None, "--workers"),
    (("serve", "--port", "99999"), None, "is not a port"),
    (("serve",), {"KG_PORT": "eighty"}, "bad setting KG_PORT='eighty'"),
    (("query",), None, "give a query"),
], ids=["format", "command", "argument", "query-format", "workers", "port-range", "setting", "no-query"])
def test_bad_usage_is_one_line_and_exit_2(args, env, says, tmp_path):
    line = one_line_error(run_kg(*args, "--store", str(tmp_path / "store"), env=env)
                          if args[0] in ("serve", "query") else run_kg(*args, env=env))
    assert says in line
    assert "(see 'kg" in line or args[0] in ("serve", "query")


def test_a_missing_path_creates_nothing(tmp_path):
    store = tmp_path / "store"
    result = run_kg("ingest", str(tmp_path / "nowhere.jsonl"), "--store", str(store))
    assert result.returncode == 2
    assert "nowhere.jsonl" in result.stderr.decode() and "no article to ingest" in result.stderr.decode()
    assert not store.exists()


def test_a_port_in_use_is_refused_before_serving(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_kg("serve", "--store", str(tmp_path / "store"), "--port", str(port), timeout=60)
    line = one_line_error(result) if "no store at" not in result.stderr.decode() else \
        result.stderr.decode().splitlines()[-1]
    assert f"cannot serve on 127.0.0.1:{port}" in line and "in use" in line
    assert "serving" not in result.stderr.decode().replace("serving a new", "")


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


def test_a_folder_of_unsupported_types_names_them(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("report.pdf", "brief.docx", "notes.docx"):
        (folder / name).write_bytes(b"%PDF-1.4 not an article")
    store = tmp_path / "store"
    line = one_line_error(run_kg("ingest", str(folder), "--store", str(store)))
    assert ".pdf" in line and ".docx" in line and "stored 0" not in line, line
    assert not store.exists()


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


@pytest.mark.parametrize(("args", "env", "says"), [
    (("serve", "--port", "1"), {"KG_ONTOLOGY_DIR": "/nonexistent-ontology"}, "conflict-kg.ttl is missing"),
    (("serve", "--port", "1"), {"KG_SHAPES_DIR": "/nonexistent-shapes"}, "/nonexistent-shapes is missing"),
    (("ingest", str(SEED)), {"KG_ONTOLOGY_DIR": "/nonexistent-ontology"}, "conflict-kg.ttl is missing"),
], ids=["serve-ontology", "serve-shapes", "ingest-ontology"])
def test_a_missing_resource_is_an_internal_error_exit_3(args, env, says, tmp_path):
    """An installation without its ontology or shapes is our defect, not the user's: one line, exit 3,
    checked before anything is served or stored."""
    store = tmp_path / "store"
    line = one_line_error(run_kg(*args, "--store", str(store), env=env, timeout=120), code=3)
    assert says in line
    assert not store.exists()
