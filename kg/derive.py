"""The corpus-level graphs (docs/rdf-layout.md), kept current at ingest and delete.

Each document graph holds one article's claims (entity mentions, event reports,
partnership claims, reified relations). The corpus graphs hold each real-world
thing once, computed from *all* the stored claims about it:

* ``ckgg:entities``: per entity, its types, one ``rdfs:label``, ``skos:altLabel``s,
  ``owl:sameAs``, the highest confidence;
* ``ckgg:partnerships``: one ``ckg:Partnership`` per pair, status of the latest claim;
* ``ckgg:events``: one event per cluster of compatible reports, reconciled figures;
* ``ckgg:relations``: each relation triple stated by at least one article;
* ``ckgg:places``: ``ckg:within``, the transitive closure of ``ckg:locatedIn``.

:func:`refresh` recomputes only the keys an article touched (:class:`Touched`), each
with queries bound by ``VALUES`` to those keys, and writes the difference between what
is stored and what the claims say. The result depends on the set of stored claims only,
never on the order articles came in: so sharded ingest equals a sequential run, and a
delete followed by a re-ingest equals a clean run.

Concurrent writers (a remote store with several ``kg ingest`` processes): SPARQL servers
do not serialise updates, so a recomputation may read claims another writer is about to
change. On a store whose ``concurrent_writers`` is true, each recomputation is repeated
until the stored description equals the one computed from the claims, read after writing:
every writer checks after its own last write, so the last check leaves each key right.
"""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import timedelta
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from kg.errors import StoreError
from kg.ids import stable_hash
from kg.namespaces import (
    CKG,
    CKGR,
    ENTITIES_GRAPH,
    EVENTS_GRAPH,
    PARTNERSHIPS_GRAPH,
    PLACES_GRAPH,
    RELATION_SOURCES_GRAPH,
    RELATIONS_GRAPH,
    SCHEMA,
)
from kg.store import Store

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode(_RDF + "type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
ALT_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
SAME_AS = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
DECIMAL = ox.NamedNode(_XSD + "decimal")
NON_NEGATIVE = ox.NamedNode(_XSD + "nonNegativeInteger")
BOOLEAN = ox.NamedNode(_XSD + "boolean")


def c(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(CKG) + name)


#: how many keys one VALUES block binds
CHUNK = 200
#: how often a recomputation is repeated under concurrent writers before giving up
ATTEMPTS = 12

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Triple = tuple[Term, Term, Term]


@dataclass
class Touched:
    """The corpus-level keys one or more documents make claims about (IRIs as strings)."""

    entities: set[str] = field(default_factory=set)
    partnerships: set[str] = field(default_factory=set)
    reports: set[str] = field(default_factory=set)
    relations: set[tuple[str, str, str]] = field(default_factory=set)

    def __ior__(self, other: Touched) -> Touched:
        self.entities |= other.entities
        self.partnerships |= other.partnerships
        self.reports |= other.reports
        self.relations |= other.relations
        return self

    def __bool__(self) -> bool:
        return bool(self.entities or self.partnerships or self.reports or self.relations)


def touched_of_ntriples(text: str | None) -> Touched:
    """The keys a stored document graph (N-Triples, :func:`kg.rdfmap.stored_graph`) touches."""
    out = Touched()
    if not text:
        return out
    statements: dict[str, dict[str, str]] = defaultdict(dict)
    for t in ox.parse(text, ox.RdfFormat.N_TRIPLES):
        p = t.predicate.value
        if p == str(CKG.mentionOf):
            out.entities.add(t.object.value)
        elif p == str(CKG.claimOf):
            out.partnerships.add(t.object.value)
        elif p == str(CKG.eventType):
            out.reports.add(t.subject.value)
        elif p in (_RDF + "subject", _RDF + "predicate", _RDF + "object"):
            statements[str(t.subject)][p] = t.object.value
    for parts in statements.values():
        if len(parts) == 3:
            out.relations.add((parts[_RDF + "subject"], parts[_RDF + "predicate"], parts[_RDF + "object"]))
    return out


def touched_in_store(store: Store, graphs: Iterable[str] | None = None) -> Touched:
    """The keys the stored document graphs ``graphs`` touch (all of them with ``None``)."""
    where = ""
    if graphs is not None:
        graphs = list(graphs)
        if not graphs:
            return Touched()
        where = f"VALUES ?g {{ {' '.join(_iri(g) for g in graphs)} }}"
    query = f"""SELECT ?k ?x ?y ?z WHERE {{ {where} GRAPH ?g {{
      {{ ?m <{CKG.mentionOf}> ?x BIND("e" AS ?k) }}
      UNION {{ ?m <{CKG.claimOf}> ?x BIND("p" AS ?k) }}
      UNION {{ ?x <{CKG.eventType}> ?t BIND("r" AS ?k) }}
      UNION {{ ?st <{_RDF}subject> ?x ; <{_RDF}predicate> ?y ; <{_RDF}object> ?z BIND("s" AS ?k) }} }} }}"""
    out = Touched()
    for row in store.select(query):
        k, x = row["k"], row["x"]
        if x is None:
            continue
        if k == "e":
            out.entities.add(x)
        elif k == "p":
            out.partnerships.add(x)
        elif k == "r":
            out.reports.add(x)
        elif k == "s" and row["y"] and row["z"]:
            out.relations.add((x, row["y"], row["z"]))
    return out


# ------------------------------------------------------------------ helpers
def _iri(value: str) -> str:
    return str(ox.NamedNode(value))


def _chunks(items: Iterable, size: int = CHUNK) -> Iterable[list]:
    items = sorted(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _rows(store: Store, query: str) -> list[dict[str, Term | None]]:
    return store.select_terms(query)


def _canon(term: Term) -> tuple[str, str]:
    """A term compared by value: servers normalise numbers (0.90 is 0.9, a nonNegativeInteger an
    integer)."""
    if isinstance(term, ox.Literal) and term.datatype.value.startswith(_XSD) and term.datatype.value[
            len(_XSD):] in ("decimal", "integer", "nonNegativeInteger", "int", "long", "double", "float"):
        try:
            return ("num", format(Decimal(term.value).normalize(), "f"))
        except InvalidOperation:
            pass
    return ("term", str(term))


def _key(triple: Triple) -> tuple:
    return tuple(_canon(t) for t in triple)


def change_text(graph: str, deletes: list[Triple], inserts: list[Triple]) -> str:
    """One update: delete then insert triples in ``graph``. Typed literals (other than strings)
    are made by STRDT in the WHERE clause, as :func:`kg.remote.replace_text` does (engines that
    merge typed constants by value)."""
    variables: dict[ox.Literal, str] = {}

    def text(term: Term) -> str:
        if isinstance(term, ox.Literal) and term.datatype.value not in (
                _XSD + "string", _RDF + "langString"):
            return variables.setdefault(term, f"?v{len(variables)}")
        return str(term)

    def block(triples: list[Triple]) -> str:
        return "\n".join(f"{text(s)} {text(p)} {text(o)} ." for s, p, o in triples)

    dels, ins = block(deletes), block(inserts)
    binds = "\n".join(f"BIND(STRDT({ox.Literal(lit.value)}, {lit.datatype}) AS {var})"
                      for lit, var in variables.items())
    g = _iri(graph)
    parts = []
    if deletes:
        parts.append(f"DELETE {{ GRAPH {g} {{\n{dels}\n}} }}")
    if inserts:
        parts.append(f"INSERT {{ GRAPH {g} {{\n{ins}\n}} }}")
    return "\n".join(parts) + f"\nWHERE {{\n{binds}\n}}"


def _settle(store: Store, graph: str, desired: Callable[[], Iterable[Triple]],
            stored: Callable[[], Iterable[Triple]]) -> set[str]:
    """Make the stored triples (of the keys being recomputed) those the claims give; returns the
    subjects whose triples changed."""
    changed: set[str] = set()
    for attempt in range(ATTEMPTS):
        want = {_key(t): t for t in desired()}
        have = {_key(t): t for t in stored()}
        deletes = [t for k, t in have.items() if k not in want]
        inserts = [t for k, t in want.items() if k not in have]
        if not deletes and not inserts:
            return changed
        changed |= {t[0].value for t in deletes + inserts}
        if attempt:
            time.sleep(random.uniform(0.02, 0.3))
        store.update(change_text(graph, deletes, inserts))
        if not store.concurrent_writers:
            return changed
    raise StoreError(f"the graph {graph} keeps changing under concurrent writers; run the command again")


def _subject_triples(store: Store, graph: str, subjects: Iterable[str]) -> list[Triple]:
    """Every triple of ``graph`` whose subject is one of ``subjects``."""
    out: list[Triple] = []
    for chunk in _chunks(subjects):
        values = " ".join(_iri(s) for s in chunk)
        for row in _rows(store, f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} "
                                f"GRAPH {_iri(graph)} {{ ?s ?p ?o }} }}"):
            out.append((row["s"], row["p"], row["o"]))  # type: ignore[arg-type]
    return out


def _decimal(value: Term | None) -> Decimal:
    try:
        return Decimal(value.value) if isinstance(value, ox.Literal) else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _confidence(value: Decimal) -> ox.Literal:
    return ox.Literal(f"{min(max(value, Decimal(0)), Decimal(1)):.2f}", datatype=DECIMAL)


def _claims(store: Store, link: str, keys: Iterable[str]) -> dict[str, dict[str, dict[str, list[Term]]]]:
    """{key: {claim node: {predicate: [objects]}}} of the claim nodes ``?n <link> key`` in any graph."""
    out: dict[str, dict[str, dict[str, list[Term]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for chunk in _chunks(keys):
        values = " ".join(_iri(k) for k in chunk)
        query = (f"SELECT ?k ?n ?p ?o WHERE {{ VALUES ?k {{ {values} }} "
                 f"GRAPH ?g {{ ?n <{link}> ?k ; ?p ?o }} }}")
        for row in _rows(store, query):
            out[row["k"].value][row["n"].value][row["p"].value].append(row["o"])  # type: ignore[union-attr, arg-type]
    return out


# ------------------------------------------------------------------ entities
_MENTION_OWN = {str(CKG.mentionOf), _RDF + "type", str(CKG.statedType), str(CKG.statedLabel),
                str(CKG.statedAltLabel), str(CKG.statedSameAs), str(CKG.confidence), str(CKG.mentionedIn)}


def entity_description(entity: str, mentions: dict[str, dict[str, list[Term]]]) -> list[Triple]:
    """An entity's corpus description from every article's mention of it (none: no description)."""
    if not mentions:
        return []
    e = ox.NamedNode(entity)
    out: list[Triple] = []
    labels: Counter[str] = Counter()
    names: set[str] = set()
    types: set[str] = set()
    same: set[str] = set()
    best = Decimal(-1)
    for node in sorted(mentions):
        m = mentions[node]
        types |= {t.value for t in m.get(str(CKG.statedType), [])}
        for stated in m.get(str(CKG.statedLabel), []):
            labels[stated.value] += 1
        names |= {a.value for a in m.get(str(CKG.statedAltLabel), [])}
        same |= {s.value for s in m.get(str(CKG.statedSameAs), []) if isinstance(s, ox.NamedNode)}
        best = max(best, max((_decimal(v) for v in m.get(str(CKG.confidence), [])), default=Decimal(0)))
    out += [(e, RDF_TYPE, ox.NamedNode(t)) for t in sorted(types)]
    if labels:  # the first in code-point order: the same whichever article came first
        label = min(labels)
        out.append((e, LABEL, ox.Literal(label)))
        names = (names | set(labels)) - {label}
    out += [(e, ALT_LABEL, ox.Literal(n)) for n in sorted(names)]
    out += [(e, SAME_AS, ox.NamedNode(s)) for s in sorted(same)]
    out.append((e, c("confidence"), _confidence(best)))
    # anything else a mention says (coordinates, ...): all of it from one mention, the one whose
    # values sort first. A minimum: merging a new mention into a stored description gives what a
    # recomputation from every mention gives, whatever the order (coordinates stay one pair)
    others = [_others(m) for m in mentions.values()]
    chosen = min((o for o in others if o), default=())
    for p, objects in chosen:
        out += [(e, ox.NamedNode(p), o) for _, o in objects]
    return out


def _others(mention: dict[str, list[Term]]) -> tuple:
    """What a mention (or a stored description) says beyond the mention's own terms, sortable:
    ((predicate, ((canonical value, term), ...)), ...)."""
    return tuple((p, tuple(sorted(((_canon(o), o) for o in objects), key=lambda x: x[0])))
                 for p, objects in sorted(mention.items()) if p not in _MENTION_OWN and objects)


_AS_MENTION = {_RDF + "type": str(CKG.statedType), str(LABEL.value): str(CKG.statedLabel),
               str(ALT_LABEL.value): str(CKG.statedAltLabel), str(SAME_AS.value): str(CKG.statedSameAs),
               str(CKG.confidence): str(CKG.confidence)}


def mentions_of_ntriples(text: str | None) -> dict[str, dict[str, dict[str, list[Term]]]]:
    """{entity: {mention: {predicate: [objects]}}} of the entity mentions in a document graph."""
    nodes: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for t in ox.parse(text or "", ox.RdfFormat.N_TRIPLES):
        if t.subject.value.startswith(str(CKGR) + "mention/"):
            nodes[t.subject.value][t.predicate.value].append(t.object)
    out: dict[str, dict[str, dict[str, list[Term]]]] = defaultdict(dict)
    for m, props in nodes.items():
        for e in props.get(str(CKG.mentionOf), []):
            out[e.value][m] = props
    return out


def refresh_entities(store: Store, entities: set[str],
                     added: dict[str, dict[str, dict[str, list[Term]]]] | None = None) -> None:
    """Recompute entity descriptions from all their mentions; or, when ``added`` holds the
    mentions of a document that only adds (new, not replacing one), merge those into the stored
    description: every part of it is a union, a maximum or a minimum, so merging equals
    recomputing, at a cost that does not grow with the number of mentions."""
    if not entities:
        return
    # a merge reads the stored description, so two writers merging at once would each write over
    # the other's addition: with concurrent writers every description is recomputed from the
    # mentions, which the retries of _settle make converge
    merge = {e for e in entities if e in added} if added is not None and not store.concurrent_writers else set()
    full = entities - merge

    def desired() -> list[Triple]:
        out: list[Triple] = []
        if full:
            claims = _claims(store, str(CKG.mentionOf), full)
            out += [t for e in sorted(full) for t in entity_description(e, claims.get(e, {}))]
        if merge:
            stored: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
            for s_, p, o in _subject_triples(store, ENTITIES_GRAPH, merge):
                stored[s_.value][_AS_MENTION.get(p.value, p.value)].append(o)
            for e in sorted(merge):
                mentions = dict(added[e])  # type: ignore[index]
                if e in stored:  # the stored description merges as one more mention
                    mentions[""] = stored[e]
                out += entity_description(e, mentions)
        return out

    _settle(store, ENTITIES_GRAPH, desired, lambda: _subject_triples(store, ENTITIES_GRAPH, entities))


# ------------------------------------------------------------------ relations and places
def _relation_rows(store: Store, graph: str | None, triples: Iterable[tuple[str, str, str]]) -> list[Triple]:
    """The triples among ``triples`` that are in ``graph`` (None: stated by a reified statement
    in a document graph)."""
    out: list[Triple] = []
    for chunk in _chunks(triples):
        values = " ".join(f"({_iri(s)} {_iri(p)} {_iri(o)})" for s, p, o in chunk)
        if graph is None:
            body = (f"GRAPH ?g {{ ?st <{_RDF}subject> ?s ; <{_RDF}predicate> ?p ; <{_RDF}object> ?o . "
                    f"?st a <{_RDF}Statement> }}")
        else:
            body = f"GRAPH {_iri(graph)} {{ ?s ?p ?o }}"
        for row in _rows(store, f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES (?s ?p ?o) {{ {values} }} {body} }}"):
            out.append((row["s"], row["p"], row["o"]))  # type: ignore[arg-type]
    return out


#: per relation triple, what its reified statements say together (cost: one pass over the
#: statements of the triples asked, in the engine)
_RELATION_AGGREGATE = f"""
SELECT ?s ?p ?o (MAX(?c) AS ?conf) (MIN(STR(?ev)) AS ?evidence) (MIN(STR(?doc)) AS ?d)
       (COUNT(DISTINCT ?st) AS ?n)
WHERE {{
  VALUES (?s ?p ?o) {{ %s }}
  GRAPH ?g {{
    ?st <{_RDF}subject> ?s ; <{_RDF}predicate> ?p ; <{_RDF}object> ?o ; a <{_RDF}Statement> .
    OPTIONAL {{ ?st <{CKG.confidence}> ?c }}
    OPTIONAL {{ ?st <{CKG.evidence}> ?ev }}
    OPTIONAL {{ ?st <{CKG.mentionedIn}> ?doc }}
  }}
}}
GROUP BY ?s ?p ?o
"""


def relation_source(s: str, p: str, o: str) -> ox.NamedNode:
    return ox.NamedNode(str(CKGR) + "relation/" + stable_hash(s, p, o))


def _relation_sources(store: Store, triples: set[tuple[str, str, str]]) -> list[Triple]:
    """One ``ckg:StatedRelation`` per stated triple: how many statements, the highest
    confidence, one sentence and one document (the first by text)."""
    out: list[Triple] = []
    for chunk in _chunks(triples):
        values = " ".join(f"({_iri(s)} {_iri(p)} {_iri(o)})" for s, p, o in chunk)
        for row in store.select(_RELATION_AGGREGATE % values):
            s, p, o = row["s"], row["p"], row["o"]
            if not (s and p and o):
                continue
            node = relation_source(s, p, o)
            out += [(node, RDF_TYPE, c("StatedRelation")), (node, c("relationSubject"), ox.NamedNode(s)),
                    (node, c("relationPredicate"), ox.NamedNode(p)), (node, c("relationObject"), ox.NamedNode(o)),
                    (node, c("statementCount"), ox.Literal(str(int(row["n"] or 0)), datatype=NON_NEGATIVE))]
            if row["conf"]:
                out.append((node, c("confidence"), _confidence(_decimal(ox.Literal(row["conf"])))))
            if row["evidence"]:
                out.append((node, c("evidence"), ox.Literal(row["evidence"])))
            if row["d"]:
                out.append((node, c("mentionedIn"), ox.NamedNode(row["d"])))
    return out


def refresh_relations(store: Store, triples: set[tuple[str, str, str]]) -> None:
    """Each stated relation triple once in ``ckgg:relations``, and how it is stated in
    ``ckgg:relation-sources`` (read by the pages instead of every statement)."""
    if triples:
        _settle(store, RELATIONS_GRAPH, lambda: _relation_rows(store, None, triples),
                lambda: _relation_rows(store, RELATIONS_GRAPH, triples))
        _settle(store, RELATION_SOURCES_GRAPH, lambda: _relation_sources(store, triples),
                lambda: _subject_triples(store, RELATION_SOURCES_GRAPH,
                                         {relation_source(*t).value for t in triples}))


def _walk(store: Store, starts: Iterable[str], down: bool) -> dict[str, set[str]]:
    """{start: every place it is in (down=False), or that is in it (down=True)} through
    ``ckg:locatedIn`` in ``ckgg:relations``, one hop a query: no transitive path (Virtuoso wants
    a constant start for those), and containment is shallow (a town, a region, a country)."""
    located_in = str(CKG.locatedIn)
    reach: dict[str, set[str]] = {s: set() for s in starts}
    frontier = {s: {s} for s in starts}  # node -> the starts it was reached from
    for _ in range(32):  # a cycle in the data must not loop forever
        if not frontier:
            break
        nxt: dict[str, set[str]] = defaultdict(set)
        for chunk in _chunks(sorted(frontier)):
            values = " ".join(_iri(n) for n in chunk)
            pattern = f"?o <{located_in}> ?n" if down else f"?n <{located_in}> ?o"
            for row in store.select(f"SELECT DISTINCT ?n ?o WHERE {{ VALUES ?n {{ {values} }} "
                                    f"GRAPH <{RELATIONS_GRAPH}> {{ {pattern} }} }}"):
                if not row["n"] or not row["o"]:
                    continue
                for start in frontier[row["n"]]:
                    if row["o"] not in reach[start]:
                        reach[start].add(row["o"])
                        nxt[row["o"]].add(start)
        frontier = dict(nxt)
    return reach


def refresh_places(store: Store, located: set[tuple[str, str, str]]) -> set[str]:
    """``ckg:within`` of every place whose ancestors a changed ``ckg:locatedIn`` edge can change:
    the edge's subject and everything within it (before or after the change). Returns the places
    whose ``ckg:within`` changed."""
    starts = {s for s, p, _ in located if p == str(CKG.locatedIn)}
    if not starts:
        return set()
    within = c("within")

    def affected() -> set[str]:
        nodes = set(starts)
        for chunk in _chunks(starts):
            values = " ".join(_iri(s) for s in chunk)
            query = (f"SELECT DISTINCT ?d WHERE {{ VALUES ?s {{ {values} }} "
                     f"GRAPH <{PLACES_GRAPH}> {{ ?d {within} ?s }} }}")
            nodes |= {r["d"] for r in store.select(query) if r["d"]}
        return nodes | set(_walk(store, starts, down=True))

    nodes = affected()

    def desired() -> list[Triple]:
        ancestors = _walk(store, nodes, down=False)
        return [(ox.NamedNode(n), within, ox.NamedNode(a)) for n in sorted(nodes)
                for a in sorted(ancestors.get(n, ())) if a != n]

    def stored() -> list[Triple]:
        return [t for t in _subject_triples(store, PLACES_GRAPH, nodes) if t[1] == within]

    return _settle(store, PLACES_GRAPH, desired, stored)


# ------------------------------------------------------------------ partnerships
_E, _A = str(CKG.Ended), str(CKG.Active)
#: one row per partnership, its claims aggregated by the engine (cost: one pass over the claims of
#: the pairs asked, no row per claim back to Python). A claim's stamp orders claims: the
#: publication date of its article, then the date it gives, then an ending before a standing
#: relation (on a tie an ending wins: an ending is news); a date is sent as "lexical|datatype".
_PARTNERSHIP_AGGREGATE = f"""
SELECT ?k (MAX(?stamp) AS ?latest) (MIN(STR(?a)) AS ?first) (MAX(STR(?a)) AS ?second)
       (MAX(COALESCE(?c, 0)) AS ?conf) (MIN(?from) AS ?since1) (MIN(?s0) AS ?since2) (MAX(?to) AS ?until1)
       (MAX(?u0) AS ?until2) (COUNT(DISTINCT ?n) AS ?claims) (MIN(?said1) AS ?firstSaid)
       (MAX(?said0) AS ?lastSaid)
WHERE {{
  VALUES ?k {{ %s }}
  GRAPH ?g {{
    ?n <{CKG.claimOf}> ?k ; <{CKG.statedStatus}> ?st ; <{CKG.statedPartner}> ?a .
    OPTIONAL {{ ?n <{CKG.confidence}> ?c }}
    OPTIONAL {{ ?n <{CKG.date}> ?d }}
    OPTIONAL {{ ?n <{CKG.datedByPublication}> ?bp }}
    OPTIONAL {{ ?n <{CKG.since}> ?sv }}
    OPTIONAL {{ ?n <{CKG.until}> ?uv }}
    OPTIONAL {{ ?n <{CKG.mentionedIn}> ?doc . ?doc <{SCHEMA.datePublished}> ?pub }}
  }}
  BIND(CONCAT(COALESCE(STR(?pub), ""), "|", COALESCE(STR(?d), ""), "|",
              IF(?st = <{_E}>, "1", "0"), "|", STR(?st)) AS ?stamp)
  BIND(IF(BOUND(?d) && !COALESCE(?bp, false), CONCAT(STR(?d), "|", STR(DATATYPE(?d))), "") AS ?text)
  BIND(IF(?st = <{_A}> && ?text != "", ?text, "~") AS ?from)
  BIND(IF(?st = <{_E}>, ?text, "") AS ?to)
  BIND(IF(BOUND(?sv), CONCAT(STR(?sv), "|", STR(DATATYPE(?sv))), "~") AS ?s0)
  BIND(IF(BOUND(?uv), CONCAT(STR(?uv), "|", STR(DATATYPE(?uv))), "") AS ?u0)
  BIND(IF(BOUND(?d), CONCAT(STR(?d), "|", STR(DATATYPE(?d))), "~") AS ?said1)
  BIND(IF(BOUND(?d), CONCAT(STR(?d), "|", STR(DATATYPE(?d))), "") AS ?said0)
}}
GROUP BY ?k
"""


def _date_of(values: Iterable[str | None], pick: Callable) -> ox.Literal | None:
    found = [v for v in values if v and v != "~"]  # "" and "~": none (aggregates need a value)
    if not found:
        return None
    lexical, datatype = pick(found, key=lambda v: v.split("|", 1)[0]).split("|", 1)
    return ox.Literal(lexical, datatype=ox.NamedNode(datatype))


def partnership_description(key: str, row: dict[str, str | None]) -> list[Triple]:
    """A partnership from the aggregate of its claims (:data:`_PARTNERSHIP_AGGREGATE`): status of
    the latest claim; since, the earliest date a text gives it active; until (ended only), the
    latest date a text gives it ended; the highest confidence."""
    p = ox.NamedNode(key)
    status = ox.NamedNode((row.get("latest") or f"|||{_A}").rsplit("|", 1)[-1])
    out: list[Triple] = [(p, RDF_TYPE, c("Partnership"))]
    out += [(p, c("partner"), ox.NamedNode(x)) for x in sorted({x for x in (row["first"], row["second"]) if x})]
    out.append((p, c("status"), status))
    since = _date_of([row.get("since1"), row.get("since2")], min)
    if since is not None:
        out.append((p, c("since"), since))
    if status.value == _E:
        until = _date_of([row.get("until1"), row.get("until2")], max)
        if until is not None:
            out.append((p, c("until"), until))
    out.append((p, c("confidence"), _confidence(_decimal(ox.Literal(row.get("conf") or "0")))))
    out.append((p, c("claimCount"), ox.Literal(str(int(row.get("claims") or 0)), datatype=NON_NEGATIVE)))
    for name, value, pick in (("firstClaimDate", row.get("firstSaid"), min),
                              ("lastClaimDate", row.get("lastSaid"), max)):
        said = _date_of([value], pick)
        if said is not None:
            out.append((p, c(name), said))
    return out


#: the claims of a partnership's last date kept as its ``ckg:latestClaim`` links, at most
LATEST_CLAIMS = 20


def _latest_claims(store: Store, last: dict[str, ox.Literal]) -> list[Triple]:
    """``ckg:latestClaim`` of each partnership: its claims dated on its last claim date (the
    :data:`LATEST_CLAIMS` first by IRI), looked up by that date as a term."""
    found: dict[str, set[str]] = defaultdict(set)
    for chunk in _chunks(last):
        values = " ".join(f"({_iri(k)} {last[k]})" for k in chunk)
        for row in store.select(f"SELECT DISTINCT ?k ?n WHERE {{ VALUES (?k ?d) {{ {values} }} "
                                f"GRAPH ?g {{ ?n <{CKG.claimOf}> ?k ; <{CKG.date}> ?d }} }}"):
            if row["k"] and row["n"]:
                found[row["k"]].add(row["n"])
    return [(ox.NamedNode(k), c("latestClaim"), ox.NamedNode(n))
            for k in sorted(found) for n in sorted(found[k])[:LATEST_CLAIMS]]


def refresh_partnerships(store: Store, partnerships: set[str]) -> None:
    if not partnerships:
        return

    def desired() -> list[Triple]:
        out: list[Triple] = []
        for chunk in _chunks(partnerships):
            rows = store.select(_PARTNERSHIP_AGGREGATE % " ".join(_iri(k) for k in chunk))
            for row in sorted(rows, key=lambda r: r["k"] or ""):
                if row["k"] and row["first"]:
                    out += partnership_description(row["k"], row)
        last = {t[0].value: t[2] for t in out if t[1].value == str(CKG.lastClaimDate)}
        return out + _latest_claims(store, last)  # type: ignore[arg-type]

    _settle(store, PARTNERSHIPS_GRAPH, desired,
            lambda: _subject_triples(store, PARTNERSHIPS_GRAPH, partnerships))


# ------------------------------------------------------------------ events
@dataclass
class Report:
    """One article's account of an event, as stored in its document graph."""

    iri: str
    type: str
    doc: str
    place: str | None = None
    date: str | None = None
    roles: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    evidence: set[str] = field(default_factory=set)
    confidence: Decimal = Decimal(0)
    #: (casualty type, victim category) -> (count, minimum, victims)
    figures: dict[tuple[str, str], tuple[int, bool, set[str]]] = field(default_factory=dict)
    date_term: ox.Literal | None = None


_ROLES = ("perpetrator", "target", "participant")
#: attacks told with dates at most this many days apart can be one attack
ATTACK_DAYS = 3


def _day(value: str) -> Date | None:
    try:
        return Date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def dates_agree(a: str | None, b: str | None, attack: bool) -> bool:
    """Equal, one undated, one inside the other (2024-06 holds 2024-06-11), or attacks within
    :data:`ATTACK_DAYS` days."""
    if not a or not b or a.startswith(b) or b.startswith(a):
        return True
    da, db = _day(a), _day(b)
    return attack and da is not None and db is not None and abs((da - db).days) <= ATTACK_DAYS


class _Places:
    """``ckg:within`` around the places of reports, read from ``ckgg:places`` as needed."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.up: dict[str, set[str]] = {}
        self.down: dict[str, set[str]] = {}

    def load(self, places: Iterable[str]) -> None:
        todo = {p for p in places if p not in self.up}
        for chunk in _chunks(todo):
            for p in chunk:
                self.up[p], self.down[p] = set(), set()
            values = " ".join(_iri(p) for p in chunk)
            within = c("within")
            query = (f"SELECT ?p ?x ?k WHERE {{ VALUES ?p {{ {values} }} GRAPH <{PLACES_GRAPH}> {{ "
                     f"{{ ?p {within} ?x BIND(1 AS ?k) }} UNION {{ ?x {within} ?p BIND(0 AS ?k) }} }} }}")
            for row in self.store.select(query):
                (self.up if row["k"] == "1" else self.down)[row["p"]].add(row["x"])

    def agree(self, a: str, b: str) -> bool:
        return a == b or b in self.up.get(a, ()) or b in self.down.get(a, ())


def _same_figures(a: Report, b: Report) -> int:
    """How many figures two reports give alike (same kind, victim category and number)."""
    return sum(1 for k, f in a.figures.items() if k in b.figures and b.figures[k][0] == f[0])


def compatible(a: Report, b: Report, places: _Places) -> bool:
    """Two reports can be of one event: other articles, the same type, places equal or one within
    the other, dates agreeing, and no contradicting perpetrator. When the dates do not pin it
    (one undated, or of another precision: a month and a day), the reports must also give one
    figure alike (same kind, victim category and number)."""
    if a.doc == b.doc or a.type != b.type or not a.place or not b.place:
        return False
    if not places.agree(a.place, b.place) or not dates_agree(a.date, b.date, a.type == str(CKG.Attack)):
        return False
    pa, pb = a.roles.get("perpetrator", set()), b.roles.get("perpetrator", set())
    if pa and pb and not pa & pb:
        return False
    if not a.date or not b.date or len(a.date) != len(b.date):
        return bool(_same_figures(a, b))
    return True


def _affinity(a: Report, b: Report) -> int:
    return (2 * _same_figures(a, b) + (a.place == b.place) + (a.date == b.date)
            + len(a.evidence & b.evidence))


def _fetch_reports(store: Store, iris: Iterable[str]) -> dict[str, Report]:
    data: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    figures: dict[str, dict[str, dict[str, list[Term]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    casualties = str(CKG.casualties)
    for chunk in _chunks(iris):
        values = " ".join(_iri(r) for r in chunk)
        query = (f"SELECT ?r ?f ?p ?o WHERE {{ VALUES ?r {{ {values} }} GRAPH ?g {{ ?r a <{CKG.EventReport}> . "
                 f"{{ ?r ?p ?o }} UNION {{ ?r <{casualties}> ?f . ?f ?p ?o }} }} }}")
        for row in _rows(store, query):
            r, f = row["r"].value, row["f"]  # type: ignore[union-attr]
            if f is None:
                data[r][row["p"].value].append(row["o"])  # type: ignore[union-attr, arg-type]
            else:
                figures[r][f.value][row["p"].value].append(row["o"])  # type: ignore[union-attr, arg-type]
    out: dict[str, Report] = {}
    for r, d in data.items():
        types, docs = d.get(str(CKG.eventType), []), d.get(str(CKG.mentionedIn), [])
        if not types or not docs:
            continue
        rep = Report(r, types[0].value, min(x.value for x in docs))
        place = d.get(str(CKG.occurredAt))
        rep.place = min(x.value for x in place) if place else None
        when = d.get(str(CKG.date))
        if when:
            rep.date_term = min(when, key=lambda x: x.value)  # type: ignore[assignment]
            rep.date = rep.date_term.value  # type: ignore[union-attr]
        for role in _ROLES:
            rep.roles[role] = {x.value for x in d.get(str(CKG[role]), [])}
        rep.evidence = {x.value for x in d.get(str(CKG.evidence), [])}
        rep.confidence = max((_decimal(x) for x in d.get(str(CKG.confidence), [])), default=Decimal(0))
        for fig in figures.get(r, {}).values():
            kind = fig.get(str(CKG.casualtyType))
            counts = fig.get(str(CKG["count"]))
            if not kind or not counts:
                continue
            category = fig.get(str(CKG.victimCategory))
            key = (kind[0].value, category[0].value if category else str(CKG.Unspecified))
            count = int(_decimal(counts[0]))
            minimum = any(x.value in ("true", "1") for x in fig.get(str(CKG.isMinimum), []))
            victims = {x.value for x in fig.get(str(CKG.victim), [])}
            old = rep.figures.get(key)
            if old is None or count > old[0]:  # one figure per kind and report: its largest
                rep.figures[key] = (count, minimum, victims)
        out[r] = rep
    return out


def _literal(text: str) -> ox.Literal:
    """A date of any precision as a term (xsd:gYear, xsd:gYearMonth or xsd:date)."""
    datatype = {4: "gYear", 7: "gYearMonth"}.get(len(text), "date")
    return ox.Literal(text, datatype=ox.NamedNode(_XSD + datatype))


def _days(first: Date, last: Date) -> list[str]:
    return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


def _same_terms(rep: Report) -> list[ox.Literal]:
    """The dates of the report's own precision another report of its event can be dated by:
    its date, or each day of an attack's window of :data:`ATTACK_DAYS` days."""
    text = rep.date
    if not text or len(text) not in (4, 7, 10):
        return []
    day = _day(text)
    if day is not None and rep.type == str(CKG.Attack):
        return [_literal(d) for d in _days(day - timedelta(days=ATTACK_DAYS), day + timedelta(days=ATTACK_DAYS))]
    return [_literal(text)]


def _match_key(*parts: str) -> ox.Literal:
    return ox.Literal(stable_hash(*parts, length=20))


def _figure_keys(rep: Report, places: _Places, written: bool) -> set[ox.Literal]:
    """The ``ckg:matchKey`` values of a report (``written``), or those it looks up: how two
    reports of one event that the dates do not pin (one undated, or of another precision: a month
    and a day) are found, by one figure alike (kind, victim category, number), one literal
    lookup each, never by a figure alone. A report writes, for its place ("at") and each place
    its place is in ("in"), and for each figure, its own date ("own", or "undated") and the dates
    its date is in ("cover": its month and year, and "any"). A report looks up, at its place,
    inside it and at the places it is in: the coarser dates its date is in and "undated" as
    "own", and its own date (a month, a year) as "cover" (the days and months within it); an
    undated one "any"."""
    if not rep.place:
        return set()
    date = rep.date if rep.date and len(rep.date) in (4, 7, 10) else None
    coarser = [date[:n] for n in (4, 7) if date and n < len(date)]
    out: set[ox.Literal] = set()
    ups = places.up.get(rep.place, set())
    for (kind, category), (count, _, _) in rep.figures.items():
        figure = (rep.type, kind, category, str(count))
        if written:
            for role, place in [("at", rep.place), *(("in", u) for u in ups)]:
                out.add(_match_key(role, place, "own", date or "undated", *figure))
                out |= {_match_key(role, place, "cover", d, *figure) for d in [*coarser, "any"]}
            continue
        wanted = [("own", d) for d in [*coarser, "undated"]]
        wanted += [("cover", date)] if date and len(date) < 10 else []
        wanted = wanted if date else [("cover", "any")]
        for role, place in [("at", rep.place), ("in", rep.place), *(("at", u) for u in ups)]:
            out |= {_match_key(role, place, kind_, d, *figure) for kind_, d in wanted}
    return out


def _candidates(store: Store, reports: list[Report], places: _Places) -> set[str]:
    """Reports (of any article) that may be of one event with one of ``reports`` (the pairs
    :func:`compatible` can accept, perpetrators aside): same type and places agreeing, and either
    dates of one precision agreeing, or (one undated, or of another precision) a figure in common.

    No lookup reads a place's history or every report with a figure: dates of one precision are
    bound as terms, with the type and either the report's place, a place it is in (a handful),
    or the report's place as a container the store joins through ``ckg:within`` (the places
    inside a country are never listed: their number grows with the corpus); the rest goes by
    :func:`_figure_keys`, one literal each, then the figures are compared here."""
    placed = {r.iri: (r, r.place) for r in reports if r.place}
    places.load(p for _, p in placed.values())
    within = f"<{c('within').value}>"
    found: set[str] = set()
    # (inside, type, place, date): inside, the report's place holds the reports' places
    dated = {(inside, _iri(r.type), _iri(p), str(d)) for r, place in placed.values() for d in _same_terms(r)
             for p, inside in [(place, False), (place, True), *((u, False) for u in places.up.get(place, ()))]}
    for inside in (False, True):
        at, tie = ("?at", f"GRAPH <{PLACES_GRAPH}> {{ ?at {within} ?pl }}") if inside else ("?pl", "")
        for chunk in _chunks(x[1:] for x in dated if x[0] is inside):
            values = " ".join(f"({t} {p} {d})" for t, p, d in chunk)
            query = (f"SELECT DISTINCT ?r WHERE {{ VALUES (?t ?pl ?d) {{ {values} }} GRAPH ?g {{ ?r <{CKG.date}> ?d ; "
                     f"<{CKG.eventType}> ?t ; <{CKG.occurredAt}> {at} }} {tie} }}")
            found |= {hit for row in store.select(query) if (hit := row["r"])}
    # dates of other precisions, or none: a figure alike, found by the reports' match keys
    keys: dict[str, set[str]] = defaultdict(set)
    for r, _ in placed.values():
        for k in _figure_keys(r, places, written=False):
            keys[k.value].add(r.iri)
    check: set[tuple[str, str]] = set()  # (a report found, the report it must share a figure with)
    for chunk in _chunks(keys):
        values = " ".join(str(ox.Literal(k)) for k in chunk)
        for row in store.select(f"SELECT ?r ?k WHERE {{ VALUES ?k {{ {values} }} "
                                f"GRAPH <{EVENTS_GRAPH}> {{ ?r {c('matchKey')} ?k }} }}"):
            if (hit := row["r"]) is not None:
                check |= {(hit, w) for w in keys.get(row["k"] or "", ())}
    fetched = _fetch_reports(store, {hit for hit, _ in check if hit not in found})
    for hit, w in check:
        if hit in fetched and _same_figures(placed[w][0], fetched[hit]):
            found.add(hit)
    return found


def _linked_events(store: Store, reports: Iterable[str]) -> dict[str, set[str]]:
    """{event: its reports} of the stored events that hold one of ``reports``."""
    events: set[str] = set()
    for chunk in _chunks(reports):
        values = " ".join(_iri(r) for r in chunk)
        events |= {row["e"] for row in store.select(
            f"SELECT DISTINCT ?e WHERE {{ VALUES ?r {{ {values} }} "
            f"GRAPH <{EVENTS_GRAPH}> {{ ?e <{CKG.report}> ?r }} }}")}
    out: dict[str, set[str]] = defaultdict(set)
    for chunk in _chunks(events):
        values = " ".join(_iri(e) for e in chunk)
        for row in store.select(f"SELECT ?e ?r WHERE {{ VALUES ?e {{ {values} }} "
                                f"GRAPH <{EVENTS_GRAPH}> {{ ?e <{CKG.report}> ?r }} }}"):
            out[row["e"]].add(row["r"])
    return out


def cluster(reports: dict[str, Report], places: _Places) -> list[list[Report]]:
    """Reports grouped into events. The best-dated reports first (days, then months, years,
    undated; then by IRI): each joins, of the events all of whose reports it agrees with, the one
    it shares most with (figures, place, date, evidence; ties: the first made), else starts one.
    The result depends on the set of reports only, never on the order they were stored in."""
    clusters: list[list[Report]] = []
    order = sorted(reports.values(), key=lambda r: (-len(r.date or ""), r.iri))
    for rep in order:
        best, best_score = None, -1
        for members in clusters:
            if all(compatible(rep, m, places) for m in members):
                score = sum(_affinity(rep, m) for m in members)
                if score > best_score:
                    best, best_score = members, score
        if best is None:
            clusters.append([rep])
        else:
            best.append(rep)
    return clusters


def event_description(members: list[Report], places: _Places) -> list[Triple]:
    """One event of several reports: see docs/rdf-layout.md, "ckgg:events"."""
    first = min(members, key=lambda r: r.iri)
    key = "event/" + first.iri.rsplit("/", 1)[-1]
    e = ox.NamedNode(str(CKGR) + key)
    out: list[Triple] = [(e, RDF_TYPE, ox.NamedNode(first.type))]
    placed = sorted({r.place for r in members if r.place})
    if placed:  # the most precise: the place within the most others
        place = max(placed, key=lambda p: (len(places.up.get(p, ())), [-ord(ch) for ch in p]))
        out.append((e, c("occurredAt"), ox.NamedNode(place)))
    dated = [r.date_term for r in members if r.date_term is not None]
    if dated:  # the most precise date, the earliest of those
        when = min(dated, key=lambda d: (-len(d.value), d.value))
        out.append((e, c("date"), when))
    for role in _ROLES:
        out += [(e, c(role), ox.NamedNode(a))
                for a in sorted(set().union(*(r.roles.get(role, set()) for r in members)))]
    out += [(e, c("mentionedIn"), ox.NamedNode(d)) for d in sorted({r.doc for r in members})]
    out += [(e, c("evidence"), ox.Literal(t)) for t in sorted(set().union(*(r.evidence for r in members)))]
    out.append((e, c("confidence"), _confidence(max(r.confidence for r in members))))
    out += [(e, c("report"), ox.NamedNode(r.iri)) for r in sorted(members, key=lambda r: r.iri)]
    kinds = sorted({k for r in members for k in r.figures})
    for kind, category in kinds:
        given = [(r.figures[(kind, category)], r) for r in members if (kind, category) in r.figures]
        low = min(f[0] for f, _ in given)
        high = max(f[0] for f, _ in given)
        lowest = [(f, r) for f, r in given if f[0] == low]
        node = ox.NamedNode(str(CKGR) + "casualty/" + stable_hash(key, kind, category))
        out.append((e, c("casualties"), node))
        out.append((node, RDF_TYPE, c("CasualtyCount")))
        out.append((node, c("casualtyType"), ox.NamedNode(kind)))
        out.append((node, c("count"), ox.Literal(str(low), datatype=NON_NEGATIVE)))
        if high != low:
            out.append((node, c("countHigh"), ox.Literal(str(high), datatype=NON_NEGATIVE)))
        minimum = any(f[1] for f, _ in lowest)
        out.append((node, c("isMinimum"), ox.Literal("true" if minimum else "false", datatype=BOOLEAN)))
        out.append((node, c("victimCategory"), ox.NamedNode(category)))
        victims = sorted(set().union(*(f[2] for f, _ in lowest)))
        if victims:
            out.append((node, c("victim"), ox.NamedNode(victims[0])))
        out += [(node, c("mentionedIn"), ox.NamedNode(d)) for d in sorted({r.doc for _, r in given})]
    return out


def _event_triples(store: Store, events: Iterable[str]) -> list[Triple]:
    """The stored triples of ``events`` and of their casualty nodes (two plain lookups: no BIND
    inside a UNION, which Virtuoso answers differently)."""
    out = _subject_triples(store, EVENTS_GRAPH, events)
    counts = {o.value for _, p, o in out if p.value == str(CKG.casualties) and isinstance(o, ox.NamedNode)}
    return out + _subject_triples(store, EVENTS_GRAPH, sorted(counts))


def _reports_at(store: Store, places: set[str]) -> set[str]:
    out: set[str] = set()
    for chunk in _chunks(places):
        values = " ".join(_iri(p) for p in chunk)
        out |= {r["r"] for r in store.select(f"SELECT DISTINCT ?r WHERE {{ VALUES ?pl {{ {values} }} "
                                              f"GRAPH ?g {{ ?r <{CKG.occurredAt}> ?pl ; <{CKG.eventType}> ?t }} }}")}
    return out


#: rounds of :func:`refresh_events` widening the reports it re-clusters, at most
ROUNDS = 16


def _members(clusters: Iterable[Iterable[str]]) -> dict[str, frozenset[str]]:
    """{report: the reports of its event}"""
    out: dict[str, frozenset[str]] = {}
    for members in clusters:
        group = frozenset(members)
        out.update(dict.fromkeys(group, group))
    return out


def refresh_events(store: Store, reports: set[str], places: set[str] = frozenset()) -> int:  # type: ignore[assignment]
    """Re-cluster the reports around ``reports`` (added, replaced or removed), and around the
    reports at ``places`` (whose containment changed), and rewrite the events they form. Returns
    how many reports were re-clustered.

    The reports re-clustered start as ``reports`` and every report of an event one of them is in;
    then, round by round, the candidates (:func:`_candidates`) of every report whose event came
    out other than it was stored join, with the reports of their events, until no event changes
    further out. A change spreads only as far as it changes events: a report added to a region
    with years of reports re-clusters the reports of a few days, not the region's history."""
    reports = set(reports) | (_reports_at(store, set(places)) if places else set())
    if not reports:
        return 0
    state: dict[str, set[str]] = {}
    size = [0]

    def desired() -> list[Triple]:
        places = _Places(store)
        linked = _linked_events(store, reports)
        seen = set(reports).union(*linked.values())
        known = _fetch_reports(store, seen)
        searched: set[str] = set()
        todo = set(seen)
        for _ in range(ROUNDS):
            more = _candidates(store, [known[r] for r in sorted(todo - searched) if r in known], places)
            searched |= todo
            new = _linked_events(store, more - seen)
            linked.update(new)
            more = (more | set().union(*new.values())) - seen
            seen |= more
            known.update(_fetch_reports(store, more))
            places.load(r.place for r in known.values() if r.place)
            clusters = cluster(known, places)
            before = _members(linked.values())
            after = _members([m.iri for m in members] for members in clusters)
            todo = {r for r in known if before.get(r) != after.get(r)} - searched
            if not todo:
                break
        linked.update(_linked_events(store, known))
        state["events"] = set(linked)
        size[0] = len(known)
        # the keys of a report change with it or with its place's containment only: written for
        # ``reports`` (which hold the reports at places whose containment changed)
        match = c("matchKey")
        out: list[Triple] = [(ox.NamedNode(r.iri), match, k) for r in known.values() if r.iri in reports
                             for k in sorted(_figure_keys(r, places, written=True), key=str)]
        for members in clusters:
            out += event_description(members, places)
        state["events"] |= {str(t[0].value) for t in out
                            if t[1] == RDF_TYPE and t[0].value.startswith(str(CKGR) + "event/")}
        return out

    def stored() -> list[Triple]:
        keys = [t for t in _subject_triples(store, EVENTS_GRAPH, reports) if t[1].value == str(CKG.matchKey)]
        return keys + _event_triples(store, state.get("events", set()))

    _settle(store, EVENTS_GRAPH, desired, stored)
    return size[0]


# ------------------------------------------------------------------ together
def refresh(store: Store, touched: Touched, added: str | None = None) -> None:
    """Recompute the corpus-level description of every key in ``touched`` from the stored claims.
    ``added``: the graph (N-Triples) of a document that was stored where there was none, when
    that is all that changed (entity descriptions are then merged, not recomputed).
    Relations before places (``ckg:within`` is read off ``ckgg:relations``), places before events
    (clustering reads ``ckg:within``)."""
    refresh_entities(store, touched.entities, mentions_of_ntriples(added) if added is not None else None)
    refresh_relations(store, touched.relations)
    moved = refresh_places(store, touched.relations)
    refresh_partnerships(store, touched.partnerships)
    refresh_events(store, touched.reports, moved)


def derive(store: Store) -> None:
    """Rebuild every corpus graph from every stored claim (a repair; ingest and delete keep the
    graphs current without it)."""
    from kg.namespaces import CORPUS_GRAPHS

    store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in CORPUS_GRAPHS))
    refresh(store, touched_in_store(store))
