"""The browser pages (api/pages.py): query page, entity pages, timeline.

The dev corpus is ingested into a store, served by ``kg serve`` in a subprocess, and the pages are
checked with httpx and driven in Debian's Chromium (``/usr/bin/chromium``, installed by ``make chromium``)
through Playwright. The browser may only talk to our server: a request to any other host fails the test.
Screenshots go to ``tests/output/``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.servers import start_server, stop_server

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
OUTPUT = ROOT / "tests" / "output"
VENDOR = [ROOT / "node_modules/@zazuko/yasgui/build/yasgui.min.js",
          ROOT / "node_modules/@zazuko/yasgui/build/yasgui.min.css",
          ROOT / "node_modules/cytoscape/dist/cytoscape.min.js",
          ROOT / "node_modules/swagger-ui-dist/swagger-ui-bundle.js"]
STATIC = ["/static/style.css", "/static/query.js", "/static/entity.js",
          "/static/vendor/yasgui/yasgui.min.js", "/static/vendor/yasgui/yasgui.min.css",
          "/static/vendor/cytoscape/cytoscape.min.js", "/static/vendor/swagger/swagger-ui-bundle.js",
          "/static/vendor/swagger/swagger-ui.css"]


@pytest.fixture(scope="module")
def base_url(dev_store: Path) -> Iterator[str]:
    missing = [str(p.relative_to(ROOT)) for p in VENDOR if not p.exists()]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: run `make web` (npm ci) first")
    url, proc = start_server(dev_store)
    try:
        yield url
    finally:
        stop_server(proc)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (apt-get install -y chromium); "
                    "`make test` installs it. Never `playwright install`.")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev extra is in requirements.lock
        pytest.fail("playwright is not installed: run `make install` (requirements.lock)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            yield b
        finally:
            b.close()


class Page:
    """A browser page that records script errors and refuses every host but ours."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

        def route(r: Any) -> None:
            if r.request.url.startswith(base_url + "/") or r.request.url.startswith("data:"):
                r.continue_()
            else:
                self.foreign.append(r.request.url)
                r.abort()

        self.page.route("**/*", route)

    def close(self) -> None:
        self.context.close()


def screenshot_and_check(page: Page, name: str) -> None:
    """Save a full-page screenshot under tests/output/; the page asked no other host and
    logged no script error."""
    (OUTPUT / "view").mkdir(parents=True, exist_ok=True)
    page.page.screenshot(path=str(OUTPUT / name), full_page=True)
    # what a reader sees first (the window); the README's pictures come from scripts/screenshots.py
    page.page.screenshot(path=str(OUTPUT / "view" / name), full_page=False)
    assert not page.foreign, f"the page asked other hosts: {page.foreign}"
    assert not page.errors, page.errors


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Page]:
    p = Page(browser, base_url)
    try:
        yield p
    finally:
        p.close()


# ---------------------------------------------------------------- plain HTTP
def test_static_files_are_served_as_utf8(base_url: str) -> None:
    for path in STATIC:
        r = httpx.get(base_url + path)
        assert r.status_code == 200, (path, r.status_code, r.text[:200])
        assert "charset=utf-8" in r.headers["content-type"].lower(), (path, r.headers["content-type"])
        assert len(r.content) > 100, path
    assert httpx.get(base_url + "/static/vendor/yasgui/yasgui.min.js.map").status_code == 404
    assert httpx.get(base_url + "/static/vendor/..%2F..%2Fpyproject.toml").status_code == 404
    assert httpx.get(base_url + "/static/app.py").status_code == 404


def test_pages_are_utf8_html(base_url: str) -> None:
    for path in ("/", "/entity/state/niger", "/timeline"):
        r = httpx.get(base_url + path)
        assert r.status_code == 200, path
        assert r.headers["content-type"] == "text/html; charset=utf-8"
        assert '<meta charset="utf-8">' in r.text
        assert "/static/style.css" in r.text


