"""The analyst's workbench (api/workbench.py): the map and the charts, on the dev corpus served by
a real `kg serve`, driven in Debian's Chromium through Playwright. No request may leave our server
(no tiles, no CDN); screenshots go to tests/output/."""

from __future__ import annotations

import itertools

import httpx
import pytest

from tests.test_pages import Page, base_url, browser, page, screenshot_and_check  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow


def test_data_routes_validate_and_answer(base_url: str) -> None:  # noqa: F811
    points = httpx.get(f"{base_url}/workbench/points.json", timeout=60).json()
    assert points["points"] and not points["truncated"]
    for p in points["points"]:
        assert -90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180, p
        assert p["type"] in ("Attack", "Coup", "Withdrawal", "Deployment", "Agreement")
    attacks = httpx.get(f"{base_url}/workbench/points.json", params={"type": "Attack"}, timeout=60).json()
    assert 0 < len(attacks["points"]) < len(points["points"])
    assert {p["type"] for p in attacks["points"]} == {"Attack"}
    dated = httpx.get(f"{base_url}/workbench/points.json", params={"from": "2024-06", "to": "2024-06"},
                      timeout=60).json()["points"]
    assert dated and all(p["date"] and p["date"].startswith("2024-06") for p in dated)
    for bad in ({"place": "Tillaberi"}, {"from": "June"}, {"type": "Party"}, {"actor": "state/ni ger"}):
        r = httpx.get(f"{base_url}/workbench/points.json", params=bad, timeout=60)
        assert r.status_code == 422, (bad, r.status_code)
    assert httpx.get(f"{base_url}/workbench/casualties.json", params={"casualty": "Eaten"},
                     timeout=60).status_code == 422
    assert httpx.get(f"{base_url}/workbench/vendor/../../pyproject.toml", timeout=60).status_code == 404


def test_map_draws_the_events_offline(page: Page, base_url: str) -> None:  # noqa: F811
    page.page.goto(f"{base_url}/map")
    page.page.wait_for_selector("#kg-map[data-drawn]", timeout=60_000)
    drawn = int(page.page.get_attribute("#kg-map", "data-drawn") or 0)
    want = len(httpx.get(f"{base_url}/workbench/points.json", timeout=60).json()["points"])
    assert drawn == want > 5
    assert page.page.locator("#kg-map circle.event").count() == want
    assert page.page.locator("#kg-map path.country").count() > 100  # the outlines from world-atlas
    assert page.page.locator("#map-table tbody tr").count() == want
    screenshot_and_check(page, "map.png")


def test_map_filtered_by_place_keeps_what_is_inside(page: Page, base_url: str) -> None:  # noqa: F811
    page.page.goto(f"{base_url}/map?place=state/niger&type=Attack")
    page.page.wait_for_selector("#kg-map[data-drawn]", timeout=60_000)
    everywhere = httpx.get(f"{base_url}/workbench/points.json", params={"type": "Attack"}, timeout=60).json()
    in_niger = int(page.page.get_attribute("#kg-map", "data-drawn") or 0)
    assert 0 < in_niger < len(everywhere["points"])
    screenshot_and_check(page, "map-niger-attacks.png")


def test_chart_of_nigers_soldiers_killed_by_month(page: Page, base_url: str) -> None:  # noqa: F811
    page.page.goto(f"{base_url}/charts?actor=state/niger")
    page.page.wait_for_selector("#chart-casualties[data-drawn]", timeout=60_000)
    months = page.page.locator("#table-casualties tr[data-month]")
    assert months.count() >= 2
    soldiers = page.page.locator('#table-casualties td[data-series="Soldiers"]').all_inner_texts()
    assert sum(int(v) for v in soldiers) > 0
    data = httpx.get(f"{base_url}/workbench/casualties.json", params={"actor": "state/niger"}, timeout=60).json()
    assert [int(v) for v in soldiers] == data["categories"]["Soldiers"]
    assert data["months"] == sorted(data["months"])
    # the canvas was painted: some pixel is not blank
    painted = page.page.evaluate("""() => { const c = document.getElementById('chart-casualties');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) return true; } return false; }""")
    assert painted
    page.page.wait_for_selector("#chart-events[data-drawn]", timeout=60_000)
    screenshot_and_check(page, "charts-niger.png")


