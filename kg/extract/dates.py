"""Dates in news text, resolved against the article's publication date.

:func:`resolve_date` turns one date phrase ("on Tuesday", "late last year",
"26 July 2023", "four weeks ago", "in April") into an ISO string at the
precision the phrase gives: ``YYYY-MM-DD`` (xsd:date), ``YYYY-MM``
(xsd:gYearMonth) or ``YYYY`` (xsd:gYear).

How a phrase is read: every date component in it is found (absolute dates,
weekdays, relative words, month names, years, "N units ago"); then the most
precise one is resolved, the first in text order among equals ("in April
and May" -> April; "the night of Saturday to Sunday" -> Saturday).  A month
or day without a year takes the phrase's explicit year ("April and May
2024"), else its relative year ("in April last year"), else the publication
date: the most recent such month/day not after publication, or with
``future=True`` the nearest one not before it.

Conventions relative to the publication date ``P``:

* a bare weekday ("on Tuesday", "Tuesday night") is the most recent such day
  on or before ``P`` -- wire copy names the publication day itself by its
  weekday ("said on Tuesday" in a Tuesday story); "last Tuesday" is strictly
  before ``P``; "next Tuesday" (or ``future=True``) looks forward;
* "last night", "overnight" -> ``P`` - 1 day; "yesterday" -> ``P`` - 1;
* "last week"/"the previous week"/"a week ago" -> year-month of ``P`` - 7 days;
  "N weeks ago/prior/earlier" -> year-month of ``P`` - 7N days;
* "N days ago/earlier/prior/before" -> ``P`` - N days (a date);
* "(over) the weekend" -> the Saturday before ``P``;
* phrases anchored to another event ("two days later", "the following day",
  "the same day", "hours after") and spans ("in recent weeks", "the past
  year") give None.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from .numbers import parse_number

__all__ = [
    "resolve_date",
    "dates_in_sentence",
    "parse_iso_date",
    "is_future_context",
    "reference_date",
    "modified_noun",
    "is_current_context",
]

Date = _dt.date

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1,
    "wednesday": 2, "wed": 2, "thursday": 3, "thurs": 3, "thu": 3,
    "friday": 4, "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}
_FULL_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"

_MONTH_RE = (r"(?:january|february|march|april|may|june|july|august|september|"
             r"october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|"
             r"oct|nov|dec)")
_ORD = r"(?:st|nd|rd|th)?"
_DAYRANGE = r"(?:\s*(?:-|–|—|to|and|&|or)\s*\d{1,2}" + _ORD + r")?"
_YEAR = r"(1[89]\d{2}|20\d{2})"

# ---------------------------------------------------------------- patterns
# Each pattern yields a component: (start, end, level, resolver-args).
# Levels: 0 absolute day, 1 relative day, 2 month, 3 year.

_P_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_P_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_P_DMY = re.compile(
    r"\b(\d{1,2})" + _ORD + _DAYRANGE + r"\s+(?:of\s+)?(" + _MONTH_RE + r")\b\.?"
    r"(?:,?\s*" + _YEAR + r"\b)?")
_P_MDY = re.compile(
    r"\b(" + _MONTH_RE + r")\b\.?\s+(\d{1,2})" + _ORD + r"(?!\d)"
    + _DAYRANGE + r"(?:,?\s*" + _YEAR + r"\b)?")
_P_MONTH = re.compile(
    r"(?:\b(last|next|this|past|previous|coming)\s+)?\b(" + _MONTH_RE + r")\b\.?"
    r"(?:,?\s*(?:of\s+)?" + _YEAR + r"\b)?")
_P_WEEKDAY = re.compile(
    r"(?:\b(last|next|this|past|previous|coming|following)\s+)?\b("
    + _FULL_WEEKDAYS + r"|tues|thurs)\b(?:'s|s)?")
_P_REL_DAY = re.compile(
    r"\b(the day before yesterday|yesterday|today|tonight|tomorrow|"
    r"this (?:morning|afternoon|evening)|last night|overnight|"
    r"the (?:previous|preceding) (?:day|night)|the day before(?!\s+\w+day\b)(?=\s*(?:$|[,.;:)]))|"
    r"the (?:past|last) 24 hours)\b")
_P_AGO = re.compile(
    r"((?:[\w-]+\s+){0,3})(day|week|month|year|hour|fortnight)s?\s+"
    r"(ago|earlier|prior|previously|back|before(?=\s*(?:$|[,.;:)])))\b")
_P_REL_UNIT = re.compile(
    r"\b(last|past|previous|preceding|this|next|coming|current|following|same)\s+"
    r"(week|weekend|month|year)\b(?!\s+of\b)"  # "the last week of January" is January's
    # "the start of the year", "at the end of the month": the reference's own
    r"|\bthe\s+(?:start|beginning|end|middle|turn)\s+of\s+the\s+(month|year)\b")
#: "in recent days", "over the past few days", "in the last several days", "earlier in the week"
_P_RECENT = re.compile(r"\b(?:(?:in|over|during) (?:the )?(?:recent|past|last)(?: (?:few|several|couple of))? days"
                       r"|earlier in the week)\b")
_P_WEEKEND = re.compile(r"\b(?:over|at|during|on)\s+the\s+weekend\b")
_P_YEAR_NUMS = re.compile(r"(?<![\w.,])" + _YEAR + r"(?:/\d{2,4})?(?![\w'])(?![,.]\d)")


def _iso(y: int, m: int | None = None, d: int | None = None) -> str:
    if m is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def _shift_month(y: int, m: int, delta: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + delta
    return k // 12, k % 12 + 1


def _as_date(published: Any) -> Date | None:
    if published is None:
        return None
    if isinstance(published, _dt.datetime):
        return published.date()
    if isinstance(published, _dt.date):
        return published
    if isinstance(published, str):
        return parse_iso_date(published)
    return None


def parse_iso_date(s: str) -> Date | None:
    """'2024-06-11' (or an ISO datetime starting so) -> date; else None."""
    if not isinstance(s, str):
        return _as_date(s) if isinstance(s, _dt.date) else None
    m = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T\s])", s)
    if not m:
        return None
    try:
        return Date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _normalise(text: str, lower: bool = True) -> str:
    t = text.lower() if lower else text
    t = re.sub(r"[\u2010-\u2015\u2212]", "-", t)
    t = t.replace("\u2019", "'")
    t = re.sub(r"\s+", " ", t).strip()
    return t


class _Comp:
    __slots__ = ("start", "end", "level", "kind", "data")

    def __init__(self, start: int, end: int, level: float, kind: str, data: tuple):
        self.start, self.end, self.level, self.kind, self.data = start, end, level, kind, data

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"_Comp({self.kind}, {self.start}-{self.end}, {self.data})"


def _components(t: str, orig: str | None = None) -> list[_Comp]:
    found: list[_Comp] = []
    y: int | None  # the year of a match, None when it writes none
    for m in _P_ISO.finditer(t):
        found.append(_Comp(m.start(), m.end(), 0, "ymd",
                           (int(m.group(1)), int(m.group(2)), int(m.group(3)))))
    for m in _P_NUMERIC.finditer(t):
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if a > 12 >= b:
            found.append(_Comp(m.start(), m.end(), 0, "ymd", (y, b, a)))
        elif b > 12 >= a or a == b:
            found.append(_Comp(m.start(), m.end(), 0, "ymd", (y, a, b)))
        # else ambiguous day/month order: skip
    for m in _P_DMY.finditer(t):
        y = int(m.group(3)) if m.group(3) else None
        found.append(_Comp(m.start(), m.end(), 0, "dm",
                           (y, _MONTHS[m.group(2)], int(m.group(1)))))
    for m in _P_MDY.finditer(t):
        y = int(m.group(3)) if m.group(3) else None
        found.append(_Comp(m.start(), m.end(), 0, "dm",
                           (y, _MONTHS[m.group(1)], int(m.group(2)))))
    for m in _P_REL_DAY.finditer(t):
        found.append(_Comp(m.start(), m.end(), 1.5, "relday", (m.group(1),)))
    for m in _P_WEEKDAY.finditer(t):
        found.append(_Comp(m.start(), m.end(), 1, "weekday",
                           (m.group(1), _WEEKDAYS[m.group(2)])))
    for m in _P_RECENT.finditer(t):
        found.append(_Comp(m.start(), m.end(), 1.5, "recent", ("week" in m.group(0),)))
    for m in _P_WEEKEND.finditer(t):
        found.append(_Comp(m.start(), m.end(), 1, "weekend", ("the",)))
    for m in _P_AGO.finditer(t):
        words = m.group(1).split()
        count: int | None = None
        tail_len = 0
        # the longest tail of the preceding words that is a number
        for k in range(len(words)):
            tail = " ".join(words[k:])
            n = 1 if tail in ("a", "an", "one") else parse_number(tail)
            if n is not None:
                count, tail_len = n, len(tail) + 1
                break
        unit = m.group(2)
        if unit == "fortnight":
            unit, count = "day", 14 * (count or 1)
        level = 1.5 if unit in ("day", "hour") else 2 if unit in ("week", "month") else 3
        found.append(_Comp(m.start(2) - tail_len, m.end(), level, "ago",
                           (count, unit, m.group(3))))
    for m in _P_REL_UNIT.finditer(t):
        mod, unit = (m.group(1), m.group(2)) if m.group(2) else ("this", m.group(3))
        level = 1 if unit == "weekend" else 2 if unit in ("week", "month") else 3
        found.append(_Comp(m.start(), m.end(), level, "relunit", (mod, unit)))
    for m in _P_MONTH.finditer(t):
        y = int(m.group(3)) if m.group(3) else None
        mon = m.group(2)
        lower_in_orig = orig is not None and orig[m.start(2)].islower() \
            and orig != orig.lower()
        if mon in ("may", "march") and y is None and (
                lower_in_orig or not _may_is_month(t, m.start(2), m.end(2))):
            continue
        if mon in ("mar", "jun", "dec", "jan", "sep", "oct", "nov", "aug") and y is None \
                and not _abbrev_is_month(t, m.start(2), m.end(2)):
            continue
        found.append(_Comp(m.start(), m.end(), 2, "month", (m.group(1), _MONTHS[mon], y)))
    for m in _P_YEAR_NUMS.finditer(t):
        found.append(_Comp(m.start(), m.end(), 3, "year", (int(m.group(1)),)))

    # drop components inside a longer one (a year inside "26 July 2023", a
    # month inside "July 26")
    found.sort(key=lambda c: (c.start, -(c.end - c.start), c.level))
    kept: list[_Comp] = []
    for c in found:
        if any(k.start <= c.start and c.end <= k.end for k in kept):
            continue
        if any(c.start < k.end and k.start < c.end for k in kept):
            continue  # partial overlap: keep the earlier, longer one
        kept.append(c)
    return kept


def _may_is_month(t: str, s: int, e: int) -> bool:
    """'may' is the month only in a date-like context ('in May', 'May 2024')."""
    before = t[max(0, s - 20):s].rstrip()
    after = t[e:e + 8]
    if re.match(r"\s*\.?\s*\d", after):
        return True
    if re.search(r"(?:\b(?:in|since|until|till|by|from|through|during|early|late|"
                 r"mid|of|last|next|this|and|between|before|after)|-)$", before):
        return True
    return not before and not re.match(r"\s+\w", after)  # the phrase is just "May"


def _abbrev_is_month(t: str, s: int, e: int) -> bool:
    before = t[max(0, s - 20):s].rstrip()
    after = t[e:e + 8]
    if re.match(r"\s*\.?\s*\d", after):
        return True
    return bool(re.search(r"\b(?:in|since|until|by|from|early|late|mid|of)$|-$", before))


# --------------------------------------------------------------- resolving

def _infer_year_for_month(month: int, pub: Date, future: bool, mod: str | None) -> int:
    if mod in ("last", "past", "previous"):
        return pub.year if month < pub.month else pub.year - 1
    if mod in ("next", "coming"):
        return pub.year if month > pub.month else pub.year + 1
    if mod == "this":
        return pub.year
    if future:
        return pub.year if month >= pub.month else pub.year + 1
    return pub.year if month <= pub.month else pub.year - 1


def _infer_year_for_day(month: int, day: int, pub: Date, future: bool) -> int | None:
    for y in ((pub.year, pub.year + 1, pub.year - 1) if future
              else (pub.year, pub.year - 1, pub.year + 1)):
        try:
            d = Date(y, month, day)
        except ValueError:
            continue
        if future and d >= pub:
            return y
        if not future and d <= pub:
            return y
    return None


def _year_context(comps: list[_Comp], pub: Date | None) -> int | None:
    """The year a month/day-without-year takes from the rest of the phrase."""
    for c in comps:
        if c.kind == "year":
            return c.data[0]
        if c.kind in ("month", "dm") and c.data[-1 if c.kind == "month" else 0] is not None:
            return c.data[-1 if c.kind == "month" else 0]
    if pub is None:
        return None
    for c in comps:
        if c.kind == "relunit" and c.data[1] == "year":
            mod = c.data[0]
            if mod in ("last", "previous", "preceding"):
                return pub.year - 1
            if mod in ("this", "current"):
                return pub.year
            if mod in ("next", "coming"):
                return pub.year + 1
        if c.kind == "ago" and c.data[1] == "year" and c.data[0] is not None \
                and c.data[2] != "before":
            return pub.year - c.data[0]
    return None


def _recent(pub: Date, days: int) -> str | None:
    """A time within the ``days`` before ``pub``, at the precision that still holds: its month
    when those days are all in it, else its year, else nothing."""
    start = pub - _dt.timedelta(days=days)
    if (start.year, start.month) == (pub.year, pub.month):
        return _iso(pub.year, pub.month)
    return _iso(pub.year) if start.year == pub.year else None


def _weekday_date(wd: int, mod: str | None, pub: Date, future: bool) -> Date:
    if mod in ("next", "coming", "following") or (future and mod not in ("last", "past", "previous")):
        delta = (wd - pub.weekday()) % 7
        if delta == 0 and mod in ("next", "coming", "following"):
            delta = 7
        return pub + _dt.timedelta(days=delta)
    delta = (pub.weekday() - wd) % 7
    if delta == 0 and mod in ("last", "past", "previous"):
        delta = 7
    return pub - _dt.timedelta(days=delta)


def _resolve_comp(c: _Comp, comps: list[_Comp], pub: Date | None, future: bool) -> str | None:
    k = c.kind
    if k == "ymd":
        y, m, d = c.data
        try:
            return Date(y, m, d).isoformat()
        except ValueError:
            return None
    if k == "dm":
        y, m, d = c.data
        if y is None:
            y = _year_context([x for x in comps if x is not c], pub)
        if y is None:
            if pub is None:
                return None
            y = _infer_year_for_day(m, d, pub, future)
            if y is None:
                return None
        try:
            return Date(y, m, d).isoformat()
        except ValueError:
            return None
    if k == "month":
        mod, m, y = c.data
        if y is None:
            y = _year_context([x for x in comps if x is not c], pub)
        if y is None:
            if pub is None:
                return None
            y = _infer_year_for_month(m, pub, future, mod)
        return _iso(y, m)
    if k == "year":
        return _iso(c.data[0])
    if pub is None:
        return None
    if k == "relday":
        w = c.data[0]
        if w in ("today", "tonight") or w.startswith("this ") or "24 hours" in w:
            return pub.isoformat()
        if w in ("yesterday", "last night", "overnight") or w.startswith("the previous") \
                or w.startswith("the preceding") or w.startswith("the day before") \
                and w != "the day before yesterday":
            return (pub - _dt.timedelta(days=1)).isoformat()
        if w == "the day before yesterday":
            return (pub - _dt.timedelta(days=2)).isoformat()
        if w == "tomorrow":
            return (pub + _dt.timedelta(days=1)).isoformat()
        return None
    if k == "weekday":
        mod, wd = c.data
        return _weekday_date(wd, mod, pub, future).isoformat()
    if k == "weekend":
        mod = c.data[0]
        if mod in ("next", "coming") or (future and mod != "last"):
            delta = (5 - pub.weekday()) % 7 or (7 if mod in ("next", "coming") else 0)
            return (pub + _dt.timedelta(days=delta)).isoformat()
        delta = (pub.weekday() - 5) % 7 or 7
        if mod == "this" and pub.weekday() in (5, 6):
            delta = pub.weekday() - 5
        return (pub - _dt.timedelta(days=delta)).isoformat()
    if k == "recent":  # the week before; "earlier in the week": since its Monday
        return _recent(pub, pub.weekday() if c.data[0] else 7)
    if k == "ago":
        n, unit, _word = c.data
        if n is None:
            # "a few days ago", "several days ago": within the week before
            return _recent(pub, 7) if unit == "day" and _word == "ago" else None
        if unit == "hour":
            return (pub - _dt.timedelta(days=n // 24)).isoformat()
        if unit == "day":
            return (pub - _dt.timedelta(days=n)).isoformat()
        if unit == "week":
            d = pub - _dt.timedelta(days=7 * n)
            return _iso(d.year, d.month)
        if unit == "month":
            return _iso(*_shift_month(pub.year, pub.month, -n))
        if unit == "year":
            return _iso(pub.year - n)
        return None
    if k == "relunit":
        mod, unit = c.data
        if mod in ("past", "same", "following"):
            return None  # a span ending now, or anchored elsewhere
        step = {"last": -1, "previous": -1, "preceding": -1, "this": 0, "current": 0,
                "next": 1, "coming": 1}[mod]
        if unit == "weekend":
            return _resolve_comp(_Comp(c.start, c.end, 1, "weekend",
                                       ("last" if step < 0 else "next" if step > 0 else "this",)),
                                 comps, pub, future)
        if unit == "week":
            if step == 0 and not future:
                monday = pub - _dt.timedelta(days=pub.weekday())
                if (monday.year, monday.month) != (pub.year, pub.month):
                    return _iso(pub.year) if monday.year == pub.year else None
            d = pub + _dt.timedelta(days=7 * step)
            return _iso(d.year, d.month)
        if unit == "month":
            return _iso(*_shift_month(pub.year, pub.month, step))
        if unit == "year":
            return _iso(pub.year + step)
    return None


def resolve_date(text: str, published: Any = None, future: bool = False) -> str | None:
    """Resolve a date phrase to 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'.

    ``published``: the publication date (date, datetime or ISO string) that
    relative phrases count from; without it only phrases carrying their own
    year resolve.  ``future``: the phrase looks forward (the caller's
    sentence is in the future tense), so a bare weekday/month/day means the
    next one rather than the last one.
    """
    if not text:
        return None
    pub = _as_date(published)
    orig = _normalise(text, lower=False)
    t = orig.lower()
    comps = _components(t, orig)
    if not comps:
        return None
    # a month/day that took its year from a "year" or "last year" component
    # uses it; those year components are then not candidates of their own
    order = sorted(comps, key=lambda c: (c.level, c.start))
    for c in order:
        value = _resolve_comp(c, comps, pub, future)
        if value is not None:
            return value
        # a vague relative ("a few days ago") or anchored phrase: stop
        # rather than fall back to something coarser in the same phrase
        if c.kind in ("ago", "relunit") and c.level <= 2:
            return None
    return None


# ----------------------------------------------------------- spaCy helpers

_FUTURE_AUX = {"will", "'ll", "shall", "wo", "ll"}
_YEAR_RE = re.compile(r"\b(1[89]|20)\d\d\b")


def is_future_context(span: Any) -> bool:
    """True when the clause governing ``span`` is in the future tense
    ("will be held in May", "is going to vote on Tuesday")."""
    tok = span.root if hasattr(span, "root") else span
    if tok.dep_ == "pobj" and tok.head.lower_ == "by" and not _YEAR_RE.search(span.text):
        return True  # a deadline: "must leave by December 31", "agreed to pull out by September 15"
    seen = 0
    while seen < 6:
        seen += 1
        if tok.pos_ in ("VERB", "AUX") or tok.dep_ == "ROOT":
            break
        if tok.head.i == tok.i:
            break
        tok = tok.head
    verbs = [tok]
    if tok.dep_ in ("xcomp",) and tok.head.i != tok.i:
        verbs.append(tok.head)
    for v in verbs:
        for ch in v.children:
            if ch.dep_ in ("aux", "auxpass") and ch.lower_ in _FUTURE_AUX:
                return True
            if ch.dep_ == "aux" and ch.lower_ == "to" and v.head.lower_ == "going":
                return True
        if v.lower_ in ("going",) and any(c.dep_ == "xcomp" for c in v.children):
            return True
    return False


_NONFINITE_DEPS = {"advcl", "xcomp", "acl", "conj", "pcomp"}


def is_current_context(span: Any) -> bool:
    """True when the clause governing ``span`` tells something as current news: the present
    perfect ("has commenced the withdrawal", "have been killed"), the present progressive ("are
    leaving", "is being carried out") or the simple present ("the withdrawal follows"); not the
    past ("withdrew", "was retaken"), the future or a modal ("could leave")."""
    tok = span.root if hasattr(span, "root") else span
    if is_future_context(span):
        return False
    for _ in range(2):
        verb = tok
        for _ in range(6):
            if verb.pos_ in ("VERB", "AUX") or verb.head.i == verb.i:
                break
            verb = verb.head
        auxes = sorted((c for c in verb.children if c.dep_ in ("aux", "auxpass")), key=lambda c: c.i)
        if any(a.tag_ == "MD" or a.lower_ == "to" for a in auxes):
            return False
        finite = auxes[0] if auxes else verb
        if finite.tag_ in ("VBZ", "VBP"):
            return True
        if finite.tag_ == "VBD" or auxes or verb.dep_ not in _NONFINITE_DEPS or verb.head.i == verb.i:
            return False
        tok = verb.head  # "..., killing 15": the tense of the clause it hangs on
    return False


_FB_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|"
             r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)")
_FALLBACK_RE = re.compile(
    r"(?:\b(?:last|next|this|early|late|mid|earlier|later)[\s-]+)?"
    r"(?:"
    # day + month (+ year)
    r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _FB_MONTH + r"\b\.?(?:,?\s*(?:1[89]|20)\d{2}\b)?"
    # month + day and/or year
    r"|\b" + _FB_MONTH + r"\b\.?(?:\s+\d{1,2}(?:st|nd|rd|th)?(?!\d)(?:,?\s*(?:1[89]|20)\d{2}\b)?"
    r"|,?\s*(?:1[89]|20)\d{2}\b)"
    # a bare month name only after a date word ("in May", "since March")
    r"|(?<=\b[Ii]n )" + _FB_MONTH + r"\b"
    r"|\b(?:[Ss]ince|[Uu]ntil|[Bb]y|[Ff]rom|[Dd]uring|[Ee]arly|[Ll]ate|[Mm]id)[\s-]+"
    + _FB_MONTH + r"\b"
    r"|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:'s)?\b"
    r"|\b(?:[Yy]esterday|[Tt]oday|[Tt]onight|[Tt]omorrow|[Ll]ast night|[Oo]vernight)\b"
    r"|\b(?:[Ll]ast|[Nn]ext|[Tt]his|[Pp]revious|[Cc]oming)\s+(?:week|weekend|month|year)\b"
    r"|\b(?:[Oo]ver|[Aa]t|[Dd]uring)\s+the\s+weekend\b"
    r"|\b(?:[Ii]n|[Oo]ver|[Dd]uring)\s+(?:the\s+)?(?:recent|past|last)(?:\s+(?:few|several|couple\s+of))?\s+days\b"
    r"|\b[Ee]arlier\s+in\s+the\s+week\b"
    r"|\b[Tt]he\s+(?:previous|preceding)\s+(?:day|night)\b|\b[Tt]he\s+(?:day|night)\s+before(?=\s*[,.;:])"
    r"|\b(?:[\w-]+\s+){1,2}(?:days?|weeks?|months?|years?)\s+(?:ago|earlier|prior)\b"
    r"|\b(?:\d{4}-\d{2}-\d{2})\b"
    r"|\b(?:[Ii]n|[Ss]ince|[Uu]ntil|by|[Ff]rom|[Dd]uring|of)\s+(?:1[89]|20)\d{2}\b(?!s)"
    r")")

_EXTEND_RIGHT = {"ago", "earlier", "prior", "previously", "back"}
_EXTEND_LEFT = {"last", "next", "this", "coming", "past", "previous", "early", "late",
                "mid", "earlier", "later", "-"}


def _extend(span: Any) -> Any:
    doc = span.doc
    start, end = span.start, span.end
    try:
        limit_start, limit_end = span.sent.start, span.sent.end
    except (ValueError, AttributeError):
        limit_start, limit_end = 0, len(doc)
    while end < limit_end and doc[end].lower_ in _EXTEND_RIGHT:
        end += 1
    if end < limit_end and doc[end].lower_ == "before" and (
            end + 1 >= limit_end or doc[end + 1].is_punct):
        end += 1
    while start > limit_start and doc[start - 1].lower_ in _EXTEND_LEFT:
        start -= 1
    if end + 1 < limit_end and doc[end].text == "," and re.fullmatch(r"(1[89]|20)\d\d", doc[end + 1].text) \
            and not _YEAR_RE.search(doc[start:end].text):
        end += 2  # "Nov. 4, 2020": the year the model left out of the date
    if start == span.start and end == span.end:
        return span
    return doc[start:end]


def dates_in_sentence(sent: Any, published: Any = None,
                      future: bool | None = None, anaphora: bool = True) -> list[tuple[Any, str]]:
    """Date phrases of a sentence with their resolved values, in order.

    Uses the model's DATE (and TIME, for "Tuesday night", "last night")
    entities, widened by neighbouring "ago"/"earlier"/"last"/"early"..., plus
    a regex over the sentence text for month names, weekdays, relative words
    and years the NER missed.  Phrases that do not resolve are left out.
    ``future=None`` decides the tense per phrase from its governing verb
    (:func:`is_future_context`).
    """
    doc = sent.doc
    pub = reference_date(doc, published)
    dateline = _dateline(sent.text, pub)
    if dateline is None and sent.start > 0:
        # the parser may cut "ODESA, June 7 (Reuters) -" off as a sentence of its own
        prev = doc[sent.start - 1].sent
        found = _dateline(prev.text, pub)
        if found is not None and found[0] >= len(prev.text.rstrip()):
            dateline = (0, found[1])
    if dateline is not None:
        # "GOMA, Feb 10 (Reuters) - ... on Sunday": the dateline's day is the reference
        pub = dateline[1]
    else:
        # "Aug. 2023 - Fighting erupts ... On Aug. 13, a drone strike ...": a timeline entry's
        # date is the reference of the rest of its line
        pub = _timeline_entry(doc.text, sent.start_char, pub) or pub
    spans: list[Any] = []
    for ent in getattr(sent, "ents", ()):
        if ent.label_ in ("DATE", "TIME"):
            spans.append(_extend(ent))
    covered = [(s.start_char, s.end_char) for s in spans]
    base = sent.start_char
    for m in _FALLBACK_RE.finditer(sent.text):
        s, e = base + m.start(), base + m.end()
        if any(s < ce and cs < e for cs, ce in covered):
            continue
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None:
            continue
        spans.append(_extend(span))
        covered.append((span.start_char, span.end_char))
    out: list[tuple[Any, str]] = []
    seen: set[tuple[int, int]] = set()
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        key = (span.start, span.end)
        if key in seen:
            continue
        seen.add(key)
        fut = is_future_context(span) if future is None else future
        value = resolve_date(span.text, pub, future=fut)
        if value is not None:
            out.append((span, value))
    if dateline is not None and len(out) > 1:
        # the dateline says when the story was filed, not when its events happened
        end = sent.start_char + dateline[0]
        out = [(span, value) for span, value in out if span.start_char >= end] or out
    if len(out) > 1:
        # "in an overnight raid on Sunday": the night is Sunday's, not the one before publication
        out = [(span, value) for span, value in out if span.text.lower() != "overnight"]
    if anaphora:
        out = sorted(out + _anaphoric_dates(sent, published, out), key=lambda d: d[0].start)
        out = _day_before(sent, published, out)
    return out


_DAY_BEFORE = re.compile(r"the (?:previous|preceding) (?:day|night)|the (?:day|night) before",
                         re.IGNORECASE)


def _day_before(sent: Any, published: Any, out: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
    """'The previous day', 'the day before' count back from the day told last (earlier in the
    sentence, or in the two sentences before), not from the story's day: 'Rebels attacked Sake
    on March 3. The previous day they had shelled Goma' is March 2. With no day told before, the
    day before the story's."""
    fixed = []
    for i, (span, value) in enumerate(out):
        if _DAY_BEFORE.fullmatch(span.text.strip()) and len(value) == 10:
            anchor = next((v for _, v in reversed(out[:i]) if len(v) == 10), None) or \
                _last_day_before(sent, published)
            day = parse_iso_date(anchor) if anchor is not None else None
            if day is not None:
                value = (day - _dt.timedelta(days=1)).isoformat()
        fixed.append((span, value))
    return fixed


def _last_day_before(sent: Any, published: Any) -> str | None:
    """The last full date told in the two sentences before ``sent``."""
    doc, prev = sent.doc, sent
    for _ in range(2):
        if prev.start == 0:
            return None
        prev = doc[prev.start - 1].sent
        days = [v for _, v in dates_in_sentence(prev, published, anaphora=False) if len(v) == 10]
        if days:
            return days[-1]
    return None


#: words that point back at the time just told: "at the time", "that day", "the same month",
#: "since then"; the unit says the precision kept
_ANAPHOR = re.compile(
    r"\b(?:at (?:the|that) time|by then|since then|until then|"
    r"(?:on )?(?:that|the same) (?P<unit>day|night|morning|week|month|year))\b", re.IGNORECASE)


def _anaphoric_dates(sent: Any, published: Any, found: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
    """'which at the time controlled the north', 'on the same day', 'that year': the date told
    last in the two sentences before, at the precision the words keep ('that year': its year)."""
    doc = sent.doc
    matches = [m for m in _ANAPHOR.finditer(sent.text)]
    if not matches:
        return []
    before: str | None = None
    prev = sent
    for _ in range(2):
        if prev.start == 0:
            break
        prev = doc[prev.start - 1].sent
        values = [v for _, v in dates_in_sentence(prev, published, anaphora=False)]
        if values:
            before = values[-1]
            break
    if before is None:
        return []
    out = []
    for m in matches:
        span = doc.char_span(sent.start_char + m.start(), sent.start_char + m.end(),
                             alignment_mode="expand")
        if span is None or any(span.start < s.end and s.start < span.end for s, _ in found):
            continue
        unit = (m.group("unit") or "").lower()
        value = before[:4] if unit == "year" else before[:7] if unit in ("month", "week") else before
        if unit in ("day", "night", "morning") and len(before) < 10:
            continue  # "that day" after "in March": no day to point at
        out.append((span, value))
    return out


#: "GOMA, Feb 10 (Reuters) -", "KYIV, Ukraine, March 3 (AP) —", "Feb 10 (Reuters) -",
#: "MOGADISHU, 4 June 2024 (AFP) -": a place in capitals, a day, an agency, a dash
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Z'\u2019. -]{1,40}(?:,\s*[A-Z][\w'\u2019. -]{1,30})?,\s*)?"
    r"(?P<date>(?:" + _FB_MONTH + r")\.?\s+\d{1,2}(?:,?\s+(?:19|20)\d{2})?"
    r"|\d{1,2}\s+(?:" + _FB_MONTH + r")\.?(?:\s+(?:19|20)\d{2})?)"
    r"\s*(?:\([^()]{1,40}\))?\s*[-\u2013\u2014:]")


