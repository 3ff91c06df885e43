"""Places anywhere (issue 12): coordinates, geo precision, smaller towns chosen by syntax and the
article's countries, regions named after towns, junk entities, talks venues, partnership dates,
and `kg eval --errors` listing events told at the wrong place. Sentences written for the tests."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

from kg.evaluate import evaluate_file, render_errors
from kg.extract.gazetteer import GazEntry, Gazetteer, load_gazetteer
from kg.geo import GEO_PRECISIONS, precision
from kg.ids import document_key, iri
from kg.model import Article, Casualty, Entity, Event, Extraction, extraction_from_data, extraction_to_data
from kg.namespaces import CKG, GEO
from kg.rdfmap import document_graph

PUB = "2024-06-11"  # a Tuesday


# --- geo precision: by the place's class and the words before its name (no model) --------------

TOWN = Entity("settlement/tera", "Settlement", "Tera", {"Téra"}, lat=14.0, lon=0.75)


@pytest.mark.parametrize("evidence, expected", [
    ("Gunmen killed 12 soldiers in Tera on Sunday.", "town"),
    ("The army base at Tera came under fire.", "town"),
    ("Gunmen killed 12 soldiers near Tera on Sunday.", "near-town"),
    ("An ambush 20 km from Tera killed five.", "near-town"),
    ("Fighters attacked a convoy outside Téra.", "near-town"),
    ("A mine exploded on the outskirts of Tera.", "near-town"),
    ("Militants struck a village north of Tera.", "near-town"),
    ("Rebels clashed with troops on the road to Tera.", "near-town"),
])
def test_precision_of_a_town(evidence, expected):
    assert precision(Event("Attack", evidence, place=TOWN.key), TOWN) == expected


def test_precision_of_regions_states_bases_and_nothing():
    ev = Event("Attack", "Clashes in the Tillaberi region near the border.", place="region/tillaberi")
    assert precision(ev, Entity("region/tillaberi", "Region", "Tillaberi")) == "region"
    assert precision(ev, Entity("state/niger", "State", "Niger")) == "country"
    assert precision(ev, Entity("military-base/tera-base", "MilitaryBase", "Tera base")) == "town"
    assert precision(Event("Attack", "An attack."), None) is None
    assert set(GEO_PRECISIONS) == {"town", "near-town", "region", "country"}


# --- RDF: geo:lat / geo:long and ckg:geoPrecision ----------------------------------------------

def test_rdf_coordinates_and_precision():
    ex = Extraction(entities={TOWN.key: TOWN, "state/niger": Entity("state/niger", "State", "Niger")},
                    events=[Event("Attack", "Gunmen killed 12 near Tera.", place=TOWN.key,
                                  geo_precision="near-town",
                                  casualties=[Casualty("Killed", 12, "Soldiers")])])
    _, g = document_graph(Article(text="x", id="t-1"), ex)
    node = iri(TOWN.key)
    assert g.value(node, GEO.lat) == Literal(14.0, datatype=XSD.decimal)
    assert g.value(node, GEO.long) == Literal(0.75, datatype=XSD.decimal)
    assert (iri("state/niger"), GEO.lat, None) not in g  # no coordinates, no triple
    assert [str(o) for o in g.objects(None, CKG.geoPrecision)] == ["near-town"]
    # the fields travel through the worker processes' plain data
    back = extraction_from_data(json.loads(json.dumps(extraction_to_data(ex))))
    assert back.entities[TOWN.key].lat == 14.0 and back.events[0].geo_precision == "near-town"


# --- the gazetteer: coordinates, and smaller towns by country and region -----------------------

def test_gazetteer_places_carry_coordinates():
    gaz = load_gazetteer()
    for key in ("settlement/tera", "settlement/goma", "region/north-kivu", "state/niger"):
        e = gaz.entries[key]
        assert e.lat is not None and e.lon is not None, key
    goma = gaz.entries["settlement/goma"]
    assert -2.5 < goma.lat < -1 and 28.5 < goma.lon < 29.5
    towns = gaz.of_type("Settlement")
    assert sum(e.lat is not None for e in towns) / len(towns) > 0.98


def _tiny_gazetteer(tmp_path: Path) -> Gazetteer:
    rows = [GazEntry("state/kenya", "State", "Kenya", iso2="KE"),
            GazEntry("state/tanzania", "State", "Tanzania", iso2="TZ"),
            GazEntry("region/lamu", "Region", "Lamu", country="state/kenya")]
    places = tmp_path / "places.tsv.gz"
    with gzip.open(places, "wt", encoding="utf-8") as f:
        f.write("Mokowe\tKE\tregion/lamu\t-2.23\t40.85\t3000\n"
                "Mbeya Ndogo\tTZ\t\t-8.9\t33.4\t900\n"
                "Mbeya Ndogo\tKE\t\t-1.1\t37.0\t700\n"
                "Witu\tKE\t\t-2.39\t40.43\t5000\n"
                "Witu\tKE\tregion/lamu\t-2.38\t40.44\t800\n")
    gaz = Gazetteer(rows)
    gaz.places_path = places
    return gaz


def test_minor_places_by_country_and_region(tmp_path):
    gaz = _tiny_gazetteer(tmp_path)
    assert gaz.minor_place("Mokowe", []) is None  # no country of the article, no syntax: not a place
    m = gaz.minor_place("Mokowe", ["state/kenya"])
    assert (m.key, m.country, m.region, m.lat) == ("settlement/mokowe", "state/kenya", "region/lamu", -2.23)
    assert gaz.located_in_chain(m.key) == ["region/lamu", "state/kenya"]
    assert gaz.minor_place("Mokowe", ["state/tanzania"]) is None
    assert gaz.minor_place("Mokowe", ["state/tanzania"], anywhere=True).country == "state/kenya"
    # the article's first country wins; the same name elsewhere gets its country in the label
    tz = gaz.minor_place("Mbeya Ndogo", ["state/tanzania", "state/kenya"])
    ke = gaz.minor_place("Mbeya Ndogo", ["state/kenya"])
    assert tz.country == "state/tanzania" and ke.country == "state/kenya"
    assert ke.label == "Mbeya Ndogo (Kenya)" and ke.key != tz.key
    # the region the sentence names picks among towns of one name
    assert gaz.minor_place("Witu", ["state/kenya"]).lat == -2.39
    assert gaz.minor_place("Witu", ["state/kenya"], region="region/lamu").region == "region/lamu"


# --- with the model: towns, regions named after towns, junk, talks, partnership dates ----------

@pytest.fixture(scope="module")
def read():
    from kg.extract.pipeline import build_nlp, read_doc

    nlp, gaz = build_nlp(), load_gazetteer()

    def run(text: str) -> Extraction:
        doc = nlp.make_doc(text)
        doc.user_data["article"] = {"published": PUB}
        return read_doc(nlp(doc), Article(text=text, published=PUB), gaz)

    return run


def _located(ex: Extraction) -> set[tuple[str, str]]:
    return {(r.s, r.o) for r in ex.relations if r.p == "locatedIn"}


@pytest.mark.parametrize("text", [
    "Gunmen attacked Ratne, in Ukraine's Rivne region, on Sunday, killing three civilians.",
    "Three civilians were killed when drones struck the town of Ratne in northwestern Ukraine.",
    "Ukrainian officials said shelling hit Ratne, a town in Rivne Oblast, overnight.",
])
def test_smaller_town_of_the_articles_country(read, text):
    ex = read(text)
    town = ex.entities.get("settlement/ratne")
    assert town is not None and town.lat is not None and 51 < town.lat < 52
    assert ("settlement/ratne", "region/rivne-oblast") in _located(ex) or \
        ("settlement/ratne", "state/ukraine") in _located(ex)


@pytest.mark.parametrize("text", [
    "In Mozambique's Cabo Delgado province, insurgents killed seven civilians in the village of Ratne.",
    "Insurgents in northern Mozambique burned the village of Ratne, residents said.",
])
def test_village_the_gazetteer_lacks_stays_in_the_articles_country(read, text):
    # the only Ratne geonames knows is in Ukraine: not the Mozambican village of the text
    ex = read(text)
    assert ex.entities["settlement/ratne"].type == "Settlement"
    assert ex.entities["settlement/ratne"].lat is None
    assert "state/ukraine" not in ex.entities


def test_an_office_is_not_a_region(read):
    ents = read('"We back this mission," a State Department spokesman said.').entities
    found = {e.label: e.type for e in ents.values()}
    assert found.get("State Department") != "Region"


def test_unknown_word_is_not_taken_for_a_foreign_town(read):
    ex = read("Kenyan police said they arrested Ratne at the border.")
    assert "settlement/ratne" not in ex.entities


@pytest.mark.parametrize("text, region, parent", [
    ("Rebels seized villages in Masisi territory, in North Kivu province, on Monday.",
     "region/masisi", "region/north-kivu"),
    ("Fighting spread to the Rutshuru territory of eastern Congo.", "region/rutshuru",
     "state/democratic-republic-of-the-congo"),
    ("Militants attacked farms in Kalehe territory, South Kivu.", "region/kalehe", "region/south-kivu"),
    ("Fighters killed 30 civilians in North Kivu's Rutshuru territory.", "region/rutshuru", "region/north-kivu"),
])
def test_region_named_after_a_town(read, text, region, parent):
    ex = read(text)
    assert ex.entities[region].type == "Region"
    town = load_gazetteer().entries["settlement/" + region.split("/")[1]]
    assert (ex.entities[region].lat, ex.entities[region].lon) == (town.lat, town.lon)  # the town's point
    assert (region, parent) in _located(ex)
    for ev in ex.events:  # the event is in the territory, not in the province that owns it
        assert ev.place == region and ev.geo_precision == "region"


@pytest.mark.parametrize("text, junk", [
    ("The State said it would punish the attackers in Goma.", "State"),
    ("Junta officials denied the report from Bamako.", "Junta"),
    ("The group said on Telegram that it had attacked a base in Menaka.", "Telegram"),
    ("Summary\nRebels attacked a camp near Goma.", "Summary"),
    ("In Brief\n\nRebels attacked a camp near Goma.", "Brief"),
    ("Eyewitnesses said gunmen opened fire in the market of Goma.", "Eyewitnesses"),
])
def test_junk_names_are_not_entities(read, text, junk):
    labels = {e.label for e in read(text).entities.values()}
    assert junk not in labels


@pytest.mark.parametrize("text, name, type_", [
    ("Five militants were killed in a fire exchange at Simba Airbase near Lamu.", "Simba Airbase", "MilitaryBase"),
    ("Drones destroyed two planes at the Manda Airstrip.", "Manda Airstrip", "MilitaryBase"),
    ("Militiamen raided Kheret, a town that lies in Bora Wello Woreda, Ethiopia.", "Bora Wello Woreda", "Region"),
    ("Fighting in Enarj Enawga Woreda killed 20 civilians.", "Enarj Enawga Woreda", "Region"),
])
def test_names_typed_by_their_last_word(read, text, name, type_):
    found = {e.label: e.type for e in read(text).entities.values()}
    assert found.get(name) == type_, found


@pytest.mark.parametrize("text, person", [
    ("General Sultani Makenga leads the rebels. Makenga said they would hold Goma.", "person/sultani-makenga"),
    ("Makenga said the rebels would hold Goma, according to General Sultani Makenga's aide.",
     "person/sultani-makenga"),
    ("Commander Ahmed Barre of the militia said his men had left Beledweyne.", "person/ahmed-barre"),
])
def test_surnames_and_titles_are_people(read, text, person):
    ex = read(text)
    assert ex.entities[person].type == "Person"
    assert not any(e.label in {"Makenga", "Commander Ahmed Barre"} and e.type != "Person"
                   for e in ex.entities.values())


@pytest.mark.parametrize("text", [
    "M23 rebels held talks with the Congolese government in Doha, Qatar, on Saturday.",
    "Representatives of M23 met Congolese officials in Doha last week.",
    "M23 and Kinshasa signed a ceasefire in Doha.",
])
def test_talks_venue_is_not_where_a_group_is_active(read, text):
    ex = read(text)
    active = {(r.s, r.o) for r in ex.relations if r.p == "activeIn"}
    assert not {o for s, o in active if s == "armed-group/m23"} & {"settlement/doha", "state/qatar"}


def test_where_a_group_fights_is_where_it_is_active(read):
    ex = read("M23 rebels attacked villages in Rutshuru, in North Kivu, on Sunday.")
    assert ("armed-group/m23", "activeIn") in {(r.s, r.p) for r in ex.relations}


@pytest.mark.parametrize("text, status, since, until", [
    ("Niger ended its military cooperation with France in 2023.", "Ended", None, "2023"),
    ("Chad cut military ties with France in November 2024.", "Ended", None, "2024-11"),
    ("Niger signed a defence pact with Russia in 2022.", "Active", "2022", None),
])
def test_partnership_dates_are_the_texts(read, text, status, since, until):
    [p] = read(text).partnerships
    assert (p.status, p.since, p.until) == (status, since, until)


# --- kg eval --errors: events told at the wrong place ----------------------------------------

def test_eval_lists_events_at_the_wrong_place(tmp_path):
    art = Article(text="Gunmen killed 12 soldiers near Tera.", id="w-1", published=PUB)
    ex = Extraction(
        entities={"state/niger": Entity("state/niger", "State", "Niger"),
                  TOWN.key: TOWN},
        events=[Event("Attack", art.text, place="state/niger", date="2024-06-09",
                      casualties=[Casualty("Killed", 12, "Soldiers")])])
    _, g = document_graph(art, ex)
    path = tmp_path / "w.trig"
    from rdflib import Dataset

    ds = Dataset()
    graph = ds.graph(iri(document_key(art)))
    for t in g:
        graph.add(t)
    ds.serialize(path, format="trig")
    gold = [{"id": "w-1", "text": art.text, "published": PUB, "gold": {
        "entities": [{"name": "Tera", "type": "Settlement"}, {"name": "Niger", "type": "State"}],
        "events": [{"type": "Attack", "location": "Tera", "date": "2024-06-09",
                    "casualties": [{"type": "Killed", "count": 12, "category": "Soldiers"}]}],
        "relations": [{"s": "Tera", "p": "locatedIn", "o": "Niger"}]}}]
    rep = evaluate_file(path, gold)
    assert rep.events.fn == 1 and rep.events.fp == 1  # counted as before
    [wrong] = rep.wrong_places
    assert wrong.kind == "wrong place" and "Attack at Tera" in wrong.item and "stored at Niger" in wrong.item
    assert "wrong_places" in rep.to_dict()
    rows = render_errors(rep).columns[1]._cells
    assert "wrong place" in rows


# --- places told by their designators, quarters, bases named after towns (issue 12) -------------

def test_name_before_a_designator_on_a_hand_parse():
    # "Kalumbi village" / "the Kalumbi quarter": the name in front of the designator, singular only
    import spacy

    from kg.extract.wordlists import matched_tokens

    nlp = spacy.blank("en")
    doc = spacy.tokens.Doc(nlp.vocab, words=["raided", "Kalumbi", "village"], pos=["VERB", "PROPN", "NOUN"],
                           deps=["ROOT", "compound", "dobj"], heads=[0, 2, 0],
                           lemmas=["raid", "Kalumbi", "village"])
    assert matched_tokens(doc, "designated_town", "name") == [1]
    plural = spacy.tokens.Doc(nlp.vocab, words=["raided", "Kalumbi", "villages"], pos=["VERB", "PROPN", "NOUN"],
                              deps=["ROOT", "compound", "dobj"], heads=[0, 2, 0],
                              lemmas=["raid", "Kalumbi", "village"])
    assert matched_tokens(plural, "designated_town", "name") == []
    quarter = spacy.tokens.Doc(nlp.vocab, words=["the", "Kalumbi", "quarter"], pos=["DET", "PROPN", "NOUN"],
                               deps=["det", "compound", "ROOT"], heads=[2, 2, 2],
                               lemmas=["the", "Kalumbi", "quarter"])
    assert matched_tokens(quarter, "designated_town", "name") == [1]


@pytest.mark.parametrize("text", [
    "Bandits stormed Kalumbi village in northern Nigeria on Friday and abducted 14 farmers.",
    "In northern Nigeria, 14 farmers were abducted when bandits raided Kalumbi village on Friday.",
    "Bandits abducted 14 farmers near Kalumbi village in northern Nigeria on Friday.",
])
def test_a_name_the_word_village_follows_is_the_events_town(read, text):
    ex = read(text)
    town = next(e for e in ex.entities.values() if e.label.startswith("Kalumbi"))
    assert town.type == "Settlement" and "Kalumbi village" in town.aliases
    assert [ev.place for ev in ex.events if ev.casualties] == [town.key]


@pytest.mark.parametrize("text", [
    "Twelve worshippers were killed in an attack on a mosque in the Bandiko quarter of the town of Tera.",
    "Gunmen killed twelve worshippers in the Bandiko neighbourhood of Tera on Friday.",
    "Twelve worshippers died when gunmen attacked a mosque in the Bandiko quarter of Tera.",
])
def test_a_quarter_lies_in_its_town_and_holds_the_event(read, text):
    ex = read(text)
    quarter = next(e for e in ex.entities.values() if e.label.startswith("Bandiko"))
    assert quarter.type == "Settlement"
    assert (quarter.key, "settlement/tera") in _located(ex)
    assert [ev.place for ev in ex.events if ev.casualties] == [quarter.key]


@pytest.mark.parametrize("text", [
    # a base "in the town": the town last named
    "Jihadists struck Tera on Sunday. They overran a military post in that town and nine soldiers died.",
    # the base named after the town: one base, not a second one named "Tera military post"
    "Nine soldiers were killed in Tera on Sunday. The attackers set ablaze the Tera military post.",
    # "the military base": the town just named
    "Jihadists attacked Tera on Sunday. They stormed the military base and killed nine soldiers.",
    # soldiers killed in a town where the article names one base: at the base
    "Nine soldiers were killed in an attack on Tera on Sunday. The army base in Tera was looted.",
])
def test_an_attack_on_a_base_named_by_its_town_is_at_the_base(read, text):
    ex = read(text)
    bases = [e for e in ex.entities.values() if e.type == "MilitaryBase"]
    assert [b.key for b in bases] == ["military-base/tera-base"], bases
    base = bases[0]
    assert ("military-base/tera-base", "settlement/tera") in _located(ex)
    tera = load_gazetteer().entries["settlement/tera"]
    assert (base.lat, base.lon) == (tera.lat, tera.lon)  # drawn at its town
    hit = [ev for ev in ex.events if ev.casualties]
    assert [ev.place for ev in hit] == ["military-base/tera-base"] and hit[0].geo_precision == "town"


def test_the_verb_based_is_not_a_base(read):
    ex = read("A battalion based in Tera patrolled the road to Dori on Sunday.")
    assert not [e for e in ex.entities.values() if e.type == "MilitaryBase"]


@pytest.mark.parametrize("text", [
    "French troops vacated an air base in Niger on Friday. France had run its air base in the capital, "
    "Niamey, since 2013.",
    "France had run its air base in the capital, Niamey, since 2013. French troops vacated the base on Friday.",
])
def test_a_base_told_by_its_country_is_the_one_base_named_there(read, text):
    ex = read(text)
    assert [e.key for e in ex.entities.values() if e.type == "MilitaryBase"] == ["military-base/niamey-base"]
    assert [ev.place for ev in ex.events if ev.type == "Withdrawal"] == ["military-base/niamey-base"]


def test_the_base_told_again_is_not_where_another_event_is(read):
    ex = read("Cargo planes landed at al-Khadim air base in eastern Libya. The base is held by forces "
              "whose 2019 offensive on Tripoli failed.")
    assert all(ev.place != "military-base/al-khadim-air-base" for ev in ex.events if ev.type == "Attack")


@pytest.mark.parametrize("text, place", [
    ("Thousands of protesters marched in Omdurman on Monday. Police shot into the march, "
     "and two protesters were killed, medics reported.", "settlement/omdurman"),
    ("Thousands of protesters marched in Omdurman on Monday, chanting slogans. Police fired tear gas. "
     "Two protesters were killed, doctors said.", "settlement/omdurman"),
    # a place of another country the sentence before: not there, but the article's country
    ("Ministers met in Paris on Monday. Two Malian soldiers were killed on Tuesday, the army said.",
     "state/mali"),
])
def test_an_attack_told_without_a_place_is_where_the_sentence_before_is(read, text, place):
    assert [ev.place for ev in read(text).events if ev.type == "Attack"] == [place]


def test_a_coup_told_without_a_place_is_in_the_country_the_sentence_before_names(read):
    ex = read("Religious leaders in Burkina Faso said the captain had accepted the president's resignation. "
              "He agreed to quit to spare the country more bloodshed after Friday's coup. French officials "
              "denied hiding him, and the French embassy stayed shut.")
    assert [ev.place for ev in ex.events if ev.type == "Coup"] == ["state/burkina-faso"]


@pytest.mark.parametrize("text", [
    "M23 rebels attacked army positions near Sake, in Masisi territory, on Monday, killing four soldiers.",
    "Rebels overran two army camps near Sake, in Masisi territory, killing four soldiers.",
    "Four soldiers were killed when rebels shelled an army checkpoint near Sake, in Masisi territory.",
])
def test_positions_and_several_bases_are_no_base_of_their_own(read, text):
    ex = read(text)
    assert not [e for e in ex.entities.values() if e.type == "MilitaryBase"]
    assert [(ev.place, ev.geo_precision) for ev in ex.events] == [("settlement/sake", "near-town")]


@pytest.mark.parametrize("text, place, parent", [
    ("Gunmen killed eight farmers in the Bokolo district of Ituri province on Sunday.",
     "region/bokolo", "region/ituri"),
    ("Gunmen killed eight farmers in the Bokolo district of Congo on Sunday.",
     "region/bokolo", "state/democratic-republic-of-the-congo"),
    ("Gunmen killed eight farmers on Sunday in Bokolo village, Ituri province, Congo.",
     "settlement/bokolo", "region/ituri"),
    ("Gunmen killed eight farmers in Bokolo, a village in Ituri province, on Sunday.",
     "settlement/bokolo", "region/ituri"),
])
def test_a_place_the_gazetteer_lacks_lies_where_the_sentence_puts_it(read, text, place, parent):
    ex = read(text)
    assert (place, parent) in _located(ex)
    assert [ev.place for ev in ex.events] == [place]


# --- roles of figures told with no attack word (issue 12) --------------------------------------

@pytest.mark.parametrize("text", [
    "The Malian army said it killed 12 fighters of JNIM near Tessit on Sunday.",
    "The army said it had killed 12 JNIM fighters near Tessit in Mali on Sunday.",
    "Mali's army said on Sunday that it killed 12 fighters of JNIM in an operation near Tessit.",
    "Twelve fighters of JNIM were killed by the Malian army near Tessit.",
])
def test_counted_fighters_of_a_group_are_its_losses_not_its_attack(read, text):
    ev, = read(text).events
    assert ev.perpetrators == ["armed-forces/mali"]
    assert ev.targets == ["armed-group/jamaat-nusrat-al-islam-wal-muslimin"]


def test_the_group_that_kills_soldiers_is_still_the_attacker(read):
    ev, = read("JNIM fighters killed 12 soldiers near Tessit.").events
    assert ev.perpetrators == ["armed-group/jamaat-nusrat-al-islam-wal-muslimin"]
    assert ev.targets == ["armed-forces/mali"]


# --- two attacks told in one sentence ----------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Gunmen killed five soldiers in Tera on Sunday, and militants killed seven civilians in Ayorou.",
    "Jihadists attacked Tera, killing five soldiers, while another group attacked Ayorou, killing seven civilians.",
    "Five soldiers were killed in Tera on Sunday, while seven civilians were killed in Ayorou.",
])
def test_two_attacks_in_one_sentence_are_two_events(read, text):
    got = sorted((ev.place, [(c.count, c.category) for c in ev.casualties]) for ev in read(text).events)
    assert got == [("settlement/ayorou", [(7, "Civilians")]), ("settlement/tera", [(5, "Soldiers")])]


@pytest.mark.parametrize("text", [
    "Gunmen killed five soldiers and abducted seven civilians in a raid on Tera.",
    "TERA, Niger - Gunmen killed five soldiers and abducted seven civilians in a raid on a village near Ayorou.",
    "Attacks on Tera and Ayorou on Sunday killed five soldiers and seven civilians.",
])
def test_one_attack_with_several_figures_stays_one(read, text):
    attacks = [ev for ev in read(text).events if ev.type == "Attack"]
    assert len(attacks) == 1 and len(attacks[0].casualties) == 2


def test_a_town_found_once_is_that_town_where_its_name_recurs(read):
    ex = read("Peacekeepers set up a foothold in Bunyakiri, 80 km from Bukavu, in 2004. Officials said "
              "Bunyakiri became the first base the mission gave back to the army.")
    assert [e.key for e in ex.entities.values() if e.type == "MilitaryBase"] == ["military-base/bunyakiri-base"]
    assert ("military-base/bunyakiri-base", "settlement/bunyakiri") in _located(ex)


@pytest.mark.parametrize("text", [
    "French troops left Tera on Friday, the army said. The army base in Tera had housed 400 soldiers.",
    "The army base in Tera had housed 400 French soldiers. French troops withdrew from Tera on Friday.",
])
def test_forces_leaving_a_town_with_one_base_leave_the_base(read, text):
    assert [ev.place for ev in read(text).events if ev.type == "Withdrawal"] == ["military-base/tera-base"]


@pytest.mark.parametrize("text", [
    "Dozens of gunmen on motorcycles stormed Gidan Kaura in Zamfara State late on Monday.",
    "Bandits raided Gidan Kaura in Zamfara State on Monday, killing 23 villagers.",
    "Gunmen looted Gidan Kaura in Zamfara State before dawn.",
])
def test_what_attackers_storm_is_a_place_not_a_person(read, text):
    ex = read(text)
    assert ex.entities["settlement/gidan-kaura"].type == "Settlement"
    assert "person/gidan-kaura" not in ex.entities
    assert [ev.place for ev in ex.events] == ["settlement/gidan-kaura"]


def test_a_local_government_area_named_after_a_town_is_a_region(read):
    ex = read("Gunmen stormed Gidan Kaura, in the Maru local government area, late on Monday.")
    assert ex.entities["region/maru"].type == "Region"
    assert "Maru local government area" in ex.entities["region/maru"].aliases
    assert ("settlement/gidan-kaura", "region/maru") in _located(ex)


@pytest.mark.parametrize("text, place", [
    ("An airstrike carried out at the request of the government of Somalia killed three al-Shabaab "
     "fighters 35 km northeast of Jilib, in the Middle Juba region.", "region/middle-juba"),
    ("At the invitation of the government of Somalia, US drones struck al-Shabaab near Jilib on Friday, "
     "killing three fighters.", "settlement/jilib"),
    ("Three al-Shabaab fighters were killed near Jilib in an airstrike on behalf of the army of Somalia.",
     "settlement/jilib"),
])
def test_a_country_named_as_whose_government_is_not_where(read, text, place):
    assert [ev.place for ev in read(text).events if ev.type == "Attack"] == [place]


@pytest.mark.parametrize("text", [
    "Paramilitaries raided the village of Umm Hashim in the state of Gezira. People near Umm Hashim "
    "said the fighters left.",
    "People said Umm Hashim was calm again. Paramilitaries had raided the village of Umm Hashim in the "
    "state of Gezira on Wednesday.",
])
def test_a_village_named_by_the_syntax_is_one_place_throughout(read, text):
    ex = read(text)
    assert [e.type for e in ex.entities.values() if e.label == "Umm Hashim"] == ["Settlement"]
    assert ("settlement/umm-hashim", "region/gezira") in _located(ex)


@pytest.mark.parametrize("text", [
    "Shelling hit the Kalumbi district of Goma, killing four civilians.",
    "Four civilians were killed in Goma's Kalumbi neighbourhood on Monday.",
    "A shell killed four civilians in the Kalumbi suburb of Goma on Monday.",
])
def test_a_district_or_neighbourhood_of_a_town_is_in_the_town(read, text):
    ex = read(text)
    assert ex.entities["settlement/kalumbi"].type == "Settlement"
    assert ("settlement/kalumbi", "settlement/goma") in _located(ex)
    assert [ev.place for ev in ex.events] == ["settlement/kalumbi"]
