"""Events and their casualty figures, read sentence by sentence from the parse.

A sentence yields an event when it holds a trigger (a verb or noun of
:mod:`kg.extract.lexicon`) that is not negated or hypothetical, or casualty
figures. A definite description ("the attack", "the clashes", "the
overthrow") and casualty figures with no trigger, place or date of their own
refer back to the latest event of that kind, so one event gathers what
several sentences say about it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from kg.extract import lexicon as lx
from kg.extract.dates import (
    dates_in_sentence,
    is_current_context,
    modified_noun,
    reference_date,
    resolve_date,
)
from kg.extract.entities import PLACE_RANK, DocEntities, Mention, place_head_words
from kg.extract.numbers import quantity_of
from kg.extract.wordlists import words as wordlist
from kg.model import Casualty, Event

#: verbs that describe fighting in general ("has fought alongside the army since 2021"): an
#: event only with casualty figures
WEAK_ATTACK_VERBS = {"fight", "clash", "target", "hit", "strike", "battle", "shoot"}
NON_COUNT_ENTS = {"DATE", "TIME", "MONEY", "PERCENT", "ORDINAL", "QUANTITY"}
MODALS = lx.MODALS
DENIAL = lx.DENIAL_VERBS
HYPOTHETICAL = lx.INTENT_VERBS
#: how a trigger's type follows from its lemma and part of speech
TRIGGERS: list[tuple[str, frozenset[str], frozenset[str]]] = [
    ("Coup", lx.COUP_NOUNS, lx.COUP_VERBS),
    ("Attack", lx.ATTACK_NOUNS, lx.ATTACK_VERBS),
    ("Withdrawal", lx.WITHDRAWAL_NOUNS, lx.WITHDRAWAL_VERBS),
    ("Deployment", lx.DEPLOYMENT_NOUNS, lx.DEPLOYMENT_VERBS),
    ("Agreement", frozenset(), lx.AGREEMENT_VERBS),
]


@dataclass
class Trigger:
    type: str
    token: Token
    definite: bool
    tentative: bool = False  # a weak word ("struck", "fighting") with nothing else said yet


@dataclass
class _Draft:
    event: Event
    sent_index: int
    place_rank: int = 0
    dated: bool = False
    extra: list[str] = field(default_factory=list)
    tentative: bool = False  # dropped unless a later sentence refers back to it
    fresh: bool = False  # told as another event: 'a separate attack', 'another raid'
    own_figures: bool = False  # figures told in its own sentence (not added by later ones)
    #: told with no date of its own, as current news ('has commenced', 'are leaving'): the date
    #: that says, at the precision known (the story's year, or the month of the statement telling it)
    current: str | None = None


def negated(token: Token) -> bool:
    """The trigger is negated, denied, hypothetical or only planned."""
    node: Token | None = token
    for _ in range(4):
        if node is None:
            break
        children = list(node.children)
        if any(c.dep_ == "neg" or c.lower_ in {"never", "no"} for c in children):
            return True
        if any(c.lower_ in MODALS and c.dep_ == "aux" and not _epistemic_past(node, c) for c in children):
            return True
        if any(c.dep_ == "mark" and c.lower_ in {"if", "unless", "whether"} for c in children):
            return True
        if node.lemma_.lower() in DENIAL | HYPOTHETICAL and node.i != token.i:
            return True
        if node.dep_ in {"ROOT"} or node.head.i == node.i:
            break
        node = node.head
    return False


def _epistemic_past(verb: Token, modal: Token) -> bool:
    """'may have been killed', 'might have died': a past event told with caution, not a
    hypothetical one. A counterfactual keeps its 'if' ('may have died if ...') and is caught there."""
    return modal.lower_ in lx.EPISTEMIC_MODALS and verb.tag_ == "VBN" and any(
        c.dep_ == "aux" and c.lemma_.lower() == "have" and c.i > modal.i for c in verb.children)


def not_real(token: Token) -> bool:
    """The trigger is not a completed event: negated, denied, hypothetical or planned
    (:func:`negated`), or stopped before it happened ('a planned ambush was thwarted', 'the army
    foiled an attack', 'a possible attack')."""
    if negated(token):
        return True
    if any(c.dep_ in {"amod", "compound"} and c.lower_ in lx.UNREAL_MODIFIERS for c in token.children):
        return True
    for n in _below(token, token.doc[token.sent.root.i] if token.has_head() else token, 7)[1:]:
        if n.dep_ == "relcl":
            break  # "rejected the report, which said troops had attacked X": the report's own claim
        if n.head.lemma_.lower() in DENIAL and n.dep_ in {"ccomp", "dobj", "nsubjpass"}:
            return True  # "dismissed claims that 30 soldiers were killed in an attack near X"
    node = token
    for _ in range(3):
        if node.lemma_.lower() in lx.FOIL_VERBS and node.i != token.i:
            return True
        if node.head.i == node.i:
            break
        node = node.head
    return False


def _definite(token: Token) -> bool:
    """'the attack', 'its withdrawal', "Wagner's exit": an event already told, or told now."""
    return any((c.dep_ == "det" and c.lower_ in {"the", "this", "that"}) or c.dep_ == "poss"
               for c in token.lefts)


def _definite_participants(verb: Token) -> bool:
    """'The attackers stormed the base': a verb about actors or targets already introduced."""
    for c in verb.children:
        if not _definite(c):
            continue
        lemma = c.lemma_.lower()
        if c.dep_ in {"nsubj", "nsubjpass"} and lemma in lx.MILITANT_NOUNS:
            return True
        if c.dep_ == "dobj" and lemma in lx.BASE_NOUNS | {"town", "village", "convoy", "position"}:
            return True
        if c.dep_ in {"dobj", "nsubjpass"} and lemma in lx.AGREEMENT_NOUNS | lx.ATTACK_NOUNS | \
                lx.COUP_NOUNS | lx.WITHDRAWAL_NOUNS | lx.DEPLOYMENT_NOUNS:
            return True  # "the charter was signed in Bamako": the pact already told
    return False


def find_triggers(sent: Span) -> list[Trigger]:
    found: list[Trigger] = []
    for t in sent:
        lemma = t.lemma_.lower()
        if t.pos_ in {"NOUN", "PROPN"}:
            if t.dep_ in {"compound", "amod", "nmod"} and t.head.pos_ in {"NOUN", "PROPN"} and \
                    t.head.i > t.i:
                continue  # "attack drones", "light attack aircraft": a kind of weapon, not an event
            for type_, nouns, _ in TRIGGERS:
                if lemma in nouns or t.lower_ in nouns:
                    found.append(Trigger(type_, t, _definite(t)))
                    break
            continue
        if t.pos_ != "VERB":
            continue
        if lemma in {"seize", "grab", "take"} and any(c.lemma_.lower() == "power" for c in t.children):
            found.append(Trigger("Coup", t, False))
            continue
        if lemma in SEIZE_VERBS and _seizes_leader(t):
            found.append(Trigger("Coup", t, False))
            continue
        if lemma == "hand" and any(c.dep_ == "prt" and c.lower_ == "over" for c in t.children) and any(
                c.dep_ == "dobj" and c.lemma_.lower() in lx.BASE_NOUNS | {"facility", "airport", "airbase"}
                for c in t.children):
            found.append(Trigger("Withdrawal", t, False))  # "handed over its last base to the army"
            continue
        if lemma in {"fire", "launch"} and any(c.dep_ == "dobj" and c.lemma_.lower() in PROJECTILES
                                                for c in t.children):
            found.append(Trigger("Attack", t, False))  # "fired missiles at a ship"
            continue
        for type_, _, verbs in TRIGGERS:
            if lemma in verbs:
                if type_ == "Coup" and lemma in {"seize", "remove", "grab"}:
                    continue
                if type_ == "Agreement" and not any(
                        c.lemma_.lower() in lx.AGREEMENT_NOUNS for c in t.subtree) and not (
                        t.dep_ == "acl" and t.head.lemma_.lower() in lx.AGREEMENT_NOUNS):
                    continue  # (or "a ceasefire ... signed in Kunming")
                if type_ == "Deployment" and lemma in {"send", "dispatch", "deploy"} and not any(
                        c.lemma_.lower() in lx.FORCE_NOUNS for c in t.children if c.dep_ in {"dobj", "nsubjpass"}):
                    continue
                if type_ == "Deployment" and lemma in {"arrive", "land", "station"} and not any(
                        c.lemma_.lower() in lx.FORCE_NOUNS - lx.MATERIEL_NOUNS
                        for c in t.children if c.dep_ in {"nsubj", "nsubjpass"}):
                    continue  # troops arrive; aircraft landing with weapons are a delivery
                if type_ == "Withdrawal" and lemma in {"leave", "quit", "exit", "pull", "depart", "expel"} and not \
                        _forces_move(t):
                    continue
                if type_ == "Attack" and lemma in {"seize", "capture", "hit", "target", "strike", "blow",
                                                   "recapture", "retake", "retook"} \
                        and not _violent_context(t):
                    continue
                if type_ == "Attack" and lemma == "kill":
                    continue  # casualty verbs make an attack through their figures
                found.append(Trigger(type_, t, _definite_participants(t)))
                break
    # a noun and its governing verb of the same type are one trigger
    out: list[Trigger] = []
    for trig in found:
        if any(o.type == trig.type and (o.token.i == trig.token.head.i or trig.token.i == o.token.head.i)
               for o in out):
            continue
        out.append(trig)
    return out


#: what is fired or launched in an attack
PROJECTILES = {"missile", "rocket", "drone", "shell", "mortar", "projectile", "grenade", "bomb",
               "artillery", "munition"}
#: verbs that make a coup when soldiers do them to a head of state ("mutinous soldiers detained
#: President X")
SEIZE_VERBS = {"detain", "arrest", "seize", "capture", "kidnap", "hold", "remove", "sequester"}
PUTSCH_NOUNS = lx.SOLDIER_NOUNS | {"mutineer", "putschist", "junta", "officer", "guard", "coup-maker",
                                   "plotter"}


def _seizes_leader(verb: Token) -> bool:
    """Soldiers (or 'the military') do it to a president or prime minister."""
    soldiers = any(c.dep_ == "nsubj" and c.lemma_.lower() in PUTSCH_NOUNS for c in verb.children)
    leader = any(c.dep_ in {"dobj", "nsubjpass"} and any(
        w.lower_ in lx.HEAD_OF_TITLES - {"head", "chief", "leader"} for w in c.subtree) for c in verb.children)
    return soldiers and leader


def _order_verb(trigger: Token) -> Token | None:
    """The verb of ordering the trigger is the complement of ('ordered French troops to leave',
    'gave the mission a month to withdraw'): its subject orders, its object moves."""
    head = trigger.head
    if trigger.dep_ in {"xcomp", "advcl"} and head.i != trigger.i and head.lemma_.lower() in lx.ORDER_VERBS \
            and any(c.dep_ in {"dobj", "dative"} for c in head.children):
        return head
    return None


def _forces_move(verb: Token) -> bool:
    """'troops leave', 'France pulls out its soldiers', 'a contingent is scheduled to depart';
    not 'Niger leaves ECOWAS' (a membership) nor 'the minister left the country' (a person)."""
    if verb.lemma_.lower() == "expel":  # "expelled French troops", not "expelled the ambassador"
        return any(c.dep_ in {"dobj", "nsubjpass"} and c.lemma_.lower() in lx.FORCE_NOUNS
                   for c in verb.children)
    for c in verb.children:
        if c.dep_ == "dobj" and c.ent_type_ == "ORG" and c.lemma_.lower() not in lx.FORCE_NOUNS:
            return False
        if c.dep_ in {"nsubj", "nsubjpass"} and c.ent_type_ == "PERSON":
            return False
    node = verb
    for _ in range(3):
        for c in node.children:
            if c.dep_ in {"nsubj", "nsubjpass", "dobj"}:
                if c.lemma_.lower() in lx.FORCE_NOUNS or c.ent_type_ in {"GPE", "NORP"} or \
                        (c.ent_type_ == "ORG" and c.dep_ != "dobj") or c.lower_ in {"it", "they"}:
                    return True
        if node.dep_ not in {"xcomp", "conj"} or node.head.i == node.i:
            break
        node = node.head
    return False


def _violent_context(verb: Token) -> bool:
    words = {t.lemma_.lower() for t in verb.sent}
    return bool(words & ({"jihadist", "militant", "rebel", "gunman", "fighter", "kill", "attack",
                          "drone", "airstrike", "insurgent", "terrorist", "army", "town", "base"}))


# ---------------------------------------------------------------- casualties
def _category(noun: Token, ents: DocEntities) -> str | None:
    lemma = noun.lemma_.lower()
    lower = noun.lower_
    for word in (lemma, lower):
        if word in lx.SOLDIER_NOUNS:
            return "Soldiers"
        if word in lx.CIVILIAN_NOUNS:
            return "Civilians"
        if word in lx.MILITANT_NOUNS:
            return "Militants"
        if word in lx.PEOPLE_NOUNS:
            return "Unspecified"
    mention = ents.at(noun)
    if mention and mention.type == "ArmedForces":
        return "Soldiers"
    if mention and mention.type == "ArmedGroup":
        return "Militants"
    return None


def _type_from_word(token: Token) -> str | None:
    """The casualty type a predicate word tells: a verb lemma ('were killed'), a word form ('25
    dead', 'three missing', 'captured soldiers')."""
    lemma, lower = token.lemma_.lower(), token.lower_
    for kind in lx.CASUALTY_TYPES:
        if lemma in lx.CASUALTY_VERBS[kind] or lower in lx.CASUALTY_WORDS[kind]:
            return kind
    return None


def _noun_type(token: Token) -> str | None:
    """A nominal casualty predicate: '17 deaths', 'the deaths of 12', 'the abduction of 20'."""
    lemma = token.lemma_.lower()
    for kind in lx.CASUALTY_TYPES:
        if lemma in lx.CASUALTY_NOUNS[kind]:
            return kind
    return None


def _frame_verb_type(verb: Token, node: Token) -> str | None:
    """Verbs that are a casualty predicate only in a frame, ``node`` being their object: 'lost
    four soldiers' (a side's dead), 'shot dead four people', 'gunned down five' (killed), 'seized
    nine workers', 'took away 24 students' (abducted; people, not a town or weapons)."""
    lemma = verb.lemma_.lower()
    if node.dep_ != "dobj":
        return None
    if lemma in lx.LOSS_VERBS:  # a counted victim noun: not 'lost one of its members' (a state)
        return "Killed" if node.pos_ == "NOUN" and node.lemma_.lower() != "member" else None
    if lemma in lx.SHOOT_VERBS and any(c.lower_ in {"dead", "down"} and c.dep_ in {
            "oprd", "acomp", "advmod", "prt", "xcomp", "amod", "ccomp"} for c in verb.children):
        return "Killed"
    if lemma in lx.CAPTURE_VERBS and (lemma not in {"take", "carry", "herd", "round"} or any(
            c.dep_ in {"prt", "advmod"} and c.lower_ in {"away", "off", "up"} for c in verb.children)):
        if lemma == "take" and any(c.lower_ in {"control", "part", "place", "power"} for c in verb.children):
            return None
        return "Abducted"
    return None


def _casualty_type(head: Token) -> str | None:
    """Killed, wounded, missing or abducted, from the words that govern the counted noun."""
    if head.lower_ in {"dead", "wounded", "injured", "missing"}:  # "leaving 25 dead"
        return _type_from_word(head)
    for c in head.children:  # "15 soldiers killed", "seven dead"
        if c.dep_ in {"acl", "amod", "relcl", "appos"}:
            kind = _type_from_word(c)
            if kind:
                return kind
    node = head
    for _ in range(4):
        gov = node.head
        if gov is node:
            return None
        lemma = gov.lemma_.lower()
        if node.dep_ == "conj":
            node = gov
            continue
        if node.dep_ == "pobj" and gov.lower_ == "between":  # "killed between 10 and 15 villagers"
            return _type_from_word(gov.head)
        toll_verb = gov.head if node.dep_ == "pobj" and gov.lower_ in {"to", "at"} else gov
        if node.dep_ in {"pobj", "dobj"} and toll_verb.lemma_.lower() in lx.TOLL_VERBS and any(
                c.dep_ == "nsubj" and c.lemma_.lower() == "toll" for c in toll_verb.children):
            return "Killed"  # "the death toll rose to 50", "the toll stood at 30"
        if node.dep_ == "pobj" and gov.dep_ == "prep" and gov.lower_ == "of":
            # "the lives of 20 soldiers", "the deaths of 12", "a toll of 30"
            return _noun_type(gov.head)
        kind = _type_from_word(gov) or _frame_verb_type(gov, node)
        if kind and node.dep_ in {"nsubjpass", "dobj", "nsubj", "oprd", "attr", "npadvmod"}:
            return kind
        if lemma == "lose" and any(c.lemma_.lower() == "life" for c in gov.children):
            return "Killed"
        if lemma == "take" and any(c.lower_ in {"hostage", "captive", "prisoner"} for c in gov.subtree):
            return "Abducted"
        if lemma in lx.SPEECH_VERBS | {"fear", "believe", "presume", "think", "find", "leave"} and \
                node.dep_ in {"nsubjpass", "dobj"}:
            # "12 people were reported killed", "were feared dead", "were found dead"
            for c in gov.children:
                if c.dep_ in {"xcomp", "oprd", "acomp", "ccomp", "advcl"}:
                    kind = _type_from_word(c)
                    if kind:
                        return kind
        if lemma in {"be", "remain", "stay", "go", "lie"}:  # "three were unaccounted for", "remain missing"
            for c in gov.children:
                if c.dep_ in {"acomp", "attr"}:
                    kind = _type_from_word(c)
                    if kind:
                        return kind
            return None
        if lemma in {"leave", "left"} and node.dep_ == "dobj":  # "left 12 dead"
            for c in gov.children:
                kind = _type_from_word(c) if c.dep_ in {"oprd", "xcomp", "acomp", "amod", "ccomp"} else None
                if kind:
                    return kind
            for c in node.children:
                kind = _type_from_word(c)
                if kind:
                    return kind
        return None
    return None


def _either_or(head: Token) -> bool:
    """The casualty verb is joined by 'or' to another ('killed or injured', 'dead or missing')."""
    gov = head.head
    for verb in (gov, gov.head):
        if _type_from_word(verb) and any(c.dep_ == "cc" and c.lower_ == "or" for c in verb.children):
            return True
    return False


def find_casualties(sent: Span, ents: DocEntities, last_category: str | None
                    ) -> list[tuple[Casualty, Token]]:
    out: list[tuple[Casualty, Token]] = []
    seen: set[int] = set()
    for t in sent:
        if t.i in seen or t.ent_type_ in NON_COUNT_ENTS:
            continue
        if not (t.like_num or t.lower_ in {"dozen", "one", "a"}):
            continue
        if t.lower_ == "a":
            continue
        quantity = quantity_of(t)
        if quantity is None or quantity.approximate or quantity.maximum:
            continue  # "around 40", "some 30", "nearly 50": not a figure to record
        nominal = None  # "17 deaths", "12 civilian deaths": the noun is the predicate
        if t.dep_ in {"nummod", "quantmod", "compound"} and t.head.pos_ in {"NOUN", "PROPN", "ADJ"}:
            head = t.head
            # "20 soldiers and one civilian": the number's own noun
            category = _category(head, ents)
            if category is None:
                nominal = _noun_type(head) if head.tag_ == "NNS" and head.lemma_.lower() not in {
                    "toll", "life", "body"} else None
                if nominal is None:
                    continue
        elif t.dep_ in {"nsubj", "nsubjpass", "dobj", "conj", "pobj", "appos", "attr"}:
            head = t
            category = None
        else:
            continue
        kind = nominal or _casualty_type(head) or (
            "Killed" if head.lemma_.lower() in {"body", "corpse"} and head.i != t.i else None)  # "20 bodies were found"
        if kind is None or _either_or(head):
            continue  # "2,500 people were killed or injured": no figure of one kind
        if _running_total(head):
            continue  # "since 2021, more than 2,000 people have been killed": a total, not an event's
        if _figure_unreal(head):
            continue  # "officials denied that 30 soldiers were killed", "could kill 50 people"
        if category is None or category == "Unspecified":
            inherit = category is None or head.lemma_.lower() in {"other", "others", "man", "men", "person"}
            category = _category_from_context(head, ents) or (last_category if inherit else None) \
                or "Unspecified"
        for tok in t.subtree if head.i == t.i else [t]:
            seen.add(tok.i)
        victim = None
        if category == "Soldiers":
            victim = _victim_forces(head, ents)
        out.append((Casualty(kind, quantity.value, category, quantity.minimum, victim), head))
        last_category = category
    for c, head in list(out):
        for num, noun in _subset_numbers(head, seen):
            quantity = quantity_of(num)
            if quantity is None or quantity.approximate or quantity.maximum or quantity.value >= c.count:
                continue
            seen.update(w.i for w in num.subtree)
            category = (_category(noun, ents) if noun is not None else None) or c.category
            out.append((Casualty(c.type, quantity.value, category, quantity.minimum), head))
    return out


def _subset_numbers(head: Token, seen: set[int]) -> list[tuple[Token, Token | None]]:
    """Part of a figure, told after it: '20 villagers, including 12 children', 'among them 12
    children', '17 soldiers ..., fourteen of them Chadians': (the number, its noun if any)."""
    verb = clause_verb(head)
    scope = {head.i, verb.i} | {w.i for w in head.subtree}
    out: list[tuple[Token, Token | None]] = []
    for tok in head.sent:
        if tok.i in seen or not tok.like_num or tok.i <= head.i and tok.head.i != head.i:
            continue
        noun = tok.head if tok.dep_ == "nummod" else None
        top = noun if noun is not None else tok
        # "including 12 children", "among them 12 children"
        if top.dep_ == "pobj" and top.head.lower_ in {"including", "among"} and top.head.head.i in scope:
            out.append((tok, noun))
            continue
        # "fourteen of them (Chadians)": 'of them' on the number, the phrase hung on the clause
        if any(c.dep_ == "prep" and c.lower_ == "of" and any(o.lower_ in {"them", "whom"} for o in c.children)
               for c in tok.children) and (tok.head.i in scope or tok.head.head.i in scope):
            apposed = [c for c in tok.head.children if c.dep_ in {"attr", "appos"} and c.i > tok.i] \
                if tok.head.i not in scope else [c for c in tok.children if c.dep_ in {"appos", "npadvmod"}]
            out.append((tok, apposed[0] if apposed else None))
    return out


def _figure_unreal(head: Token) -> bool:
    """A figure told as denied, hypothetical or negated; 'feared dead', 'believed killed' and
    'presumed dead' are figures told with caution, and are kept."""
    path = [head] + list(head.ancestors)[:4]
    if any(n.lemma_.lower() in {"fear", "believe", "presume", "think"} for n in path):
        return False
    return negated(head)


def _span_phrase(prep: Token) -> bool:
    """A preposition that opens a time span: 'since July 2023', 'since the war began', 'over the
    past decade', 'between 2014 and 2017', 'so far this year'."""
    low = prep.lower_
    if low in lx.SPAN_SINCE:
        return True
    objs = [c for c in prep.children if c.dep_ == "pobj"]
    if low == "between":
        return any(o.ent_type_ == "DATE" and re.fullmatch(r"\d{4}", o.text) for o in objs)
    if low in lx.SPAN_PREPS:
        return any(o.lower_ in lx.SPAN_NOUNS and any(c.lower_ in lx.SPAN_MODS for c in o.children)
                   for o in objs)
    return False


def _running_total(head: Token) -> bool:
    """The figure's clause counts over a span of time (a running total), not one event ('ruled
    since coups in 2020 and 2021' is a span after the coups, not coups over a span)."""
    verb = clause_verb(head)
    nodes = [verb] + ([verb.head] if verb.dep_ == "conj" else [])
    # the counted people themselves: "killed 2,500 people between 2014 and 2017"
    nodes += [c for c in verb.children if c.dep_ in {"dobj", "nsubjpass"} and
              any(n.dep_ == "nummod" for n in c.children)]
    for node in nodes:
        for c in node.children:
            if head in c.subtree and c.i != head.i and node is verb:
                continue
            if c.dep_ == "prep" and _span_phrase(c):
                return True
            if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in lx.SPAN_SINCE for m in c.children):
                return True
            if c.dep_ == "advmod" and c.lower_ == "far" and any(w.lower_ == "so" for w in c.children):
                return True  # "so far this year"
    return False


