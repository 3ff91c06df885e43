"""Partnerships between actors and the relations of CONTRACT section 2.

Partnerships come from sentences with a cue of ties ("ties", "cooperation",
"rapprochement", "pact") or of their end ("cut", "expel", "tear up",
"withdrawal"), read along the dependency path from each partner to its cue,
and from the events: a withdrawal ends a partnership, a deployment or an
agreement makes one. Relations come from the gazetteer's facts about the
entities an article names and from the sentence structure.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc, Span, Token

from kg import geo
from kg.extract import lexicon as lx
from kg.extract.dates import dates_in_sentence, is_future_context, modified_noun
from kg.extract.entities import PLACE_RANK, DocEntities, Mention
from kg.extract.events import REFERENCE_DATED, clause_verb, negated
from kg.extract.gazetteer import Gazetteer
from kg.extract.wordlists import matched_tokens
from kg.model import Event, Partnership, Relation

PARTNER_TYPES = {"State", "ArmedGroup", "InternationalOrganization"}


def _partner_key(m: Mention, ents: DocEntities) -> str | None:
    """Who a mention stands for in a partnership: juntas, armies and capitals stand for their state."""
    key = m.actor_key
    etype = ents.entities[key].type
    if etype in {"MilitaryJunta", "ArmedForces"}:
        return ents.state_of(key)
    if etype == "Settlement":  # "ties with Moscow": a capital stands for its state
        capital_of = ents.gaz.capital_of(key)
        return ents.state_entity(capital_of) if capital_of else None
    if etype in PARTNER_TYPES:
        return key
    if etype == "Person":  # "Tshisekedi leaned on Burundi": the state or group the leader leads
        for post in ents.led(key):
            if ents.gaz.entries[post].type in PARTNER_TYPES:
                return ents.gaz_entity(ents.gaz.entries[post])
    return None


def _status_along_path(token: Token) -> str | None:
    """Walk from a partner up to the first cue of ties or of their end."""
    node = token
    child = token
    for _ in range(6):
        lemma = node.lemma_.lower()
        if node.i != token.i:
            if node.pos_ == "VERB" and lemma in lx.END_VERBS and not negated(node):
                # "expelled France", "ended its cooperation with France"; not "closed borders with Niger"
                if (child.i == token.i and token.dep_ == "dobj") or lemma in {"expel", "oust", "kick"}:
                    return "Ended"
            if node.pos_ in {"NOUN", "PROPN"} and lemma in lx.END_NOUNS:
                return "Ended"
            if node.dep_ == "prep" and node.lower_ == "with" and (
                    node.head.lower_ in {"along", "together"} or
                    node.i > 0 and node.doc[node.i - 1].lower_ in {"along", "together"}):
                return None  # "along with Mali": a fellow actor, not a partner
            if node.dep_ == "prep" and node.lower_ == "alongside" and node.head.lemma_.lower() in {
                    "fight", "operate", "battle"} and not any(
                    c.dep_ == "prep" and c.lower_ in {"in", "within", "under"} for c in node.head.children):
                return "Active"  # "militias that fight alongside the army" (not soldiers of one force)
            if _passes_help(node, child):
                return "Active"  # "bought drones from China", "shipped shells to Russia", "leaned on Burundi"
            if lemma in lx.TIE_NOUNS or (node.pos_ == "VERB" and lemma in lx.TIE_VERBS):
                head = node.head
                if head.lemma_.lower() in {"mend", "restore", "repair", "normalise", "normalize",
                                           "review", "reconsider", "rebuild"}:
                    return None  # ties being repaired or reviewed: no standing status
                if node.pos_ in {"NOUN", "PROPN"} and node.dep_ in {"dobj", "nsubjpass", "pobj", "conj"} \
                        and head.pos_ == "VERB" and head.lemma_.lower() in lx.END_VERBS and not negated(head):
                    return "Ended"
                if any(c.lemma_.lower() in {"former", "ex", "erstwhile"} for c in node.children):
                    return "Ended"
                return "Active"
            if node.pos_ == "VERB" and child.dep_ in {"nsubj", "nsubjpass"}:
                # "Ethiopia and Eritrea have cut diplomatic ties", "A and B signed a pact": the
                # partners are the subject, the ties the object
                ties = [c for c in node.children if c.dep_ == "dobj" and c.lemma_.lower() in lx.TIE_NOUNS]
                if ties and lemma in {"mend", "restore", "repair", "normalise", "normalize", "review",
                                      "reconsider", "rebuild"}:
                    return None
                if ties and not negated(node):
                    return "Ended" if lemma in lx.END_VERBS else "Active"
        if node.head.i == node.i:
            break
        child, node = node, node.head
    return None


BACKING_VERBS = {"back", "support", "sponsor", "arm", "fund", "finance", "equip", "train", "ally"}


def _actor_of(token: Token, ents: DocEntities) -> str | None:
    """The actor a noun phrase names: the token itself or a name inside its compounds."""
    for tok in [token, *[c for c in token.lefts if c.dep_ in {"compound", "amod", "nmod", "poss"}]]:
        m = ents.at(tok)
        key = _partner_key(m, ents) if m is not None else None
        if key:
            return key
        state_key = ents.demonym_state(tok)
        if state_key:
            return ents.state_entity(state_key)
    return None


def _backing(doc: Doc, ents: DocEntities) -> list[tuple[str, str, str]]:
    """'the Rwanda-backed M23', 'Houthi rebels, backed by Iran', 'Russian-backed forces'."""
    found: list[tuple[str, str, str]] = []
    for t in doc:
        if t.lemma_.lower() not in BACKING_VERBS or t.tag_ != "VBN" or negated(t):
            continue
        backed = _actor_of(t.head, ents) if t.dep_ in {"amod", "acl", "relcl", "compound"} else None
        backer = None
        for c in t.children:
            if c.dep_ == "agent":  # "backed by Iran"
                for o in c.children:
                    backer = _actor_of(o, ents) or backer
            elif c.dep_ in {"npadvmod", "compound", "nmod", "amod"} and c.i < t.i:  # "Rwanda-backed"
                backer = _actor_of(c, ents) or backer
        if backer is None and t.i >= 2 and doc[t.i - 1].text == "-":
            backer = _actor_of(doc[t.i - 2], ents)
        if backer and backed and backer != backed:
            found.append((backer, backed, t.sent.text.strip()))
    return found


def _membership_verb(token: Token) -> bool:
    node = token
    for _ in range(4):
        if node.lemma_.lower() in {"leave", "join", "quit", "exit", "rejoin", "withdraw", "suspend",
                                   "expel", "admit"}:
            return True
        if node.head.i == node.i:
            break
        node = node.head
    return False


def _sentence_cue(sent: Span) -> str | None:
    status = None
    for t in sent:
        lemma = t.lemma_.lower()
        if t.pos_ == "VERB" and lemma in lx.END_VERBS and not negated(t):
            if lemma in {"leave", "withdraw", "exit", "quit", "order", "close"}:
                continue  # too common to end a partnership alone
            return "Ended"
        if t.pos_ in {"NOUN"} and lemma in {"tie", "relation", "partnership", "cooperation",
                                             "rapprochement", "alliance", "ally", "partner", "pact"}:
            status = "Active"
        if t.pos_ == "VERB" and lemma in {"ally", "partner", "cooperate", "court", "cultivate",
                                           "forge", "deepen", "strengthen"}:
            status = "Active"
        if _given(t):
            status = "Active"
    return status


#: nouns that stand for a state's power ("whose government", "whose rulers")
STATE_NOUNS = {"government", "leader", "ruler", "junta", "president", "authority", "regime",
               "leadership", "administration", "military"}
SUPPLY_VERBS = {"deliver", "supply", "sell", "send", "provide", "donate", "ship"}
ACQUIRE_VERBS = {"buy", "acquire", "obtain", "purchase", "procure", "receive", "order"}
LEAN_VERBS = {"lean", "rely", "depend"}


def _passes_help(verb: Token, link: Token) -> bool:
    """``link``, a word below ``verb``, is how help passes between two actors: 'delivered drones
    *to* Mali', 'bought drones *from* China', 'leaned *on* Burundi'."""
    lemma = verb.lemma_.lower()
    if verb.pos_ != "VERB":
        return False
    if lemma in SUPPLY_VERBS:
        return link.lower_ == "to" or link.dep_ == "dative"
    if lemma in ACQUIRE_VERBS:
        return link.lower_ == "from"
    return lemma in LEAN_VERBS and link.lower_ == "on"


