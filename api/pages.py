"""Browser pages: a SPARQL query page, one page per entity, a timeline of events.

``pages_router(store)`` gives an :class:`~fastapi.APIRouter` with

* ``/`` — a query page built on YASGUI (``/sparql`` as its endpoint) with example
  queries in tabs, ready to run, and links to the entity pages and the timeline;
* ``/entity/{type_slug}/{slug}`` (``/entity/state/niger``) — the entity's labels, type,
  Wikidata link, relations in and out, events, partnerships and source documents,
  with a Cytoscape drawing of its neighbourhood (data embedded as JSON); 404 page
  for an unknown entity;
* ``/timeline`` — events in date order with their casualty figures
  (``?type=Attack`` keeps one event type);
* ``/static/…`` — our own stylesheet and scripts (``api/static``) and, under
  ``/static/vendor/``, YASGUI and Cytoscape from ``node_modules`` (``make web``),
  always with ``charset=utf-8``. Nothing is fetched from the internet.

Every page is built server side from SPARQL on the store: user values are bound with
``store.select(query, **bindings)``, never formatted into the query text (the IRI of
an entity is built from slugs checked against ``^[a-z0-9-]+$`` and a closed list of
type slugs). Quarantine graphs (what the SHACL gate kept out) are left out; the same
fact stated by several articles is shown once. Every text is escaped with
:func:`html.escape`.
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kg.ids import type_slug
from kg.namespaces import CKG, CKGR, DERIVED_GRAPH, ENTITY_TYPES, EVENT_TYPES, QUARANTINE_GRAPH
from kg.store import Store

ROOT = Path(__file__).resolve().parents[1]
STATIC_DIR = Path(__file__).resolve().with_name("static")
NODE_MODULES = ROOT / "node_modules"

JS = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"

#: /static/vendor/{path} -> (file under node_modules, media type); nothing else is served from there
VENDOR_FILES: dict[str, tuple[str, str]] = {
    "yasgui/yasgui.min.js": ("@zazuko/yasgui/build/yasgui.min.js", JS),
    "yasgui/yasgui.min.css": ("@zazuko/yasgui/build/yasgui.min.css", CSS),
    "cytoscape/cytoscape.min.js": ("cytoscape/dist/cytoscape.min.js", JS),
    "swagger/swagger-ui-bundle.js": ("swagger-ui-dist/swagger-ui-bundle.js", JS),
    "swagger/swagger-ui.css": ("swagger-ui-dist/swagger-ui.css", CSS),
}
#: /static/{name} -> media type, files of api/static
OWN_FILES: dict[str, str] = {"style.css": CSS, "query.js": JS, "entity.js": JS}

SLUG = re.compile(r"^[a-z0-9-]+$")
#: type slug of an entity key -> class local name (state -> State)
SLUG_TYPES: dict[str, str] = {type_slug(t): t for t in ENTITY_TYPES}
ENTITY_IRI = re.compile(re.escape(str(CKGR)) + r"([a-z0-9-]+)/([a-z0-9-]+)$")
CKG_NS = str(CKG)
WD_NS = "http://www.wikidata.org/entity/"

PREFIXES = """PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX ckgr: <https://w3id.org/conflict-kg/id/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX schema: <https://schema.org/>
"""


def _clean(var: str) -> str:
    """A filter keeping graph ``var`` unless it is a quarantine graph."""
    return f'FILTER(!STRSTARTS(STR({var}), "{QUARANTINE_GRAPH}"))'


EVENT_TYPE_VALUES = "VALUES ?type { " + " ".join(f"ckg:{t}" for t in EVENT_TYPES) + " }"
ENTITY_TYPE_VALUES = "VALUES ?type { " + " ".join(f"ckg:{t}" for t in ENTITY_TYPES) + " }"
ROLES = ("occurredAt", "perpetrator", "target", "participant")
ROLE_NAMES = {"occurredAt": "place", "perpetrator": "perpetrator", "target": "target",
              "participant": "participant", "within": "in a place within"}
STATUS_COLOURS = {"Active": "#2e7d32", "Ended": "#c62828"}
MAX_EVENTS = 1000

# ---------------------------------------------------------------- example queries
NIGER = "https://w3id.org/conflict-kg/id/state/niger"
EXAMPLES: list[dict[str, str]] = [
    {
        "name": "Niger's partners",
        "description": "Niger's partners and the status of each partnership: ckg:status, in the "
                       "derived graph, is the status stated by the latest article about the pair.",
        "query": f"""PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