def _dateline(text: str, pub: Date | None) -> tuple[int, Date] | None:
    """A dateline opening ``text``: (where it ends, its day resolved against ``pub``), or None."""
    m = _DATELINE.match(text)
    if m is None:
        return None
    value = resolve_date(m.group("date"), pub)
    day = parse_iso_date(value) if value and len(value) == 10 else None
    return (m.end(), day) if day is not None else None


#: the dependencies of a date said before a noun: "the March decision", "the 2018 peace deal",
#: "last year's election"
_PREMODIFIER_DEPS = {"compound", "nmod", "amod", "poss", "nummod"}
#: words for a time that a date phrase runs on into ("Sunday morning", "Saturday night")
TIME_NOUNS = {"morning", "afternoon", "evening", "night", "nighttime", "dawn", "dusk", "daybreak",
              "midday", "noon", "midnight", "hour", "hours", "day", "weekend", "week", "month",
              "year", "time", "period", "overnight", "lunchtime"}


def modified_noun(span: Any) -> Any:
    """The noun a date phrase is a modifier of ("the March decision" -> decision, "last year's
    election" -> election), or None when the phrase stands on its own ("in March", "on Sunday")."""
    root = span.root
    head = root.head
    if root.dep_ not in _PREMODIFIER_DEPS or head.i == root.i or head.i < span.end or \
            head.pos_ not in ("NOUN", "PROPN"):
        return None
    # "on Sunday morning", "Saturday night": a time of the day is the date's own word; "the Sunday
    # morning raid": the noun after it
    for _ in range(3):
        if head.lemma_.lower() not in TIME_NOUNS and head.lower_ not in TIME_NOUNS:
            return head
        if head.dep_ not in _PREMODIFIER_DEPS or head.head.i == head.i or head.head.i < head.i or \
                head.head.pos_ not in ("NOUN", "PROPN"):
            return None
        head = head.head
    return None


