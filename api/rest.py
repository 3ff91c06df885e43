"""The REST API: JSON for app developers over the graph (docs/rdf-layout.md).

``rest_router(store, settings)`` gives an :class:`~fastapi.APIRouter` with

* ``GET /entities``, ``GET /entities/{type_slug}/{slug}``
* ``GET /events``
* ``GET /partnerships``
* ``GET /documents``, ``GET /documents/{id}``, ``POST /documents`` (bearer token)
* ``GET /export`` (streamed RDF)

Every list takes ``limit`` (default 50, at most 500) and ``offset`` and answers a
:class:`~api.models.Page`.

How the graph is read
---------------------
* Only through :meth:`kg.store.Store.select`. User input reaches a query only as a
  bound variable (pyoxigraph substitutions); the only IRIs written into query text
  are ones this module builds from slugs checked against ``^[a-z0-9-]+$`` or IRIs
  that came out of the store (checked against the SPARQL ``IRIREF`` characters),
  e.g. the places a place filter resolved to.
* The default graph is the union of every named graph, quarantine graphs
  included, so every data pattern sits in ``GRAPH ?g { … }`` with ``?g`` not a
  quarantine graph: what the SHACL gate kept out is never served as data, only
  under ``GET /documents/{id}`` as ``quarantined``.
* Lists are computed in two steps: one query finds the matching ids and their
  sort keys (filters that SPARQL cannot do, such as accent-insensitive search or
  prefix date comparison, are applied in Python), then the page's items are
  described with a few ``VALUES`` queries.
"""

from __future__ import annotations

import hmac
import logging
import queue
import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.models import (
    ArticleIn,
    CasualtyOut,
    DocumentCounts,
    DocumentDetail,
    DocumentRef,
    DocumentSummary,
    EntityDetail,
    EntityEventRef,
    EntityPartnershipRef,
    EntityRef,
    EntitySummary,
    EventOut,
    EventRoles,
    IngestCounts,
    IngestResult,
    Page,
    PartnershipOut,
    QuarantinedItem,
    QuarantinedTriple,
    RelationOut,
)
from kg.config import Settings
from kg.errors import InputError
from kg.ids import document_key, fold, iri, stable_hash, text_hash
from kg.model import Article, Extraction
from kg.namespaces import (
    CKG,
    CKGR,
    DERIVED_GRAPH,
    EVENT_TYPES,
    ONTOLOGY_GRAPH,
    QUARANTINE_GRAPH,
    WD,
)
from kg.readers import article_from_obj, load_json
from kg.store import EXPORT_FORMATS, Store

log = logging.getLogger(__name__)

CKG_NS = str(CKG)
CKGR_NS = str(CKGR)
WD_NS = str(WD)
DOC_NS = CKGR_NS + "document/"
SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
OWL_SAME = "http://www.w3.org/2002/07/owl#sameAs"
SCHEMA = "https://schema.org/"

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
#: the largest article body POST /documents accepts
MAX_BODY = 5 * 1024 * 1024

SLUG = re.compile(r"^[a-z0-9-]+$")
KEY = re.compile(r"^[a-z0-9-]+/[a-z0-9-]+$")
#: an IRI that can be written as <…> in SPARQL (the IRIREF production)
SAFE_IRI = re.compile(r'^https?://[^<>"{}|^`\\\x00-\x20]+$')
DATE = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"

DATE_HELP = ("YYYY, YYYY-MM or YYYY-MM-DD, inclusive, compared on the common prefix: "
             "from=2024-06 takes 2024-06-11, and an event dated only 2024 too (it may be in June)")

ROLES = ("perpetrator", "target", "participant")
ROLE_PROPS = {CKG_NS + r: r for r in ROLES}
OCCURRED_AT = CKG_NS + "occurredAt"
PARTNER = CKG_NS + "partner"
MENTIONED_IN = CKG_NS + "mentionedIn"

EntityType = Literal["Actor", "Place", "State", "MilitaryJunta", "ArmedForces", "ArmedGroup",
                     "InternationalOrganization", "Organization", "Person", "Region",
                     "Settlement", "MilitaryBase"]
EventType = Literal["Event", "Attack", "Coup", "Withdrawal", "Deployment", "Agreement"]
ExportFormat = Literal["turtle", "trig", "nt", "nquads", "jsonld"]

MEDIA_TYPES: dict[str, tuple[str, str]] = {
    "turtle": ("text/turtle; charset=utf-8", "ttl"),
    "trig": ("application/trig; charset=utf-8", "trig"),
    "nt": ("application/n-triples; charset=utf-8", "nt"),
    "nquads": ("application/n-quads; charset=utf-8", "nq"),
    "jsonld": ("application/ld+json; charset=utf-8", "jsonld"),
}
assert set(MEDIA_TYPES) == set(EXPORT_FORMATS)


# --- small helpers ------------------------------------------------------------------------

def keep(var: str) -> str:
    """A filter keeping graph ``?var`` out of the quarantine graphs."""
    return f'FILTER(!STRSTARTS(STR(?{var}), "{QUARANTINE_GRAPH}/"))'


