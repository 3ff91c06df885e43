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
* By lookup on the corpus-level graphs (docs/rdf-layout.md): ``ckgg:entities``,
  ``ckgg:partnerships``, ``ckgg:events``, ``ckgg:relations`` and ``ckgg:places``
  (``ckg:within``, the closure of ``ckg:locatedIn``), which hold each real-world
  thing once and are kept current at ingest. No request scans all labels, all
  partnerships or all ``locatedIn`` edges: a name is resolved by the key it would
  have and by exact label/alias lookups, a place filter by ``ckg:within``.
* The queries are the named files of ``api/queries`` (:mod:`api.queries`), run only
  through :meth:`kg.store.Store.select`. User input reaches a query only as a bound
  variable (pyoxigraph substitutions); the only IRIs written into query text are ones
  built from slugs checked against ``^[a-z0-9-]+$`` or that came out of the store
  (checked against the SPARQL ``IRIREF`` characters), in ``VALUES`` blocks.
* The corpus-level graphs are built from what passed the SHACL gate; reads of
  document graphs (claims, mentions) skip the quarantine graphs, so what the gate
  kept out is served only under ``GET /documents/{id}`` as ``quarantined``.
* Lists are paged in SPARQL (``ORDER BY … LIMIT … OFFSET``, with a ``COUNT`` for the
  total), then the page's items are described with a few ``VALUES`` queries. What
  grows with the corpus is capped: an entity lists its latest events and documents
  (with totals), a partnership the claims of its last date (with their count).
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import queue
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api import queries
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
from api.queries import SAFE_IRI, ref, values
from kg.config import Settings
from kg.errors import InputError
from kg.ids import document_key, fold, iri, slugify, text_hash, type_slug
from kg.model import Article, Extraction
from kg.namespaces import (
    CKG,
    CKGR,
    ENTITY_TYPES,
    EVENT_TYPES,
    ONTOLOGY_GRAPH,
    QUARANTINE_GRAPH,
    WD,
)
from kg.rdfmap import event_key
from kg.readers import article_from_obj, load_json
from kg.store import EXPORT_FORMATS, Row, Store

if TYPE_CHECKING:  # the model is loaded on the first write (Writer.extractor)
    from kg.extract.pipeline import Extractor

log = logging.getLogger(__name__)
T = TypeVar("T")

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


def chunks(items: list[T], size: int = 200) -> Iterator[list[T]]:
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

#: the corpus-level graphs of docs/rdf-layout.md
CKGG_NS = "https://w3id.org/conflict-kg/graph/"
ENTITIES_GRAPH = CKGG_NS + "entities"
#: the per-document claim classes (docs/rdf-layout.md)
EVENT_REPORT = CKG_NS + "EventReport"
PARTNERSHIP_CLAIM = CKG_NS + "PartnershipClaim"
#: how many of an entity's events and documents its detail lists (the latest; totals say how many)
ENTITY_EVENTS = 50
ENTITY_DOCUMENTS = 20
#: how many partnerships an entity's detail lists (the rest: /partnerships?actor=…)
ENTITY_PARTNERS = 50
#: windows of months an entity's latest events or documents are looked for in, before asking for all
WALK_STEPS = 12
#: an entity with more events (documents) than this has its latest ones found by walking back in time
WALK_ABOVE = 400


