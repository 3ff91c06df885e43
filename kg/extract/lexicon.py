"""Word lists the extraction rules use: triggers, cue nouns, victim nouns.

Lists moved to data live in ``kg/data/lexicon/*.json``: each list there has a
``source`` (what it is and where the words come from) and is loaded once here.

They are lemmas (lower case) of general English news vocabulary, not
phrases from particular articles.
"""

# --- events ------------------------------------------------------------------
# Triggers (kg/data/lexicon/events.json) and victim nouns (victims.json) are data, loaded below.


# --- casualties --------------------------------------------------------------
# The casualty frame (predicates, nominal forms, capture and loss verbs, time spans, speech verbs)
# is data: kg/data/lexicon/casualties.json, loaded below.


# --- actors ------------------------------------------------------------------
ARMY_NOUNS = {"army", "military", "armed forces", "forces", "troops", "soldiers",
              "security forces", "defence forces", "defense forces", "defence force", "defense force",
              "air force", "navy", "national army", "gendarmerie", "units"}
JUNTA_NOUNS = {"junta", "military junta", "military government", "military regime",
               "military rulers", "military leaders", "putschists", "military authorities",
               "ruling junta", "military leadership", "transitional government",
               "military-led government", "coup leaders", "ruling military"}
ARMED_GROUP_CUES = {
    "front", "movement", "brigade", "brigades", "militia", "rebels", "rebel", "liberation",
    "jihad", "mujahideen", "ansar", "katiba", "jamaat", "jama'at", "islamic", "army",
    "forces", "battalion", "resistance", "defence", "defense", "self-defence", "coalition",
    "group", "corps", "legion", "wing",
}
IO_CUES = {"union", "community", "organisation", "organization", "nations", "council",
           "mission", "league", "alliance", "bloc", "commission", "confederation", "bank",
           "fund", "court", "agency", "authority", "forum", "conference", "task force",
           "cooperation", "development"}
LEADER_TITLES = {
    "president", "prime minister", "premier", "general", "colonel", "captain", "lieutenant",
    "major", "commander", "leader", "head", "chief", "chairman", "chair", "king", "emir",
    "ruler", "minister", "marshal", "brigadier", "admiral", "lieutenant-colonel",
    "lieutenant colonel", "chancellor", "sultan",
}
HEAD_OF_TITLES = {"president", "prime minister", "premier", "king", "emir", "leader", "ruler",
                  "head", "chairman", "chair", "chancellor", "sultan", "chief"}
MILITARY_TITLES = {"general", "colonel", "captain", "lieutenant", "major", "commander",
                   "marshal", "brigadier", "admiral", "lieutenant-colonel", "lieutenant colonel"}

# --- places ------------------------------------------------------------------
REGION_NOUNS = {"region", "province", "state", "department", "district", "county",
                "governorate", "prefecture", "area", "zone", "territory", "commune",
                "circle", "division", "municipality", "oblast", "wilaya"}
SETTLEMENT_NOUNS = {"village", "town", "city", "locality", "hamlet", "settlement", "capital",
                    "port", "outpost", "camp"}
BASE_NOUNS = {"base", "camp", "barracks", "garrison", "outpost", "airbase", "post",
              "position", "fort", "checkpoint"}
BASE_MODIFIERS = {"air", "drone", "military", "army", "naval", "forward", "operating",
                  "logistics", "training", "airport"}

# --- partnerships ------------------------------------------------------------
TIE_NOUNS = {
    "tie", "relation", "relationship", "partnership", "cooperation", "co-operation",
    "rapprochement", "alliance", "ally", "partner", "friendship", "pact", "accord", "agreement",
    "deal", "treaty", "collaboration", "support", "assistance", "aid", "backing", "bond",
    "link", "rapport", "confederation", "federation", "delivery", "purchase", "acquisition",
    "supply", "instructor", "adviser", "advisor", "mercenary", "drone", "weapon", "arms",
}
TIE_VERBS = {"ally", "partner", "cooperate", "court", "embrace", "forge", "deepen",
             "strengthen", "cultivate", "sign", "join", "team", "align", "pivot", "turn",
             "welcome", "host", "support", "back", "help", "arm", "train", "supply", "deliver",
             "sell", "send", "deploy", "fund", "finance", "assist", "equip", "bolster"}
END_VERBS = {"cut", "sever", "break", "end", "terminate", "revoke", "denounce", "expel",
             "suspend", "scrap", "annul", "cancel", "quit", "leave", "withdraw", "tear",
             "rupture", "freeze", "abandon", "oust", "kick", "renounce", "reject", "sour",
             "deteriorate", "collapse", "exit", "order", "close", "dissolve", "halt"}
END_NOUNS = {"rupture", "break", "breakdown", "withdrawal", "expulsion", "termination",
             "end", "departure", "pullout", "exit", "severing", "suspension", "collapse",
             "fallout", "split", "divorce"}

#: states ruled by a military government that seized power (2020-2025 coups); "the junta"
#: in an article is one of these unless the article names another
JUNTA_STATES = {"state/mali", "state/burkina-faso", "state/niger", "state/guinea", "state/sudan",
                "state/myanmar", "state/chad", "state/gabon"}


# --- lists kept as data ----------------------------------------------------------
import json as _json  # noqa: E402

from kg import resources as _resources  # noqa: E402