# Niger's partners and the status of each partnership.
# ckg:status lives in the derived graph: the status stated by the latest
# article about the pair (ckg:statedStatus is what each article says).
SELECT ?partner (SAMPLE(?name) AS ?partnerName) ?status
       (COUNT(DISTINCT ?p) AS ?statements)
WHERE {{
  GRAPH <{DERIVED_GRAPH}> {{ ?p ckg:status ?status }}
  ?p a ckg:Partnership ;
     ckg:partner <{NIGER}>, ?partner .
  FILTER(?partner != <{NIGER}>)
  ?partner rdfs:label ?name .
}}
GROUP BY ?partner ?status
ORDER BY ?status ?partnerName
""",
    },
    {
        "name": "Soldiers killed by region and month",
        "description": "Soldiers killed in attacks, summed by the region of the place "
                       "(ckg:locatedIn*) and by month.",
        "query": """PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

# Soldiers killed in attacks, by region and month.
# The same triple stated by several articles is matched once per article
# graph, so the figures are first made DISTINCT, then summed.
SELECT ?region ?month (SUM(?n) AS ?soldiersKilled) (COUNT(DISTINCT ?attack) AS ?attacks)
WHERE {
  {
    SELECT DISTINCT ?attack ?c ?n ?region ?month WHERE {
      ?attack a ckg:Attack ;
              ckg:occurredAt ?place ;
              ckg:casualties ?c .
      ?c ckg:casualtyType ckg:Killed ;
         ckg:victimCategory ckg:Soldiers ;
         ckg:count ?n .
      ?place rdfs:label ?placeName .
      OPTIONAL { ?place ckg:locatedIn* ?r . ?r a ckg:Region ; rdfs:label ?regionName }
      OPTIONAL { ?attack ckg:date ?date }
      BIND(COALESCE(?regionName, CONCAT(?placeName, " (no region known)")) AS ?region)
      BIND(COALESCE(SUBSTR(STR(?date), 1, 7), "undated") AS ?month)
    }
  }
}
GROUP BY ?region ?month
ORDER BY ?month ?region
""",
    },
    {
        "name": "Armed groups",
        "description": "Armed groups, what they are affiliated with and where they are active.",
        "query": """PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

# Armed groups, their affiliations and where they are active.
SELECT ?group (SAMPLE(?label) AS ?name)
       (GROUP_CONCAT(DISTINCT ?parent; separator=", ") AS ?affiliatedWith)
       (GROUP_CONCAT(DISTINCT ?where; separator=", ") AS ?activeIn)
WHERE {
  ?group a ckg:ArmedGroup ; rdfs:label ?label .
  OPTIONAL { ?group ckg:affiliatedWith/rdfs:label ?parent }
  OPTIONAL { ?group ckg:activeIn/rdfs:label ?where }
}
GROUP BY ?group
ORDER BY ?name
""",
    },
]


# ---------------------------------------------------------------- helpers
def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def local_name(iri: str | None) -> str:
    if not iri:
        return ""
    return re.split(r"[#/]", iri)[-1]


def words(name: str) -> str:
    """'armedForcesOf' -> 'armed forces of'."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()


def entity_parts(iri: str | None) -> tuple[str, str] | None:
    """('state', 'niger') for an entity IRI, None for anything else (events, documents...)."""
    m = ENTITY_IRI.match(iri or "")
    if m and m.group(1) in SLUG_TYPES:
        return m.group(1), m.group(2)
    return None


def entity_href(iri: str | None) -> str | None:
    parts = entity_parts(iri)
    return f"/entity/{parts[0]}/{parts[1]}" if parts else None


def entity_link(iri: str | None, label: str | None) -> str:
    href = entity_href(iri)
    text = label or (entity_parts(iri) or ("", local_name(iri)))[1]
    return f'<a href="{esc(href)}">{esc(text)}</a>' if href else esc(text)


