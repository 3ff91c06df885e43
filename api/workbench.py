"""The analyst's workbench: a map of events and casualty charts.

``workbench_router(store)`` gives

* ``/map`` — events as points at their places' coordinates (WGS84), sized by the people killed and
  coloured by event type, over country outlines (``world-atlas`` TopoJSON drawn with ``d3-geo``),
  filtered by dates, type, place and actor; a table lists what is drawn;
* ``/charts`` — casualties by month stacked by victim category, and events by type and month, for
  the whole corpus, a place (with the places inside it) or an actor (Chart.js); each chart has its
  figures in a table beside it;
* ``/workbench/points.json``, ``/workbench/casualties.json``, ``/workbench/event-counts.json`` —
  the data the pages draw, for any other client too;
* ``/workbench/vendor/…`` and ``/workbench/static/…`` — the npm libraries (``make web``) and our
  scripts. Nothing is fetched from anywhere but this server: no tile server, no CDN.

Every query is a named ``.rq`` file in ``api/queries/``; user values are validated (entity keys
``type/slug``, dates ``YYYY[-MM[-DD]]``, a closed list of event and casualty types) and bound as
terms (``VALUES`` of pyoxigraph-built terms), never as raw user text.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse, Response

from api.pages import esc, page, static_file
from api.queries import text as query_text
from kg import resources
from kg.namespaces import CKG, CKGR, EVENT_TYPES
from kg.store import Store

STATIC_DIR = resources.static_dir()
NODE_MODULES = resources.web_dir()
JS = "text/javascript; charset=utf-8"
JSON = "application/json"

#: /workbench/vendor/{name} -> file under node_modules
VENDOR: dict[str, tuple[str, str]] = {
    "d3-array.min.js": ("d3-array/dist/d3-array.min.js", JS),
    "d3-geo.min.js": ("d3-geo/dist/d3-geo.min.js", JS),
    "topojson-client.min.js": ("topojson-client/dist/topojson-client.min.js", JS),
    "countries-50m.json": ("world-atlas/countries-50m.json", JSON),
    "chart.umd.min.js": ("chart.js/dist/chart.umd.min.js", JS),
}
OWN: dict[str, str] = {"map.js": JS, "charts.js": JS}

KEY = re.compile(r"^[a-z0-9-]+/[a-z0-9-]+$")
DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
CASUALTY_TYPES = ("Killed", "Wounded", "Missing", "Abducted")
CATEGORIES = ("Soldiers", "Civilians", "Militants", "Unspecified")
MAX_POINTS = 5000
EventType = Literal["Attack", "Coup", "Withdrawal", "Deployment", "Agreement"]
CasualtyType = Literal["Killed", "Wounded", "Missing", "Abducted"]

#: filter fragments: constant text, their values bound as terms
# (zero-or-one paths: the place itself or a place within it; the actor itself or its forces or
# government. A FILTER alone in a UNION branch would see none of the outer bindings.)
PLACE_FILTER = "?e ckg:occurredAt ?at . ?at ckg:within? ?placeIri ."
ACTOR_FILTER = ("{ ?e ckg:perpetrator|ckg:target|ckg:participant ?who } UNION { ?e ckg:casualties/ckg:victim ?who } "
                "?who (ckg:armedForcesOf|ckg:governs)? ?actorIri .")
FROM_FILTER = "FILTER(BOUND(?d) && SUBSTR(STR(?d), 1, STRLEN(?from)) >= ?from)"
TO_FILTER = "FILTER(BOUND(?d) && SUBSTR(STR(?d), 1, STRLEN(?to)) <= ?to)"
TYPE_FILTER = "FILTER(?type = ?onlyType)"


class Filters:
    """Validated filters: entity keys, dates, an event type."""

    def __init__(self, *, place: str | None = None, actor: str | None = None, type_: str | None = None,
                 from_: str | None = None, to: str | None = None) -> None:
        for name, value in (("place", place), ("actor", actor)):
            if value is not None and not KEY.match(value):
                raise HTTPException(422, f"{name} must be an entity key such as state/niger, not {value!r}")
        for name, value in (("from", from_), ("to", to)):
            if value is not None and not DATE.match(value):
                raise HTTPException(422, f"{name} must be YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
        if type_ is not None and type_ not in EVENT_TYPES:
            raise HTTPException(422, f"type must be one of {', '.join(EVENT_TYPES)}, not {type_!r}")
        self.place, self.actor, self.type, self.from_, self.to = place, actor, type_, from_, to

    def apply(self, query: str, **bindings: str) -> str:
        """The query with its filter fragments, every value bound by a VALUES clause of a term
        that pyoxigraph built (and so serialised with its own escaping) from a validated value."""
        fragments = []
        if self.place:
            fragments.append(PLACE_FILTER)
            bindings["placeIri"] = f"{CKGR}{self.place}"
        if self.actor:
            fragments.append(ACTOR_FILTER)
            bindings["actorIri"] = f"{CKGR}{self.actor}"
        if self.from_:
            fragments.append(FROM_FILTER)
            bindings["from"] = self.from_
        if self.to:
            fragments.append(TO_FILTER)
            bindings["to"] = self.to
        if self.type:
            fragments.append(TYPE_FILTER)
            bindings["onlyType"] = f"{CKG}{self.type}"
        values = [f"VALUES ?{name} {{ {term(value)} }}" for name, value in bindings.items()]
        return query.replace("#FILTERS#", "\n  ".join(values + fragments))

    def as_query(self) -> dict[str, str]:
        pairs = {"place": self.place, "actor": self.actor, "type": self.type, "from": self.from_, "to": self.to}
        return {k: v for k, v in pairs.items() if v}


def term(value: str) -> str:
    """A validated value as a SPARQL term: an IRI of ours or a plain literal."""
    if value.startswith((str(CKGR), str(CKG))):
        return str(ox.NamedNode(value))
    return str(ox.Literal(value))


def local(iri: str | None) -> str | None:
    return iri.rsplit("#", 1)[-1] if iri else None


def points(store: Store, filters: Filters, limit: int = MAX_POINTS) -> dict[str, Any]:
    query = filters.apply(query_text("workbench_points"))
    rows = store.select(f"{query}\nLIMIT {int(limit) + 1}")
    out = []
    for row in rows[:limit]:
        try:
            lat, lon = float(row["lat"] or ""), float(row["lon"] or "")
        except ValueError:
            continue
        out.append({"event": row["e"], "type": local(row["type"]), "date": row["date"],
                    "place": row["place"], "placeLabel": row["placeLabel"], "lat": lat, "lon": lon,
                    "precision": local(row["precision"]), "killed": _killed(row["killed"]),
                    "approximate": row.get("approximate") in ("true", "1")})
    return {"points": out, "truncated": len(rows) > limit, "limit": limit}


def _killed(figures: str | None) -> int:
    """The sum of "casualty-IRI count|…" (each casualty node once)."""
    total = 0
    for item in (figures or "").split("|"):
        _, _, count = item.rpartition(" ")
        if count.isdigit():
            total += int(count)
    return total


def casualties(store: Store, filters: Filters, casualty_type: str = "Killed") -> dict[str, Any]:
    if casualty_type not in CASUALTY_TYPES:
        raise HTTPException(422, f"casualty must be one of {', '.join(CASUALTY_TYPES)}")
    query = filters.apply(query_text("workbench_casualties"), ctype=f"{CKG}{casualty_type}")
    series: dict[str, dict[str, int]] = {}
    for row in store.select(query):
        month, category = row["month"] or "", local(row["category"]) or "Unspecified"
        series.setdefault(month, {c: 0 for c in CATEGORIES})[category] = int(float(row["count"] or 0))
    months = sorted(series)
    return {"casualty": casualty_type, "months": months,
            "categories": {c: [series[m][c] for m in months] for c in CATEGORIES}}


def event_counts(store: Store, filters: Filters) -> dict[str, Any]:
    query = filters.apply(query_text("workbench_event_counts"))
    series: dict[str, dict[str, int]] = {}
    for row in store.select(query):
        series.setdefault(row["month"] or "", {t: 0 for t in EVENT_TYPES})[local(row["type"]) or ""] = \
            int(row["events"] or 0)
    months = sorted(series)
    return {"months": months, "types": {t: [series[m].get(t, 0) for m in months] for t in EVENT_TYPES}}


# ------------------------------------------------------------------ pages
def _form(action: str, filters: Filters, *, with_type: bool) -> str:
    values = filters.as_query()

    def field(name: str, label: str, placeholder: str) -> str:
        return (f'<label>{label} <input name="{name}" value="{esc(values.get(name, ""))}" '
                f'placeholder="{placeholder}" size="14"></label>')

    type_select = ""
    if with_type:
        options = "".join(f'<option value="{t}"{" selected" if filters.type == t else ""}>{t}</option>'
                          for t in EVENT_TYPES)
        type_select = f'<label>type <select name="type"><option value="">any</option>{options}</select></label>'
    return (f'<form class="filters" method="get" action="{action}">'
            f'{field("from", "from", "2023-01")} {field("to", "to", "2024-12")} {type_select} '
            f'{field("place", "place", "region/tillaberi")} {field("actor", "actor", "state/niger")} '
            f'<button type="submit">Filter</button> <a href="{action}">clear</a></form>')


def _scripts(*names: str) -> str:
    return "\n".join(f'<script src="{n}"></script>' for n in names)


def _query_string(filters: Filters) -> str:
    from urllib.parse import urlencode

    return urlencode(filters.as_query())


def map_page(filters: Filters) -> HTMLResponse:
    qs = _query_string(filters)
    legend = "".join(f'<li><span class="swatch swatch-{t.lower()}"></span>{t}</li>' for t in EVENT_TYPES)
    body = f"""<h1>Map of events</h1>
{_form("/map", filters, with_type=True)}
<p class="hint">Each dot is one event at its place; its size grows with the people killed. Places
are drawn at their coordinates (towns exactly, regions and countries at their centre).</p>
<div class="map-wrap"><svg id="kg-map" data-points="/workbench/points.json?{esc(qs)}"
     data-outlines="/workbench/vendor/countries-50m.json" role="img" aria-label="map of events"></svg>
