"""The ``kg`` command line (CONTRACT section 3).

Each command is a thin layer over an importable function. Errors are one
line on stderr; exit status 0 on success, 1 on validation failure, 2 on bad
usage or bad input.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
import tempfile
from enum import Enum
from pathlib import Path
from typing import Annotated

import click
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from kg.config import get_settings
from kg.errors import KGError, StoreError, UsageError
from kg.model import Article
from kg.namespaces import PREFIXES

app = typer.Typer(
    name="kg",
    help="ConflictKG: turn conflict reporting into an RDF knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False)

_DEBUG = False


@app.callback()
def _root(debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an internal error.")] = False) -> None:
    """ConflictKG: turn conflict reporting into an RDF knowledge graph."""
    global _DEBUG
    _DEBUG = debug


StoreOpt = Annotated[str | None, typer.Option(
    "--store", "-s", help="A folder (embedded store) or an http(s):// SPARQL query endpoint; credentials only from "
         "KG_REMOTE_USER/KG_REMOTE_PASSWORD or KG_REMOTE_TOKEN. [env: KG_STORE; default: ./kg-store]",
    show_default=False)]
UpdateUrlOpt = Annotated[str | None, typer.Option(
    "--update-url", help="SPARQL Update endpoint of a remote store (default: the --store URL). [env: KG_UPDATE_URL]")]
GraphStoreUrlOpt = Annotated[str | None, typer.Option(
    "--graph-store-url", help="Graph Store Protocol endpoint of a remote store (default: the --store URL). [env: KG_GRAPH_STORE_URL]")]


#: written into an embedded store's folder while `kg serve` serves it, so that a second process
#: that finds the store locked can say where the server is
SERVE_INFO = "kg-serve.json"


def _locked_message(location: str) -> str:
    where = "another process"
    try:
        import os

        info = json.loads((Path(location) / SERVE_INFO).read_text("utf-8"))
        os.kill(int(info["pid"]), 0)  # still running? (a killed server leaves its file behind)
        where = f"kg serve (pid {int(info['pid'])}) at {info['url']}"
        url = str(info["url"])
    except (OSError, ValueError, KeyError, TypeError):
        url = "http://HOST:PORT"
    return (f"the store at {location} is in use by {where}; add articles through the server: "
            f"'kg ingest --server {url} FILES' or POST {url}/documents (both need KG_API_TOKEN, "
            f"the token the server was started with), or stop the server first")


def _open(store: str | None, update_url: str | None = None, graph_store_url: str | None = None,
          read_only: bool = False, must_exist: bool = False):
    from kg.backends import open_store
    from kg.errors import StoreError

    location = store or get_settings().store
    if must_exist and not location.startswith(("http://", "https://")) and not (Path(location) / "CURRENT").exists():
        raise UsageError(f"no store at {location}; create one with 'kg ingest FILES --store {location}'")
    try:
        return open_store(store, read_only=read_only, update_url=update_url,
                          graph_store_url=graph_store_url)
    except StoreError as exc:
        if "lock" in str(exc).lower():
            raise StoreError(_locked_message(location)) from None
        raise


def _short(value: str | None) -> str:
    if value is None:
        return ""
    for prefix, ns in PREFIXES.items():
        if value.startswith(ns) and len(value) > len(ns):
            return f"{prefix}:{value[len(ns):]}"
    return value


# ----------------------------------------------------------------- ingest
class _RateColumn(ProgressColumn):
    """Articles a second, once there is a rate to show."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} articles/s" if speed else "", style="progress.data.speed")


def _progress(quiet: bool) -> Progress:
    return Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
                    TimeElapsedColumn(), TimeRemainingColumn(),
                    TextColumn("{task.description}"), console=err, disable=quiet, transient=False)