def _given(t: Token) -> bool:
    """Help given from one actor to another: 'delivered drones to Burkina Faso', 'with support
    from Turkey', 'welcomed Rwandan troops', 'turned to Iran for drones', 'bought drones from
    China', 'fight alongside the army'."""
    lemma = t.lemma_.lower()
    preps = {c.lower_ for c in t.children if c.dep_ in {"prep", "dative"}}
    if t.pos_ == "VERB" and lemma in SUPPLY_VERBS | ACQUIRE_VERBS | LEAN_VERBS:
        return any(_passes_help(t, c) for c in t.children if c.dep_ in {"prep", "dative"})
    if t.pos_ == "VERB" and lemma == "turn":
        return "to" in preps and "for" in preps
    if lemma == "alongside" and t.dep_ == "prep":
        return True
    if t.pos_ == "VERB" and lemma == "welcome":
        return any(c.dep_ == "dobj" and c.lemma_.lower() in lx.FORCE_NOUNS for c in t.children)
    if t.pos_ == "NOUN" and lemma in {"support", "backing", "assistance", "help", "aid"}:
        return any(c.dep_ == "prep" and c.lower_ == "from" for c in t.children)
    return False


def _host(sent: Span, ents: DocEntities, token: Token | None = None) -> str | None:
    """The actor whose ties the sentence is about: the subject of the clause that holds the
    partner ("Bamako has deepened its ties with Moscow, officials said"), else of the sentence."""
    verbs: list[Token] = []
    node = token
    for _ in range(6):
        if node is None:
            break
        if node.pos_ in {"VERB", "AUX"}:
            verbs.append(node)
        if node.head.i == node.i:
            break
        node = node.head
    verbs.append(sent.root)
    for verb in verbs:
        if verb.dep_ == "relcl" and any(c.dep_ in {"nsubj", "nsubjpass"} and (
                c.tag_ in {"WDT", "WP"} or c.lemma_.lower() in STATE_NOUNS and
                any(w.tag_ == "WP$" for w in c.children)) for c in verb.children):
            m = ents.at(verb.head)  # "Niger, whose government turned to Russia": Niger
            key = _partner_key(m, ents) if m is not None else None
            if key:
                return key
        for c in verb.children:
            if c.dep_ in {"nsubj", "nsubjpass"}:
                for tok in c.subtree:
                    m = ents.at(tok)
                    if m:
                        key = _partner_key(m, ents)
                        if key:
                            return key
    return None


