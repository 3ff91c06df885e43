"""Score a stored graph against gold annotations (CONTRACT section 5).

Entry points: :func:`evaluate` (a :class:`pyoxigraph.Store`), :func:`evaluate_file`
(an exported TriG / N-Quads / Turtle / ... file, loaded into an in-memory store: the
independent check ``kg export --format trig`` then score the file), :func:`load_gold`,
:func:`render` (a ``rich`` table) and :func:`render_errors`.

What is read
------------
One SPARQL query pulls every triple with a predicate the scorer uses, from the
default graph and from every named graph, together with the graph it sits in.
Triples in the ontology graph and in the quarantine graph (they failed
validation) are ignored; everything else is one union. For *relations* only
asserted triples count: those in a document graph (or the default graph), not
those that exist only in the derived graph. Matching then happens in Python.

Names
-----
``norm(s)``: NFKC, accents stripped, lower-cased, apostrophes and dots removed
("Jama'at" -> "jamaat", "U.S." -> "us"), every other run of non-alphanumerics
(hyphens, commas, ...) becomes one space ("al-Qaeda" -> "al qaeda"), whitespace
collapsed, then one leading "the " removed ("The Ménaka" -> "menaka").
A stored node's names are its ``rdfs:label`` and ``skos:altLabel`` values,
normalised.

Types
-----
A stored node's classes are its ``rdf:type`` values in the ``ckg:`` namespace,
closed upwards over the fixed map :data:`SUPERCLASSES` (State is an Actor and a
Place, Attack is an Event, ...). The ontology file is not consulted. A node
"is" a class when the class is among them.

Gold entities
-------------
Gold entities are merged across articles by ``(type, norm(name))``; aliases and
Wikidata ids are unioned. An alias that, once normalised, belongs to two or more
merged gold entities of the same type ("army", "junta") is *ambiguous* and is
not used for corpus-level matching (it would make one stored node match every
army); inside one article, where it is unambiguous, it is used (event places,
roles). A gold reference (event location, role actor, partner, relation end)
is resolved first against that article's entity list (name or alias), then
against the unambiguous names of the whole gold file; a name found nowhere
becomes an untyped stand-in that matches any node with that name.

A stored node matches a gold entity when the types agree (the gold type is
among the node's classes) and one of its names equals the gold name or a
(non-ambiguous) alias, or one of its ``owl:sameAs`` is ``wd:<gold wikidata>``.

Sections
--------
* **entities** - evaluated classes State, MilitaryJunta, ArmedForces, ArmedGroup,
  InternationalOrganization, Person, Region, Settlement, MilitaryBase. Recall =
  gold entities matched by at least one node / gold entities; precision = stored
  nodes of an evaluated class that match at least one gold entity / stored nodes
  of an evaluated class. So two nodes matching one gold entity are both correct
  for precision (duplicates are not punished here) and a node matching two gold
  entities gives two recall hits. ``tp`` is the recall-side count (gold matched);
  ``tp_pred`` the precision-side count (nodes matched). ``fp`` = unmatched nodes,
  ``fn`` = unmatched gold entities.
* **events** - per document: the gold events of article X against the stored
  events (nodes whose classes include Event) with ``ckg:mentionedIn`` X's
  document IRI (``kg.ids.iri(kg.ids.document_key(Article(...)))``). Stored events
  mentioned only in documents outside the gold file are not scored. A pair is
  compatible when the stored node has the gold class and the place matches: one
  ``ckg:occurredAt`` node, or a node it is ``ckg:locatedIn``+ (transitively, any
  graph), matches the gold location by name (article-local aliases included) or
  Wikidata id. The place's type is not checked. A gold event with a null
  location matches on class alone. Pairs are chosen greedily one-to-one,
  preferring pairs that agree on more casualty figures, then on the date, then
  on more role triples, then an exact (not via locatedIn) place; ties by gold
  order and stored IRI.
* **casualties** - a figure is ``(casualtyType, count, victimCategory)`` (local
  names; a missing victimCategory reads as Unspecified). For a matched pair, gold
  and stored figures are matched as multisets; figures of unmatched gold events
  are misses, figures of unmatched stored events (in gold documents) spurious.
  ``minimum_accuracy``: share of matched figures whose ``ckg:isMinimum`` (absent =
  false) equals the gold ``minimum``.
* **roles** - event-role-actor triples: perpetrator and target for Attack and
  Coup, participant for Withdrawal, Deployment and Agreement (other roles of a
  stored event are not scored). For matched pairs an actor matches as an entity
  does (types agree, article-local aliases allowed), one-to-one per role. The
  triples of unmatched gold events are misses and those of unmatched stored
  events spurious, as for casualties. Not part of ``overall``.
* **partnerships** - corpus level. Gold: unordered pairs of resolved (merged)
  gold entities; when several articles give a pair, the status of the latest
  article by ``published`` wins (ties: the later line). Stored: ``ckg:Partnership``
  nodes grouped by their set of ``ckg:partner`` nodes (a node without exactly two
  partners is one spurious item). A group's status is its ``ckg:status`` (if
  groups' nodes disagree, that of the latest node); without one, the
  ``ckg:statedStatus`` of the latest node (by its ``ckg:date``, else the
  ``schema:datePublished`` of its document). A group matches a gold pair when its
  two nodes match the two gold entities (either order); greedy one-to-one,
  preferring agreeing status, so two groups for one gold pair (duplicate entity
  nodes) leave one spurious. ``partnerships``: a TP needs pair and status (a
  wrong status is one FP and one FN); ``partnership_pairs``: pair only;
  ``status_accuracy``: agreeing status among matched pairs.
* **relations** - corpus level set of ``(s, p, o)`` with p among locatedIn,
  governs, leaderOf, armedForcesOf, affiliatedWith, activeIn, operatedBy,
  memberOf. Gold triples are de-duplicated on merged gold entities. A stored
  asserted triple is a hit for every gold triple with the same p whose ends it
  matches (article-local aliases of every article giving the triple allowed);
  other stored triples are de-duplicated on the gold entity their ends match
  (else the node) and each distinct one is one FP.
* **date_accuracy** - matched event pairs whose gold date is not null: share
  whose stored ``ckg:date`` lexical value equals the gold string exactly.
  ``None`` when there is no such pair.
* **wikidata_coverage** - merged gold entities with a Wikidata id: share with a
  matched node carrying ``owl:sameAs wd:<id>``. ``None`` without such entities.
* **overall** - mean F1 of entities, events, casualties, partnerships, relations.

P/R/F1 conventions: precision = correct predictions / predictions, recall =
found gold / gold; with no predictions precision is 1.0 if there is no gold
either, else 0.0; with no gold recall is 1.0 if there are no predictions
either, else 0.0.

Error lists (``missed``, ``spurious``) carry the section, the gold document id
(or the document IRI when it is not a gold article), a description and, where
the store has one, the ``ckg:evidence`` sentence.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.ids import document_key, iri
from kg.model import Article
from kg.namespaces import (
    CKG,
    DERIVED_GRAPH,
    EVENTS_GRAPH,
    ONTOLOGY_GRAPH,
    QUARANTINE_GRAPH,
    RELATION_PROPERTIES,
    SCHEMA,
    WD,
)

__all__ = [
    "EVALUATED_CLASSES",
    "SUPERCLASSES",
    "ErrorItem",
    "EvalReport",
    "Score",
    "above_confidence",
    "confidence_table",
    "evaluate",
    "evaluate_file",
    "load_gold",
    "norm",
    "render",
    "render_confidence",
    "render_errors",
]

# ---------------------------------------------------------------- constants

EVALUATED_CLASSES = ("State", "MilitaryJunta", "ArmedForces", "ArmedGroup",
                     "InternationalOrganization", "Person", "Region", "Settlement",
                     "MilitaryBase")
EVENT_CLASSES = ("Attack", "Coup", "Withdrawal", "Deployment", "Agreement")

#: direct superclasses of the ckg classes (fixed; the ontology file is not read).
#: Extend it if the ontology grows subclasses that should count as a contract class.
SUPERCLASSES: dict[str, set[str]] = {
    "State": {"Actor", "Place"},
    "MilitaryJunta": {"Actor"},
    "ArmedForces": {"Actor"},
    "ArmedGroup": {"Actor"},
    "InternationalOrganization": {"Actor"},
    "Organization": {"Actor"},
    "Person": {"Actor"},
    "Region": {"Place"},
    "Settlement": {"Place"},
    "MilitaryBase": {"Place"},
    "Attack": {"Event"},
    "Coup": {"Event"},
    "Withdrawal": {"Event"},
    "Deployment": {"Event"},
    "Agreement": {"Event"},
}

ROLES_BY_CLASS = {
    "Attack": ("perpetrator", "target"),
    "Coup": ("perpetrator", "target"),
    "Withdrawal": ("participant",),
    "Deployment": ("participant",),
    "Agreement": ("participant",),
}
_GOLD_ROLE_FIELDS = {"perpetrator": "perpetrators", "target": "targets",
                     "participant": "participants"}

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_TYPE = _RDF + "type"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
_OWL_SAMEAS = "http://www.w3.org/2002/07/owl#sameAs"
_DATE_PUBLISHED = str(SCHEMA) + "datePublished"
_CKG = str(CKG)
_WD = str(WD)
_WD_ALT = ("https://www.wikidata.org/entity/", "http://www.wikidata.org/wiki/",
           "https://www.wikidata.org/wiki/")

_CKG_PREDICATES = ("occurredAt", "date", "perpetrator", "target", "participant",
                   "casualties", "casualtyType", "count", "isMinimum", "victimCategory",
                   "partner", "status", "statedStatus", "mentionedIn", "evidence", "eventType",
                   *RELATION_PROPERTIES)
_PREDICATES = {
    _RDF_TYPE: "type",
    _RDFS_LABEL: "label",
    _SKOS_ALT: "altLabel",
    _OWL_SAMEAS: "sameAs",
    _DATE_PUBLISHED: "datePublished",
    **{_CKG + p: p for p in _CKG_PREDICATES},
}
_IGNORED_GRAPHS = {ONTOLOGY_GRAPH, QUARANTINE_GRAPH}
_DEFAULT = ""  # stands for the default graph

_ARTICLE_FIELDS = {f.name for f in fields(Article)} - {"origin"}


# ---------------------------------------------------------------- names

def norm(text: str) -> str:
    """Normalise a name for comparison: 'The Ménaka' -> 'menaka', "Jama'at" -> 'jamaat'."""
    s = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", str(text)))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"['\u2019\u2018\u02bc`\u00b4.]", "", s)
    s = re.sub(r"[\W_]+", " ", s).strip()
    if s.startswith("the "):
        s = s[4:].strip()
    return s


# ---------------------------------------------------------------- report

@dataclass
class Score:
    """Counts and P/R/F1 of one section (see the module docstring for each)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    tp_pred: int = 0  # correct predictions (differs from tp only for entities)

    @property
    def n_gold(self) -> int:
        return self.tp + self.fn

    @property
    def n_pred(self) -> int:
        return self.tp_pred + self.fp

    @classmethod
    def of(cls, tp: int, fp: int, fn: int, tp_pred: int | None = None) -> Score:
        tp_pred = tp if tp_pred is None else tp_pred
        n_gold, n_pred = tp + fn, tp_pred + fp
        p = tp_pred / n_pred if n_pred else (1.0 if n_gold == 0 else 0.0)
        r = tp / n_gold if n_gold else (1.0 if n_pred == 0 else 0.0)
        f = 2 * p * r / (p + r) if p + r else 0.0
        return cls(tp, fp, fn, p, r, f, tp_pred)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["n_gold"], d["n_pred"] = self.n_gold, self.n_pred
        return d


