"""Tests of kg.evaluate: hand-built graphs (docs/rdf-layout.md) against a tiny gold."""

from __future__ import annotations

import copy
import json
from dataclasses import fields
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Literal, Namespace, URIRef
from rdflib import namespace as _ns

from kg.evaluate import (
    EvalReport,
    Score,
    evaluate,
    evaluate_file,
    load_gold,
    norm,
    render,
    render_errors,
)
from kg.ids import document_key, entity_key, iri, stable_hash
from kg.model import Article
from kg.namespaces import CKG, DERIVED_GRAPH, QUARANTINE_GRAPH, WD

DEV = Path("/work/shared/corpus/dev.jsonl")

# plain Namespaces (rdflib's DefinedNamespace objects make pytest's collection warn)
OWL, RDF, RDFS, SDO, SKOS, XSD = (Namespace(str(n)) for n in (
    _ns.OWL, _ns.RDF, _ns.RDFS, _ns.SDO, _ns.SKOS, _ns.XSD))

# rdflib's own serializers still call deprecated Dataset methods
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")


# ---------------------------------------------------------------- the tiny gold

def _ent(name, type_, aliases=(), wikidata=None):
    return {"name": name, "type": type_, "aliases": list(aliases), "wikidata": wikidata}


def _ev(type_, location, date, perps=(), targets=(), participants=(), casualties=()):
    return {"type": type_, "location": location, "date": date, "perpetrators": list(perps),
            "targets": list(targets), "participants": list(participants),
            "casualties": [{"type": t, "count": c, "category": k, "minimum": m}
                           for t, c, k, m in casualties]}


ART_A = {
    "id": "t-a", "title": "Soldiers killed in Tillaberi", "published": "2024-01-10",
    "source": "test", "url": None, "text": "Article A text.",
    "gold": {
        "entities": [
            _ent("Niger", "State", wikidata="Q1032"),
            _ent("Russia", "State", wikidata="Q159"),
            _ent("France", "State", wikidata="Q142"),
            _ent("Tillaberi", "Region", ["Tillabéri", "Tillaberi region"]),
            _ent("Tera", "Settlement", ["Téra"]),
            _ent("Niger Armed Forces", "ArmedForces", ["army", "Nigerien army"]),
            _ent("Islamic State", "ArmedGroup", ["IS"]),
            _ent("Abdourahamane Tiani", "Person", ["Tiani"]),
        ],
        "events": [
            _ev("Attack", "Tillaberi", "2024-01", perps=["IS"], targets=["army"],
                casualties=[("Killed", 15, "Soldiers", True), ("Wounded", 4, "Soldiers", False)]),
            _ev("Withdrawal", None, None, participants=["France"]),
        ],
        "partnerships": [{"partners": ["Niger", "Russia"], "status": "Active"},
                         {"partners": ["Niger", "France"], "status": "Active"}],
        "relations": [{"s": "Tillaberi", "p": "locatedIn", "o": "Niger"},
                      {"s": "Tera", "p": "locatedIn", "o": "Tillaberi"},
                      {"s": "Niger Armed Forces", "p": "armedForcesOf", "o": "Niger"},
                      {"s": "Tiani", "p": "leaderOf", "o": "Niger"}],
    },
}

ART_B = {
    "id": "t-b", "title": "Attack near Menaka", "published": "2024-06-01",
    "source": "test", "url": "https://news.example/b", "text": "Article B text.",
    "gold": {
        "entities": [
            _ent("Mali", "State", wikidata="Q912"),
            _ent("Russia", "State", wikidata="Q159"),
            _ent("Niger", "State", ["Republic of Niger"], "Q1032"),
            _ent("France", "State", wikidata="Q142"),
            _ent("Menaka", "Region"),
            _ent("Malian Armed Forces", "ArmedForces", ["army", "FAMa"]),
            _ent("Islamic State", "ArmedGroup", ["Islamic State group"]),
        ],
        "events": [
            _ev("Attack", "Menaka", "2024-05-30", perps=["Islamic State"], targets=["FAMa"],
                casualties=[("Killed", 10, "Civilians", False)]),
            _ev("Deployment", "Mali", "2024-05", participants=["Russia"]),
        ],
        # Niger-France: A (older) says Active, B (newer) says Ended -> Ended
        "partnerships": [{"partners": ["Mali", "Russia"], "status": "Active"},
                         {"partners": ["France", "Niger"], "status": "Ended"}],
        "relations": [{"s": "Menaka", "p": "locatedIn", "o": "Mali"},
                      {"s": "FAMa", "p": "armedForcesOf", "o": "Mali"},
                      {"s": "Tillaberi region", "p": "locatedIn", "o": "Niger"}],  # duplicate of A
    },
}