def read_partnerships(doc: Doc, ents: DocEntities, events: list[Event]) -> list[Partnership]:
    stated: dict[tuple[str, str], tuple[str, str, float]] = {}
    when: dict[tuple[str, str], tuple[str | None, str | None]] = {}  # pair -> (since, until)
    published = (doc.user_data.get("article") or {}).get("published")

    def state(a: str, b: str, status: str, evidence: str, conf: float, sent: Span | None = None,
              date: str | None = None, token: Token | None = None) -> None:
        if a == b or not a or not b:
            return
        pair = tuple(sorted((a, b)))
        old = stated.get(pair)  # type: ignore[arg-type]
        if old is None or (status == "Ended" and old[0] != "Ended") or \
                (status == old[0] and conf > old[2]):
            stated[pair] = (status, evidence, conf)  # type: ignore[index]
            span = _partnership_dates(sent, status, published, token) if sent is not None else (None, None)
            if date and span == (None, None):
                span = (None, date) if status == "Ended" else (date, None)
            when[pair] = span  # type: ignore[index]

    for sent in ents.sents:
        sentence_status = _sentence_cue(sent)
        if sentence_status is None:
            continue
        # who: named actors, and demonyms of states ("Turkish drones", "its Russian allies")
        candidates: list[tuple[str, Token]] = []
        for m in ents.in_span(sent):
            key = _partner_key(m, ents)
            if key:
                candidates.append((key, doc[m.start:m.end].root))
        for t in sent:
            state_key = ents.demonym_state(t)
            if state_key and not ents.at(t) and t.dep_ in {"amod", "compound", "nmod"}:
                key = ents.state_entity(state_key)
                if key:
                    candidates.append((key, t))
        if not candidates:
            continue
        text = sent.text.strip()
        for key, token in candidates:
            if any(a.lower_ == "according" for a in token.ancestors):
                continue  # "according to South Korean officials": the source, not a partner
            host = _host(sent, ents, token) or ents.main_state
            if host is None or ents.entities[host].type not in {"State", "InternationalOrganization"}:
                continue
            host_entry = ents.gaz.entries.get(host)
            if key == host:
                continue
            etype = ents.entities[key].type
            if ents.insurgent(key):
                continue  # insurgents are fought, not partnered; mercenary companies are hired
            if etype == "InternationalOrganization" and host_entry is not None and \
                    key in host_entry.member_of:
                continue  # membership, not a partnership
            status = _status_along_path(token)
            if status is None:
                continue
            if etype == "InternationalOrganization" and _membership_verb(token):
                continue  # "leaves ECOWAS", "joins the AU"
            state(host, key, status, text, 0.8, sent, token=token)

    for backer, backed, evidence in _backing(doc, ents):
        state(backer, backed, "Active", evidence, 0.8)

    by_reference = set(doc.user_data.get(REFERENCE_DATED, ()))
    for index, ev in enumerate(events):
        # a date that is only the story's year is not a date of the relation
        ev_date = None if index in by_reference else ev.date
        host = ents.state_of(ev.place) if ev.place else None
        if ev.type == "Attack" and len(ev.perpetrators) > 1:
            # "the United States and Britain launched strikes", "M23 fighters and Rwandan troops
            # attacked": who attack together are allies
            sides = sorted({s for p in ev.perpetrators
                            if (s := ents.state_of(p) if ents.entities[p].type == "ArmedForces" else p)})
            for i, a in enumerate(sides):
                for b in sides[i + 1:]:
                    state(a, b, "Active", ev.evidence, 0.7)
        if ev.type == "Withdrawal" and host:
            for p in ev.participants:
                if p != host:
                    state(host, p, "Ended", ev.evidence, 0.8, date=ev_date)
        elif ev.type == "Deployment" and host:
            for p in ev.participants:
                state(host, p, "Active", ev.evidence, 0.8, date=ev_date)
        elif ev.type == "Agreement":
            # a peace deal with insurgents ends fighting; it does not make them partners
            ps = [p for p in ev.participants if not ents.insurgent(p)]
            for i, a in enumerate(ps):
                for b in ps[i + 1:]:
                    state(a, b, "Active", ev.evidence, 0.8)
    return [Partnership(partners=pair, status=status, evidence=evidence, confidence=conf,
                        since=when.get(pair, (None, None))[0], until=when.get(pair, (None, None))[1])
            for pair, (status, evidence, conf) in sorted(stated.items())]


