"""A reproducible benchmark corpus, recombined from the dev articles.

    python bench/corpus.py [--n 2000] [--seed 7] [--source FILE] [-o bench/out/corpus.jsonl]

Every generated article is a shuffled selection of paragraphs of the dev
articles (``../shared/corpus/dev.jsonl``), 150 to 900 words long, in which

* states are swapped for other states of the gazetteer, consistently within
  the article (label, aliases and demonyms: "Nigerien army" -> "Chadian army"),
* towns are swapped for other towns, preferably of the new state (a capital
  for the old state's capital),
* casualty and other small numbers (digits and number words) are changed,
* dates, month names and years are moved by the same amount as the
  article's new publication date.

The output is our JSONL input format (``id``, ``title``, ``published``,
``source``, ``text``). The same seed and source always give a byte-identical
file: every random choice comes from ``random.Random`` seeded per article and
is made over sorted lists, never over sets.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import random
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/corpus.py` from anywhere
    sys.path.insert(0, str(ROOT))

from kg.extract.gazetteer import Gazetteer, is_acronym, load_gazetteer  # noqa: E402

DEFAULT_SOURCE = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev.jsonl"
DEFAULT_OUT = Path(__file__).resolve().parent / "out" / "corpus.jsonl"

MIN_WORDS, MAX_WORDS = 150, 900
FIRST_DATE, LAST_DATE = dt.date(2021, 1, 1), dt.date(2025, 12, 31)
#: towns picked as replacements must be at least this big (recognisable, not hamlets)
MIN_TOWN_POP = 10_000

_WORD = r"(?<![\w'’.-]){}(?![\w’-])"
_MONTHS = list(calendar.month_name)[1:]
_MONTH_RE = "|".join(_MONTHS)
_NUM_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
              "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
              "seventeen", "eighteen", "nineteen", "twenty"]
# one pass over the text; the first alternative that matches wins
_TIME_NUM = re.compile(
    rf"(?P<mdy>(?P<mdy_m>{_MONTH_RE}) (?P<mdy_d>\d{{1,2}}), (?P<mdy_y>(?:19|20)\d\d))"
    rf"|(?P<dmy>(?P<dmy_d>\d{{1,2}}) (?P<dmy_m>{_MONTH_RE}),? (?P<dmy_y>(?:19|20)\d\d))"
    rf"|(?P<my>(?P<my_m>{_MONTH_RE}),? (?P<my_y>(?:19|20)\d\d))"
    rf"|(?P<md>(?P<md_m>{_MONTH_RE}) (?P<md_d>\d{{1,2}})(?!\d))"
    rf"|(?P<dm>(?P<dm_d>\d{{1,2}}) (?P<dm_m>{_MONTH_RE}))"
    rf"|(?P<month>\b(?:{_MONTH_RE})\b)"
    r"|(?P<year>(?<![\w.,])(?:19[5-9]\d|20\d\d)(?![\w%]|,\d|\.\d))"
    r"|(?P<num>(?<![\w.,$€£-])\d{1,3}(?:,\d{3})?(?![\w%]|[.,]\d))"
    rf"|(?P<word>\b(?:{'|'.join(w.capitalize() + '|' + w for w in _NUM_WORDS[2:])})\b)"
)


@dataclass(frozen=True)
class Paragraph:
    text: str
    title: str  # of the article it comes from
    published: dt.date
    words: int


# ------------------------------------------------------------------ the source
def load_source(source: Path) -> list[dict]:
    rows = []
    with open(source, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    if not rows:
        raise SystemExit(f"corpus: no articles in {source}")
    return rows


def paragraphs_of(rows: list[dict]) -> list[Paragraph]:
    out = []
    for row in rows:
        published = dt.date.fromisoformat((row.get("published") or "2024-01-01")[:10])
        for para in re.split(r"\n\s*\n", row["text"]):
            para = " ".join(para.split())
            if para:
                out.append(Paragraph(para, row.get("title") or para[:80], published,
                                     len(para.split())))
    return out


# --------------------------------------------------------------------- names
@dataclass
class Places:
    """Gazetteer names we swap, and what we may swap them for."""

    states: list[str]  # state keys, sorted
    state_names: dict[str, str]  # surface form -> state key
    demonyms: dict[str, str]  # demonym -> state key
    town_names: dict[str, str]  # surface form -> settlement key
    protected: list[str]  # names kept as they are ("Boko Haram" is not the town of Boko)
    towns_by_country: dict[str, list[str]]  # state key -> big settlement keys, sorted
    big_towns: list[str]


def _usable(name: str) -> bool:
    return len(name) >= 3 and name[:1].isupper()


@lru_cache(maxsize=4)
def places_in(text_blob: str) -> Places:
    """The swappable names that occur in ``text_blob`` (the whole source)."""
    gaz = load_gazetteer()
    state_names: dict[str, str] = {}
    demonyms: dict[str, str] = {}
    town_names: dict[str, str] = {}
    protected: list[str] = []
    towns_by_country: dict[str, list[str]] = {}
    for e in gaz.entries.values():
        if e.type == "State":
            for name in e.names:
                if (_usable(name) or is_acronym(name) and len(name) >= 2) and name in text_blob:
                    state_names.setdefault(name, e.key)
            for name in e.demonyms:
                if _usable(name) and name in text_blob:
                    demonyms.setdefault(name, e.key)
        elif e.type == "Settlement" and not e.ambiguous:
            if (e.population or 0) >= MIN_TOWN_POP and e.country:
                towns_by_country.setdefault(e.country, []).append(e.key)
            for name in e.names:
                if _usable(name) and len(name) >= 4 and not is_acronym(name) and name in text_blob:
                    town_names.setdefault(name, e.key)
        elif e.type in ("ArmedGroup", "InternationalOrganization", "Region"):
            for name in e.names:
                if _usable(name) and " " in name and name in text_blob:
                    protected.append(name)
    for keys in towns_by_country.values():
        keys.sort()
    big = sorted(k for keys in towns_by_country.values() for k in keys)
    states = sorted(e.key for e in gaz.of_type("State"))
    # a name that is both a state and a town ("Djibouti", "Kuwait") stays a state
    for name in state_names:
        town_names.pop(name, None)
    return Places(states, state_names, demonyms, town_names, sorted(set(protected)),
                  towns_by_country, big)


def _name_pattern(places: Places) -> re.Pattern[str]:
    names = {*places.state_names, *places.demonyms, *places.town_names, *places.protected}
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
    return re.compile(_WORD.format(f"(?:{alternatives})"))


def _demonym_for(gaz: Gazetteer, key: str, plural: bool) -> str:
    e = gaz.get(key)
    if e is None or not e.demonyms:
        return e.label if e else key
    singular = [d for d in e.demonyms if not d.endswith("s")] or e.demonyms
    plurals = [d for d in e.demonyms if d.endswith("s")]
    return plurals[0] if plural and plurals else singular[0]


def name_mapping(places: Places, pattern: re.Pattern[str], paragraphs: list[Paragraph],
                 rng: random.Random) -> dict[str, str]:
    """Surface form -> replacement, for the names in ``paragraphs``."""
    gaz = load_gazetteer()
    found = sorted({m.group(0) for p in paragraphs for t in (p.text, p.title)
                    for m in pattern.finditer(t)})
    # states first: every state mentioned gets a different state never mentioned
    mentioned = sorted({places.state_names.get(n) or places.demonyms.get(n) for n in found} - {None})
    free = [k for k in places.states if k not in mentioned]
    targets = rng.sample(free, len(mentioned))
    state_map = dict(zip(mentioned, targets, strict=True))
    town_map: dict[str, str] = {}
    used: set[str] = set()
    for name in found:
        key = places.town_names.get(name)
        if key is None or key in town_map:
            continue
        old = gaz.get(key)
        new_state = state_map.get(old.country or "")
        if new_state and gaz.is_capital(key) and gaz.get(new_state).capital in gaz.entries:
            town_map[key] = gaz.get(new_state).capital
            continue
        pool = places.towns_by_country.get(new_state or "", []) or places.big_towns
        choices = [k for k in pool if k != key and k not in used] or places.big_towns
        town_map[key] = rng.choice(choices)
        used.add(town_map[key])
    mapping: dict[str, str] = {}
    for name in found:
        if name in places.state_names:
            mapping[name] = gaz.get(state_map[places.state_names[name]]).label
        elif name in places.demonyms:
            mapping[name] = _demonym_for(gaz, state_map[places.demonyms[name]], name.endswith("s"))
        elif name in places.town_names:
            mapping[name] = gaz.get(town_map[places.town_names[name]]).label
        else:
            mapping[name] = name  # protected
    return mapping


# ------------------------------------------------------------ numbers, dates
def _shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + months
    return total // 12, total % 12 + 1


def _safe_date(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def retime(text: str, old: dt.date, new: dt.date, rng: random.Random) -> str:
    """Move dates by ``new - old``; change small numbers."""
    delta = new - old
    months = (new.year - old.year) * 12 + new.month - old.month

    def month_no(name: str) -> int:
        return _MONTHS.index(name) + 1

    def shifted(m: str, d: str, y: str | None) -> dt.date:
        year = int(y) if y else old.year
        date = _safe_date(year, month_no(m), int(d))
        if not y and date > old:  # "on July 26" in an article of July 24 means last year
            date = _safe_date(year - 1, month_no(m), int(d))
        return date + delta

    def new_number(n: int) -> int:
        if n <= 1:
            return n  # "1 civilian" stays singular
        return rng.randint(max(2, n // 2), max(3, n * 2))

    def sub(m: re.Match[str]) -> str:
        g = m.lastgroup
        if g == "mdy":
            d = shifted(m["mdy_m"], m["mdy_d"], m["mdy_y"])
            return f"{_MONTHS[d.month - 1]} {d.day}, {d.year}"
        if g == "dmy":
            d = shifted(m["dmy_m"], m["dmy_d"], m["dmy_y"])
            comma = "," if "," in m.group(0) else ""
            return f"{d.day} {_MONTHS[d.month - 1]}{comma} {d.year}"
        if g == "my":
            y, mo = _shift_month(int(m["my_y"]), month_no(m["my_m"]), months)
            comma = "," if "," in m.group(0) else ""
            return f"{_MONTHS[mo - 1]}{comma} {y}"
        if g == "md":
            d = shifted(m["md_m"], m["md_d"], None)
            return f"{_MONTHS[d.month - 1]} {d.day}"
        if g == "dm":
            d = shifted(m["dm_m"], m["dm_d"], None)
            return f"{d.day} {_MONTHS[d.month - 1]}"
        if g == "month":
            _, mo = _shift_month(old.year, month_no(m.group(0)), months)
            return _MONTHS[mo - 1]
        if g == "year":
            return str(int(m.group(0)) + new.year - old.year)
        if g == "num":
            raw = m.group(0)
            n = new_number(int(raw.replace(",", "")))
            return f"{n:,}" if "," in raw else str(n)
        word = m.group(0)
        n = rng.randint(2, 20)
        out = _NUM_WORDS[n]
        return out.capitalize() if word[0].isupper() else out

    return _TIME_NUM.sub(sub, text)


def rename(text: str, pattern: re.Pattern[str], mapping: dict[str, str]) -> str:
    return pattern.sub(lambda m: mapping.get(m.group(0), m.group(0)), text)


# ------------------------------------------------------------------ articles
def _date_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def make_corpus(n: int = 2000, seed: int = 7, source: str | Path | None = None) -> list[dict]:
    """``n`` articles (dicts of id, title, published, source, text), always the same for a seed."""
    rows = load_source(Path(source) if source else DEFAULT_SOURCE)
    paragraphs = paragraphs_of(rows)
    outlets = sorted({r["source"] for r in rows if r.get("source")}) or ["Bench Wire"]
    blob = "\n".join(t for r in rows for t in (r.get("title") or "", r["text"]))
    places = places_in(blob)
    pattern = _name_pattern(places)
    total_words = sum(p.words for p in paragraphs)
    articles = []
    for i in range(n):
        rng = random.Random(f"conflict-kg-bench:{seed}:{i}")
        target = rng.randint(MIN_WORDS, min(MAX_WORDS, max(MIN_WORDS, total_words)))
        chosen: list[Paragraph] = []
        words = 0
        for p in rng.sample(paragraphs, len(paragraphs)):
            if words >= target:
                break
            if words + p.words <= MAX_WORDS:
                chosen.append(p)
                words += p.words
        rng.shuffle(chosen)
        mapping = name_mapping(places, pattern, chosen, rng)
        published = _date_between(rng, FIRST_DATE, LAST_DATE)
        lead = chosen[0]
        title = retime(rename(lead.title, pattern, mapping), lead.published, published, rng)
        text = "\n\n".join(retime(rename(p.text, pattern, mapping), p.published, published, rng)
                           for p in chosen)
        articles.append({
            "id": f"bench-{seed}-{i:05d}",
            "title": title,
            "published": published.isoformat(),
            "source": rng.choice(outlets),
            "text": text,
        })
    return articles


def write_jsonl(articles: list[dict], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for a in articles:
            f.write(json.dumps(a, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="number of articles (default 2000)")
    ap.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                    help=f"JSONL articles to recombine (default {DEFAULT_SOURCE})")
    ap.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT,
                    help="output JSONL (default bench/out/corpus.jsonl)")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("--n must be at least 1")
    if not args.source.is_file():
        ap.error(f"no source corpus at {args.source}")
    articles = make_corpus(args.n, args.seed, args.source)
    write_jsonl(articles, args.out)
    words = sum(len(a["text"].split()) for a in articles)
    print(f"{len(articles)} articles, {words} words -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