@dataclass
class ErrorItem:
    section: str  # entities | events | casualties | roles | partnerships | relations
    kind: str  # missed | spurious
    document: str | None  # gold article id, or document IRI
    item: str  # human-readable description
    evidence: str | None = None
    node: str | None = None  # the stored node's IRI, for spurious items


SECTIONS = ("entities", "events", "casualties", "roles", "partnerships",
            "partnership_pairs", "relations")
OVERALL_SECTIONS = ("entities", "events", "casualties", "partnerships", "relations")


@dataclass
class EvalReport:
    entities: Score = field(default_factory=Score)
    events: Score = field(default_factory=Score)
    casualties: Score = field(default_factory=Score)
    roles: Score = field(default_factory=Score)
    partnerships: Score = field(default_factory=Score)  # pair and status
    partnership_pairs: Score = field(default_factory=Score)  # pair only
    relations: Score = field(default_factory=Score)
    overall: float = 0.0
    date_accuracy: float | None = None
    wikidata_coverage: float | None = None
    status_accuracy: float | None = None
    minimum_accuracy: float | None = None
    documents: int = 0
    missed: list[ErrorItem] = field(default_factory=list)
    spurious: list[ErrorItem] = field(default_factory=list)
    #: missed gold events told at another place: the stored event that matches but for its place
    #: (diagnostics only: each is already counted as one missed and one spurious event)
    wrong_places: list[ErrorItem] = field(default_factory=list)

    @property
    def sections(self) -> dict[str, Score]:
        return {name: getattr(self, name) for name in SECTIONS}

    def to_dict(self) -> dict[str, Any]:
        return {
            "sections": {name: s.to_dict() for name, s in self.sections.items()},
            "overall": self.overall,
            "date_accuracy": self.date_accuracy,
            "wikidata_coverage": self.wikidata_coverage,
            "status_accuracy": self.status_accuracy,
            "minimum_accuracy": self.minimum_accuracy,
            "documents": self.documents,
            "missed": [asdict(e) for e in self.missed],
            "spurious": [asdict(e) for e in self.spurious],
            "wrong_places": [asdict(e) for e in self.wrong_places],
        }