# B first: "latest" must come from `published`, not from the line order
GOLD = [ART_B, ART_A]


def doc_iri(art: dict) -> URIRef:
    keys = {f.name for f in fields(Article)}
    return iri(document_key(Article(**{k: v for k, v in art.items() if k in keys})))


def node(type_: str, label: str) -> URIRef:
    return iri(entity_key(type_, label))


# ---------------------------------------------------------------- building graphs

def _date(value: str) -> Literal:
    dt = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(value), XSD.date)
    return Literal(value, datatype=dt)


def build(gold: list[dict]) -> Dataset:
    """A perfect graph for ``gold``, laid out as docs/rdf-layout.md says."""
    ds = Dataset()
    derived = ds.graph(URIRef(DERIVED_GRAPH))
    everywhere: dict[str, URIRef] = {}
    for art in gold:
        for e in art["gold"]["entities"]:
            for n in [e["name"], *e["aliases"]]:
                everywhere.setdefault(norm(n), node(e["type"], e["name"]))
    pships: dict[frozenset, list[tuple[str, str, URIRef]]] = {}
    for art in gold:
        doc = doc_iri(art)
        g = ds.graph(doc)
        g.add((doc, RDF.type, CKG.Document))
        g.add((doc, RDF.type, SDO.NewsArticle))
        g.add((doc, SDO.headline, Literal(art["title"])))
        g.add((doc, SDO.datePublished, Literal(art["published"], datatype=XSD.date)))
        local: dict[str, URIRef] = {}
        for e in art["gold"]["entities"]:
            n = node(e["type"], e["name"])
            g.add((n, RDF.type, CKG[e["type"]]))
            g.add((n, RDFS.label, Literal(e["name"])))
            for a in e["aliases"]:
                g.add((n, SKOS.altLabel, Literal(a)))
            if e["wikidata"]:
                g.add((n, OWL.sameAs, WD[e["wikidata"]]))
            g.add((n, CKG.confidence, Literal("0.9", datatype=XSD.decimal)))
            g.add((n, CKG.mentionedIn, doc))
            for name in [e["name"], *e["aliases"]]:
                local.setdefault(norm(name), n)

        def ref(name: str, local: dict[str, URIRef] = local) -> URIRef:
            return local.get(norm(name)) or everywhere[norm(name)]

        for k, ev in enumerate(art["gold"]["events"]):
            e = iri("event/" + stable_hash(doc, k, ev["type"]))
            g.add((e, RDF.type, CKG[ev["type"]]))
            if ev["location"]:
                g.add((e, CKG.occurredAt, ref(ev["location"])))
            if ev["date"]:
                g.add((e, CKG.date, _date(ev["date"])))
            for field_, prop in (("perpetrators", CKG.perpetrator), ("targets", CKG.target),
                                 ("participants", CKG.participant)):
                for a in ev[field_]:
                    g.add((e, prop, ref(a)))
            for j, c in enumerate(ev["casualties"]):
                cn = iri("casualty/" + stable_hash(e, j))
                g.add((e, CKG.casualties, cn))
                g.add((cn, RDF.type, CKG.CasualtyCount))
                g.add((cn, CKG.casualtyType, CKG[c["type"]]))
                g.add((cn, CKG["count"], Literal(c["count"], datatype=XSD.nonNegativeInteger)))
                g.add((cn, CKG.isMinimum, Literal(c["minimum"])))
                g.add((cn, CKG.victimCategory, CKG[c["category"]]))
                g.add((cn, CKG.mentionedIn, doc))
            g.add((e, CKG.evidence, Literal(f"evidence of {ev['type']} {k} in {art['id']}")))
            g.add((e, CKG.mentionedIn, doc))
        for ps in art["gold"]["partnerships"]:
            a, b = sorted(ref(x) for x in ps["partners"])
            p = iri("partnership/" + stable_hash(doc, a, b))
            g.add((p, RDF.type, CKG.Partnership))
            g.add((p, CKG.partner, a))
            g.add((p, CKG.partner, b))
            g.add((p, CKG.statedStatus, CKG[ps["status"]]))
            g.add((p, CKG.date, Literal(art["published"], datatype=XSD.date)))
            g.add((p, CKG.evidence, Literal(f"{ps['partners']} in {art['id']}")))
            g.add((p, CKG.mentionedIn, doc))
            pships.setdefault(frozenset((a, b)), []).append((art["published"], ps["status"], p))
        for r in art["gold"]["relations"]:
            g.add((ref(r["s"]), CKG[r["p"]], ref(r["o"])))
    for said in pships.values():
        latest = max(said, key=lambda x: x[0])[1]
        for _, _, p in said:
            derived.add((p, CKG.status, CKG[latest]))
    return ds