#: an article's opening dateline: a place (in capitals, or capitalised words) and/or a news
#: agency, then the day: "GOMA, Feb 10 (Reuters) -", "Goma, Democratic Republic of Congo, 10
#: February 2026 (AFP) -", "Feb 10 (Reuters) -"; a bare "Nov. 4, 2020 - ..." is a timeline entry
#: (the reference of its own line only, see :func:`_dateline`)
_ARTICLE_DATELINE = re.compile(
    r"^\s*(?:(?P<place>[A-Z][\w'\u2019.-]*(?:[ -][A-Z(][\w'\u2019.()-]*){0,4}"
    r"(?:,\s*[A-Z][\w'\u2019. -]{1,30})?),\s*)?"
    r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?,?\s+)?"
    r"(?P<date>(?:" + _FB_MONTH + r")\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+(?:19|20)\d{2})?"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:" + _FB_MONTH + r")\.?(?:,?\s+(?:19|20)\d{2})?)"
    r"\s*(?P<agency>\([^()]{1,40}\)|/[^/]{1,30}/)?\s*(?:[-\u2013\u2014:]|$)")
#: a line that is only a date, perhaps after "Published" or a weekday: "Tuesday, 10 February 2026"
_DATE_LINE = re.compile(
    r"^\s*(?:(?:Published|Updated|Posted|Filed)(?:\s+on)?:?\s+)?"
    r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?"
    r"(?P<date>(?:" + _FB_MONTH + r")\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{2}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:" + _FB_MONTH + r")\.?,?\s+(?:19|20)\d{2}"
    r"|(?:19|20)\d{2}-\d{2}-\d{2})"
    r"(?:\s*(?:,|at)?\s*\d{1,2}[:.]\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*[A-Z]{2,4})?)?\s*$")