<ul class="legend">{legend}<li><span class="swatch swatch-size"></span>size: killed</li></ul></div>
<p id="map-status" class="hint">loading ...</p>
<table class="events" id="map-table"><thead><tr><th>date</th><th>type</th><th>place</th>
<th>killed</th></tr></thead><tbody></tbody></table>"""
    return page("Map", body, scripts=_scripts("/workbench/vendor/d3-array.min.js", "/workbench/vendor/d3-geo.min.js",
                                              "/workbench/vendor/topojson-client.min.js", "/workbench/static/map.js"))


def charts_page(filters: Filters) -> HTMLResponse:
    qs = _query_string(filters)
    scope = " · ".join(f"{k} {v}" for k, v in filters.as_query().items()) or "the whole corpus"
    body = f"""<h1>Casualties and events over time</h1>
{_form("/charts", filters, with_type=False)}
<p class="hint">For {esc(scope)}. Each event counts once, with the most conservative figure its
sources give.</p>
<section class="chart"><h2>Killed by month, by victim category</h2>
<canvas id="chart-casualties" data-src="/workbench/casualties.json?{esc(qs)}" height="110"></canvas>
<table class="figures" id="table-casualties"></table></section>
<section class="chart"><h2>Events by type and month</h2>
<canvas id="chart-events" data-src="/workbench/event-counts.json?{esc(qs)}" height="110"></canvas>
<table class="figures" id="table-events"></table></section>"""
    return page("Charts", body, scripts=_scripts("/workbench/vendor/chart.umd.min.js", "/workbench/static/charts.js"))


def workbench_router(store: Store) -> APIRouter:
    router = APIRouter()

    def filters(place: str | None, actor: str | None, type_: str | None, from_: str | None,
                to: str | None) -> Filters:
        return Filters(place=place or None, actor=actor or None, type_=type_ or None,
                       from_=from_ or None, to=to or None)

    @router.get("/map", response_class=HTMLResponse, include_in_schema=False)
    def map_(place: str | None = None, actor: str | None = None, type: str | None = None,  # noqa: A002
             from_: str | None = Query(None, alias="from"), to: str | None = None) -> HTMLResponse:
        return map_page(filters(place, actor, type, from_, to))

    @router.get("/charts", response_class=HTMLResponse, include_in_schema=False)
    def charts(place: str | None = None, actor: str | None = None,
               from_: str | None = Query(None, alias="from"), to: str | None = None) -> HTMLResponse:
        return charts_page(filters(place, actor, None, from_, to))

    # the JSON routes declare their checks in the OpenAPI (patterns, enums): a request the schema
    # allows is answered, one it does not gets FastAPI's 422
    # (a fresh Query per parameter: FastAPI binds a shared one to a single name)
    def Key() -> Any:  # noqa: N802
        return Query(None, pattern=KEY.pattern, description="an entity key, e.g. state/niger",
                     examples=["state/niger"])

    def From() -> Any:  # noqa: N802
        return Query(None, alias="from", pattern=DATE.pattern, description="YYYY, YYYY-MM or YYYY-MM-DD, inclusive")

    def To() -> Any:  # noqa: N802
        return Query(None, pattern=DATE.pattern, description="YYYY, YYYY-MM or YYYY-MM-DD, inclusive")

    @router.get("/workbench/points.json", tags=["workbench"], summary="Events as map points")
    def points_json(place: str | None = Key(), actor: str | None = Key(),  # noqa: UP007
                    type: EventType | None = None,  # noqa: A002, UP007
                    from_: str | None = From(), to: str | None = To(),  # noqa: UP007
                    limit: int = Query(MAX_POINTS, ge=1, le=MAX_POINTS)) -> dict[str, Any]:
        return points(store, filters(place, actor, type, from_, to), limit)

    @router.get("/workbench/casualties.json", tags=["workbench"], summary="Casualties by month and category")
    def casualties_json(place: str | None = Key(), actor: str | None = Key(),  # noqa: UP007
                        from_: str | None = From(), to: str | None = To(),  # noqa: UP007
                        casualty: CasualtyType = "Killed") -> dict[str, Any]:
        return casualties(store, filters(place, actor, None, from_, to), casualty)

    @router.get("/workbench/event-counts.json", tags=["workbench"], summary="Events by type and month")
    def event_counts_json(place: str | None = Key(), actor: str | None = Key(),  # noqa: UP007
                          from_: str | None = From(), to: str | None = To()) -> dict[str, Any]:  # noqa: UP007
        return event_counts(store, filters(place, actor, None, from_, to))

    @router.get("/workbench/vendor/{name}", include_in_schema=False)
    def vendor(name: str) -> Response:
        entry = VENDOR.get(name)
        if entry is None:
            return Response("not found", status_code=404, media_type="text/plain; charset=utf-8")
        return static_file(NODE_MODULES / entry[0], entry[1], f"{entry[0]} is missing: run `make web` (npm ci)")

    @router.get("/workbench/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        media_type = OWN.get(name)
        if media_type is None:
            return Response("not found", status_code=404, media_type="text/plain; charset=utf-8")
        return static_file(STATIC_DIR / name, media_type, f"api/static/{name} is missing")

    return router