def external_link(url: str | None, html_text: str) -> str:
    """``html_text`` (already escaped) linked to ``url`` only when that is an http(s) URL: a
    ``javascript:`` or ``data:`` value from the data is shown as text, never made a link."""
    if url and re.match(r"^https?://[^\s\x00-\x20\x7f]+$", url, re.IGNORECASE):
        return f'<a href="{esc(url)}" rel="noopener noreferrer nofollow">{html_text}</a>'
    return html_text


def json_script(element_id: str, data: Any) -> str:
    """Data for the page's script, safe inside <script>."""
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="{esc(element_id)}">{text}</script>'


def page(title: str, body: str, *, head: str = "", scripts: str = "", status: int = 200) -> HTMLResponse:
    doc = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} · ConflictKG</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/style.css">
{head}
</head>
<body>
<header class="site">
  <a class="brand" href="/">ConflictKG</a>
  <nav><a href="/">Query</a> <a href="/#entities">Entities</a> <a href="/timeline">Timeline</a>
  <a href="/docs">API docs</a></nav>
</header>
<main>
{body}
</main>
{scripts}
</body>
</html>
"""
    return HTMLResponse(doc, status_code=status)


def _by_date_key(date: str | None) -> tuple[int, str]:
    return (0, date) if date else (1, "")


def casualty_text(c: dict[str, str | None]) -> str:
    category = local_name(c.get("cat")) or "Unspecified"
    who = "people" if category == "Unspecified" else category.lower()
    what = local_name(c.get("ctype")).lower()
    least = "at least " if c.get("min") == "true" else ""
    return f"{least}{c.get('n')} {who} {what}"


# ---------------------------------------------------------------- queries
def _events(store: Store, *, entity: str | None = None, type_iri: str | None = None) -> list[dict[str, Any]]:
    """Events (all, of one type, or involving one entity) with places, actors and casualties."""
    bindings: dict[str, str] = {}
    if entity is not None:
        roles = ", ".join(f"ckg:{r}" for r in ROLES)
        selection = f"""
  {{ GRAPH ?g0 {{ ?ev ?role0 ?e }} FILTER(?role0 IN ({roles})) {_clean("?g0")} }}
  UNION
  {{ GRAPH ?g0 {{ ?ev ckg:occurredAt ?pl0 }} {_clean("?g0")} ?pl0 ckg:locatedIn+ ?e . BIND("within" AS ?role0) }}
  GRAPH ?g1 {{ ?ev a ?type }} {_clean("?g1")} {EVENT_TYPE_VALUES}"""
        bindings["e"] = entity
    else:
        selection = f'GRAPH ?g1 {{ ?ev a ?type }} {_clean("?g1")} {EVENT_TYPE_VALUES}'
        if type_iri is not None:
            selection += " FILTER(?type = ?wanted)"
            bindings["wanted"] = type_iri
    # pyoxigraph substitutes only variables of the projection: the bound ones are projected
    bound = " ".join(f"?{name}" for name in bindings)
    base = store.select(PREFIXES + f"""
SELECT {bound} ?ev ?type (SAMPLE(?d) AS ?date) (SAMPLE(?pl) AS ?place) (SAMPLE(?pll) AS ?placeLabel)
       (SAMPLE(?doc) AS ?document) (SAMPLE(?pub) AS ?published) (SAMPLE(?evid) AS ?evidence)
       (GROUP_CONCAT(DISTINCT STR(?role0); separator=" ") AS ?roles)
WHERE {{
  {selection}
  OPTIONAL {{ GRAPH ?g2 {{ ?ev ckg:date ?d }} {_clean("?g2")} }}
  OPTIONAL {{ GRAPH ?g3 {{ ?ev ckg:occurredAt ?pl }} {_clean("?g3")} OPTIONAL {{ ?pl rdfs:label ?pll }} }}
  OPTIONAL {{ GRAPH ?g4 {{ ?ev ckg:mentionedIn ?doc }} {_clean("?g4")}
             OPTIONAL {{ ?doc schema:datePublished ?pub }} }}
  OPTIONAL {{ GRAPH ?g5 {{ ?ev ckg:evidence ?evid }} {_clean("?g5")} }}
}}
GROUP BY {bound} ?ev ?type
ORDER BY ?date ?ev
LIMIT {MAX_EVENTS}
""", **bindings)
    if not base:
        return []
    events = {r["ev"]: {**r, "casualties": [], "actors": defaultdict(dict)} for r in base}
    casualties = store.select(PREFIXES + f"""