def to_store(ds: Dataset) -> ox.Store:
    store = ox.Store()
    store.load(input=ds.serialize(format="nquads"), format=ox.RdfFormat.N_QUADS)
    return store


def score(ds: Dataset, gold: list[dict] = GOLD) -> EvalReport:
    return evaluate(to_store(ds), gold)


def remove(ds: Dataset, s=None, p=None, o=None) -> None:
    for g in list(ds.graphs()):
        g.remove((s, p, o))


def counts(s: Score) -> tuple[int, int, int]:
    return (s.tp, s.fp, s.fn)


def graph_of(ds: Dataset, art: dict):
    return ds.graph(doc_iri(art))


def event_node(art: dict, k: int) -> URIRef:
    return iri("event/" + stable_hash(doc_iri(art), k, art["gold"]["events"][k]["type"]))


PERFECT = {"entities": (11, 0, 0), "events": (4, 0, 0), "casualties": (3, 0, 0),
           "roles": (6, 0, 0), "partnerships": (3, 0, 0), "partnership_pairs": (3, 0, 0),
           "relations": (6, 0, 0)}


def assert_counts(rep: EvalReport, **expected) -> None:
    want = dict(PERFECT, **expected)
    got = {name: counts(s) for name, s in rep.sections.items()}
    assert got == want


# ---------------------------------------------------------------- norm

@pytest.mark.parametrize("a,b", [
    ("The Ménaka", "menaka"),
    ("TILLABÉRI", "tillaberi"),
    ("Jama'at Nusrat al-Islam", "jamaat nusrat al islam"),
    ("Jama’at  Nusrat   al-Islam", "jamaat nusrat al islam"),
    ("U.S.", "us"),
    ("al-Qaeda", "al qaeda"),
    ("N'Djamena", "ndjamena"),
    ("  the army ", "army"),
    ("Theodore", "theodore"),
])
def test_norm(a, b):
    assert norm(a) == b


# ---------------------------------------------------------------- perfect and empty

def test_perfect_graph_scores_one_everywhere():
    rep = score(build(GOLD))
    assert_counts(rep)
    for name, s in rep.sections.items():
        assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0), name
    assert rep.entities.tp_pred == 11
    assert rep.overall == 1.0
    assert rep.date_accuracy == 1.0
    assert rep.wikidata_coverage == 1.0
    assert rep.status_accuracy == 1.0
    assert rep.minimum_accuracy == 1.0
    assert rep.missed == [] and rep.spurious == []
    assert rep.documents == 2


def test_empty_store():
    rep = evaluate(ox.Store(), GOLD)
    assert counts(rep.entities) == (0, 0, 11)
    assert counts(rep.events) == (0, 0, 4)
    assert counts(rep.casualties) == (0, 0, 3)
    assert counts(rep.roles) == (0, 0, 6)
    assert counts(rep.partnerships) == (0, 0, 3)
    assert counts(rep.relations) == (0, 0, 6)
    for name, s in rep.sections.items():
        assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0), name
    assert rep.overall == 0.0
    assert rep.date_accuracy is None and rep.status_accuracy is None
    assert rep.wikidata_coverage == 0.0
    assert len(rep.missed) == 11 + 4 + 3 + 6 + 3 + 6
    json.dumps(rep.to_dict())


