"""Regenerate the README's pictures (docs/img/*.png) from articles written for this project.

The store is built ONLY from ``samples/`` (the project's seed text and sample articles) and
``docs/img/articles/articles.jsonl`` (short fictional articles written for the pictures), so no
picture shows text of outside material such as the ../shared corpus. It is served by a real
``kg serve`` on 127.0.0.1 and each page is taken in Debian's Chromium (``/usr/bin/chromium``,
``make chromium``) through Playwright, the setup of the page tests; a request to any other host
fails the run.

    python scripts/screenshots.py              # or: make screenshots
    python scripts/screenshots.py --out /tmp/pictures --keep-store /tmp/pictures-store
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
INPUTS = [ROOT / "samples", ROOT / "docs" / "img" / "articles" / "articles.jsonl"]
PUBLISHED = "2024-07-24"  # for the plain-text seed article, as `make run` ingests it
CHROMIUM = Path("/usr/bin/chromium")
VIEWPORT = {"width": 1280, "height": 800}


def wait(page: Any, selector: str) -> None:
    page.wait_for_selector(selector, timeout=60_000)


def query_page(page: Any) -> None:
    """The first example (Niger's partners), run."""
    wait(page, ".yasgui .yasqe .CodeMirror")
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    page.locator(".tabPanel.active .yasr table.dataTable tbody", has_text="Russia").wait_for(timeout=60_000)


def entity_page(page: Any) -> None:
    wait(page, "#cy canvas")
    page.wait_for_function("window.ckgCy && document.getElementById('cy').dataset.overlaps", timeout=60_000)
    wait(page, "#kg-map[data-drawn]")


def charts_page(page: Any) -> None:
    wait(page, "#chart-casualties[data-drawn]")
    wait(page, "#chart-events[data-drawn]")


# (file, path, what to wait for, the heading (h2) to scroll to the top first, or None)
PAGES: list[tuple[str, str, Callable[[Any], None], str | None]] = [
    ("home.png", "/", query_page, None),
    ("entity.png", "/entity/state/niger", entity_page, None),
    ("entity-events.png", "/entity/state/niger", entity_page, "Events"),
    ("timeline.png", "/timeline?place=Tillaberi", lambda p: wait(p, "tr.event"), None),
    ("document.png", "/document/pic-001", lambda p: wait(p, "table.facts"), None),
    ("map.png", "/map", lambda p: wait(p, "#kg-map[data-drawn]"), None),
    ("charts.png", "/charts?actor=state/niger", charts_page, None),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def kg(*args: str, **kwargs: Any) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.Popen([sys.executable, "-m", "kg.cli", *args], cwd=ROOT, env=env, **kwargs)


def build_store(store: Path) -> None:
    for path in INPUTS:
        if not path.exists():
            sys.exit(f"screenshots: {path.relative_to(ROOT)} is missing")
    proc = kg("ingest", *map(str, INPUTS), "--published", PUBLISHED, "--store", str(store), "--quiet",
              stderr=subprocess.PIPE)
    _, err = proc.communicate()
    if proc.returncode != 0:
        sys.exit(f"screenshots: kg ingest failed ({proc.returncode}): {err.decode().strip()}")
    print(err.decode().strip().splitlines()[-1], file=sys.stderr)


def serve(store: Path) -> tuple[str, subprocess.Popen[bytes]]:
    import httpx

    port = free_port()
    proc = kg("serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port),
              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"screenshots: kg serve stopped: {proc.stderr.read().decode().strip() if proc.stderr else ''}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return base, proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    sys.exit("screenshots: kg serve did not answer /health within 120 s")


def check_documents(base: str) -> None:
    """Only our own articles are in the store: the ids of the .jsonl inputs and the seed text
    (known by its headline, its id is a slug of it)."""
    import json

    import httpx

    ours = {json.loads(line)["id"] for path in [*INPUTS[0].glob("*.jsonl"), INPUTS[1]]
            for line in path.read_text("utf-8").splitlines() if line.strip()}
    headlines = {p.read_text("utf-8").strip().splitlines()[0].strip() for p in INPUTS[0].glob("*.txt")}
    items = httpx.get(f"{base}/documents", params={"limit": 500}, timeout=60).json()["items"]
    foreign = [d["id"] for d in items if d["id"] not in ours and d.get("headline") not in headlines]
    if foreign or len(items) != len(ours) + len(headlines):
        sys.exit(f"screenshots: the store holds documents not written for the pictures: {foreign}")


def take(base: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written: list[Path] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            for name, path, ready, scroll_to in PAGES:
                context = browser.new_context(viewport=VIEWPORT)
                page = context.new_page()
                foreign: list[str] = []
                errors: list[str] = []
                page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))

                def route(r: Any, foreign: list[str] = foreign) -> None:
                    if r.request.url.startswith(base + "/") or r.request.url.startswith("data:"):
                        r.continue_()
                    else:
                        foreign.append(r.request.url)
                        r.abort()

                page.route("**/*", route)
                page.goto(base + path)
                ready(page)
                if scroll_to:
                    page.evaluate("""text => [...document.querySelectorAll('h2')]
                        .find(h => h.textContent.trim() === text).scrollIntoView({block: 'start'})""", scroll_to)
                page.wait_for_timeout(300)  # let the last transition settle before the picture
                if foreign or errors:
                    sys.exit(f"screenshots: {path} asked other hosts {foreign} or failed {errors}")
                target = out / name
                page.screenshot(path=str(target), full_page=False)
                written.append(target)
                context.close()
        finally:
            browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img", help="where the PNGs go")
    parser.add_argument("--keep-store", type=Path, help="build the store here and keep it")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"screenshots: {CHROMIUM} is missing: run `make chromium`")
    args.out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="kg-pictures-"))
    store = args.keep_store or scratch / "store"
    if store.exists():
        shutil.rmtree(store)
    try:
        build_store(store)
        base, proc = serve(store)
        try:
            check_documents(base)
            for target in take(base, args.out):
                print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: "
                      f"{target.stat().st_size // 1024} KiB", file=sys.stderr)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
