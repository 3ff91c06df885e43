"""Deterministic identifiers (CONTRACT section 1).

The same real-world thing gets the same IRI in every article; events,
partnerships and casualty figures get IRIs hashed from their content and
their source, never random ones.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import URIRef

from kg.model import Article
from kg.namespaces import CKGR

_TYPE_SLUGS = {
    "State": "state",
    "MilitaryJunta": "military-junta",
    "ArmedForces": "armed-forces",
    "ArmedGroup": "armed-group",
    "InternationalOrganization": "international-organization",
    "Organization": "organization",
    "Person": "person",
    "Region": "region",
    "Settlement": "settlement",
    "MilitaryBase": "military-base",
    "Place": "place",
    "Actor": "actor",
}


def fold(text: str) -> str:
    """Strip accents: 'Tillabéri' -> 'Tillaberi'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slugify(text: str) -> str:
    """'Jama'at Nusrat al-Islam' -> 'jamaat-nusrat-al-islam'."""
    s = fold(text).lower().replace("'", "").replace("\u2019", "")
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s or "x"


def entity_key(type_: str, label: str) -> str:
    """The key of an entity of class ``type_`` named ``label``: 'state/niger'."""
    return f"{_TYPE_SLUGS.get(type_, slugify(type_))}/{slugify(label)}"


def type_slug(type_: str) -> str:
    return _TYPE_SLUGS.get(type_, slugify(type_))


def iri(key: str) -> URIRef:
    """The instance IRI of a key such as 'state/niger'."""
    return URIRef(str(CKGR) + key)


def stable_hash(*parts: object, length: int = 16) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document_key(article: Article) -> str:
    """The key of an article's document node, also its named graph.

    Two texts are one document only when their ``id`` agrees, or else their URL,
    or else their headline *and* text: an article with an id or URL whose text
    changed replaces its own graph, while two different articles under the same
    headline (wires repeat headlines) are two documents, never one overwriting
    the other. Keys of articles with an ``id`` are as they always were.
    """
    if article.id:
        return f"document/{slugify(article.id)}"
    if article.url:
        return f"document/url-{stable_hash(article.url)}"
    if article.title:
        return (f"document/{slugify(article.title)[:60]}-"
                f"{stable_hash(article.title, text_hash(article.text), length=12)}")
    return f"document/text-{stable_hash(article.text)}"