def test_empty_gold_and_store():
    rep = evaluate(ox.Store(), [])
    assert rep.overall == 1.0
    assert rep.date_accuracy is None and rep.wikidata_coverage is None


# ---------------------------------------------------------------- one defect each

def test_wrong_casualty_count():
    ds = build(GOLD)
    g = graph_of(ds, ART_A)
    cn = iri("casualty/" + stable_hash(event_node(ART_A, 0), 0))
    g.remove((cn, CKG["count"], None))
    g.add((cn, CKG["count"], Literal(14, datatype=XSD.nonNegativeInteger)))
    rep = score(ds)
    assert_counts(rep, casualties=(2, 1, 1))
    assert rep.casualties.precision == pytest.approx(2 / 3)
    assert rep.minimum_accuracy == 1.0
    [miss] = [e for e in rep.missed if e.section == "casualties"]
    assert miss.document == "t-a" and "Killed 15 Soldiers" in miss.item
    assert miss.evidence == "evidence of Attack 0 in t-a"
    [spur] = [e for e in rep.spurious if e.section == "casualties"]
    assert "Killed 14 Soldiers" in spur.item


def test_wrong_is_minimum_only_affects_minimum_accuracy():
    ds = build(GOLD)
    cn = iri("casualty/" + stable_hash(event_node(ART_A, 0), 0))
    graph_of(ds, ART_A).set((cn, CKG.isMinimum, Literal(False)))
    rep = score(ds)
    assert_counts(rep)
    assert rep.minimum_accuracy == pytest.approx(2 / 3)


def test_missing_partnership():
    ds = build(GOLD)
    mali, russia = node("State", "Mali"), node("State", "Russia")
    p = iri("partnership/" + stable_hash(doc_iri(ART_B), *sorted([mali, russia])))
    remove(ds, p)
    rep = score(ds)
    assert_counts(rep, partnerships=(2, 0, 1), partnership_pairs=(2, 0, 1))
    assert [e.item for e in rep.missed] == ["Mali - Russia (Active)"]


def test_wrong_status():
    ds = build(GOLD)
    niger, russia = node("State", "Niger"), node("State", "Russia")
    p = iri("partnership/" + stable_hash(doc_iri(ART_A), *sorted([niger, russia])))
    ds.graph(URIRef(DERIVED_GRAPH)).set((p, CKG.status, CKG.Ended))
    rep = score(ds)
    assert_counts(rep, partnerships=(2, 1, 1))  # pairs still all right
    assert rep.status_accuracy == pytest.approx(2 / 3)
    assert rep.partnerships.f1 == pytest.approx(2 / 3)


def test_status_falls_back_to_latest_stated_status():
    ds = build(GOLD)
    remove(ds, None, CKG.status, None)
    rep = score(ds)  # Niger-France: B (2024-06) says Ended, A (2024-01) Active
    assert_counts(rep)


def test_stated_status_of_an_older_article_is_not_used():
    ds = build(GOLD)
    remove(ds, None, CKG.status, None)
    niger, france = node("State", "Niger"), node("State", "France")
    pb = iri("partnership/" + stable_hash(doc_iri(ART_B), *sorted([niger, france])))
    graph_of(ds, ART_B).set((pb, CKG.date, Literal("2023-01-01", datatype=XSD.date)))
    rep = score(ds)  # now A's "Active" is the latest statement
    assert_counts(rep, partnerships=(2, 1, 1))


def test_spurious_entity():
    ds = build(GOLD)
    g = graph_of(ds, ART_A)
    x = node("State", "Atlantis")
    g.add((x, RDF.type, CKG.State))
    g.add((x, RDFS.label, Literal("Atlantis")))
    g.add((x, CKG.mentionedIn, doc_iri(ART_A)))
    # an organisation is not an evaluated class: not counted
    afp = node("Organization", "AFP")
    g.add((afp, RDF.type, CKG.Organization))
    g.add((afp, RDFS.label, Literal("AFP")))
    rep = score(ds)
    assert_counts(rep, entities=(11, 1, 0))
    assert rep.entities.tp_pred == 11
    assert rep.entities.precision == pytest.approx(11 / 12)
    [spur] = rep.spurious
    assert (spur.section, spur.document, spur.item) == ("entities", "t-a", "State Atlantis")