def _category_from_context(head: Token, ents: DocEntities) -> str | None:
    """'16 were wounded' after 'three soldiers': the people of the sentence."""
    for c in head.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            for o in c.children:
                cat = _category(o, ents)
                if cat and cat != "Unspecified":
                    return cat
    for c in head.children:
        if c.dep_ in {"amod", "compound"}:
            cat = _category(c, ents)
            if cat and cat != "Unspecified":
                return cat
    return None


def _victim_forces(noun: Token, ents: DocEntities) -> str | None:
    for tok in noun.subtree:
        m = ents.at(tok)
        if m and m.type == "ArmedForces":
            return m.key
        state = ents.demonym_state(tok)
        if state and tok.i < noun.i:
            return ents.armed_forces(state, None, "pattern")
    m = ents.at(noun)
    if m and m.type == "ArmedForces":
        return m.key
    return None


# ------------------------------------------------------------------- places
def _place_candidates(sent: Span, ents: DocEntities, exclude: set[str], type_: str = "Attack"
                      ) -> list[Mention]:
    out = []
    for m in ents.in_span(sent):
        if m.type not in PLACE_RANK or m.key in exclude:
            continue
        if m.actor and m.actor != m.key:
            continue  # a capital standing for its state
        root = sent.doc[m.start:m.end].root
        gov = root.head
        # "the border with Burkina Faso", "reinforcements from Tera", "convoys from Lome"
        if root.dep_ == "pobj" and gov.lower_ in {"with", "from", "toward", "towards", "into", "between"}:
            if gov.lower_ in {"with", "between"}:
                continue  # "the border with Burkina Faso", "a deal with Bamako": not where
            if gov.lower_ in {"from", "toward", "towards"} and type_ != "Withdrawal":
                continue
        if root.dep_ == "pobj" and gov.lower_ == "of" and gov.head.lower_ in {
                "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"}:
            continue  # "40 kilometres north of Ouallam": a reference point
        if m.type == "State" and root.dep_ == "pobj" and gov.lower_ == "of" and \
                gov.head.lemma_.lower() in _WHOSE_NOUNS:
            continue  # "at the request of the Federal Government of Somalia": whose, not where
        if root.dep_ in {"nsubj", "nsubjpass", "poss"} and m.type == "State" and not (
                root.dep_ == "poss" and root.head.lemma_.lower() in lx.BASE_NOUNS | lx.REGION_NOUNS |
                lx.SETTLEMENT_NOUNS | {"territory", "soil"}):
            continue  # the state acts; it is not where (but "Niger's Air Base 101" is in Niger)
        if root.dep_ in {"compound", "amod"} and root.head.lemma_.lower() not in \
                lx.REGION_NOUNS | lx.SETTLEMENT_NOUNS | lx.BASE_NOUNS | _PLACE_HEADS:
            continue  # "the Sahel nation", "Niger defence ministry": a modifier, not where
        if type_ == "Coup" and m.type not in {"State", "Settlement"}:
            continue  # power is seized in a country or its capital
        out.append(m)
    return out


