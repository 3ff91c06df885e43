"""Mapping an :class:`~kg.model.Extraction` onto the ontology (docs/rdf-layout.md).

Two steps. :func:`document_graph` is the article's own reading, every node as the
article describes it (what the SHACL gate checks). :func:`stored_graph` turns the
part that passed the gate into what the document's named graph holds: the
document, one claim node per thing the article says (entity mention, event report,
partnership claim, reified relation) and ``ckg:mentionedIn`` links; the corpus-level
description of each thing is kept in the corpus graphs by :mod:`kg.derive`.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from kg import geo
from kg.ids import document_key, iri, stable_hash, text_hash
from kg.model import Article, Event, Extraction
from kg.namespaces import CKG, CKGR, ENTITY_TYPES, EVENT_TYPES, PREFIXES, RELATION_PROPERTIES, SCHEMA, WD


def date_literal(value: str) -> Literal:
    """'2024' -> gYear, '2024-06' -> gYearMonth, '2024-06-11' -> date."""
    datatype = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(value), XSD.date)
    return Literal(value, datatype=datatype)


def confidence(value: float) -> Literal:
    return Literal(f"{min(max(value, 0.0), 1.0):.2f}", datatype=XSD.decimal)


def new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


def event_key(doc_key: str, event: Event) -> str:
    return "event/" + stable_hash(doc_key, event.type, event.place, event.date, event.evidence,
                                  sorted(event.participants + event.targets + event.perpetrators))


def document_graph(article: Article, extraction: Extraction) -> tuple[URIRef, Graph]:
    """The document's IRI and the triples of its named graph."""
    doc_key = document_key(article)
    doc = iri(doc_key)
    g = new_graph()
    g.add((doc, RDF.type, CKG.Document))
    g.add((doc, RDF.type, SCHEMA.NewsArticle))
    g.add((doc, CKG.textHash, Literal(text_hash(article.text))))
    if article.title:
        g.add((doc, SCHEMA.headline, Literal(article.title)))
    if article.published:
        g.add((doc, SCHEMA.datePublished, Literal(article.published, datatype=XSD.date)))
    if article.url:
        g.add((doc, SCHEMA.url, Literal(article.url, datatype=XSD.anyURI)))
    if article.source:
        g.add((doc, SCHEMA.publisher, Literal(article.source)))
    if article.id:
        g.add((doc, SCHEMA.identifier, Literal(article.id)))

    for entity in extraction.entities.values():
        node = iri(entity.key)
        g.add((node, RDF.type, CKG[entity.type]))
        g.add((node, RDFS.label, Literal(entity.label)))
        for alias in sorted(entity.aliases - {entity.label}):
            g.add((node, SKOS.altLabel, Literal(alias)))
        if entity.wikidata:
            g.add((node, OWL.sameAs, WD[entity.wikidata]))
        g.add((node, CKG.confidence, confidence(entity.confidence)))
        g.add((node, CKG.mentionedIn, doc))
        geo.add_place(g, node, entity)

    for event in extraction.events:
        key = event_key(doc_key, event)
        node = iri(key)
        g.add((node, RDF.type, CKG[event.type]))
        if event.place:
            g.add((node, CKG.occurredAt, iri(event.place)))
        if event.date:
            g.add((node, CKG.date, date_literal(event.date)))
        for prop, actors in (("perpetrator", event.perpetrators), ("target", event.targets),
                             ("participant", event.participants)):
            for actor in actors:
                g.add((node, CKG[prop], iri(actor)))
        for casualty in event.casualties:
            cnode = iri("casualty/" + stable_hash(key, casualty.type, casualty.count,
                                                  casualty.category, casualty.minimum))
            g.add((node, CKG.casualties, cnode))
            g.add((cnode, RDF.type, CKG.CasualtyCount))
            g.add((cnode, CKG.casualtyType, CKG[casualty.type]))
            g.add((cnode, CKG["count"], Literal(casualty.count, datatype=XSD.nonNegativeInteger)))
            g.add((cnode, CKG.isMinimum, Literal(casualty.minimum)))
            g.add((cnode, CKG.victimCategory, CKG[casualty.category]))
            if casualty.victim:
                g.add((cnode, CKG.victim, iri(casualty.victim)))
            g.add((cnode, CKG.mentionedIn, doc))
        g.add((node, CKG.evidence, Literal(event.evidence)))
        g.add((node, CKG.confidence, confidence(event.confidence)))
        g.add((node, CKG.mentionedIn, doc))
        geo.add_event(g, node, event)

    for partnership in extraction.partnerships:
        a, b = sorted(partnership.partners)
        node = iri("partnership/" + stable_hash(doc_key, a, b))
        g.add((node, RDF.type, CKG.Partnership))
        g.add((node, CKG.partner, iri(a)))
        g.add((node, CKG.partner, iri(b)))
        g.add((node, CKG.statedStatus, CKG[partnership.status]))
        when = partnership.date or article.published
        if when:
            g.add((node, CKG.date, date_literal(when)))
            if not partnership.date:
                g.add((node, CKG.datedByPublication, Literal(True)))
        for prop in ("since", "until"):  # dates the text gives, where the extractor reads them
            value = getattr(partnership, prop, None)
            if value:
                g.add((node, CKG[prop], date_literal(value)))
        g.add((node, CKG.evidence, Literal(partnership.evidence)))
        g.add((node, CKG.confidence, confidence(partnership.confidence)))
        g.add((node, CKG.mentionedIn, doc))

    for relation in extraction.relations:
        s, p, o = iri(relation.s), CKG[relation.p], iri(relation.o)
        g.add((s, p, o))
        # the statement reified (RDF's own vocabulary), so it can carry how sure we are and why
        node = iri("statement/" + stable_hash(doc_key, relation.s, relation.p, relation.o))
        g.add((node, RDF.type, RDF.Statement))
        g.add((node, RDF.subject, s))
        g.add((node, RDF.predicate, p))
        g.add((node, RDF.object, o))
        if relation.evidence:
            g.add((node, CKG.evidence, Literal(relation.evidence)))
        g.add((node, CKG.confidence, confidence(relation.confidence)))
        g.add((node, CKG.mentionedIn, doc))
    return doc, g


