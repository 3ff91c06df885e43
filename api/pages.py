"""Browser pages: a SPARQL query page, one page per entity, a timeline of events.

``pages_router(store)`` gives an :class:`~fastapi.APIRouter` with

* ``/`` — a query page built on YASGUI (``/sparql`` as its endpoint) with example
  queries in tabs, ready to run, and links to the entity pages and the timeline;
* ``/entity/{type_slug}/{slug}`` (``/entity/state/niger``) — the entity's labels, type,
  Wikidata link, relations in and out, events, partnerships and source documents,
  with a Cytoscape drawing of its neighbourhood (data embedded as JSON); 404 page
  for an unknown entity;
* ``/timeline`` — events in date order with their casualty figures, filtered like ``/events``
  and paged;
* ``/document/{id}`` — a source article: headline, publisher, date, the original, counts of
  what was read from it. Every source on the pages is its headline, publisher and date linking
  here; every fact (event, relation, partnership claim, entity) shows its confidence, with how it
  was found in the badge's title, beside the sentence it was read from;
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
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.models import CasualtyOut, EventOut
from api.rest import DATE, DOC_NS, MAX_LIMIT, OWL_SAME, RDF_TYPE, RDFS_LABEL, SKOS_ALT, Reader
from kg import resources
from kg.ids import type_slug
from kg.namespaces import CKG, CKGR, ENTITY_TYPES, EVENT_TYPES
from kg.store import Store

STATIC_DIR = resources.static_dir()
NODE_MODULES = resources.web_dir()

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

SKOS_CLOSE = "http://www.w3.org/2004/02/skos/core#closeMatch"
ROLE_NAMES = {"place": "place (or a place within)", "perpetrator": "perpetrator", "target": "target",
              "participant": "participant"}
STATUS_COLOURS = {"Active": "#2e7d32", "Ended": "#c62828"}
#: events per timeline page unless ?limit= says otherwise (at most MAX_LIMIT)
TIMELINE_LIMIT = 100
#: entities listed per type on the home page (the rest through /entities?type=…)
INDEX_PER_TYPE = 200

# ---------------------------------------------------------------- example queries
NIGER = "https://w3id.org/conflict-kg/id/state/niger"
EXAMPLES: list[dict[str, str]] = [
    {
        "name": "Niger's partners",
        "description": "Niger's partners and the status of each partnership: one ckg:Partnership per "
                       "pair, its ckg:status that of the latest claim about the pair.",
        "query": f"""PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

# Niger's partners and the status of each partnership.
# One ckg:Partnership per pair of partners; its ckg:status is the status of the
# latest claim (ckg:PartnershipClaim, one per article) about the pair.
SELECT ?partner ?partnerName ?status ?since ?until
WHERE {{
  ?p a ckg:Partnership ;
     ckg:partner <{NIGER}>, ?partner ;
     ckg:status ?status .
  FILTER(?partner != <{NIGER}>)
  ?partner rdfs:label ?partnerName .
  OPTIONAL {{ ?p ckg:since ?since }}
  OPTIONAL {{ ?p ckg:until ?until }}
}}
ORDER BY ?status ?partnerName
""",
    },
    {
        "name": "Soldiers killed by region and month",
        "description": "Soldiers killed in attacks, summed by the region of the place "
                       "(ckg:within) and by month; each attack once, with its reconciled figure.",
        "query": """PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

