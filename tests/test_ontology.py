"""The ontology (CONTRACT section 2): terms, labels, hierarchy, alignments, loading."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS

from kg import ontology
from kg.namespaces import (
    ACTOR_TYPES,
    CASUALTY_TYPES,
    CKG,
    ENTITY_TYPES,
    EVENT_TYPES,
    ONTOLOGY_GRAPH,
    PLACE_TYPES,
    RELATION_PROPERTIES,
    VICTIM_CATEGORIES,
)

REPO = Path(__file__).resolve().parents[1]
EX = Namespace("http://example.org/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # plain Namespace: rdflib's XSD warns when pytest probes it
W3C_CORE = (str(RDF), str(RDFS), str(OWL), str(XSD))

# CONTRACT section 2, literally
CONTRACT_CLASSES = [
    "Actor", "State", "MilitaryJunta", "ArmedForces", "ArmedGroup", "InternationalOrganization",
    "Organization", "Person", "Place", "Region", "Settlement", "MilitaryBase", "Event", "Attack",
    "Coup", "Withdrawal", "Deployment", "Agreement", "Partnership", "CasualtyCount", "Document",
]
CONTRACT_OBJECT_PROPERTIES = [
    "locatedIn", "governs", "leaderOf", "armedForcesOf", "affiliatedWith", "activeIn", "operatedBy",
    "memberOf", "occurredAt", "perpetrator", "target", "participant", "casualties", "casualtyType",
    "victimCategory", "victim", "partner", "status", "mentionedIn",
]
CONTRACT_DATATYPE_PROPERTIES = ["date", "count", "isMinimum", "evidence", "confidence"]
EXTENSION_PROPERTIES = {"statedStatus": OWL.ObjectProperty, "textHash": OWL.DatatypeProperty}
INDIVIDUALS = {
    "CasualtyType": ["Killed", "Wounded", "Missing", "Abducted"],
    "VictimCategory": ["Soldiers", "Civilians", "Militants", "Unspecified"],
    "PartnershipStatus": ["Active", "Ended"],
}
# CONTRACT section 2 "from -> to" (None: no single class, see the term's comment)
DOMAIN_RANGE = {
    "locatedIn": ("Place", "Place"),
    "governs": ("Actor", "State"),
    "leaderOf": ("Person", "Actor"),
    "armedForcesOf": ("ArmedForces", "State"),
    "affiliatedWith": ("ArmedGroup", "ArmedGroup"),
    "activeIn": ("Actor", "Place"),
    "operatedBy": ("MilitaryBase", "Actor"),
    "memberOf": ("State", "InternationalOrganization"),
    "occurredAt": ("Event", "Place"),
    "perpetrator": ("Event", "Actor"),
    "target": ("Event", "Actor"),
    "participant": ("Event", "Actor"),
    "casualties": ("Event", "CasualtyCount"),
    "casualtyType": ("CasualtyCount", "CasualtyType"),
    "victimCategory": ("CasualtyCount", "VictimCategory"),
    "victim": ("CasualtyCount", "Actor"),
    "partner": ("Partnership", "Actor"),
    "status": ("Partnership", "PartnershipStatus"),
    "statedStatus": ("PartnershipClaim", "PartnershipStatus"),
    "mentionedIn": (None, "Document"),
}
DATATYPE_RANGES = {
    "count": XSD.nonNegativeInteger,
    "isMinimum": XSD.boolean,
    "evidence": XSD.string,
    "textHash": XSD.string,
}
# predicates whose objects are alignment targets
ALIGNMENT_PREDICATES = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass,
                        OWL.equivalentProperty, OWL.inverseOf, SKOS.closeMatch, SKOS.exactMatch,
                        SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch, RDFS.seeAlso)


@pytest.fixture(scope="module")
def g() -> Graph:
    return ontology.load_ontology()


@pytest.fixture(scope="module")
def vendor() -> Graph:
    return ontology.load_vendor()


def english(g: Graph, s: URIRef, p: URIRef) -> list[Literal]:
    return [o for o in g.objects(s, p) if isinstance(o, Literal) and o.language == "en" and str(o).strip()]


def supers(g: Graph, cls: URIRef) -> set[URIRef]:
    return set(g.transitive_objects(cls, RDFS.subClassOf))


def union_members(g: Graph, node) -> set:
    lst = g.value(node, OWL.unionOf)
    return set(Collection(g, lst)) if lst is not None else set()


# --- the file ----------------------------------------------------------------------------------------

def test_paths_and_cache():
    assert ontology.ONTOLOGY_PATH == REPO / "ontology" / "conflict-kg.ttl"
    assert ontology.ONTOLOGY_PATH.is_file()
    assert ontology.VENDOR_DIR.is_dir()
    assert ontology.load_ontology() is ontology.load_ontology()


def test_ontology_header(g):
    onto = URIRef(ontology.ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in g
    assert english(g, onto, DCTERMS.title)
    assert english(g, onto, DCTERMS.description)
    assert g.value(onto, OWL.versionInfo) == Literal("0.1.0")
    assert g.value(onto, DCTERMS.license) is not None
    assert not list(g.objects(None, OWL.imports)), "nothing is imported (or fetched)"
    assert g.namespace_manager.store.namespace("ckg") == URIRef(str(CKG))


# --- CONTRACT section 2 ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", CONTRACT_CLASSES + list(INDIVIDUALS))
def test_class(g, name):
    term = CKG[name]
    assert (term, RDF.type, OWL.Class) in g
    assert len(english(g, term, RDFS.label)) == 1, "exactly one English label"
    assert english(g, term, RDFS.comment)


@pytest.mark.parametrize("name", CONTRACT_OBJECT_PROPERTIES + CONTRACT_DATATYPE_PROPERTIES + list(EXTENSION_PROPERTIES))
def test_property(g, name):
    term = CKG[name]
    kind = (OWL.ObjectProperty if name in CONTRACT_OBJECT_PROPERTIES
            else OWL.DatatypeProperty if name in CONTRACT_DATATYPE_PROPERTIES
            else EXTENSION_PROPERTIES[name])
    assert (term, RDF.type, kind) in g
    assert len(english(g, term, RDFS.label)) == 1
    assert english(g, term, RDFS.comment)


@pytest.mark.parametrize("cls,names", INDIVIDUALS.items())
def test_individuals(g, cls, names):
    for name in names:
        ind = CKG[name]
        assert (ind, RDF.type, OWL.NamedIndividual) in g
        assert (ind, RDF.type, CKG[cls]) in g
        assert len(english(g, ind, RDFS.label)) == 1
        assert english(g, ind, RDFS.comment)
    # the enumeration is closed
    closed = [e for e in g.objects(CKG[cls], OWL.equivalentClass) if g.value(e, OWL.oneOf) is not None]
    assert len(closed) == 1
    assert list(Collection(g, g.value(closed[0], OWL.oneOf))) == [CKG[n] for n in names]


def test_namespaces_constants_are_declared(g):
    for name in ENTITY_TYPES + ACTOR_TYPES + PLACE_TYPES + EVENT_TYPES:
        assert (CKG[name], RDF.type, OWL.Class) in g, name
    for name in CASUALTY_TYPES + VICTIM_CATEGORIES:
        assert (CKG[name], RDF.type, OWL.NamedIndividual) in g, name
    for name in RELATION_PROPERTIES:
        assert (CKG[name], RDF.type, OWL.ObjectProperty) in g, name


# --- hierarchy, domains, ranges ----------------------------------------------------------------------

def test_hierarchy(g):
    assert {CKG.Actor, CKG.Place} <= supers(g, CKG.State)
    for name in ("MilitaryJunta", "ArmedForces", "ArmedGroup", "InternationalOrganization", "Organization", "Person"):
        assert CKG.Actor in supers(g, CKG[name]), name
        assert CKG.Place not in supers(g, CKG[name]), name
    for name in ("Region", "Settlement", "MilitaryBase"):
        assert CKG.Place in supers(g, CKG[name]), name
        assert CKG.Actor not in supers(g, CKG[name]), name
    for name in ("Attack", "Coup", "Withdrawal", "Deployment", "Agreement"):
        assert CKG.Event in supers(g, CKG[name]), name
    for name in ("Document", "Partnership", "CasualtyCount", "Event", "Actor", "Place"):
        assert not {CKG.Actor, CKG.Place, CKG.Event} & (supers(g, CKG[name]) - {CKG[name]}), name
    # the evaluated types of kg.namespaces agree
    for name in ACTOR_TYPES:
        assert CKG.Actor in supers(g, CKG[name])
    for name in PLACE_TYPES:
        assert CKG.Place in supers(g, CKG[name])


def test_located_in_is_transitive(g):
    assert (CKG.locatedIn, RDF.type, OWL.TransitiveProperty) in g


@pytest.mark.parametrize("name,dr", DOMAIN_RANGE.items())
def test_object_property_domain_range(g, name, dr):
    domain, range_ = dr
    if domain is None:
        assert g.value(CKG[name], RDFS.domain) is None
    else:
        assert list(g.objects(CKG[name], RDFS.domain)) == [CKG[domain]]
    assert list(g.objects(CKG[name], RDFS.range)) == [CKG[range_]]


def test_datatype_ranges(g):
    for name, dt in DATATYPE_RANGES.items():
        assert list(g.objects(CKG[name], RDFS.range)) == [dt], name
    assert g.value(CKG.textHash, RDFS.domain) == CKG.Document


def test_date_range_is_a_union_of_date_types(g):
    rng = g.value(CKG.date, RDFS.range)
    assert (rng, RDF.type, RDFS.Datatype) in g
    members = set()
    for node in [rng, *g.objects(rng, OWL.equivalentClass)]:
        members |= union_members(g, node)
    assert members == {XSD.date, XSD.gYearMonth, XSD.gYear}


def test_union_domains(g):
    for name in ("date", "evidence"):
        domain = g.value(CKG[name], RDFS.domain)
        assert isinstance(domain, BNode)
        assert union_members(g, domain) == {CKG.Event, CKG.Partnership}
    # confidence spans events, partnerships and entities: no domain, said in the comment
    assert g.value(CKG.confidence, RDFS.domain) is None
    assert "domain" in str(english(g, CKG.confidence, RDFS.comment)[0])
    rng = g.value(CKG.confidence, RDFS.range)
    restricted = [e for e in g.objects(rng, OWL.equivalentClass) if g.value(e, OWL.onDatatype) == XSD.decimal]
    assert restricted


def test_partnership_has_exactly_two_partners(g):
    restrictions = [r for r in g.objects(CKG.Partnership, RDFS.subClassOf)
                    if g.value(r, OWL.onProperty) == CKG.partner]
    assert len(restrictions) == 1
    assert int(g.value(restrictions[0], OWL.qualifiedCardinality)) == 2


# --- alignments and vendored vocabularies ------------------------------------------------------------

def test_expected_alignments(g):
    SCHEMA = Namespace("https://schema.org/")
    SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
    PROV = Namespace("http://www.w3.org/ns/prov#")
    WDT = Namespace("http://www.wikidata.org/prop/direct/")
    expected_sub = [
        (CKG.Event, SCHEMA.Event), (CKG.Event, SEM.Event), (CKG.Actor, SEM.Actor),
        (CKG.Place, SEM.Place), (CKG.Place, SCHEMA.Place), (CKG.Document, SCHEMA.NewsArticle),
        (CKG.Document, PROV.Entity), (CKG.MilitaryBase, SCHEMA.DefenceEstablishment),
        (CKG.Person, SCHEMA.Person), (CKG.State, SCHEMA.Country), (CKG.Region, SCHEMA.AdministrativeArea),
        (CKG.Organization, SCHEMA.Organization),
    ]
    for s, o in expected_sub:
        assert (s, RDFS.subClassOf, o) in g, (s, o)
    for s, o in [(CKG.occurredAt, SEM.hasPlace), (CKG.occurredAt, SCHEMA.location), (CKG.occurredAt, WDT.P276),
                 (CKG.participant, SEM.hasActor), (CKG.participant, WDT.P710), (CKG.date, SEM.hasTimeStamp),
                 (CKG.memberOf, WDT.P463), (CKG.mentionedIn, PROV.wasDerivedFrom)]:
        assert (s, RDFS.subPropertyOf, o) in g, (s, o)
    # number-valued Wikidata properties are not super-properties of the n-ary casualty link
    assert (CKG.casualties, SKOS.closeMatch, WDT.P1120) in g
    assert not any(str(o).startswith(str(WDT)) and o in (WDT.P1120, WDT.P1339)
                   for o in g.objects(None, RDFS.subPropertyOf))
    assert (CKG.leaderOf, RDFS.seeAlso, WDT.P35) in g


def test_alignment_targets_are_vendored(g, vendor):
    targets = {o for p in ALIGNMENT_PREDICATES for o in g.objects(None, p)
               if isinstance(o, URIRef) and not o.startswith(str(CKG)) and not str(o).startswith(W3C_CORE)}
    assert len(targets) > 30
    missing = sorted(t for t in targets if (t, RDF.type, None) not in vendor or (t, RDFS.label, None) not in vendor)
    assert not missing, f"declare these in ontology/vendor/: {missing}"


def test_every_external_term_is_vendored(g, vendor):
    """Every external IRI the ontology uses (as a predicate, class or alignment) is in vendor/."""
    skip_objects_of = {DCTERMS.license, OWL.versionIRI}
    used = set()
    for s, p, o in g:
        used.add(p)
        for node in (s, o):
            if isinstance(node, URIRef) and not (node is o and p in skip_objects_of):
                used.add(node)
    external = {u for u in used if not u.startswith(str(CKG)) and not str(u).startswith(W3C_CORE)
                and u != URIRef(ontology.ONTOLOGY_IRI)}
    missing = sorted(u for u in external if (u, RDF.type, None) not in vendor)
    assert not missing, f"declare these in ontology/vendor/: {missing}"


def test_vendor_files_are_documented():
    readme = (ontology.VENDOR_DIR / "README.md").read_text(encoding="utf-8")
    files = sorted(p.name for p in ontology.VENDOR_DIR.glob("*.ttl"))
    assert len(files) >= 5
    for name in files:
        assert name in readme, name
        text = (ontology.VENDOR_DIR / name).read_text(encoding="utf-8")
        assert "EXCERPT" in text[:400], f"{name} must say it is an excerpt"
    assert "fetched" in readme


# --- no undeclared ckg: terms ------------------------------------------------------------------------

def declared_ckg_terms(g: Graph) -> set[str]:
    return {str(s)[len(str(CKG)):] for s in g.subjects(RDF.type, None)
            if isinstance(s, URIRef) and s.startswith(str(CKG))}


def test_every_ckg_term_in_the_ontology_is_declared(g):
    declared = declared_ckg_terms(g)
    used = {str(n)[len(str(CKG)):] for t in g for n in t if isinstance(n, URIRef) and n.startswith(str(CKG))}
    assert used - declared == set()
    for name in declared:
        term = CKG[name]
        assert len(english(g, term, RDFS.label)) == 1, name
        assert english(g, term, RDFS.comment), name
        assert g.value(term, RDFS.isDefinedBy) == URIRef(ontology.ONTOLOGY_IRI), name
    # ckg: names in comments refer to real terms too
    for lit in g.objects(None, RDFS.comment):
        for name in re.findall(r"\bckg:([A-Za-z_]\w*)", str(lit)):
            assert name in declared, (name, str(lit)[:80])


def test_no_undeclared_ckg_terms_in_the_project(g):
    """ckg: terms written in code, shapes and docs exist in the ontology."""
    declared = declared_ckg_terms(g)
    patterns = [re.compile(r"\bckg:([A-Za-z_]\w*)"),
                re.compile(r"\bCKG\.([A-Za-z_]\w*)"),
                re.compile(r"\bCKG\[\s*[\"']([A-Za-z_]\w*)[\"']\s*\]"),
                re.compile(r"https://w3id\.org/conflict-kg/ontology#([A-Za-z_]\w*)")]
    files = [p for d in ("kg", "api", "shapes", "docs", "samples", "tests") if (REPO / d).is_dir()
             for p in (REPO / d).rglob("*")
             if p.suffix in {".py", ".ttl", ".md", ".rq", ".trig", ".nq", ".nt", ".jsonld"} and p.is_file()
             # fixtures that use unknown terms on purpose, to show the shapes catch them
             and "invalid" not in p.relative_to(REPO).parts]
    problems = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern in patterns:
            for m in pattern.finditer(text):
                if m.group(1) not in declared:
                    line = text.count("\n", 0, m.start()) + 1
                    problems.append(f"{path.relative_to(REPO)}:{line}: ckg:{m.group(1)}")
    assert not problems, "undeclared ckg: terms:\n" + "\n".join(sorted(set(problems)))


# --- reasoning ---------------------------------------------------------------------------------------

SAMPLE = """
@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
ex:tera a ckg:Settlement ; rdfs:label "Tera" ; ckg:locatedIn ex:tillaberi .
ex:tillaberi a ckg:Region ; rdfs:label "Tillaberi" ; ckg:locatedIn ex:niger .
ex:niger a ckg:State ; rdfs:label "Niger" ; ckg:confidence 0.95 .
ex:army a ckg:ArmedForces ; rdfs:label "Nigerien army" ; ckg:armedForcesOf ex:niger .
ex:attack a ckg:Attack ; ckg:occurredAt ex:tera ; ckg:target ex:army ;
    ckg:date "2024-06"^^xsd:gYearMonth ; ckg:evidence "..." ; ckg:casualties ex:c1 .
