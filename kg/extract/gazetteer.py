"""The gazetteer: known states, organisations, armed groups, regions and settlements.

``kg/data/gazetteer.jsonl`` (built by ``scripts/build_gazetteer.py``) is loaded
once per process by :func:`load_gazetteer`. The spaCy component
``ckg_gazetteer`` finds every gazetteer name and demonym in a document and
writes them to ``doc.spans["ckg_gaz"]``: ``span.label_`` is the entry class
(``"State"``, ``"ArmedGroup"``, ...) or ``"DEMONYM"``, ``span.kb_id_`` the
entry key (``"state/niger"``). When several entries share a surface form the
span carries the most likely one; :meth:`Gazetteer.by_surface` gives them all.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg import resources

GAZETTEER_PATH = resources.data_dir() / "gazetteer.jsonl"
#: every other geonames town, matched only where the syntax names a place (scripts/build_gazetteer.py)
PLACES_PATH = GAZETTEER_PATH.parent / "places.tsv.gz"
SPANS_KEY = "ckg_gaz"
DEMONYM = "DEMONYM"

#: preference among entries sharing a surface form (lower wins)
_TYPE_RANK = {"State": 0, "InternationalOrganization": 1, "ArmedGroup": 2, "Settlement": 4, "Region": 5}
#: settlements at least this big (or capitals) win a bare name over a region of the same name
_BIG_TOWN = 25000
#: designator words whose case varies in news ("Kidal region" / "Kidal Region")
_DESIGNATORS = {"region", "province", "state", "governorate", "department", "district", "county",
                "oblast", "prefecture", "city", "republic", "territory"}
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'"})


@dataclass
class GazEntry:
    """One gazetteer entry (a line of gazetteer.jsonl)."""

    key: str
    type: str
    label: str
    aliases: list[str] = field(default_factory=list)
    demonyms: list[str] = field(default_factory=list)
    wikidata: str | None = None
    country: str | None = None
    region: str | None = None
    capital: str | None = None
    member_of: list[str] = field(default_factory=list)
    affiliated_with: list[str] = field(default_factory=list)
    active_in: list[str] = field(default_factory=list)
    ambiguous: bool = False
    kind: str | None = None
    population: int | None = None
    #: people: the family name used alone on second mention, and the posts held, each
    #: {"of": key, "role": str, "from": year, "to": year or None}
    surname: str | None = None
    leader_of: list[dict] = field(default_factory=list)
    #: WGS84 coordinates (towns from geonames; regions and states at the median of their towns)
    lat: float | None = None
    lon: float | None = None
    iso2: str | None = None  # states: ISO 3166-1 alpha-2

    def posts_in(self, year: int | None) -> list[str]:
        """Keys of what this person led throughout ``year`` (a post ending that year may have
        ended before the article; a prime minister under a president does not lead the state)."""
        return [p["of"] for p in self.leader_of if p.get("head", True) and (
            year is None or (p.get("from") or 0) <= year < (p.get("to") or 9999))]

    @property
    def names(self) -> list[str]:
        """The label followed by the aliases."""
        return [self.label, *self.aliases]


_FIELDS = set(GazEntry.__dataclass_fields__)


def fold(text: str) -> str:
    """Strip accents and unify quote marks: 'N’Djaména' -> "N'Djamena"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_acronym(text: str) -> bool:
    """Acronyms and all-caps names ('US', 'JNIM', 'CSP-DPA', 'U.S.') are matched case-sensitively."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return True
    return all(c.isupper() for c in letters) or (len(letters) <= 4 and " " not in text and text != text.title())


def surface_key(text: str) -> str:
    """The normalised lookup form: accents folded; case kept for acronyms, else lower-cased."""
    t = re.sub(r"\s+", " ", fold(text)).strip()
    if t.lower().startswith("the ") and len(t) > 4:
        t = t[4:]
    return t if is_acronym(t) else t.lower()


class Gazetteer:
    """All entries, indexed by key, by surface form and by demonym."""

    def __init__(self, entries: Iterable[GazEntry]) -> None:
        self.entries: dict[str, GazEntry] = {}
        self._surface: dict[str, list[str]] = {}
        self._demonym: dict[str, str] = {}
        for e in entries:
            self.entries[e.key] = e
        for e in self.entries.values():
            for name in e.names:
                keys = self._surface.setdefault(surface_key(name), [])
                if e.key not in keys:
                    keys.append(e.key)
            for d in e.demonyms:
                self._demonym.setdefault(surface_key(d), e.key)
        for sk, keys in self._surface.items():
            keys.sort(key=lambda k: self._rank(self.entries[k], sk))

    @classmethod
    def from_jsonl(cls, path: str | Path) -> Gazetteer:
        def rows() -> Iterator[GazEntry]:
            with open(path, encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        d = json.loads(line)
                        yield GazEntry(**{k: v for k, v in d.items() if k in _FIELDS})

        return cls(rows())

    def _rank(self, e: GazEntry, sk: str) -> tuple[int, int, int, int, str]:
        type_rank = _TYPE_RANK.get(e.type, 3)
        if e.type == "Settlement" and ((e.population or 0) >= _BIG_TOWN or self.is_capital(e.key)):
            type_rank = 3
        exact = 0 if surface_key(e.label) == sk else 1
        return (type_rank, int(e.ambiguous), exact, -(e.population or 0), e.key)

    # ------------------------------------------------------------------ lookups
    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def get(self, key: str) -> GazEntry | None:
        """The entry with this key, or None."""
        return self.entries.get(key)

    def by_surface(self, text: str) -> list[GazEntry]:
        """Every entry named ``text`` (label or alias), most likely first."""
        sk = surface_key(text)
        keys = self._surface.get(sk)
        if keys is None and sk.isupper():  # 'MOGADISHU' in a dateline
            keys = self._surface.get(sk.lower())
        return [self.entries[k] for k in keys or []]

    def best(self, text: str, type_: str | None = None) -> GazEntry | None:
        """The most likely entry named ``text``, optionally of one class."""
        for e in self.by_surface(text):
            if type_ is None or e.type == type_:
                return e
        return None

    def demonym(self, text: str) -> GazEntry | None:
        """The state of a demonym: 'Nigerien' -> Niger, 'Malians' -> Mali."""
        key = self._demonym.get(surface_key(text))
        return self.entries[key] if key else None

    def state_by_key(self, key: str) -> GazEntry | None:
        """The State entry with this key, or None."""
        e = self.entries.get(key)
        return e if e is not None and e.type == "State" else None

    def capital_of(self, key: str) -> str | None:
        """The state key whose capital is the settlement ``key``, or None."""
        return self._capital_map.get(key)

    def is_capital(self, key: str) -> bool:
        """True when the settlement ``key`` is a national capital."""
        return key in self._capital_map

    @functools.cached_property
    def _capital_map(self) -> dict[str, str]:
        return {e.capital: e.key for e in self.entries.values() if e.type == "State" and e.capital}

    def country_of(self, key: str) -> str | None:
        """The state key a place or group is in: itself for a state, ``country`` for a place."""
        e = self.entries.get(key)
        if e is None:
            return None
        return e.key if e.type == "State" else e.country

    def located_in_chain(self, key: str) -> list[str]:
        """Containing places, innermost first: settlement -> region -> state."""
        chain: list[str] = []
        e = self.entries.get(key)
        while e is not None:
            nxt = e.region if e.region and e.region not in chain and e.region != e.key else e.country
            if not nxt or nxt in chain or nxt == e.key:
                break
            chain.append(nxt)
            e = self.entries.get(nxt)
        return chain

    # ------------------------------------------------------------ minor places
    @functools.cached_property
    def _minor(self) -> dict[str, list[tuple[str, str, str, float, float, int]]]:
        """surface key -> [(name, iso2, region key, lat, lon, population)], most populous first."""
        import gzip

        out: dict[str, list[tuple[str, str, str, float, float, int]]] = {}
        path = self.places_path
        if path is None or not Path(path).exists():
            return out
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                name, iso, region, lat, lon, pop = line.rstrip("\n").split("\t")
                out.setdefault(surface_key(name), []).append(
                    (name, iso, region, float(lat), float(lon), int(pop)))
        for rows in out.values():
            rows.sort(key=lambda r: -r[5])
        return out

    places_path: str | Path | None = PLACES_PATH

    @functools.cached_property
    def _iso_states(self) -> dict[str, str]:
        return {e.iso2: e.key for e in self.entries.values() if e.type == "State" and e.iso2}

    def minor_place(self, name: str, countries: Iterable[str], region: str | None = None,
                    anywhere: bool = False) -> GazEntry | None:
        """A town the main gazetteer leaves out ('Kitchanga', 'Rubaya'), in one of ``countries``
        (state keys, most likely first), preferring one in ``region``; with ``anywhere`` (the
        syntax says it is a town: "the town of X") the most populous of that name anywhere.
        The entry is added to :attr:`entries`, so its region and country chains work."""
        rows = self._minor.get(surface_key(name))
        if not rows:
            return None
        order = list(dict.fromkeys(countries))
        picked = None
        if region:
            picked = next((r for r in rows if r[2] == region), None)
        for state in order:
            if picked is None:
                picked = next((r for r in rows if self._iso_states.get(r[1]) == state), None)
        if picked is None and anywhere:
            picked = rows[0]
        if picked is None:
            return None
        country = self._iso_states.get(picked[1])
        if country is None:
            return None
        from kg.ids import entity_key

        label = picked[0]
        key = entity_key("Settlement", label)
        known = self.entries.get(key)
        if known is not None and (known.country != country or abs((known.lat or 0) - picked[3]) > 1e-6):
            label = f"{picked[0]} ({self.entries[country].label})"
            key = entity_key("Settlement", label)
            known = self.entries.get(key)
        if known is not None:
            return known
        entry = GazEntry(key=key, type="Settlement", label=label,
                         aliases=[picked[0]] if label != picked[0] else [], country=country,
                         region=picked[2] or None, population=picked[5], lat=picked[3], lon=picked[4],
                         kind="minor")
        self.entries[key] = entry
        return entry

    def of_type(self, type_: str) -> list[GazEntry]:
        """All entries of one class."""
        return [e for e in self.entries.values() if e.type == type_]

    # ---------------------------------------------------------------- patterns
    def surface_forms(self) -> dict[str, tuple[str, str]]:
        """Every text to match -> (span label, entry key). Variants included; best entry wins."""
        forms: dict[str, tuple[str, str, tuple]] = {}

        def put(text: str, label: str, key: str, rank: tuple) -> None:
            for v in _variants(text):
                old = forms.get(v)
                if old is None or rank < old[2]:
                    forms[v] = (label, key, rank)

        for e in self.entries.values():
            if e.ambiguous and e.type == "Settlement":
                continue  # 'Bush', 'Mobile', 'Reading': by_surface() still knows them
            for name in e.names:
                if e.type == "Person" and " " not in name.strip():
                    continue  # a bare surname ('Yunus' in 'Yunus-Bek Yevkurov'): only where NER sees a person
                put(name, e.type, e.key, self._rank(e, surface_key(name)))
            # datelines and headlines: 'MOGADISHU, Somalia (AP)'
            if not is_acronym(e.label) and len(e.label) > 3 and (
                    e.type == "State" or e.type == "Settlement" and
                    ((e.population or 0) >= 50000 or self.is_capital(e.key))):
                rank = self._rank(e, surface_key(e.label))
                for v in {e.label.upper(), fold(e.label).upper()}:
                    if v not in forms or rank < forms[v][2]:
                        forms[v] = (e.type, e.key, rank)
            for d in e.demonyms:
                put(d, DEMONYM, e.key, (9, 0, 0, 0, e.key))
        return {t: (lab, key) for t, (lab, key, _) in forms.items()}


def _variants(text: str) -> set[str]:
    """Case and accent variants a news text may use for one name."""
    text = re.sub(r"\s+", " ", text).strip()
    out = {text, fold(text)}
    if is_acronym(text):
        return out
    for t in list(out):
        if "'" in t:
            out.add(t.replace("'", "\u2019"))
        words = t.split(" ")
        if t[:1].islower():
            out.add(t[:1].upper() + t[1:])  # 'al-Shabaab' at a sentence start
        if len(words) > 1 and words[-1].lower() in _DESIGNATORS:
            out.add(" ".join([*words[:-1], words[-1].lower()]))
            out.add(" ".join([*words[:-1], words[-1].capitalize()]))
    return out


@functools.lru_cache(maxsize=1)
def load_gazetteer(path: str | None = None) -> Gazetteer:
    """The gazetteer, loaded once per process."""
    return Gazetteer.from_jsonl(path or GAZETTEER_PATH)


# ----------------------------------------------------------------- spaCy component
_SIMPLE = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")


@functools.lru_cache(maxsize=4)
def _tokenized_patterns(lang: str, path: str | None) -> tuple[dict[str, tuple[str, str]],
                                                             tuple[tuple[str, tuple[str, ...]], ...]]:
    """The surface forms (text -> (span label, key)) and their tokens, computed once per language.

    Plain 'Word Word' names are split on spaces (the tokenizer would do the same unless a word is
    one of its special cases); anything with punctuation goes through the real tokenizer.
    """
    import spacy

    forms = load_gazetteer(path).surface_forms()
    # spaCy's Tokenizer (its .rules, .pipe); Language types the attribute as any callable
    tokenizer: Any = spacy.blank(lang).tokenizer
    special = {k for k in tokenizer.rules or {}}
    out: list[tuple[str, tuple[str, ...]]] = []
    hard: list[str] = []
    for text in sorted(forms):
        if _SIMPLE.fullmatch(text) and not any(w in special for w in text.split(" ")):
            out.append((text, tuple(text.split(" "))))
        else:
            hard.append(text)
    for text, doc in zip(hard, tokenizer.pipe(hard, batch_size=1000), strict=True):
        out.append((text, tuple(t.text for t in doc)))
    return forms, tuple(out)


#: acronyms that are also English words when written in capitals ('AS IS', 'IT IS')
_WORDLIKE = {"IS", "US", "AS", "IT", "ON", "OR", "AN", "NO", "DO", "AT", "BY", "IN", "TO", "OF", "WE",
             "ME", "MY", "SO", "UP", "GO", "HE", "BE", "AM", "AU"}


class GazetteerComponent:
    """Marks gazetteer names and demonyms in ``doc.spans[spans_key]``."""

    def __init__(self, nlp: Language, name: str = "ckg_gazetteer", spans_key: str = SPANS_KEY,
                 path: str | None = None) -> None:
        self.name = name
        self.spans_key = spans_key
        self.gazetteer = load_gazetteer(path)
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        forms, patterns = _tokenized_patterns(nlp.lang, path)
        self._by_tokens: dict[tuple[str, ...], tuple[str, str]] = {}
        by_label: dict[str, list[Doc]] = {}
        for text, words in patterns:
            if words in self._by_tokens:
                continue
            self._by_tokens[words] = forms[text]
            by_label.setdefault(forms[text][0], []).append(Doc(nlp.vocab, words=list(words)))
        for label, docs in sorted(by_label.items()):
            self.matcher.add(label, docs)

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        matches = self.matcher(doc)
        matched_tokens = {i for _, start, end in matches for i in range(start, end)}
        for _, start, end in matches:
            label, key = self._by_tokens[tuple(t.text for t in doc[start:end])]
            span = Span(doc, start, end, label=label, kb_id=key)
            if _shouting(span) or _caps_neighbour(span, matched_tokens):
                continue
            spans.append(span)
        doc.spans[self.spans_key] = filter_spans(spans)
        return doc


def _caps_neighbour(span: Span, matched: set[int]) -> bool:
    """True for 'IS' in 'AS IS': a word-like acronym next to a capitalised word we do not know."""
    if span.text not in _WORDLIKE:
        return False
    doc = span.doc
    for i in (span.start - 1, span.end):
        if 0 <= i < len(doc) and doc[i].is_alpha and len(doc[i]) > 1 and doc[i].text.isupper() \
                and i not in matched:
            return True
    return False


def _shouting(span: Span) -> bool:
    """True for an acronym inside an ALL-CAPS run ('US TROOPS LEAVE'): not a trustworthy match."""
    text = span.text
    if not is_acronym(text):
        return False
    doc = span.doc
    neighbours = [t for t in doc[max(0, span.start - 3):span.start] if t.is_alpha]
    neighbours += [t for t in doc[span.end:span.end + 3] if t.is_alpha]
    neighbours = [t for t in neighbours if len(t.text) > 1 or t.text.isupper()]
    return bool(neighbours) and all(t.text.isupper() for t in neighbours)


@Language.factory("ckg_gazetteer", assigns=["doc.spans"],
                  default_config={"spans_key": SPANS_KEY, "path": None})
def make_gazetteer_component(nlp: Language, name: str, spans_key: str, path: str | None) -> GazetteerComponent:
    """Factory of the ``ckg_gazetteer`` pipe."""
    return GazetteerComponent(nlp, name=name, spans_key=spans_key, path=path)