def _check_resources() -> None:
    """The ontology and shapes are there, before anything is read, stored or served: a missing one
    is an installation defect (:class:`kg.resources.ResourceMissing`, one line, exit 3)."""
    from kg import resources
    from kg.ontology import ONTOLOGY_PATH
    from kg.shacl import SHAPES_DIR

    resources.require(ONTOLOGY_PATH, f"set ${resources.ONTOLOGY_ENV} to the folder holding conflict-kg.ttl")
    resources.require(SHAPES_DIR, f"set ${resources.SHAPES_ENV} to the folder holding the shapes")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Article files or folders (.txt .md .json .jsonl), read recursively.")],
    published: Annotated[str | None, typer.Option(help="Publication date YYYY-MM-DD for plain-text articles.")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Extraction processes: above 1, a local Dask cluster of that many worker processes. [env: KG_WORKERS; default: 1]")] = None,
    cluster: Annotated[str | None, typer.Option(
        "--cluster", help="Extract on the workers of a running Dask scheduler, e.g. tcp://HOST:8786 "
                          "(docs/scaling.md); this process writes the store.")] = None,
    store: StoreOpt = None,
    update_url: UpdateUrlOpt = None,
    graph_store_url: GraphStoreUrlOpt = None,
    server: Annotated[str | None, typer.Option(
        "--server", help="Send the articles to a running 'kg serve' at this URL (POST /documents, with "
                         "the bearer token of KG_API_TOKEN) instead of opening the store.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    no_validate: Annotated[bool, typer.Option("--no-validate", help="Skip the SHACL gate (not recommended).")] = False,
) -> None:
    """Read articles, extract what they say, validate it and store it.

    What violates the SHACL shapes is kept apart in the document's quarantine graph and reported.
    Interrupted (Ctrl-C), it stops after the article in hand; run it again to continue: what is
    stored already is skipped.
    """
    from kg.readers import read_paths

    _check_resources()
    settings = get_settings()
    items = list(read_paths(paths, published,
                            on_unread=lambda note: err.print(f"kg: note: {note}", markup=False)))
    for item in items:
        if not isinstance(item, KGError) and len(item.text) > settings.max_chars:
            err.print(f"kg: warning: {item.origin or item.id} has {len(item.text)} characters; only the "
                      f"first {settings.max_chars} are read (KG_MAX_CHARS)", markup=False)
    if not any(isinstance(item, Article) for item in items):
        if len(items) == 1:  # one line: what was wrong with the one path
            raise UsageError(f"no article to ingest (nothing was stored): {items[0]}")
        for item in items:
            err.print(f"kg: skipped {item}", markup=False)
        raise UsageError("no article to ingest" + (" (nothing was stored)" if items else ""))
    if server:
        _ingest_via_server(server, items, quiet)
        return
    from kg.ingest import IngestSummary
    from kg.ingest import ingest as run_ingest

    progress = _progress(quiet)
    task = None
    done = 0

    def on_error(error: KGError) -> None:
        err.print(f"kg: skipped {error}", markup=False)

    def on_start(total: int) -> None:
        nonlocal task
        task = progress.add_task("loading the model ..." if total else "", total=total)

    def on_done(article) -> None:
        nonlocal done
        done += 1
        if task is not None:
            progress.update(task, advance=1, description=(article.title or article.origin)[:50])

    def on_quarantine(article, problems: list[str]) -> None:
        for problem in problems:
            err.print(f"kg: quarantined from {article.origin or article.id}: {problem}", markup=False)

    with _open(store, update_url, graph_store_url) as kg_store:
        try:
            with progress:
                summary: IngestSummary = run_ingest(
                    kg_store, items, workers=workers or settings.workers, cluster=cluster,
                    max_chars=settings.max_chars,
                    on_error=on_error, on_start=on_start, on_done=on_done,
                    on_quarantine=on_quarantine, validate=not no_validate)
        except KeyboardInterrupt:
            err.print(f"kg: interrupted after {done} article(s); what was stored stays stored: run the "
                      f"same command again to continue (stored articles are skipped)", markup=False)
            raise typer.Exit(130) from None
    if no_validate:
        err.print("kg: the SHACL gate was skipped (--no-validate)", markup=False)
    err.print(
        f"stored {summary.stored} document(s), {summary.unchanged} unchanged, "
        f"{summary.skipped} skipped; {summary.triples} triples, {summary.entities} entities, "
        f"{summary.events} events, {summary.partnerships} partnerships"
        + (f", {summary.quarantined} triples quarantined; " if summary.quarantined else "; ") +
        f"store now holds {summary.quads_after} quads (was {summary.quads_before})",
        markup=False)
    if summary.errors:
        raise typer.Exit(2)


def _ingest_via_server(server: str, items: list, quiet: bool) -> None:
    """POST each article to a running server's /documents."""
    import httpx

    token = get_settings().api_token
    if not server.startswith(("http://", "https://")):
        raise UsageError(f"--server {server}: give the server's http(s):// URL")
    if token is None or not token.get_secret_value():
        raise UsageError("--server needs KG_API_TOKEN: the token the server was started with")
    url = server.rstrip("/") + "/documents"
    headers = {"Authorization": f"Bearer {token.get_secret_value()}"}
    stored = unchanged = skipped = 0
    articles = [item for item in items if isinstance(item, Article)]
    for item in items:
        if not isinstance(item, Article):
            skipped += 1
            err.print(f"kg: skipped {item}", markup=False)
    progress = _progress(quiet)
    with progress, httpx.Client(timeout=600) as client:
        task = progress.add_task("", total=len(articles))
        for article in articles:
            body = {k: getattr(article, k) for k in ("text", "title", "published", "url", "source", "id")
                    if getattr(article, k) is not None}
            try:
                response = client.post(url, json=body, headers=headers)
            except httpx.HTTPError as exc:
                raise StoreError(f"cannot reach the server at {server}: {exc}; {stored} article(s) "
                                 f"were stored before") from None
            if response.status_code in (401, 403):
                raise UsageError(f"the server at {server} refused the token of KG_API_TOKEN "
                                 f"({response.status_code}); {stored} article(s) were stored before")
            if response.status_code in (200, 201):
                status = response.json().get("status")
                stored += status == "stored"
                unchanged += status == "unchanged"
            else:
                skipped += 1
                try:
                    detail = response.json().get("detail")
                except ValueError:
                    detail = response.text[:200]
                err.print(f"kg: skipped {article.origin or article.id}: the server answered "
                          f"{response.status_code}: {detail}", markup=False)
            progress.update(task, advance=1, description=(article.title or article.origin)[:50])
    err.print(f"sent to {server}: stored {stored} document(s), {unchanged} unchanged, {skipped} skipped",
              markup=False)
    if skipped:
        raise typer.Exit(2)


# ------------------------------------------------------------------ query
class QueryFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"


class ExportFormat(str, Enum):
    turtle = "turtle"
    trig = "trig"
    nt = "nt"
    nquads = "nquads"
    jsonld = "jsonld"


@app.command()
def query(
    sparql: Annotated[str | None, typer.Argument(help="The SPARQL query (or use --file).")] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the query from a file.")] = None,
    fmt: Annotated[QueryFormat, typer.Option("--format", help="Result format (CONSTRUCT/DESCRIBE always give Turtle).")] = QueryFormat.table,
    store: StoreOpt = None,
    update_url: UpdateUrlOpt = None,
    graph_store_url: GraphStoreUrlOpt = None,
) -> None:
    """Run a SPARQL query over the union of all graphs. Prefixes ckg:, ckgr:, wd:, schema:, rdfs:, skos: are predeclared."""
    if file is not None:
        try:
            sparql = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read {file}: {exc.strerror}") from None
    if not sparql:
        raise UsageError("give a query, or --file FILE")
    from kg.sparqlguard import TooComplex, check

    try:  # before the parser: deep nesting overflows its stack and kills the process
        check(sparql, get_settings().max_query_bytes)
    except TooComplex as exc:
        raise UsageError(str(exc)) from None
    with _open(store, update_url, graph_store_url, read_only=True) as kg_store:
        result = kg_store.run_query(sparql)
        _print_result(result, fmt.value)


def _print_result(result, fmt: str) -> None:
    """Print a :class:`kg.store.QueryResult`."""
    if result.kind == "ask":
        if fmt == "json":
            out.print(json.dumps({"head": {}, "boolean": result.boolean}), markup=False)
        else:
            out.print("true" if result.boolean else "false", markup=False)
        return
    if result.kind == "graph":
        sys.stdout.buffer.write(result.turtle)
        return
    variables, rows = result.variables, result.rows
    if fmt == "json":
        out.print(json.dumps(result.to_json(), ensure_ascii=False, indent=1), markup=False, soft_wrap=True)
    elif fmt in {"csv", "tsv"}:
        writer = csv.writer(sys.stdout, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow(["" if row[v] is None else row[v] for v in variables])
    else:
        table = Table(*variables, show_lines=False)
        for row in rows:
            table.add_row(*(_short(row[v]) for v in variables))
        out.print(table)
        err.print(f"{len(rows)} row(s)")


# ----------------------------------------------------------------- export
@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="Serialisation.")] = ExportFormat.turtle,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
    graph: Annotated[str | None, typer.Option(help="Only this named graph.")] = None,
    store: StoreOpt = None,
    update_url: UpdateUrlOpt = None,
    graph_store_url: GraphStoreUrlOpt = None,
) -> None:
    """Write the graph, streamed. Turtle and N-Triples merge all graphs; TriG, N-Quads and JSON-LD keep them."""
    with _open(store, update_url, graph_store_url, read_only=True) as kg_store:
        if output is None:
            kg_store.export(fmt.value, sys.stdout.buffer, graph)
            sys.stdout.buffer.flush()
            return
        tmp = output.with_name(f".{output.name}.part")
        try:
            with tmp.open("wb") as fh:
                kg_store.export(fmt.value, fh, graph)
            tmp.replace(output)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise UsageError(f"cannot write {output}: {exc.strerror}") from None
    err.print(f"wrote {output}", markup=False)