#: how far into the article its dateline may stand (a headline and a byline line may come first)
DATELINE_LINES = 3


def _nearest_day(phrase: str, pub: Date | None) -> Date | None:
    """A dateline's day: with its own year as said; without one the day nearest the publication
    date (a dateline may be a day after a publication date kept in another time zone)."""
    value = resolve_date(phrase, None)
    if value and len(value) == 10:
        return parse_iso_date(value)
    m = _P_MDY.match(phrase.lower()) or _P_DMY.match(phrase.lower())
    if m is None or pub is None:
        return None
    month, day = (_MONTHS[m.group(1)], int(m.group(2))) if m.re is _P_MDY else \
        (_MONTHS[m.group(2)], int(m.group(1)))
    days = []
    for y in (pub.year - 1, pub.year, pub.year + 1):
        try:
            days.append(Date(y, month, day))
        except ValueError:
            continue
    return min(days, key=lambda d: abs((d - pub).days), default=None)


def article_dateline(text: str, published: Any = None) -> Date | None:
    """The day of an article's opening dateline ("GOMA, Feb 10 (Reuters) - ...") or date line
    ("Tuesday, 10 February 2026") in its first lines, or None."""
    pub = _as_date(published)
    lines = [line for line in text[:2000].splitlines() if line.strip()][:DATELINE_LINES]
    for line in lines:
        m = _ARTICLE_DATELINE.match(line)
        if m is not None and (m.group("place") or m.group("agency")) and \
                (m.group("agency") or m.group("place").upper() == m.group("place")
                 or m.end() < len(line.rstrip())):
            day = _nearest_day(m.group("date"), pub)
            if day is not None:
                return day
        m = _DATE_LINE.match(line)
        if m is not None:
            day = _nearest_day(m.group("date"), pub)
            if day is not None:
                return day
    return None