#: words that open a relation's span of time: "since 2021", "from March", "began in 1960"
_SINCE_WORDS = {"since", "from"}
_UNTIL_WORDS = {"until", "till", "to", "through"}
_START_VERBS = {"begin", "start", "launch", "establish", "forge", "sign", "conclude"}
_END_VERBS = {"end", "last", "terminate", "expire", "cease", "break", "sever", "cut", "suspend"}


def _in_clause_of(span: Span, token: Token | None) -> bool:
    """The date is said in the partner's clause or a clause governing it, not in a clause joined
    to it ('broke with France in 2022, and has worked with Russia since 2021': 2021 is Russia's)."""
    if token is None:
        return True
    mine, verb = clause_verb(token), clause_verb(span.root)
    if verb.i == mine.i or verb.i in {a.i for a in mine.ancestors}:
        return True
    node = verb
    for _ in range(8):
        if node.dep_ == "conj" or node.head.i == node.i:
            return False
        node = node.head
        if node.i == mine.i:
            return True
    return False


def _partnership_dates(sent: Span, status: str, published: str | None,
                       token: Token | None = None) -> tuple[str | None, str | None]:
    """(since, until) of a partnership from its sentence's own dates, said in the partner's
    clause: "since 2021", "from March", "since the 2021 coup", "began in 1960" start it; "until
    2022", "lasted until", or for an ended one its other past date ("ended in 2021": 2021, never
    the publication date), end it. Future dates ("by June") are deadlines, not dates of the
    relation."""
    since = until = None
    for span, value in dates_in_sentence(sent, published):
        if is_future_context(span) or not _in_clause_of(span, token):
            continue
        anchor = modified_noun(span) or span.root  # "since the 2021 coup": the coup's preposition
        first = span.doc[span.start - 1].lower_ if span.start > sent.start else ""
        words = {first, span[0].lower_} | ({anchor.head.lower_} if anchor.dep_ == "pobj" else set())
        verb = clause_verb(span.root).lemma_.lower()
        if words & _SINCE_WORDS or (verb in _START_VERBS and not words & _UNTIL_WORDS):
            since = since or value
        elif words & _UNTIL_WORDS and "since" not in words:
            until = until or value
        elif (status == "Ended" or verb in _END_VERBS) and until is None:
            until = value
        elif status == "Active" and since is None and words & {"in", "on"} and not \
                {"ago", "last", "this"} & {t.lower_ for t in span}:
            since = value  # "signed a defence pact in 2021"
    return since, until


