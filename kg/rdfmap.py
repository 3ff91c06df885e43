"""Mapping an :class:`~kg.model.Extraction` onto the ontology (docs/rdf-layout.md)."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from kg import geo
from kg.ids import document_key, iri, stable_hash, text_hash
from kg.model import Article, Event, Extraction
from kg.namespaces import CKG, PREFIXES, SCHEMA, WD


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