_PLACE_HEADS = place_head_words()
#: nouns whose of-phrase names whose, not where ("the government of Somalia", "at the request of")
_WHOSE_NOUNS = set(wordlist("whose_nouns"))


def _inside(m: Mention, places: list[Mention], ents: DocEntities) -> bool:
    """``m`` lies in another of the places: 'the Fambita quarter of Kokorou', 'the base in Tera'."""
    others = {p.key for p in places if p.key != m.key}
    parent = ents.region_parents.get(m.key) or ents.base_places.get(m.key)
    chain = ([parent] if parent else []) + ents.gaz.located_in_chain(parent or m.key)
    return bool(others & set(chain))


def _town_base(place: str, ents: DocEntities) -> str:
    """Soldiers killed in a town where the article names one military base (the base's own
    sentence may not say the figures): the base. Else the place itself."""
    if ents.entities[place].type != "Settlement":
        return place
    bases = [k for k, where in ents.base_places.items() if where == place]
    return bases[0] if len(bases) == 1 else place


def _same_place(sent: Span, ents: DocEntities, last_place: dict[str, str]) -> str | None:
    """'in the same region', 'the nearby village', 'across the province': the place last named
    of that kind."""
    for t in sent:
        lemma = t.lemma_.lower()
        if t.dep_ == "pobj" and lemma in lx.REGION_NOUNS and ents.at(t) is None and \
                any(c.lower_ == "the" for c in t.lefts) and not any(
                    c.dep_ in {"amod", "compound", "poss"} for c in t.lefts):
            if last_place.get("Region"):
                return last_place["Region"]
        if t.lower_ in {"same", "nearby", "neighbouring", "neighboring"} and t.head.lemma_.lower() in \
                lx.REGION_NOUNS | lx.SETTLEMENT_NOUNS:
            noun = t.head.lemma_.lower()
            kind = "Region" if noun in lx.REGION_NOUNS else "Settlement"
            if ents.at(t.head) is None and not any(ents.at(c) for c in t.head.subtree):
                return last_place.get(kind)
    return None


# ------------------------------------------------------------------- roles
ROLE_TYPES = {"State", "MilitaryJunta", "ArmedForces", "ArmedGroup", "InternationalOrganization"}


def _below(tok: Token, top: Token, limit: int) -> list[Token]:
    """``tok`` and its heads up to (not including) ``top`` or the root, at most ``limit`` of them."""
    path: list[Token] = []
    node = tok
    while len(path) < limit and node.i != top.i and node.head.i != node.i:
        path.append(node)
        node = node.head
    return path


def _in_locative(tok: Token, top: Token) -> bool:
    """``tok`` sits in a place phrase below ``top``: 'French soldiers in Niger', 'a base in Chad's Lac'."""
    return any(n.dep_ == "pobj" and n.head.lower_ in {"in", "at", "near", "from", "across", "inside"}
               for n in _below(tok, top, 6))


def _member_of(tok: Token, m: Mention, ents: DocEntities) -> bool:
    """'fighters from the ADF': the group the fighters belong to, not a place they came from."""
    return tok.dep_ == "pobj" and tok.head.lower_ == "from" and \
        ents.entities[m.actor_key].type in {"ArmedGroup", "ArmedForces"}


def _linked(tok: Token) -> bool:
    """'Al-Qaeda-linked jihadists': the name qualifies others, it does not act."""
    doc = tok.doc
    i = tok.i + 1
    while i < len(doc) and i <= tok.i + 4 and doc[i].text != "-" and doc[i].pos_ == "PROPN":
        i += 1
    return i + 1 < len(doc) and doc[i].text == "-" and doc[i + 1].lower_ in {
        "linked", "affiliated", "aligned", "allied", "backed", "inspired", "led", "style"}


def _actors_in(tokens: list[Token], ents: DocEntities, types: set[str] = ROLE_TYPES,
               top: Token | None = None, pronouns: bool = False) -> list[Mention]:
    seen: list[Mention] = []
    for tok in tokens:
        for key in ents.groups.get(tok.i, []):
            if "State" in types:
                seen.append(Mention(tok.i, tok.i + 1, key, "State", "coref"))
        fighters = tok.dep_ == "poss" and tok.head.lemma_.lower() in lx.MILITANT_NOUNS  # "its fighters"
        m = ents.at(tok) or (ents.pronoun(tok) if pronouns or fighters else None)
        if m and top is not None and (_in_locative(tok, top) and not _member_of(tok, m, ents) or
                                      _linked(tok.doc[m.end - 1])):
            continue
        if m and ents.entities[m.actor_key].type in types:
            if m not in seen:
                seen.append(m)
    return seen