# ---------------------------------------------------------------- the stored graph

@dataclass(frozen=True)
class _Lit:
    value: str
    datatype: str | None = None


def _solutions(store: ox.Store, query: str) -> ox.QuerySolutions:
    """The rows of a SELECT over ``store``."""
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)  # a SELECT gives solutions
    return result


def _term(t: Any) -> Any:
    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return t.value
    if isinstance(t, ox.BlankNode):
        return "_:" + t.value
    if isinstance(t, ox.Literal):
        return _Lit(t.value, t.datatype.value if t.datatype is not None else None)
    return str(t)


def _local(value: Any) -> str | None:
    """'https://w3id.org/conflict-kg/ontology#Killed' -> 'Killed'."""
    if isinstance(value, str) and value.startswith(_CKG):
        return value[len(_CKG):]
    if isinstance(value, _Lit):  # tolerate a literal "Killed"
        return value.value
    return None


def _qid(value: Any) -> str | None:
    if isinstance(value, str):
        for prefix in (_WD, *_WD_ALT):
            if value.startswith(prefix):
                return value[len(prefix):]
    return None


def _closure(classes: Iterable[str]) -> set[str]:
    out: set[str] = set()
    todo = list(classes)
    while todo:
        c = todo.pop()
        if c not in out:
            out.add(c)
            todo.extend(SUPERCLASSES.get(c, ()))
    return out


