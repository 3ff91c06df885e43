"""The namespaces of CONTRACT section 1 and the vocabularies we align to."""

from rdflib import Namespace
from rdflib.namespace import OWL, PROV, RDF, RDFS, SDO, SKOS, XSD

CKG = Namespace("https://w3id.org/conflict-kg/ontology#")
CKGR = Namespace("https://w3id.org/conflict-kg/id/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
SCHEMA = SDO  # https://schema.org/
#: W3C Basic Geo (WGS84 lat/long) vocabulary: coordinates of places
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")

#: named graph holding the ontology
ONTOLOGY_GRAPH = "https://w3id.org/conflict-kg/graph/ontology"
#: the derived graph of earlier versions (partnership status), no longer written: see CORPUS_GRAPHS
DERIVED_GRAPH = "https://w3id.org/conflict-kg/graph/derived"
#: the corpus-level graphs (docs/rdf-layout.md): each real-world thing described once, kept
#: current at ingest and delete for the keys an article touches
GRAPH = "https://w3id.org/conflict-kg/graph/"
ENTITIES_GRAPH = GRAPH + "entities"
PARTNERSHIPS_GRAPH = GRAPH + "partnerships"
EVENTS_GRAPH = GRAPH + "events"
RELATIONS_GRAPH = GRAPH + "relations"
PLACES_GRAPH = GRAPH + "places"
#: per relation triple of RELATIONS_GRAPH, how the articles state it (ckg:StatedRelation)
RELATION_SOURCES_GRAPH = GRAPH + "relation-sources"
CORPUS_GRAPHS = (ENTITIES_GRAPH, PARTNERSHIPS_GRAPH, EVENTS_GRAPH, RELATIONS_GRAPH, PLACES_GRAPH,
                 RELATION_SOURCES_GRAPH)
#: named graph holding triples that failed validation
QUARANTINE_GRAPH = "https://w3id.org/conflict-kg/graph/quarantine"

PREFIXES = {
    "ckg": str(CKG),
    "ckgr": str(CKGR),
    "wd": str(WD),
    "wdt": str(WDT),
    "sem": str(SEM),
    "schema": str(SCHEMA),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "skos": str(SKOS),
    "xsd": str(XSD),
    "prov": str(PROV),
    "geo": str(GEO),
}

#: the evaluated actor and place classes of CONTRACT section 2, local names
ACTOR_TYPES = ("State", "MilitaryJunta", "ArmedForces", "ArmedGroup",
               "InternationalOrganization", "Organization", "Person")
PLACE_TYPES = ("State", "Region", "Settlement", "MilitaryBase")
ENTITY_TYPES = tuple(dict.fromkeys(ACTOR_TYPES + PLACE_TYPES))
EVENT_TYPES = ("Attack", "Coup", "Withdrawal", "Deployment", "Agreement")
CASUALTY_TYPES = ("Killed", "Wounded", "Missing", "Abducted")
VICTIM_CATEGORIES = ("Soldiers", "Civilians", "Militants", "Unspecified")
RELATION_PROPERTIES = ("locatedIn", "governs", "leaderOf", "armedForcesOf", "affiliatedWith",
                       "activeIn", "operatedBy", "memberOf")