SELECT DISTINCT {bound} ?ev ?c ?ctype ?cat ?n ?min WHERE {{
  {selection}
  GRAPH ?g {{ ?ev ckg:casualties ?c . ?c ckg:casualtyType ?ctype ; ckg:count ?n .
             OPTIONAL {{ ?c ckg:victimCategory ?cat }} OPTIONAL {{ ?c ckg:isMinimum ?min }} }}
  {_clean("?g")}
}}""", **bindings)
    seen: set[str | None] = set()
    for c in casualties:
        if c["ev"] in events and c["c"] not in seen:
            seen.add(c["c"])
            events[c["ev"]]["casualties"].append(c)
    actors = store.select(PREFIXES + f"""
SELECT {bound} ?ev ?role ?a (SAMPLE(?l) AS ?label) WHERE {{
  {selection}
  GRAPH ?g {{ ?ev ?role ?a }} FILTER(?role IN (ckg:perpetrator, ckg:target, ckg:participant))
  {_clean("?g")}
  OPTIONAL {{ ?a rdfs:label ?l }}
}} GROUP BY {bound} ?ev ?role ?a""", **bindings)
    for a in actors:
        if a["ev"] in events:
            events[a["ev"]]["actors"][local_name(a["role"])][a["a"]] = a["label"]
    out = list(events.values())
    out.sort(key=lambda e: (_by_date_key(e["date"]), e.get("published") or "", e["ev"]))
    return out


def _entity(store: Store, iri: str) -> dict[str, Any] | None:
    facts = store.select(PREFIXES + f"""
SELECT DISTINCT ?e ?p ?o WHERE {{
  GRAPH ?g {{ ?e ?p ?o }} {_clean("?g")}
  FILTER(?p IN (rdf:type, rdfs:label, skos:altLabel, owl:sameAs, skos:closeMatch))
}}""", e=iri)
    if not facts:
        return None
    info: dict[str, Any] = defaultdict(list)
    for f in facts:
        key = {"http://www.w3.org/1999/02/22-rdf-syntax-ns#type": "types",
               "http://www.w3.org/2000/01/rdf-schema#label": "labels",
               "http://www.w3.org/2004/02/skos/core#altLabel": "altLabels"}.get(f["p"] or "", "same")
        if f["o"] not in info[key]:
            info[key].append(f["o"])
    for key in ("types", "labels", "altLabels", "same"):
        info[key] = sorted(info[key])
    info["iri"] = iri
    info["label"] = info["labels"][0] if info["labels"] else local_name(iri)

    out_rel = store.select(PREFIXES + f"""
SELECT ?e ?p ?o (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?g) AS ?sources) WHERE {{
  GRAPH ?g {{ ?e ?p ?o }} {_clean("?g")}
  FILTER(isIRI(?o) && STRSTARTS(STR(?o), STR(ckgr:)))
  FILTER(?p NOT IN (rdf:type, ckg:mentionedIn, owl:sameAs))
  OPTIONAL {{ ?o rdfs:label ?l }}
}} GROUP BY ?e ?p ?o ORDER BY ?p ?label""", e=iri)
    in_rel = store.select(PREFIXES + f"""
SELECT ?e ?s ?p (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?g) AS ?sources) WHERE {{
  GRAPH ?g {{ ?s ?p ?e }} {_clean("?g")}
  FILTER(?p NOT IN (ckg:partner, ckg:mentionedIn, ckg:occurredAt, ckg:perpetrator, ckg:target,
                    ckg:participant, ckg:victim))
  OPTIONAL {{ ?s rdfs:label ?l }}
}} GROUP BY ?e ?s ?p ORDER BY ?p ?label""", e=iri)
    info["out"] = [r for r in out_rel if entity_parts(r["o"])]
    info["in"] = [r for r in in_rel if entity_parts(r["s"])]

    partnerships = store.select(PREFIXES + f"""