ex:c1 a ckg:CasualtyCount ; ckg:casualtyType ckg:Killed ; ckg:count "15"^^xsd:nonNegativeInteger ;
    ckg:isMinimum true ; ckg:victimCategory ckg:Soldiers ; ckg:victim ex:army .
"""


def test_shacl_with_rdfs_inference_sees_subclasses(g):
    import pyshacl

    shapes = Graph()
    shapes.add((EX.PlaceShape, RDF.type, SH.NodeShape))
    shapes.add((EX.PlaceShape, SH.targetClass, CKG.Place))
    shapes.add((EX.PlaceShape, SH.property, EX.placeName))
    shapes.add((EX.placeName, SH.path, RDFS.label))
    shapes.add((EX.placeName, SH.minCount, Literal(1)))
    shapes.add((EX.ActorShape, RDF.type, SH.NodeShape))
    shapes.add((EX.ActorShape, SH.targetClass, CKG.Actor))
    shapes.add((EX.ActorShape, SH.property, EX.actorName))
    shapes.add((EX.actorName, SH.path, RDFS.label))
    shapes.add((EX.actorName, SH.minCount, Literal(1)))

    data = Graph().parse(data=SAMPLE, format="turtle")
    conforms, _, _ = pyshacl.validate(data, shacl_graph=shapes, ont_graph=g, inference="rdfs")
    assert conforms

    unnamed = Graph().parse(data="""@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
        <http://example.org/x> a ckg:Settlement . <http://example.org/y> a ckg:State .""", format="turtle")
    conforms, report, _ = pyshacl.validate(unnamed, shacl_graph=shapes, ont_graph=g, inference="rdfs")
    assert not conforms
    focus = {(f, s) for r in report.subjects(RDF.type, SH.ValidationResult)
             for f in report.objects(r, SH.focusNode) for s in report.objects(r, SH.sourceShape)}
    assert (EX.x, EX.placeName) in focus  # a Settlement is a Place
    assert (EX.y, EX.placeName) in focus and (EX.y, EX.actorName) in focus  # a State is both
    assert (EX.x, EX.actorName) not in focus

    # without the ontology a Settlement is not a Place
    _, report2, _ = pyshacl.validate(unnamed, shacl_graph=shapes, inference="none")
    assert EX.x not in set(report2.objects(None, SH.focusNode))


