"""The JSON shapes of the REST API (:mod:`api.rest`), split by role.

Ids are instance keys, the path of an IRI below ``https://w3id.org/conflict-kg/id/``
(``state/niger``, ``event/3f2a…``); a document's id is the last part of its key
(``dev-000``). Types are local names of the ConflictKG ontology (``State``, ``Attack``).
"""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list: ``items`` are ``total`` results skipped by ``offset``, at most ``limit``."""

    items: list[T]
    total: int = Field(description="how many items match, over all pages")
    limit: int
    offset: int


# --- references --------------------------------------------------------------------------

class EntityRef(BaseModel):
    """An entity named from somewhere else."""

    id: str = Field(examples=["state/niger"])
    label: str | None = Field(None, examples=["Niger"])


class DocumentRef(BaseModel):
    id: str = Field(examples=["dev-000"])
    headline: str | None = None
    published: str | None = Field(None, examples=["2024-07-24"])
    publisher: str | None = Field(None, examples=["msn.com"])


# --- entities ----------------------------------------------------------------------------

class EntitySummary(BaseModel):
    id: str = Field(examples=["state/niger"])
    iri: str = Field(examples=["https://w3id.org/conflict-kg/id/state/niger"])
    types: list[str] = Field(examples=[["State"]])
    label: str | None = Field(None, examples=["Niger"])
    wikidata: str | None = Field(None, examples=["Q1032"])


class RelationOut(BaseModel):
    """A plain relation between two entities (``ckg:locatedIn``, ``ckg:memberOf``, …)."""

    property: str = Field(examples=["memberOf"])
    entity: EntityRef


class EntityEventRef(BaseModel):
    """An event an entity takes part in, and in which roles."""

    id: str
    type: str = Field(examples=["Attack"])
    date: str | None = None
    place: EntityRef | None = None
    roles: list[Literal["perpetrator", "target", "participant", "place"]]


class EntityPartnershipRef(BaseModel):
    partner: EntityRef
    status: Literal["Active", "Ended"] | None = None


class EntityDetail(EntitySummary):
    labels: list[str] = Field(description="every rdfs:label (normally exactly one)")
    alt_labels: list[str] = Field(description="skos:altLabel: other names met in the text")
    relations_out: list[RelationOut]
    relations_in: list[RelationOut]
    events: list[EntityEventRef] = Field(description="the latest events (at most 50), in date order")
    events_total: int = Field(0, description="how many events the entity takes part in or hosts")
    partnerships: list[EntityPartnershipRef] = Field(
        description="at most 50, the active first (all of them: /partnerships?actor=…)")
    documents: list[DocumentRef] = Field(description="the latest documents mentioning it (at most 20)")
    documents_total: int = Field(0, description="how many documents mention it")


# --- events ------------------------------------------------------------------------------

class CasualtyOut(BaseModel):
    type: str | None = Field(None, examples=["Killed"])
    count: int | None = Field(None, examples=[15], description="the most conservative figure the sources give")
    count_high: int | None = Field(None, description="the highest figure, where the sources differ")
    category: str | None = Field(None, examples=["Soldiers"])
    minimum: bool = Field(False, description="true for 'at least 15', 'more than 100'")
    victim: EntityRef | None = None


class EventRoles(BaseModel):
    perpetrators: list[EntityRef] = []
    targets: list[EntityRef] = []
    participants: list[EntityRef] = []


class EventOut(BaseModel):
    id: str = Field(examples=["event/fe91ef53f694cfdd"])
    iri: str
    type: str = Field(examples=["Attack"])
    place: EntityRef | None = None
    date: str | None = Field(None, examples=["2024-06"], description="a year, year-month or date")
    roles: EventRoles
    casualties: list[CasualtyOut]
    evidence: list[str] = Field(description="sentences of the sources (at most two)")
    confidence: float | None = None
    documents: list[DocumentRef] = Field(description="sources: the first and the last by id (at most two)")
    sources: int = Field(0, description="how many articles tell the event")


# --- partnerships ------------------------------------------------------------------------

class PartnershipOut(BaseModel):
    """One unordered pair of partners, merged over every article that mentions it."""

    partners: list[EntityRef] = Field(min_length=2, max_length=2)
    status: Literal["Active", "Ended"] | None = Field(
        None, description="as of the latest claim about the pair (by the date the text gives)")
    since: str | None = Field(None, description="ckg:since: when the texts say it began")
    until: str | None = Field(None, description="ckg:until: when the texts say it ended")
    evidence: list[str] = Field(description="the sentences of the latest claims about the pair")
    documents: list[DocumentRef] = Field(description="the documents of the latest claims")
    dates: list[str] = Field(description="the first and the last date the pair was spoken of")
    claims: int = Field(0, description="how many claims (one per article) the pair has")
    confidence: float | None = Field(None, description="the highest confidence of the latest claims")
    nodes: list[str] = Field(description="the id of the pair's ckg:Partnership node")


# --- documents ---------------------------------------------------------------------------

class DocumentSummary(BaseModel):
    id: str = Field(examples=["dev-000"])
    iri: str
    headline: str | None = None
    published: str | None = None
    url: str | None = None
    publisher: str | None = None


class DocumentCounts(BaseModel):
    entities: int
    events: int
    partnerships: int
    triples: int


class QuarantinedTriple(BaseModel):
    predicate: str
    object: str


class QuarantinedItem(BaseModel):
    """What the SHACL gate kept out of a document's graph for one node, and why."""

    subject: str
    triples: list[QuarantinedTriple]
    messages: list[str] = Field(description="sh:resultMessage of the validation results about it")


class DocumentDetail(DocumentSummary):
    counts: DocumentCounts
    quarantined: list[QuarantinedItem]


# --- writes ------------------------------------------------------------------------------

class ArticleIn(BaseModel):
    """An article to ingest (CONTRACT section 4); only ``text`` is required."""

    text: str = Field(min_length=1, pattern=r"\S", description="the article text; not empty or blank")
    title: str | None = None
    published: str | None = Field(None, examples=["2024-07-24"], description="ISO date",
                                  json_schema_extra={"format": "date"})
    url: str | None = Field(None, pattern=r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s\x00-\x20\x7f]+$",
                            description="an http(s) URL")
    source: str | None = Field(None, description="the publisher")
    id: str | None = Field(None, description="the article's id; it names the document")


class IngestCounts(BaseModel):
    entities: int
    events: int
    partnerships: int
    relations: int
    triples: int = Field(description="triples stored in the document's graph")
    quarantined: int = Field(description="triples kept apart by the SHACL gate")


class IngestResult(BaseModel):
    status: Literal["stored", "unchanged"]
    document: str = Field(examples=["dev-000"], description="the document's id")
    iri: str
    counts: IngestCounts | None = None
    entities: list[EntitySummary] = []
    events: list[EventOut] = []
    partnerships: list[PartnershipOut] = []
    problems: list[str] = Field([], description="the SHACL violations that were quarantined")