SELECT ?e ?ps ?other (SAMPLE(?ol) AS ?otherLabel) (SAMPLE(?st) AS ?status) (SAMPLE(?ss) AS ?stated)
       (SAMPLE(?d) AS ?date) (SAMPLE(?doc) AS ?document) (SAMPLE(?ev) AS ?evidence) WHERE {{
  GRAPH ?g {{ ?ps a ckg:Partnership ; ckg:partner ?e, ?other .
             OPTIONAL {{ ?ps ckg:statedStatus ?ss }} OPTIONAL {{ ?ps ckg:date ?d }}
             OPTIONAL {{ ?ps ckg:mentionedIn ?doc }} OPTIONAL {{ ?ps ckg:evidence ?ev }} }}
  {_clean("?g")}
  FILTER(?other != ?e)
  OPTIONAL {{ GRAPH <{DERIVED_GRAPH}> {{ ?ps ckg:status ?st }} }}
  OPTIONAL {{ ?other rdfs:label ?ol }}
}} GROUP BY ?e ?ps ?other""", e=iri)
    partners: dict[str, dict[str, Any]] = {}
    for p in partnerships:
        entry = partners.setdefault(p["other"], {"iri": p["other"], "label": p["otherLabel"],
                                                  "status": None, "statements": []})
        entry["status"] = entry["status"] or local_name(p["status"]) or None
        entry["statements"].append(p)
    for entry in partners.values():
        entry["statements"].sort(key=lambda s: _by_date_key(s["date"]))
    info["partners"] = sorted(partners.values(),
                              key=lambda e: ({"Active": 0, "Ended": 1}.get(e["status"] or "", 2),
                                             e["label"] or ""))

    info["documents"] = sorted(store.select(PREFIXES + f"""
