"""SHACL shapes (shapes/*.ttl) and kg.shacl: fixtures, meta-shapes, quarantine split.

Fixtures live in tests/data/shapes/{valid,invalid}/*.ttl, each a small document
graph following docs/rdf-layout.md. An invalid fixture names, on its first line
(``# expect: whole number``), a fragment of the message it must produce. Files
named ``derived-*.ttl`` are derived-graph fixtures, checked with the derived shapes.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyshacl
import pytest
from pyshacl.entrypoints import meta_validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from kg.ids import entity_key, iri
from kg.model import Article, Casualty, Entity, Event, Extraction, Partnership, Relation
from kg.namespaces import CKG, RELATION_PROPERTIES
from kg.ontology import load_ontology
from kg.rdfmap import document_graph
from kg.shacl import (
    SHAPES_DIR,
    Report,
    _results,
    load_derived_shapes,
    load_shapes,
    split_violations,
    validate_graph,
)

DATA = Path(__file__).resolve().parent / "data" / "shapes"
VALID = sorted((DATA / "valid").glob("*.ttl"))
INVALID = sorted((DATA / "invalid").glob("*.ttl"))
SHAPE_FILES = sorted(SHAPES_DIR.glob("*.ttl"))


def _derived(path: Path) -> bool:
    return path.name.startswith("derived-")


def _load(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    copy += graph
    return copy


def _expected(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect:"), f"{path.name}: line 1 must be '# expect: <message fragment>'"
    return first.split(":", 1)[1].strip()


def _check(path: Path) -> Report:
    return validate_graph(_load(path), derived=_derived(path))


def _explain(report: Report) -> str:
    return "\n".join(f"{r.focus} {r.path} {r.value!r}: {r.message}" for r in report.results)


@pytest.fixture(scope="module")
def invalid_reports() -> dict[str, Report]:
    return {path.name: _check(path) for path in INVALID}


# --- fixtures ----------------------------------------------------------------

def test_fixtures_are_there():
    assert len(VALID) >= 5 and len(INVALID) >= 20
    names = {p.name for p in INVALID}
    assert "casualty-negative-count.ttl" in names  # a count of -3
    assert "partnership-three-partners.ttl" in names
    assert "-3" in (DATA / "invalid" / "casualty-negative-count.ttl").read_text()


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_fixture_conforms(path: Path):
    report = _check(path)
    assert report.conforms, _explain(report)
    assert report.results == []


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_violates(path: Path, invalid_reports: dict[str, Report]):
    report = invalid_reports[path.name]
    assert not report.conforms
    fragment = _expected(path)
    assert any(fragment in r.message for r in report.results), \
        f"no message contains {fragment!r}:\n{_explain(report)}"
    assert all(r.severity == "Violation" for r in report.results)


def test_every_shape_has_a_conforming_and_a_violating_fixture(invalid_reports: dict[str, Report]):
    shapes = load_shapes() + load_derived_shapes()
    fired = {r.shape for report in invalid_reports.values() for r in report.results}
    valid = Graph()
    for path in VALID:
        valid += _load(path)
    for shape in set(shapes.subjects(RDF.type, SH.PropertyShape)):
        assert str(shape) in fired, f"no invalid fixture violates {shape}"
        path = shapes.value(shape, SH.path)
        assert (None, path, None) in valid, f"no valid fixture uses {path} ({shape})"
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        for cls in shapes.objects(shape, SH.targetClass):
            if shape.endswith("DerivedPartnershipShape"):
                continue  # the derived graph does not repeat the types
            assert (None, RDF.type, cls) in valid, f"no valid fixture has a {cls} ({shape})"
        for prop in shapes.objects(shape, SH.targetSubjectsOf):
            assert (None, prop, None) in valid, f"no valid fixture uses {prop} ({shape})"
    relation_shapes = {str(p) for s in shapes.subjects(RDF.type, SH.NodeShape)
                       for p in shapes.objects(s, SH.targetSubjectsOf)}
    assert {str(CKG[p]) for p in RELATION_PROPERTIES} <= relation_shapes


# --- the shapes themselves -----------------------------------------------------

@pytest.mark.parametrize("path", SHAPE_FILES, ids=lambda p: p.stem)
def test_shapes_conform_to_shacl_for_shacl(path: Path):
    shapes = _load(path)
    conforms, _, text = meta_validate(shapes)
    assert conforms, text
    # the same with the meta-shapes file read explicitly
    meta = Graph().parse(Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(shapes, shacl_graph=meta, inference="none")
    assert conforms, text


def test_shapes_are_named_explained_and_core_only():
    shapes = load_shapes() + load_derived_shapes()
    named = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    assert len(named) > 40
    for shape in named:
        assert isinstance(shape, URIRef), shape
        assert shapes.value(shape, SH.name) is not None, f"{shape} has no sh:name"
        message = shapes.value(shape, SH.message)
        assert message is not None and len(str(message)) > 20, f"{shape} has no useful sh:message"
    assert (None, SH.sparql, None) not in shapes
    assert (None, SH.target, None) not in shapes  # SHACL-AF targets need advanced mode
    assert load_shapes() is load_shapes()  # cached
    # the derived shapes are kept apart from the document shapes
    assert (None, SH.path, CKG.status) not in load_shapes()
    assert (None, SH.path, CKG.status) in load_derived_shapes()


# --- kg.shacl ------------------------------------------------------------------

def test_results_carry_focus_path_value_and_shape(invalid_reports: dict[str, Report]):
    report = invalid_reports["casualty-negative-count.ttl"]
    result = next(r for r in report.results if "whole number" in r.message)
    assert result.focus == "https://w3id.org/conflict-kg/id/casualty/c1"
    assert result.path == str(CKG["count"])
    assert result.value == "-3"
    assert result.severity == "Violation"
    assert result.shape == "https://w3id.org/conflict-kg/shapes#count"
    assert (None, RDF.type, SH.ValidationReport) in report.graph


@pytest.mark.slow  # pySHACL with the whole ontology over every fixture: seconds, not a unit
def test_the_class_hierarchy_is_all_the_ontology_the_shapes_need(invalid_reports: dict[str, Report]):
    """validate_graph mixes in only the class hierarchy; the whole ontology gives the same results."""
    ontology = load_ontology()
    for path in VALID + INVALID:
        if _derived(path):
            continue
        conforms, report_graph, _ = pyshacl.validate(
            _load(path), shacl_graph=_copy(load_shapes()), ont_graph=ontology, inference="none")
        expected = Report(conforms, _results(report_graph), report_graph)
        got = invalid_reports.get(path.name) or _check(path)
        assert (got.conforms, got.results) == (expected.conforms, expected.results), path.name


def test_validation_changes_neither_data_nor_shapes():
    data = _load(DATA / "invalid" / "casualty-negative-count.ttl")
    before = set(data)
    validate_graph(data)
    shapes_size = len(load_shapes())
    validate_graph(data)
    assert set(data) == before
    assert len(load_shapes()) == shapes_size


@pytest.mark.slow  # every fixture validated twice on four threads: seconds, not a unit
def test_validation_is_thread_safe(invalid_reports: dict[str, Report]):
    paths = (VALID + INVALID) * 2
    with ThreadPoolExecutor(max_workers=4) as pool:
        reports = list(pool.map(_check, paths))
    for path, report in zip(paths, reports, strict=True):
        if path.parent.name == "valid":
            assert report.conforms, path.name
        else:
            assert report.results == invalid_reports[path.name].results, path.name


# --- quarantine split ------------------------------------------------------------

@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_split_leaves_a_conforming_clean_part(path: Path, invalid_reports: dict[str, Report]):
    data = _load(path)
    clean, quarantined = split_violations(data, invalid_reports[path.name], derived=_derived(path))
    assert len(quarantined) > 0
    assert set(clean) | set(quarantined) == set(data)
    assert not set(clean) & set(quarantined)
    report = validate_graph(clean, derived=_derived(path))
    assert report.conforms, _explain(report)


def test_split_of_a_conforming_graph_moves_nothing():
    data = _load(DATA / "valid" / "attack.ttl")
    clean, quarantined = split_violations(data, validate_graph(data))
    assert set(clean) == set(data) and len(quarantined) == 0


def test_split_quarantines_a_bad_casualty_count_and_its_link(invalid_reports: dict[str, Report]):
    data = _load(DATA / "invalid" / "casualty-negative-count.ttl")
    clean, quarantined = split_violations(data, invalid_reports["casualty-negative-count.ttl"])
    casualty, event = iri("casualty/c1"), iri("event/a1")
    assert (casualty, CKG["count"], None) in quarantined
    assert (casualty, None, None) not in clean  # the whole figure: it has no count left
    assert (event, CKG.casualties, casualty) in quarantined
    # the attack itself stays, with its place and evidence
    assert (event, RDF.type, CKG.Attack) in clean
    assert (event, CKG.occurredAt, iri("region/tillaberi")) in clean
    assert (event, CKG.evidence, None) in clean


def test_split_quarantines_a_partnership_with_three_partners(invalid_reports: dict[str, Report]):
    data = _load(DATA / "invalid" / "partnership-three-partners.ttl")
    clean, quarantined = split_violations(data, invalid_reports["partnership-three-partners.ttl"])
    partnership = iri("partnership/p1")
    assert (partnership, None, None) not in clean
    assert len(list(quarantined.objects(partnership, CKG.partner))) == 3
    assert (iri("state/niger"), RDF.type, CKG.State) in clean  # the partners are fine


def test_split_drops_only_the_bad_property():
    path = DATA / "invalid" / "event-perpetrator-not-actor.ttl"
    data = _load(path)
    clean, quarantined = split_violations(data, _check(path))
    coup = iri("event/c1")
    assert set(quarantined) == {(coup, CKG.perpetrator, iri("region/tillaberi"))}
    assert (coup, RDF.type, CKG.Coup) in clean


def test_split_cascades_when_an_attack_loses_its_place():
    data = _load(DATA / "valid" / "attack.ttl")
    region = iri("region/tillaberi")
    data.remove((region, RDF.type, None))  # the place is no longer a ckg:Place
    clean, quarantined = split_violations(data, validate_graph(data))
    attack = iri("event/a1")
    assert (attack, None, None) not in clean  # an attack without a place cannot stay
    assert (iri("casualty/c1"), None, None) not in clean  # nor can its casualty figures
    assert validate_graph(clean).conforms


# --- a real document graph ------------------------------------------------------

def _extraction() -> Extraction:
    niger, russia = entity_key("State", "Niger"), entity_key("State", "Russia")
    region, town = entity_key("Region", "Tillaberi"), entity_key("Settlement", "Tera")
    army = entity_key("ArmedForces", "Nigerien Armed Forces")
    issp = entity_key("ArmedGroup", "Islamic State Sahel Province")
    isis = entity_key("ArmedGroup", "Islamic State")
    junta = entity_key("MilitaryJunta", "CNSP")
    tiani = entity_key("Person", "Abdourahamane Tiani")
    aes = entity_key("InternationalOrganization", "Alliance of Sahel States")
    base = entity_key("MilitaryBase", "Agadez Air Base")
    afp = entity_key("Organization", "AFP")
    ents = {
        niger: Entity(niger, "State", "Niger", {"Nigerien", "Niger"}, "Q1032", 0.95),
        russia: Entity(russia, "State", "Russia", set(), "Q159", 0.95),
        region: Entity(region, "Region", "Tillaberi", {"Tillabéri"}, None, 0.9),
        town: Entity(town, "Settlement", "Tera", set(), None, 0.8),
        army: Entity(army, "ArmedForces", "Nigerien Armed Forces", {"FAN"}, None, 0.9),
        issp: Entity(issp, "ArmedGroup", "Islamic State Sahel Province", {"ISSP"}, None, 0.85),
        isis: Entity(isis, "ArmedGroup", "Islamic State", {"IS"}, "Q2429253", 0.85),
        junta: Entity(junta, "MilitaryJunta", "CNSP", set(), None, 0.7),
        tiani: Entity(tiani, "Person", "Abdourahamane Tiani", {"Tiani"}, None, 1.2),  # clamped by rdfmap
        aes: Entity(aes, "InternationalOrganization", "Alliance of Sahel States", {"AES"}, None, 0.8),
        base: Entity(base, "MilitaryBase", "Agadez Air Base", set(), None, 0.6),
        afp: Entity(afp, "Organization", "AFP", set(), None, 0.5),
    }
    events = [
        Event("Attack", "At least 15 soldiers were killed near Tera.", place=town, date="2024-06-11",
              perpetrators=[issp], targets=[army],
              casualties=[Casualty("Killed", 15, "Soldiers", True, army), Casualty("Wounded", 0),
                          Casualty("Abducted", 3, "Civilians")], confidence=0.8),
        Event("Coup", "The army seized power.", place=niger, date="2023", perpetrators=[junta], targets=[niger]),
        Event("Withdrawal", "French troops left.", date="2023-12", participants=[niger]),
        Event("Deployment", "Russian instructors arrived.", participants=[russia, niger], confidence=-1),
        Event("Agreement", "They signed a pact.", place=region, participants=[russia, niger]),
    ]
    relations = [Relation(town, "locatedIn", region), Relation(region, "locatedIn", niger),
                 Relation(junta, "governs", niger), Relation(tiani, "leaderOf", junta),
                 Relation(army, "armedForcesOf", niger), Relation(issp, "affiliatedWith", isis),
                 Relation(issp, "activeIn", region), Relation(base, "operatedBy", army),
                 Relation(niger, "memberOf", aes)]
    partnerships = [Partnership((niger, russia), "Active", "Niger courts Russia."),
                    Partnership((aes, niger), "Ended", "Niger left.", date="2024-01")]
    return Extraction(ents, events, partnerships, relations)


@pytest.mark.parametrize("article", [
    Article(text="some text", id="a1", published="2024-07-24", title="T", source="AFP",
            url="https://example.org/a1"),
    Article(text="json article without title or date"),
], ids=["full-metadata", "bare"])
def test_a_mapped_document_graph_conforms(article: Article):
    doc, graph = document_graph(article, _extraction())
    assert 100 < len(graph) < 600
    report = validate_graph(graph)
    assert report.conforms, _explain(report)
    clean, quarantined = split_violations(graph, report)
    assert len(quarantined) == 0 and len(clean) == len(graph)


def test_a_broken_mapped_graph_is_split():
    doc, graph = document_graph(Article(text="x", id="a1"), _extraction())
    casualty = next(graph.subjects(CKG.casualtyType, CKG.Abducted))
    graph.add((casualty, CKG.casualtyType, CKG.Killed))  # two types
    graph.add((iri("person/abdourahamane-tiani"), CKG.leaderOf, iri("region/tillaberi")))
    report = validate_graph(graph)
    assert {r.focus for r in report.results} == {str(casualty), str(iri("person/abdourahamane-tiani"))}
    clean, quarantined = split_violations(graph, report)
    assert validate_graph(clean).conforms
    assert (casualty, None, None) not in clean
    assert (iri("person/abdourahamane-tiani"), CKG.leaderOf, iri("military-junta/cnsp")) not in clean
    assert (iri("person/abdourahamane-tiani"), RDF.type, CKG.Person) in clean