def test_quarantined_triples_are_ignored():
    ds = build(GOLD)
    q = ds.graph(URIRef(QUARANTINE_GRAPH))
    x = node("State", "Atlantis")
    q.add((x, RDF.type, CKG.State))
    q.add((x, RDFS.label, Literal("Atlantis")))
    assert_counts(score(ds))


def test_event_in_a_town_located_in_the_gold_region_matches():
    ds = build(GOLD)
    g = graph_of(ds, ART_A)
    e = event_node(ART_A, 0)
    g.set((e, CKG.occurredAt, node("Settlement", "Tera")))
    assert_counts(score(ds))
    # two hops: a village in Tera in Tillaberi (the village is a spurious entity
    # and its locatedIn a spurious relation, nothing else changes)
    v = node("Settlement", "Kouregou")
    g.add((v, RDF.type, CKG.Settlement))
    g.add((v, RDFS.label, Literal("Kouregou")))
    g.add((v, CKG.locatedIn, node("Settlement", "Tera")))
    g.set((e, CKG.occurredAt, v))
    assert_counts(score(ds), entities=(11, 1, 0), relations=(6, 1, 0))


def test_event_in_the_containing_country_does_not_match():
    ds = build(GOLD)
    graph_of(ds, ART_A).set((event_node(ART_A, 0), CKG.occurredAt, node("State", "Niger")))
    rep = score(ds)
    # the Attack is lost with its 2 casualty figures and 2 roles, on both sides
    assert_counts(rep, events=(3, 1, 1), casualties=(1, 2, 2), roles=(4, 2, 2))
    assert rep.date_accuracy == 1.0  # over the matched events only
    [spur] = [e for e in rep.spurious if e.section == "events"]
    assert spur.evidence == "evidence of Attack 0 in t-a" and spur.document == "t-a"


def test_event_must_be_mentioned_in_its_document():
    ds = build(GOLD)
    e = event_node(ART_B, 1)  # the Deployment in Mali
    graph_of(ds, ART_B).set((e, CKG.mentionedIn, doc_iri(ART_A)))
    rep = score(ds)
    assert_counts(rep, events=(3, 1, 1), roles=(5, 1, 1))


def test_wrong_date():
    ds = build(GOLD)
    graph_of(ds, ART_B).set((event_node(ART_B, 0), CKG.date, _date("2024-05")))
    rep = score(ds)
    assert_counts(rep)
    assert rep.date_accuracy == pytest.approx(2 / 3)


def test_accent_the_and_case_variant_label_matches():
    ds = build(GOLD)
    menaka = node("Region", "Menaka")
    remove(ds, menaka, RDFS.label, None)
    graph_of(ds, ART_B).add((menaka, RDFS.label, Literal("THE Ménaka")))
    tiani = node("Person", "Abdourahamane Tiani")
    remove(ds, tiani, RDFS.label, None)
    remove(ds, tiani, SKOS.altLabel, None)
    graph_of(ds, ART_A).add((tiani, RDFS.label, Literal("abdourahamane-TIANI.")))
    assert_counts(score(ds))


def test_same_as_alone_matches():
    ds = build(GOLD)
    russia = node("State", "Russia")
    remove(ds, russia, RDFS.label, None)
    graph_of(ds, ART_A).add((russia, RDFS.label, Literal("Russian Federation")))
    rep = score(ds)
    assert_counts(rep)
    assert rep.wikidata_coverage == 1.0


def test_wrong_type_does_not_match():
    ds = build(GOLD)
    mali = node("State", "Mali")
    remove(ds, mali, RDF.type, None)
    graph_of(ds, ART_B).add((mali, RDF.type, CKG.Region))
    rep = score(ds)
    # the node is now a spurious Region; Mali-Russia and both relations to Mali are lost.
    # Event places are not type-checked: the Deployment "in Mali" still matches.
    assert_counts(rep, entities=(10, 1, 1), partnerships=(2, 1, 1),
                  partnership_pairs=(2, 1, 1), relations=(4, 2, 2))
    assert rep.wikidata_coverage == pytest.approx(3 / 4)


def test_subclass_counts_as_its_class():
    ds = build(GOLD)
    mali = node("State", "Mali")
    graph_of(ds, ART_B).add((mali, RDF.type, CKG.Actor))
    graph_of(ds, ART_B).add((mali, RDF.type, CKG.Place))
    assert_counts(score(ds))