SELECT ?e ?doc (SAMPLE(?h) AS ?headline) (SAMPLE(?d) AS ?published) (SAMPLE(?u) AS ?url)
       (SAMPLE(?pub) AS ?publisher) WHERE {{
  GRAPH ?g {{ ?e ckg:mentionedIn ?doc }} {_clean("?g")}
  OPTIONAL {{ ?doc schema:headline ?h }} OPTIONAL {{ ?doc schema:datePublished ?d }}
  OPTIONAL {{ ?doc schema:url ?u }} OPTIONAL {{ ?doc schema:publisher ?pub }}
}} GROUP BY ?e ?doc""", e=iri), key=lambda d: (d["published"] or "", d["doc"]), reverse=True)
    info["events"] = _events(store, entity=iri)
    return info


def _graph_data(info: dict[str, Any]) -> dict[str, Any]:
    """Cytoscape elements: the entity, its neighbours, relations and partnerships."""
    nodes: dict[str, dict[str, Any]] = {}

    def node(iri: str, label: str | None, centre: bool = False) -> str:
        if iri not in nodes:
            parts = entity_parts(iri)
            nodes[iri] = {"data": {"id": iri, "label": label or (parts[1] if parts else local_name(iri)),
                                   "type": SLUG_TYPES.get(parts[0], "") if parts else "",
                                   "href": entity_href(iri) or "", "centre": centre}}
        return iri

    centre = node(info["iri"], info["label"], centre=True)
    edges: list[dict[str, Any]] = []
    for r in info["out"]:
        target = node(r["o"], r["label"])
        edges.append({"data": {"id": f"out{len(edges)}", "source": centre, "target": target,
                               "label": words(local_name(r["p"])), "kind": "relation"}})
    for r in info["in"]:
        source = node(r["s"], r["label"])
        edges.append({"data": {"id": f"in{len(edges)}", "source": source, "target": centre,
                               "label": words(local_name(r["p"])), "kind": "relation"}})
    for p in info["partners"]:
        other = node(p["iri"], p["label"])
        status = p["status"] or "unknown"
        edges.append({"data": {"id": f"partner{len(edges)}", "source": centre, "target": other,
                               "label": f"partner ({status})", "kind": "partnership",
                               "status": status,
                               "colour": STATUS_COLOURS.get(status, "#757575")}})
    return {"nodes": list(nodes.values()), "edges": edges}


# ---------------------------------------------------------------- rendering
def _events_table(events: list[dict[str, Any]], *, show_roles: bool = False) -> str:
    if not events:
        return "<p class=\"muted\">No events.</p>"
    rows = []
    for e in events:
        date = esc(e["date"]) if e["date"] else (
            f'<span class="muted">undated (reported {esc(e["published"])})</span>'
            if e.get("published") else '<span class="muted">undated</span>')
        actors = "; ".join(
            f"{esc(role)}: " + ", ".join(entity_link(a, label) for a, label in sorted(
                who.items(), key=lambda kv: kv[1] or ""))
            for role, who in sorted(e["actors"].items()))
        casualties = "<br>".join(esc(casualty_text(c)) for c in sorted(
            e["casualties"], key=lambda c: (local_name(c["ctype"]), local_name(c.get("cat")))))
        role = ""
        if show_roles:
            role = "<td>" + esc(", ".join(ROLE_NAMES.get(local_name(r), local_name(r))
                                          for r in (e.get("roles") or "").split())) + "</td>"
        rows.append(
            f'<tr class="event" data-type="{esc(local_name(e["type"]))}"><td class="date">{date}</td>'
            f'<td>{esc(local_name(e["type"]))}</td>{role}'
            f'<td>{entity_link(e["place"], e["placeLabel"]) if e["place"] else ""}</td>'
            f'<td>{actors}</td><td class="casualties">{casualties}</td>'
            f'<td class="evidence">{esc(e["evidence"])}<div class="muted">{esc(local_name(e["document"]))}'
            f"</div></td></tr>")
    role_head = "<th>role of this entity</th>" if show_roles else ""
    return (f'<table class="events"><thead><tr><th>date</th><th>type</th>{role_head}<th>place</th>'
            f"<th>actors</th><th>casualties</th><th>evidence and source</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _status_badge(status: str | None) -> str:
    status = status or "unknown"
    return f'<span class="status status-{esc(status.lower())}">{esc(status)}</span>'


def _entity_page(info: dict[str, Any]) -> HTMLResponse:
    label = info["label"]
    types = ", ".join(esc(local_name(t)) for t in info["types"] if t.startswith(CKG_NS))
    same = []
    for s in info["same"]:
        if s.startswith(WD_NS):
            qid = s[len(WD_NS):]
            same.append(f'<a class="wikidata" href="https://www.wikidata.org/wiki/{esc(qid)}">'
                        f"Wikidata {esc(qid)}</a>")
        else:
            same.append(external_link(s, esc(s)))
    facts = [f"<tr><th>IRI</th><td><code>{esc(info['iri'])}</code></td></tr>",
             f"<tr><th>type</th><td>{types}</td></tr>",
             f"<tr><th>labels</th><td>{esc(', '.join(info['labels']))}</td></tr>"]
    if info["altLabels"]:
        facts.append(f"<tr><th>also called</th><td>{esc(', '.join(info['altLabels']))}</td></tr>")
    if same:
        facts.append(f"<tr><th>same as</th><td>{' '.join(same)}</td></tr>")
    facts.append(f"<tr><th>mentioned in</th><td>{len(info['documents'])} document(s)</td></tr>")
    parts = entity_parts(info["iri"])
    if parts:
        facts.append(f'<tr><th>as JSON</th><td><a href="/entities/{esc(parts[0])}/{esc(parts[1])}">'
                     f"/entities/{esc(parts[0])}/{esc(parts[1])}</a></td></tr>")

    rel_rows = [f"<tr><td>{esc(label)}</td><td>{esc(words(local_name(r['p'])))}</td>"
                f"<td>{entity_link(r['o'], r['label'])}</td><td>{esc(r['sources'])}</td></tr>"
                for r in info["out"]]
    rel_rows += [f"<tr><td>{entity_link(r['s'], r['label'])}</td><td>{esc(words(local_name(r['p'])))}</td>"
                 f"<td>{esc(label)}</td><td>{esc(r['sources'])}</td></tr>" for r in info["in"]]
    relations = (f'<table class="relations"><thead><tr><th>subject</th><th>relation</th><th>object</th>'
                 f"<th>articles</th></tr></thead><tbody>{''.join(rel_rows)}</tbody></table>"
                 if rel_rows else '<p class="muted">No relations.</p>')

    partner_rows = []
    for p in info["partners"]:
        history = "<br>".join(
            f"{esc(s['date'] or 'undated')}: {esc(local_name(s['stated']) or '?')}"
            f' <span class="muted">({esc(local_name(s["document"]))})</span>' for s in p["statements"])
        partner_rows.append(f'<tr class="partner" data-status="{esc(p["status"] or "")}">'
                            f"<td>{entity_link(p['iri'], p['label'])}</td>"
                            f"<td>{_status_badge(p['status'])}</td><td>{history}</td></tr>")
    partners = (f'<table class="partners"><thead><tr><th>partner</th><th>status</th>'
                f"<th>what each article said</th></tr></thead><tbody>{''.join(partner_rows)}</tbody></table>"
                if partner_rows else '<p class="muted">No partnerships.</p>')

    doc_rows = []
    for d in info["documents"]:
        headline = esc(d["headline"] or local_name(d["doc"]))
        headline = external_link(d["url"], headline)
        doc_rows.append(f"<tr><td>{esc(d['published'])}</td><td>{headline}</td>"
                        f"<td>{esc(d['publisher'])}</td><td><code>{esc(local_name(d['doc']))}</code></td></tr>")
    documents = (f'<table class="documents"><thead><tr><th>published</th><th>headline</th><th>publisher</th>'
                 f"<th>document</th></tr></thead><tbody>{''.join(doc_rows)}</tbody></table>"
                 if doc_rows else '<p class="muted">No source documents.</p>')

    body = f"""