def test_home_links_and_examples(base_url: str) -> None:
    text = httpx.get(base_url + "/").text
    for href in ('href="/timeline"', 'href="/docs"', 'href="/entities"', 'href="/entity/state/niger"',
                 'href="/entity/armed-group/boko-haram"', "/static/vendor/yasgui/yasgui.min.js"):
        assert href in text, href
    examples = json.loads(re.search(r'<script type="application/json" id="examples">(.*?)</script>',
                                    text, re.S).group(1))
    assert [e["name"] for e in examples] == ["Niger's partners", "Soldiers killed by region and month",
                                              "Armed groups"]


def test_example_queries_answer_on_the_endpoint(base_url: str) -> None:
    text = httpx.get(base_url + "/").text
    examples = json.loads(re.search(r'id="examples">(.*?)</script>', text, re.S).group(1))
    answers = {}
    for e in examples:
        r = httpx.post(base_url + "/sparql", data={"query": e["query"]},
                       headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200, (e["name"], r.text[:300])
        answers[e["name"]] = r.json()["results"]["bindings"]
    partners = {b["partnerName"]["value"]: b["status"]["value"].rsplit("#", 1)[1]
                for b in answers["Niger's partners"]}
    assert partners["Russia"] == "Active" and partners["France"] == "Ended"
    killed = answers["Soldiers killed by region and month"]
    assert {"Tillaberi", "2024-06"} <= {v["value"] for b in killed for v in b.values()}
    assert any(b["name"]["value"] == "Boko Haram" for b in answers["Armed groups"])


def test_unknown_entity_is_a_404_page(base_url: str) -> None:
    for path in ("/entity/state/atlantis", "/entity/planet/niger", "/entity/state/Niger",
                 "/entity/state/ni%3Cger"):
        r = httpx.get(base_url + path)
        assert r.status_code == 404, path
        assert r.headers["content-type"] == "text/html; charset=utf-8"
        assert "Not found" in r.text and "<ger" not in r.text


def test_entity_page_facts(base_url: str) -> None:
    text = httpx.get(base_url + "/entity/state/niger").text
    assert "https://www.wikidata.org/wiki/Q1032" in text
    rows = {partner: status for status, partner in re.findall(
        r'<tr class="partner" data-status="(\w*)"><td><a href="/entity/state/([a-z-]+)"', text)}
    assert rows["russia"] == "Active" and rows["france"] == "Ended"
    data = json.loads(re.search(r'id="graph-data">(.*?)</script>', text, re.S).group(1))
    ids = {n["data"]["id"] for n in data["nodes"]}
    assert "https://w3id.org/conflict-kg/id/state/russia" in ids
    colours = {(e["data"]["target"].rsplit("/", 1)[1], e["data"].get("colour"))
               for e in data["edges"] if e["data"]["kind"] == "partnership"}
    assert ("russia", "#2e7d32") in colours and ("france", "#c62828") in colours
    assert any(e["data"]["kind"] == "relation" for e in data["edges"])
    for section in ("Partnerships", "Relations", "Events", "Source documents"):
        assert f"<h2>{section}</h2>" in text


def test_timeline_lists_an_attack_with_15_soldiers_killed(base_url: str) -> None:
    text = httpx.get(base_url + "/timeline", params={"type": "Attack"}).text
    rows = re.findall(r'<tr class="event" data-type="(\w+)">(.*?)</tr>', text, re.S)
    assert rows and {t for t, _ in rows} == {"Attack"}
    assert any("15 soldiers killed" in row for _, row in rows)
    every = httpx.get(base_url + "/timeline").text
    assert {"Attack", "Coup", "Withdrawal"} <= set(re.findall(r'<tr class="event" data-type="(\w+)"', every))
    # the latest first by default; the earliest first with order=date
    dated = [d for d in re.findall(r'<td class="date">(\d{4}(?:-\d\d){0,2})</td>', every)]
    assert dated == sorted(dated, reverse=True) and len(dated) > 5
    earliest = httpx.get(base_url + "/timeline", params={"order": "date"}).text
    assert re.findall(r'<td class="date">(\d{4}(?:-\d\d){0,2})</td>', earliest) == sorted(dated)
    assert httpx.get(base_url + "/timeline", params={"order": "sideways"}).status_code == 400
    r = httpx.get(base_url + "/timeline", params={"type": "<Bogus>"})
    assert r.status_code == 400 and "<Bogus>" not in r.text and "&lt;Bogus&gt;" in r.text


def timeline_ids(base_url: str, **params: object) -> list[str]:
    r = httpx.get(base_url + "/timeline", params=params)
    assert r.status_code == 200, (params, r.text[:300])
    return re.findall(r'data-event="(event/[0-9a-f]+)"', r.text)


def test_timeline_filters_like_events(base_url: str) -> None:
    """The timeline takes the filters of GET /events and lists the same events: in the same order
    with order=date, in the reverse order of their dates by default (the latest first)."""
    cases = [{"place": "Tillaberi"}, {"actor": "JNIM"}, {"from": "2024-06", "to": "2024-06"},
             {"type": "Attack", "place": "Niger"}, {"to": "2023"}, {"place": "Atlantis"}]
    for params in cases:
        events = httpx.get(base_url + "/events", params={**params, "limit": 500}).json()["items"]
        assert timeline_ids(base_url, **params, order="date", limit=500) == [e["id"] for e in events], params
        latest = timeline_ids(base_url, **params, limit=500)
        assert sorted(latest) == sorted(e["id"] for e in events), params
        dates = {e["id"]: e["date"] for e in events}
        dated = [dates[i] for i in latest if dates[i]]
        assert dated == sorted(dated, reverse=True), params
        assert all(not dates[i] for i in latest[len(dated):]), "undated last"
    assert timeline_ids(base_url, place="Tillaberi") and timeline_ids(base_url, actor="JNIM")
    assert len(timeline_ids(base_url, place="Tera")) < len(timeline_ids(base_url, place="Tillaberi"))
    assert timeline_ids(base_url, place="Atlantis") == []
    text = httpx.get(base_url + "/timeline", params={"place": "Tillaberi", "type": "Attack"}).text
    assert 'value="Tillaberi"' in text and '<option value="Attack" selected>' in text


def test_timeline_pages(base_url: str) -> None:
    every = timeline_ids(base_url, limit=500)
    assert len(every) > 6 and len(every) == len(set(every)), "each event once"
    first, second = timeline_ids(base_url, limit=3), timeline_ids(base_url, limit=3, offset=3)
    assert first + second == every[:6] == timeline_ids(base_url, limit=6)
    assert timeline_ids(base_url, limit=500, offset=len(every) - 1) == every[-1:]
    assert timeline_ids(base_url, offset=len(every) + 5) == []
    text = httpx.get(base_url + "/timeline", params={"limit": 3, "offset": 3}).text
    nxt = re.search(r'<a class="next" href="/timeline\?([^"]+)"', text).group(1)
    prev = re.search(r'<a class="prev" href="/timeline\?([^"]+)"', text).group(1)
    assert "offset=6" in nxt and "limit=3" in nxt and "offset=0" in prev
    last = httpx.get(base_url + "/timeline", params={"limit": 3, "offset": len(every) - 2}).text
    assert 'class="next"' not in last
    # the pager keeps the filters
    text = httpx.get(base_url + "/timeline", params={"limit": 1, "place": "Tillaberi"}).text
    assert "place=Tillaberi" in re.search(r'<a class="next" href="([^"]+)"', text).group(1)
    for bad in ({"limit": "many"}, {"limit": 501}, {"offset": -1}, {"from": "June 2024"}, {"to": "2024-13"}):
        r = httpx.get(base_url + "/timeline", params=bad)
        assert r.status_code == 400, bad


# ---------------------------------------------------------------- in the browser
def test_query_page_runs_nigers_partners(page: Page, base_url: str) -> None:
    from playwright.sync_api import expect

    p = page.page
    p.goto(base_url + "/")
    p.wait_for_selector(".yasgui .yasqe .CodeMirror")
    p.locator(".tabsList a[role=tab]", has_text="Niger's partners").click()
    panel = p.locator(".tabPanel.active")
    expect(panel.locator(".CodeMirror")).to_contain_text("ckg:Partnership")
    panel.locator(".yasqe_queryButton").click()
    table = panel.locator(".yasr table.dataTable tbody")
    expect(table).to_contain_text("Russia", timeout=20_000)
    expect(table).to_contain_text("France")
    russia = panel.locator(".yasr table.dataTable tbody tr", has_text="Russia")
    expect(russia).to_contain_text("Active")
    screenshot_and_check(page, "query-page.png")


def test_entity_page_draws_the_network(page: Page, base_url: str) -> None:
    from playwright.sync_api import expect

    p = page.page
    p.goto(base_url + "/entity/state/niger")
    p.wait_for_selector("#cy canvas")
    p.wait_for_function("window.ckgCy && window.ckgCy.nodes().length > 5")
    expect(p.locator("h1")).to_contain_text("Niger")
    def partner(name: str) -> Any:  # the row of the partner (its evidence may name others)
        return p.locator("tr.partner", has=p.locator("td:first-child a", has_text=name)).locator(".status")

    expect(partner("Russia")).to_have_text("Active")
    expect(partner("France")).to_have_text("Ended")
    edges = p.evaluate("window.ckgCy.edges('[kind = \"partnership\"]').map("
                       "e => [e.target().data('label'), e.style('line-color')])")
    assert ["Russia", "rgb(46,125,50)"] in edges and ["France", "rgb(198,40,40)"] in edges
    screenshot_and_check(page, "entity-page.png")


def test_api_docs_render_offline(page: Page, base_url: str) -> None:
    from playwright.sync_api import expect

    p = page.page
    p.goto(base_url + "/docs")
    p.wait_for_selector(".swagger-ui .opblock")
    expect(p.locator(".swagger-ui .info")).to_contain_text("ConflictKG")
    expect(p.locator(".swagger-ui")).to_contain_text("/partnerships")
    assert not page.foreign, f"the docs asked other hosts: {page.foreign}"
    (OUTPUT / "view").mkdir(parents=True, exist_ok=True)
    p.screenshot(path=str(OUTPUT / "api-docs.png"), full_page=True)
    p.screenshot(path=str(OUTPUT / "view" / "api-docs.png"), full_page=False)


# ---------------------------------------------------------------- confidence, sources, provenance
CONFIDENCE = re.compile(r'<span class="confidence" data-confidence="(\d\.\d\d)" title="([^"]+)">')


def test_every_fact_shows_its_confidence_and_how_it_was_found(base_url: str) -> None:
    text = httpx.get(base_url + "/entity/state/niger").text
    for table in ("events", "relations", "partners"):
        body = re.search(rf'<table class="{table}">.*?<tbody>(.*?)</tbody>', text, re.S).group(1)
        rows = re.findall(r"<tr[ >].*?</tr>", body, re.S)
        assert len(rows) > 2, table
        for row in rows:
            found = CONFIDENCE.findall(row)
            assert found, (table, row[:300])
            assert all(0 < float(c) <= 1 and len(how) > 20 for c, how in found), (table, found)
            # the sentence it was found in, or (a relation no one sentence states) its source
            assert "<q>" in row or (table == "relations" and 'class="source"' in row), (table, row[:300])
    facts = re.search(r'<table class="facts">(.*?)</table>', text, re.S).group(1)
    assert CONFIDENCE.search(facts), "the entity's own confidence"
    timeline = httpx.get(base_url + "/timeline", params={"limit": 500}).text
    rows = re.findall(r'<tr class="event".*?</tr>', timeline, re.S)
    assert rows and all(CONFIDENCE.search(r) for r in rows)
    items = httpx.get(base_url + "/partnerships", params={"limit": 500}).json()["items"]
    assert items and all(p["confidence"] is not None and 0 < p["confidence"] <= 1 for p in items)


def test_sources_are_headline_publisher_and_date_linking_to_the_document_page(base_url: str) -> None:
    for path in ("/entity/state/niger", "/timeline"):
        text = httpx.get(base_url + path).text
        sources = re.findall(r'<span class="source"><a class="source" href="(/document/[a-z0-9-]+)">([^<]+)</a>'
                             r' <span class="muted">\(([^)]*)\)</span>', text)
        assert len(sources) > 3, path
        assert not re.search(r'class="sources"[^>]*>dev-\d+', text), "no bare ids as sources"
        for href, headline, meta in sources[:3]:
            assert re.search(r"\d{4}-\d\d-\d\d$", meta), meta  # publisher, date
            doc = httpx.get(base_url + href)
            assert doc.status_code == 200 and html_unescape(headline) in html_unescape(doc.text), href
    assert httpx.get(base_url + "/document/no-such-doc").status_code == 404
    assert httpx.get(base_url + "/document/..%2Fx").status_code == 404


def html_unescape(text: str) -> str:
    import html
    return html.unescape(text)


def test_timeline_at_tillaberi_keeps_only_what_is_inside(base_url: str) -> None:
    """Each event of the timeline filtered by place=Tillaberi is at Tillaberi or at a place within
    it, as the graph says (ckg:within, asked over /sparql)."""
    text = httpx.get(base_url + "/timeline", params={"place": "Tillaberi", "limit": 500}).text
    rows = re.findall(r'<tr class="event".*?</tr>', text, re.S)
    assert rows
    tillaberi = "https://w3id.org/conflict-kg/id/region/tillaberi"
    for row in rows:
        place = re.search(r'<td><a href="/entity/([a-z-]+/[a-z0-9-]+)">', row.split('class="date"')[1])
        assert place, row[:300]
        iri = "https://w3id.org/conflict-kg/id/" + place.group(1)
        ask = httpx.post(base_url + "/sparql", data={"query": f"ASK {{ <{iri}> ckg:within* <{tillaberi}> }}"},
                         headers={"Accept": "application/sparql-results+json"}).json()
        assert ask["boolean"], iri
    every = re.findall(r'<tr class="event"', httpx.get(base_url + "/timeline", params={"limit": 500}).text)
    assert len(rows) < len(every)


def test_timeline_at_tillaberi_in_the_browser(page: Page, base_url: str) -> None:
    """In Chromium: the timeline's form set to place=Tillaberi shows only events at Tillaberi or at
    places inside it (ckg:within, asked over /sparql), fewer than the whole timeline."""
    p = page.page
    p.goto(base_url + "/timeline?limit=500")
    everywhere = p.locator("tr.event").count()
    p.fill("form.filter input[name=place]", "Tillaberi")
    p.locator("form.filter").evaluate("f => f.requestSubmit()")
    p.wait_for_url(re.compile(r"/timeline\?.*place=Tillaberi"))
    places = p.locator("tr.event").evaluate_all("""rows => rows.map(r => {
        const a = r.querySelectorAll('td')[2].querySelector('a[href^="/entity/"]');  // date, type, place
        return a && a.getAttribute('href'); })""")
    assert places and None not in places, places
    assert len(places) < everywhere
    tillaberi = "https://w3id.org/conflict-kg/id/region/tillaberi"
    for href in set(places):
        iri = "https://w3id.org/conflict-kg/id/" + href.removeprefix("/entity/")
        ask = httpx.post(base_url + "/sparql", data={"query": f"ASK {{ <{iri}> ckg:within* <{tillaberi}> }}"},
                         headers={"Accept": "application/sparql-results+json"}).json()
        assert ask["boolean"], iri
    screenshot_and_check(page, "timeline-tillaberi.png")


def test_source_link_opens_its_document_page(page: Page, base_url: str) -> None:
    from playwright.sync_api import expect

    p = page.page
    p.goto(base_url + "/timeline?place=Tillaberi")
    screenshot_and_check(page, "timeline.png")
    first = p.locator("a.source").first
    headline = first.inner_text()
    first.click()
    p.wait_for_url(re.compile(r"/document/[a-z0-9-]+$"))
    expect(p.locator("h1")).to_have_text(headline)
    expect(p.locator("table.facts")).to_contain_text("publisher")
    screenshot_and_check(page, "document.png")


def test_query_results_open_the_apps_entity_pages(page: Page, base_url: str) -> None:
    from playwright.sync_api import expect

    p = page.page
    p.goto(base_url + "/")
    p.wait_for_selector(".yasgui .yasqe .CodeMirror")
    panel = p.locator(".tabPanel.active")
    panel.locator(".yasqe_queryButton").click()
    table = panel.locator(".yasr table.dataTable tbody")
    expect(table).to_contain_text("Russia", timeout=20_000)
    russia = table.locator('a[data-iri="https://w3id.org/conflict-kg/id/state/russia"]')
    expect(russia).to_have_attribute("href", "/entity/state/russia")
    # the link reads as a short prefixed name, the full IRI is its tooltip
    expect(russia).to_have_text("ckgr:state/russia")
    expect(russia).to_have_attribute("title", "https://w3id.org/conflict-kg/id/state/russia")
    assert table.locator('a[href^="https://w3id.org/conflict-kg/id/"]').count() == 0
    texts = table.locator("a").all_inner_texts()
    assert texts and not [t for t in texts if "w3id.org/conflict-kg/id/" in t], texts
    screenshot_and_check(page, "home.png")
    russia.click()
    p.wait_for_url(base_url + "/entity/state/russia")
    expect(p.locator("h1")).to_contain_text("Russia")


def test_neighbourhood_has_a_legend_and_no_overlapping_labels(page: Page, base_url: str) -> None:
    from playwright.sync_api import expect

    p = page.page
    p.goto(base_url + "/entity/state/niger")
    p.wait_for_function("window.ckgCy && document.getElementById('cy').dataset.overlaps")
    # every type drawn has a legend entry of the node's own colour
    drawn = p.evaluate("""() => { const out = {}; window.ckgCy.nodes(':visible').forEach(n => {
        out[n.data('type') || ''] = n.style('background-color'); }); return out; }""")
    legend = p.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#cy-legend .legend-type')]
        .map(e => [e.dataset.type, getComputedStyle(e.querySelector('.swatch')).backgroundColor]))""")
    assert len(drawn) >= 3
    for t, colour in drawn.items():
        assert legend[t].replace(" ", "") == colour.replace(" ", ""), (t, legend.get(t), colour)

    def boxes() -> list[dict]:
        return p.evaluate("""() => window.ckgCy.nodes(':visible').map(n =>
            n.boundingBox({includeLabels: true, includeOverlays: false}))""")

    def overlapping(bs: list[dict]) -> list[tuple[int, int]]:
        return [(i, j) for i, a in enumerate(bs) for j, b in enumerate(bs[i + 1:], i + 1)
                if a["x1"] < b["x2"] and b["x1"] < a["x2"] and a["y1"] < b["y2"] and b["y1"] < a["y2"]]

    total = p.evaluate("window.ckgCy.nodes().length")
    shown = len(boxes())
    assert shown <= 13 and not overlapping(boxes())
    # readable: labels drawn at 8 px or more on the screen
    assert p.evaluate("window.ckgCy.zoom() * 11") >= 8
    if total > shown:
        more = p.locator("#cy-more")
        expect(more).to_be_visible()
        screenshot_and_check(page, "entity-neighbourhood.png")
        more.click()
        assert len(boxes()) > shown and not overlapping(boxes())