# ------------------------------------------------------------------ relations
def read_relations(doc: Doc, ents: DocEntities, events: list[Event], gaz: Gazetteer,
                   year: int | None = None) -> list[Relation]:
    out: dict[tuple[str, str, str], Relation] = {}

    def add(s: str | None, p: str, o: str | None, evidence: str | None = None, conf: float = 0.8) -> None:
        if not s or not o or s == o or s not in ents.entities or o not in ents.entities:
            return
        out.setdefault((s, p, o), Relation(s, p, o, evidence, conf))

    keys = set(ents.entities)
    # forces and juntas belong to their state
    for key, entity in ents.entities.items():
        if entity.type == "ArmedForces":
            add(key, "armedForcesOf", ents.state_of(key), conf=0.9)
        elif entity.type == "MilitaryJunta":
            add(key, "governs", ents.state_of(key), conf=0.9)
    # containment from the gazetteer, and from the sentence
    stated: set[str] = set()
    for m in ents.mentions:
        if m.type in {"Settlement", "Region"}:
            container = _container(doc, m, ents)
            entry = gaz.entries.get(m.key)
            if container and container.startswith("state/") and entry is not None and \
                    entry.region in keys and gaz.country_of(entry.region) == container:
                container = entry.region  # "Goma, in eastern Congo", and North Kivu named elsewhere
            if container:
                stated.add(m.key)
                add(m.key, "locatedIn", container, doc[m.start:m.end].sent.text.strip(), 0.85)
    # a capital only ever standing for its government ("Washington said") is not a place here
    as_place = {m.key for m in ents.mentions if m.actor is None or m.actor == m.key}
    for key, entity in list(ents.entities.items()):
        entry = gaz.entries.get(key)
        if entity.type in {"Settlement", "Region"} and entry is not None and key not in stated \
                and key in as_place:
            if entity.type == "Settlement" and entry.region in keys:
                add(key, "locatedIn", entry.region, conf=0.75)
            elif entry.country in keys:
                add(key, "locatedIn", entry.country, conf=0.75)
        if entity.type == "MilitaryBase":
            place = ents.base_places.get(key)
            add(key, "locatedIn", place, conf=0.85)
        parent = ents.region_parents.get(key)
        if parent and key not in stated:  # "Masisi territory": in its town's region, else country
            add(key, "locatedIn", parent if parent in keys else ents.state_of(key), conf=0.7)
    # memberships and affiliations the gazetteer knows, between entities the article names
    together: set[tuple[str, str]] = set()
    for sent in ents.sents:
        here = {m.key for m in ents.in_span(sent)}
        together |= {(a, b) for a in here for b in here if a != b}
    for key in keys:
        entry = gaz.entries.get(key)
        if entry is None:
            continue
        for io in entry.member_of:
            if (key, io) in together and not io.endswith("/united-nations"):
                add(key, "memberOf", io, conf=0.8)
        for parent in entry.affiliated_with:
            if parent in keys:
                add(key, "affiliatedWith", parent, conf=0.85)
        # a leader the gazetteer knows, and what they led in the year of the article, if named;
        # a junta leader leads the state through the junta
        posts = [p for p in entry.posts_in(year) if p in keys]
        for post in posts:
            if not any(other != post and ents.state_of(other) == post for other in posts):
                add(key, "leaderOf", post, conf=0.9)
    for sent in ents.sents:
        _sentence_relations(sent, ents, add)
    # events: how precisely their place locates them; perpetrators are active where they
    # attack; bases are run by who leaves them
    for ev in events:
        ev.geo_precision = geo.precision(ev, ents.entities.get(ev.place) if ev.place else None)
        if ev.type == "Attack" and ev.place:
            state = ents.state_of(ev.place)
            for p in ev.perpetrators:
                if ents.entities[p].type == "ArmedGroup":
                    add(p, "activeIn", state, ev.evidence, 0.6)
        if ev.type == "Attack" and ev.place and ents.entities[ev.place].type == "MilitaryBase":
            for t in ev.targets:
                if ents.entities[t].type == "ArmedForces":
                    add(ev.place, "operatedBy", t, ev.evidence, 0.5)
        if ev.type in {"Withdrawal", "Deployment"} and ev.place and \
                ents.entities[ev.place].type == "MilitaryBase":
            for p in ev.participants:
                add(ev.place, "operatedBy", p, ev.evidence, 0.75)
    return list(out.values())