# ---------------------------------------------------------------- validate
class ReportFormat(str, Enum):
    text = "text"
    turtle = "turtle"


@app.command()
def validate(
    fmt: Annotated[ReportFormat, typer.Option("--format", help="text: one line a problem; turtle: the sh:ValidationReport graph.")] = ReportFormat.text,
    store: StoreOpt = None,
    update_url: UpdateUrlOpt = None,
    graph_store_url: GraphStoreUrlOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Check every stored graph against the SHACL shapes; exit 1 when something does not conform."""
    from kg.validation import validate_store

    with _open(store, update_url, graph_store_url, read_only=True) as kg_store:
        progress = Progress(TextColumn("[bold]validate"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=err, disable=quiet)
        task = None

        def on_start(total: int) -> None:
            nonlocal task
            task = progress.add_task("", total=total)

        def on_graph(name: str) -> None:
            if task is not None:
                progress.update(task, advance=1)

        with progress:
            report = validate_store(kg_store, on_graph=on_graph, on_start=on_start)
    if fmt == ReportFormat.turtle:
        sys.stdout.write(report.report_graph().serialize(format="turtle"))
    else:
        for problem in report.problems:
            out.print(problem.line(), markup=False, soft_wrap=True)
    err.print(f"{report.graphs} graph(s) checked, {len(report.problems)} problem(s)", markup=False)
    if not report.conforms:
        raise typer.Exit(1)


# ----------------------------------------------------------------- delete
@app.command()
def delete(
    ids: Annotated[list[str], typer.Argument(help="Article ids (the 'id' field), document keys (document/...) or document IRIs.")],
    store: StoreOpt = None,
    update_url: UpdateUrlOpt = None,
    graph_store_url: GraphStoreUrlOpt = None,
) -> None:
    """Remove articles and retract what only they said.

    Each document's graph and quarantine graph go; every entity, partnership, event and relation
    it made a claim about is recomputed from the claims left (a partnership's status falls back
    to its latest remaining claim; an event only it told disappears). An id not in the store is
    an error (exit 2), after the others are deleted.
    """
    from kg.ingest import delete_documents

    with _open(store, update_url, graph_store_url) as kg_store:
        deleted, missing = delete_documents(kg_store, ids)
    if deleted or not missing:
        err.print(f"deleted {len(deleted)} document(s)", markup=False)
    if missing:
        raise UsageError(f"no such document in the store: {', '.join(missing)}")


# ------------------------------------------------------------------- load
@app.command()
def load(
    rdf_file: Annotated[Path, typer.Argument(help="Turtle, TriG, N-Triples, N-Quads, JSON-LD or RDF/XML.")],
    graph: Annotated[str | None, typer.Option(help="Named graph for the triples (default: one named after the file).")] = None,
    rdf_format: Annotated[str | None, typer.Option("--format", help="Parser, when the file suffix does not tell (turtle, trig, nt, nquads, json-ld, xml).")] = None,
    no_validate: Annotated[bool, typer.Option("--no-validate", help="Store without the SHACL gate.")] = False,
    store: StoreOpt = None,
    update_url: UpdateUrlOpt = None,
    graph_store_url: GraphStoreUrlOpt = None,
) -> None:
    """Load RDF you already have into a named graph, through the same SHACL gate as ingest.

    On a violation nothing is stored: each problem is named on one line and the exit status is 1.
    """
    from kg.derive import refresh, touched_in_store
    from kg.validation import load_file

    # checked first, without the store: a file that fails the gate never opens it
    checked = load_file(None, rdf_file, rdf_format, graph, validate=not no_validate)
    if checked.problems:
        for problem in checked.problems:
            err.print(f"kg: {problem}", markup=False)
        err.print(f"kg: nothing loaded: {len(checked.problems)} problem(s) in {rdf_file}", markup=False)
        raise typer.Exit(1)
    with _open(store, update_url, graph_store_url) as kg_store:
        touched = touched_in_store(kg_store, checked.graphs)  # what the replaced graphs said
        loaded = load_file(kg_store, rdf_file, rdf_format, graph, validate=False)
        touched |= touched_in_store(kg_store, loaded.graphs)
        refresh(kg_store, touched)  # the corpus-level nodes the loaded graphs make claims about
    note = " without validation (--no-validate)" if no_validate else ""
    if not no_validate and not checked.full_gate:
        from kg.validation import FULL_GATE_TRIPLES as FULL_GATE

        note = (f" (more than {FULL_GATE} triples: checked by the streaming core checks, "
                "not the whole SHACL gate; run kg validate for that)")
    err.print(f"loaded {loaded.triples} triples into {', '.join(loaded.graphs)}{note}", markup=False)


# ------------------------------------------------------------------- eval
@app.command("eval")
def eval_(
    gold: Annotated[Path, typer.Argument(help="Gold JSON Lines file (CONTRACT section 5).")],
    store: StoreOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    errors: Annotated[bool, typer.Option("--errors", help="List every missed and spurious item.")] = False,
    min_confidence: Annotated[float | None, typer.Option(
        "--min-confidence", min=0.0, max=1.0,
        help="Also show precision/recall when only facts with at least this confidence are kept "
             "(a table over several thresholds, this one marked).")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Extraction processes.")] = 1,
) -> None:
    """Ingest a gold file's articles into a fresh store and print precision, recall and F1 per section."""
    from kg.evaluate import confidence_table, evaluate, load_gold, render, render_confidence, render_errors
    from kg.ingest import ingest as run_ingest
    from kg.readers import read_paths
    from kg.store import EmbeddedStore

    try:
        records = load_gold(gold)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read gold file: {exc}") from None
    tmp = None
    if store is None:
        tmp = tempfile.mkdtemp(prefix="kg-eval-")
        location = tmp
    else:
        location = store
        if Path(location).exists() and any(Path(location).iterdir()):
            raise UsageError(f"--store {location} is not empty; kg eval needs a fresh store")
    try:
        kg_store = EmbeddedStore(location)
        summary = run_ingest(kg_store, read_paths([gold]), workers=workers,
                             on_error=lambda e: err.print(f"kg: skipped {e}", markup=False))
        report = evaluate(kg_store.ox, records)
        trade_off = None
        if min_confidence is not None:
            trade_off = confidence_table(kg_store.ox, records,
                                         [0.0, 0.5, 0.6, 0.7, 0.8, 0.9, min_confidence])
        kg_store.close()
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    if as_json:
        figures = report.to_dict()
        if trade_off is not None:
            figures["by_min_confidence"] = [
                {"min_confidence": t, "overall": r.overall,
                 "sections": {k: v.to_dict() for k, v in r.sections.items()}} for t, r in trade_off]
        out.print(json.dumps(figures, indent=1), markup=False, soft_wrap=True)
    else:
        out.print(render(report))
        if trade_off is not None:
            out.print(render_confidence(trade_off, min_confidence))
        if errors:
            out.print(render_errors(report))
    if summary.errors:
        raise typer.Exit(2)


# ------------------------------------------------------------------ serve
@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind. [env: KG_HOST; default: 127.0.0.1]")] = None,
    port: Annotated[int | None, typer.Option(help="Port. [env: KG_PORT; default: 8000]")] = None,
    store: StoreOpt = None,
    update_url: UpdateUrlOpt = None,
    graph_store_url: GraphStoreUrlOpt = None,
) -> None:
    """Serve the graph over HTTP: SPARQL at /sparql, the REST API, pages, health at /health."""
    import socket

    import uvicorn

    from api.app import create_app

    settings = get_settings()
    host, port = host or settings.host, port if port is not None else settings.port
    if not 0 < port < 65536:
        raise UsageError(f"--port {port} is not a port (1-65535)")
    _check_resources()  # an installation without them cannot gate a POST /documents
    location = store or settings.store
    # bind before saying we serve or creating a store: a port in use is one line, nothing else
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    if not location.startswith(("http://", "https://")) and not (Path(location) / "CURRENT").exists():
        err.print(f"kg: no store at {location}: serving a new, empty one (add articles with "
                  f"'kg ingest --server URL FILES' or POST /documents)", markup=False)
    try:
        kg_store = _open(store, update_url, graph_store_url)
    except BaseException:
        sock.close()
        raise
    url = f"http://{host}:{port}"
    info = Path(kg_store.location) / SERVE_INFO if not kg_store.location.startswith(("http", ":")) else None
    if info is not None:
        import os

        info.write_text(json.dumps({"pid": os.getpid(), "url": url}), "utf-8")
    application = create_app(kg_store)
    err.print(f"serving {kg_store.location} on {url}", markup=False)
    class Server(uvicorn.Server):
        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            await super().shutdown(sockets)
            if info is not None:  # here, since uvicorn re-raises SIGTERM/SIGINT once it has shut down
                info.unlink(missing_ok=True)

    try:
        Server(uvicorn.Config(application, log_level="warning")).run(sockets=[sock])
    finally:
        if info is not None:
            info.unlink(missing_ok=True)