def reference_date(doc: Any, published: Any = None) -> Date | None:
    """The day an article's relative phrases ("on Sunday", "two days ago", "last week") count
    from: its opening dateline's day when it has one (the day the story was filed, for every
    sentence of it), else the publication date."""
    pub = _as_date(published)
    # kept as plain strings: doc.user_data is serialised with the doc (msgpack)
    cache = doc.user_data.setdefault("ckg_reference_date", {}) if hasattr(doc, "user_data") else {}
    key = pub.isoformat() if pub else ""
    if key not in cache:
        day = article_dateline(doc.text, pub) or pub
        cache[key] = day.isoformat() if day else ""
    return parse_iso_date(cache[key]) if cache[key] else None


#: a timeline entry opening a line: "Nov. 4, 2020 - ", "Aug. 2023 - ", "Nov. 28-29 - ", "2019: "
_TIMELINE = re.compile(
    r"^\s*(?P<date>(?:" + _FB_MONTH + r")\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:\s*[-\u2013]\s*\d{1,2})?"
    r"(?:,?\s+(?:19|20)\d{2})?"
    r"|\d{1,2}(?:\s*[-\u2013]\s*\d{1,2})?\s+(?:" + _FB_MONTH + r")\.?(?:,?\s+(?:19|20)\d{2})?"
    r"|(?:" + _FB_MONTH + r")\.?,?\s+(?:19|20)\d{2}"
    r"|(?:19|20)\d{2})\s*[-\u2013\u2014:]\s")


def _timeline_entry(text: str, start: int, pub: Date | None) -> Date | None:
    """The reference day a timeline entry gives the later sentences of its line: its day, or for
    a month or a year the last day of it (what the line tells happened within it)."""
    line_start = text.rfind("\n", 0, start) + 1
    if line_start >= start:
        return None  # the entry's own sentence: its date is said in it
    m = _TIMELINE.match(text[line_start:start])
    if m is None:
        return None
    value = resolve_date(m.group("date"), pub)
    if value is None:
        return None
    if len(value) == 10:
        return parse_iso_date(value)
    y, mth = int(value[:4]), int(value[5:7]) if len(value) == 7 else 12
    nxt = Date(y + 1, 1, 1) if mth == 12 else Date(y, mth + 1, 1)
    return nxt - _dt.timedelta(days=1)