class Reader:
    """The queries behind the routes and pages: the named queries of api/queries, run through
    :meth:`kg.store.Store.select`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._supers: dict[str, set[str]] | None = None

    def select(self, name: str, *, flags: Iterable[str] = (), blocks: dict[str, str] | None = None,
               limit: int | None = None, offset: int | None = None, bind: Mapping[str, str | None] | None = None,
               **bindings: str | None) -> list[Row]:
        """Rows of query ``name`` with ``bind`` and ``bindings`` bound (``None`` values are left unbound)."""
        bound = {k: v for k, v in {**(bind or {}), **bindings}.items() if v is not None}
        query = queries.build(name, flags=flags, blocks=blocks, bound=bound, limit=limit, offset=offset)
        return self.store.select(query, **bound)

    # generic ---------------------------------------------------------------------------
    def describe(self, name: str, subjects: Iterable[str]) -> dict[str, dict[str, set[str]]]:
        """Every property of ``subjects`` read by query ``name`` (describe_events, …)."""
        todo = [s for s in dict.fromkeys(subjects) if s and SAFE_IRI.match(s)]
        out: dict[str, dict[str, set[str]]] = {}
        for part in chunks(todo):
            for r in self.select(name, blocks={"s": values("s", part)}):
                out.setdefault(r["s"], defaultdict(set))[r["p"]].add(r["o"])
        return out

    def labels(self, subjects: Iterable[str]) -> dict[str, str]:
        todo = [s for s in dict.fromkeys(subjects) if s and SAFE_IRI.match(s)]
        out: dict[str, str] = {}
        for part in chunks(todo):
            out.update({r["s"]: r["label"] for r in self.select("labels", blocks={"s": values("s", part)})
                        if r["label"] is not None})
        return out

    def class_supers(self) -> dict[str, set[str]]:
        """Each class with all its superclasses (the ontology is fixed: read once)."""
        if self._supers is None:
            supers: dict[str, set[str]] = defaultdict(set)
            for r in self.select("class_supers"):
                supers[r["c"]].add(r["sup"])
            if not supers:
                return supers  # no ontology yet: ask again next time
            self._supers = supers
        return self._supers

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
        desc = self.describe("describe_documents", docs)
        return [DocumentRef(id=doc_id(d), headline=first(desc[d].get(SCHEMA + "headline")),
                            published=first(desc[d].get(SCHEMA + "datePublished")),
                            publisher=first(desc[d].get(SCHEMA + "publisher")))
                for d in docs if d in desc]

    # resolving filters -------------------------------------------------------------------
    def subtypes(self, base: str, among: Iterable[str] = ENTITY_TYPES) -> list[str]:
        """The classes (local names) of ``among`` under ``base``, ``base`` first."""
        supers = self.class_supers()
        return list(dict.fromkeys([base] + [t for t in among if CKG_NS + base in supers.get(CKG_NS + t, set())]))

    def types_block(self, base: str, among: Iterable[str] = ENTITY_TYPES) -> str:
        """``VALUES ?t { … }``: ``base`` and its subclasses, so that ``?x a ?t`` is an index lookup."""
        return values("t", [CKG_NS + t for t in self.subtypes(base, among)])

    def resolve(self, value: str, base: str) -> set[str]:
        """Entities (under class ``base``) that ``value`` names: an IRI, an id, a label or an alias.

        By lookup only: an IRI or id is checked; a name is tried as the key it would have
        under each class below ``base`` (so case, accents and punctuation do not matter for
        canonical labels), then as a label or alias in four spellings (as given, with
        capitals, in upper case, without a leading 'the').
        """
        value = value.strip()
        if value.startswith(("http://", "https://")) or KEY.match(value):
            candidate = value if value.startswith(("http://", "https://")) else CKGR_NS + value
            found = self.entity_ids([candidate], base)
            if found or not KEY.match(value):
                return found
        bare = re.sub(r"^the\s+", "", value, flags=re.I).strip()
        if not bare or len(bare) > 200:
            return set()
        slug = slugify(bare)
        found = self.entity_ids([f"{CKGR_NS}{type_slug(t)}/{slug}" for t in self.subtypes(base)], base)
        spellings = [value, " ".join(w[:1].upper() + w[1:] for w in value.split()), value.upper(), bare]
        rows = self.select("entity_by_name", blocks={"t": self.types_block(base)},
                           bind={f"n{i + 1}": s for i, s in enumerate(spellings)})
        return found | {r["x"] for r in rows if r["x"] and SAFE_IRI.match(r["x"])}

    def entity_ids(self, candidates: list[str], base: str) -> set[str]:
        safe = [c for c in candidates if SAFE_IRI.match(c)]
        if not safe:
            return set()
        rows = self.select("entity_ids", blocks={"x": values("x", safe), "t": self.types_block(base)})
        return {r["x"] for r in rows if r["x"]}

    def places_within(self, places: set[str]) -> set[str]:
        """``places`` and every place inside one of them (ckg:within, kept at ingest)."""
        out = {p for p in places if SAFE_IRI.match(p)}
        for part in chunks(sorted(out)):
            out |= {r["place"] for r in self.select("places_within", blocks={"top": values("top", part)})
                    if r["place"] and SAFE_IRI.match(r["place"])}
        return out

    # entities ----------------------------------------------------------------------------
    def entities(self, type_: str | None, q: str | None, limit: int, offset: int
                 ) -> tuple[list[EntitySummary], int]:
        flags: list[str] = []
        blocks = {"t": self.types_block(type_ or "Actor") if type_ else values("t", [CKG_NS + t for t in ENTITY_TYPES])}
        wanted = q.strip() if q and q.strip() else None
        bindings: dict[str, str | None] = {}
        if wanted is not None:
            flags.append("q")
            bindings.update(q=wanted.casefold(), qf=search_form(wanted))
        count = self.select("entities_count", flags=flags, blocks=blocks, bind=bindings)
        total = int(count[0]["n"] or 0) if count else 0
        extra = self.aliased(wanted, type_) if wanted is not None else []
        total += len(extra)
        if not limit or offset >= total:
            return [], total
        ids = extra[offset:offset + limit]
        if len(ids) < limit:
            rows = self.select("entities_page", flags=flags, blocks=blocks, limit=limit - len(ids),
                               offset=max(0, offset - len(extra)), bind=bindings)
            ids = list(dict.fromkeys(ids + [r["x"] for r in rows if r["x"]]))
        desc = self.describe("describe_entities", ids)
        return [summary(x, desc[x].get(RDF_TYPE, ()), desc[x]) for x in ids if x in desc], total

    def aliased(self, q: str, type_: str | None) -> list[str]:
        """Stored entities the gazetteer names ``q`` (api/aliases.py) whose stored names do not
        contain it (those the label search finds already)."""
        from api.aliases import keys_named

        candidates = [CKGR_NS + k for k in keys_named(q) if SAFE_IRI.match(CKGR_NS + k)] if len(q) > 2 else []
        if not candidates:
            return []
        types = self.types_block(type_) if type_ else values("t", [CKG_NS + t for t in ENTITY_TYPES])
        found = {r["x"] for r in self.select("entity_ids", blocks={"x": values("x", candidates), "t": types})
                 if r["x"]}
        desc = self.describe("describe_entities", sorted(found))
        qf = search_form(q)
        def names(x: str) -> set[str]:
            return desc.get(x, {}).get(RDFS_LABEL, set()) | desc.get(x, {}).get(SKOS_ALT, set())

        return [x for x in sorted(found) if not any(qf in search_form(n) for n in names(x))]

    def entity(self, subject: str) -> EntityDetail | None:
        desc = self.describe("describe_entities", [subject]).get(subject)
        if not desc or not desc.get(RDF_TYPE):
            return None
        rel_out = sorted({(local(r["p"]), r["o"], r["label"]) for r in self.select("relations_out", x=subject)
                          if r["p"].startswith(CKG_NS) and (r["o"] or "").startswith(CKGR_NS)},
                         key=lambda t: (t[0], t[1]))
        rel_in = sorted({(local(r["p"]), r["s"], r["label"]) for r in self.select("relations_in", x=subject)
                         if r["p"].startswith(CKG_NS) and (r["s"] or "").startswith(CKGR_NS)},
                        key=lambda t: (t[0], t[1]))
        events, events_total = self.entity_events(subject)
        partnerships = self.entity_partnerships(subject)
        docs, docs_total = self.entity_documents(subject)
        base = summary(subject, desc.get(RDF_TYPE, ()), desc)
        return EntityDetail(
            **base.model_dump(),
            labels=sorted(desc.get(RDFS_LABEL, ())), alt_labels=sorted(desc.get(SKOS_ALT, ())),
            relations_out=[RelationOut(property=p, entity=EntityRef(id=key_of(o), label=label))
                           for p, o, label in rel_out],
            relations_in=[RelationOut(property=p, entity=EntityRef(id=key_of(s), label=label))
                          for p, s, label in rel_in],
            events=events, events_total=events_total,
            partnerships=[EntityPartnershipRef(partner=EntityRef(id=key_of(o), label=label), status=status)
                          for o, label, status, _ in partnerships],
            documents=self.doc_refs(docs), documents_total=docs_total)

    def entity_events(self, subject: str, limit: int = ENTITY_EVENTS) -> tuple[list[EntityEventRef], int]:
        """The latest ``limit`` events of an entity (in date order), and how many there are."""
        found: dict[str, dict] = {}

        def take(rows: Iterable[dict]) -> None:
            for r in rows:  # a row per role
                entry = found.setdefault(r["e"], {"e": r["e"], "date": r["d"], "roles": set()})
                entry["roles"].add(r["role"])

        count = self.select("entity_events_count", x=subject)
        total = int(count[0]["n"] or 0) if count else 0
        if total <= WALK_ABOVE or not self.walk_back("entity_events_window", limit, take, coarse=True, x=subject):
            found.clear()
            take(self.select("entity_events", limit=4 * limit, x=subject))
        rows = latest_first(sorted(found.values(), key=lambda r: r["e"]), "date")[:limit]
        if not rows:
            return [], 0
        supers = self.class_supers()
        desc = self.describe("describe_event_refs", [r["e"] for r in rows])
        labels = self.labels(place for d in desc.values() if (place := first(d.get(OCCURRED_AT))))
        out = []
        for r in rows:
            d = desc.get(r["e"])
            if d is None:
                continue
            roles = {ROLE_PROPS.get(role, "place") for role in r["roles"]}
            place = first(d.get(OCCURRED_AT))
            out.append(EntityEventRef(id=key_of(r["e"]), type=event_type(d.get(RDF_TYPE, ()), supers),
                                      date=r["date"], place=self.entity_ref(place, labels) if place else None,
                                      roles=sorted(roles)))
        out.sort(key=lambda ev: (ev.date is None, ev.date or "", ev.id))
        return out, total

    def walk_back(self, name: str, limit: int, take: Callable[[list[dict]], None], *, coarse: bool,
                  var: str = "d", flags: Iterable[str] = (), blocks: dict[str, str] | None = None,
                  bind: Mapping[str, str | None] | None = None, **bindings: str | None) -> bool:
        """Walk back in time from next month, a window of months at a time, running query ``name``
        (its dates given by :func:`api.queries.date_window` as ``?var``) until ``limit`` distinct
        items were taken: so the latest items are found by lookup of dates, at a cost set by
        ``limit`` and how often such items come up, not by the size of the corpus. False when the
        walk gave up (the items are rare: the caller then asks for all of them, which are few)."""
        last = queries.month_index(dt.date.today()) + 1
        size, seen = 1, 0
        for _ in range(WALK_STEPS):
            first = last - size + 1
            window = queries.date_window(var, first, last, coarse=coarse)
            rows = self.select(name, flags=flags, blocks={**(blocks or {}), "dates": window},
                               bind={**(bind or {}), **bindings})
            keys = {r.get("e") or r.get("doc") for r in rows}
            take(rows)
            seen += len(keys)
            if seen >= limit:
                return True
            size = min(2 * size, 6) if not keys else 1
            last = first - 1
        return False

    def entity_partnerships(self, subject: str, limit: int = ENTITY_PARTNERS
                            ) -> list[tuple[str, str | None, str | None, str]]:
        """(other partner, its label, status, partnership) of the first ``limit`` partnerships of an
        entity (the active first, then by the partner's label)."""
        found: dict[str, tuple[str, str | None, str | None, str]] = {}
        for r in self.select("entity_partnerships", x=subject):
            found[r["n"]] = (r["other"], r["label"], local_or_none(r["status"]), r["n"])
        return sorted(found.values(), key=lambda t: ({"Active": 0, "Ended": 1}.get(t[2] or "", 2),
                                                     search_form(t[1] or t[0])))[:limit]

    def entity_documents(self, subject: str, limit: int = ENTITY_DOCUMENTS) -> tuple[list[str], int]:
        """The latest ``limit`` documents mentioning an entity, and how many there are."""
        found: dict[str, str] = {}

        def take(rows: Iterable[dict]) -> None:
            found.update({r["doc"]: r["published"] or "" for r in rows if r["doc"]})

        count = self.select("entity_documents_count", x=subject)
        total = int(count[0]["n"] or 0) if count else 0
        if total <= WALK_ABOVE or not self.walk_back("entity_documents_window", limit, take, coarse=False,
                                                     var="published", x=subject):
            found.clear()
            take(self.select("entity_documents", limit=limit, x=subject))
        docs = sorted(found, key=lambda d: (found[d], d), reverse=True)[:limit]
        return docs, total if docs else 0

    # events ------------------------------------------------------------------------------
    def event_page(self, type_: str | None, places: set[str] | None, actors: set[str] | None,
                   start: str | None, end: str | None, limit: int, offset: int,
                   latest: bool = False) -> tuple[list[str], int]:
        """The ids of one page of events in date order, or with ``latest`` the latest first (undated
        last either way), and how many match."""
        flags, blocks = [], {}
        if places is not None:
            flags.append("place")
            blocks["place"] = values("place", sorted(places))
        if actors is not None:
            flags.append("actor")
            blocks["actor"] = values("actor", sorted(actors))
        bindings: dict[str, str | None] = {"t": CKG_NS + type_ if type_ and type_ != "Event" else None}
        if bindings["t"]:
            flags.append("type")
        dated = [*flags, "dated"]
        if start:
            dated.append("from")
            bindings["from"] = start
        if end:
            dated.append("to")
            bindings["to"] = end

        def count(which: list[str]) -> int:
            rows = self.select("events_count", flags=which, blocks=blocks, bind=bindings)
            return int(rows[0]["n"] or 0) if rows else 0

        n_dated = count(dated)
        n_undated = 0 if start or end else count(flags or ["all"]) - n_dated
        total = n_dated + n_undated
        ids: list[str] = []
        if limit and offset < n_dated and latest:
            ids = self.latest_events(dated, blocks, bindings, limit, offset, n_dated)
        elif limit and offset < n_dated:
            rows = self.select("events_page", flags=dated, blocks=blocks, limit=limit, offset=offset, bind=bindings)
            ids = list(dict.fromkeys(r["e"] for r in rows if r["e"]))
        if n_undated and len(ids) < limit and offset + len(ids) < total:
            rows = self.select("events_page", flags=[*(flags or ["all"]), "undated"], blocks=blocks,
                               limit=limit - len(ids), offset=max(0, offset - n_dated), bind=bindings)
            ids += [r["e"] for r in rows if r["e"] and r["e"] not in ids]
        return ids, total

    def latest_events(self, flags: list[str], blocks: dict[str, str], bindings: dict[str, str | None],
                      limit: int, offset: int, n_dated: int) -> list[str]:
        """One page of the dated events, latest first: walking back in time when there are many
        (cost set by the page, not by the corpus), else sorting them all (they are few)."""
        found: dict[str, str] = {}

        def take(rows: list[dict]) -> None:
            found.update({r["e"]: r["d"] for r in rows if r["e"] and r["d"]})

        wanted = offset + limit
        if n_dated > WALK_ABOVE and self.walk_back("events_window", wanted, take, coarse=True,
                                                   flags=flags, blocks=blocks, bind=bindings):
            order = latest_first([{"e": e, "d": d} for e, d in sorted(found.items())], "d")
            return [r["e"] for r in order[offset:wanted]]
        rows = self.select("events_page_latest", flags=flags, blocks=blocks, limit=limit, offset=offset,
                           bind=bindings)
        return list(dict.fromkeys(r["e"] for r in rows if r["e"]))

    def events(self, ids: list[str]) -> list[EventOut]:
        supers = self.class_supers()
        desc = self.describe("describe_events", ids)
        cas = self.describe("describe_events", {c for d in desc.values() for c in d.get(CKG_NS + "casualties", ())})
        mentioned = set()
        for d in desc.values():
            mentioned |= {v for p in (OCCURRED_AT, *ROLE_PROPS) for v in d.get(p, ())}
        for c in cas.values():
            mentioned |= c.get(CKG_NS + "victim", set())
        labels = self.labels(mentioned)
        sources: dict[str, dict] = {}
        for part in chunks(list(desc)):
            for r in self.select("event_sources", blocks={"s": values("s", part)}):
                sources[r["s"]] = {"n": int(r["sources"] or 0),
                                   "docs": sorted({d for d in (r["doc1"], r["doc2"]) if d}),
                                   "evidence": sorted({v for v in (r["ev1"], r["ev2"]) if v})}
        docs = {r.id: r for r in self.doc_refs({v for x in sources.values() for v in x["docs"]})}
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
                high = first(cd.get(CKG_NS + "countHigh"))
                victim = first(cd.get(CKG_NS + "victim"))
                casualties.append(CasualtyOut(
                    type=local_or_none(first(cd.get(CKG_NS + "casualtyType"))),
                    count=int(count) if count and count.isdigit() else None,
                    count_high=int(high) if high and high.isdigit() else None,
                    category=local_or_none(first(cd.get(CKG_NS + "victimCategory"))),
                    minimum=first(cd.get(CKG_NS + "isMinimum")) in ("true", "1"),
                    victim=self.entity_ref(victim, labels) if victim else None))
            casualties.sort(key=lambda c: (c.type or "", c.category or "", c.count or 0))
            place = first(d.get(OCCURRED_AT))
            conf = d.get(CKG_NS + "confidence")
            out.append(EventOut(
                id=key_of(e), iri=e, type=event_type(d.get(RDF_TYPE, ()), supers),
                place=self.entity_ref(place, labels) if place else None,
                date=first(d.get(CKG_NS + "date")),
                roles=EventRoles(perpetrators=roles["perpetrator"], targets=roles["target"],
                                 participants=roles["participant"]),
                casualties=casualties, evidence=sources.get(e, {}).get("evidence", []),
                confidence=max(float(c) for c in conf) if conf else None,
                documents=[docs[i] for i in sorted(doc_id(v) for v in sources.get(e, {}).get("docs", ()))
                           if i in docs],
                sources=sources.get(e, {}).get("n", 0)))
        return out

    # partnerships ------------------------------------------------------------------------
    def partnerships(self, actors: set[str] | None, status: str | None, limit: int, offset: int
                     ) -> tuple[list[PartnershipOut], int]:
        flags, blocks = [], {}
        if actors is not None:
            flags.append("actor")
            blocks["actor"] = values("actor", sorted(actors))
        if status:
            flags.append("status")
        bindings = {"status": CKG_NS + status if status else None}
        count = self.select("partnerships_count", flags=flags, blocks=blocks, bind=bindings)
        total = int(count[0]["count"] or 0) if count else 0
        if not limit or offset >= total:
            return [], total
        rows = self.select("partnerships_page", flags=flags, blocks=blocks, limit=limit, offset=offset,
                           bind=bindings)
        rows = list({r["n"]: r for r in rows if r["n"]}.values())
        claims = self.claims([r["n"] for r in rows])
        docs = {d.id: d for d in self.doc_refs({doc for c in claims.values() for doc in c["documents"]})}
        out = []
        for r in rows:
            c = claims.get(r["n"], {"evidence": [], "documents": set(), "dates": [], "claims": 0})
            out.append(PartnershipOut(
                partners=[EntityRef(id=key_of(r["a"]), label=r["la"]), EntityRef(id=key_of(r["b"]), label=r["lb"])],
                status=local_or_none(r["state"]), since=r["since"], until=r["until"],
                evidence=c["evidence"], documents=[docs[i] for i in sorted(map(doc_id, c["documents"])) if i in docs],
                dates=c["dates"], claims=c["claims"], nodes=[key_of(r["n"])],
                confidence=c.get("confidence")))
        return out, total

    def claims(self, nodes: list[str]) -> dict[str, dict]:
        """Per partnership: how many claims, their first and last date, and the claims of the last
        date (their evidence, statuses and documents)."""
        out: dict[str, dict] = {}
        latest: set[str] = set()
        for part in chunks(nodes):
            for r in self.select("claims_summary", blocks={"n": values("n", part)}):
                out.setdefault(r["n"], {"claims": int(r["claims"] or 0),
                                        "dates": sorted({d for d in (r["first"], r["last"]) if d}),
                                        "evidence": [], "documents": set(), "latest": []})
                if r["c"]:
                    latest.add(r["c"])
        for part in chunks(sorted(latest)):
            for r in self.select("claims_latest", blocks={"c": values("c", part)}):
                if r["n"] not in out:
                    continue
                entry = out[r["n"]]
                if r["evidence"] and r["evidence"] not in entry["evidence"]:
                    entry["evidence"].append(r["evidence"])
                if r["doc"]:
                    entry["documents"].add(r["doc"])
                if r.get("conf"):
                    entry["confidence"] = max(entry.get("confidence") or 0.0, float(r["conf"]))
                entry["latest"].append(r)
        for entry in out.values():
            entry["evidence"].sort()
        return out

    # documents ---------------------------------------------------------------------------
    def document_page(self, limit: int, offset: int) -> tuple[list[str], int]:
        count = self.select("documents_count")
        total = int(count[0]["n"] or 0) if count else 0
        if not limit or offset >= total:
            return [], total
        return [r["d"] for r in self.select("documents_page", limit=limit, offset=offset) if r["d"]], total

    def documents(self, docs: list[str]) -> list[DocumentSummary]:
        desc = self.describe("describe_documents", docs)
        return [document_summary(d, desc[d]) for d in docs if d in desc]

    def document(self, doc: str) -> DocumentDetail | None:
        desc = self.describe("describe_documents", [doc]).get(doc)
        if not desc or CKG_NS + "Document" not in desc.get(RDF_TYPE, ()):
            return None
        rows = self.select("document_counts", blocks={"event_report": ref(EVENT_REPORT),
                                                      "partnership_claim": ref(PARTNERSHIP_CLAIM)}, doc=doc)
        counts = {k: int(rows[0][k] or 0) if rows else 0 for k in ("entities", "events", "partnerships")}
        g = ref(doc)
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


def latest_first(rows: list[dict], key: str) -> list[dict]:
    """``rows`` by ``row[key]`` (a date's text), the latest first, undated last; ties keep their order."""
    dated = sorted((r for r in rows if r[key]), key=lambda r: r[key], reverse=True)  # stable
    return dated + [r for r in rows if not r[key]]


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

def ingest_result(article: Article, extraction: Extraction, stored: object,
                  events_of: dict[str, str] | None = None) -> IngestResult:
    """What POST /documents extracted from one article; ``events_of`` maps each report IRI to the
    corpus-level event it is a report of."""
    from kg.rdfmap import partnership_key

    doc_key = document_key(article)
    doc = str(iri(doc_key))
    entities = extraction.entities
    labels = {str(iri(k)): e.label for k, e in entities.items()}

    def ent(k: str) -> EntityRef:
        return EntityRef(id=k, label=entities[k].label if k in entities else None)

    doc_ref = DocumentRef(id=doc_id(doc), headline=article.title, published=article.published)
    events = []
    for ev in extraction.events:
        report = str(iri("report/" + event_key(doc_key, ev).split("/", 1)[1]))
        event = (events_of or {}).get(report, report)
        events.append(EventOut(
            id=key_of(event), iri=event, type=ev.type, place=ent(ev.place) if ev.place else None,
            date=ev.date,
            roles=EventRoles(perpetrators=[ent(a) for a in ev.perpetrators],
                             targets=[ent(a) for a in ev.targets],
                             participants=[ent(a) for a in ev.participants]),
            casualties=[CasualtyOut(type=c.type, count=c.count, category=c.category, minimum=c.minimum,
                                    victim=ent(c.victim) if c.victim else None) for c in ev.casualties],
            evidence=[ev.evidence], confidence=round(ev.confidence, 2), documents=[doc_ref], sources=1))
    partnerships = []
    for p in extraction.partnerships:
        a, b = sorted(p.partners)
        when = p.date or article.published
        partnerships.append(PartnershipOut(
            partners=[ent(a), ent(b)], status=p.status, evidence=[p.evidence], documents=[doc_ref],
            dates=[when] if when else [], claims=1, nodes=[partnership_key(a, b)]))
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
        self._extractor: Extractor | None = None
        self._lock = threading.Lock()

    def extractor(self) -> Extractor:
        if self._extractor is None:
            from kg.extract.pipeline import Extractor

            self._extractor = Extractor(max_chars=self.settings.max_chars)
        return self._extractor

    def ingest(self, article: Article) -> IngestResult:
        from kg.ingest import ensure_ontology, store_document

        doc_key = document_key(article)
        doc = str(iri(doc_key))
        with self._lock:  # one write at a time; also guards the lazy model load
            if self.store.document_hash(doc) == text_hash(article.text):
                return IngestResult(status="unchanged", document=doc_id(doc), iri=doc)
            extraction = self.extractor().extract(article)
            stored = store_document(self.store, article, extraction)
            reader = Reader(self.store)
            if not reader.has_ontology():
                ensure_ontology(self.store)
            # store_document kept the corpus graphs current: name the events the reports joined
            reports = [str(iri("report/" + event_key(doc_key, ev).split("/", 1)[1])) for ev in extraction.events]
            events = {r["r"]: r["e"] for r in reader.select("events_of_reports", blocks={"r": values("r", reports)})}
        return ingest_result(article, extraction, stored, events)


# --- the router ---------------------------------------------------------------------------

NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such resource"}}


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
        items, total = reader.entities(type, q, paging.limit, paging.offset)
        return paging.page(items, total)

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
        ids, total = reader.event_page(type, places, actors, date_from, date_to, paging.limit, paging.offset)
        return paging.page(reader.events(ids), total)

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
        items, total = reader.partnerships(actors, status, paging.limit, paging.offset)
        return paging.page(items, total)

    # documents ---------------------------------------------------------------------------
    @router.get("/documents", tags=["documents"], response_model=Page[DocumentSummary],
                summary="Source articles")
    def list_documents(paging: Paging = Depends()) -> dict:
        docs, total = reader.document_page(paging.limit, paging.offset)
        return paging.page(reader.documents(docs), total)

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
            raise HTTPException(403, "writes are disabled on this server: no KG_API_TOKEN is configured "
                                     "(start kg serve with KG_API_TOKEN set to enable POST /documents)")
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