def _container(doc: Doc, m: Mention, ents: DocEntities) -> str | None:
    """'Sanam, in the Tillaberi region', 'the village of X in northern Mali'."""
    root = doc[m.start:m.end].root
    heads = [root]
    if root.head.lemma_.lower() in lx.SETTLEMENT_NOUNS | {"of"}:
        heads.append(root.head)
        if root.head.head.lemma_.lower() in lx.SETTLEMENT_NOUNS:
            heads.append(root.head.head)
    # "Boulkessi, in the central Mopti region": a larger place right after the name
    i = m.end
    while i < len(doc) and i < m.end + 6 and (doc[i].lower_ in {",", "in", "the", "a", "its", "of"} or
                                                doc[i].pos_ == "ADJ"):
        i += 1
    other = ents.at(i) if i < len(doc) and i > m.end and doc[m.end:i].text.strip(", ").startswith("in") else None
    if other and _larger(other, m, ents):
        # "in western Niger's Tillaberi region": the most specific of the places said
        j = other.end
        if j < len(doc) and doc[j].tag_ == "POS":
            j += 1
            while j < len(doc) and doc[j].pos_ == "ADJ":
                j += 1
            inner = ents.at(j) if j < len(doc) else None
            if inner and _larger(inner, m, ents) and PLACE_RANK[inner.type] > PLACE_RANK[other.type]:
                return inner.key
        return other.key
    for h in heads:
        for c in list(h.children):
            if c.dep_ in {"prep", "appos"} and c.lower_ in {"in", "near", "of", ","} | {c.lower_}:
                if c.dep_ == "prep" and c.lower_ not in {"in"}:
                    continue
                found = [o for o in (ents.at(tok) for tok in c.subtree) if o and _larger(o, m, ents)]
                if found:
                    return max(found, key=lambda o: PLACE_RANK[o.type]).key
    return None


def _larger(other: Mention, m: Mention, ents: DocEntities) -> bool:
    """``other`` is a place of a larger kind than ``m``, with another name."""
    return other.key != m.key and other.type in PLACE_RANK and PLACE_RANK[other.type] < PLACE_RANK[m.type] \
        and ents.entities[other.key].label != ents.entities[m.key].label


def _sentence_relations(sent: Span, ents: DocEntities, add) -> None:
    doc = sent.doc
    text = sent.text.strip()
    _contributions(sent, ents, add, text)
    mentions = ents.in_span(sent)
    for m in mentions:
        etype = ents.entities[m.key].type
        span = doc[m.start:m.end]
        if etype == "Person":
            _leader(span, m, ents, add, text)
        elif etype == "ArmedGroup":
            _group_facts(sent, span, m, ents, add, text)
        elif etype == "MilitaryBase":
            for tok in list(span) + list(span.root.children):
                state = ents.demonym_state(tok)
                other = ents.at(tok)
                if state:
                    add(m.key, "operatedBy", ents.state_entity(state), text, 0.5)
                elif other and other is not m and ents.entities[other.actor_key].type in {
                        "State", "InternationalOrganization", "ArmedForces", "ArmedGroup"}:
                    add(m.key, "operatedBy", other.actor_key, text, 0.5)


#: verbs by which a force is made of its members' troops ("the MNJTF groups troops from ...")
GROUPING_VERBS = {"group", "comprise", "include", "bring", "gather", "unite", "involve", "draw", "pool"}
#: verbs by which a state's troops take part in a force ("Chadian troops serve in the MNJTF")
SERVING_VERBS = {"serve", "contribute", "participate", "join", "deploy", "operate", "fight", "take"}


def _states_in(tokens: Iterable[Token], ents: DocEntities) -> list[str]:
    """The states a phrase names: 'Nigeria, Niger and Cameroon', 'Chadian troops', 'Chad's army'."""
    out: list[str] = []
    for tok in tokens:
        m = ents.at(tok)
        key = ents.state_of(m.actor_key) if m is not None and m.type in {"State", "ArmedForces"} else None
        if key is None and (demonym := ents.demonym_state(tok)):
            key = ents.state_entity(demonym)
        if key and key not in out:
            out.append(key)
    return out


#: verbs that say where a mission's troops come from ("drew soldiers from", "troops come from")
ORIGIN_VERBS = {"come", "draw", "hail", "recruit", "contribute", "include"}


def _mission(key: str, ents: DocEntities) -> bool:
    """A peacekeeping or military mission, task force or operation (not a bloc like ECOWAS)."""
    entity = ents.entities[key]
    words = {w for name in [entity.label, *entity.aliases] for w in name.lower().split()}
    return bool({"mission", "force", "operation", "task"} & words)