class _Stored:
    """The triples the scorer needs, indexed in memory."""

    def __init__(self, store: ox.Store):
        values = " ".join(f"<{p}>" for p in _PREDICATES)
        query = (f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?p {{ {values} }} "
                 "{ ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
        graphs: dict[tuple, set[str]] = defaultdict(set)
        for row in _solutions(store, query):
            g = _term(row["g"])
            graphs[(_term(row["s"]), _PREDICATES[_term(row["p"])], _term(row["o"]))].add(
                _DEFAULT if g is None else g)

        self.out: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
        self.types: dict[str, set[str]] = {}
        self.names: dict[str, set[str]] = defaultdict(set)
        self.labels: dict[str, list[str]] = defaultdict(list)
        self.same_as: dict[str, set[str]] = defaultdict(set)
        self.by_name: dict[str, set[str]] = defaultdict(set)
        self.by_qid: dict[str, set[str]] = defaultdict(set)
        #: asserted relation triples -> graphs they are asserted in
        self.relations: dict[tuple[str, str, str], set[str]] = {}
        raw_types: dict[str, set[str]] = defaultdict(set)

        for (s, p, o), gs in graphs.items():
            gs = gs - _IGNORED_GRAPHS
            if not gs:
                continue
            if p == "type" and gs == {EVENTS_GRAPH}:
                continue  # events are scored per article, on its own reports (ckg:eventType)
            if p == "eventType" or p == "type":
                local = _local(o) if isinstance(o, str) else None
                if local:
                    raw_types[s].add(local)
            elif p in ("label", "altLabel"):
                if isinstance(o, _Lit):
                    n = norm(o.value)
                    if n:
                        self.names[s].add(n)
                        self.by_name[n].add(s)
                    if p == "label":
                        self.labels[s].append(o.value)
            elif p == "sameAs":
                q = _qid(o)
                if q:
                    self.same_as[s].add(q)
                    self.by_qid[q].add(s)
            else:
                self.out[s][p].add(o)
                if p in RELATION_PROPERTIES and isinstance(o, str):
                    asserted = gs - {DERIVED_GRAPH}
                    if asserted:
                        self.relations[(s, p, o)] = asserted
        self.types = {s: _closure(ts) for s, ts in raw_types.items()}
        self._ancestors: dict[str, set[str]] = {}

    # -- helpers
    def has_type(self, node: str, cls: str | None) -> bool:
        return cls is None or cls in self.types.get(node, ())

    def values(self, node: str, pred: str) -> set:
        return self.out.get(node, {}).get(pred, set())

    def iris(self, node: str, pred: str) -> list[str]:
        return sorted(v for v in self.values(node, pred) if isinstance(v, str))

    def literals(self, node: str, pred: str) -> list[str]:
        return sorted(v.value for v in self.values(node, pred) if isinstance(v, _Lit))

    def label(self, node: str) -> str:
        if self.labels.get(node):
            return sorted(self.labels[node])[0]
        return node.rsplit("/", 1)[-1]

    def evidence(self, node: str) -> str | None:
        ev = self.literals(node, "evidence")
        return " | ".join(ev) if ev else None

    def candidates(self, names: Iterable[str], qids: Iterable[str], cls: str | None) -> set[str]:
        found: set[str] = set()
        for n in names:
            found |= self.by_name.get(n, set())
        for q in qids:
            found |= self.by_qid.get(q, set())
        return {x for x in found if self.has_type(x, cls)}

    def ancestors(self, node: str) -> set[str]:
        """Places ``node`` is ckg:locatedIn, transitively (any graph but quarantine)."""
        if node not in self._ancestors:
            seen: set[str] = set()
            todo = self.iris(node, "locatedIn")
            while todo:
                x = todo.pop()
                if x not in seen:
                    seen.add(x)
                    todo.extend(self.iris(x, "locatedIn"))
            seen.discard(node)
            self._ancestors[node] = seen
        return self._ancestors[node]

    def nodes_of(self, cls: str) -> list[str]:
        return sorted(s for s, ts in self.types.items() if cls in ts)


# ---------------------------------------------------------------- gold

@dataclass
class _GoldEntity:
    key: tuple[str | None, str]
    type: str | None
    name: str
    names: set[str] = field(default_factory=set)  # name + aliases, normalised
    wikidata: set[str] = field(default_factory=set)
    docs: list[str] = field(default_factory=list)
    synthetic: bool = False
    match_names: set[str] = field(default_factory=set)  # names minus ambiguous aliases


@dataclass
class _Ref:
    """A gold mention resolved in its article: the entity plus the names usable there."""

    entity: _GoldEntity
    names: set[str]

    @property
    def type(self) -> str | None:
        return self.entity.type

    @property
    def qids(self) -> set[str]:
        return self.entity.wikidata


class _Gold:
    def __init__(self, gold: list[dict]):
        self.articles = gold
        self.entities: dict[tuple, _GoldEntity] = {}
        self.doc_iris: list[str] = []
        self.doc_ids: list[str] = []
        self.local: list[dict[str, tuple[_GoldEntity, set[str]]]] = []
        for i, art in enumerate(gold):
            fields_ = {k: v for k, v in art.items() if k in _ARTICLE_FIELDS}
            fields_.setdefault("text", "")
            doc_iri = str(iri(document_key(Article(**fields_))))
            self.doc_iris.append(doc_iri)
            self.doc_ids.append(str(art.get("id") or doc_iri))
            local: dict[str, tuple[_GoldEntity, set[str]]] = {}
            for e in (art.get("gold") or {}).get("entities", []):
                key = (e["type"], norm(e["name"]))
                ge = self.entities.get(key)
                if ge is None:
                    ge = self.entities[key] = _GoldEntity(key, e["type"], e["name"])
                local_names = {norm(n) for n in [e["name"], *(e.get("aliases") or [])]} - {""}
                ge.names |= local_names
                if e.get("wikidata"):
                    ge.wikidata.add(e["wikidata"])
                if self.doc_ids[i] not in ge.docs:
                    ge.docs.append(self.doc_ids[i])
                for n in local_names:
                    local.setdefault(n, (ge, local_names))
            self.local.append(local)
        owners: dict[tuple[str | None, str], set[tuple]] = defaultdict(set)
        for ge in self.entities.values():
            for n in ge.names:
                owners[(ge.type, n)].add(ge.key)
        self.ambiguous = {k for k, v in owners.items() if len(v) > 1}
        self.by_name: dict[str, set[tuple]] = defaultdict(set)
        for ge in self.entities.values():
            ge.match_names = {n for n in ge.names
                              if n == ge.key[1] or (ge.type, n) not in self.ambiguous}
            for n in ge.match_names:
                self.by_name[n].add(ge.key)
        self.synthetic: dict[str, _GoldEntity] = {}

    def resolve(self, i: int, name: str) -> _Ref:
        n = norm(name)
        if n in self.local[i]:
            ge, local_names = self.local[i][n]
            return _Ref(ge, ge.match_names | local_names)
        keys = self.by_name.get(n, set())
        if len(keys) == 1:
            ge = self.entities[next(iter(keys))]
            return _Ref(ge, set(ge.match_names))
        ge = self.synthetic.get(n)
        if ge is None:
            ge = self.synthetic[n] = _GoldEntity((None, n), None, name, {n}, synthetic=True,
                                                 match_names={n})
        return _Ref(ge, {n})


# ---------------------------------------------------------------- matching helpers

def _greedy(pairs: list[tuple[tuple, Any, Any]]) -> list[tuple[Any, Any]]:
    """One-to-one matching: ``pairs`` are (sort key, gold, pred); lowest key first."""
    used_g: set = set()
    used_p: set = set()
    out = []
    for _, g, p in sorted(pairs, key=lambda x: x[0]):
        if g not in used_g and p not in used_p:
            used_g.add(g)
            used_p.add(p)
            out.append((g, p))
    return out


def _mean(xs: list[bool]) -> float | None:
    return sum(xs) / len(xs) if xs else None


@dataclass
class _StoredEvent:
    node: str
    classes: set[str]
    places: list[str]
    dates: list[str]
    figures: list[tuple[str | None, int | None, str]]
    minimum: dict[tuple, list[bool]]
    roles: dict[str, list[str]]

    @property
    def cls(self) -> str:
        cs = sorted(c for c in self.classes if c in EVENT_CLASSES)
        return "/".join(cs) or "Event"


def _stored_event(st: _Stored, node: str) -> _StoredEvent:
    figures, minimum = [], defaultdict(list)
    for c in st.iris(node, "casualties"):
        ctype = next(iter(sorted(filter(None, map(_local, st.values(c, "casualtyType"))))), None)
        cat = next(iter(sorted(filter(None, map(_local, st.values(c, "victimCategory"))))),
                   "Unspecified")
        count = None
        for v in st.literals(c, "count"):
            try:
                count = int(float(v))
            except ValueError:
                pass
        fig = (ctype, count, cat)
        figures.append(fig)
        minimum[fig].append(any(v.lower() in ("true", "1") for v in st.literals(c, "isMinimum")))
    roles = {r: st.iris(node, r) for r in ("perpetrator", "target", "participant")}
    return _StoredEvent(node, st.types.get(node, set()), st.iris(node, "occurredAt"),
                        st.literals(node, "date"), figures, minimum, roles)


def _gold_figures(ev: dict) -> list[tuple[str | None, int | None, str]]:
    """(casualty type, count, victim category) of a gold event's figures, typed as the stored ones."""
    return [(c["type"], int(c["count"]), c.get("category") or "Unspecified")
            for c in ev.get("casualties") or []]


def _scored_roles(cls: str | None) -> tuple[str, ...]:
    return ROLES_BY_CLASS.get(cls or "", ())


def _match_roles(st: _Stored, gold_roles: dict[str, list[_Ref]], se: _StoredEvent,
                 roles: tuple[str, ...]) -> dict[str, list[tuple[int, str]]]:
    """Per role, matched (gold actor index, stored actor node) pairs, one-to-one."""
    out = {}
    for r in roles:
        pairs = []
        for gi, ref in enumerate(gold_roles.get(r, [])):
            cands = st.candidates(ref.names, ref.qids, ref.type)
            for node in se.roles.get(r, []):
                if node in cands:
                    pairs.append(((gi, node), gi, node))
        out[r] = _greedy(pairs)
    return out


def _fig_str(fig: tuple, minimum: bool | None = None) -> str:
    ctype, count, cat = fig
    pre = "at least " if minimum else ""
    return f"{ctype} {pre}{count} {cat}"


# ---------------------------------------------------------------- evaluate

def evaluate(store: ox.Store, gold: list[dict]) -> EvalReport:
    """Score everything in ``store`` (all graphs but ontology and quarantine) against ``gold``."""
    st = _Stored(store)
    gd = _Gold(gold)
    rep = EvalReport(documents=len(gold))
    doc_id_of = dict(zip(gd.doc_iris, gd.doc_ids, strict=True))

    def doc_of(node: str) -> str | None:
        docs = st.iris(node, "mentionedIn")
        ids = [doc_id_of.get(d, d) for d in docs]
        return ", ".join(ids) if ids else None

    _score_entities(st, gd, rep, doc_of)
    _score_events(st, gd, rep)
    _score_partnerships(st, gd, rep, doc_id_of)
    _score_relations(st, gd, rep, doc_id_of)
    rep.overall = sum(getattr(rep, s).f1 for s in OVERALL_SECTIONS) / len(OVERALL_SECTIONS)
    return rep


def _score_entities(st: _Stored, gd: _Gold, rep: EvalReport, doc_of) -> None:
    nodes = sorted({n for c in EVALUATED_CLASSES for n in st.nodes_of(c)})
    matched_nodes: set[str] = set()
    found = 0
    gold = [ge for ge in gd.entities.values() if ge.type in EVALUATED_CLASSES]
    with_qid = covered = 0
    for ge in gold:
        cands = st.candidates(ge.match_names, ge.wikidata, ge.type)
        matched_nodes |= cands
        if cands:
            found += 1
        else:
            rep.missed.append(ErrorItem("entities", "missed", ", ".join(ge.docs),
                                        f"{ge.type} {ge.name}"))
        if ge.wikidata:
            with_qid += 1
            if any(st.same_as.get(n, set()) & ge.wikidata for n in cands):
                covered += 1
    for n in nodes:
        if n not in matched_nodes:
            cls = "/".join(sorted(c for c in st.types[n] if c in EVALUATED_CLASSES))
            rep.spurious.append(ErrorItem("entities", "spurious", doc_of(n),
                                          f"{cls} {st.label(n)}", node=n))
    tp_pred = sum(1 for n in nodes if n in matched_nodes)
    rep.entities = Score.of(found, len(nodes) - tp_pred, len(gold) - found, tp_pred)
    rep.wikidata_coverage = covered / with_qid if with_qid else None


def _score_events(st: _Stored, gd: _Gold, rep: EvalReport) -> None:
    ev_tp = ev_fp = ev_fn = 0
    ca_tp = ca_fp = ca_fn = 0
    ro_tp = ro_fp = ro_fn = 0
    date_ok: list[bool] = []
    min_ok: list[bool] = []
    all_events = st.nodes_of("Event")
    seen_docs: set[str] = set()
    for i, art in enumerate(gd.articles):
        doc_iri, doc_id = gd.doc_iris[i], gd.doc_ids[i]
        if doc_iri in seen_docs:  # the same article twice: score it once
            continue
        seen_docs.add(doc_iri)
        gold_events = (art.get("gold") or {}).get("events") or []
        stored = [_stored_event(st, n) for n in all_events
                  if doc_iri in st.values(n, "mentionedIn")]
        # resolve gold references once
        g_loc: list[_Ref | None] = []
        g_roles: list[dict[str, list[_Ref]]] = []
        for ev in gold_events:
            loc = ev.get("location")
            g_loc.append(gd.resolve(i, loc) if loc else None)
            g_roles.append({r: [gd.resolve(i, a) for a in ev.get(f) or []]
                            for r, f in _GOLD_ROLE_FIELDS.items()})
        # compatible pairs
        pairs = []
        for gi, ev in enumerate(gold_events):
            loc = g_loc[gi]
            loc_cands = st.candidates(loc.names, loc.qids, None) if loc else set()
            gfigs = Counter(_gold_figures(ev))
            for se in stored:
                if ev["type"] not in se.classes:
                    continue
                if loc is None:
                    exact = True
                else:
                    exact = any(p in loc_cands for p in se.places)
                    if not exact and not any(st.ancestors(p) & loc_cands for p in se.places):
                        continue
                fig_hits = sum((gfigs & Counter(se.figures)).values())
                d_ok = ev.get("date") is not None and ev.get("date") in se.dates
                roles = _match_roles(st, g_roles[gi], se, _scored_roles(ev["type"]))
                role_hits = sum(len(v) for v in roles.values())
                key = (-fig_hits, -int(d_ok), -role_hits, -int(exact), gi, se.node)
                pairs.append((key, gi, se.node))
        matched = _greedy(pairs)
        by_node = {se.node: se for se in stored}
        matched_g = {g: p for g, p in matched}
        matched_p = {p for _, p in matched}

        for gi, ev in enumerate(gold_events):
            figs = _gold_figures(ev)
            roles = _scored_roles(ev["type"])
            n_roles = sum(len(g_roles[gi].get(r, [])) for r in roles)
            where = f"{ev['type']} at {ev.get('location') or '?'} ({ev.get('date') or 'no date'})"
            if gi not in matched_g:
                ev_fn += 1
                ca_fn += len(figs)
                ro_fn += n_roles
                rep.missed.append(ErrorItem("events", "missed", doc_id, where))
                for c in ev.get("casualties") or []:
                    rep.missed.append(ErrorItem(
                        "casualties", "missed", doc_id,
                        f"{_fig_str(_gold_figures({'casualties': [c]})[0], c.get('minimum'))}"
                        f" in {where}"))
                for r in roles:
                    for ref in g_roles[gi].get(r, []):
                        rep.missed.append(ErrorItem("roles", "missed", doc_id,
                                                    f"{where} {r} {ref.entity.name}"))
                continue
            se = by_node[matched_g[gi]]
            evid = st.evidence(se.node)
            ev_tp += 1
            if ev.get("date") is not None:
                ok = ev["date"] in se.dates
                date_ok.append(ok)
                if not ok:
                    rep.missed.append(ErrorItem("dates", "missed", doc_id, f"{where}: stored "
                                                f"{', '.join(sorted(se.dates)) or 'no date'}", evid))
            # casualties
            gc, sc = Counter(figs), Counter(se.figures)
            hit = gc & sc
            ca_tp += sum(hit.values())
            ca_fn += sum((gc - sc).values())
            ca_fp += sum((sc - gc).values())
            for c in ev.get("casualties") or []:
                fig = _gold_figures({"casualties": [c]})[0]
                if hit[fig] > 0:
                    hit[fig] -= 1
                    stored_min = se.minimum[fig].pop(0) if se.minimum.get(fig) else False
                    min_ok.append(bool(c.get("minimum", False)) == stored_min)
            for fig, k in (gc - sc).items():
                for _ in range(k):
                    rep.missed.append(ErrorItem("casualties", "missed", doc_id,
                                                f"{_fig_str(fig)} in {where}", evid))
            for fig, k in (sc - gc).items():
                for _ in range(k):
                    rep.spurious.append(ErrorItem("casualties", "spurious", doc_id,
                                                  f"{_fig_str(fig)} in {where}", evid, se.node))
            # roles
            rmatch = _match_roles(st, g_roles[gi], se, roles)
            for r in roles:
                hits = rmatch.get(r, [])
                ro_tp += len(hits)
                hit_g = {g for g, _ in hits}
                hit_p = {p for _, p in hits}
                for k, ref in enumerate(g_roles[gi].get(r, [])):
                    if k not in hit_g:
                        ro_fn += 1
                        rep.missed.append(ErrorItem("roles", "missed", doc_id,
                                                    f"{where} {r} {ref.entity.name}", evid))
                for node in se.roles.get(r, []):
                    if node not in hit_p:
                        ro_fp += 1
                        rep.spurious.append(ErrorItem("roles", "spurious", doc_id,
                                                      f"{where} {r} {st.label(node)}", evid,
                                                      se.node))

        _wrong_places(st, gd, rep, i, doc_id, gold_events, g_roles,
                      [se for se in stored if se.node not in matched_p], set(matched_g))
        for se in stored:
            if se.node in matched_p:
                continue
            ev_fp += 1
            ca_fp += len(se.figures)
            place = ", ".join(st.label(p) for p in se.places) or "?"
            where = f"{se.cls} at {place} ({', '.join(se.dates) or 'no date'})"
            evid = st.evidence(se.node)
            rep.spurious.append(ErrorItem("events", "spurious", doc_id, where, evid, se.node))
            for fig in se.figures:
                rep.spurious.append(ErrorItem("casualties", "spurious", doc_id,
                                              f"{_fig_str(fig)} in {where}", evid, se.node))
            scored = {r for c in se.classes for r in _scored_roles(c)}
            for r in sorted(scored):
                for node in se.roles.get(r, []):
                    ro_fp += 1
                    rep.spurious.append(ErrorItem("roles", "spurious", doc_id,
                                                  f"{where} {r} {st.label(node)}", evid, se.node))

    rep.events = Score.of(ev_tp, ev_fp, ev_fn)
    rep.casualties = Score.of(ca_tp, ca_fp, ca_fn)
    rep.roles = Score.of(ro_tp, ro_fp, ro_fn)
    rep.date_accuracy = _mean(date_ok)
    rep.minimum_accuracy = _mean(min_ok)


def _wrong_places(st: _Stored, gd: _Gold, rep: EvalReport, i: int, doc_id: str | None,
                  gold_events: list[dict], g_roles: list[dict[str, list[_Ref]]],
                  unmatched: list[_StoredEvent], matched: set[int]) -> None:
    """For each missed gold event, the unmatched stored event of its class that agrees best
    on figures, date and roles (at least one of them): listed as told at the wrong place."""
    pairs = []
    for gi, ev in enumerate(gold_events):
        if gi in matched:
            continue
        gfigs = Counter(_gold_figures(ev))
        for se in unmatched:
            if ev["type"] not in se.classes:
                continue
            fig_hits = sum((gfigs & Counter(se.figures)).values())
            d_ok = ev.get("date") is not None and ev.get("date") in se.dates
            roles = _match_roles(st, g_roles[gi], se, _scored_roles(ev["type"]))
            role_hits = sum(len(v) for v in roles.values())
            if fig_hits or d_ok or role_hits or (not gfigs and not se.figures):
                pairs.append(((-fig_hits, -int(d_ok), -role_hits, gi, se.node), gi, se.node))
    by_node = {se.node: se for se in unmatched}
    for gi, node in _greedy(pairs):
        ev = gold_events[gi]
        place = ", ".join(st.label(p) for p in by_node[node].places) or "no place"
        rep.wrong_places.append(ErrorItem(
            "events", "wrong place", doc_id,
            f"{ev['type']} at {ev.get('location') or '?'} ({ev.get('date') or 'no date'}): "
            f"stored at {place}", st.evidence(node), node))


def _score_partnerships(st: _Stored, gd: _Gold, rep: EvalReport,
                        doc_id_of: dict[str, str]) -> None:
    # gold: latest article wins
    order = sorted(range(len(gd.articles)),
                   key=lambda i: (gd.articles[i].get("published") or "", i))
    gold: dict[frozenset, dict[str, Any]] = {}
    for i in order:
        for ps in (gd.articles[i].get("gold") or {}).get("partnerships") or []:
            partners = ps.get("partners") or []
            if len(partners) != 2:
                continue
            a, b = (gd.resolve(i, p) for p in partners)
            key = frozenset((a.entity.key, b.entity.key))
            if len(key) != 2:
                continue
            prev = gold.get(key)
            refs = (a, b) if prev is None else prev["refs"]
            if prev is not None:  # union the names usable for each end
                for ref in refs:
                    other = a if a.entity.key == ref.entity.key else b
                    ref.names |= other.names
            gold[key] = {"refs": refs, "status": ps.get("status"), "doc": gd.doc_ids[i],
                         "label": f"{a.entity.name} - {b.entity.name}"}

    # stored: group Partnership nodes by their partner set
    def when(node: str) -> str:
        dates = st.literals(node, "date")
        if dates:
            return max(dates)
        pub = [d for doc in st.iris(node, "mentionedIn") for d in st.literals(doc, "datePublished")]
        return max(pub) if pub else ""

    groups: dict[Any, list[str]] = defaultdict(list)
    for n in st.nodes_of("Partnership"):
        partners = frozenset(st.iris(n, "partner"))
        groups[partners if len(partners) == 2 else ("malformed", n)].append(n)
    stored: list[dict[str, Any]] = []
    for key, nodes in groups.items():
        latest = sorted(nodes, key=lambda n: (when(n), n))
        status = None
        with_status = [n for n in latest if st.values(n, "status")]
        if with_status:
            status = sorted(filter(None, map(_local, st.values(with_status[-1], "status"))))
        else:
            with_stated = [n for n in latest if st.values(n, "statedStatus")]
            if with_stated:
                status = sorted(filter(None, map(_local, st.values(with_stated[-1],
                                                                   "statedStatus"))))
        status = status[0] if status else None
        node = latest[-1]
        docs = [doc_id_of.get(d, d) for d in st.iris(node, "mentionedIn")]
        ends = sorted(key) if isinstance(key, frozenset) else []
        stored.append({"key": key, "ends": ends, "status": status, "node": node,
                       "doc": ", ".join(docs) or None, "evidence": st.evidence(node),
                       "label": " - ".join(st.label(e) for e in ends) or f"malformed {node}"})
    stored.sort(key=lambda s: s["node"])

    gold_keys = list(gold)
    pairs = []
    for gi, gk in enumerate(gold_keys):
        a, b = gold[gk]["refs"]
        ca = st.candidates(a.names, a.qids, a.type)
        cb = st.candidates(b.names, b.qids, b.type)
        for si, s in enumerate(stored):
            if len(s["ends"]) != 2:
                continue
            x, y = s["ends"]
            if (x in ca and y in cb) or (x in cb and y in ca):
                agree = s["status"] == gold[gk]["status"]
                pairs.append(((-int(agree), gi, si), gi, si))
    matched = _greedy(pairs)
    mg = {g: s for g, s in matched}
    ms = {s for _, s in matched}
    agree = [stored[s]["status"] == gold[gold_keys[g]]["status"] for g, s in matched]
    n_agree = sum(agree)
    rep.partnership_pairs = Score.of(len(matched), len(stored) - len(matched),
                                     len(gold) - len(matched))
    rep.partnerships = Score.of(n_agree, len(stored) - n_agree, len(gold) - n_agree)
    rep.status_accuracy = _mean(agree)
    for gi, gk in enumerate(gold_keys):
        g = gold[gk]
        s = stored[mg[gi]] if gi in mg else None
        if s is None:
            rep.missed.append(ErrorItem("partnerships", "missed", g["doc"],
                                        f"{g['label']} ({g['status']})"))
        elif s["status"] != g["status"]:
            rep.missed.append(ErrorItem("partnerships", "missed", g["doc"],
                                        f"{g['label']} ({g['status']}; stored {s['status']})",
                                        s["evidence"]))
    for si, s in enumerate(stored):
        if si not in ms:
            rep.spurious.append(ErrorItem("partnerships", "spurious", s["doc"],
                                          f"{s['label']} ({s['status']})", s["evidence"],
                                          s["node"]))
        else:
            g = gold[gold_keys[next(g for g, x in matched if x == si)]]
            if s["status"] != g["status"]:
                rep.spurious.append(ErrorItem(
                    "partnerships", "spurious", s["doc"],
                    f"{s['label']} ({s['status']}; gold {g['status']})", s["evidence"], s["node"]))


def _score_relations(st: _Stored, gd: _Gold, rep: EvalReport,
                     doc_id_of: dict[str, str]) -> None:
    gold: dict[tuple, dict[str, Any]] = {}
    for i, art in enumerate(gd.articles):
        for rel in (art.get("gold") or {}).get("relations") or []:
            p = rel.get("p")
            s, o = gd.resolve(i, rel["s"]), gd.resolve(i, rel["o"])
            key = (s.entity.key, p, o.entity.key)
            g = gold.get(key)
            if g is None:
                gold[key] = {"s": s, "o": o, "p": p, "docs": [gd.doc_ids[i]],
                             "label": f"{s.entity.name} {p} {o.entity.name}"}
            else:
                g["s"].names |= s.names
                g["o"].names |= o.names
                if gd.doc_ids[i] not in g["docs"]:
                    g["docs"].append(gd.doc_ids[i])
    by_p: dict[str, list[tuple]] = defaultdict(list)
    cands: dict[tuple, tuple[set[str], set[str]]] = {}
    for key, g in gold.items():
        by_p[g["p"]].append(key)
        cands[key] = (st.candidates(g["s"].names, g["s"].qids, g["s"].type),
                      st.candidates(g["o"].names, g["o"].qids, g["o"].type))

    # node -> merged gold entities it matches (corpus level), for de-duplicating FPs
    node_gold: dict[str, list[tuple]] = defaultdict(list)
    for ge in gd.entities.values():
        for n in st.candidates(ge.match_names, ge.wikidata, ge.type):
            node_gold[n].append(ge.key)

    def ident(node: str) -> tuple:
        return min(node_gold[node], key=str) if node_gold.get(node) else ("node", node)

    hits: set[tuple] = set()
    wrong: dict[tuple, tuple[str, str, str, set[str]]] = {}
    for (s, p, o), graphs in sorted(st.relations.items()):
        matched = {k for k in by_p.get(p, []) if s in cands[k][0] and o in cands[k][1]}
        if matched:
            hits |= matched
        else:
            wrong.setdefault((ident(s), p, ident(o)), (s, p, o, graphs))
    rep.relations = Score.of(len(hits), len(wrong), len(gold) - len(hits))
    for key, g in gold.items():
        if key not in hits:
            rep.missed.append(ErrorItem("relations", "missed", ", ".join(g["docs"]), g["label"]))
    for s, p, o, graphs in wrong.values():
        docs = sorted(doc_id_of.get(x, x) for x in graphs if x != _DEFAULT)
        rep.spurious.append(ErrorItem("relations", "spurious", ", ".join(docs) or None,
                                      f"{st.label(s)} {p} {st.label(o)}", node=s))


# ---------------------------------------------------------------- files

_FORMATS = {
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
    ".nquads": ox.RdfFormat.N_QUADS,
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ntriples": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".n3": ox.RdfFormat.N3,
}


def load_gold(path: str | Path) -> list[dict]:
    """Read a gold JSON Lines file (CONTRACT section 5); blank lines are skipped.

    Raises ``ValueError`` naming the file and line for a broken line or one
    that is not an object with ``text`` and ``gold``.
    """
    path = Path(path)
    out = []
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{lineno}: invalid JSON: {e.msg}") from None
            if not isinstance(obj, dict) or not isinstance(obj.get("gold"), dict):
                raise ValueError(f"{path}:{lineno}: not an article object with a 'gold' object")
            out.append(obj)
    return out


def evaluate_file(rdf_path: str | Path, gold: list[dict] | str | Path,
                  format: ox.RdfFormat | None = None) -> EvalReport:
    """Load an exported RDF file into an in-memory store and score it.

    The format comes from the extension (.trig, .nq, .ttl, .nt, .jsonld, .rdf, ...)
    unless ``format`` is given; ``gold`` may be the articles or a gold file path.
    """
    rdf_path = Path(rdf_path)
    if format is None:
        format = _FORMATS.get(rdf_path.suffix.lower())
        if format is None:
            raise ValueError(f"{rdf_path}: unknown RDF format (extension {rdf_path.suffix!r})")
    if not isinstance(gold, list):
        gold = load_gold(gold)
    store = ox.Store()
    store.load(path=str(rdf_path), format=format)
    return evaluate(store, gold)


# ---------------------------------------------------------------- rendering

_LABELS = {"partnership_pairs": "partnerships (pair only)", "roles": "roles (not in overall)"}


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def render(report: EvalReport):
    """The report as a ``rich`` table: one row per section, then overall."""
    from rich.table import Table

    t = Table(title="ConflictKG evaluation", show_footer=False)
    t.add_column("section")
    for col in ("gold", "stored", "tp", "fp", "fn", "P", "R", "F1"):
        t.add_column(col, justify="right")
    for name, s in report.sections.items():
        t.add_row(_LABELS.get(name, name), str(s.n_gold), str(s.n_pred), str(s.tp), str(s.fp),
                  str(s.fn), _fmt(s.precision), _fmt(s.recall), _fmt(s.f1))
    t.add_section()
    t.add_row("overall", "", "", "", "", "", "", "", _fmt(report.overall), style="bold")
    t.caption = (f"{report.documents} documents · date accuracy {_fmt(report.date_accuracy)}"
                 f" · Wikidata coverage {_fmt(report.wikidata_coverage)}"
                 f" · status accuracy {_fmt(report.status_accuracy)}"
                 f" · isMinimum agreement {_fmt(report.minimum_accuracy)}")
    return t


def render_errors(report: EvalReport, sections: Iterable[str] | None = None,
                  limit: int | None = None):
    """Missed and spurious items as a ``rich`` table (for an ``--errors`` option)."""
    from rich.table import Table

    wanted = set(sections) if sections else None
    t = Table(title="ConflictKG evaluation errors")
    for col in ("section", "kind", "document", "item", "evidence"):
        t.add_column(col, overflow="fold")
    items = [e for e in report.missed + report.spurious + report.wrong_places
             if wanted is None or e.section in wanted]
    order = {s: i for i, s in enumerate(SECTIONS)}
    items.sort(key=lambda e: (order.get(e.section, 99), e.document or "", e.kind, e.item))
    for e in items[:limit] if limit else items:
        t.add_row(e.section, e.kind, e.document or "", e.item, e.evidence or "")
    return t


# ------------------------------------------------------------------ confidence
_FACT_CLASSES = {f"{CKG}{c}" for c in ("Event", "Attack", "Coup", "Withdrawal", "Deployment",
                                         "Agreement", "Partnership")} | {f"{_RDF}Statement"}


def above_confidence(store: ox.Store, threshold: float) -> ox.Store:
    """An in-memory copy of ``store`` as a user keeping only facts (events, partnerships,
    relations) with ``ckg:confidence`` of at least ``threshold`` sees it: without the nodes
    whose highest confidence is below it, nor the statements about or pointing at them, nor a
    relation triple whose reified statement is below it. An entity below the threshold stays
    when a kept fact refers to it (an event keeps its place)."""
    query = f"""SELECT ?n WHERE {{ {{ SELECT ?n (MAX(?c) AS ?best) WHERE {{
                  GRAPH ?g {{ ?n <{CKG}confidence> ?c }} }} GROUP BY ?n }}
                FILTER(?best < {float(threshold)!r}) }}"""
    low = {row["n"] for row in _solutions(store, query)}
    quads = list(store.quads_for_pattern(None, None, None))
    facts = {q.subject for q in quads if q.predicate.value == _RDF_TYPE
             and isinstance(q.object, ox.NamedNode) and q.object.value in _FACT_CLASSES}
    low -= {q.object for q in quads if q.subject in facts and q.subject not in low}
    dropped: set[tuple] = set()  # relation triples whose statement is below the threshold
    parts: dict[Any, dict[str, Any]] = defaultdict(dict)
    for q in quads:
        if q.subject in low and q.predicate.value.startswith(_RDF) and q.predicate.value != _RDF_TYPE:
            parts[(q.subject, q.graph_name)][q.predicate.value] = q.object
    for (_, graph), p in parts.items():
        if {f"{_RDF}subject", f"{_RDF}predicate", f"{_RDF}object"} <= p.keys():
            dropped.add((p[f"{_RDF}subject"], p[f"{_RDF}predicate"], p[f"{_RDF}object"], graph))
    out = ox.Store()
    out.extend(q for q in quads if q.subject not in low and q.object not in low and
               (q.subject, q.predicate, q.object, q.graph_name) not in dropped)
    return out


def confidence_table(store: ox.Store, gold: list[dict], thresholds: Iterable[float]
                     ) -> list[tuple[float, EvalReport]]:
    """The precision/recall trade-off: the report at each minimum confidence."""
    return [(t, evaluate(above_confidence(store, t) if t > 0 else store, gold))
            for t in sorted(set(thresholds))]


def render_confidence(rows: list[tuple[float, EvalReport]], marked: float | None = None):
    """A table: one row per threshold; precision and recall pooled over the five sections
    (their tp/fp/fn summed), then each section's F1 and the overall (mean) F1."""
    from rich.table import Table

    sections = ("entities", "events", "casualties", "partnerships", "relations")
    table = Table(title="Precision / recall by minimum confidence",
                  caption="P, R pooled over the sections; F1 of entities, events, casualties, "
                          "partnerships, relations; overall = their mean")
    for name in ("min", "P", "R", "ent", "evt", "cas", "part", "rel", "overall"):
        table.add_column(name, justify="right")
    for threshold, report in rows:
        tp = sum(report.sections[n].tp for n in sections)
        fp = sum(report.sections[n].fp for n in sections)
        fn = sum(report.sections[n].fn for n in sections)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        mark = "*" if marked is not None and abs(threshold - marked) < 1e-9 else ""
        table.add_row(f"{threshold:.2f}{mark}", f"{precision:.2f}", f"{recall:.2f}",
                      *(f"{report.sections[n].f1:.2f}" for n in sections), f"{report.overall:.3f}")
    return table
