"""Finding and typing the actors and places of one article.

Mentions come, in order of trust, from the gazetteer (``doc.spans["ckg_gaz"]``),
from noun-phrase patterns built on it ("Nigerien army", "Mali's junta",
"the drone base at Agadez"), from coreference of descriptions ("the junta",
"the army", "the group", "the country") and from spaCy's named entities typed
by cue words. Every mention points at an entity key (``state/niger``); the
entity registry holds one :class:`~kg.model.Entity` a key.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from kg.extract import lexicon as lx
from kg.extract.gazetteer import GazEntry, Gazetteer, surface_key
from kg.extract.wordlists import matched_tokens
from kg.extract.wordlists import words as wordlist
from kg.ids import entity_key, fold
from kg.model import Entity

ACTOR_TYPES = {"State", "MilitaryJunta", "ArmedForces", "ArmedGroup",
               "InternationalOrganization", "Organization", "Person"}
PLACE_TYPES = {"State", "Region", "Settlement", "MilitaryBase"}
#: how specific a place is, for "the most specific place known"
PLACE_RANK = {"MilitaryBase": 4, "Settlement": 3, "Region": 2, "State": 1}

#: words of names of continents and natural features, which are never towns
NOT_A_TOWN = {"africa", "asia", "europe", "america", "sahel", "sahara", "middle", "maghreb", "horn",
              "lake", "river", "mount", "mountains", "basin", "gulf", "sea", "ocean", "desert"}
#: how sure each way of finding an entity is (measured on the dev set: gazetteer names, patterns
#: and named people are right nearly always; other NER names far less often)
CONF = {"gazetteer": 0.95, "pattern": 0.85, "coref": 0.7, "ner": 0.6, "cue": 0.55}
#: nouns for kinds of people, never names
PEOPLE_WORDS = lx.MILITANT_NOUNS | lx.SOLDIER_NOUNS | lx.CIVILIAN_NOUNS | lx.PEOPLE_NOUNS | {"gunman"}
#: NER names of these types are right far more often than NER names of organisations
NER_CONF = {"Person": 0.85, "Settlement": 0.8, "Region": 0.8}


@dataclass
class Mention:
    start: int  # first token index in the doc
    end: int  # one past the last token
    key: str
    type: str
    how: str  # gazetteer | pattern | coref | ner | cue
    #: the key used when the mention acts ("Niamey says" -> the state); defaults to key
    actor: str | None = None

    @property
    def actor_key(self) -> str:
        return self.actor or self.key


def place_head_words() -> set[str]:
    """Nouns a place name may modify and still be the place: 'the Fambita quarter', 'Sabon Gida
    village' (the designators of towns and of their quarters)."""
    return set(wordlist("settlement_designators")) | set(wordlist("quarter_designators"))


def _definite(token: Token) -> bool:
    """'the base', 'the town' (not 'a base', 'its base')."""
    return any(c.dep_ == "det" and c.lower_ in {"the", "that", "this"} for c in token.children)


def _lemma_phrase(tokens: list[Token]) -> str:
    return " ".join(t.lemma_.lower() for t in tokens)


def _clean_name(span: Span) -> str:
    """A name without its leading determiner or trailing possessive."""
    tokens = [t for t in span if not t.is_punct or t.text in "-'"]
    while tokens and (tokens[0].lower_ in {"the", "a", "an"} or tokens[0].tag_ == "DT"):
        tokens = tokens[1:]
    while tokens and tokens[-1].tag_ == "POS":
        tokens = tokens[:-1]
    return "".join(t.text_with_ws for t in tokens).strip()


def _alone_on_line(ent: Span) -> bool:
    """A one-word name standing alone on its line: a heading ('Summary'), not a mention."""
    if len(ent) != 1:
        return False
    doc = ent.doc
    before = doc[ent.start - 1] if ent.start > 0 else None
    after = doc[ent.end] if ent.end < len(doc) else None
    line_start = before is None or "\n" in before.text_with_ws or before.is_space and "\n" in before.text
    line_end = after is None or "\n" in ent[-1].text_with_ws or after.is_space and "\n" in after.text
    return line_start and line_end


def _short_line(token: Token, most: int = 3) -> bool:
    """The token's line has at most ``most`` words: a heading ('In Summary'), not a sentence."""
    doc = token.doc
    i = token.i
    while i > 0 and "\n" not in doc[i - 1].text_with_ws and not doc[i - 1].is_space:
        i -= 1
    j = token.i
    while j + 1 < len(doc) and "\n" not in doc[j].text_with_ws and not doc[j + 1].is_space:
        j += 1
    at_start = i == 0 or "\n" in doc[i - 1].text_with_ws or doc[i - 1].is_space
    at_end = j + 1 >= len(doc) or "\n" in doc[j].text_with_ws or doc[j + 1].is_space
    return at_start and at_end and sum(1 for t in doc[i:j + 1] if t.is_alpha) <= most


