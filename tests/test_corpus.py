"""One knowledge graph (docs/rdf-layout.md): each entity, partnership and event once, kept current
at ingest and delete, whatever the order articles come in.

Mechanism tests use extractions and short articles written here; the dev-corpus tests read
../shared and run the real command line.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from kg.derive import derive, refresh_events
from kg.ids import entity_key, iri
from kg.ingest import delete_documents, ingest, store_document
from kg.model import Article, Casualty, Entity, Event, Extraction, Partnership, Relation
from kg.namespaces import (
    CKG,
    CORPUS_GRAPHS,
    ENTITIES_GRAPH,
    EVENTS_GRAPH,
    PARTNERSHIPS_GRAPH,
    PLACES_GRAPH,
    RELATION_SOURCES_GRAPH,
)
from kg.store import EmbeddedStore
from tests.conftest import DEV, SEED, run_kg
from tests.test_remote import canonical

NIGER, RUSSIA, MALI = (entity_key("State", n) for n in ("Niger", "Russia", "Mali"))
TILLABERI, TERA, AYOROU = (entity_key("Region", "Tillaberi"), entity_key("Settlement", "Tera"),
                           entity_key("Settlement", "Ayorou"))
ARMY, ISGS = entity_key("ArmedForces", "Niger"), entity_key("ArmedGroup", "Islamic State Sahel Province")

ENTITIES = {
    NIGER: Entity(NIGER, "State", "Niger", set(), "Q1032", 0.9),
    RUSSIA: Entity(RUSSIA, "State", "Russia", set(), "Q159", 0.9),
    MALI: Entity(MALI, "State", "Mali", set(), "Q912", 0.9),
    TILLABERI: Entity(TILLABERI, "Region", "Tillaberi", set(), None, 0.9),
    TERA: Entity(TERA, "Settlement", "Tera", set(), None, 0.9),
    AYOROU: Entity(AYOROU, "Settlement", "Ayorou", set(), None, 0.9),
    ARMY: Entity(ARMY, "ArmedForces", "Niger Armed Forces", set(), None, 0.9),
    ISGS: Entity(ISGS, "ArmedGroup", "Islamic State Sahel Province", set(), None, 0.9),
}
GEOGRAPHY = [Relation(TERA, "locatedIn", TILLABERI), Relation(AYOROU, "locatedIn", TILLABERI),
             Relation(TILLABERI, "locatedIn", NIGER)]


def attack(place: str, date: str | None, killed: int, evidence: str, perpetrator: str | None = ISGS) -> Event:
    return Event("Attack", evidence, place=place, date=date, perpetrators=[perpetrator] if perpetrator else [],
                 targets=[ARMY], casualties=[Casualty("Killed", killed, "Soldiers", False, ARMY)], confidence=0.8)


def extraction(events=(), partnerships=(), relations=GEOGRAPHY, entities=None) -> Extraction:
    return Extraction(dict(entities or ENTITIES), list(events), list(partnerships), list(relations))


def article(id_: str, published: str | None = "2024-07-24") -> Article:
    return Article(text=f"text of {id_}", id=id_, published=published, source="example.org")


def rows(store, query: str) -> list[dict]:
    return store.select(query)


def corpus_quads(store: EmbeddedStore) -> list[str]:
    return sorted(str(q) for g in CORPUS_GRAPHS for q in store.quads(g))


def all_quads(store: EmbeddedStore) -> list[str]:
    return sorted(str(q) for q in store.ox)


# ------------------------------------------------------------------ entities
def test_each_entity_once_whatever_the_articles_say():
    store = EmbeddedStore(None)
    low = {**ENTITIES, NIGER: Entity(NIGER, "State", "Niger", {"Nigerien"}, None, 0.6)}
    high = {**ENTITIES, NIGER: Entity(NIGER, "State", "Niger", {"Republic of Niger"}, "Q1032", 0.95)}
    store_document(store, article("e1"), extraction(entities=low))
    store_document(store, article("e2"), extraction(entities=high))
    niger = str(iri(NIGER))
    assert rows(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{niger}> rdfs:label ?l }}") == [{"n": "1"}]
    assert rows(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{niger}> a ?t }}") == [{"n": "1"}]
    alt = {r["a"] for r in rows(store, f"SELECT ?a WHERE {{ <{niger}> skos:altLabel ?a }}")}
    assert alt == {"Nigerien", "Republic of Niger"}
    assert rows(store, f"SELECT ?c WHERE {{ <{niger}> ckg:confidence ?c }}") == [{"c": "0.95"}]
    docs = {r["d"] for r in rows(store, f"SELECT ?d WHERE {{ <{niger}> ckg:mentionedIn ?d }}")}
    assert docs == {str(iri("document/e1")), str(iri("document/e2"))}
    # each article's reading stays with it
    assert rows(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?m ckg:mentionOf <{niger}> }}") == [{"n": "2"}]
    # deleting the surer article takes its alias, its Wikidata link and its confidence back
    delete_documents(store, ["e2"])
    assert {r["a"] for r in rows(store, f"SELECT ?a WHERE {{ <{niger}> skos:altLabel ?a }}")} == {"Nigerien"}
    assert rows(store, f"SELECT ?c WHERE {{ <{niger}> ckg:confidence ?c }}") == [{"c": "0.6"}]
    assert not store.ask(f"ASK {{ <{niger}> owl:sameAs ?w }}")
    delete_documents(store, ["e1"])
    assert not store.ask(f"ASK {{ <{niger}> ?p ?o }}")


def test_places_within_places_are_materialised():
    store = EmbeddedStore(None)
    store_document(store, article("p1"), extraction(relations=GEOGRAPHY[:1]))  # Tera in Tillaberi
    store_document(store, article("p2"), extraction(relations=GEOGRAPHY[2:]))  # Tillaberi in Niger
    within = {r["p"] for r in rows(store, f"SELECT ?p WHERE {{ GRAPH <{PLACES_GRAPH}> {{ ?p ckg:within <{iri(NIGER)}> }} }}")}
    assert within == {str(iri(TERA)), str(iri(TILLABERI))}
    assert rows(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ckg:locatedIn ?o }") == [{"n": "2"}]
    delete_documents(store, ["p2"])
    assert not store.ask(f"ASK {{ ?p ckg:within <{iri(NIGER)}> }}")
    assert store.ask(f"ASK {{ <{iri(TERA)}> ckg:within <{iri(TILLABERI)}> }}")


# ------------------------------------------------------------------ partnerships
def test_one_partnership_per_pair_with_its_history():
    store = EmbeddedStore(None)
    store_document(store, article("n1", "2023-03-01"),
                   extraction(partnerships=[Partnership((NIGER, RUSSIA), "Active", "Niger and Russia signed a pact in 2019.", "2019")]))
    store_document(store, article("n2", "2024-08-01"),
                   extraction(partnerships=[Partnership((NIGER, RUSSIA), "Ended", "Niger ended its pact with Russia in 2024.", "2024-07")]))
    store_document(store, article("n3", "2024-05-01"),  # published in between, no date of its own
                   extraction(partnerships=[Partnership((NIGER, RUSSIA), "Active", "Niger works with Russia.")]))
    query = f"""SELECT ?p ?s ?since ?until WHERE {{ ?p a ckg:Partnership ; ckg:partner <{iri(NIGER)}>, <{iri(RUSSIA)}> ;
        ckg:status ?s . OPTIONAL {{ ?p ckg:since ?since }} OPTIONAL {{ ?p ckg:until ?until }} }}"""
    found = rows(store, query)
    assert len(found) == 1
    assert found[0]["s"] == str(CKG.Ended) and found[0]["since"] == "2019" and found[0]["until"] == "2024-07"
    assert rows(store, "SELECT (COUNT(*) AS ?n) WHERE { ?c ckg:claimOf ?p }") == [{"n": "3"}]
    # the publication date orders a claim but is never a since or until
    flagged = rows(store, "SELECT ?d WHERE { ?c ckg:datedByPublication true ; ckg:date ?d }")
    assert flagged == [{"d": "2024-05-01"}]
    # the ending retracted: the status falls back to the latest remaining claim, until goes
    delete_documents(store, ["n2"])
    found = rows(store, query)
    assert len(found) == 1 and found[0]["s"] == str(CKG.Active) and found[0]["until"] is None
    delete_documents(store, ["n1", "n3"])
    assert not store.ask("ASK { ?p a ckg:Partnership }")


# ------------------------------------------------------------------ events
def test_the_same_attack_told_twice_is_one_event_with_reconciled_figures():
    store = EmbeddedStore(None)
    store_document(store, article("t1"), extraction([attack(TERA, "2024-07-23", 15, "At least 15 soldiers died near Tera.")]))
    store_document(store, article("t2"), extraction([attack(TILLABERI, "2024-07-24", 30, "30 soldiers were killed in Tillaberi.")]))
    found = rows(store, """SELECT ?e ?place ?n ?high WHERE { ?e a ckg:Attack ; ckg:occurredAt ?place ;
        ckg:casualties ?c . ?c ckg:count ?n ; ckg:countHigh ?high }""")
    assert found == [{"e": found[0]["e"], "place": str(iri(TERA)), "n": "15", "high": "30"}]
    event = found[0]["e"]
    assert {r["d"] for r in rows(store, f"SELECT ?d WHERE {{ <{event}> ckg:mentionedIn ?d }}")} == {
        str(iri("document/t1")), str(iri("document/t2"))}
    assert len(rows(store, f"SELECT ?r WHERE {{ <{event}> ckg:report ?r }}")) == 2
    assert len(rows(store, f"SELECT ?t WHERE {{ <{event}> ckg:evidence ?t }}")) == 2
    # SUM over events counts the attack once, the most conservative figure
    total = rows(store, """SELECT (SUM(?n) AS ?killed) WHERE { ?e a ckg:Attack ; ckg:casualties ?c .
        ?c ckg:casualtyType ckg:Killed ; ckg:count ?n }""")
    assert total == [{"killed": "15"}]
    # each source keeps its own figure on its report
    assert {r["n"] for r in rows(store, "SELECT ?n WHERE { ?r a ckg:EventReport ; ckg:casualties/ckg:count ?n }")} == {"15", "30"}
    # an event only one article told disappears with it; the other source's event stays
    delete_documents(store, ["t1"])
    found = rows(store, "SELECT ?e ?n WHERE { ?e a ckg:Attack ; ckg:casualties/ckg:count ?n }")
    assert [r["n"] for r in found] == ["30"]
    delete_documents(store, ["t2"])
    assert not store.ask(f"ASK {{ GRAPH <{EVENTS_GRAPH}> {{ ?s ?p ?o }} }}")


def test_two_attacks_in_one_region_in_one_week_stay_two():
    store = EmbeddedStore(None)
    store_document(store, article("w1"), extraction([attack(TILLABERI, "2024-07-16", 12, "12 soldiers were killed.")]))
    store_document(store, article("w2"), extraction([attack(TILLABERI, "2024-07-22", 5, "5 soldiers were killed.")]))
    # the same day but two towns neither of which is in the other
    store_document(store, article("w3"), extraction([attack(TERA, "2024-07-10", 3, "3 soldiers died in Tera.")]))
    store_document(store, article("w4"), extraction([attack(AYOROU, "2024-07-10", 4, "4 soldiers died in Ayorou.")]))
    # within three days, but another perpetrator named
    store_document(store, article("w5"), extraction([attack(TILLABERI, "2024-07-17", 12, "Boko Haram killed 12.",
                                                            perpetrator=entity_key("ArmedGroup", "Boko Haram"))],
                                                    entities={**ENTITIES, entity_key("ArmedGroup", "Boko Haram"): Entity(
                                                        entity_key("ArmedGroup", "Boko Haram"), "ArmedGroup", "Boko Haram")}))
    assert rows(store, "SELECT (COUNT(*) AS ?n) WHERE { ?e a ckg:Attack }") == [{"n": "5"}]
    total = rows(store, "SELECT (SUM(?n) AS ?k) WHERE { ?e a ckg:Attack ; ckg:casualties/ckg:count ?n }")
    assert total == [{"k": str(12 + 5 + 3 + 4 + 12)}]


def test_an_undated_report_joins_the_attack_it_agrees_with():
    store = EmbeddedStore(None)
    store_document(store, article("u1"), extraction([attack(TERA, "2023-08-09", 6, "6 soldiers were killed near Tera.")]))
    store_document(store, article("u2"), extraction([attack(TILLABERI, "2024-07-23", 15, "15 soldiers were killed.")]))
    # undated, in the region: it agrees in figures with the second attack only
    store_document(store, article("u3", None), extraction([attack(TILLABERI, None, 15, "15 soldiers lost their lives.")]))
    found = rows(store, """SELECT ?e (COUNT(DISTINCT ?d) AS ?docs) WHERE { ?e a ckg:Attack ; ckg:mentionedIn ?d ;
        ckg:casualties/ckg:count 15 } GROUP BY ?e""")
    assert [r["docs"] for r in found] == ["2"]
    # without a figure in common, an undated report is an event of its own
    store_document(store, article("u4", None), extraction([attack(TILLABERI, None, 40, "40 soldiers died.")]))
    assert rows(store, "SELECT (COUNT(*) AS ?n) WHERE { ?e a ckg:Attack }") == [{"n": "3"}]


def test_a_month_and_a_day_with_a_figure_alike_are_one_attack_in_either_order():
    docs = [(article("m1"), extraction([attack(TERA, "2024-07-23", 15, "15 soldiers died in Tera.")])),
            (article("m2"), extraction([attack(TILLABERI, "2024-07", 15, "In July 15 soldiers died.")])),
            (article("m3"), extraction([attack(TILLABERI, "2024-07", 9, "In July 9 soldiers died.")]))]
    stored = []
    for order in ([0, 1, 2], [2, 1, 0]):
        store = EmbeddedStore(None)
        for i in order:
            store_document(store, *docs[i])
        found = rows(store, """SELECT ?n (COUNT(DISTINCT ?d) AS ?docs) WHERE { ?e a ckg:Attack ; ckg:mentionedIn ?d ;
            ckg:casualties/ckg:count ?n } GROUP BY ?n ORDER BY ?n""")
        assert [(r["n"], r["docs"]) for r in found] == [("9", "1"), ("15", "2")]
        stored.append(all_quads(store))
    assert stored[0] == stored[1]


def test_a_new_report_re_clusters_its_neighbours_not_the_places_history():
    """Attacks at one town every two days (each within three days of the next): one more at the
    end re-clusters the same few reports after 8 as after 20, and the events equal a rebuild."""
    sizes = []
    for n in (8, 20):
        store = EmbeddedStore(None)
        for i in range(n + 1):
            day = (date(2024, 1, 1) + timedelta(days=2 * i)).isoformat()
            store_document(store, article(f"ch{i:02d}"), extraction([attack(TERA, day, 10 + i, f"{10 + i} died.")]))
        doc = iri("document/" + f"ch{n:02d}")
        last = rows(store, f"SELECT ?r WHERE {{ GRAPH <{doc}> {{ ?r a ckg:EventReport }} }}")[0]["r"]
        sizes.append(refresh_events(store, {last}))
        incremental = corpus_quads(store)
        derive(store)
        assert corpus_quads(store) == incremental
    assert sizes[0] == sizes[1] and sizes[0] <= 6, sizes


def test_a_partnership_holds_its_claim_count_dates_and_latest_claims():
    store = EmbeddedStore(None)
    store_document(store, article("p1", "2024-01-10"),
                   extraction(partnerships=[Partnership((NIGER, RUSSIA), "Active", "Allies.", "2024-01-09")]))
    store_document(store, article("p2", "2024-03-02"),
                   extraction(partnerships=[Partnership((NIGER, RUSSIA), "Active", "Still allies.", "2024-03-01")]))
    query = f"""SELECT ?n ?first ?last ?doc WHERE {{ GRAPH <{PARTNERSHIPS_GRAPH}> {{ ?p ckg:partner <{iri(NIGER)}>,
        <{iri(RUSSIA)}> ; ckg:claimCount ?n ; ckg:firstClaimDate ?first ; ckg:lastClaimDate ?last ;
        ckg:latestClaim ?c }} ?c ckg:mentionedIn ?doc }}"""
    assert rows(store, query) == [{"n": "2", "first": "2024-01-09", "last": "2024-03-01",
                                   "doc": str(iri("document/p2"))}]
    delete_documents(store, ["p2"])
    assert rows(store, query) == [{"n": "1", "first": "2024-01-09", "last": "2024-01-09",
                                   "doc": str(iri("document/p1"))}]


def test_a_relation_stated_by_two_articles_is_one_stated_relation_with_two_statements():
    store = EmbeddedStore(None)
    for id_ in ("r1", "r2"):
        store_document(store, article(id_), extraction(relations=GEOGRAPHY[:1]))
    query = f"""SELECT ?n ?s WHERE {{ GRAPH <{RELATION_SOURCES_GRAPH}> {{ ?r a ckg:StatedRelation ;
        ckg:relationSubject <{iri(TERA)}> ; ckg:relationObject ?o ; ckg:statementCount ?n ; ckg:mentionedIn ?s }} }}"""
    assert rows(store, query) == [{"n": "2", "s": str(iri("document/r1"))}]
    delete_documents(store, ["r1"])
    assert rows(store, query) == [{"n": "1", "s": str(iri("document/r2"))}]
    delete_documents(store, ["r2"])
    assert not store.ask(f"ASK {{ GRAPH <{RELATION_SOURCES_GRAPH}> {{ ?s ?p ?o }} }}")


def test_two_attacks_told_in_articles_written_here():
    """Through the real extractor: two attacks in Tillaberi six days apart stay two events; the
    first told again by another outlet with another figure is one event, 10 to 12 killed."""
    articles = [
        Article(id="w10-a", published="2024-03-12", source="example.org", text=(
            "Gunmen attacked an army patrol in the Tillaberi region of Niger on Monday, killing 12 soldiers, "
            "the defence ministry said.")),
        Article(id="w10-b", published="2024-03-18", source="example.org", text=(
            "Militants attacked a military convoy in the Tillaberi region of Niger on Sunday, killing 5 soldiers, "
            "the army said.")),
        Article(id="w10-c", published="2024-03-13", source="example.net", text=(
            "At least 10 soldiers were killed on Monday when gunmen ambushed an army patrol in Niger's Tillaberi "
            "region, security sources said.")),
    ]
    store = EmbeddedStore(None)
    ingest(store, articles)
    found = rows(store, """SELECT ?e ?n ?high (COUNT(DISTINCT ?d) AS ?docs) WHERE { ?e a ckg:Attack ;
        ckg:mentionedIn ?d ; ckg:casualties ?c . ?c ckg:count ?n OPTIONAL { ?c ckg:countHigh ?high } }
        GROUP BY ?e ?n ?high ORDER BY ?n""")
    assert [(r["n"], r["high"], r["docs"]) for r in found] == [("5", None, "1"), ("10", "12", "2")]


# ------------------------------------------------------------------ order, replace, delete
def _corpus_articles() -> list[tuple[Article, Extraction]]:
    return [
        (article("o1", "2024-01-01"), extraction([attack(TERA, "2024-07-23", 15, "15 died.")],
                                                 [Partnership((NIGER, RUSSIA), "Active", "Allies.", "2023")])),
        (article("o2", "2024-02-01"), extraction([attack(TILLABERI, "2024-07-24", 20, "20 died.")],
                                                 [Partnership((NIGER, RUSSIA), "Ended", "Broke up.")])),
        (article("o3", "2024-03-01"), extraction([attack(TILLABERI, None, 15, "15 were killed.")],
                                                 [Partnership((MALI, NIGER), "Active", "Neighbours.")],
                                                 relations=GEOGRAPHY[:2])),
        (article("o4", "2024-01-15"), extraction([attack(AYOROU, "2024-07-23", 4, "4 died.")], relations=GEOGRAPHY[2:])),
    ]


def test_the_corpus_graphs_do_not_depend_on_the_order_of_ingest():
    stores = []
    for order in ([0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]):
        store = EmbeddedStore(None)
        for i in order:
            store_document(store, *_corpus_articles()[i])
        stores.append(all_quads(store))
    assert stores[0] == stores[1] == stores[2]
    # and a rebuild from every claim gives the same
    store = EmbeddedStore(None)
    for a, e in _corpus_articles():
        store_document(store, a, e)
    derive(store)
    assert all_quads(store) == stores[0]


def test_places_learnt_later_rejoin_the_reports_they_concern():
    """Reports at Tera and in Tillaberi are one attack once an article says Tera is in Tillaberi,
    whichever comes first."""
    stored = []
    docs = [(article("g1"), extraction([attack(TERA, "2024-07-23", 15, "15 died in Tera.")], relations=[])),
            (article("g2"), extraction([attack(TILLABERI, "2024-07-23", 15, "15 died in Tillaberi.")], relations=[])),
            (article("g3"), extraction(relations=GEOGRAPHY[:1]))]
    for order in ([0, 1, 2], [2, 0, 1]):
        store = EmbeddedStore(None)
        for i in order:
            store_document(store, *docs[i])
        assert rows(store, "SELECT (COUNT(*) AS ?n) WHERE { ?e a ckg:Attack }") == [{"n": "1"}]
        stored.append(all_quads(store))
    assert stored[0] == stored[1]
    delete_documents(store, ["g3"])
    assert rows(store, "SELECT (COUNT(*) AS ?n) WHERE { ?e a ckg:Attack }") == [{"n": "2"}]


def test_reingest_changes_nothing_and_delete_then_reingest_is_a_clean_run():
    store = EmbeddedStore(None)
    for a, e in _corpus_articles():
        store_document(store, a, e)
    clean = all_quads(store)
    store_document(store, *_corpus_articles()[1])
    assert all_quads(store) == clean
    deleted, missing = delete_documents(store, ["o2", "nothing-here"])
    assert deleted == [str(iri("document/o2"))] and missing == ["nothing-here"]
    assert all_quads(store) != clean
    assert not store.ask(f"ASK {{ GRAPH <{iri('document/o2')}> {{ ?s ?p ?o }} }}")
    store_document(store, *_corpus_articles()[1])
    assert all_quads(store) == clean


def test_a_changed_article_retracts_what_its_old_version_said():
    store = EmbeddedStore(None)
    store_document(store, article("c1"), extraction(partnerships=[Partnership((NIGER, RUSSIA), "Active", "Allies.")]))
    store_document(store, Article(text="new text", id="c1", published="2024-07-24"),
                   extraction(partnerships=[Partnership((MALI, NIGER), "Active", "Neighbours.")]))
    pairs = rows(store, f"SELECT ?o WHERE {{ GRAPH <{PARTNERSHIPS_GRAPH}> {{ ?p ckg:partner <{iri(NIGER)}>, ?o "
                        f"FILTER(?o != <{iri(NIGER)}>) }} }}")
    assert [r["o"] for r in pairs] == [str(iri(MALI))]
    assert len(list(store.quads(ENTITIES_GRAPH))) > 0


# ------------------------------------------------------------------ the dev corpus
NIGER_IRI = "https://w3id.org/conflict-kg/id/state/niger"
PAIR = ("SELECT ?p ?s WHERE { ?p a ckg:Partnership ; ckg:partner <https://w3id.org/conflict-kg/id/state/niger>, "
        "<https://w3id.org/conflict-kg/id/state/{other}> ; ckg:status ?s }")
SOLDIERS = """SELECT ?e ?n (COUNT(DISTINCT ?d) AS ?sources) WHERE { ?e a ckg:Attack ; ckg:mentionedIn ?d ;
  ckg:casualties ?c . ?c ckg:casualtyType ckg:Killed ; ckg:victimCategory ckg:Soldiers ; ckg:count ?n .
  FILTER(?n = 15) } GROUP BY ?e ?n"""


def query(store_args: tuple[str, ...], sparql: str) -> list[dict]:
    result = run_kg("query", sparql, "--format", "json", *store_args)
    assert result.returncode == 0, result.stderr.decode()
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(result.stdout)["results"]["bindings"]]


def test_dev_corpus_each_thing_once(dev_store):
    args = ("--store", str(dev_store))
    assert query(args, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{NIGER_IRI}> rdfs:label ?l }}") == [{"n": "1"}]
    pair = query(args, PAIR.replace("{other}", "russia"))
    assert len(pair) == 1 and pair[0]["s"] == str(CKG.Active)
    # no entity with two labels, no partnership with two statuses
    many = query(args, "SELECT ?x WHERE { ?x rdfs:label ?l } GROUP BY ?x HAVING(COUNT(*) > 1)")
    assert many == []
    assert query(args, "SELECT ?p WHERE { ?p ckg:status ?s } GROUP BY ?p HAVING(COUNT(*) > 1)") == []


@pytest.fixture(scope="module")
def seed_and_dev(tmp_path_factory):  # type: ignore[no-untyped-def]
    if not DEV.exists():
        pytest.skip(f"{DEV} is not there")
    store = tmp_path_factory.mktemp("seed-dev") / "store"
    result = run_kg("ingest", str(SEED), str(DEV), "--store", str(store), "-q")
    assert result.returncode == 0, result.stderr.decode()
    return store


def test_the_seed_and_its_copy_in_dev_are_one_attack(seed_and_dev):
    found = query(("--store", str(seed_and_dev)), SOLDIERS)
    assert len(found) == 1 and found[0]["sources"] == "2", found


def test_kg_delete_retracts_an_ending_and_reingest_restores_it(seed_and_dev, tmp_path):
    """dev-007 is the only article saying Niger and Ukraine ended their relations."""
    import shutil

    store = tmp_path / "store"
    shutil.copytree(seed_and_dev, store)
    args = ("--store", str(store))
    ukraine = PAIR.replace("{other}", "ukraine")
    assert [r["s"] for r in query(args, ukraine)] == [str(CKG.Ended)]
    before = run_kg("export", "--format", "nquads", *args)
    result = run_kg("delete", "dev-007", *args)
    assert result.returncode == 0, result.stderr.decode()
    assert query(args, ukraine) == []
    result = run_kg("delete", "dev-007", *args)  # gone already: one line, status 2
    assert result.returncode == 2 and result.stderr.decode().count("\n") == 1
    result = run_kg("ingest", str(DEV), *args, "-q")
    assert result.returncode == 0, result.stderr.decode()
    assert "1 document(s)" in result.stderr.decode() or "stored 1" in result.stderr.decode()
    assert [r["s"] for r in query(args, ukraine)] == [str(CKG.Ended)]
    after = run_kg("export", "--format", "nquads", *args)
    assert canonical(after.stdout) == canonical(before.stdout)


def test_an_entity_description_merges_as_it_recomputes_with_coordinates():
    """Merging one more mention into a stored description gives what recomputing from every
    mention gives, whatever the order, coordinates included (kept as one pair)."""
    import pyoxigraph as ox

    from kg.derive import entity_description
    from kg.namespaces import CKG

    geo = "http://www.w3.org/2003/01/geo/wgs84_pos#"
    town = "https://w3id.org/conflict-kg/id/settlement/tera"

    def mention(label: str, lat: str, lon: str, conf: str) -> dict:
        dec = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
        return {str(CKG.statedType): [ox.NamedNode(str(CKG.Settlement))], str(CKG.statedLabel): [ox.Literal(label)],
                str(CKG.confidence): [ox.Literal(conf, datatype=dec)],
                geo + "lat": [ox.Literal(lat, datatype=dec)], geo + "long": [ox.Literal(lon, datatype=dec)]}

    a, b = mention("Tera", "14.0078", "0.7531", "0.95"), mention("Téra", "13.9", "0.8", "0.8")
    full = entity_description(town, {"m/a": a, "m/b": b})

    def as_mention(description: list) -> dict:  # the stored description, as refresh_entities reads it
        out: dict = {}
        names = {"http://www.w3.org/1999/02/22-rdf-syntax-ns#type": str(CKG.statedType),
                 "http://www.w3.org/2000/01/rdf-schema#label": str(CKG.statedLabel),
                 "http://www.w3.org/2004/02/skos/core#altLabel": str(CKG.statedAltLabel)}
        for _, p, o in description:
            out.setdefault(names.get(p.value, p.value), []).append(o)
        return out

    for first, second in ((a, b), (b, a)):
        merged = entity_description(town, {"": as_mention(entity_description(town, {"m/1": first})), "m/2": second})
        assert sorted(map(str, merged)) == sorted(map(str, full))
    lats = [o.value for _, p, o in full if p.value == geo + "lat"]
    longs = [o.value for _, p, o in full if p.value == geo + "long"]
    assert (lats, longs) == (["13.9"], ["0.8"])  # one pair, from one mention