def test_filters_keep_the_place_and_the_actor_themselves(base_url: str) -> None:  # noqa: F811
    """A place filter keeps events at the place itself as well as inside it; an actor filter
    keeps the actor's own events as well as its forces'."""
    def pts(**params: str) -> list[dict]:
        return httpx.get(f"{base_url}/workbench/points.json", params=params, timeout=60).json()["points"]

    tillaberi = "https://w3id.org/conflict-kg/id/region/tillaberi"
    at_region = [p for p in pts(place="region/tillaberi") if p["place"] == tillaberi]
    assert at_region, "events placed at Tillaberi itself"
    assert len(pts(place="state/niger")) > len(pts(place="region/tillaberi"))
    jnim = pts(actor="armed-group/jamaat-nusrat-al-islam-wal-muslimin")
    assert jnim, "JNIM's own attacks"
    # a base without coordinates is drawn at the country around it, and says so
    assert any(p["approximate"] for p in jnim)
    assert sum(p["killed"] for p in pts()) >= sum(p["killed"] for p in pts(type="Attack"))


def test_entity_pages_have_a_map(page: Page, base_url: str) -> None:  # noqa: F811
    for path in ("/entity/state/niger", "/entity/armed-group/jamaat-nusrat-al-islam-wal-muslimin"):
        page.page.goto(f"{base_url}{path}")
        page.page.wait_for_selector("#kg-map[data-drawn]", timeout=60_000)
        assert int(page.page.get_attribute("#kg-map", "data-drawn") or 0) > 0, path
        assert page.page.locator('a[href^="/charts?"]').count() == 1
    screenshot_and_check(page, "entity-map.png")


def test_map_sizes_by_killed_and_colours_by_type(page: Page, base_url: str) -> None:  # noqa: F811
    """Each dot's area grows with the people killed, and each event type has one colour of its own."""
    page.page.goto(f"{base_url}/map")
    page.page.wait_for_selector("#kg-map[data-drawn]", timeout=60_000)
    points = {p["event"]: p for p in httpx.get(f"{base_url}/workbench/points.json", timeout=60).json()["points"]}
    drawn = page.page.evaluate("""() => [...document.querySelectorAll('#kg-map circle.event')].map(c =>
        [c.dataset.event, parseFloat(c.getAttribute('r')), c.getAttribute('fill')])""")
    assert {e for e, _, _ in drawn} == set(points)
    by_killed = sorted((points[e]["killed"], r) for e, r, _ in drawn)
    assert all(r1 <= r2 for (k1, r1), (k2, r2) in itertools.pairwise(by_killed) if k1 < k2), by_killed
    assert by_killed[0][1] < by_killed[-1][1], "the deadliest event is drawn larger than a bloodless one"
    colours: dict[str, set[str]] = {}
    for e, _, fill in drawn:
        colours.setdefault(points[e]["type"], set()).add(fill)
    assert len(colours) >= 3 and all(len(c) == 1 for c in colours.values()), colours
    assert len({next(iter(c)) for c in colours.values()}) == len(colours), "one colour per type"
    # the legend gives each type drawn in the colour of its dots
    legend = page.page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('.legend li')]
        .map(li => [li.textContent.trim(), getComputedStyle(li.querySelector('.swatch')).backgroundColor]))""")
    for kind, fill in colours.items():
        hex_ = next(iter(fill)).lstrip("#")
        rgb = "rgb({}, {}, {})".format(*(int(hex_[i:i + 2], 16) for i in (0, 2, 4)))
        assert legend.get(kind) == rgb, (kind, legend.get(kind), rgb)


def test_map_filter_form_in_the_browser(page: Page, base_url: str) -> None:  # noqa: F811
    """The map's form filters by type and dates as a user sets them."""
    p = page.page
    p.goto(f"{base_url}/map")
    p.wait_for_selector("#kg-map[data-drawn]", timeout=60_000)
    p.select_option("form.filters select[name=type]", "Attack")
    p.fill("form.filters input[name=from]", "2024-06")
    p.fill("form.filters input[name=to]", "2024-07")
    p.click("form.filters button[type=submit]")
    p.wait_for_url("**/map?*type=Attack*")
    p.wait_for_selector("#kg-map[data-drawn]", timeout=60_000)
    want = httpx.get(f"{base_url}/workbench/points.json",
                     params={"type": "Attack", "from": "2024-06", "to": "2024-07"}, timeout=60).json()["points"]
    assert want and int(p.get_attribute("#kg-map", "data-drawn") or 0) == len(want)
    assert p.locator("#kg-map circle.event").count() == p.locator("#kg-map circle.event-attack").count() == len(want)
    screenshot_and_check(page, "map-attacks-june-july-2024.png")