def _subject_actors(trigger: Token, ents: DocEntities, types: set[str] = ROLE_TYPES,
                    passive: bool = True, pronouns: bool = False) -> list[Mention]:
    """Actors in the subject of a verb (and of the verb it is a complement of), or the agent of a
    noun. ``passive=False``: a passive subject is the patient ('soldiers were killed'), not the
    actor; only 'by X' counts."""
    t = trigger
    candidates: list[Token] = []
    if t.pos_ == "VERB":
        verb = t
        subject_deps = {"nsubj", "nsubjpass", "agent"} if passive else {"nsubj", "agent"}
        for _ in range(3):
            subj = [c for c in verb.children if c.dep_ in subject_deps]
            if subj:
                for s in subj:
                    if s.pos_ == "PRON" and s.lower_ in {"it", "they"} and verb.dep_ == "ccomp":
                        # "Wagner said that it was leaving Mali": the speaker
                        candidates.extend(t for c in verb.head.children if c.dep_ == "nsubj"
                                          for t in c.subtree)
                    if s.tag_ in {"WDT", "WP"} and verb.dep_ == "relcl":
                        candidates.append(verb.head)  # "the regime that overthrew", "Goita, who seized"
                        candidates.extend(c for c in verb.head.subtree if c.i < verb.head.i)
                    candidates.extend(s.subtree)
                break
            if any(c.dep_ == "nsubjpass" for c in verb.children) and not passive:
                break
            if verb.dep_ in {"xcomp", "ccomp", "conj", "advcl"} and verb.head.i != verb.i:
                verb = verb.head
            else:
                break
        return _actors_in(candidates, ents, types, top=verb, pronouns=pronouns)
    # a noun: "France's withdrawal", "the withdrawal of French troops", "an attack by ISWAP"
    for c in t.children:
        if c.dep_ in {"poss", "compound"}:
            candidates.extend(c.subtree)
        elif c.dep_ == "amod":
            candidates.append(c)
        if c.dep_ == "prep" and (c.lower_ == "by" or c.lower_ == "of" and t.lemma_.lower() not in lx.ATTACK_NOUNS):
            candidates.extend(c.subtree)
    found = _actors_in(candidates, ents, pronouns=pronouns)
    if found:
        return found
    by_demonym = _demonym_actor(candidates, ents)
    return [by_demonym] if by_demonym else []


def _victims_group(noun: Token, ents: DocEntities) -> list[str]:
    """The armed group of counted fighters: 'three al-Shabaab fighters', 'Islamic State militants',
    'fighters of the RSF', 'JNIM's fighters'."""
    tokens = [w for c in noun.children if c.dep_ in {"compound", "amod", "nmod", "poss"} for w in c.subtree]
    tokens += [w for c in noun.children if c.dep_ == "prep" and c.lower_ in {"of", "from"} for w in c.subtree]
    keys: list[str] = []
    for m in _actors_in(tokens, ents, {"ArmedGroup"}):
        if m.actor_key not in keys:
            keys.append(m.actor_key)
    return keys


def _subject_words(trigger: Token) -> list[Token]:
    """The head words of who does the trigger: the verb's (or its clause verb's) active subject or
    agent, a noun's 'by' phrase."""
    verb = trigger if trigger.pos_ == "VERB" else clause_verb(trigger)
    out = [c for c in verb.children if c.dep_ == "nsubj"]
    out += [o for c in verb.children if c.dep_ == "agent" for o in c.children if o.dep_ == "pobj"]
    if trigger.pos_ != "VERB":
        out += [o for c in trigger.children if c.dep_ == "prep" and c.lower_ == "by"
                for o in c.children if o.dep_ == "pobj"]
    return out


CARRY_OUT_VERBS = lx.CARRY_OUT_VERBS
#: what a coup does to a ruler (the coup triggers' verbs, 'unseat' and 'remove' too)
OUST_VERBS = lx.COUP_VERBS | {"unseat", "remove", "overthrew"}


def _blamed(trigger: Token, ents: DocEntities) -> list[Mention]:
    """Who the attack is laid on: 'the attack was blamed on X', 'officials blamed X for the raid',
    'X was blamed for the bombing', 'attributed the bombing to X', 'accused X of the massacre'."""
    t = trigger
    verb, tokens = None, []
    if t.dep_ in {"nsubjpass", "dobj"} and t.head.lemma_.lower() in lx.BLAME_VERBS:
        verb = t.head  # the attack is the thing blamed: the actor follows 'on' / 'to'
        tokens = [w for c in verb.children if c.dep_ in {"prep", "dative"} and c.lower_ in {"on", "to"}
                  for w in c.subtree]
        if not tokens:  # "blamed the attack on JNIM", the 'on' phrase parsed under the noun
            tokens = [w for c in t.children if c.dep_ == "prep" and c.lower_ == "on" for w in c.subtree]
    elif t.dep_ == "pobj" and t.head.lower_ in {"for", "of"} and t.head.head.lemma_.lower() in lx.BLAME_VERBS:
        verb = t.head.head  # the actor is blamed for the attack
        tokens = [w for c in verb.children if c.dep_ in {"dobj", "nsubjpass"} for w in c.subtree]
    if verb is None or negated(verb):
        return []
    return [m for m in _actors_in(tokens, ents, pronouns=True)
            if ents.entities[m.actor_key].type in {"ArmedGroup", "ArmedForces", "State"}]

STATE_FORCE_WORDS = {"government", "army", "military", "junta", "regime", "pro-government"}


def _state_forces(trigger: Token, ents: DocEntities) -> list[Mention]:
    """An attack the state's forces carried out, by the words that qualify it: 'a government
    drone strike', 'army drone strikes', 'military aircraft bombed': the article's country."""
    words: list[Token] = [c for c in trigger.lefts if c.dep_ in {"compound", "amod", "nmod"}]
    if trigger.pos_ == "VERB":
        for c in trigger.children:
            if c.dep_ == "nsubj":
                words += [c] + [w for w in c.lefts if w.dep_ in {"compound", "amod"}]
    else:  # "drone strike" itself qualified: "a government drone strike"
        words += [w for c in words for w in c.lefts if w.dep_ in {"compound", "amod"}]
    if not any(w.lower_ in STATE_FORCE_WORDS for w in words) or ents.main_state is None:
        return []
    if any(ents.at(w) for w in words):
        return []  # "Russian army drones": the demonym or name says whose
    key = ents.armed_forces(ents.main_state, None, "coref")
    return [Mention(trigger.i, trigger.i + 1, key, "ArmedForces", "coref")]


def _helpers(verb: Token, ents: DocEntities) -> list[Mention]:
    """'recaptured Kidal with Wagner's help', 'with the support of Russian mercenaries': who
    fought beside the subject."""
    out: list[Mention] = []
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ == "with":
            for obj in c.children:
                if obj.lemma_.lower() in {"help", "support", "backing", "assistance", "aid"}:
                    found = _actors_in(list(obj.subtree), ents) or \
                        [m for m in [_demonym_actor(list(obj.subtree), ents)] if m]
                    out += found
    return out


def _demonym_actor(tokens: list[Token], ents: DocEntities) -> Mention | None:
    """The state of the first demonym among ``tokens`` ('French troops'), as a mention."""
    for tok in tokens:
        state = ents.demonym_state(tok)
        key = ents.state_entity(state) if state else None
        if key:
            return Mention(tok.i, tok.i + 1, key, "State", "pattern")
    return None


def _objects_actors(trigger: Token, ents: DocEntities, preps: set[str], objects: bool = True,
                    pronouns: bool = False) -> list[Mention]:
    tokens: list[Token] = []
    for c in trigger.children:
        if objects and c.dep_ in {"dobj", "nsubjpass"}:
            tokens.extend(c.subtree)
        if c.dep_ == "prep" and c.lower_ in preps:
            tokens.extend(c.subtree)
    return [m for m in _actors_in(tokens, ents, top=trigger, pronouns=pronouns)
            if not (m.type == "State" and trigger.doc[m.start:m.end].root.dep_ in {"poss", "compound"})]


def _military_site(noun: Token) -> bool:
    """'a base', 'the barracks', 'a military post', 'army positions', 'a military airport', not 'a
    rebel base' nor 'a camp for displaced people' (a modifier that is not military)."""
    low = noun.lemma_.lower()
    mods = [c for c in noun.children if c.dep_ in {"amod", "compound", "nmod"}]
    if low in lx.MILITARY_SITE_NOUNS:
        return all(m.lower_ in lx.MILITARY_MODIFIERS or m.pos_ in {"ADJ", "PROPN"} and m.ent_type_ in
                   {"NORP", "GPE", ""} and not m.lower_.endswith("ist") for m in mods) and \
            not any(c.dep_ == "poss" for c in noun.children)
    return low in lx.MILITARY_SITE_NOUNS_MODIFIED and any(m.lower_ in lx.MILITARY_MODIFIERS for m in mods)


def _attacked_sites(trigger: Token) -> list[Token]:
    """What the attack is on: the trigger's object or 'on'/'against'/'at' phrase; for a noun
    trigger that is a subject, its verb's object ('a drone attack struck a military airport')."""
    heads = [trigger]
    if trigger.pos_ != "VERB" and trigger.dep_ in {"nsubj", "nsubjpass"}:
        heads.append(trigger.head)
    out: list[Token] = []
    for h in heads:
        for c in h.children:
            if c.dep_ == "dobj":
                out.append(c)
            elif c.dep_ == "prep" and c.lower_ in {"on", "against", "at"}:
                out += [o for o in c.children if o.dep_ == "pobj"]
    return out + [w for o in out for w in o.conjuncts]


def _as_state(key: str, ents: DocEntities) -> str:
    """Withdrawals and deployments are by states: 'French troops' -> France."""
    etype = ents.entities[key].type
    if etype in {"ArmedForces", "MilitaryJunta"}:
        return ents.state_of(key) or key
    return key


def _governs(trigger: Token, token: Token) -> bool:
    """``token`` hangs on the trigger: 'the assault on Tondikiwindi', 'deployed in Mali'."""
    return trigger.i in {a.i for a in token.ancestors}


def clause_verb(token: Token) -> Token:
    node = token
    for _ in range(8):
        if node.pos_ in {"VERB", "AUX"} or node.head.i == node.i:
            return node
        node = node.head
    return node


FUTURE_VERBS = {"schedule", "expect", "set", "due", "plan", "slate", "intend", "aim"}


def _future(trigger: Token) -> bool:
    """'is scheduled to depart', 'will leave', 'are due to arrive'."""
    node: Token = trigger
    for _ in range(3):
        if any(c.lower_ in {"will", "'ll", "shall"} and c.dep_ == "aux" for c in node.children):
            return True
        if node.lemma_.lower() in FUTURE_VERBS and node is not trigger:
            return True
        if node.head.i == node.i:
            break
        node = node.head
    return False