# Soldiers killed in attacks, by region and month. Each attack is one node however
# many articles tell it, with one reconciled figure (the most conservative).
SELECT ?region ?month (SUM(?n) AS ?soldiersKilled) (COUNT(?attack) AS ?attacks)
WHERE {
  ?attack a ckg:Attack ;
          ckg:occurredAt ?place ;
          ckg:casualties ?c .
  ?c ckg:casualtyType ckg:Killed ;
     ckg:victimCategory ckg:Soldiers ;
     ckg:count ?n .
  ?place rdfs:label ?placeName .
  OPTIONAL {
    SELECT ?place (MIN(?name) AS ?regionName) WHERE {
      { ?place a ckg:Region . BIND(?place AS ?r) } UNION { ?place ckg:within ?r . ?r a ckg:Region }
      ?r rdfs:label ?name .
    } GROUP BY ?place
  }
  OPTIONAL { ?attack ckg:date ?date }
  BIND(COALESCE(?regionName, CONCAT(?placeName, " (no region known)")) AS ?region)
  BIND(COALESCE(SUBSTR(STR(?date), 1, 7), "undated") AS ?month)
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
SELECT ?group ?name
       (GROUP_CONCAT(?parent; separator=", ") AS ?affiliatedWith)
       (GROUP_CONCAT(?where; separator=", ") AS ?activeIn)
WHERE {
  ?group a ckg:ArmedGroup ; rdfs:label ?name .
  OPTIONAL { ?group ckg:affiliatedWith/rdfs:label ?parent }
  OPTIONAL { ?group ckg:activeIn/rdfs:label ?where }
}
GROUP BY ?group ?name
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


#: what may become an href: our own paths, and http(s) URLs; a ``javascript:`` or ``data:`` value
#: from the data is shown as text, never made a link
SAFE_HREF = re.compile(r"^(/(?!/)[^\s\x00-\x20\x7f]*|https?://[^\s\x00-\x20\x7f]+)$", re.IGNORECASE)


def link(href: str | None, text: str, cls: str = "") -> str:
    """The one place links are rendered: ``<a href>`` with ``text``, both escaped; without an
    href, or with one that is neither our own path nor an http(s) URL, the text alone."""
    if not href or not SAFE_HREF.match(href):
        return esc(text)
    rel = "" if href.startswith("/") else ' rel="noopener noreferrer nofollow"'
    return f'<a{f" class={chr(34)}{esc(cls)}{chr(34)}" if cls else ""} href="{esc(href)}"{rel}>{esc(text)}</a>'


def entity_link(iri: str | None, label: str | None) -> str:
    text = label or (entity_parts(iri) or ("", local_name(iri)))[1]
    return link(entity_href(iri), text)


def source_link(doc: Any) -> str:
    """A source as its headline (a link to its document page), publisher and date."""
    text = doc.headline or doc.id
    href = f"/document/{doc.id}" if SLUG.match(doc.id or "") else None
    meta = ", ".join(v for v in (getattr(doc, "publisher", None), doc.published) if v)
    return (f'<span class="source">{link(href, text, "source")}'
            + (f' <span class="muted">({esc(meta)})</span>' if meta else "") + "</span>")


def confidence_badge(value: float | str | None, how: str) -> str:
    """The confidence of a fact and how it was found, as a badge with the method in its title."""
    if value is None or value == "":
        return f'<span class="confidence unknown" title="{esc(how)}">confidence ?</span>'
    return (f'<span class="confidence" data-confidence="{float(value):.2f}" title="{esc(how)}">'
            f"confidence {float(value):.2f}</span>")


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
  <a href="/map">Map</a> <a href="/charts">Charts</a> <a href="/docs">API docs</a></nav>
</header>
<main>
{body}
</main>
{scripts}
</body>
</html>
"""
    return HTMLResponse(doc, status_code=status)


def casualty_text(c: CasualtyOut) -> str:
    category = c.category or "Unspecified"
    who = "people" if category == "Unspecified" else category.lower()
    what = (c.type or "").lower()
    least = "at least " if c.minimum else ""
    figure = f"{c.count}" if c.count_high is None or c.count_high == c.count else f"{c.count} (up to {c.count_high})"
    return f"{least}{figure} {who} {what}"


# ---------------------------------------------------------------- queries
def _entity(reader: Reader, iri: str) -> dict[str, Any] | None:
    """What an entity page shows, read by lookup (api/queries, through :class:`api.rest.Reader`)."""
    desc = reader.describe("describe_entities", [iri]).get(iri)
    if not desc or not desc.get(RDF_TYPE):
        return None
    info: dict[str, Any] = {
        "iri": iri, "types": sorted(desc.get(RDF_TYPE, ())), "labels": sorted(desc.get(RDFS_LABEL, ())),
        "altLabels": sorted(desc.get(SKOS_ALT, ())),
        "same": sorted(desc.get(OWL_SAME, set()) | desc.get(SKOS_CLOSE, set()))}
    info["label"] = info["labels"][0] if info["labels"] else local_name(iri)
    info["confidence"] = max((float(c) for c in desc.get(CKG_NS + "confidence", ())), default=None)
    info["out"] = sorted(({"p": r["p"], "o": r["o"], "label": r["label"]}
                          for r in reader.select("relations_out", x=iri) if entity_parts(r["o"])),
                         key=lambda r: (r["p"], r["label"] or "", r["o"]))
    info["in"] = sorted(({"p": r["p"], "s": r["s"], "label": r["label"]}
                         for r in reader.select("relations_in", x=iri) if entity_parts(r["s"])),
                        key=lambda r: (r["p"], r["label"] or "", r["s"]))
    partnerships = reader.entity_partnerships(iri)
    claims = reader.claims([n for *_, n in partnerships])
    info["provenance"] = _relation_provenance(reader, iri)
    info["partners"] = []
    for other, label, status, n in partnerships:
        c = claims.get(n, {"claims": 0, "dates": [], "latest": []})
        info["partners"].append({"iri": other, "label": label, "status": status, "claims": c["claims"],
                                 "dates": c["dates"],
                                 "statements": sorted(c["latest"], key=lambda s: (s["doc"] or "", s["c"]))})
    docs, info["documents_total"] = reader.entity_documents(iri)
    info["documents"] = reader.documents(docs)
    info["sources"] = {d.id: d for d in reader.doc_refs(
        {s["doc"] for p in info["partners"] for s in p["statements"] if s["doc"]}
        | {r["d"] for r in info["provenance"].values() if r["d"]})}
    refs, info["events_total"] = reader.entity_events(iri)
    info["roles"] = {CKGR + r.id: r.roles for r in refs}
    info["events"] = reader.events([CKGR + r.id for r in refs])
    return info


#: how each relation was found, as held once per relation triple in ckgg:relation-sources
#: (kept current at ingest from the articles' reified statements: docs/rdf-layout.md)
RELATION_PROVENANCE = """PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
SELECT ?x ?s ?p ?o ?conf ?evidence ?d ?n WHERE {
  GRAPH <https://w3id.org/conflict-kg/graph/relation-sources> {
    ?r #SIDE# ?x ; ckg:relationSubject ?s ; ckg:relationPredicate ?p ; ckg:relationObject ?o ;
       ckg:statementCount ?n .
    OPTIONAL { ?r ckg:confidence ?conf } OPTIONAL { ?r ckg:evidence ?evidence }
    OPTIONAL { ?r ckg:mentionedIn ?d }
  }
}"""


def _relation_provenance(reader: Reader, iri: str) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(s, p, o) -> the highest confidence, a sentence, a document and how many articles state it."""
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for side in ("ckg:relationSubject", "ckg:relationObject"):
        for r in reader.store.select(RELATION_PROVENANCE.replace("#SIDE#", side), x=iri):
            if r["s"] and r["p"] and r["o"]:
                out[(r["s"], r["p"], r["o"])] = r
    return out


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
def _events_table(events: list[EventOut], *, roles: dict[str, list[str]] | None = None) -> str:
    if not events:
        return "<p class=\"muted\">No events.</p>"
    rows = []
    for e in events:
        published = min((d.published for d in e.documents if d.published), default=None)
        date = esc(e.date) if e.date else (
            f'<span class="muted">undated (reported {esc(published)})</span>'
            if published else '<span class="muted">undated</span>')
        actors = "; ".join(
            f"{esc(role)}: " + ", ".join(entity_link(CKGR + a.id, a.label)
                                         for a in sorted(who, key=lambda a: a.label or a.id))
            for role, who in (("participant", e.roles.participants), ("perpetrator", e.roles.perpetrators),
                              ("target", e.roles.targets)) if who)
        casualties = "<br>".join(esc(casualty_text(c)) for c in sorted(
            e.casualties, key=lambda c: (c.type or "", c.category or "")))
        role = ""
        if roles is not None:
            role = "<td>" + esc(", ".join(ROLE_NAMES.get(r, r) for r in roles.get(e.iri, []))) + "</td>"
        sources = "; ".join(source_link(d) for d in e.documents) + (
            f' <span class="muted">({e.sources} sources in all)</span>' if e.sources > len(e.documents) else "")
        evidence = e.evidence[0] if e.evidence else ""
        how = (f"the highest confidence of the {e.sources} article(s) telling it; found by the event rules "
               "in the sentence shown") if e.sources else "found by the event rules in the sentence shown"
        rows.append(
            f'<tr class="event" data-type="{esc(e.type)}"><td class="date">{date}</td>'
            f'<td>{esc(e.type)}</td>{role}'
            f'<td>{entity_link(CKGR + e.place.id, e.place.label) if e.place else ""}</td>'
            f'<td>{actors}</td><td class="casualties">{casualties}</td>'
            f'<td class="evidence">{confidence_badge(e.confidence, how)} '
            f'<q>{esc(evidence)}</q><div class="sources" data-event="{esc(e.id)}">{sources}</div>'
            f"</td></tr>")
    role_head = "<th>role of this entity</th>" if roles is not None else ""
    return (f'<table class="events"><thead><tr><th>date</th><th>type</th>{role_head}<th>place</th>'
            f"<th>actors</th><th>casualties</th><th>confidence, evidence and sources</th></tr></thead>"
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
            same.append(link(f"https://www.wikidata.org/wiki/{qid}", f"Wikidata {qid}", "wikidata"))
        else:
            same.append(link(s, s))
    facts = [f"<tr><th>IRI</th><td><code>{esc(info['iri'])}</code></td></tr>",
             f"<tr><th>type</th><td>{types}</td></tr>",
             f"<tr><th>labels</th><td>{esc(', '.join(info['labels']))}</td></tr>"]
    if info["altLabels"]:
        facts.append(f"<tr><th>also called</th><td>{esc(', '.join(info['altLabels']))}</td></tr>")
    if same:
        facts.append(f"<tr><th>same as</th><td>{' '.join(same)}</td></tr>")
    facts.append(f"<tr><th>mentioned in</th><td>{info['documents_total']} document(s)</td></tr>")
    badge = confidence_badge(info["confidence"], "the highest confidence of the articles' mentions of this entity")
    facts.append(f'<tr><th>confidence</th><td>{badge} <span class="muted">(the highest over its mentions in '
                 "the articles)</span></td></tr>")
    parts = entity_parts(info["iri"])
    if parts:
        json_path = f"/entities/{parts[0]}/{parts[1]}"
        facts.append(f"<tr><th>as JSON</th><td>{link(json_path, json_path)}</td></tr>")

    def provenance(key: tuple[str, str, str]) -> str:
        r = info["provenance"].get(key)
        if not r:
            return f'<td>{confidence_badge(None, "no article statement found for this relation")}</td>'
        n = int(r["n"] or 1)
        how = (f"the highest confidence of {n} article statement(s) of this relation, found by the relation "
               "rules" + (" in the sentence shown" if r["evidence"] else " (no single sentence)"))
        doc = info["sources"].get(local_name(r["d"])) if r["d"] else None
        return (f"<td>{confidence_badge(r['conf'], how)} "
                + (f"<q>{esc(r['evidence'])}</q> " if r["evidence"] else "")
                + (source_link(doc) if doc else "") + "</td>")

    rel_rows = [f"<tr><td>{esc(label)}</td><td>{esc(words(local_name(r['p'])))}</td>"
                f"<td>{entity_link(r['o'], r['label'])}</td>{provenance((info['iri'], r['p'], r['o']))}</tr>"
                for r in info["out"]]
    rel_rows += [f"<tr><td>{entity_link(r['s'], r['label'])}</td><td>{esc(words(local_name(r['p'])))}</td>"
                 f"<td>{esc(label)}</td>{provenance((r['s'], r['p'], info['iri']))}</tr>" for r in info["in"]]
    relations = (f'<table class="relations"><thead><tr><th>subject</th><th>relation</th><th>object</th>'
                 f"<th>confidence, evidence and source</th></tr></thead><tbody>{''.join(rel_rows)}</tbody></table>"
                 if rel_rows else '<p class="muted">No relations.</p>')

    partner_rows = []
    for p in info["partners"]:
        def claim(s: dict[str, Any]) -> str:
            doc = info["sources"].get(local_name(s["doc"])) if s["doc"] else None
            how = "the claim's confidence, found by the partnership rules in the sentence shown"
            return (f"{esc(s['d'] or 'undated')}: {esc(local_name(s['stated']) or '?')} "
                    f"{confidence_badge(s.get('conf'), how)}"
                    + (f" <q>{esc(s['evidence'])}</q>" if s.get("evidence") else "")
                    + (f" {source_link(doc)}" if doc else ""))
        history = "<br>".join(claim(s) for s in p["statements"])
        if p["claims"] > len(p["statements"]):
            span = " to ".join(p["dates"])
            history += f'<div class="muted">{p["claims"]} claims in all ({esc(span)})</div>'
        partner_rows.append(f'<tr class="partner" data-status="{esc(p["status"] or "")}">'
                            f"<td>{entity_link(p['iri'], p['label'])}</td>"
                            f"<td>{_status_badge(p['status'])}</td><td>{history}</td></tr>")
    partners = (f'<table class="partners"><thead><tr><th>partner</th><th>status</th>'
                f"<th>what the latest articles said</th></tr></thead><tbody>{''.join(partner_rows)}</tbody></table>"
                if partner_rows else '<p class="muted">No partnerships.</p>')

    doc_rows = []
    for d in info["documents"]:
        original = f" ({link(d.url, 'original')})" if d.url else ""
        doc_rows.append(f"<tr><td>{esc(d.published)}</td><td>{source_link(d)}{original}</td>"
                        f"<td>{esc(d.publisher)}</td><td><code>{esc(d.id)}</code></td></tr>")
    documents = (f'<table class="documents"><thead><tr><th>published</th><th>headline</th><th>publisher</th>'
                 f"<th>document</th></tr></thead><tbody>{''.join(doc_rows)}</tbody></table>"
                 if doc_rows else '<p class="muted">No source documents.</p>')
    if info["documents_total"] > len(info["documents"]):
        documents += f'<p class="muted">The latest {len(info["documents"])} of {info["documents_total"]}.</p>'
    events = _events_table(info["events"], roles=info["roles"])
    if info["events_total"] > len(info["events"]) and parts:
        more = f"/timeline?{urlencode({'actor': parts[0] + '/' + parts[1]})}"
        events += (f'<p class="muted">The latest {len(info["events"])} of {info["events_total"]}; '
                   f"{link(more, 'all on the timeline')} (as a participant).</p>")

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
<section><h2>Events</h2>{events}</section>
{_map_section(info, parts)}
<section><h2>Source documents</h2>{documents}</section>
"""
    scripts = (json_script("graph-data", _graph_data(info))
               + '\n<script src="/static/vendor/cytoscape/cytoscape.min.js"></script>'
               + '\n<script src="/static/entity.js"></script>')
    if parts:
        scripts += "".join(f'\n<script src="{src}"></script>' for src in MAP_SCRIPTS)
    return page(label, body, scripts=scripts)


#: the scripts of a map (api/workbench.py serves them)
MAP_SCRIPTS = ("/workbench/vendor/d3-array.min.js", "/workbench/vendor/d3-geo.min.js",
               "/workbench/vendor/topojson-client.min.js", "/workbench/static/map.js")
PLACE_CLASSES = {CKG_NS + c for c in ("State", "Region", "Settlement", "MilitaryBase", "Place")}


def _map_section(info: dict[str, Any], parts: tuple[str, str] | None) -> str:
    """A place's events (with the places inside it) or an actor's, on a map; links to the charts."""
    if not parts:
        return ""
    key = f"{parts[0]}/{parts[1]}"
    query = urlencode({"place" if PLACE_CLASSES & set(info["types"]) else "actor": key})
    return (f'<section><h2>On the map</h2><div class="map-wrap"><svg id="kg-map" '
            f'data-points="/workbench/points.json?{esc(query)}" data-outlines="/workbench/vendor/countries-50m.json" '
            f'role="img" aria-label="map of the events of {esc(info["label"])}"></svg></div>'
            f'<p id="map-status" class="hint">loading ...</p>'
            f'<p>{link("/charts?" + query, "Casualties and events over time")} · '
            f'{link("/map?" + query, "the full map with filters")}</p></section>')


def _document_page(reader: Reader, doc_id_: str) -> HTMLResponse:
    """A source document: headline, publisher, date, the original, what was read from it."""
    d = reader.document(DOC_NS + doc_id_) if SLUG.match(doc_id_) else None
    if d is None:
        body = (f"<h1>Not found</h1><p>There is no document <code>{esc(doc_id_)}</code>.</p>"
                '<p><a href="/timeline">The timeline</a> lists the events with their sources.</p>')
        return page("Not found", body, status=404)
    rows = [f"<tr><th>headline</th><td>{esc(d.headline)}</td></tr>",
            f"<tr><th>publisher</th><td>{esc(d.publisher)}</td></tr>",
            f"<tr><th>published</th><td>{esc(d.published)}</td></tr>",
            f"<tr><th>original</th><td>{link(d.url, d.url or '') if d.url else '—'}</td></tr>",
            f"<tr><th>document</th><td><code>{esc(d.id)}</code> · "
            f"{link('/documents/' + d.id, 'as JSON')}</td></tr>",
            f"<tr><th>read from it</th><td>{d.counts.entities} entities, {d.counts.events} event reports, "
            f"{d.counts.partnerships} partnership claims, {d.counts.triples} triples</td></tr>"]
    if d.quarantined:
        rows.append(f"<tr><th>kept out by the SHACL gate</th><td>{len(d.quarantined)} node(s): "
                    + esc("; ".join(m for q in d.quarantined for m in q.messages[:1])) + "</td></tr>")
    body = (f'<h1 class="document">{esc(d.headline or d.id)}</h1><table class="facts">{"".join(rows)}</table>'
            f'<p>{link("/timeline", "The timeline")} lists every event with its sources.</p>')
    return page(d.headline or d.id, body)


def _not_found(what: str) -> HTMLResponse:
    body = (f"<h1>Not found</h1><p>There is no entity <code>{esc(what)}</code> in the graph.</p>"
            '<p><a href="/#entities">Browse the entities</a> or <a href="/">query the graph</a>.</p>')
    return page("Not found", body, status=404)


def _entity_index(reader: Reader) -> str:
    """The first entities of each type by label (a page of each: no scan of every label)."""
    parts = []
    for t in ENTITY_TYPES:
        base = CKG_NS + t
        count = reader.select("entities_count", flags=["base"], base=base)
        total = int(count[0]["n"] or 0) if count else 0
        if not total:
            continue
        rows = reader.select("entities_page", flags=["base"], limit=INDEX_PER_TYPE, offset=0, base=base)
        links = [f"<li>{entity_link(r['x'], r['label'])}</li>" for r in rows
                 if (entity_parts(r["x"]) or ("",))[0] == type_slug(t)]
        shown, rest = links[:15], links[15:]
        more = (f"<details><summary>{len(rest)} more</summary><ul class=\"inline\">{''.join(rest)}</ul></details>"
                if rest else "")
        if total > len(rows):
            more += (f'<p class="muted">{total - len(rows)} more: '
                     f"{link(f'/entities?type={t}', f'/entities?type={t}')}</p>")
        parts.append(f'<div class="entity-type"><h3>{esc(words(t))} ({total})</h3>'
                     f"<ul class=\"inline\">{''.join(shown)}</ul>{more}</div>")
    if not parts:
        return '<p class="muted">The graph is empty: ingest some articles with <code>kg ingest</code>.</p>'
    return "".join(parts)


def _home(reader: Reader) -> HTMLResponse:
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
<p>Each entity has a page with its facts, partnerships, events and a drawing of its neighbourhood.
Events in date order are on the <a href="/timeline">timeline</a>;
the same lists as JSON are at <a href="/entities">/entities</a> (REST API, described on <a href="/docs">/docs</a>).</p>
{_entity_index(reader)}
</section>
"""
    head = '<link rel="stylesheet" href="/static/vendor/yasgui/yasgui.min.css">'
    scripts = (json_script("examples", EXAMPLES) + json_script("entity-types", sorted(SLUG_TYPES))
               + '\n<script src="/static/vendor/yasgui/yasgui.min.js"></script>'
               + '\n<script src="/static/query.js"></script>')
    return page("Query", body, head=head, scripts=scripts)


def _timeline_error(message: str) -> HTMLResponse:
    return page("Timeline", f"<h1>Timeline</h1><p>{message}</p>", status=400)


def _timeline(reader: Reader, params: Any) -> HTMLResponse:
    """Events in date order, a page at a time, filtered like GET /events."""
    type_name = params.get("type") or None
    if type_name and type_name not in EVENT_TYPES:
        return _timeline_error(f"Unknown event type <code>{esc(type_name)}</code>; use one of "
                               f"{esc(', '.join(EVENT_TYPES))}.")
    start, end = params.get("from") or None, params.get("to") or None
    for name, value in (("from", start), ("to", end)):
        if value and not re.match(DATE, value):
            return _timeline_error(f"<code>{name}={esc(value)}</code> is not a date: use YYYY, YYYY-MM or "
                                   "YYYY-MM-DD.")
    try:
        limit = int(params.get("limit") or TIMELINE_LIMIT)
        offset = int(params.get("offset") or 0)
    except ValueError:
        return _timeline_error("<code>limit</code> and <code>offset</code> are whole numbers.")
    if not (0 <= limit <= MAX_LIMIT and offset >= 0):
        return _timeline_error(f"<code>limit</code> is 0 to {MAX_LIMIT}, <code>offset</code> 0 or more.")
    order = params.get("order") or "latest"
    if order not in ("latest", "date"):
        return _timeline_error("<code>order</code> is <code>latest</code> (the latest first) or "
                               "<code>date</code> (the earliest first).")
    place, actor = (params.get("place") or "").strip()[:500], (params.get("actor") or "").strip()[:500]
    places = reader.places_within(reader.resolve(place, "Place")) if place else None
    actors = reader.resolve(actor, "Actor") if actor else None
    if places == set() or actors == set():
        ids: list[str] = []
        total = 0
    else:
        ids, total = reader.event_page(type_name, places, actors, start, end, limit, offset,
                                       latest=order == "latest")
    events = reader.events(ids)
    options = "".join(f'<option value="{esc(t)}"{" selected" if t == type_name else ""}>{esc(t)}</option>'
                      for t in EVENT_TYPES)
    kept = {k: v for k, v in (("type", type_name), ("place", place), ("actor", actor), ("from", start),
                              ("to", end), ("order", order if order != "latest" else None)) if v}
    shown = (f"{offset + 1}–{offset + len(events)} of {total} event(s)" if events else f"{total} event(s)") + (
        f" of type {esc(type_name)}" if type_name else "")
    pager = []
    if offset > 0:
        prev = urlencode({**kept, "limit": limit, "offset": max(0, offset - limit)})
        pager.append(f'<a class="prev" href="/timeline?{esc(prev)}">previous {limit}</a>')
    if offset + len(events) < total and limit:
        nxt = urlencode({**kept, "limit": limit, "offset": offset + limit})
        pager.append(f'<a class="next" href="/timeline?{esc(nxt)}">next {limit}</a>')
    body = f"""
<h1>Timeline</h1>
<form class="filter" method="get" action="/timeline">
  <label>Event type <select name="type"><option value="">all</option>{options}</select></label>
  <label>Place <input name="place" value="{esc(place)}" placeholder="Tillaberi"></label>
  <label>Actor <input name="actor" value="{esc(actor)}" placeholder="JNIM"></label>
  <label>From <input name="from" value="{esc(start or '')}" placeholder="2024-06" size="10"></label>
  <label>To <input name="to" value="{esc(end or '')}" placeholder="2024-12" size="10"></label>
  <button type="submit">Show</button>
</form>
<p class="muted">{shown}, {"the latest first" if order == "latest" else "the earliest first"}
({link("/timeline?" + urlencode({**kept, "order": "date" if order == "latest" else "latest"}),
       "the earliest first" if order == "latest" else "the latest first")}); undated events last.
An event reported by several articles appears once, with every article as a source.</p>
{_events_table(events)}
<nav class="pager">{' '.join(pager)}</nav>
"""
    return page("Timeline", body)


# ---------------------------------------------------------------- files
@lru_cache(maxsize=16)
def _read(path: Path) -> bytes:
    return path.read_bytes()


def static_file(path: Path, media_type: str, missing: str) -> Response:
    """A file we serve (our scripts, the npm libraries), cached in memory; 503 naming what is
    missing when it is not there."""
    try:
        content = _read(path)
    except OSError:
        return Response(missing, status_code=503, media_type="text/plain; charset=utf-8")
    return Response(content, media_type=media_type, headers={"Cache-Control": "public, max-age=3600"})


# ---------------------------------------------------------------- router
def pages_router(store: Store) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    reader = Reader(store)

    @router.get("/", response_class=HTMLResponse)
    def home() -> HTMLResponse:
        return _home(reader)

    @router.get("/entity/{type_slug_}/{slug}", response_class=HTMLResponse)
    def entity(type_slug_: str, slug: str) -> HTMLResponse:
        if type_slug_ not in SLUG_TYPES or not SLUG.match(slug):
            return _not_found(f"{type_slug_}/{slug}")
        info = _entity(reader, f"{CKGR}{type_slug_}/{slug}")
        if info is None:
            return _not_found(f"{type_slug_}/{slug}")
        return _entity_page(info)

    @router.get("/document/{doc_id_}", response_class=HTMLResponse)
    def document(doc_id_: str) -> HTMLResponse:
        return _document_page(reader, doc_id_)

    @router.get("/timeline", response_class=HTMLResponse)
    def timeline(request: Request) -> HTMLResponse:
        return _timeline(reader, request.query_params)

    @router.get("/static/vendor/{library}/{name}")
    def vendor(library: str, name: str) -> Response:
        entry = VENDOR_FILES.get(f"{library}/{name}")
        if entry is None:
            return Response("not found", status_code=404, media_type="text/plain; charset=utf-8")
        return static_file(NODE_MODULES / entry[0], entry[1],
                     f"{entry[0]} is missing: run `make web` (npm ci) in the repository")

    @router.get("/static/{name}")
    def static(name: str) -> Response:
        media_type = OWN_FILES.get(name)
        if media_type is None:
            return Response("not found", status_code=404, media_type="text/plain; charset=utf-8")
        return static_file(STATIC_DIR / name, media_type, f"api/static/{name} is missing")

    return router