def ref(value: str) -> str:
    """``<iri>`` for an IRI that came from the store or from a checked slug."""
    if not SAFE_IRI.match(value):
        raise ValueError(f"not a safe IRI: {value!r}")
    return f"<{value}>"


def values(var: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{var} {{ {' '.join(ref(i) for i in iris if SAFE_IRI.match(i))} }}"


def key_of(value: str) -> str:
    return value[len(CKGR_NS):] if value.startswith(CKGR_NS) else value


def local(value: str) -> str:
    return value[len(CKG_NS):] if value.startswith(CKG_NS) else value


def doc_id(value: str) -> str:
    return value[len(DOC_NS):] if value.startswith(DOC_NS) else key_of(value)


def wikidata_id(values_: Iterable[str]) -> str | None:
    ids = sorted(v[len(WD_NS):] for v in values_ if v.startswith(WD_NS))
    return ids[0] if ids else None


def search_form(text: str) -> str:
    """Case- and accent-free, for substring search."""
    return fold(text).casefold()


def name_form(text: str) -> str:
    """The form names are compared in (CONTRACT section 5): no case, no accents,
    no leading 'the', punctuation folded."""
    s = re.sub(r"[^0-9a-z]+", " ", search_form(text)).strip()
    return s[4:] if s.startswith("the ") else s


def date_within(date: str | None, start: str | None, end: str | None) -> bool:
    """Compare on the common prefix: 2024-06-11 is within from=2024-06, and 2024 is too."""
    if start is None and end is None:
        return True
    if not date:
        return False
    if start is not None:
        n = min(len(date), len(start))
        if date[:n] < start[:n]:
            return False
    if end is not None:
        n = min(len(date), len(end))
        if date[:n] > end[:n]:
            return False
    return True


def chunks(items: list[str], size: int = 200) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


class Paging:
    """``limit`` and ``offset`` of every list."""

    def __init__(self,
                 limit: int = Query(DEFAULT_LIMIT, ge=0, le=MAX_LIMIT,
                                    description=f"items per page (at most {MAX_LIMIT})"),
                 offset: int = Query(0, ge=0, description="items to skip")) -> None:
        self.limit = limit
        self.offset = offset

    def page(self, items: list, total: int | None = None) -> dict:
        return {"items": items, "total": len(items) if total is None else total,
                "limit": self.limit, "offset": self.offset}

    def cut(self, items: list) -> list:
        return items[self.offset:self.offset + self.limit]


# --- reading the graph --------------------------------------------------------------------

class Reader:
    """The queries behind the routes."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # generic ---------------------------------------------------------------------------
    def describe(self, subjects: Iterable[str]) -> dict[str, dict[str, set[str]]]:
        """Every property of ``subjects`` outside the quarantine graphs."""
        todo = [s for s in dict.fromkeys(subjects) if SAFE_IRI.match(s)]
        out: dict[str, dict[str, set[str]]] = {s: defaultdict(set) for s in todo}
        for part in chunks(todo):
            rows = self.store.select(
                f"SELECT DISTINCT ?s ?p ?o WHERE {{ {values('s', part)} "
                f"GRAPH ?g {{ ?s ?p ?o }} {keep('g')} }}")
            for r in rows:
                out[r["s"]][r["p"]].add(r["o"])
        return out

    def labels(self, subjects: Iterable[str]) -> dict[str, str]:
        todo = [s for s in dict.fromkeys(subjects) if s and SAFE_IRI.match(s)]
        out: dict[str, str] = {}
        for part in chunks(todo):
            rows = self.store.select(
                f"SELECT ?s (MIN(?l) AS ?label) WHERE {{ {values('s', part)} "
                f"GRAPH ?g {{ ?s rdfs:label ?l }} {keep('g')} }} GROUP BY ?s")
            out.update({r["s"]: r["label"] for r in rows if r["label"] is not None})
        return out

    def class_supers(self) -> dict[str, set[str]]:
        """Each class with itself and all its superclasses."""
        rows = self.store.select(
            "SELECT DISTINCT ?c ?sup WHERE { ?c rdfs:subClassOf+ ?sup FILTER(isIRI(?c) && isIRI(?sup)) }")
        supers: dict[str, set[str]] = defaultdict(set)
        for r in rows:
            supers[r["c"]].add(r["sup"])
        return supers

    @staticmethod
    def kinds(types: Iterable[str], supers: dict[str, set[str]]) -> set[str]:
        """The local names of the ontology classes ``types`` fall under."""
        out: set[str] = set()
        for t in types:
            for c in {t} | supers.get(t, set()):
                if c.startswith(CKG_NS):
                    out.add(c[len(CKG_NS):])
        return out

    def entity_ref(self, value: str, labels: dict[str, str]) -> EntityRef:
        return EntityRef(id=key_of(value), label=labels.get(value))

    def doc_refs(self, docs: Iterable[str]) -> list[DocumentRef]:
        docs = sorted(set(docs), key=doc_id)
        desc = self.describe(docs)
        return [DocumentRef(id=doc_id(d), headline=first(desc[d].get(SCHEMA + "headline")),
                            published=first(desc[d].get(SCHEMA + "datePublished")))
                for d in docs if d in desc]

    # resolving filters -------------------------------------------------------------------
    def resolve(self, value: str, base: str) -> set[str]:
        """Entities (under class ``base``) that ``value`` names: an IRI, an id, a label or an alias."""
        value = value.strip()
        base_iri = CKG_NS + base
        if value.startswith(("http://", "https://")) or KEY.match(value):
            candidate = value if value.startswith(("http://", "https://")) else CKGR_NS + value
            rows = self.store.select(
                f"SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ ?x a ?t }} {keep('g')} "
                f"?t rdfs:subClassOf* {ref(base_iri)} }}", x=candidate)
            found = {r["x"] for r in rows if r["x"] and SAFE_IRI.match(r["x"])}
            if found or not KEY.match(value):
                return found
        wanted = name_form(value)
        if not wanted:
            return set()
        rows = self.store.select(
            f"SELECT DISTINCT ?x ?l WHERE {{ GRAPH ?g {{ ?x a ?t }} {keep('g')} "
            f"?t rdfs:subClassOf* {ref(base_iri)} . "
            f"GRAPH ?h {{ ?x rdfs:label|skos:altLabel ?l }} {keep('h')} }}")
        return {r["x"] for r in rows if r["l"] and name_form(r["l"]) == wanted and SAFE_IRI.match(r["x"])}

    def places_within(self, places: set[str]) -> set[str]:
        """``places`` and every place ``ckg:locatedIn`` one of them, transitively."""
        rows = self.store.select(
            f"SELECT DISTINCT ?a ?b WHERE {{ GRAPH ?g {{ ?a ckg:locatedIn ?b }} {keep('g')} }}")
        inside: dict[str, set[str]] = defaultdict(set)
        for r in rows:
            inside[r["b"]].add(r["a"])
        seen = set(places)
        todo = list(places)
        while todo:
            for child in inside.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        return {p for p in seen if SAFE_IRI.match(p)}

    # entities ----------------------------------------------------------------------------
    def entity_types(self, subject: str | None = None) -> dict[str, set[str]]:
        """Entity IRI -> its rdf:types, for every entity (or just ``subject``)."""
        query = (f"SELECT DISTINCT ?x ?t WHERE {{ GRAPH ?g {{ ?x a ?t }} {keep('g')} "
                 f'FILTER(STRSTARTS(STR(?x), "{CKGR_NS}")) '
                 f"?t rdfs:subClassOf* ?base . VALUES ?base {{ ckg:Actor ckg:Place }} }}")
        rows = self.store.select(query, x=subject) if subject else self.store.select(query)
        out: dict[str, set[str]] = defaultdict(set)
        for r in rows:
            out[r["x"]].add(r["t"])
        return out

    def entity_names(self) -> dict[str, dict[str, set[str]]]:
        rows = self.store.select(
            f"SELECT DISTINCT ?x ?p ?o WHERE {{ VALUES ?p {{ rdfs:label skos:altLabel owl:sameAs }} "
            f"GRAPH ?g {{ ?x ?p ?o }} {keep('g')} FILTER(STRSTARTS(STR(?x), \"{CKGR_NS}\")) }}")
        out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for r in rows:
            out[r["x"]][r["p"]].add(r["o"])
        return out

    def entities(self, type_: str | None, q: str | None) -> list[EntitySummary]:
        types = self.entity_types()
        if type_:
            supers = self.class_supers()
            types = {x: ts for x, ts in types.items() if type_ in self.kinds(ts, supers)}
        names = self.entity_names()
        wanted = search_form(q.strip()) if q and q.strip() else None
        out = []
        for x, ts in types.items():
            n = names.get(x, {})
            if wanted is not None and not any(
                    wanted in search_form(v) for v in n.get(RDFS_LABEL, set()) | n.get(SKOS_ALT, set())):
                continue
            out.append(summary(x, ts, n))
        out.sort(key=lambda e: (search_form(e.label or e.id), e.id))
        return out

    def entity(self, subject: str) -> EntityDetail | None:
        types = self.entity_types(subject).get(subject)
        if not types:
            return None
        supers = self.class_supers()
        desc = self.describe([subject])[subject]
        incoming = self.store.select(
            f"SELECT DISTINCT ?s ?p ?x WHERE {{ GRAPH ?g {{ ?s ?p ?x }} {keep('g')} }}", x=subject)
        # what every neighbour is
        out_objects = {o for p, os in desc.items() if p.startswith(CKG_NS) for o in os}
        neighbours = self.describe({r["s"] for r in incoming} | out_objects)
        kinds = {n: self.kinds(d.get(RDF_TYPE, ()), supers) for n, d in neighbours.items()}

        def is_entity(n: str) -> bool:
            return bool(kinds.get(n, set()) & {"Actor", "Place"}) and n.startswith(CKGR_NS)

        rel_out = sorted({(local(p), o) for p, os in desc.items() if p.startswith(CKG_NS)
                          and p not in (MENTIONED_IN,) for o in os if is_entity(o)})
        rel_in = sorted({(local(r["p"]), r["s"]) for r in incoming
                         if r["p"].startswith(CKG_NS) and is_entity(r["s"])})
        events: dict[str, set[str]] = defaultdict(set)
        for r in incoming:
            if "Event" in kinds.get(r["s"], set()):
                if r["p"] in ROLE_PROPS:
                    events[r["s"]].add(ROLE_PROPS[r["p"]])
                elif r["p"] == OCCURRED_AT:
                    events[r["s"]].add("place")
        places = {e: first(neighbours[e].get(OCCURRED_AT)) for e in events}
        labels = self.labels([o for _, o in rel_out] + [s for _, s in rel_in]
                             + [p for p in places.values() if p])
        event_refs = []
        for e, roles in events.items():
            d = neighbours[e]
            place = places[e]
            event_refs.append(EntityEventRef(
                id=key_of(e), type=event_type(d.get(RDF_TYPE, ()), supers),
                date=first(d.get(CKG_NS + "date")),
                place=self.entity_ref(place, labels) if place else None,
                roles=sorted(roles)))
        event_refs.sort(key=lambda ev: (ev.date is None, ev.date or "", ev.id))
        partnerships = [
            EntityPartnershipRef(partner=next((p for p in pair.partners if p.id != key_of(subject)),
                                              pair.partners[0]), status=pair.status)
            for pair in self.partnerships({subject}, None)]
        base = summary(subject, types, desc)
        return EntityDetail(
            **base.model_dump(),
            labels=sorted(desc.get(RDFS_LABEL, ())), alt_labels=sorted(desc.get(SKOS_ALT, ())),
            relations_out=[RelationOut(property=p, entity=self.entity_ref(o, labels)) for p, o in rel_out],
            relations_in=[RelationOut(property=p, entity=self.entity_ref(s, labels)) for p, s in rel_in],
            events=event_refs, partnerships=partnerships,
            documents=self.doc_refs(desc.get(MENTIONED_IN, ())))

    # events ------------------------------------------------------------------------------
    def event_ids(self, type_: str | None, places: set[str] | None, actors: set[str] | None,
                  start: str | None, end: str | None) -> list[str]:
        parts = [f"GRAPH ?g {{ ?e a ?t }} {keep('g')}",
                 f"?t rdfs:subClassOf* {ref(CKG_NS + (type_ or 'Event'))} ."]
        if places is not None:
            parts.append(f"GRAPH ?g {{ ?e ckg:occurredAt ?place }} {values('place', places)}")
        if actors is not None:
            parts.append(f"GRAPH ?g {{ ?e ?role ?actor }} "
                         f"VALUES ?role {{ ckg:perpetrator ckg:target ckg:participant }} "
                         f"{values('actor', actors)}")
        parts.append("OPTIONAL { GRAPH ?g { ?e ckg:date ?d } }")
        rows = self.store.select(f"SELECT DISTINCT ?e ?d WHERE {{ {' '.join(parts)} }}")
        dates: dict[str, str | None] = {}
        for r in rows:
            if r["e"] not in dates or (r["d"] and (dates[r["e"]] is None or r["d"] < dates[r["e"]])):
                dates[r["e"]] = r["d"]
        chosen = [e for e, d in dates.items() if date_within(d, start, end)]
        chosen.sort(key=lambda e: (dates[e] is None, dates[e] or "", key_of(e)))
        return chosen

    def events(self, ids: list[str]) -> list[EventOut]:
        supers = self.class_supers()
        desc = self.describe(ids)
        casualty_nodes = {c for d in desc.values() for c in d.get(CKG_NS + "casualties", ())}
        cas = self.describe(casualty_nodes)
        mentioned = set()
        for d in desc.values():
            mentioned |= {v for p in (OCCURRED_AT, *ROLE_PROPS) for v in d.get(p, ())}
        for c in cas.values():
            mentioned |= c.get(CKG_NS + "victim", set())
        labels = self.labels(mentioned)
        docs = {r.id: r for r in self.doc_refs({v for d in desc.values() for v in d.get(MENTIONED_IN, ())})}
        out = []
        for e in ids:
            if e not in desc:
                continue
            d = desc[e]
            roles = {r: [self.entity_ref(a, labels) for a in sorted(d.get(p, ()))]
                     for p, r in ROLE_PROPS.items()}
            casualties = []
            for c in sorted(d.get(CKG_NS + "casualties", ())):
                cd = cas.get(c, {})
                count = first(cd.get(CKG_NS + "count"))
                victim = first(cd.get(CKG_NS + "victim"))
                casualties.append(CasualtyOut(
                    type=local_or_none(first(cd.get(CKG_NS + "casualtyType"))),
                    count=int(count) if count and count.isdigit() else None,
                    category=local_or_none(first(cd.get(CKG_NS + "victimCategory"))),
                    minimum=first(cd.get(CKG_NS + "isMinimum")) in ("true", "1"),
                    victim=self.entity_ref(victim, labels) if victim else None))
            casualties.sort(key=lambda c: (c.type or "", c.category or "", c.count or 0))
            place = first(d.get(OCCURRED_AT))
            conf = first(d.get(CKG_NS + "confidence"))
            out.append(EventOut(
                id=key_of(e), iri=e, type=event_type(d.get(RDF_TYPE, ()), supers),
                place=self.entity_ref(place, labels) if place else None,
                date=first(d.get(CKG_NS + "date")),
                roles=EventRoles(perpetrators=roles["perpetrator"], targets=roles["target"],
                                 participants=roles["participant"]),
                casualties=casualties, evidence=sorted(d.get(CKG_NS + "evidence", ())),
                confidence=float(conf) if conf else None,
                documents=[docs[i] for i in sorted(doc_id(v) for v in d.get(MENTIONED_IN, ()))
                           if i in docs]))
        return out

    # partnerships ------------------------------------------------------------------------
    def partnerships(self, actors: set[str] | None, status: str | None) -> list[PartnershipOut]:
        actor_part = ""
        if actors is not None:
            actor_part = f"GRAPH ?g {{ ?n ckg:partner ?actor }} {values('actor', actors)}"
        rows = self.store.select(
            f"SELECT DISTINCT ?n ?p ?o WHERE {{ GRAPH ?g {{ ?n a ?t }} {keep('g')} "
            f"?t rdfs:subClassOf* ckg:Partnership . {actor_part} "
            f"VALUES ?p {{ ckg:partner ckg:statedStatus ckg:date ckg:evidence ckg:mentionedIn }} "
            f"GRAPH ?g {{ ?n ?p ?o }} }}")
        nodes: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for r in rows:
            nodes[r["n"]][local(r["p"])].add(r["o"])
        derived: dict[str, str] = {}
        if nodes:
            for r in self.store.select(
                    f"SELECT ?n ?s WHERE {{ GRAPH {ref(DERIVED_GRAPH)} {{ ?n ckg:status ?s }} }}"):
                derived[r["n"]] = local(r["s"])
        pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
        for n, d in nodes.items():
            partners = d.get("partner", set())
            if len(partners) == 2:
                a, b = sorted(partners)
                pairs[(a, b)].append(n)
        labels = self.labels({p for pair in pairs for p in pair})
        all_docs = {v for ns in pairs.values() for n in ns for v in nodes[n].get("mentionedIn", ())}
        docs = {r.id: r for r in self.doc_refs(all_docs)}
        out = []
        for (a, b), ns in pairs.items():
            stated = derived_status(ns, nodes, derived, docs)
            if status and stated != status:
                continue
            evidence: list[tuple[str, str]] = []
            for n in ns:
                when = min(nodes[n].get("date", set()) or {""})
                evidence += [(when, ev) for ev in nodes[n].get("evidence", ())]
            out.append(PartnershipOut(
                partners=[self.entity_ref(a, labels), self.entity_ref(b, labels)],
                status=stated,
                evidence=list(dict.fromkeys(ev for _, ev in sorted(evidence))),
                documents=[docs[i] for i in sorted({doc_id(v) for n in ns
                                                    for v in nodes[n].get("mentionedIn", ())})
                           if i in docs],
                dates=sorted({v for n in ns for v in nodes[n].get("date", ())}),
                nodes=sorted(key_of(n) for n in ns)))
        out.sort(key=lambda p: tuple(search_form(x.label or x.id) for x in p.partners))
        return out

    # documents ---------------------------------------------------------------------------
    def document_iris(self) -> list[str]:
        rows = self.store.select(
            f"SELECT DISTINCT ?d WHERE {{ GRAPH ?d {{ ?d a ckg:Document }} "
            f'FILTER(STRSTARTS(STR(?d), "{DOC_NS}")) }}')
        return sorted((r["d"] for r in rows if r["d"]), key=doc_id)

    def documents(self, docs: list[str]) -> list[DocumentSummary]:
        desc = self.describe(docs)
        return [document_summary(d, desc[d]) for d in docs if d in desc]

    def document(self, doc: str) -> DocumentDetail | None:
        g = ref(doc)
        rows = self.store.select(f"SELECT DISTINCT ?p ?o WHERE {{ GRAPH {g} {{ {g} ?p ?o }} }}")
        if not any(r["p"] == RDF_TYPE and r["o"] == CKG_NS + "Document" for r in rows):
            return None
        desc: dict[str, set[str]] = defaultdict(set)
        for r in rows:
            desc[r["p"]].add(r["o"])
        supers = self.class_supers()
        typed: dict[str, set[str]] = defaultdict(set)
        for r in self.store.select(f"SELECT DISTINCT ?x ?t WHERE {{ GRAPH {g} {{ ?x a ?t }} }}"):
            typed[r["x"]].add(r["t"])
        counts = {"entities": 0, "events": 0, "partnerships": 0}
        for x, ts in typed.items():
            k = self.kinds(ts, supers)
            if k & {"Actor", "Place"}:
                counts["entities"] += 1
            elif "Event" in k:
                counts["events"] += 1
            elif "Partnership" in k:
                counts["partnerships"] += 1
        triples = self.store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}")
        return DocumentDetail(
            **document_summary(doc, desc).model_dump(),
            counts=DocumentCounts(**counts, triples=int(triples[0]["n"] or 0) if triples else 0),
            quarantined=self.quarantined(doc))

    def quarantined(self, doc: str) -> list[QuarantinedItem]:
        q = ref(f"{QUARANTINE_GRAPH}/{key_of(doc)}")
        rows = self.store.select(
            f"SELECT ?s ?p ?o ?blank WHERE {{ GRAPH {q} {{ ?s ?p ?o }} BIND(isBlank(?s) AS ?blank) }}")
        report_types = {SH + "ValidationReport", SH + "ValidationResult"}
        report_nodes = {r["s"] for r in rows if r["p"] == RDF_TYPE and r["o"] in report_types}
        messages: dict[str, set[str]] = defaultdict(set)
        for r in self.store.select(
                f"SELECT ?f ?m WHERE {{ GRAPH {q} {{ ?r <{SH}focusNode> ?f ; <{SH}resultMessage> ?m }} }}"):
            messages[r["f"]].add(r["m"])
        triples: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for r in rows:
            if r["blank"] == "true" or r["s"] in report_nodes:
                continue
            triples[r["s"]].add((r["p"], r["o"]))
        return [QuarantinedItem(subject=s,
                                triples=[QuarantinedTriple(predicate=p, object=o)
                                         for p, o in sorted(triples.get(s, ()))],
                                messages=sorted(messages.get(s, ())))
                for s in sorted(set(triples) | set(messages))]

    def has_ontology(self) -> bool:
        return bool(self.store.select(
            f"SELECT ?s WHERE {{ GRAPH {ref(ONTOLOGY_GRAPH)} {{ ?s ?p ?o }} }} LIMIT 1"))


def first(items: Iterable[str] | None) -> str | None:
    return min(items) if items else None


def local_or_none(value: str | None) -> str | None:
    return local(value) if value else None


def event_type(types: Iterable[str], supers: dict[str, set[str]]) -> str:
    names = {local(t) for t in types if t.startswith(CKG_NS)}
    for name in EVENT_TYPES:
        if name in names:
            return name
    return min(names) if names else "Event"


def summary(x: str, types: Iterable[str], names: dict[str, set[str]]) -> EntitySummary:
    return EntitySummary(id=key_of(x), iri=x, types=sorted(local(t) for t in types),
                         label=first(names.get(RDFS_LABEL)), wikidata=wikidata_id(names.get(OWL_SAME, ())))


def document_summary(doc: str, desc: dict[str, set[str]]) -> DocumentSummary:
    return DocumentSummary(id=doc_id(doc), iri=doc, headline=first(desc.get(SCHEMA + "headline")),
                           published=first(desc.get(SCHEMA + "datePublished")),
                           url=first(desc.get(SCHEMA + "url")),
                           publisher=first(desc.get(SCHEMA + "publisher")))


def derived_status(ns: list[str], nodes: dict, derived: dict[str, str],
                   docs: dict[str, DocumentRef]) -> str | None:
    """The pair's status from the derived graph; before a derive, the latest stated one."""
    found = {derived[n] for n in ns if n in derived}
    if len(found) == 1:
        return found.pop()  # type: ignore[return-value]
    stamps = []
    for n in ns:
        stated = first(nodes[n].get("statedStatus"))
        if stated:
            published = max((docs[doc_id(d)].published or "" for d in nodes[n].get("mentionedIn", ())
                             if doc_id(d) in docs), default="")
            stamps.append((published, local(stated) == "Ended", local(stated)))
    return max(stamps)[2] if stamps else None


# --- streaming export ---------------------------------------------------------------------

class _QueueWriter:
    """A binary file-like object handing what is written to a queue in chunks."""

    CHUNK = 64 * 1024

    def __init__(self, q: queue.Queue, cancelled: threading.Event) -> None:
        self.q = q
        self.cancelled = cancelled
        self.buffer = bytearray()

    def _put(self, item: object) -> None:
        while True:
            if self.cancelled.is_set():
                raise BrokenPipeError("the client went away")
            try:
                self.q.put(item, timeout=0.25)
                return
            except queue.Full:
                continue

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= self.CHUNK:
            self._put(bytes(self.buffer))
            self.buffer.clear()
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if self.buffer:
            self._put(bytes(self.buffer))
            self.buffer.clear()


_END = object()


def stream_export(store: Store, fmt: str) -> Iterator[bytes]:
    """Serialise the store in a worker thread; yield its output chunk by chunk."""
    q: queue.Queue = queue.Queue(maxsize=8)
    cancelled = threading.Event()
    writer = _QueueWriter(q, cancelled)

    def work() -> None:
        try:
            store.export(fmt, writer)  # type: ignore[arg-type]
            writer.close()
            writer._put(_END)
        except BrokenPipeError:
            pass
        except BaseException as exc:  # noqa: BLE001 - handed to the reader
            log.exception("export failed")
            try:
                writer._put(exc)
            except BrokenPipeError:
                pass

    thread = threading.Thread(target=work, name="kg-export", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item  # the status is sent already: the response ends early
            yield item
    finally:
        cancelled.set()


# --- writes -------------------------------------------------------------------------------

def ingest_result(article: Article, extraction: Extraction, stored: object) -> IngestResult:
    """What POST /documents extracted from one article."""
    from kg.rdfmap import event_key

    doc_key = document_key(article)
    doc = str(iri(doc_key))
    entities = extraction.entities
    labels = {str(iri(k)): e.label for k, e in entities.items()}

    def ent(k: str) -> EntityRef:
        return EntityRef(id=k, label=entities[k].label if k in entities else None)

    doc_ref = DocumentRef(id=doc_id(doc), headline=article.title, published=article.published)
    events = []
    for ev in extraction.events:
        k = event_key(doc_key, ev)
        events.append(EventOut(
            id=k, iri=str(iri(k)), type=ev.type, place=ent(ev.place) if ev.place else None,
            date=ev.date,
            roles=EventRoles(perpetrators=[ent(a) for a in ev.perpetrators],
                             targets=[ent(a) for a in ev.targets],
                             participants=[ent(a) for a in ev.participants]),
            casualties=[CasualtyOut(type=c.type, count=c.count, category=c.category, minimum=c.minimum,
                                    victim=ent(c.victim) if c.victim else None) for c in ev.casualties],
            evidence=[ev.evidence], confidence=round(ev.confidence, 2), documents=[doc_ref]))
    partnerships = []
    for p in extraction.partnerships:
        a, b = sorted(p.partners)
        when = p.date or article.published
        partnerships.append(PartnershipOut(
            partners=[ent(a), ent(b)], status=p.status, evidence=[p.evidence], documents=[doc_ref],
            dates=[when] if when else [], nodes=["partnership/" + stable_hash(doc_key, a, b)]))
    return IngestResult(
        status="stored", document=doc_id(doc), iri=doc,
        counts=IngestCounts(entities=len(entities), events=len(extraction.events),
                            partnerships=len(extraction.partnerships),
                            relations=len(extraction.relations),
                            triples=stored.triples, quarantined=stored.quarantined),  # type: ignore[attr-defined]
        entities=sorted((EntitySummary(id=k, iri=str(iri(k)), types=[e.type], label=labels[str(iri(k))],
                                       wikidata=e.wikidata) for k, e in entities.items()),
                        key=lambda e: e.id),
        events=events, partnerships=partnerships,
        problems=list(stored.problems))  # type: ignore[attr-defined]


class Writer:
    """Ingests one article at a time, with one extraction pipeline loaded on first use."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._extractor = None
        self._lock = threading.Lock()

    def extractor(self):  # type: ignore[no-untyped-def]
        if self._extractor is None:
            from kg.extract.pipeline import Extractor

            self._extractor = Extractor(max_chars=self.settings.max_chars)
        return self._extractor

    def ingest(self, article: Article) -> IngestResult:
        from kg.derive import derive
        from kg.ingest import ensure_ontology, store_document

        doc_key = document_key(article)
        doc = str(iri(doc_key))
        with self._lock:  # one write at a time; also guards the lazy model load
            if self.store.document_hash(doc) == text_hash(article.text):
                return IngestResult(status="unchanged", document=doc_id(doc), iri=doc)
            extraction = self.extractor().extract(article)
            stored = store_document(self.store, article, extraction)
            if not Reader(self.store).has_ontology():
                ensure_ontology(self.store)
            derive(self.store)
        return ingest_result(article, extraction, stored)


# --- the router ---------------------------------------------------------------------------

NOT_FOUND = {404: {"description": "no such resource"}}


def rest_router(store: Store, settings: Settings) -> APIRouter:
    router = APIRouter()
    reader = Reader(store)
    writer = Writer(store, settings)
    bearer = HTTPBearer(auto_error=False, description="KG_API_TOKEN")

    def resolve_or_empty(value: str | None, base: str) -> set[str] | None:
        return None if value is None or not value.strip() else reader.resolve(value, base)

    # entities ----------------------------------------------------------------------------
    @router.get("/entities", tags=["entities"], response_model=Page[EntitySummary],
                summary="List and search entities")
    def list_entities(type: EntityType | None = Query(None, description="an ontology class; subclasses count"),  # noqa: A002
                      q: str | None = Query(None, max_length=200,
                                            description="substring of a label or alias; no case, no accents"),
                      paging: Paging = Depends()) -> dict:
        items = reader.entities(type, q)
        return paging.page(paging.cut(items), len(items))

    @router.get("/entities/{type_slug}/{slug}", tags=["entities"], response_model=EntityDetail,
                responses=NOT_FOUND, summary="One entity with its relations, events and partnerships")
    def get_entity(type_slug: str = Path(examples=["state"]),
                   slug: str = Path(examples=["niger"])) -> EntityDetail:
        if not (SLUG.match(type_slug) and SLUG.match(slug)):
            raise HTTPException(404, f"no entity {type_slug}/{slug}")
        found = reader.entity(f"{CKGR_NS}{type_slug}/{slug}")
        if found is None:
            raise HTTPException(404, f"no entity {type_slug}/{slug}")
        return found

    # events ------------------------------------------------------------------------------
    @router.get("/events", tags=["events"], response_model=Page[EventOut], summary="List events")
    def list_events(type: EventType | None = Query(None, description="an event class"),  # noqa: A002
                    place: str | None = Query(None, max_length=500, description=(
                        "a label, alias, IRI or id of a place; places inside it count")),
                    actor: str | None = Query(None, max_length=500, description=(
                        "a label, alias, IRI or id of a perpetrator, target or participant")),
                    date_from: str | None = Query(None, alias="from", pattern=DATE,
                                                  description=DATE_HELP),
                    date_to: str | None = Query(None, alias="to", pattern=DATE,
                                                description=DATE_HELP),
                    paging: Paging = Depends()) -> dict:
        places = resolve_or_empty(place, "Place")
        if places:
            places = reader.places_within(places)
        actors = resolve_or_empty(actor, "Actor")
        if places == set() or actors == set():
            return paging.page([], 0)
        ids = reader.event_ids(type, places, actors, date_from, date_to)
        return paging.page(reader.events(paging.cut(ids)), len(ids))

    # partnerships ------------------------------------------------------------------------
    @router.get("/partnerships", tags=["partnerships"], response_model=Page[PartnershipOut],
                summary="Partnerships, one per pair of partners")
    def list_partnerships(actor: str | None = Query(None, max_length=500, description=(
                              "a label, alias, IRI or id of one partner")),
                          status: Literal["Active", "Ended"] | None = Query(None),
                          paging: Paging = Depends()) -> dict:
        actors = resolve_or_empty(actor, "Actor")
        if actors == set():
            return paging.page([], 0)
        items = reader.partnerships(actors, status)
        return paging.page(paging.cut(items), len(items))

    # documents ---------------------------------------------------------------------------
    @router.get("/documents", tags=["documents"], response_model=Page[DocumentSummary],
                summary="Source articles")
    def list_documents(paging: Paging = Depends()) -> dict:
        docs = reader.document_iris()
        return paging.page(reader.documents(paging.cut(docs)), len(docs))

    @router.get("/documents/{id}", tags=["documents"], response_model=DocumentDetail,
                responses=NOT_FOUND, summary="One article: metadata, counts and quarantined items")
    def get_document(id: str = Path(examples=["dev-000"])) -> DocumentDetail:  # noqa: A002
        found = reader.document(DOC_NS + id) if SLUG.match(id) else None
        if found is None:
            raise HTTPException(404, f"no document {id}")
        return found

    @router.post(
        "/documents", tags=["documents"], status_code=201, response_model=IngestResult,
        summary="Ingest one article",
        description=("Extracts, validates and stores one article (CONTRACT section 4 fields), then "
                     "recomputes the derived graph. Needs `Authorization: Bearer <KG_API_TOKEN>`. "
                     "Answers 201 with what was extracted, or 200 with status `unchanged` when the "
                     "same text is stored already."),
        responses={200: {"model": IngestResult, "description": "the same text is stored already"},
                   401: {"description": "missing or wrong token"},
                   403: {"description": "writes are disabled (no token configured)"},
                   413: {"description": "body too large"},
                   422: {"description": "not a valid article"}},
        openapi_extra={"requestBody": {"required": True, "content": {
            "application/json": {"schema": ArticleIn.model_json_schema()}}}})
    async def post_document(request: Request, response: Response,
                            credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> IngestResult:
        token = settings.api_token.get_secret_value() if settings.api_token else ""
        if not token:
            raise HTTPException(403, "writes are disabled")
        given = credentials.credentials if credentials else ""
        if not hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8")):
            raise HTTPException(401, "this needs the header 'Authorization: Bearer <token>'",
                                headers={"WWW-Authenticate": 'Bearer realm="ConflictKG"'})
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                raise HTTPException(413, f"the article is larger than {MAX_BODY} bytes")
        try:
            text = bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            raise HTTPException(422, "the body is not valid UTF-8") from None
        try:
            article = article_from_obj(load_json(text, "request body"), "request body")
        except InputError as err:
            raise HTTPException(422, err.reason) from None
        from kg.extract.pipeline import ExtractionError

        try:
            result = await run_in_threadpool(writer.ingest, article)
        except ExtractionError as exc:  # a bug in our rules: say so, store nothing
            raise HTTPException(500, f"extraction failed on this article ({exc})") from None
        response.status_code = 201 if result.status == "stored" else 200
        return result

    # export ------------------------------------------------------------------------------
    @router.get("/export", tags=["export"], summary="The whole graph as RDF (streamed)",
                response_class=StreamingResponse,
                responses={200: {"content": {m.split(";")[0]: {} for m, _ in MEDIA_TYPES.values()},
                                 "description": "the graph"}})
    def export(format: ExportFormat = Query("turtle")) -> StreamingResponse:  # noqa: A002
        media_type, suffix = MEDIA_TYPES[format]
        return StreamingResponse(stream_export(store, format), media_type=media_type,
                                 headers={"Content-Disposition": f'inline; filename="conflict-kg.{suffix}"'})

    return router

