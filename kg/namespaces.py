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
#: named graph holding facts derived from the whole corpus (partnership status, merged labels)
DERIVED_GRAPH = "https://w3id.org/conflict-kg/graph/derived"
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