def test_ambiguous_alias_does_not_match_other_entities():
    """'army' is an alias of both armed forces: Niger's node must not stand in for Mali's."""
    ds = build(GOLD)
    fama = node("ArmedForces", "Malian Armed Forces")
    remove(ds, fama)
    remove(ds, None, None, fama)
    rep = score(ds)
    assert_counts(rep, entities=(10, 0, 1), roles=(5, 0, 1), relations=(5, 0, 1))
    assert "ArmedForces Malian Armed Forces" in [e.item for e in rep.missed]


def test_roles_use_article_aliases_and_types():
    ds = build(GOLD)
    g = graph_of(ds, ART_A)
    e = event_node(ART_A, 0)
    # the attacker recorded as Niger (the state) instead of Islamic State
    g.set((e, CKG.perpetrator, node("State", "Niger")))
    rep = score(ds)
    assert_counts(rep, roles=(5, 1, 1))


def test_relations_asserted_only_and_deduplicated():
    ds = build(GOLD)
    tera, niger = node("Settlement", "Tera"), node("State", "Niger")
    # an inferred (derived-graph) triple is not scored
    ds.graph(URIRef(DERIVED_GRAPH)).add((tera, CKG.locatedIn, niger))
    assert_counts(score(ds))
    # the same wrong triple asserted in both documents is one false positive
    graph_of(ds, ART_A).add((tera, CKG.locatedIn, niger))
    graph_of(ds, ART_B).add((tera, CKG.locatedIn, niger))
    rep = score(ds)
    assert_counts(rep, relations=(6, 1, 0))
    [spur] = rep.spurious
    assert spur.item == "Tera locatedIn Niger" and spur.document == "t-a, t-b"


def test_duplicate_entity_nodes():
    """Two nodes for one gold entity: both count as correct entities."""
    ds = build(GOLD)
    dup = node("State", "Republic of Niger")
    g = graph_of(ds, ART_B)
    g.add((dup, RDF.type, CKG.State))
    g.add((dup, RDFS.label, Literal("Republic of Niger")))
    rep = score(ds)
    assert_counts(rep)
    assert rep.entities.tp_pred == 12


def test_malformed_partnership_is_spurious():
    ds = build(GOLD)
    g = graph_of(ds, ART_A)
    p = iri("partnership/bad")
    g.add((p, RDF.type, CKG.Partnership))
    g.add((p, CKG.partner, node("State", "Niger")))
    g.add((p, CKG.statedStatus, CKG.Active))
    rep = score(ds)
    assert_counts(rep, partnerships=(3, 1, 0), partnership_pairs=(3, 1, 0))


def test_blank_node_casualties():
    ds = build(GOLD)
    g = graph_of(ds, ART_B)
    e = event_node(ART_B, 1)
    b = BNode()
    g.add((e, CKG.casualties, b))
    g.add((b, CKG.casualtyType, CKG.Killed))
    g.add((b, CKG["count"], Literal(3, datatype=XSD.nonNegativeInteger)))
    assert_counts(score(ds), casualties=(3, 1, 0))


# ---------------------------------------------------------------- files, report, rendering

@pytest.mark.parametrize("fmt,ext", [("trig", ".trig"), ("nquads", ".nq")])
def test_evaluate_file(tmp_path, fmt, ext):
    ds = build(GOLD)
    remove(ds, node("State", "Mali"), RDF.type, None)  # something not perfect
    path = tmp_path / f"export{ext}"
    path.write_text(ds.serialize(format=fmt), encoding="utf-8")
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text("".join(json.dumps(a) + "\n" for a in GOLD) + "\n", encoding="utf-8")
    rep = evaluate_file(path, gold_path)
    assert rep.to_dict() == score(ds).to_dict()
    assert counts(rep.entities) == (10, 0, 1)


def test_evaluate_file_turtle_default_graph(tmp_path):
    ds = build(GOLD)
    from rdflib import Graph
    flat = Graph()
    for s, p, o, _ in ds.quads():
        flat.add((s, p, o))
    path = tmp_path / "export.ttl"
    path.write_text(flat.serialize(format="turtle"), encoding="utf-8")
    rep = evaluate_file(path, GOLD)
    assert_counts(rep)