def _date_for(trigger: Token, dates: list[tuple[Span, str]], published: dt.date | None,
              alone: bool = False, reported: bool = False) -> str | None:
    """The date phrase of the trigger's own clause (or of a verb joined to it: 'were killed and
    17 wounded on Wednesday'), else of a clause it is the complement of; with ``alone`` (the
    sentence has one event and one date), that date. With ``reported`` (an attack: told after it
    happened), a date on the statement that tells it is not the event's."""
    verb = clause_verb(trigger)
    own = {verb.i} | {c.i for c in verb.conjuncts}
    if _nested(trigger, verb):
        return None  # "declared Friday a holiday for the anniversary of the overthrow": not its date
    ancestors = set(a.i for a in verb.ancestors) if trigger.pos_ == "VERB" or reported else set()
    ranked = []
    for span, value in dates:
        if _date_of_other_noun(span, trigger):
            continue  # "the withdrawal follows the March decision": the decision's date
        date_verb = clause_verb(span.root)
        if reported and span.root.head.i != trigger.i and _statement_date(span, date_verb, trigger):
            continue  # "officials said on Monday that six guards died": when it was said
        if date_verb.i in own or span.root.head.i == trigger.i:
            ranked.append((0, span, value))
        elif date_verb.i in ancestors:
            ranked.append((1, span, value))
    if not ranked and alone and len(dates) == 1 and not _date_of_other_noun(dates[0][0], trigger) \
            and not (reported and _statement_date(dates[0][0], clause_verb(dates[0][0].root), trigger)):
        ranked.append((2, *dates[0]))
    if not ranked:
        return None
    _, span, value = min(ranked, key=lambda r: r[0])
    if _future(trigger):
        return resolve_date(span.text, published, future=True) or value
    return value


#: prepositions that make an event the time of another ('since the coup', 'after the withdrawal')
_TIME_PREPS = {"since", "after", "before", "following", "until", "till", "upon", "prior", "ahead"}

#: how old news told in the present perfect may be ('has killed 100, a group said on Thursday')
HOT_NEWS_DAYS = 3

#: doc.user_data key: indexes of the events whose date is the story's year, not one the text gives
REFERENCE_DATED = "ckg_reference_dated"

#: nouns a date may be said of and still be the event's ("the Monday incident", "Tuesday's violence")
_EVENT_NOUNS = frozenset().union(*(nouns for _, nouns, _ in TRIGGERS)) | {
    "incident", "event", "events", "violence", "unrest", "fighting", "operation", "offensive",
    "shooting", "killing", "killings", "bloodshed", "massacre", "explosion", "blast"}


def _date_of_other_noun(span: Span, trigger: Token) -> bool:
    """A date said before a noun that is neither the trigger, nor another word for an event, nor
    what the trigger verb acts on ('signed the March 2 agreement', 'the Sunday raid killed 12')
    dates that noun: 'the withdrawal follows the March decision', 'last year's election'."""
    noun = modified_noun(span)
    if noun is None or noun.i == trigger.i or noun.lemma_.lower() in _EVENT_NOUNS or \
            noun.lower_ in _EVENT_NOUNS:
        return False
    return not (trigger.pos_ == "VERB" and noun.head.i == trigger.i and
                noun.dep_ in {"dobj", "nsubj", "nsubjpass"})


def _statement_date(span: Span, date_verb: Token, trigger: Token) -> bool:
    """The date belongs to a statement, not to what it tells: a verb of saying other than the
    trigger ('the army said on Sunday'), or 'according to military sources on Tuesday'."""
    if date_verb.i != trigger.i and date_verb.lemma_.lower() in lx.SPEECH_VERBS and span.start > date_verb.i:
        return True  # ("killed 25 women on Saturday, residents said": the date is the killing's)
    return any(n.lower_ == "according" or n.lemma_.lower() in {"statement", "source", "communique"}
               for n in _below(span.root, date_verb, 6)[1:])


_RELATIVE = re.compile(
    r"\b(?:the (?P<next>following|next) day|the day after|(?P<n>a|one|two|three|four|five|six|\d+) "
    r"(?P<unit>days?|weeks?) later|the (?:previous|preceding) day|the day before"
    r"|(?P<vague>(?:a few |several )?days later))\b", re.I)
_SMALL = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _relative_dates(sent: Span, base: dt.date | None) -> list[tuple[Span, str]]:
    """'the following day', 'two days later', 'days later': dates counted from the last event
    told with a full date."""
    if base is None:
        return []
    out = []
    for m in _RELATIVE.finditer(sent.text):
        span = sent.doc.char_span(sent.start_char + m.start(), sent.start_char + m.end(),
                                  alignment_mode="expand")
        if span is None:
            continue
        text = m.group(0).lower()
        if m.group("vague"):
            out.append((span, base.isoformat()[:7]))  # "days later": the same month, no day
            continue
        if m.group("n"):
            n = _SMALL.get(m.group("n").lower()) or int(m.group("n"))
            days = n * (7 if m.group("unit").lower().startswith("week") else 1)
        else:
            days = -1 if "previous" in text or "preceding" in text or "before" in text else 1
        out.append((span, (base + dt.timedelta(days=days)).isoformat()))
    return out


def _leaves_organisation(trigger: Token, ents: DocEntities) -> bool:
    """'pulled its troops out of the force', 'withdrew from ECOWAS': what is left is a body."""
    for tok in trigger.subtree:
        m = ents.at(tok)
        body = m is not None and m.type == "InternationalOrganization" or m is None and \
            tok.lower_ in {"force", "mission", "bloc", "alliance", "coalition"} and \
            any(c.lower_ == "the" for c in tok.lefts)
        if body and tok.dep_ == "pobj" and tok.head.lower_ in {"of", "from"} and _governs(trigger, tok):
            return True
    return False


def _in_relative(tok: Token, top: Token) -> bool:
    """``tok`` sits in a relative clause below ``top``: 'ousting Getachew, who flies to Addis Ababa'."""
    return any(n.dep_ == "relcl" for n in _below(tok, top, 8))


def _nested(trigger: Token, verb: Token) -> bool:
    """The noun trigger hangs on another noun below its clause's verb ('the anniversary of the
    overthrow'), so the clause's date is not the event's."""
    return any(n.pos_ in {"NOUN", "PROPN"} for n in _below(trigger, verb, 9)[1:])


def _happened(noun: Token) -> bool:
    """'the clashes took place', 'the attacks occurred': the noun is the subject of a verb of
    happening."""
    verb = noun.head
    return noun.dep_ == "nsubj" and (
        verb.lemma_.lower() in {"occur", "happen", "erupt", "unfold", "strike", "hit"} and
        noun.lemma_.lower() not in {"strike", "hit"} or
        verb.lemma_.lower() in {"occur", "happen", "erupt", "unfold"} or
        verb.lemma_.lower() == "take" and any(c.lower_ == "place" for c in verb.children) or
        verb.lemma_.lower() == "break" and any(c.lower_ == "out" for c in verb.children))


ANOTHER_WORDS = {"another", "separate", "second", "third", "earlier", "previous", "similar", "new",
                 "other", "separately", "also", "latest"}


def _habitual(trigger: Token) -> bool:
    """A verb told of a kind of target, not one: 'have ambushed military patrols', 'attack
    villages', 'raid markets' (a plural object with no article, number or name)."""
    if trigger.pos_ != "VERB":
        return False
    objects = [c for c in trigger.children if c.dep_ == "dobj"]
    return bool(objects) and all(
        o.tag_ == "NNS" and o.ent_type_ == "" and not any(
            c.dep_ in {"det", "nummod", "poss", "quantmod"} or c.ent_type_ or c.like_num or
            c.lower_ in {"several", "many", "numerous", "multiple", "few", "dozens", "scores"}
            for c in o.children) for o in objects)


def _counted_victims(noun: Token) -> bool:
    """A counted victim noun ('another 13 people were wounded', 'two other soldiers died'): the
    word adds victims to the event just told, it does not tell another event."""
    return noun.lemma_.lower() not in lx.ATTACK_NOUNS and any(
        c.dep_ == "nummod" or (c.dep_ == "det" and c.like_num) for c in noun.children)


def _told_as_another(trigger: Token) -> bool:
    """'a separate attack', 'another raid', 'in an earlier ambush', 'gunmen also killed 12',
    'elsewhere, 30 people died': the text marks a new event ('it also said 80 were wounded' is
    the same source telling more of the same one)."""
    if trigger.pos_ != "VERB" and not _counted_victims(trigger) and any(
            c.dep_ in {"amod", "det"} and c.lower_ in ANOTHER_WORDS - {"also"} for c in trigger.children):
        return True
    verb = trigger if trigger.pos_ == "VERB" else clause_verb(trigger)
    if verb.lemma_.lower() in lx.SPEECH_VERBS:
        return False
    return any(c.dep_ == "advmod" and c.lower_ in {"also", "separately", "earlier", "elsewhere", "meanwhile"}
               for c in verb.children)


def _take_current(into: _Draft, other: _Draft) -> None:
    """Merging a retelling: the more precise of the two current-news dates."""
    if other.current and len(other.current) > len(into.current or ""):
        into.current = other.current


def _add_figures(ev: Event, figures: list[Casualty]) -> None:
    """Add the figures ``ev`` does not have yet (same type, count and category)."""
    have = {(c.type, c.count, c.category) for c in ev.casualties}
    ev.casualties += [c for c in figures if (c.type, c.count, c.category) not in have]


def _same_country(ents: DocEntities, a: str | None, b: str | None) -> bool:
    """Two places that may be in one country (a place whose country we do not know may be)."""
    sa, sb = ents.state_of(a), ents.state_of(b)
    return not sa or not sb or sa == sb


def _same_time(a: str | None, b: str | None) -> bool:
    """'2023-07' and '2023-07-26' can be one time; '2020' and '2021' cannot."""
    return not a or not b or a.startswith(b) or b.startswith(a)


def _joined_dates(trigger: Token, dates: list[tuple[Span, str]], published: dt.date | None) -> Sequence[str]:
    """'coups in 2020 and 2021': the trigger's date and the dates joined to it, when there are
    several; else []."""
    first = _date_for(trigger, dates, published)
    if first is None:
        return []
    span = next(span for span, value in dates if value == first)
    joined = {c.i for c in span.root.conjuncts}
    values = [first] + [value for other, value in dates if other.root.i in joined and value != first]
    return values if len(values) > 1 else []


#: how sure an event is, by how it was found (measured on the dev set: events with a place and
#: figures are nearly always right; those placed by falling back to the article's country, least)
FIGURES_CONF, VERB_CONF, NOUN_CONF, GUESSED_PLACE_CONF = 0.9, 0.85, 0.8, 0.6


_PATTERNS = lx.load_lexicon("patterns")
_MATCHERS: dict[tuple[int, str], DependencyMatcher] = {}


def _dependency_matcher(vocab: Vocab, key: str) -> DependencyMatcher:
    """The DependencyMatcher of one pattern set of kg/data/lexicon/patterns.json."""
    cache_key = (id(vocab), key)
    if cache_key not in _MATCHERS:
        matcher = DependencyMatcher(vocab)
        matcher.add(key, _PATTERNS[key]["patterns"])
        _MATCHERS[cache_key] = matcher
    return _MATCHERS[cache_key]