def _contributions(sent: Span, ents: DocEntities, add, text: str) -> None:
    """Members of a force or mission, told by the troops they send."""
    doc = sent.doc
    for m in ents.in_span(sent):
        if ents.entities[m.key].type != "InternationalOrganization":
            continue
        root = doc[m.start:m.end].root
        members: list[str] = []
        # "the MNJTF, which groups troops from Nigeria, Chad and Cameroon"
        verbs = [c for c in root.children if c.dep_ in {"relcl", "acl"}]
        if root.dep_ == "nsubj":
            verbs.append(root.head)
        for verb in verbs:
            if verb.lemma_.lower() in GROUPING_VERBS:
                for c in verb.children:
                    if c.dep_ in {"dobj", "prep"} and c.i > root.i:
                        members += _states_in(c.subtree, ents)
        # "Chadian troops serve in the MNJTF alongside forces from Nigeria, Niger and Cameroon"
        if root.dep_ == "pobj" and root.head.lower_ in {"in", "to", "within", "with"}:
            verb = root.head.head
            if verb.lemma_.lower() in SERVING_VERBS:
                for c in verb.children:
                    if c.dep_ in {"nsubj", "nsubjpass"} and any(
                            t.lemma_.lower() in lx.FORCE_NOUNS | {"army"} for t in c.subtree):
                        members += _states_in(c.subtree, ents)
                    if c.dep_ == "prep" and c.lower_ in {"alongside", "with", "beside"}:
                        members += _states_in(c.subtree, ents)
        if _mission(m.key, ents):
            # "deployed with troops from South Africa, Malawi and Tanzania", "whose troops come from
            # A and B", "drew soldiers from countries including A and B", "South Africans serving
            # with SAMIDRC": a mission is made of the troops the sentence says come from somewhere
            for t in sent:
                if t.lemma_.lower() in lx.FORCE_NOUNS - lx.MATERIEL_NOUNS:
                    for c in [*t.children, *t.head.children]:
                        if c.dep_ == "prep" and c.lower_ == "from" and (c.head.i == t.i or c.head.i == t.head.i
                                                                        and t.head.lemma_.lower() in ORIGIN_VERBS):
                            members += _states_in(c.subtree, ents)
                if t.lemma_.lower() in {"serve", "contribute"} and any(
                        c.dep_ == "prep" and c.lower_ in {"with", "in", "to"} and
                        any(ents.at(x) is m for x in c.subtree) for c in t.children):
                    head = t.head if t.dep_ in {"acl", "relcl"} else t
                    members += _states_in([head, *head.lefts], ents)
        for state in members:
            add(state, "memberOf", m.key, text, 0.8)


def _leader(span: Span, m: Mention, ents: DocEntities, add, text: str) -> None:
    doc = span.doc
    title_words: list[Token] = []
    i = span.start - 1
    while i >= 0 and i >= span.start - 4:
        t = doc[i]
        if t.lower_ in {w for title in lx.LEADER_TITLES for w in title.split()} or t.lower_ in {
                "military", "junta", "transitional", "interim", "elected", "ousted", "deposed", "former"}:
            title_words.insert(0, t)
            i -= 1
            continue
        break
    owner: Mention | None = None
    j = i
    while j >= 0 and j >= i - 2:
        t = doc[j]
        if t.tag_ == "POS" or t.is_punct:
            j -= 1
            continue
        owner = ents.at(t)
        state = ents.demonym_state(t)
        if owner is None and state:
            key = ents.state_entity(state)
            owner = Mention(j, j + 1, key, "State", "pattern") if key else None
        break
    words = {t.lower_ for t in title_words}
    if words & {"ousted", "deposed", "former", "elected"}:
        return
    # "X, the head of Y" / "X, Y's president"
    for c in span.root.children:
        if c.dep_ == "appos" and c.lemma_.lower() in lx.HEAD_OF_TITLES | {"chairman", "leader"}:
            for tok in c.subtree:
                other = ents.at(tok)
                if other and other is not m:
                    add(m.key, "leaderOf", other.actor_key, text, 0.7)
                    return
    if not words:
        return
    military = bool(words & lx.MILITARY_TITLES) or "junta" in words or "military" in words
    if owner is not None:
        otype = ents.entities[owner.actor_key].type
        if otype in {"MilitaryJunta", "InternationalOrganization", "ArmedGroup"}:
            add(m.key, "leaderOf", owner.actor_key, text, 0.8)
            return
        if otype == "State":
            junta = _junta_of(owner.actor_key, ents)
            if junta and (military or "president" in words):
                add(m.key, "leaderOf", junta, text, 0.75)
            elif words & {"president", "prime", "king", "emir", "leader"}:
                add(m.key, "leaderOf", owner.actor_key, text, 0.8)
            return
    if "leader" in words or military and words & {"leader", "head"}:
        state = ents.main_state
        junta = _junta_of(state, ents) if state else None
        if junta and ("military" in words or "junta" in words):
            add(m.key, "leaderOf", junta, text, 0.75)


