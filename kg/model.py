"""What extraction produces: plain data, mapped to RDF by :mod:`kg.rdfmap`.

Entities are referred to by their *key*, the path of their IRI below the
instance namespace (``state/niger``), so the same real-world thing gets one
node across articles.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Article:
    """One input article (CONTRACT section 4)."""

    text: str
    title: str | None = None
    published: str | None = None  # ISO date YYYY-MM-DD
    url: str | None = None
    source: str | None = None
    id: str | None = None
    origin: str = ""  # "file.jsonl:3", for messages


@dataclass
class Entity:
    key: str  # e.g. "state/niger"
    type: str  # a class local name of CONTRACT section 2, e.g. "State"
    label: str  # canonical English name
    aliases: set[str] = field(default_factory=set)
    wikidata: str | None = None  # "Q1032"
    confidence: float = 0.5
    lat: float | None = None  # WGS84 latitude of a place (kg.geo)
    lon: float | None = None  # WGS84 longitude


@dataclass
class Casualty:
    type: str  # Killed | Wounded | Missing | Abducted
    count: int
    category: str = "Unspecified"  # Soldiers | Civilians | Militants | Unspecified
    minimum: bool = False
    victim: str | None = None  # entity key


@dataclass
class Event:
    type: str  # Attack | Coup | Withdrawal | Deployment | Agreement
    evidence: str
    place: str | None = None  # entity key
    date: str | None = None  # "2024", "2024-06" or "2024-06-11"
    perpetrators: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    casualties: list[Casualty] = field(default_factory=list)
    confidence: float = 0.5
    #: how precisely ``place`` locates the event, ACLED-style (kg.geo.GEO_PRECISIONS):
    #: "town", "near-town", "region" or "country"; None without a place
    geo_precision: str | None = None


@dataclass
class Partnership:
    partners: tuple[str, str]  # two entity keys, sorted
    status: str  # Active | Ended
    evidence: str
    date: str | None = None
    confidence: float = 0.5
    #: the text's own dates of the relation, when it says them ("since 2021", "ended in 2023"):
    #: "YYYY", "YYYY-MM" or "YYYY-MM-DD"; never the publication date
    since: str | None = None
    until: str | None = None


@dataclass
class Relation:
    s: str  # entity key
    p: str  # local name in RELATION_PROPERTIES
    o: str  # entity key
    evidence: str | None = None
    confidence: float = 0.5


@dataclass
class Extraction:
    entities: dict[str, Entity] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    partnerships: list[Partnership] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


def extraction_to_data(extraction: Extraction) -> dict:
    """Plain lists and dicts (msgpack-able, for spaCy's worker processes)."""
    return {
        "entities": [{**vars(e), "aliases": sorted(e.aliases)} for e in extraction.entities.values()],
        "events": [{**vars(ev), "casualties": [vars(c) for c in ev.casualties]}
                   for ev in extraction.events],
        "partnerships": [{**vars(p), "partners": list(p.partners)} for p in extraction.partnerships],
        "relations": [vars(r) for r in extraction.relations],
    }


def extraction_from_data(data: dict) -> Extraction:
    entities = {e["key"]: Entity(**{**e, "aliases": set(e["aliases"])}) for e in data["entities"]}
    events = [Event(**{**ev, "casualties": [Casualty(**c) for c in ev["casualties"]]})
              for ev in data["events"]]
    partnerships = [Partnership(**{**p, "partners": tuple(p["partners"])}) for p in data["partnerships"]]
    relations = [Relation(**r) for r in data["relations"]]
    return Extraction(entities, events, partnerships, relations)