def _usage_line(exc: Exception) -> str:
    """One line for a usage error of the parser (click's, or the copy vendored in typer)."""
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    ctx = getattr(exc, "ctx", None)
    command = "kg"
    if ctx is not None:  # "python -m kg.cli export" is "kg export" to the user
        command += ctx.command_path[len(ctx.find_root().command_path):]
    return f"kg: error: {' '.join(message.split())} (see '{command} --help')"


#: the parser's exceptions: click's own and typer's vendored copy (typer >= 0.2x ships its own click)
_PARSER_ERRORS: tuple[type[Exception], ...] = (click.ClickException, typer.TyperException)


def main() -> None:
    """Entry point: never a traceback, one line on stderr; exit 0 ok, 1 validation failure,
    2 bad usage or input, 3 internal error (``--debug`` shows its traceback), 130 interrupted."""
    try:
        code = app(standalone_mode=False)  # click returns the status of typer.Exit here
        if isinstance(code, int) and code:
            sys.exit(code)
    except (click.exceptions.Exit, typer.Exit) as exc:
        sys.exit(exc.exit_code)
    except (click.exceptions.Abort, typer.Abort):
        err.print("kg: aborted")
        sys.exit(130)
    except _PARSER_ERRORS as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # `kg` alone: the help was printed
            sys.exit(0)
        err.print(_usage_line(exc), markup=False)
        sys.exit(2)
    except KGError as exc:
        err.print("kg: error: " + " ".join(str(exc).split()), markup=False)
        sys.exit(exc.exit_code)
    except ValidationError as exc:  # a KG_* setting of the wrong type
        bad = "; ".join(f"KG_{'_'.join(map(str, e['loc'])).upper()}={e.get('input')!r}: {e['msg']}"
                        for e in exc.errors())
        err.print(f"kg: error: bad setting {bad}", markup=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("kg: interrupted")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, no traceback
        if _DEBUG:
            import traceback

            traceback.print_exc()
        err.print(f"kg: internal error: {type(exc).__name__}: " + " ".join(str(exc).split())
                  + ("" if _DEBUG else " (run again with --debug for the traceback)"), markup=False)
        sys.exit(3)


if __name__ == "__main__":
    main()