def test_charts_for_the_corpus_and_a_place(page: Page, base_url: str) -> None:  # noqa: F811
    """The charts of the whole corpus and of a place: the tables under them hold the route's figures
    (killed by month and victim category; events by type and month)."""
    for query, shot in (("", "charts.png"), ("?place=region/tillaberi", "charts-tillaberi.png")):
        page.page.goto(f"{base_url}/charts{query}")
        page.page.wait_for_selector("#chart-casualties[data-drawn]", timeout=60_000)
        page.page.wait_for_selector("#chart-events[data-drawn]", timeout=60_000)
        params = {"place": "region/tillaberi"} if query else {}
        killed = httpx.get(f"{base_url}/workbench/casualties.json", params=params, timeout=60).json()
        counts = httpx.get(f"{base_url}/workbench/event-counts.json", params=params, timeout=60).json()
        assert killed["months"] and counts["months"], query
        shown = page.page.locator("#table-casualties tr[data-month]").evaluate_all(
            "rows => rows.map(r => r.dataset.month)")
        assert shown == killed["months"], query
        for table, data in (("table-casualties", killed["categories"]), ("table-events", counts["types"])):
            for series, values in data.items():
                cells = page.page.locator(f'#{table} td[data-series="{series}"]').all_inner_texts()
                assert [int(v) for v in cells] == (values if any(values) else []), (query, series)
        # the casualty chart is stacked, one dataset a victim category, as the table says
        stacked = page.page.evaluate("""() => { const c = Chart.getChart('chart-casualties');
            return [c.options.scales.x.stacked, c.options.scales.y.stacked, c.data.datasets.map(d => d.label)]; }""")
        assert stacked[:2] == [True, True], stacked
        assert stacked[2] == [c for c, v in killed["categories"].items() if any(v)], stacked
        screenshot_and_check(page, shot)
    corpus = httpx.get(f"{base_url}/workbench/casualties.json", timeout=60).json()
    place = httpx.get(f"{base_url}/workbench/casualties.json", params={"place": "region/tillaberi"}, timeout=60).json()
    assert sum(map(sum, place["categories"].values())) < sum(map(sum, corpus["categories"].values()))


def test_a_place_page_has_a_map(page: Page, base_url: str) -> None:  # noqa: F811
    page.page.goto(f"{base_url}/entity/region/tillaberi")
    page.page.wait_for_selector("#kg-map[data-drawn]", timeout=60_000)
    drawn = int(page.page.get_attribute("#kg-map", "data-drawn") or 0)
    want = httpx.get(f"{base_url}/workbench/points.json", params={"place": "region/tillaberi"}, timeout=60).json()
    assert drawn == len(want["points"]) > 0
    screenshot_and_check(page, "entity-tillaberi.png")