<h1>{esc(label)} <span class="kind">{types}</span></h1>
<div class="entity-top">
  <table class="facts">{''.join(facts)}</table>
  <figure class="network">
    <div id="cy" aria-label="network of {esc(label)} and its neighbours"></div>
    <figcaption>Neighbourhood: relations (grey) and partnerships
      (<span class="status status-active">Active</span> <span class="status status-ended">Ended</span>).
      Click a node to open its page.</figcaption>
  </figure>
</div>
<section><h2>Partnerships</h2>{partners}</section>
<section><h2>Relations</h2>{relations}</section>
<section><h2>Events</h2>{_events_table(info['events'], show_roles=True)}</section>
<section><h2>Source documents</h2>{documents}</section>
"""
    scripts = (json_script("graph-data", _graph_data(info))
               + '\n<script src="/static/vendor/cytoscape/cytoscape.min.js"></script>'
               + '\n<script src="/static/entity.js"></script>')
    return page(label, body, scripts=scripts)


def _not_found(what: str) -> HTMLResponse:
    body = (f"<h1>Not found</h1><p>There is no entity <code>{esc(what)}</code> in the graph.</p>"
            '<p><a href="/#entities">Browse the entities</a> or <a href="/">query the graph</a>.</p>')
    return page("Not found", body, status=404)


def _entity_index(store: Store) -> str:
    rows = store.select(PREFIXES + f"""
SELECT ?x ?type (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?doc) AS ?docs) WHERE {{
  GRAPH ?g {{ ?x a ?type ; rdfs:label ?l ; ckg:mentionedIn ?doc }} {_clean("?g")}
  {ENTITY_TYPE_VALUES}
}} GROUP BY ?x ?type""")
    by_type: dict[str, list[dict[str, str | None]]] = defaultdict(list)
    for r in rows:
        if entity_parts(r["x"]) and entity_parts(r["x"])[0] == type_slug(local_name(r["type"])):  # type: ignore[index]
            by_type[local_name(r["type"])].append(r)
    if not by_type:
        return '<p class="muted">The graph is empty: ingest some articles with <code>kg ingest</code>.</p>'
    parts = []
    for t in ENTITY_TYPES:
        items = sorted(by_type.get(t, []), key=lambda r: (-int(r["docs"] or 0), r["label"] or ""))
        if not items:
            continue
        links = [f'<li>{entity_link(r["x"], r["label"])} <span class="muted">{esc(r["docs"])}</span></li>'
                 for r in items]
        first, rest = links[:15], links[15:]
        more = (f"<details><summary>{len(rest)} more</summary><ul class=\"inline\">{''.join(rest)}</ul></details>"
                if rest else "")
        parts.append(f'<div class="entity-type"><h3>{esc(words(t))} ({len(items)})</h3>'
                     f"<ul class=\"inline\">{''.join(first)}</ul>{more}</div>")
    return "".join(parts)


def _home(store: Store) -> HTMLResponse:
    examples = "".join(f"<li><b>{esc(e['name'])}</b>: {esc(e['description'])}</li>" for e in EXAMPLES)
    body = f"""
