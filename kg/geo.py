"""Coordinates of places and the geographic precision of events, in RDF.

Places carry WGS84 coordinates (``geo:lat`` / ``geo:long`` of the W3C Basic Geo
vocabulary, http://www.w3.org/2003/01/geo/wgs84_pos#) from the gazetteer
(geonames towns; regions and states at the median of their towns). Events carry
an ACLED-style ``ckg:geoPrecision``: how precisely their ``ckg:occurredAt``
locates them. :mod:`kg.rdfmap` calls :func:`add_place` once per entity node and
:func:`add_event` once per event node; :func:`precision` decides the value.
"""

from __future__ import annotations

import re
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.extract.wordlists import words
from kg.model import Entity, Event
from kg.namespaces import CKG, GEO

#: the values of ckg:geoPrecision, most precise first (ACLED's geo_precision 1, 2, 3 and country)
GEO_PRECISIONS = ("town", "near-town", "region", "country")
#: the place class of an event's ckg:occurredAt -> its precision
_BY_TYPE = {"Settlement": "town", "MilitaryBase": "town", "Region": "region", "State": "country"}


def add_place(g: Graph, node: URIRef, entity: Entity) -> None:
    """geo:lat and geo:long of a place that has coordinates."""
    if entity.lat is not None and entity.lon is not None:
        # from a Decimal, not a float: a float-valued xsd:decimal literal fails the shapes when the
        # graph is validated as it is (without a round trip through N-Triples)
        g.add((node, GEO.lat, Literal(Decimal(str(round(entity.lat, 4))), datatype=XSD.decimal)))
        g.add((node, GEO.long, Literal(Decimal(str(round(entity.lon, 4))), datatype=XSD.decimal)))


def add_event(g: Graph, node: URIRef, event: Event) -> None:
    """ckg:geoPrecision of an event that has a place."""
    if event.place and event.geo_precision in GEO_PRECISIONS:
        g.add((node, CKG.geoPrecision, Literal(event.geo_precision)))


def precision(event: Event, place: Entity | None) -> str | None:
    """How precisely ``place`` (the entity of ``event.place``) locates the event: a town named
    after "near", "outside", "km from", "the outskirts of" is "near-town"."""
    if place is None:
        return None
    value = _BY_TYPE.get(place.type)
    if value == "town" and place.type == "Settlement" and _near(event.evidence, place):
        return "near-town"
    return value


def _near(evidence: str, place: Entity) -> bool:
    names = sorted({place.label, *place.aliases}, key=len, reverse=True)
    cue = "|".join(re.escape(w) for w in sorted(words("near_words"), key=len, reverse=True))
    for name in names:
        if len(name) < 3:
            continue
        pattern = rf"\b(?:{cue})\s+(?:(?:the|a|an|\d+|[a-z-]+)\s+){{0,3}}?{re.escape(name)}\b"
        if re.search(pattern, evidence, flags=re.IGNORECASE):
            return True
    return False