@dataclass(frozen=True)
class EventConfig:
    """How far back a sentence may refer (the ``ckg_events`` component's config).

    ``refer_back``: sentences between 'the strikes' with figures and the strikes told;
    ``bare_refer_back``: the same for figures with no word for the attack ('20 people died');
    ``merge_window``: sentences between an attack and one told with no place of its own."""

    refer_back: int = 6
    bare_refer_back: int = 2
    merge_window: int = 8


class EventReader:
    """Reads the events of one parsed article."""

    def __init__(self, doc: Doc, ents: DocEntities, published: dt.date | None,
                 config: EventConfig | None = None) -> None:
        self.config = config or EventConfig()
        self.doc = doc
        self.claims = {ids[0] for _, ids in _dependency_matcher(doc.vocab, "claim_responsibility")(doc)}
        self.ents = ents
        self.published = reference_date(doc, published)  # the dateline's day, else publication
        self.drafts: list[_Draft] = []
        self.last_place: dict[str, str] = {}
        self.hit: dict[int, set[str]] = {}  # id(event) -> armed groups whose fighters were victims
        self.reference_dated: set[int] = set()  # id(event) of events dated by the story's year
        self.sent_dates: list[tuple[Span, str]] = []  # the dates of the sentence being read

    def read(self) -> list[Event]:
        last_category: str | None = None
        for index, sent in enumerate(self.ents.sents):
            last_category = self._sentence(index, sent, last_category)
        self._merge_retold()
        self._merge_unplaced()
        events = [self._finish(d) for d in self.drafts if self._keep(d)]
        # an attack with nowhere to put it, not even the article's country, is not kept
        events = [ev for ev in events if ev.place is not None or ev.type != "Attack"]
        # which events are dated by the story's year, not by the text (partnerships take no
        # since/until from them): indexes into the list, kept as plain data on the doc
        self.doc.user_data[REFERENCE_DATED] = [i for i, ev in enumerate(events) if id(ev) in self.reference_dated]
        return events

    # ------------------------------------------------------------------
    def _merge_retold(self) -> None:
        """A headline, a lede and the body often tell one attack with the same figure ('at least 5
        soldiers killed'): attacks sharing a figure, in one country and at compatible dates, are one."""
        kept: list[_Draft] = []
        for d in self.drafts:
            ev = d.event
            same = next((k for k in kept if k.event.type == "Attack" == ev.type and
                         {(c.type, c.count, c.category) for c in k.event.casualties} &
                         {(c.type, c.count, c.category) for c in ev.casualties} and
                         _same_time(k.event.date, ev.date) and
                         _same_country(self.ents, k.event.place, ev.place)), None)
            if same is None:
                kept.append(d)
                continue
            first = same.event
            if ev.place and d.place_rank > same.place_rank:
                first.place, same.place_rank = ev.place, d.place_rank
            if ev.date and (not first.date or len(ev.date) > len(first.date)):
                first.date, same.dated = ev.date, True
            _take_current(same, d)
            self._merge_roles(first, {"perpetrators": ev.perpetrators, "targets": ev.targets,
                                      "participants": ev.participants,
                                      "hit": sorted(self.hit.get(id(ev), ()))})
            _add_figures(first, ev.casualties)
            first.confidence = max(first.confidence, ev.confidence)
            same.extra.append(ev.evidence)
        self.drafts = kept

    def _merge_unplaced(self) -> None:
        """An attack told with no place of its own ('a spokesman said 20 people died', 'the group
        claimed it killed 137 soldiers'), or only with the country of the attack just told, is that
        attack: its figures and roles go there, not to a new event placed at the country. The other
        way, a first sentence's attack told at a country or region and the next one's at a town of
        that country, with no figures of its own, is one attack placed at the town. Not when the text
        marks another event ('a separate attack'), gives another date, or other attackers."""
        kept: list[_Draft] = []
        for d in self.drafts:
            ev = d.event
            prev = next((k for k in reversed(kept) if k.event.type == "Attack"), None)
            if ev.type != "Attack" or prev is None or d.fresh \
                    or d.sent_index - prev.sent_index > self.config.merge_window \
                    or not _same_time(prev.event.date, ev.date) or \
                    (ev.place is not None and self._other_side(prev.event, ev)):
                kept.append(d)
                continue
            first = prev.event
            if ev.place is None or ev.place == first.place or (
                    d.place_rank == PLACE_RANK["State"] and self.ents.state_of(first.place) == ev.place):
                pass  # no place of its own, the same place, or only the country
            elif prev.place_rank <= PLACE_RANK["Region"] and d.place_rank > prev.place_rank \
                    and not d.own_figures and \
                    prev.sent_index <= 2 and \
                    _same_country(self.ents, first.place or self.ents.main_state, ev.place):
                first.place, prev.place_rank = ev.place, d.place_rank  # the lede's attack, now placed
            else:
                kept.append(d)
                continue
            if ev.date and (not first.date or len(ev.date) > len(first.date)):
                first.date, prev.dated = ev.date, True
            _take_current(prev, d)
            # a claim by another side ('the rebels said they had killed 47 soldiers') adds its figures,
            # not a second attacker
            others = self._other_side(first, ev)
            self._merge_roles(first, {"perpetrators": [] if others else ev.perpetrators,
                                      "targets": ev.targets, "participants": ev.participants,
                                      "hit": sorted(self.hit.get(id(ev), ()))})
            _add_figures(first, ev.casualties)
            first.confidence = max(first.confidence, ev.confidence)
            prev.extra.append(ev.evidence)
            prev.tentative = prev.tentative and d.tentative
        self.drafts = kept

    def _other_side(self, a: Event, b: Event) -> bool:
        """Both name attackers and none is shared: two attacks."""
        pa, pb = {self.ents.state_of(k) or k for k in a.perpetrators}, \
            {self.ents.state_of(k) or k for k in b.perpetrators}
        return bool(pa and pb and not pa & pb)

    def _claim(self, index: int, sent: Span) -> None:
        """'JNIM claimed responsibility': the group is who carried out the attack just told."""
        previous = self._latest("Attack", 3, index)
        if previous is None:
            return
        for t in sent:
            if t.i not in self.claims or negated(t):
                continue
            for m in _subject_actors(t, self.ents, {"ArmedGroup"}):
                if m.actor_key not in previous.event.perpetrators:
                    previous.event.perpetrators.append(m.actor_key)

    def _current_date(self, trigger: Token) -> str | None:
        """The date of an event told as current news with no date of its own ('has killed up to
        100 people', 'are leaving'): the month of the day the statement telling it was made ('...,
        a group said on Thursday') when the days just before it (news told in the present perfect
        is a day or two old) are in the same month; else the story's year, no finer."""
        if self.published is None or not is_current_context(trigger):
            return None
        if trigger.pos_ != "VERB" and any(n.lower_ in _TIME_PREPS for n in _below(trigger, clause_verb(trigger), 8)):
            return None  # "since the coup, the junta has ...": the event is the time of something else
        for span, value in self.sent_dates:
            if len(value) == 10 and _statement_date(span, clause_verb(span.root), trigger):
                day = dt.date.fromisoformat(value)
                if (day - dt.timedelta(days=HOT_NEWS_DAYS)).month == day.month and day <= self.published:
                    return value[:7]
        return str(self.published.year)

    def _last_day(self) -> dt.date | None:
        """The day of the latest event told with a full date: what 'the following day' counts from."""
        for d in reversed(self.drafts):
            if d.event.date and len(d.event.date) == 10:
                return dt.date.fromisoformat(d.event.date)
        return None

    def _latest(self, type_: str, within: int | None, index: int) -> _Draft | None:
        for d in reversed(self.drafts):
            if d.event.type == type_ and (within is None or index - d.sent_index <= within):
                return d
        return None

    def _sentence(self, index: int, sent: Span, last_category: str | None) -> str | None:
        ents = self.ents
        triggers = [t for t in find_triggers(sent) if not not_real(t.token)]
        casualties = find_casualties(sent, ents, last_category)
        dates = dates_in_sentence(sent, self.published)
        dates = sorted(dates + _relative_dates(sent, self._last_day()), key=lambda d: d[0].start)
        self.sent_dates = dates
        by_type: dict[str, Trigger] = {}
        attack_trigs: list[Trigger] = []
        for trig in triggers:
            if (trig.token.tag_ == "NNS" or trig.type == "Attack") and _running_total(trig.token):
                continue  # "attacks have killed 2,500 people since 2014": a campaign, not one event
            if trig.type == "Coup" and trig.token.tag_ == "NNS" and \
                    len(_joined_dates(trig.token, dates, self.published)) > 1:
                pass  # "coups in 2020 and 2021": one a date
            elif trig.type in {"Coup", "Withdrawal", "Deployment", "Agreement"} and trig.token.tag_ == "NNS":
                continue  # "recent coups": not one event
            if trig.type == "Attack" and trig.token.tag_ == "NNS" and not casualties and not (
                    trig.definite and _happened(trig.token)) and \
                    _date_for(trig.token, dates, self.published) is None:
                continue  # "carrying out attacks in the region": a pattern, not one event
                # ("the clashes took place around X", "launched strikes on Friday": one event)
            if trig.type == "Attack" and not casualties and _habitual(trig.token) and \
                    _date_for(trig.token, dates, self.published) is None:
                continue  # "militants have ambushed military patrols": a pattern, not one event
            if trig.type == "Attack" and trig.token.lemma_.lower() in lx.WEAK_ATTACK_NOUNS | WEAK_ATTACK_VERBS \
                    and not casualties and not trig.definite:
                if clause_verb(trig.token).dep_ in {"relcl", "acl", "advcl", "xcomp"}:
                    continue  # "Wagner, which has fought alongside the army since 2021": background
                # "jets struck targets in Yemen": kept only if a later sentence tells more of it
                trig = Trigger(trig.type, trig.token, trig.definite, tentative=True)
            if trig.type == "Attack" and trig.token.lemma_.lower() in lx.WEAK_ATTACK_NOUNS and \
                    not dates and not _place_candidates(sent, ents, set()):
                # "over three days of fighting", with no place or date of its own: the general
                # word tells of the fighting just told
                trig = Trigger(trig.type, trig.token, definite=True)
            if trig.type == "Attack":
                attack_trigs.append(trig)
            by_type.setdefault(trig.type, trig)
        if casualties and "Attack" not in by_type:
            by_type["Attack"] = Trigger("Attack", casualties[0][1], definite=True)
        if "Attack" not in by_type:
            self._claim(index, sent)
        for type_, trig in by_type.items():
            date = _date_for(trig.token, dates, self.published, alone=len(by_type) == 1,
                             reported=type_ == "Attack")
            if type_ == "Coup":
                for value in _joined_dates(trig.token, dates, self.published) or (date,):
                    self._event(index, sent, type_, trig, [], value)
                continue
            split = self._split_attacks(sent, attack_trigs, casualties) if type_ == "Attack" else []
            for part_trig, part_figures, part_places in split:
                # "gunmen killed five soldiers in Tera, and militants killed seven civilians in
                # Dori": one attack a clause with a place of its own
                self._event(index, sent, type_, part_trig, part_figures, date, only=part_places)
            if not split:
                self._event(index, sent, type_, trig, casualties if type_ == "Attack" else [], date)
        # remember places for "the same region"
        for m in ents.in_span(sent):
            if m.type in PLACE_RANK:
                self.last_place[m.type] = m.key
        if casualties:
            return casualties[-1][0].category
        return last_category

    def _split_attacks(self, sent: Span, trigs: list[Trigger], casualties: list[tuple[Casualty, Token]]
                       ) -> list[tuple[Trigger, list[tuple[Casualty, Token]], set[str]]]:
        """Clauses of one sentence that each tell figures at a place of their own, different
        places: one attack each, as (trigger, figures, place keys). Empty when the sentence tells
        one attack (one clause, or clauses sharing a place)."""
        if len(casualties) < 2:
            return []

        def clause(tok: Token) -> Token:
            verb = clause_verb(tok)
            while verb.dep_ in {"advcl", "xcomp"} and verb.tag_ == "VBG" and verb.head.i != verb.i:
                verb = verb.head  # "attacked Tera, killing five soldiers": the attack's clause
            return verb

        groups: dict[int, list[tuple[Casualty, Token]]] = {}
        for c, head in casualties:
            groups.setdefault(clause(head).i, []).append((c, head))
        if len(groups) < 2:
            return []
        doc = sent.doc
        if any(doc[i].dep_ == "conj" and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in doc[i].children)
               for i in groups):
            return []  # "killed 23 villagers and abducted 38 others in a raid": one subject, one raid
        # a dateline's place ("GUSAU, Nigeria - ...") is no clause's own
        candidates = [m for m in _place_candidates(sent, self.ents, set()) if not doc[m.start].is_upper]
        out = []
        seen: set[str] = set()
        for verb_i, figures in groups.items():
            own = {m.key for m in candidates if clause(sent.doc[m.start:m.end].root).i == verb_i}
            if not own or own & seen:
                return []
            seen |= own
            trig = next((t for t in trigs if clause(t.token).i == verb_i), None) or \
                Trigger("Attack", figures[0][1], definite=True)
            out.append((trig, figures, own))
        return out

    def _event(self, index: int, sent: Span, type_: str, trig: Trigger,
               casualties: list[tuple[Casualty, Token]], date: str | None,
               only: set[str] | None = None) -> None:
        ents = self.ents
        roles = self._roles(type_, trig, casualties)
        exclude = set(roles.get("participants", []))
        places = [m for m in _place_candidates(sent, ents, exclude, type_)
                  if (only is None or m.key in only) and (
                      type_ not in {"Withdrawal", "Deployment"} or
                      not _in_relative(sent.doc[m.start:m.end].root, trig.token))]  # "whose troops come from"
        # "the base" standing for a base named before is where the event is only when said of it
        # ("they attacked the base"; not "the base ... is run by the army of the 2019 offensive")
        places = [m for m in places if not (m.type == "MilitaryBase" and m.how == "coref") or
                  _governs(trig.token, sent.doc[m.start:m.end].root) or
                  _governs(clause_verb(trig.token), sent.doc[m.start:m.end].root)]
        if type_ == "Withdrawal" and _leaves_organisation(trig.token, ents) and not any(
                _governs(trig.token, sent.doc[m.start:m.end].root) for m in places):
            return  # "pulling its troops out of the force": leaving a mission, not a country
        if type_ == "Coup":
            # "accused Benin ... since the July 2023 coup": only a place said of the coup, else the
            # country whose junta the sentence names
            verb = clause_verb(trig.token)
            places = [m for m in places if (_governs(trig.token, sent.doc[m.start:m.end].root) or
                      _in_locative(sent.doc[m.start:m.end].root, verb) and
                      _governs(verb, sent.doc[m.start:m.end].root)) and
                      not _in_relative(sent.doc[m.start:m.end].root, trig.token)]
            if not places:
                places = [Mention(m.start, m.end, state, "State", "coref")
                          for m in ents.in_span(sent)
                          if m.type == "MilitaryJunta" and (state := ents.state_of(m.key))][:1]
        # a place attached to the trigger first, then the most specific, then the first named
        place = max(places, key=lambda m: (_governs(trig.token, sent.doc[m.start:m.end].root),
                                           PLACE_RANK[m.type], _inside(m, places, ents), -m.start),
                    default=None)
        place_key = place.key if place else _same_place(sent, ents, self.last_place)
        order = _order_verb(trig.token) if type_ in {"Withdrawal", "Deployment"} else None
        if place_key is None and order is not None:
            # "Somalia ordered Ethiopian troops to leave": they leave the country that orders
            place_key = next((_as_state(m.actor_key, ents) for m in _subject_actors(order, ents)
                              if ents.state_of(m.actor_key) and
                              _as_state(m.actor_key, ents) not in roles["participants"]), None)
            place_key = ents.state_entity(place_key) or place_key if place_key else None
        if type_ == "Attack" and place_key and (
                any(c.category == "Soldiers" for c, _ in casualties) or
                any(_military_site(n) for n in _attacked_sites(trig.token))):
            place_key = _town_base(place_key, ents)
        rank = PLACE_RANK.get(ents.entities[place_key].type, 0) if place_key else 0
        # soldiers no one names ("two soldiers were wounded near X"): the army of where it happened
        host = ents.state_of(place_key) or ents.main_state
        for c, _ in casualties:
            if c.category == "Soldiers" and c.victim is None and host and \
                    c.type in {"Killed", "Wounded", "Missing", "Abducted"}:
                victim = ents.armed_forces(host, None, "coref")
                if victim not in roles["perpetrators"] + roles["targets"]:
                    roles["targets"].append(victim)
        # "an attack on a military base": the forces of where it happened are the target, unless
        # they are the attackers
        if type_ == "Attack" and host and any(_military_site(n) for n in _attacked_sites(trig.token)):
            army = ents.armed_forces(host, None, "coref")
            if army not in roles["perpetrators"] + roles["targets"] and not any(
                    ents.state_of(k) == host for k in roles["perpetrators"]):
                roles["targets"].append(army)
        previous = None
        if type_ == "Coup":
            # one coup an article, unless it names two countries or two dates
            previous = self._latest("Coup", None, index)
            if previous and place_key and previous.event.place and \
                    ents.state_of(place_key) != ents.state_of(previous.event.place):
                previous = None
            if previous and date and previous.dated and not _same_time(date, previous.event.date):
                previous = None
        elif trig.definite and not _told_as_another(trig.token):
            previous = self._latest(type_, None, index)
            if previous and type_ != "Attack" and date and previous.dated and \
                    not _same_time(date, previous.event.date):
                previous = None  # "its withdrawal ... by December 31" after one on October 31
            bare = trig.token in [c[1] for c in casualties]  # figures with no word for the attack
            if previous and type_ == "Attack" and casualties and previous.sent_index < index - (
                    self.config.bare_refer_back if bare else self.config.refer_back):
                previous = None  # "the strikes had killed five", a few quotes after the strikes
            if previous and type_ == "Attack" and casualties and (date and previous.dated and
                                                                  previous.event.date != date):
                previous = None
            if previous and type_ == "Attack" and casualties and trig.token in [c[1] for c in casualties]:
                # bare figures: the same event unless the sentence names a new place or date
                new_place = place_key and previous.event.place and place_key != previous.event.place \
                    and rank >= previous.place_rank
                if new_place or (date and index - previous.sent_index > 0 and
                                 trig.token.sent.start != previous.sent_index and
                                 date != previous.event.date):
                    previous = None
        if previous is not None:
            for role in ("participants", "perpetrators"):
                mine, theirs = set(roles.get(role, [])), set(getattr(previous.event, role))
                if mine and theirs and not mine & theirs:
                    previous = None  # "the US withdrawal" after France's: another event
                    break
        if previous is not None:
            ev = previous.event
            place_root = sent.doc[place.start:place.end].root if place else None
            if place_root is not None and not (_governs(trig.token, place_root) or (
                    _happened(trig.token) and _governs(trig.token.head, place_root))):
                place_key, rank = None, 0  # only a place said of the referring words moves the event
            if place_key and rank > previous.place_rank:
                ev.place, previous.place_rank = place_key, rank
            if date and not previous.dated:
                ev.date, previous.dated = date, True
            current = self._current_date(trig.token) if date is None else None
            if current and len(current) > len(previous.current or ""):
                previous.current = current  # the retelling says when it was told
            self._merge_roles(ev, roles)
            _add_figures(ev, [c for c, _ in casualties])
            previous.extra.append(sent.text.strip())
            previous.tentative = previous.tentative and trig.tentative
            return
        ev = Event(type=type_, evidence=sent.text.strip(), place=place_key, date=date,
                   casualties=[c for c, _ in casualties],
                   confidence=VERB_CONF if trig.token.pos_ == "VERB" else NOUN_CONF)
        self._merge_roles(ev, roles)
        self.drafts.append(_Draft(ev, index, rank, date is not None, tentative=trig.tentative,
                                  fresh=_told_as_another(trig.token), own_figures=bool(casualties),
                                  current=self._current_date(trig.token) if date is None else None))
        if place is not None and type_ in {"Withdrawal", "Deployment"}:
            # "withdraw its troops from Mali, Burkina Faso and Niger": one event a country
            for other in sent.doc[place.start:place.end].root.conjuncts:
                m = ents.at(other)
                if m is not None and m.type == place.type and m.key != place_key:
                    twin = replace(ev, place=m.key, perpetrators=list(ev.perpetrators),
                                   targets=list(ev.targets), participants=list(ev.participants),
                                   casualties=[])
                    self.drafts.append(_Draft(twin, index, rank, date is not None))

    def _roles(self, type_: str, trig: Trigger, casualties: list[tuple[Casualty, Token]]
               ) -> dict[str, list[str]]:
        ents, t = self.ents, trig.token
        roles: dict[str, list[str]] = {"perpetrators": [], "targets": [], "participants": []}
        if type_ == "Attack":
            if t.pos_ != "VERB" and t in [h for _, h in casualties]:
                # figures with no attack word ("the army said it killed 12 fighters of JNIM"): the
                # victims' noun names their group, not the attacker; the attacker is who kills them
                verb = t.head if t.dep_ in {"dobj", "nsubjpass", "nsubj"} and t.head.pos_ == "VERB" else None
                attackers = _subject_actors(verb, ents, passive=False, pronouns=True) if verb is not None else []
            else:
                attackers = _subject_actors(t, ents, passive=False)
            if not attackers and t.pos_ != "VERB":
                # "X fighters killed 12 soldiers in an attack": the subject of the clause
                verb = clause_verb(t)
                if verb.i in self.claims:  # "ISSP admitted responsibility for the raid"
                    attackers = _subject_actors(verb, ents, {"ArmedGroup"}, passive=False)
                elif verb.pos_ == "VERB" and verb.lemma_.lower() in lx.ATTACK_VERBS | CARRY_OUT_VERBS:
                    attackers = _subject_actors(verb, ents, passive=False)
            blamed = _blamed(t, ents)
            attackers += _helpers(t, ents) + blamed
            if not attackers:
                attackers = _state_forces(t, ents)  # "a government drone strike", "army drones"
            if not attackers:
                attackers = self._described_group(t)  # "the jihadists", after naming JNIM
            for m in attackers:
                if ents.entities[m.actor_key].type in {"ArmedGroup", "ArmedForces", "State"}:
                    roles["perpetrators"].append(m.actor_key)
            preps = {"on", "against"}
            if t.lemma_.lower() in {"capture", "seize", "take", "retake", "retook", "recapture", "wrest",
                                    "overrun", "overran"}:
                preps.add("from")  # "captured the town from the Congolese army"
            if t.lemma_.lower() in {"fire", "launch"}:
                preps.add("at")  # "fired missiles at a US destroyer"
            for m in _objects_actors(t, ents, preps):
                if m.actor_key not in {b.actor_key for b in blamed}:
                    roles["targets"].append(m.actor_key)
            for c, head in casualties:
                if c.victim and c.category == "Soldiers" and c.victim not in roles["perpetrators"]:
                    roles["targets"].append(c.victim)
                if c.category == "Militants":
                    # "killed three al-Shabaab fighters", "12 members of JNIM": their group is hit
                    # (a target at the end, unless the event's attackers are that group)
                    roles.setdefault("hit", []).extend(_victims_group(head, ents))
        elif type_ == "Coup":
            # "X was overthrown": the passive subject is who lost power, 'by Y' who took it
            for m in _subject_actors(t, ents, ROLE_TYPES | {"Person"}, passive=False):
                roles["perpetrators"].append(m.actor_key)
            # whoever a verb of ousting in the sentence removes ('since a coup in 2023 ousted X',
            # 'X was overthrown in a coup'): one coup a sentence
            ousted = [c for v in t.sent if v.pos_ == "VERB" and v.lemma_.lower() in OUST_VERBS
                      and not negated(v) for c in v.children if c.dep_ in {"nsubjpass", "dobj"}]
            ousted += [c for c in t.children
                       if c.dep_ == "dobj" or (c.dep_ == "prep" and c.lower_ in {"of", "against"})]
            # "the ousted president X", "deposed leader X": the participle names who was removed
            ousted += [v.head for v in t.sent if v.lemma_.lower() in OUST_VERBS and v.dep_ in {"amod", "acl"}
                       and v.head.i > v.i]
            for c in ousted:
                for tok in c.subtree:
                    m = ents.at(tok)
                    if m and m.type == "Person" and m.key not in roles["targets"]:
                        roles["targets"].append(m.key)
            # "soldiers detained the president", "the army arrested PM X ... in the coup": a ruler
            # held in the coup's own sentence
            for v in t.sent:
                if v.pos_ == "VERB" and v.lemma_.lower() in lx.COUP_DETAIN_VERBS and not negated(v):
                    for c in v.children:
                        if c.dep_ not in {"dobj", "nsubjpass"}:
                            continue
                        for tok in c.subtree:
                            m = ents.at(tok)
                            if m and m.type == "Person" and m.key not in roles["targets"] and \
                                    self._titled_head(m.key):
                                roles["targets"].append(m.key)
        else:
            # "its withdrawal", "they signed": pronouns stand for the actors here
            order = _order_verb(t)
            if order is not None:
                # "Somalia ordered Ethiopian troops to leave": who leaves is who was ordered
                toks = [w for c in order.children if c.dep_ in {"dobj", "dative"} for w in c.subtree]
                actors = _actors_in(toks, ents, pronouns=True) or \
                    [m for m in [_demonym_actor(toks, ents)] if m]
            else:
                actors = _subject_actors(t, ents, pronouns=True)
            if type_ == "Agreement":
                actors += _objects_actors(t, ents, {"with", "between"}, objects=False, pronouns=True)
                if t.dep_ == "acl":  # "a ceasefire between the junta and the alliance, signed in ..."
                    actors += _objects_actors(t.head, ents, {"with", "between"}, objects=False)
                for c in t.children:
                    if c.dep_ == "dobj":
                        for p in c.children:
                            if p.dep_ == "prep" and p.lower_ in {"with", "between"}:
                                actors += _actors_in(list(p.subtree), ents)
            for m in actors:
                key = _as_state(m.actor_key, ents)
                if key not in roles["participants"]:
                    roles["participants"].append(key)
            if not roles["participants"] and type_ in {"Withdrawal", "Deployment"}:
                # "a US contingent", "French troops": the forces' owner
                moved = [c for c in t.children if c.dep_ in {"nsubj", "nsubjpass", "dobj"}]
                for c in moved:
                    mention = _demonym_actor(list(c.subtree), ents)
                    if mention:
                        roles["participants"].append(mention.key)
        return roles

    def _titled_head(self, key: str) -> bool:
        """Some mention of the person is titled as a head of state or government ('President X',
        'the prime minister, X', 'PM X')."""
        titles = lx.HEAD_OF_TITLES | lx.HEAD_TITLE_ABBREVIATIONS
        for m in self.ents.mentions:
            if m.key != key:
                continue
            span = self.doc[max(0, m.start - 3):m.end]
            words = " ".join(w.lower_ for w in span)
            if any(re.search(rf"\b{re.escape(t)}\b", words) for t in titles):
                return True
        return False

    def _described_group(self, trigger: Token, within: int = 3) -> list[Mention]:
        """The attacker told by its kind ('insurgents killed seven civilians', 'the jihadists
        attacked', 'an attack by rebels'): the armed group last named in this sentence before the
        word or in the ``within`` sentences before it; none when no group was named."""
        words = _subject_words(trigger)
        if not any(w.lemma_.lower() in lx.GROUP_DESCRIPTORS or w.lower_.rstrip("s") in lx.GROUP_DESCRIPTORS
                   or w.lower_ == "paramilitaries" for w in words):
            return []
        sents = self.ents.sents
        here = next((i for i, s in enumerate(sents) if s.start <= trigger.i < s.end), 0)
        start = sents[max(0, here - within)].start
        # not a group inside the words themselves ('Al-Qaeda-linked jihadists': only linked to it)
        before = min(w.left_edge.i for w in words)
        named = [m for m in self.ents.mentions if start <= m.start and m.end <= before
                 and self.ents.entities[m.actor_key].type == "ArmedGroup"]
        return named[-1:]

    def _merge_roles(self, ev: Event, roles: dict[str, list[str]]) -> None:
        self.hit.setdefault(id(ev), set()).update(roles.get("hit", []))
        for name in ("perpetrators", "targets", "participants"):
            have: list[str] = getattr(ev, name)
            for key in roles.get(name, []):
                if key not in have:
                    have.append(key)

    def _keep(self, draft: _Draft) -> bool:
        ev = draft.event
        if draft.tentative:
            return False
        if ev.type in {"Withdrawal", "Deployment", "Agreement"} and not ev.participants:
            return False
        if ev.type in {"Withdrawal", "Deployment"}:
            host = self.ents.state_of(ev.place) if ev.place else self.ents.main_state
            if host and all(p == host for p in ev.participants):
                return False  # a state moving its own troops at home: not a foreign deployment
            if all(self.ents.insurgent(p) for p in ev.participants):
                return False  # rebels pulling out of a town: a move in the fighting
        return ev.type != "Attack" or bool(ev.casualties or ev.place or ev.perpetrators or ev.targets)

    def _recent_place(self, draft: _Draft) -> str | None:
        """An attack or coup whose sentences name no place: the place the sentence before (or the
        one before that) names, if it lies in the article's country ("thousands marched in
        Khartoum. ... two protesters were killed"). A coup takes that place's country, whichever
        it is (an article about a coup names the foreign powers more often than the country)."""
        ents = self.ents
        if not ents.main_state:
            return None
        for k in (draft.sent_index - 1, draft.sent_index - 2):
            if k < 0:
                break
            found = [m for m in _place_candidates(ents.sents[k], ents, set(draft.event.participants),
                                                  draft.event.type)
                     if m.how != "coref" and (draft.event.type == "Coup" or m.key == ents.main_state or
                                              ents.state_of(m.key) == ents.main_state)]
            if found:
                place = max(found, key=lambda m: (PLACE_RANK[m.type], m.start)).key
                if draft.event.type == "Coup":
                    return ents.state_entity(ents.state_of(place) or place) or place
                return place
        return None

    def _finish(self, draft: _Draft) -> Event:
        ev = draft.event
        ents = self.ents
        if ev.type == "Coup":
            state = ents.state_of(ev.place) or ents.main_state
            if not ev.perpetrators and state:
                junta_key = None
                for key, entity in ents.entities.items():
                    if entity.type == "MilitaryJunta" and ents.state_of(key) == state:
                        junta_key = key
                if junta_key:
                    ev.perpetrators.append(junta_key)
        if ev.place is None and ev.type in {"Coup", "Attack"}:
            ev.place = self._recent_place(draft)
        if ev.place is None and ev.type != "Agreement":
            if ev.type in {"Withdrawal", "Deployment", "Coup", "Attack"}:
                hosts = [s for s in [ents.main_state] if s and s not in ev.participants]
                if hosts:
                    ev.place = ents.state_entity(hosts[0]) or hosts[0]  # described, if only implied
                    if ev.type == "Attack":  # where it happened is only a guess (a coup or
                        ev.confidence = GUESSED_PLACE_CONF  # a withdrawal is the country's)
        elif ev.casualties:
            ev.confidence = max(ev.confidence, FIGURES_CONF)  # a place and figures: an event told plainly
        if ev.place and (ev.type == "Attack" and any(c.category == "Soldiers" for c in ev.casualties) or
                         ev.type == "Withdrawal"):
            ev.place = _town_base(ev.place, ents)  # forces leave a town where they had a base: the base
        for key in sorted(self.hit.get(id(ev), ())):
            if key not in ev.perpetrators + ev.targets:
                ev.targets.append(key)
        victims = {ents.state_of(k) or k for k in ev.targets}
        ev.perpetrators = [k for k in ev.perpetrators if k not in ev.targets and
                           (ents.state_of(k) or k) not in victims]
        if draft.extra:
            ev.evidence = " ".join([ev.evidence] + draft.extra)
        if ev.date is None and draft.current:
            ev.date = draft.current
            self.reference_dated.add(id(ev))
        return ev


def read_events(doc: Doc, ents: DocEntities, published: dt.date | None,
                config: EventConfig | None = None) -> list[Event]:
    return EventReader(doc, ents, published, config).read()