<h1>Query the graph</h1>
<p>SPARQL over the union of all graphs, answered by <code>/sparql</code>. The example tabs below are ready
to run: pick one and press the run button. The prefixes <code>ckg:</code>, <code>ckgr:</code>,
<code>wd:</code>, <code>schema:</code>, <code>rdfs:</code>, <code>skos:</code>, <code>owl:</code> and
<code>xsd:</code> are predeclared by the endpoint.</p>
<ul class="examples">{examples}</ul>
<div id="yasgui"></div>
<section id="entities"><h2>Entities</h2>
<p>Each entity has a page with its facts, partnerships, events and a drawing of its neighbourhood
(number of articles mentioning it in grey). Events in date order are on the <a href="/timeline">timeline</a>;
the same lists as JSON are at <a href="/entities">/entities</a> (REST API, described on <a href="/docs">/docs</a>).</p>
{_entity_index(store)}
</section>
"""
    head = '<link rel="stylesheet" href="/static/vendor/yasgui/yasgui.min.css">'
    scripts = (json_script("examples", EXAMPLES)
               + '\n<script src="/static/vendor/yasgui/yasgui.min.js"></script>'
               + '\n<script src="/static/query.js"></script>')
    return page("Query", body, head=head, scripts=scripts)


def _timeline(store: Store, type_name: str | None) -> HTMLResponse:
    if type_name and type_name not in EVENT_TYPES:
        body = (f"<h1>Timeline</h1><p>Unknown event type <code>{esc(type_name)}</code>; use one of "
                f"{esc(', '.join(EVENT_TYPES))}.</p>")
        return page("Timeline", body, status=400)
    events = _events(store, type_iri=CKG_NS + type_name if type_name else None)
    options = "".join(f'<option value="{esc(t)}"{" selected" if t == type_name else ""}>{esc(t)}</option>'
                      for t in EVENT_TYPES)
    shown = f"{len(events)} event(s)" + (f" of type {esc(type_name)}" if type_name else "")
    if len(events) >= MAX_EVENTS:
        shown += f" (the first {MAX_EVENTS})"
    body = f"""
<h1>Timeline</h1>
<form class="filter" method="get" action="/timeline">
  <label>Event type <select name="type"><option value="">all</option>{options}</select></label>
  <button type="submit">Show</button>
</form>
<p class="muted">{shown}, in date order; undated events last. An event reported by several
articles appears once per article.</p>
{_events_table(events)}
"""
    return page("Timeline", body)


# ---------------------------------------------------------------- files
@lru_cache(maxsize=16)
def _read(path: Path) -> bytes:
    return path.read_bytes()


def _file(path: Path, media_type: str, missing: str) -> Response:
    try:
        content = _read(path)
    except OSError:
        return Response(missing, status_code=503, media_type="text/plain; charset=utf-8")
    return Response(content, media_type=media_type, headers={"Cache-Control": "public, max-age=3600"})


# ---------------------------------------------------------------- router
def pages_router(store: Store) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    def home() -> HTMLResponse:
        return _home(store)

    @router.get("/entity/{type_slug_}/{slug}", response_class=HTMLResponse)
    def entity(type_slug_: str, slug: str) -> HTMLResponse:
        if type_slug_ not in SLUG_TYPES or not SLUG.match(slug):
            return _not_found(f"{type_slug_}/{slug}")
        info = _entity(store, f"{CKGR}{type_slug_}/{slug}")
        if info is None:
            return _not_found(f"{type_slug_}/{slug}")
        return _entity_page(info)

    @router.get("/timeline", response_class=HTMLResponse)
    def timeline(request: Request) -> HTMLResponse:
        return _timeline(store, request.query_params.get("type") or None)

    @router.get("/static/vendor/{library}/{name}")
    def vendor(library: str, name: str) -> Response:
        entry = VENDOR_FILES.get(f"{library}/{name}")
        if entry is None:
            return Response("not found", status_code=404, media_type="text/plain; charset=utf-8")
        return _file(NODE_MODULES / entry[0], entry[1],
                     f"{entry[0]} is missing: run `make web` (npm ci) in the repository")

    @router.get("/static/{name}")
    def static(name: str) -> Response:
        media_type = OWN_FILES.get(name)
        if media_type is None:
            return Response("not found", status_code=404, media_type="text/plain; charset=utf-8")
        return _file(STATIC_DIR / name, media_type, f"api/static/{name} is missing")

    return router