def _junta_of(state: str | None, ents: DocEntities) -> str | None:
    for key, entity in ents.entities.items():
        if entity.type == "MilitaryJunta" and ents.state_of(key) == state:
            return key
    return None


def _group_facts(sent: Span, span: Span, m: Mention, ents: DocEntities, add, text: str) -> None:
    doc = sent.doc
    root = span.root
    # "X, an al-Qaeda affiliate", "groups affiliated with Islamic State", "Islamic State's offshoot"
    for c in root.children:
        if c.dep_ == "appos" and c.lemma_.lower() in {"affiliate", "branch", "offshoot", "franchise",
                                                      "wing", "arm", "ally", "faction", "splinter"}:
            for tok in c.subtree:
                other = ents.at(tok)
                if other and other is not m and ents.entities[other.key].type == "ArmedGroup":
                    add(m.key, "affiliatedWith", other.key, text, 0.75)
        if c.dep_ in {"acl", "amod"} and c.lemma_.lower() in {"affiliate", "affiliated", "link",
                                                               "linked", "loyal", "ally", "allied", "tie"}:
            for tok in c.subtree:
                other = ents.at(tok)
                if other and other is not m and ents.entities[other.key].type == "ArmedGroup":
                    add(m.key, "affiliatedWith", other.key, text, 0.75)
    # where a group acts: a place in the group's own clause ("JNIM fighters attacked ... in Mopti"),
    # or the state that "grapples with threats from" it
    verb = clause_verb(root)
    for other in ents.in_span(sent):
        if other.type not in PLACE_RANK or other.type == "MilitaryBase" or other.key == m.key or other.actor:
            continue
        place = doc[other.start:other.end].root
        while place.dep_ == "conj" and place.head.i != place.i:
            place = place.head  # "in Burkina Faso, Niger and Benin"
        prep = place.head
        if _talks_venue(prep):
            continue  # "talks in Doha", "met in Algiers": where they negotiate, not where they fight
        if place.dep_ == "pobj" and prep.lower_ in {"in", "across", "throughout", "around", "near", "inside"} \
                and (clause_verb(prep).i == verb.i or prep.head in list(root.subtree)):
            add(m.key, "activeIn", other.key, text, 0.55)
    words = {t.lemma_.lower() for t in sent}
    if words & {"threat", "insurgency", "grapple", "battle", "fight", "face", "combat"}:
        subject = [c for c in sent.root.children if c.dep_ in {"nsubj", "nsubjpass"}]
        for c in subject:
            other = ents.at(c)
            if other and other.type == "State" and root.i not in {t.i for t in c.subtree}:
                add(m.key, "activeIn", other.key, text, 0.6)


def _talks_venue(prep: Token) -> bool:
    """The place of ``prep`` ("in Doha") is where talks, a meeting or a signing were held
    (patterns "talks_venue", kg/data/patterns.json: the word it hangs on, or its verb's object,
    is one of talks_words)."""
    doc = prep.doc
    venues = doc.user_data.get("ckg_talks_venues")
    if venues is None:
        venues = doc.user_data["ckg_talks_venues"] = matched_tokens(doc, "talks_venue", "prep")
    return prep.i in venues


#: what the last word of "French troops" may be for the phrase to name troops, not an institution
TROOP_LEMMAS = {"troop", "soldier", "force", "personnel", "contingent", "unit"}


def idle_forces(ents: DocEntities, events: list[Event], partnerships: list[Partnership],
                relations: list[Relation]) -> set[str]:
    """Armed forces named only as "French troops" or "US forces" that take no part in an event,
    a partnership or a relation: the article speaks of the state's presence, and the state
    stands for it (in withdrawals, deployments and partnerships) already."""
    used: set[str] = set()
    for ev in events:
        used |= set(ev.perpetrators) | set(ev.targets) | set(ev.participants)
        used |= {c.victim for c in ev.casualties if c.victim}
    for p in partnerships:
        used |= set(p.partners)
    for r in relations:
        used |= {r.o} | ({r.s} if r.p != "armedForcesOf" else set())
    idle = {key for key, e in ents.entities.items() if e.type == "ArmedForces"} - used
    for m in ents.mentions:
        if m.key in idle and ents.doc[m.end - 1].lemma_.lower() not in TROOP_LEMMAS:
            idle.discard(m.key)  # "the Malian army": the institution itself is named
    return idle