def test_evaluate_file_unknown_extension(tmp_path):
    path = tmp_path / "export.xyz"
    path.write_text("")
    with pytest.raises(ValueError, match="unknown RDF format"):
        evaluate_file(path, GOLD)


def test_load_gold(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(ART_A) + "\n\n" + json.dumps(ART_B) + "\n", encoding="utf-8")
    assert [a["id"] for a in load_gold(path)] == ["t-a", "t-b"]
    path.write_text(json.dumps(ART_A) + "\n{broken\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"gold\.jsonl:2"):
        load_gold(path)


def test_report_dict_and_render():
    ds = build(GOLD)
    remove(ds, node("State", "Mali"), RDF.type, None)
    rep = score(ds)
    d = json.loads(json.dumps(rep.to_dict()))
    assert d["sections"]["entities"]["fn"] == 1
    assert d["sections"]["entities"]["n_gold"] == 11
    assert {"overall", "date_accuracy", "wikidata_coverage", "missed", "spurious"} <= set(d)
    from rich.console import Console
    from rich.table import Table
    table = render(rep)
    assert isinstance(table, Table)
    console = Console(record=True, width=120)
    console.print(table)
    console.print(render_errors(rep))
    text = console.export_text()
    assert "entities" in text and "overall" in text and "State Mali" in text


def test_gold_is_not_modified():
    gold = copy.deepcopy(GOLD)
    score(build(GOLD))
    assert gold == GOLD


@pytest.mark.skipif(not DEV.exists(), reason="dev corpus not available")
def test_perfect_graph_of_the_dev_corpus_scores_one():
    gold = load_gold(DEV)
    rep = score(build(gold), gold)
    for name, s in rep.sections.items():
        assert (s.fp, s.fn) == (0, 0), (name, [e.item for e in rep.missed + rep.spurious][:10])
    assert rep.overall == 1.0
    assert rep.date_accuracy == 1.0


def test_keeping_facts_above_a_confidence():
    """Facts below the bar go, relation triples with their reified statement; an entity below
    the bar stays while a kept fact refers to it."""
    import pyoxigraph as ox

    from kg.evaluate import above_confidence

    def n(key: str) -> ox.NamedNode:
        return ox.NamedNode(str(iri(key)))

    ckg = str(CKG)
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    doc = n("document/t")
    conf = lambda v: ox.Literal(v, datatype=ox.NamedNode(str(XSD.decimal)))  # noqa: E731
    town, region, weak_event = n("settlement/a"), n("region/b"), n("event/weak")
    strong_event, statement = n("event/strong"), n("statement/s")
    located = ox.NamedNode(ckg + "locatedIn")
    triples = [
        (town, ox.NamedNode(ckg + "confidence"), conf("0.6")),
        (region, ox.NamedNode(ckg + "confidence"), conf("0.95")),
        (strong_event, ox.NamedNode(rdf + "type"), ox.NamedNode(ckg + "Attack")),
        (strong_event, ox.NamedNode(ckg + "occurredAt"), town),
        (strong_event, ox.NamedNode(ckg + "confidence"), conf("0.9")),
        (weak_event, ox.NamedNode(rdf + "type"), ox.NamedNode(ckg + "Attack")),
        (weak_event, ox.NamedNode(ckg + "confidence"), conf("0.5")),
        (town, located, region),
        (statement, ox.NamedNode(rdf + "type"), ox.NamedNode(rdf + "Statement")),
        (statement, ox.NamedNode(rdf + "subject"), town),
        (statement, ox.NamedNode(rdf + "predicate"), located),
        (statement, ox.NamedNode(rdf + "object"), region),
        (statement, ox.NamedNode(ckg + "confidence"), conf("0.6")),
    ]
    store = ox.Store()
    store.extend(ox.Quad(s, p, o, doc) for s, p, o in triples)
    kept = above_confidence(store, 0.7)
    subjects = {q.subject for q in kept}
    assert strong_event in subjects and weak_event not in subjects
    assert town in subjects  # the strong event's place stays
    assert statement not in subjects
    assert not list(kept.quads_for_pattern(town, located, region))
    assert len(above_confidence(store, 0.5)) == len(store)