def _owlrl(data: str) -> Graph:
    import owlrl

    graph = Graph()
    graph += ontology.load_ontology()
    graph.parse(data=data, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


def owlrl_errors(graph: Graph) -> list[str]:
    err = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
    return [str(m) for m in graph.objects(None, err.error)]


def test_owl_rl_consistent_and_entails(g):
    closed = _owlrl(SAMPLE)
    assert owlrl_errors(closed) == []
    assert (EX.tera, CKG.locatedIn, EX.niger) in closed  # transitivity
    assert (EX.tera, RDF.type, CKG.Place) in closed
    assert (EX.niger, RDF.type, CKG.Actor) in closed
    assert (EX.attack, RDF.type, CKG.Event) in closed


def test_owl_rl_detects_disjoint_misuse():
    closed = _owlrl("""@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
        <http://example.org/x> a ckg:Settlement, ckg:ArmedGroup .""")
    assert owlrl_errors(closed)


# --- loading into a store ----------------------------------------------------------------------------

def test_load_into_store_named_graph_idempotent(g):
    store = ox.Store()
    n = ontology.load_into(store)
    assert n == len(g)
    assert ontology.load_into(store) == n  # reloading replaces, no duplicated blank nodes
    graph = ox.NamedNode(ONTOLOGY_GRAPH)
    assert store.contains_named_graph(graph)
    assert len(list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))) == 0
    ask = f"""PREFIX ckg: <{CKG}> PREFIX rdfs: <{RDFS}>
        ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ckg:Settlement rdfs:subClassOf+ ckg:Place .
                                          ckg:State rdfs:subClassOf ckg:Actor }} }}"""
    assert store.query(ask)


def test_ontology_nquads():
    text = ontology.ontology_nquads()
    quads = list(ox.parse(input=text, format=ox.RdfFormat.N_QUADS))
    assert len(quads) == len(ontology.load_ontology())
    assert {q.graph_name for q in quads} == {ox.NamedNode(ONTOLOGY_GRAPH)}
