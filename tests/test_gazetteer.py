"""The gazetteer data and the ckg_gazetteer spaCy component (blank model, no download)."""

from __future__ import annotations

import json

import pytest
import spacy

from kg.extract.gazetteer import (
    DEMONYM,
    GAZETTEER_PATH,
    SPANS_KEY,
    GazEntry,
    Gazetteer,
    load_gazetteer,
)
from kg.ids import entity_key


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("ckg_gazetteer")
    return nlp


def found(nlp: spacy.language.Language, text: str) -> list[tuple[str, str, str]]:
    doc = nlp(text)
    return [(s.text, s.label_, s.kb_id_) for s in doc.spans[SPANS_KEY]]


def keys(nlp: spacy.language.Language, text: str) -> set[str]:
    return {k for _, _, k in found(nlp, text)}


# ------------------------------------------------------------------ the data
def test_file_is_sorted_small_and_keyed_by_entity_key() -> None:
    assert GAZETTEER_PATH.stat().st_size < 8_000_000
    rows = [json.loads(line) for line in GAZETTEER_PATH.read_text(encoding="utf-8").splitlines()]
    assert [r["key"] for r in rows] == sorted(r["key"] for r in rows)
    assert len({r["key"] for r in rows}) == len(rows)
    for r in rows[:: max(1, len(rows) // 500)]:
        assert r["key"] == entity_key(r["type"], r["label"])


def test_every_un_member_is_a_state(gaz: Gazetteer) -> None:
    states = gaz.of_type("State")
    assert len(states) >= 193
    un = "international-organization/united-nations"
    assert sum(1 for s in states if un in s.member_of) == 193
    assert all(s.wikidata and s.wikidata.startswith("Q") for s in states)


@pytest.mark.parametrize(("label", "qid"), [
    ("Niger", "Q1032"), ("Nigeria", "Q1033"), ("Mali", "Q912"), ("Burkina Faso", "Q965"),
    ("Chad", "Q657"), ("France", "Q142"), ("United States", "Q30"), ("Russia", "Q159"),
    ("Sudan", "Q1049"), ("Ukraine", "Q212"), ("Turkey", "Q43"), ("Ivory Coast", "Q1008"),
])
def test_state_qids(gaz: Gazetteer, label: str, qid: str) -> None:
    e = gaz.get(entity_key("State", label))
    assert e is not None and e.wikidata == qid


def test_aliases_and_capitals(gaz: Gazetteer) -> None:
    assert gaz.best("U.S.").key == "state/united-states"
    assert gaz.best("Cote d'Ivoire").key == "state/ivory-coast"
    assert gaz.best("DR Congo").key == "state/democratic-republic-of-the-congo"
    assert gaz.best("Türkiye").key == "state/turkey"
    assert gaz.get("state/niger").capital == "settlement/niamey"
    assert gaz.capital_of("settlement/niamey") == "state/niger"
    assert gaz.capital_of("settlement/tera") is None


def test_memberships_2025(gaz: Gazetteer) -> None:
    ecowas = "international-organization/economic-community-of-west-african-states"
    aes = "international-organization/alliance-of-sahel-states"
    for sahel in ("state/mali", "state/burkina-faso", "state/niger"):
        assert aes in gaz.get(sahel).member_of
        assert ecowas not in gaz.get(sahel).member_of
    assert ecowas in gaz.get("state/nigeria").member_of
    assert "international-organization/nato" in gaz.get("state/turkey").member_of
    assert "international-organization/intergovernmental-authority-on-development" in gaz.get(
        "state/somalia").member_of


def test_affiliations(gaz: Gazetteer) -> None:
    iswap = gaz.best("ISWAP")
    assert iswap is not None and iswap.label == "Islamic State West Africa Province"
    assert "armed-group/islamic-state" in iswap.affiliated_with
    assert "state/nigeria" in iswap.active_in
    jnim = gaz.best("JNIM")
    assert jnim.label == "Jama'at Nusrat al-Islam wal-Muslimin"
    assert "armed-group/al-qaeda" in jnim.affiliated_with
    assert "armed-group/al-qaeda" in gaz.best("al-Shabaab").affiliated_with
    assert len(gaz.of_type("ArmedGroup")) >= 150


def test_places_are_located(gaz: Gazetteer) -> None:
    assert gaz.located_in_chain("settlement/tera") == ["region/tillaberi", "state/niger"]
    assert gaz.get("region/borno").country == "state/nigeria"
    assert {e.type for e in gaz.by_surface("Kidal")} == {"Settlement", "Region"}


def test_demonyms(gaz: Gazetteer) -> None:
    assert gaz.demonym("Nigerien").key == "state/niger"
    assert gaz.demonym("Nigerian").key == "state/nigeria"
    assert gaz.demonym("Burkinabe").key == "state/burkina-faso"
    assert gaz.demonym("Malians").key == "state/mali"
    assert gaz.demonym("Beninese").key == "state/benin"
    assert gaz.demonym("American").key == "state/united-states"
    assert gaz.demonym("Niger") is None


def test_gazentry_names() -> None:
    e = GazEntry(key="state/x", type="State", label="X", aliases=["Y"])
    assert e.names == ["X", "Y"]


# ------------------------------------------------------------- the component
def test_niger_vs_nigeria(nlp: spacy.language.Language) -> None:
    spans = found(nlp, "Niger and Nigeria share a border; Nigerien and Nigerian troops patrol it.")
    assert ("Niger", "State", "state/niger") in spans
    assert ("Nigeria", "State", "state/nigeria") in spans
    assert ("Nigerien", DEMONYM, "state/niger") in spans
    assert ("Nigerian", DEMONYM, "state/nigeria") in spans
    assert len(spans) == 4


def test_us_vs_us(nlp: spacy.language.Language) -> None:
    assert keys(nlp, "The US said it will help us.") == {"state/united-states"}
    assert keys(nlp, "Tell us what is happening.") == set()
    assert keys(nlp, "U.S. forces left.") == {"state/united-states"}


def test_acronyms_not_matched_in_all_caps_headlines(nlp: spacy.language.Language) -> None:
    assert keys(nlp, "US TROOPS LEAVE NIGER AS IS FIGHTERS ADVANCE") == set()
    assert "armed-group/islamic-state" in keys(nlp, "Fighters loyal to IS attacked the town.")


def test_datelines(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    got = found(nlp, "MOGADISHU, Somalia (AP) — Gunmen attacked a hotel.")
    assert ("MOGADISHU", "Settlement", "settlement/mogadishu") in got
    assert gaz.best("MOGADISHU").key == "settlement/mogadishu"
    assert keys(nlp, 'Software provided "AS IS" without warranty.') == set()


def test_accent_folding(nlp: spacy.language.Language) -> None:
    assert "region/tillaberi" in keys(nlp, "The attack took place in the Tillabéri region.")
    assert "region/tillaberi" in keys(nlp, "The attack took place in the Tillaberi region.")
    # the bare name is both a town and its region: the span carries one, by_surface gives both
    bare = keys(nlp, "The attack took place in Tillabéri.")
    assert bare in ({"region/tillaberi"}, {"settlement/tillaberi"})
    assert {e.key for e in load_gazetteer().by_surface("Tillabéri")} >= {"region/tillaberi",
                                                                         "settlement/tillaberi"}
    assert "settlement/ndjamena" in keys(nlp, "Officials in N’Djamena said so.")
    assert "settlement/abeche" in keys(nlp, "A base near Abéché.")


def test_acronym_groups(nlp: spacy.language.Language) -> None:
    got = found(nlp, "JNIM and ISWAP claimed the attacks.")
    assert ("JNIM", "ArmedGroup", "armed-group/jamaat-nusrat-al-islam-wal-muslimin") in got
    assert ("ISWAP", "ArmedGroup", "armed-group/islamic-state-west-africa-province") in got


def test_longest_match_wins(nlp: spacy.language.Language) -> None:
    got = found(nlp, "Militants from the Islamic State West Africa Province struck in the Niger Delta.")
    assert ("Islamic State West Africa Province", "ArmedGroup",
            "armed-group/islamic-state-west-africa-province") in got
    assert ("Niger Delta", "Region", "region/niger-delta") in got
    assert "state/niger" not in {k for _, _, k in got}


def test_region_designators(nlp: spacy.language.Language) -> None:
    assert ("Kidal region", "Region", "region/kidal") in found(nlp, "Fighting in the Kidal region.")
    assert ("Borno State", "Region", "region/borno") in found(nlp, "Attacks in Borno State rose.")
    assert ("Mopti Region", "Region", "region/mopti") in found(nlp, "In Mopti Region, a convoy was hit.")


def test_horn_of_africa_sentence(nlp: spacy.language.Language) -> None:
    got = keys(nlp, "Al-Shabaab fighters attacked an African Union base near Mogadishu, Somalia, "
                    "while Ethiopian troops clashed with Fano militiamen in Amhara.")
    assert {"armed-group/al-shabaab", "international-organization/african-union", "settlement/mogadishu",
            "state/somalia", "state/ethiopia", "armed-group/fano", "region/amhara"} <= got


def test_middle_east_sentence(nlp: spacy.language.Language) -> None:
    got = keys(nlp, "Israeli strikes hit Khan Younis in the Gaza Strip as Hezbollah fired rockets "
                    "from southern Lebanon and the Houthis targeted ships in the Red Sea off Hodeidah.")
    assert {"state/israel", "settlement/khan-younis", "region/gaza-strip", "armed-group/hezbollah",
            "region/south-lebanon", "armed-group/houthis", "settlement/hodeidah"} <= got


def test_great_lakes_and_ukraine(nlp: spacy.language.Language) -> None:
    got = keys(nlp, "M23 rebels, backed by Rwanda, seized Goma in North Kivu, DRC.")
    assert {"armed-group/m23", "state/rwanda", "settlement/goma", "region/north-kivu",
            "state/democratic-republic-of-the-congo"} <= got
    got = keys(nlp, "Russian forces shelled Kharkiv and advanced near Pokrovsk in the Donetsk region.")
    assert {"state/russia", "settlement/kharkiv", "settlement/pokrovsk", "region/donetsk-oblast"} <= got


def test_component_reuses_patterns() -> None:
    """A second pipeline reuses the tokenized patterns of the first (computed once per language),
    not a fresh tokenization of the whole gazetteer; and it finds the same names."""
    from kg.extract.gazetteer import _tokenized_patterns

    spacy.blank("en").add_pipe("ckg_gazetteer")
    before = _tokenized_patterns.cache_info()
    other = spacy.blank("en")
    other.add_pipe("ckg_gazetteer")
    after = _tokenized_patterns.cache_info()
    assert after.hits == before.hits + 1 and after.misses == before.misses
    assert keys(other, "Wagner Group mercenaries left Mali.") == {"armed-group/wagner-group", "state/mali"}


def test_minor_places_file_is_small_sorted_and_apart_from_the_gazetteer(gaz: Gazetteer) -> None:
    import gzip

    from kg.extract.gazetteer import PLACES_PATH

    assert PLACES_PATH.stat().st_size < 5_000_000
    with gzip.open(PLACES_PATH, "rt", encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f]
    assert len(rows) > 100_000
    for name, iso, region, lat, lon, pop in rows[:: len(rows) // 300]:
        assert -90 <= float(lat) <= 90 and -180 <= float(lon) <= 180 and int(pop) >= 0 and len(iso) == 2
        assert not region or gaz.get(region).type == "Region"
        # a name the main gazetteer already has in that country is not repeated here
        assert not any(e.type == "Settlement" and e.country and gaz.get(e.country).iso2 == iso
                       for e in gaz.by_surface(name))


def test_towns_are_in_their_own_region(gaz: Gazetteer) -> None:
    # a region is tied to a geonames admin area only by one of the area's big towns named like it
    for town, region in [("settlement/tera", "region/tillaberi"), ("settlement/goma", "region/north-kivu"),
                         ("settlement/maiduguri", "region/borno")]:
        assert gaz.get(town).region == region
    for town in ("settlement/salt-lake-city", "settlement/norwich", "settlement/chicago"):
        e = gaz.get(town)
        assert e is None or e.region not in {"region/washington-state", "region/wales"}, town