# ------------------------------------------------------------------ stored layout
_ENTITY_CLASSES = frozenset(CKG[t] for t in ENTITY_TYPES + ("Actor", "Place"))
_EVENT_CLASSES = frozenset(CKG[t] for t in EVENT_TYPES + ("Event",))
_RELATIONS = frozenset(CKG[p] for p in RELATION_PROPERTIES)
#: what an entity mention says about its entity: view predicate -> mention predicate
_MENTION_PREDICATES: dict[Node, URIRef] = {RDF.type: CKG.statedType, RDFS.label: CKG.statedLabel,
                                            SKOS.altLabel: CKG.statedAltLabel, OWL.sameAs: CKG.statedSameAs}


def partnership_key(a: str, b: str) -> str:
    """The corpus-level partnership of two entity keys (either order), no document in it."""
    a, b = sorted((a, b))
    return "partnership/" + stable_hash(a, b)


def _key_iri(node: Node, kind: str) -> URIRef:
    """``ckgr:event/3f2a`` -> ``ckgr:report/3f2a``: the claim node keeps its view node's hash."""
    return iri(kind + "/" + str(node).rsplit("/", 1)[-1])


def stored_graph(view: Graph) -> Graph:
    """What a document's named graph holds, from the article's reading (:func:`document_graph`,
    after the gate): see docs/rdf-layout.md, "A document's graph"."""
    doc = next(view.subjects(RDF.type, CKG.Document), None)
    g = new_graph()
    if doc is None:
        return g
    doc_key = str(doc)[len(str(CKGR)):]
    types: dict = {}
    for s, o in view.subject_objects(RDF.type):
        types.setdefault(s, set()).add(o)
    casualty_nodes = set(view.objects(None, CKG.casualties))
    for s in set(view.subjects()):
        kinds = types.get(s, set())
        if s == doc:
            for p, o in view.predicate_objects(s):
                g.add((s, p, o))
        elif kinds & _EVENT_CLASSES:
            report = _key_iri(s, "report")
            g.add((report, RDF.type, CKG.EventReport))
            for p, o in view.predicate_objects(s):
                if p == RDF.type:
                    g.add((report, CKG.eventType, o))
                else:
                    g.add((report, p, o))
        elif s in casualty_nodes:
            for p, o in view.predicate_objects(s):
                g.add((s, p, CKG.ReportedCount if p == RDF.type and o == CKG.CasualtyCount else o))
        elif CKG.Partnership in kinds:
            partners = sorted(str(o)[len(str(CKGR)):] for o in view.objects(s, CKG.partner))
            if len(partners) != 2:
                continue
            claim = _key_iri(s, "claim")
            partnership = iri(partnership_key(*partners))
            g.add((claim, RDF.type, CKG.PartnershipClaim))
            g.add((claim, CKG.claimOf, partnership))
            g.add((partnership, CKG.mentionedIn, doc))
            for p, o in view.predicate_objects(s):
                if p != RDF.type:
                    g.add((claim, CKG.statedPartner if p == CKG.partner else p, o))
        elif kinds & _ENTITY_CLASSES:
            mention = iri("mention/" + stable_hash(doc_key, s))
            g.add((mention, RDF.type, CKG.EntityMention))
            g.add((mention, CKG.mentionOf, s))
            g.add((s, CKG.mentionedIn, doc))
            for p, o in view.predicate_objects(s):
                if p not in _RELATIONS:
                    g.add((mention, _MENTION_PREDICATES.get(p, p), o))
        else:
            for p, o in view.predicate_objects(s):
                if p not in _RELATIONS:  # relation triples live in the corpus graph
                    g.add((s, p, o))
    return g