class DocEntities:
    """The entities of one article and where each is mentioned."""

    def __init__(self, doc: Doc, gaz: Gazetteer) -> None:
        self.doc = doc
        self.gaz = gaz
        self.entities: dict[str, Entity] = {}
        self.mentions: list[Mention] = []
        self._by_token: dict[int, Mention] = {}
        self._demonyms: dict[int, str] = {}  # token index -> state key
        self.states_of: dict[str, str] = {}  # entity key -> the state it belongs to
        self.main_state: str | None = None
        self.base_places: dict[str, str] = {}  # military base key -> the place it is named after
        self.groups: dict[int, list[str]] = {}  # "the three countries" (token index) -> state keys
        self.pronouns: dict[int, Mention] = {}  # "its", "they" (token index) -> the actor
        self._surnames: dict[str, str] = {}  # a person's family name -> the person's key
        self.region_parents: dict[str, str] = {}  # a region read from the text -> where it lies
        self.countries: list[str] = []
        self._ents = list(doc.ents)  # doc.ents builds new spans at every call
        self.sents = list(doc.sents)  # and doc.sents too
        self._find()

    # ------------------------------------------------------------------ API
    def at(self, token: Token | int) -> Mention | None:
        i = token if isinstance(token, int) else token.i
        return self._by_token.get(i)

    def in_span(self, span: Span) -> list[Mention]:
        seen: list[Mention] = []
        for m in self.mentions:
            if m.start >= span.start and m.end <= span.end:
                seen.append(m)
        return seen

    def demonym_state(self, token: Token) -> str | None:
        return self._demonyms.get(token.i)

    def state_of(self, key: str | None) -> str | None:
        if key is None:
            return None
        if key.startswith("state/"):
            return key
        return self.states_of.get(key)

    def insurgent(self, key: str) -> bool:
        """An armed group that is not a hired military company (Wagner is hired; JNIM is fought)."""
        entry = self.gaz.entries.get(key)
        return self.entities[key].type == "ArmedGroup" and (entry is None or entry.kind != "pmc")

    def entity_type(self, key: str) -> str:
        return self.entities[key].type

    # ------------------------------------------------------------ building
    def _add_entity(self, key: str, type_: str, label: str, how: str, surface: str | None = None,
                    entry: GazEntry | None = None) -> str:
        entity = self.entities.get(key)
        if entity is None:
            if entry is None and fold(label) != label:
                # names read from text are stored accent-free, so every article that spells
                # 'Goïta' or 'Goita' gives the same node the same label; the spelling stays an alias
                surface = surface or label
                label = fold(label)
            conf = NER_CONF.get(type_, CONF[how]) if how == "ner" else CONF[how]
            entity = Entity(key=key, type=type_, label=label, confidence=conf)
            if entry is not None:
                entity.wikidata = entry.wikidata
                entity.lat, entity.lon = entry.lat, entry.lon
            self.entities[key] = entity
        else:
            entity.confidence = max(entity.confidence, CONF[how])
        if surface:
            surface = surface.strip()
            if surface and surface != entity.label and not surface.islower():
                entity.aliases.add(surface)
        return key

    def _mention(self, start: int, end: int, key: str, type_: str, how: str,
                 actor: str | None = None) -> Mention | None:
        if any(i in self._by_token for i in range(start, end)):
            return None
        if key not in self.entities and key in self.gaz.entries:
            self.gaz_entity(self.gaz.entries[key], how)  # every mention's entity is described
        mention = Mention(start, end, key, type_, how, actor)
        self.mentions.append(mention)
        for i in range(start, end):
            self._by_token[i] = mention
        return mention

    def gaz_entity(self, entry: GazEntry, how: str = "gazetteer", surface: str | None = None) -> str:
        key = self._add_entity(entry.key, entry.type, entry.label, how, surface, entry)
        if entry.type != "State" and entry.country:
            self.states_of[key] = entry.country
        return key

    def state_entity(self, state_key: str) -> str | None:
        entry = self.gaz.entries.get(state_key)
        return self.gaz_entity(entry) if entry else None

    def armed_forces(self, state_key: str, surface: str | None = None, how: str = "pattern") -> str:
        entry = self.gaz.entries[state_key]
        demonym = entry.demonyms[0] if entry.demonyms else entry.label
        key = entity_key("ArmedForces", entry.label)
        self._add_entity(key, "ArmedForces", f"{entry.label} Armed Forces", how, surface)
        ent = self.entities[key]
        ent.aliases |= {f"{demonym} Armed Forces", f"{demonym} army", f"{entry.label} army",
                        f"{demonym} armed forces", f"{demonym} military", f"{entry.label} military"}
        self.states_of[key] = state_key
        self.state_entity(state_key)
        return key

    def junta(self, state_key: str, surface: str | None = None, how: str = "pattern") -> str:
        entry = self.gaz.entries[state_key]
        demonym = entry.demonyms[0] if entry.demonyms else entry.label
        key = entity_key("MilitaryJunta", entry.label)
        self._add_entity(key, "MilitaryJunta", f"{entry.label} military junta", how, surface)
        self.entities[key].aliases |= {f"{entry.label} junta", f"{demonym} junta"}
        self.states_of[key] = state_key
        self.state_entity(state_key)
        return key

    def _find(self) -> None:
        doc, gaz = self.doc, self.gaz
        spans = sorted(doc.spans.get("ckg_gaz", []), key=lambda s: (s.start, -len(s)))
        state_mentions: list[tuple[int, str]] = []
        # 1. gazetteer names, and the noun phrases built on them
        for span in spans:
            entry = gaz.entries.get(span.kb_id_)
            if entry is None:
                continue
            if span.label_ == "DEMONYM":
                for t in span:
                    self._demonyms[t.i] = entry.key
                state_mentions.append((span.start, entry.key))
                self._compound_actor(span, entry, demonym=True)
                continue
            if entry.type == "State":
                state_mentions.append((span.start, entry.key))
                if self._compound_actor(span, entry, demonym=False):
                    continue
            surface = span.text
            if entry.type in {"Region", "Settlement"} and not entry.country:
                continue  # "the Sahel", "the Horn of Africa": areas across borders, not below a country
            if self._is_part_of_longer_name(span):
                continue
            if entry.type == "Settlement" and self._designated_region(span, entry):
                continue  # "Masisi territory", "Kalehe district": the area named after the town
            key = self.gaz_entity(entry, surface=surface)
            actor = None
            capital_of = gaz.capital_of(entry.key)
            if entry.type == "Settlement" and capital_of and self._acts(span):
                actor = self.state_entity(capital_of)
            self._mention(span.start, span.end, key, entry.type, "gazetteer", actor)
            if entry.type == "Person" and entry.surname:
                self._surnames.setdefault(entry.surname, key)  # "Deby" after "Mahamat Idriss Deby"
        counts = Counter(k for _, k in state_mentions)
        if not counts:  # no country named: the country of the places named ("near Djibo")
            counts = Counter(c for m in self.mentions
                             if m.type in {"Settlement", "Region"} and (c := self.gaz.country_of(m.key)))
        if counts:
            self.main_state = counts.most_common(1)[0][0]
        #: the article's countries, most named first: where an unknown town is looked for
        self.countries = [k for k, _ in counts.most_common() if k]
        # 2. named entities the gazetteer does not know
        self._find_ner()
        # 3. military bases, named after the places found so far
        self._find_bases()
        # 4. acronyms given in brackets: "Coordination of Azawad Movements (CMA)"
        self._find_acronyms()
        # 4. descriptions that refer back ("the junta", "the army", "the group")
        self._find_descriptions()
        # 5. pronouns that stand for an actor ("its withdrawal", "their troops"), kept apart;
        # "the government" for the state last acting
        self._find_pronouns()
        self.mentions.sort(key=lambda m: m.start)

    def _is_part_of_longer_name(self, span: Span) -> bool:
        """'Dosso' in 'Dosso Kouregou', 'Niger' in 'Niger Delta Avengers': a longer name, not ours."""
        doc = self.doc
        nxt = doc[span.end] if span.end < len(doc) else None
        if span.label_ in {"Settlement", "Region"} and nxt is not None and nxt.pos_ == "PROPN" and \
                nxt.text[:1].isupper() and not nxt.is_sent_start and nxt.lower_ not in {
                    "region", "province", "state", "district", "department", "county"} and \
                not any(s.start == span.end for s in doc.spans.get("ckg_gaz", [])):
            return True
        prev = doc[span.start - 1] if span.start > 0 else None
        if span.label_ in {"Settlement", "Region"} and prev is not None and prev.pos_ == "PROPN" and \
                prev.ent_type_ == "PERSON" and span.root.ent_type_ == "PERSON" and \
                not any(s.end == span.start for s in doc.spans.get("ckg_gaz", [])):
            return True  # "Alpha Conde": a surname that is also a town's name
        for ent in self._ents:
            if not (ent.start <= span.start and span.end <= ent.end and len(ent) > len(span)):
                continue
            start = ent.start + (1 if doc[ent.start].lower_ == "the" else 0)  # "The Islamic State ..."
            if ent.end - start > len(span):
                if ent.label_ in {"ORG", "FAC"} and not any(
                    t.lower_ in {"ministry", "government", "army", "armed", "forces", "military",
                                 "defence", "defense", "junta", "presidency", "embassy"}
                    for t in ent
                ):
                    cue = {t.lower_ for t in ent} & lx.ARMED_GROUP_CUES
                    return bool(cue) and ent.label_ == "ORG"
        return False

    def _acts(self, span: Span) -> bool:
        """The name is the subject of a verb or a possessor: a capital standing for its state."""
        root = span.root
        if root.dep_ == "poss" and root.head.lemma_.lower() in {
                "airport", "outskirts", "suburb", "street", "port", "centre", "center", "district",
                "neighbourhood", "neighborhood", "market", "prison", "university", "hospital", "north",
                "south", "east", "west"}:
            return False  # "Bamako's international airport": a place, not the state acting
        if root.dep_ in {"nsubj", "nsubjpass", "poss"}:
            return True
        if root.dep_ == "pobj" and (root.head.lower_ in {"with", "towards", "toward", "against"} or
                                    root.head.lower_ == "on" and root.head.head.lemma_ in {"turn", "rely", "call"}):
            return True  # "ties with Washington", "turned towards Moscow": the government
        nxt = self.doc[span.end] if span.end < len(self.doc) else None
        return bool(nxt is not None and nxt.tag_ == "POS")

    def _compound_actor(self, span: Span, entry: GazEntry, demonym: bool) -> bool:
        """'Nigerien army', "Mali's junta", 'Niger soldiers': armed forces or junta of a state."""
        doc = self.doc
        j = span.end
        if j < len(doc) and doc[j].tag_ == "POS":
            j += 1
        # skip adjectives: "Malian national army", "Niger's ruling junta", "Somali National Army"
        k = j
        while k < len(doc) and (doc[k].pos_ == "ADJ" or doc[k].lower_ in {"national", "royal"}) and \
                doc[k].lower_ not in {"military"} and k - j < 2:
            k += 1
        for length in (3, 2, 1):
            tokens = list(doc[k:k + length])
            if len(tokens) < length:
                continue
            words = " ".join(t.lower_ for t in tokens)
            lemmas = _lemma_phrase(tokens)
            state_key = entry.key if entry.type == "State" else entry.country
            if state_key is None or state_key not in self.gaz.entries:
                return False
            surface = doc[span.start:k + length].text
            last = tokens[-1]
            if last.dep_ in {"compound", "amod", "nmod"} and last.head.i > last.i and \
                    last.head.pos_ in {"NOUN", "PROPN"} and last.head.lemma_.lower() not in {
                        "soldier", "troop", "force", "unit", "junta", "government", "regime"} and \
                    words not in {"army", "armed forces"}:
                continue  # "Russian military instructors": a modifier (but "a Somali army base" is the army's)
            if words in lx.JUNTA_NOUNS or lemmas in lx.JUNTA_NOUNS:
                key = self.junta(state_key, surface)
                self._mention(span.start, k + length, key, "MilitaryJunta", "pattern")
                return True
            if words in lx.ARMY_NOUNS or lemmas in {"soldier", "troop", "force", "army",
                                                   "military", "armed force", "security force",
                                                   "defence force", "unit", "gendarmerie"}:
                key = self.armed_forces(state_key, surface)
                self._mention(span.start, k + length, key, "ArmedForces", "pattern")
                return True
        return False

    def _find_bases(self) -> None:
        doc = self.doc
        pending: list[tuple[Token, Mention]] = []
        for t in doc:
            if t.lemma_.lower() not in lx.BASE_NOUNS or self.at(t) or t.pos_ not in {"NOUN", "PROPN"}:
                continue  # not "a battalion based in Sagme" (the verb)
            mods = [c for c in t.lefts if c.dep_ in {"compound", "amod", "nmod"}]
            kind_words = [c.lower_ for c in mods if c.lower_ in lx.BASE_MODIFIERS]
            lemma = t.lemma_.lower()
            if lemma in {"post", "position", "checkpoint", "outpost"} and not kind_words:
                continue
            if lemma == "camp" and not (kind_words or any(c.lower_ in {"army", "military"} for c in mods) or
                                        self._listed_with_bases(t)):
                # "camp" alone is often a refugee camp (not so in "the X air base and the Y camp")
                if not any(m.lower_ in {"army", "military", "minusma", "un"} for m in t.lefts):
                    continue
            # "the Adji Kossei air base": a base with a name of its own
            j = t.i - 1
            while j >= 0 and doc[j].lower_ in lx.BASE_MODIFIERS:
                j -= 1
            end = j + 1
            while j >= 0 and doc[j].pos_ == "PROPN" and doc[j].lower_ not in lx.BASE_MODIFIERS and \
                    getattr(self.at(doc[j]), "type", None) in {None, "Organization", "Person"} and \
                    not self.demonym_state(doc[j]) and \
                    doc[j].ent_type_ not in {"GPE", "NORP"}:
                j -= 1
            own_name = doc[j + 1:end].text if end > j + 1 else None
            place = None
            if own_name and not any(self.at(i) for i in range(j + 1, end)):
                # "the Sagme military post" where Sagme is a town the article names: the base is
                # named after the town, not a name of its own
                town = next((e for e in self.entities.values() if e.type == "Settlement" and
                             surface_key(own_name) in {surface_key(n) for n in (e.label, *e.aliases)}), None)
                if town is not None:
                    place = self._mention(j + 1, end, town.key, "Settlement", "coref")
                    own_name = None if place is not None else own_name
            for c in mods:
                m = self.at(c)
                if m and m.type in {"Settlement", "Region"}:
                    place = m  # "the Agadez drone base", "the al-Jufra air base"
            # "stormed an army camp at Boulkessi", "a bombing on an army camp at Bourem": the
            # place may hang on the verb or on the noun that governs the base
            wider = None  # "an air base in Niger": only the country or region of the base
            holders = [t] + ([t.head] if t.dep_ in {"dobj", "nsubj", "nsubjpass", "pobj"} else []) + \
                ([t.head.head] if t.dep_ == "pobj" else [])
            if place is None:
                for prep in [c for h in holders for c in h.rights]:
                    if prep.dep_ == "prep" and prep.lower_ in {"at", "in", "of", "near", "outside"}:
                        for obj in prep.children:
                            if obj.dep_ == "pobj":
                                m = self.at(obj)
                                if m is None:  # "at Bamako's airport", "in the town of Marte"
                                    m = next((self.at(c) for c in obj.lefts
                                              if c.dep_ in {"poss", "compound"} and self.at(c)), None)
                                if m is None and obj.lower_ in lx.SETTLEMENT_NOUNS:
                                    # "base in the town of Marte", "its airbase in the capital, Niamey"
                                    for p2 in obj.rights:
                                        if p2.dep_ == "appos":
                                            m = self.at(p2) or m
                                        for o2 in p2.children:
                                            m = self.at(o2) or m
                                    if m is None and _definite(obj):
                                        m = self._last_town(obj)  # "a military post in the town"
                                if m and (m.type == "Settlement" or own_name and m.type in {"Region", "State"}):
                                    place = m  # "al-Khadim air base in eastern Libya": a named base
                                elif m and m.type in {"Region", "State"}:
                                    wider = m
            if place is None and not own_name and t.dep_ in {"attr", "appos"}:
                # "X became the first base the mission gave back", "Tera, an army base": the
                # town it is said of
                subject = t.head if t.dep_ == "appos" else next(
                    (c for c in t.head.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
                m = self.at(subject) if subject is not None else None
                if m is not None and m.type == "Settlement" and (kind_words or lemma in {"base", "airbase"}):
                    place = m
            if place is None and not own_name and _definite(t) and t.tag_ != "NNS" and \
                    not any(c.dep_ == "poss" for c in t.children):
                # "the base", "the military base": the base last named, else one at the town just
                # named when the words say it is military
                known = self._last_base(t)
                if known is not None:
                    self._mention(t.i, t.i + 1, known, "MilitaryBase", "coref")
                    continue
                if kind_words and lemma in {"base", "airbase", "post", "camp", "barracks", "garrison"}:
                    place = self._last_town(t, sentences=2)
            if not own_name and (t.tag_ == "NNS" or lemma in {"position", "checkpoint"}):
                continue  # "army positions near Sake", "two army bases in Borno": no one base named
            if place is None and not own_name:
                if wider is not None and (kind_words or lemma in {"base", "airbase"}) and t.tag_ != "NNS":
                    pending.append((t, wider))
                continue
            kind = " ".join(kind_words + ["base" if lemma in {"base", "airbase"} else lemma])
            generic = "camp" if lemma in {"camp", "barracks", "garrison"} else "base"
            place_label = self.entities[place.key].label if place else ""
            name = own_name or place_label
            label = f"{own_name} {kind}" if own_name else f"{place_label} {generic}"
            key = entity_key("MilitaryBase", label)
            start = min([t.i] + [c.i for c in mods if c.dep_ != "det"])
            self._add_entity(key, "MilitaryBase", label, "pattern")
            ent = self.entities[key]
            words = kind.split()
            for i in range(len(words)):  # "military air base": also "air base", "base"
                tail = " ".join(words[i:])
                ent.aliases |= {f"{name} {tail}", f"{tail} at {name}", f"{tail} in {name}"}
            ent.aliases.add(f"{name} base")
            if place is not None:
                self.states_of[key] = self.state_of(place.key) or ""
                self.base_places[key] = place.key
                where = self.entities[place.key]
                if ent.lat is None and where.type == "Settlement":
                    ent.lat, ent.lon = where.lat, where.lon  # a base is drawn at its town
            if self._mention(start, t.i + 1, key, "MilitaryBase", "pattern") is None:
                # "a Somali National Army (SNA) base": the army is named in front; the base noun alone
                self._mention(t.i, t.i + 1, key, "MilitaryBase", "pattern")
        # "vacated an air base in Niger" when the article names one base in Niger: that base
        for t, wider in pending:
            inside = [k for k, where in self.base_places.items()
                      if wider.key in {where, self.state_of(where), self.region_parents.get(where),
                                       *self.gaz.located_in_chain(where)}]
            if len(inside) == 1 and not self.at(t):
                self._mention(t.i, t.i + 1, inside[0], "MilitaryBase", "coref")

    def _last_town(self, token: Token, sentences: int = 3) -> Mention | None:
        """The settlement named last before ``token``, in its sentence or the ``sentences`` before
        (what "the town" refers to)."""
        sent_start = token.sent.start
        k = next((i for i, s in enumerate(self.sents) if s.start == sent_start), 0)
        first = self.sents[max(0, k - sentences)].start
        towns = [m for m in self.mentions if m.type == "Settlement" and first <= m.start < token.i and
                 (m.actor is None or m.actor == m.key)]
        return max(towns, key=lambda m: m.start, default=None)

    def _last_base(self, token: Token) -> str | None:
        """The military base mentioned last before ``token`` (what "the base" refers to)."""
        bases = [m for m in self.mentions if m.type == "MilitaryBase" and m.start < token.i]
        return max(bases, key=lambda m: m.start).key if bases else None

    def _find_ner(self) -> None:
        doc = self.doc
        persons = self._surnames  # surname -> key
        # family names of the people named in full anywhere in the text ("Sultani Makenga"): the
        # name alone is that person even where the model calls it a place or an organisation
        full_names: dict[str, str] = {}
        for ent in self._ents:
            if ent.label_ == "PERSON" and len(ent) > 1 and all(t.pos_ == "PROPN" for t in ent):
                full_names.setdefault(ent[-1].text, _clean_name(ent))
        junk = wordlist("junk_names")
        for ent in self._ents:
            if ent.label_ not in {"PERSON", "ORG", "GPE", "LOC", "FAC"}:
                continue
            if any(self.at(i) for i in range(ent.start, ent.end)):
                continue
            name = _clean_name(ent)
            if not name or not name[0].isupper() or len(name) < 3:
                continue
            if fold(name).lower() in junk or _alone_on_line(ent) or \
                    len(ent) == 1 and ent[0].tag_ == "NNS" and ent[0].lemma_.lower() != ent[0].lower_:
                continue  # "State", "Junta", "Telegram"; a heading word ("Summary"); "Eyewitnesses"
            if len(ent) > 1 and ent[-1].lower_ in place_head_words() and ent[-1].pos_ == "NOUN" and \
                    all(t.pos_ == "PROPN" for t in ent[:-1]):
                continue  # "Thuluc village", "the Fambita quarter": the designated-town pattern's
            if ent.label_ != "GPE" and {t.lemma_.lower() for t in ent} & wordlist("base_name_words") and \
                    ent[-1].lemma_.lower() in wordlist("base_name_words"):
                # "Simba Airbase", "Manda Airstrip" taken for a person or an organisation: a base
                key = self._add_entity(entity_key("MilitaryBase", name), "MilitaryBase", name, "ner")
                self._mention(ent.start, ent.end, key, "MilitaryBase", "ner")
                continue
            tail = ent.end
            while tail < len(doc) and tail < ent.end + 3 and doc[tail].pos_ == "PROPN" and doc[tail].text[:1].isupper():
                tail += 1
            if tail - ent.start > 1 and doc[tail - 1].lower_ in wordlist("region_designators") - {"state"} and \
                    (ent.label_ in {"GPE", "LOC", "PERSON"} or tail > ent.end and ent.label_ == "ORG") and \
                    doc[tail - 1].text[:1].isupper() and \
                    not {t.lower_ for t in doc[ent.start:tail - 1]} & junk:
                # "Enarj Enawga Woreda": the model took part of a district's name
                full = _clean_name(doc[ent.start:tail])
                key = self._add_entity(entity_key("Region", full), "Region", full, "ner")
                self._mention(ent.start, tail, key, "Region", "ner")
                continue
            if len(ent) == 1 and ent.label_ != "PERSON" and ent.text not in persons and \
                    full_names.get(ent.text) and full_names[ent.text] != ent.text:
                # "Makenga said": the surname of Sultani Makenga, named in full elsewhere
                full = full_names[ent.text]
                known = self.gaz.best(full, "Person")
                key = self.gaz_entity(known, surface=full) if known else \
                    self._add_entity(entity_key("Person", full), "Person", full, "ner")
                persons.setdefault(ent.text, key)
            if len(ent) == 1 and ent.text in persons and ent.label_ != "PERSON":
                key = persons[ent.text]
                self._mention(ent.start, ent.end, key, "Person", "coref")
                continue
            if ent.label_ == "ORG" and len(ent) > 1 and self._titled_person(ent):
                continue  # "General Makenga" read as an organisation
            if ent.label_ in {"PERSON", "ORG"} and len(ent) <= 2 and not self._title_before(ent) and \
                    any(self._container_after(ent.end)) and \
                    self._minor_mention(ent.start, ent.end, name):
                continue  # "Ratne, in Ukraine's Rivne region", "Ratne, a town in ...": a town
            words = {fold(t.lower_) for t in ent}
            if self.gaz.demonym(name) or words & NOT_A_TOWN:
                continue  # "Nigerien", "West Africa", "Lake Chad": not a town, not a person
            if {t.lemma_.lower() for t in ent if not t.is_punct} <= PEOPLE_WORDS | {"the"}:
                continue  # "Gunmen" opening a sentence: people, not a name
            prev = doc[ent.start - 1] if ent.start > 0 else None
            prev2 = doc[ent.start - 2] if ent.start > 1 else None
            nxt = doc[ent.end] if ent.end < len(doc) else None
            cue_place = prev is not None and prev.lower_ == "of" and prev2 is not None and \
                prev2.lemma_.lower() in lx.SETTLEMENT_NOUNS
            region_next = nxt is not None and nxt.lemma_.lower() in lx.REGION_NOUNS | wordlist(
                "region_designators") and \
                nxt.lower_ not in {"state"} or (nxt is not None and nxt.lower_ == "state" and
                                                ent.label_ in {"GPE", "LOC"})
            if cue_place or (ent.label_ == "GPE" and not region_next):
                type_ = "Settlement"
            elif region_next or ent.label_ == "LOC":
                type_ = "Region" if (region_next or ent.label_ == "LOC") else "Settlement"
                if ent.label_ == "LOC" and not region_next:
                    continue  # "the Sahel", "Lake Chad": areas we do not type
            elif ent.label_ == "PERSON":
                if (prev is not None and prev.lower_ in {"in", "near", "at"}
                        or ent.root.dep_ == "dobj"
                        and ent.root.head.lemma_.lower() in wordlist("place_object_verbs")) and \
                        not any(t.lower_ in lx.LEADER_TITLES for t in ent) and not self._title_before(ent):
                    type_ = "Settlement"  # "in Gidan Kaura", "gunmen stormed Gidan Kaura": not a person
                elif len(name.split()) == 1 and name not in persons and not self._title_before(ent):
                    continue  # one word, no title, no full name met: too weak for a person
                elif any(t.pos_ not in {"PROPN"} and not t.is_punct for t in ent):
                    continue  # "Bayraktar TB2 drones", "Gunfire"
                else:
                    type_ = "Person"
            elif ent.label_ == "ORG" and prev is not None and all(t.pos_ == "PROPN" for t in ent) and \
                    not words & (lx.ARMED_GROUP_CUES | lx.IO_CUES) and (
                        prev.lower_ in {"in", "near", "at", "outside", "around"} or
                        prev.lower_ == "on" and prev.head.lemma_.lower() in lx.ATTACK_NOUNS | lx.ATTACK_VERBS):
                type_ = "Settlement"  # "an assault on Tondikiwindi": the model took a village for an ORG
            elif ent.label_ == "ORG":
                if len(ent) == 1 and ent[0].lower_ in {"army", "military", "government", "police"}:
                    continue
                if words & {"council", "committee"} and words & {
                        "safeguard", "salvation", "transition", "restoration", "rectification",
                        "redemption", "patriotic", "preservation"} and self.main_state:
                    # juntas name themselves: CNSP, MPSR, CNRD
                    key = self.junta(self.main_state, name, "cue")
                    self._mention(ent.start, ent.end, key, "MilitaryJunta", "cue")
                    continue
                if words & {"ministry", "government", "presidency", "embassy", "parliament",
                            "department", "pentagon", "office", "directorate", "service",
                            "agency", "news", "television", "radio", "press", "university",
                            "company", "bank"}:
                    type_ = "Organization"
                elif words & lx.ARMED_GROUP_CUES:
                    type_ = "ArmedGroup"
                elif words & lx.IO_CUES:
                    type_ = "InternationalOrganization"
                else:
                    type_ = "Organization"
            elif any(t.lemma_.lower() in lx.BASE_NOUNS for t in ent):  # "Air Base 101"
                type_ = "MilitaryBase"
            else:  # other facilities
                continue
            end = ent.end
            if type_ == "Region" and region_next and nxt is not None:
                surface = doc[ent.start:ent.end + 1].text
            else:
                surface = name
            if type_ == "Settlement" and self._minor_mention(ent.start, end, name, strong=cue_place):
                continue  # a town the main gazetteer leaves out, in the article's countries
            known = self.gaz.best(name, "Person") if type_ == "Person" else None
            if known is not None:  # "President Tinubu": a leader the gazetteer knows by surname
                key = self.gaz_entity(known, surface=name)
                self._mention(ent.start, end, key, "Person", "gazetteer")
                if known.surname:
                    persons.setdefault(known.surname, key)
                continue
            if type_ == "Person":
                tokens = name.split()
                if len(tokens) == 1 and tokens[0] in persons:
                    key = persons[tokens[0]]
                    self._add_entity(key, "Person", self.entities[key].label, "ner", name)
                    self._mention(ent.start, end, key, "Person", "ner")
                    continue
                key = entity_key("Person", name)
                self._add_entity(key, "Person", name, "ner")
                title = self._title_before(ent)
                if title:
                    self.entities[key].aliases.add(f"{title} {name}")
                if len(tokens) > 1:
                    persons[tokens[-1]] = key
                    self.entities[key].aliases.add(tokens[-1])
                self._mention(ent.start, end, key, "Person", "ner")
                continue
            parent = self._of_container(end + 1) if type_ == "Region" and region_next else None
            if parent is not None and self.entities[parent].type == "Settlement":
                type_ = "Settlement"  # "the Kalumbi district of Goma": a part of the town
            key = entity_key(type_, name)
            self._add_entity(key, type_, name, "ner", surface)
            if self._mention(ent.start, end, key, type_, "ner") is not None and parent is not None and \
                    key not in self.gaz.entries:
                self.region_parents.setdefault(key, parent)  # "the Bokolo district of Ituri province"
        # places the model missed: a proper name after "in", "near", "at", or "attack on", or
        # one the syntax calls a town (patterns "designated_town", kg/data/patterns.json)
        designated_names = set(matched_tokens(doc, "designated_town", "name"))
        for t in doc:
            if t.pos_ != "PROPN" or self.at(t) or t.dep_ != "pobj" or t.ent_type_ in {
                    "DATE", "TIME", "NORP", "MONEY", "CARDINAL", "ORDINAL"}:
                continue
            prep = t.head
            designated = t.i in designated_names
            ok = designated or prep.lower_ in {"in", "near", "at", "outside", "around"} or (
                prep.lower_ == "on" and prep.head.lemma_.lower() in lx.ATTACK_NOUNS | lx.ATTACK_VERBS)
            if not ok:
                continue
            first = min([c.i for c in t.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"] + [t.i])
            if any(self.at(i) for i in range(first, t.i + 1)) or not doc[first].text[:1].isupper():
                continue
            if _short_line(t):
                continue  # "In Summary": a heading
            name = doc[first:t.i + 1].text
            words = {fold(w.lower_) for w in doc[first:t.i + 1]}
            if self.gaz.demonym(name) or len(name) < 3 or words & (NOT_A_TOWN | lx.BASE_NOUNS):
                continue
            if self._minor_mention(first, t.i + 1, name, strong=designated):
                continue
            key = entity_key("Settlement", name)
            self._add_entity(key, "Settlement", name, "cue")
            self._mention(first, t.i + 1, key, "Settlement", "cue")
        # "Kalembe, a village in Masisi territory", "Kalembe village", "the Kalembe quarter of
        # Goma": a name the syntax calls a town (or a quarter of one)
        for i in sorted(designated_names):
            t = doc[i]
            if i + 1 in designated_names and doc[i + 1].dep_ == "compound" and t.dep_ == "compound":
                continue  # "Sabon" of "Sabon Gida village": the name ends later
            first = min([c.i for c in t.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"] + [t.i])
            while first > 0 and doc[first - 1].pos_ == "PROPN" and doc[first - 1].dep_ == "compound" and \
                    doc[first - 1].is_title and doc[first - 1].head.i in range(first, t.i + 2):
                first -= 1
            held = list({id(m): m for j in range(first, t.i + 1) if (m := self.at(j))}.values())
            if t.dep_ == "compound" and held and all(
                    m.type in {"Person", "Organization"} and first <= m.start and m.end <= t.i + 1 for m in held):
                for m in held:  # "Sabon Gida village" read as a person's name: the designator says a town
                    self._unmention(m)
            name = doc[first:t.i + 1].text
            if not any(self.at(j) for j in range(first, t.i + 1)):
                if self.gaz.demonym(name) or len(name) < 3 or \
                        {fold(w.lower_) for w in doc[first:t.i + 1]} & NOT_A_TOWN:
                    continue
                if not self._minor_mention(first, t.i + 1, name, strong=True):
                    key = entity_key("Settlement", name)
                    self._add_entity(key, "Settlement", name, "cue")
                    self._mention(first, t.i + 1, key, "Settlement", "cue")
            mention = self.at(t)
            if mention is None or mention.type != "Settlement" or (mention.start, mention.end) != (first, t.i + 1):
                continue
            if t.dep_ == "compound":
                designator = t.head  # "Kalembe village"
            elif t.dep_ == "pobj" and t.head.lower_ == "of":
                designator = t.head.head  # "the village of Kalembe"
            else:
                designator = next((c for c in t.children if c.dep_ == "appos"), None)  # "Kalembe, a village"
            if mention is not None and designator is not None:
                if designator.i > t.i:
                    self.entities[mention.key].aliases.add(f"{name} {designator.lower_}")
                town = self._town_of_quarter(designator)
                if town is not None and town != mention.key:
                    self.region_parents[mention.key] = town  # "the Fambita quarter of Kokorou"
                elif mention.key not in self.gaz.entries:
                    # "Bokolo village, Ituri province", "the village of Bokolo in the state of Ituri":
                    # where the sentence puts it, after the name (and its designator)
                    region, states = self._container_after(max(designator.i, t.i) + 1)
                    parent = region or (states[0] if states else None)
                    if parent is not None and parent != mention.key:
                        self.region_parents.setdefault(mention.key, parent)
        # a town found once by the syntax is that town wherever its name recurs ("X
        # became the first base"): the gazetteer's own names are matched everywhere already
        named: dict[tuple[str, ...], Mention] = {}
        for m in self.mentions:
            entry = self.gaz.entries.get(m.key)
            if m.type == "Settlement" and (entry is None or entry.kind == "minor"):
                named.setdefault(tuple(w.text for w in doc[m.start:m.end]), m)
        for words, m in named.items():
            n = len(words)
            for i in range(len(doc) - n + 1):
                if doc[i].pos_ != "PROPN" or tuple(w.text for w in doc[i:i + n]) != words:
                    continue
                other = self.at(i)
                if other is not None and other.how == "ner" and other.type in {"Person", "Organization"} and \
                        (other.start, other.end) == (i, i + n):
                    # "near X" read as a person, the village named elsewhere: the village
                    self._unmention(other)
                    if not any(x.key == other.key for x in self.mentions):
                        self.entities.pop(other.key, None)
                if not any(self.at(j) for j in range(i, i + n)) and \
                        (i + n >= len(doc) or doc[i + n].pos_ != "PROPN") and (i == 0 or doc[i - 1].pos_ != "PROPN"):
                    self._mention(i, i + n, m.key, "Settlement", "coref")
        # surnames met before the full name, or left untagged
        for t in doc:
            if t.text in persons and not self.at(t) and t.pos_ == "PROPN":
                self._mention(t.i, t.i + 1, persons[t.text], "Person", "coref")

    def _of_container(self, i: int) -> str | None:
        """The town, region or state of an of-phrase starting at token ``i``: 'of [the] Ituri province'."""
        doc = self.doc
        if i >= len(doc) or doc[i].lower_ != "of":
            return None
        j = i + 1 + (1 if i + 1 < len(doc) and doc[i + 1].lower_ == "the" else 0)
        m = self.at(j) if j < len(doc) else None
        return m.key if m is not None and m.type in {"Settlement", "Region", "State"} else None

    def _town_of_quarter(self, designator: Token) -> str | None:
        """The town a quarter lies in: 'the X quarter of [the town of] Y', 'X, a neighbourhood
        of Y', 'X, a suburb in Y'. None for a designator that is not a part of a town."""
        if designator.lemma_.lower() not in wordlist("quarter_designators"):
            return None
        for c in designator.children:  # "Goma's Kalumbi neighbourhood"
            m = self.at(c) if c.dep_ == "poss" else None
            if m is not None and m.type == "Settlement":
                return m.key
        for prep in designator.rights:
            if prep.dep_ != "prep" or prep.lower_ not in {"of", "in"}:
                continue
            for obj in prep.children:
                if obj.dep_ != "pobj":
                    continue
                m = self.at(obj)
                if m is None and obj.lemma_.lower() in lx.SETTLEMENT_NOUNS:  # "of the town of Y"
                    m = next((self.at(o) for p2 in obj.rights if p2.dep_ == "prep" and p2.lower_ == "of"
                              for o in p2.children if self.at(o)), None)
                    m = m or next((self.at(c) for c in obj.children if c.dep_ == "appos" and self.at(c)), None)
                if m is not None and m.type == "Settlement":
                    return m.key
        return None

    def _designated_region(self, span: Span, town: GazEntry) -> bool:
        """'Masisi territory', 'the Kalehe district': a region named after a town, in the town's
        region and country (a Region the gazetteer does not know; it takes the town's
        coordinates). True when mentioned."""
        doc = self.doc
        nxt = doc[span.end] if span.end < len(doc) else None
        width, designator = 1, nxt.lower_ if nxt is not None else ""
        for words in (d.split() for d in wordlist("region_designators") if " " in d):
            if [t.lower_ for t in doc[span.end:span.end + len(words)]] == words:
                # "Maru local government area": a designator of several words
                width, designator, nxt = len(words), " ".join(words), doc[span.end + len(words) - 1]
        if nxt is None or designator not in wordlist("region_designators") or \
                designator == "state" or \
                not town.country or any(s.start == span.end for s in doc.spans.get("ckg_gaz", [])):
            return False
        label = town.label.split(" (")[0]
        key = entity_key("Region", label)
        known = self.gaz.entries.get(key)
        end = span.end + width
        if known is not None and known.type == "Region" and known.country == town.country:
            self.gaz_entity(known, surface=doc[span.start:end].text)
        else:
            if known is not None:
                key = entity_key("Region", f"{label} {designator}")
            self._add_entity(key, "Region", label if known is None else f"{label} {designator}", "pattern",
                             doc[span.start:end].text)
            ent = self.entities[key]
            ent.aliases.add(f"{label} {designator}")
            if ent.lat is None:
                ent.lat, ent.lon = town.lat, town.lon
            self.states_of[key] = town.country
            self.region_parents[key] = town.region or town.country
        owner = self.at(span.start - 2) if span.start >= 2 and doc[span.start - 1].tag_ == "POS" else None
        if owner is not None and owner.type == "Region" and owner.end == span.start - 1:
            # "North Kivu's Lubero territory": the possessor is where the territory lies, not a
            # second place of the sentence
            self.region_parents[key] = owner.key
            self._unmention(owner)
        return self._mention(span.start, end, key, "Region", "pattern") is not None

    def _unmention(self, mention: Mention) -> None:
        self.mentions.remove(mention)
        for i in range(mention.start, mention.end):
            if self._by_token.get(i) is mention:
                del self._by_token[i]

    def _minor_mention(self, start: int, end: int, name: str, strong: bool = False) -> bool:
        """Mention a town the main gazetteer leaves out (geonames' smaller places), looked for
        in the region the sentence puts it in ("Rubaya, in Masisi territory, North Kivu"), then in
        the article's countries; with ``strong`` syntax ("the town of X", "X, a village") also
        anywhere. True when one was found and mentioned."""
        region, countries = self._container_after(end)
        countries = countries + self.countries
        # a town of that name anywhere only when the article names no country at all (else a town
        # the gazetteer lacks in the article's country is likelier than a namesake abroad)
        entry = self.gaz.minor_place(name, countries, region=region, anywhere=strong and not countries)
        if entry is None:
            return False
        key = self.gaz_entity(entry, surface=name)
        return self._mention(start, end, key, "Settlement", "gazetteer") is not None

    def _container_after(self, end: int) -> tuple[str | None, list[str]]:
        """The region and states named just after a place: 'X, Y province', 'X in Y', 'X (Y)'."""
        doc = self.doc
        region, states = None, []
        i = end
        while i < len(doc) and i < end + 8 and (doc[i].is_punct and doc[i].text in ",(" or
                                                 doc[i].lower_ in {"in", "of", "the", "a", "village", "town"} or
                                                 doc[i].lower_ in lx.REGION_NOUNS and i + 1 < len(doc) and
                                                 doc[i + 1].lower_ == "of" or
                                                 doc[i].pos_ == "ADJ" or self.at(i) is not None):
            m = self.at(i)
            if m is not None:
                if m.type == "Region" and region is None:
                    region = m.key
                    country = self.gaz.country_of(m.key)
                    if country:
                        states.append(country)
                elif m.type == "State":
                    states.append(m.key)
                i = m.end
                continue
            i += 1
        return region, states

    def _titled_person(self, ent: Span) -> bool:
        """'President Tshisekedi', 'General Sultani Makenga' taken for an organisation: a title
        and then names only; mention the person (without the title). True when done."""
        titles = {w for t in lx.LEADER_TITLES for w in t.split()}
        tokens = [t for t in ent if t.lower_ != "the"]
        i = 0
        while i < len(tokens) and tokens[i].lower_ in titles and tokens[i].text[:1].isupper():
            i += 1
        rest = tokens[i:]
        if i == 0 or not rest or len(rest) > 3 or not all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in rest):
            return False
        name = " ".join(t.text for t in rest)
        if self.gaz.by_surface(name) and not self.gaz.best(name, "Person"):
            return False  # "President Niger": not a name
        known = self.gaz.best(name, "Person")
        if known is not None:
            key = self.gaz_entity(known, surface=name)
        else:
            key = self._add_entity(entity_key("Person", name), "Person", name, "ner")
            self.entities[key].aliases.add(" ".join(t.text for t in tokens))
        if len(rest) > 1:
            self._surnames.setdefault(rest[-1].text, key)
        return self._mention(rest[0].i, rest[-1].i + 1, key, "Person", "ner") is not None

    def _find_acronyms(self) -> None:
        doc = self.doc
        acronyms: dict[str, Mention] = {}
        for m in list(self.mentions):
            i = m.end
            if i + 2 < len(doc) and doc[i].text == "(" and doc[i + 2].text == ")" and \
                    doc[i + 1].text.isupper() and len(doc[i + 1].text) >= 2:
                acr = doc[i + 1]
                self.entities[m.key].aliases.add(acr.text)
                acronyms[acr.text] = m
                self._mention(acr.i, acr.i + 1, m.key, m.type, "pattern", m.actor)
        if acronyms:
            for t in doc:
                named = acronyms.get(t.text)
                if named is not None and not self.at(t):
                    self._mention(t.i, t.i + 1, named.key, named.type, "pattern", named.actor)

    def _title_before(self, ent: Span) -> str | None:
        doc = self.doc
        words: list[str] = []
        i = ent.start - 1
        while i >= 0 and len(words) < 2 and doc[i].text[:1].isupper() and \
                doc[i].lower_ in {w for t in lx.LEADER_TITLES for w in t.split()}:
            words.insert(0, doc[i].text)
            i -= 1
        return " ".join(words) or None

    def _find_descriptions(self) -> None:
        """Coreference of descriptions: 'the junta', 'the army', 'the group', 'the country'."""
        doc = self.doc
        last: dict[str, str] = {}  # type -> latest key mentioned
        recent_states: list[str] = []  # distinct, latest last
        by_start = {m.start: m for m in self.mentions}
        for t in doc:
            m = by_start.get(t.i)
            if m is not None:
                last[m.type] = m.key
                if m.type == "MilitaryJunta":
                    last["State"] = self.state_of(m.key) or last.get("State", "")
                state = self.state_of(m.actor_key)
                if state and m.type in {"State", "MilitaryJunta", "ArmedForces"}:
                    if state in recent_states:
                        recent_states.remove(state)
                    recent_states.append(state)
                continue
            if self.at(t):
                continue
            size = self._group_size(t)
            if size and len(recent_states) >= size:
                # "the three countries", "both neighbours": the states named last
                self.groups[t.i] = recent_states[-size:]
                continue
            det = t.i > 0 and doc[t.i - 1].lower_ in {"the", "its", "their", "his", "her"}
            lower = t.lower_
            two = doc[t.i:t.i + 2].text.lower()
            if two in lx.JUNTA_NOUNS or (lower == "junta" and t.tag_ == "NN") or \
                    lower in {"putschists"}:
                state = self._possessor_state(t) or self._context_state(last, t)
                if state:
                    length = 2 if two in lx.JUNTA_NOUNS else 1
                    key = self.junta(state, None, "coref")
                    self._mention(t.i, t.i + length, key, "MilitaryJunta", "coref")
                    last["MilitaryJunta"] = key
            elif det and lower in {"army", "military"} and t.tag_ == "NN" and \
                    not any(c.dep_ in {"compound", "amod"} and c.lower_ not in {"national"}
                            for c in t.lefts):
                if doc[t.i - 1].lower_ in {"his", "her"}:
                    state = self._led_state(last.get("Person"))  # "His army": the leader's state
                else:
                    state = self._possessor_state(t) or \
                        (last.get("ArmedForces") and self.state_of(last["ArmedForces"]))
                    state = state or self._context_state(last, t)
                if state:
                    key = self.armed_forces(state, None, "coref")
                    self._mention(t.i, t.i + 1, key, "ArmedForces", "coref")
            elif lower == "capital" and t.tag_ == "NN" and self._capital_named(t):
                pass  # "Haiti's capital", "the Sudanese capital": the capital city
            elif lower == "group" and "ArmedGroup" in last and any(
                    c.dep_ == "det" and c.lower_ == "the" for c in t.lefts):  # "the Iran-backed group"
                self._mention(t.i, t.i + 1, last["ArmedGroup"], "ArmedGroup", "coref")

            elif lower in {"country", "nation"} and any(c.lower_ == "the" for c in t.lefts):
                state = self.main_state or last.get("State")
                if state:
                    self._mention(t.i, t.i + 1, state, "State", "coref")

    def pronoun(self, token: Token) -> Mention | None:
        """The actor a pronoun stands for ('its', 'they'), if we could tell."""
        return self.pronouns.get(token.i)

    def _find_pronouns(self) -> None:
        """'The United States will complete the withdrawal of its forces' (the clause's subject);
        'MINUSMA handed over its camp. Its withdrawal from Mali ...' (the last sentence's subject).
        'it'/'its' stand for one state, organisation, junta, army or group; 'they'/'their' for a
        group of fighters or an army. Kept out of :attr:`mentions`: only event roles read them."""
        singular = {"it", "its"}
        plural = {"they", "their", "them"}
        previous_subject: Mention | None = None
        for sent in self.sents:
            for t in sent:
                lower = t.lower_
                if lower == "government" and not self.at(t) and any(c.lower_ == "the" for c in t.lefts) and \
                        all(c.dep_ == "det" or c.lower_ in {"federal", "central", "national", "transitional"}
                            for c in t.lefts):
                    # "Kenya will send police. The government signed an agreement with Haiti"
                    found = self._clause_subject(t) or previous_subject
                    if found is not None and self.entities[found.actor_key].type == "State":
                        self._mention(t.i, t.i + 1, found.actor_key, "State", "coref")
                    continue
                if t.pos_ != "PRON" or lower not in singular | plural:
                    continue
                found = self._clause_subject(t)
                if found is None and t.i == sent.start:
                    found = previous_subject  # "Its withdrawal from Mali ...": the last subject
                if found is None:
                    continue
                etype = self.entities[found.actor_key].type
                if lower in plural and etype not in {"ArmedGroup", "ArmedForces"}:
                    continue
                if etype not in ACTOR_TYPES:
                    continue
                self.pronouns[t.i] = Mention(t.i, t.i + 1, found.actor_key, etype, "coref")
            # the subject of the sentence's last clause with an actor for subject
            previous_subject = None
            for t in sent:
                if t.pos_ in {"VERB", "AUX"}:
                    previous_subject = self._clause_subject(t, own=True, climb=False) or previous_subject

    def _clause_subject(self, token: Token, own: bool = False, climb: bool = True) -> Mention | None:
        """The actor in the subject of the clause ``token`` belongs to (``own``: of the verb
        ``token`` itself), not counting ``token``'s own subject phrase; ``climb``: else the
        subject of the clause that one depends on."""
        verb = token
        for _ in range(8):
            if verb.pos_ in {"VERB", "AUX"} and (own or verb.i != token.i):
                break
            if verb.head.i == verb.i:
                break
            verb = verb.head
        for _ in range(3):
            for c in verb.children:
                if c.dep_ not in {"nsubj", "nsubjpass"} or token.i in {x.i for x in c.subtree}:
                    continue
                head = c
                if c.tag_ in {"WDT", "WP"} and verb.dep_ == "relcl":
                    head = verb.head  # "MINUSMA, which handed over its camp"
                return self._near_actor(head)
            if verb.dep_ == "acl" and (own or verb.i != token.i):
                # "the mission, MINUSMA, handed over its camp" parsed as a modifier of "mission"
                m = self._near_actor(verb.head)
                if m is not None:
                    return m
            if climb and verb.dep_ in {"xcomp", "ccomp", "conj", "advcl", "relcl"} and verb.head.i != verb.i:
                verb = verb.head
            else:
                break
        return None

    def _near_actor(self, head: Token) -> Mention | None:
        """The actor a noun phrase names: its head, a name in apposition, a name close below."""
        near = [head] + [x for x in head.children if x.dep_ == "appos"] + \
            [x for x in head.subtree if x.head.i == head.i or x.head.head.i == head.i]
        for x in near:
            m = self.at(x)
            if m is not None and self.entities[m.actor_key].type in ACTOR_TYPES:
                return m
        return None

    @staticmethod
    def _group_size(t: Token) -> int:
        if t.lemma_.lower() not in {"country", "nation", "state", "neighbour", "neighbor", "junta",
                                    "government", "ally", "capital"} or t.tag_ != "NNS":
            return 0
        numbers = {"two": 2, "three": 3, "four": 4, "five": 5, "both": 2}
        for c in t.lefts:
            if c.lower_ in numbers:
                return numbers[c.lower_]
        return 0

    @staticmethod
    def _listed_with_bases(t: Token) -> bool:
        """'the Adji Kossei air base, the Abeche camp': a camp named beside bases is military."""
        return not any(w.lower_ in {"refugee", "displacement", "idp"} for w in t.lefts) and any(
            x.i != t.i and x.lemma_.lower() in {"base", "airbase"} for x in t.sent)

    def _capital_named(self, t: Token) -> bool:
        """Mention the capital city for 'Haiti's capital' or 'the Sudanese capital', unless its
        name follows ('the Nigerian capital Abuja')."""
        nxt = self.doc[t.i + 1] if t.i + 1 < len(self.doc) else None
        if nxt is not None and (nxt.pos_ == "PROPN" or nxt.text == "," and self.at(nxt.i + 1)):
            return False
        state = self._possessor_state(t)
        if state is None:
            state = next((self.demonym_state(c) for c in t.lefts if self.demonym_state(c)), None)
        entry = self.gaz.entries.get(state) if state else None
        if entry is None or not entry.capital or entry.capital not in self.gaz.entries:
            return False
        key = self.gaz_entity(self.gaz.entries[entry.capital])
        return self._mention(t.i, t.i + 1, key, "Settlement", "coref") is not None

    def led(self, person: str | None) -> list[str]:
        """Keys of what a person the gazetteer knows leads or led: states, organisations, groups;
        a junta's or an army's post counts as its state's (keys share the state's slug:
        military-junta/mali, state/mali)."""
        entry = self.gaz.entries.get(person) if person else None
        out: list[str] = []
        for post in entry.posts_in(None) if entry else []:
            kind, slug = post.split("/", 1)
            if kind in {"military-junta", "armed-forces"}:
                post = f"state/{slug}"
            if post in self.gaz.entries:
                out.append(post)
        return out

    def _led_state(self, person: str | None) -> str | None:
        """The state a person the gazetteer knows leads (or led), directly or through its junta
        or army."""
        return next((post for post in self.led(person) if post.startswith("state/")), None)

    def _possessor_state(self, token: Token) -> str | None:
        """"Niger's junta", "Mali's military government": the state named as the owner."""
        i = token.i - 1
        while i > 0 and self.doc[i].pos_ == "ADJ":
            i -= 1
        if i > 0 and self.doc[i].tag_ == "POS":
            m = self.at(i - 1)
            if m is not None:
                return self.state_of(m.actor_key)
        return None

    def _context_state(self, last: dict[str, str], token: Token) -> str | None:
        """The state a bare 'the junta' or 'the army' belongs to: the junta last named, else
        the article's main state (the state it names most)."""
        if "MilitaryJunta" in last:
            return self.state_of(last["MilitaryJunta"])
        # the junta-ruled state named last before the description, else the main state if junta-ruled
        for m in reversed(self.mentions):
            if m.start < token.i and m.type == "State" and m.key in lx.JUNTA_STATES:
                return m.key
        if self.main_state in lx.JUNTA_STATES:
            return self.main_state
        for m in self.mentions:
            if m.type == "State" and m.key in lx.JUNTA_STATES:
                return m.key
        return None