LEXICON_DIR = _resources.data_dir() / "lexicon"


def load_lexicon(name: str) -> dict:
    """One data file of ``kg/data/lexicon`` (``name`` without ``.json``)."""
    with open(LEXICON_DIR / f"{name}.json", encoding="utf-8") as fh:
        return _json.load(fh)


_CAS = load_lexicon("casualties")
CASUALTY_TYPES = ("Killed", "Wounded", "Missing", "Abducted")


def _by_type(entry: dict) -> dict[str, frozenset[str]]:
    return {t: frozenset(entry.get(t, [])) for t in CASUALTY_TYPES}


#: casualty type of a verb lemma ("killed", "were wounded"), of a word form ("25 dead", "three
#: missing", "captured soldiers"), of a noun ("17 deaths", "the abduction of 20")
CASUALTY_VERBS = _by_type(_CAS["predicate_verbs"])
CASUALTY_WORDS = _by_type(_CAS["predicate_words"])
CASUALTY_NOUNS = _by_type(_CAS["predicate_nouns"])
CAPTURE_VERBS = frozenset(_CAS["capture_verbs"]["words"])
LOSS_VERBS = frozenset(_CAS["loss_verbs"]["words"])
SHOOT_VERBS = frozenset(_CAS["shoot_verbs"]["words"])
TOLL_VERBS = frozenset(_CAS["toll_verbs"]["words"])
SPAN_SINCE = frozenset(_CAS["span_words"]["since"])
SPAN_NOUNS = frozenset(_CAS["span_words"]["span_nouns"])
SPAN_PREPS = frozenset(_CAS["span_words"]["span_preps"])
SPAN_MODS = frozenset(_CAS["span_words"]["span_mods"])
SPEECH_VERBS = frozenset(_CAS["speech_verbs"]["words"])

_STATUS = load_lexicon("status")
MODALS = frozenset(_STATUS["modals"]["words"])
EPISTEMIC_MODALS = frozenset(_STATUS["epistemic_modals"]["words"])
DENIAL_VERBS = frozenset(_STATUS["denial_verbs"]["words"])
INTENT_VERBS = frozenset(_STATUS["intent_verbs"]["words"])
FOIL_VERBS = frozenset(_STATUS["foil_verbs"]["words"])
UNREAL_MODIFIERS = frozenset(_STATUS["unreal_modifiers"]["words"])
ORDER_VERBS = frozenset(_STATUS["order_verbs"]["words"])

_ROLES = load_lexicon("roles")
CARRY_OUT_VERBS = frozenset(_ROLES["carry_out_verbs"]["words"])
BLAME_VERBS = frozenset(_ROLES["blame_verbs"]["words"])
MILITARY_SITE_NOUNS = frozenset(_ROLES["military_site_nouns"]["words"])
MILITARY_SITE_NOUNS_MODIFIED = frozenset(_ROLES["military_site_nouns_modified"]["words"])
MILITARY_MODIFIERS = frozenset(_ROLES["military_modifiers"]["words"])
GROUP_DESCRIPTORS = frozenset(_ROLES["group_descriptors"]["words"])
COUP_DETAIN_VERBS = frozenset(_ROLES["coup_detain_verbs"]["words"])
HEAD_TITLE_ABBREVIATIONS = frozenset(_ROLES["head_title_abbreviations"]["words"])

_EVENTS = load_lexicon("events")
ATTACK_VERBS = frozenset(_EVENTS["attack_verbs"]["words"])
ATTACK_NOUNS = frozenset(_EVENTS["attack_nouns"]["words"])
#: attack nouns too general to make an event on their own (need casualties or a place)
WEAK_ATTACK_NOUNS = frozenset(_EVENTS["weak_attack_nouns"]["words"])
COUP_NOUNS = frozenset(_EVENTS["coup_nouns"]["words"])
COUP_VERBS = frozenset(_EVENTS["coup_verbs"]["words"])
WITHDRAWAL_NOUNS = frozenset(_EVENTS["withdrawal_nouns"]["words"])
WITHDRAWAL_VERBS = frozenset(_EVENTS["withdrawal_verbs"]["words"])
DEPLOYMENT_NOUNS = frozenset(_EVENTS["deployment_nouns"]["words"])
DEPLOYMENT_VERBS = frozenset(_EVENTS["deployment_verbs"]["words"])
AGREEMENT_NOUNS = frozenset(_EVENTS["agreement_nouns"]["words"])
AGREEMENT_VERBS = frozenset(_EVENTS["agreement_verbs"]["words"])
#: what a deployment or withdrawal moves: forces and personnel
FORCE_NOUNS = frozenset(_EVENTS["force_nouns"]["words"])
#: of those, the ones that are equipment, not people
MATERIEL_NOUNS = frozenset(_EVENTS["materiel_nouns"]["words"])

_VICTIMS = load_lexicon("victims")
SOLDIER_NOUNS = frozenset(_VICTIMS["soldier_nouns"]["words"])
CIVILIAN_NOUNS = frozenset(_VICTIMS["civilian_nouns"]["words"])
MILITANT_NOUNS = frozenset(_VICTIMS["militant_nouns"]["words"])
#: nouns for people whose category the sentence must tell
PEOPLE_NOUNS = frozenset(_VICTIMS["people_nouns"]["words"])
