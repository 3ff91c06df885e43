"""Counts in news text: "15", "1,200", "twenty-eight", "half a dozen", "at least 15".

Two layers:

* :func:`parse_number` turns one number phrase into an ``int`` (or ``None``
  for vague quantities such as "dozens" or "several hundred").
* :func:`parse_quantity` / :func:`find_quantities` / :func:`quantity_of` find a
  number phrase in running text together with the hedges around it ("at
  least", "more than", "nearly", "about", "between ... and ...", "or more")
  and return a :class:`Quantity`.

Everything works on plain text with character offsets, so the spaCy helper
(:func:`quantity_of`) only has to map a token to a character offset inside its
sentence; tokenisation differences of the model do not matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Quantity",
    "QuantityMatch",
    "parse_number",
    "parse_quantity",
    "find_quantities",
    "quantity_of",
    "is_number_word",
]


@dataclass(frozen=True)
class Quantity:
    """A stated count.

    ``minimum``: the count is a lower bound ("at least 15", "more than 100",
    "10 to 15" -> 10, "100-plus").  ``maximum``: the count is an upper bound
    ("nearly 50", "up to 50", "fewer than 10").  Both false: exact, or merely
    approximate ("about 20"), which ``approximate`` records (not compared).
    """

    value: int
    minimum: bool = False
    maximum: bool = False
    approximate: bool = field(default=False, compare=False)
    upper: int | None = field(default=None, compare=False)  # a range's upper bound


@dataclass(frozen=True)
class QuantityMatch:
    """A number phrase found in text: ``text[start:end]`` is the phrase with
    its hedges; ``quantity`` is ``None`` when the phrase is vague."""

    start: int
    end: int
    num_start: int  # span of the number itself (first number of a range)
    num_end: int
    quantity: Quantity | None


# ---------------------------------------------------------------- vocabulary

_UNITS = {
    "zero": 0, "nil": 0,  # "none" is not a number word: it is not in these tables
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9,
}
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_HUNDRED = {"hundred": 100}
_BIG = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
        "lakh": 100_000, "crore": 10_000_000}
_DOZEN = {"dozen": 12}
# abbreviations glued to digits: "2.5m", "10k", "3bn"
_SUFFIX_SCALE = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "mln": 1_000_000,
                 "bn": 1_000_000_000}

_NUMBER_WORDS = {**_UNITS, **_TEENS, **_TENS, **_HUNDRED, **_BIG, **_DOZEN}

# words that make a quantity vague on their own or in front of a scale word
_VAGUE_WORDS = {
    "dozens", "scores", "hundreds", "thousands", "millions", "billions",
    "tens", "several", "many", "numerous", "multiple", "countless",
    "various", "few", "handful", "couple", "lots", "lot",
    "unknown", "undisclosed", "unspecified", "number", "score",
}
# vague words that may stand in front of a scale word: "several hundred"
_VAGUE_PRE_SCALE = {"several", "few", "many", "couple", "hundreds",
                    "tens", "thousands", "dozens", "scores", "multiple"}

_FRACTIONS = {"half", "halves", "third", "thirds", "quarter", "quarters",
              "fourth", "fourths", "fifth", "fifths", "sixth", "sixths",
              "seventh", "sevenths", "eighth", "eighths", "ninth", "ninths",
              "tenth", "tenths"}

_HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"

# hedges in front of the number; value: "min" | "max" | "approx" | "exact" | "range"
_PREFIX_HEDGES: dict[tuple[str, ...], str] = {}


def _add(kind: str, *phrases: str) -> None:
    for p in phrases:
        _PREFIX_HEDGES[tuple(p.split())] = kind


_add("min",
     "at least", "at the least", "at the very least", "more than", "over",
     "well over", "just over", "just more than", "slightly more than",
     "slightly over", "a little over", "a little more than", "far more than",
     "much more than", "many more than", "well more than", "above", "well above",
     "upwards of", "upward of", "in excess of", "no fewer than", "no less than",
     "not less than", "not fewer than", "a minimum of", "at minimum",
     "exceeding", "more then", "greater than", "north of")
_add("max",
     "nearly", "almost", "up to", "as many as", "as much as", "close to",
     "closer to", "fewer than", "less than", "under", "just under",
     "just below", "below", "not more than", "no more than", "at most",
     "at the most", "a maximum of", "just shy of", "shy of", "short of",
     "just short of", "approaching", "nearing", "not quite", "just fewer than",
     "just less than", "a little under", "a little less than", "slightly under",
     "slightly less than", "slightly fewer than", "barely", "only just under")
_add("approx",
     "about", "around", "some", "roughly", "approximately", "approx",
     "approx .", "circa", "c .", "ca .", "ca", "an estimated", "estimated",
     "an approximate", "approximate", "a reported", "reportedly",
     "an estimated total of", "an approximate total of", "somewhere around",
     "somewhere near", "in the region of", "on the order of", "or so",
     "something like", "give or take", "round about", "an estimate of")
_add("exact", "a total of", "total of", "exactly", "precisely", "a combined",
     "a further", "another")
_add("range", "between", "from")

_SUFFIX_HEDGES: dict[tuple[str, ...], str] = {
    ("or", "more"): "min", ("or", "so"): "approx", ("plus",): "min",
    ("+",): "min", ("or", "fewer"): "max", ("or", "less"): "max",
    ("odd",): "approx", ("at", "least"): "min", ("at", "most"): "max",
    ("and", "more"): "min", ("and", "counting"): "min",
    ("or", "higher"): "min", ("and", "up"): "min", ("and", "above"): "min",
    ("or", "above"): "min", ("or", "over"): "min",
}


# ------------------------------------------------------------------ lexing

_TOKEN_RE = re.compile(
    r"\d+(?:[.,]\d+)*"            # 15  1,200  2.5  1.200.000
    r"|[A-Za-z]+(?:'[a-z]+)?"
    r"|\S"
)


@dataclass
class _Tok:
    text: str
    low: str
    start: int
    end: int
    space_before: bool  # whitespace between the previous token and this one


def _lex(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    prev_end = -1
    for m in _TOKEN_RE.finditer(text):
        s = m.group(0)
        toks.append(_Tok(s, s.lower(), m.start(), m.end(),
                         prev_end < 0 or m.start() > prev_end))
        prev_end = m.end()
    return toks


def _is_hyphen(tok: _Tok) -> bool:
    return len(tok.text) == 1 and tok.text in _HYPHENS


def _digit_value(s: str) -> float | None:
    """Value of a digit token: "1,200" -> 1200, "2.5" -> 2.5, "1.200.000" -> 1200000."""
    if re.fullmatch(r"\d+", s):
        return int(s)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", s):
        return int(s.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}", s):  # 1.200.000 (continental)
        return int(s.replace(".", ""))
    if re.fullmatch(r"\d+\.\d+", s):
        return float(s)
    if re.fullmatch(r"\d+,\d{1,2}", s):  # "2,5" continental decimal
        return float(s.replace(",", "."))
    return None


# ------------------------------------------------------------ number phrases

@dataclass
class _Num:
    start: int  # token indexes, end exclusive
    end: int
    value: int | None  # None: vague ("several hundred", "dozens") or not whole
    raw: float | None = None  # value before a trailing scale word
    scale: int = 1  # trailing scale ("million" in "2.5 million")


def _as_int(v: float) -> int | None:
    if abs(v - round(v)) > 1e-6:
        return None
    return int(round(v))


def _read_number(toks: list[_Tok], i: int) -> _Num | None:
    """Read the longest number phrase starting at token ``i``."""
    n = len(toks)
    if i >= n:
        return None
    t = toks[i]
    low = t.low

    # vague plurals: "dozens", "hundreds of thousands", "tens of thousands"
    if low in ("dozens", "scores", "hundreds", "thousands", "millions",
               "billions", "tens"):
        j = i + 1
        while (j + 1 < n and toks[j].low == "of"
               and toks[j + 1].low in ("thousands", "millions", "hundreds",
                                       "dozens", "billions")):
            j += 2
        if low == "tens" and j == i + 1:
            return None  # "tens" alone is not a quantity word
        return _Num(i, j, None)

    # "half a dozen", "half a million"
    if (low == "half" and i + 2 < n and toks[i + 1].low in ("a", "an")
            and toks[i + 2].low in ("dozen", "hundred", "thousand", "million", "billion")):
        j = i + 3
        return _Num(i, j, _NUMBER_WORDS[toks[i + 2].low] // 2)

    # digits
    dv = _digit_value(t.text) if t.text[0].isdigit() else None
    if dv is not None:
        j = i + 1
        value: float = dv
        # "1 200" written with a (thin) space as thousands separator
        if isinstance(dv, int) and re.fullmatch(r"\d{1,3}", t.text):
            while (j < n and re.fullmatch(r"\d{3}", toks[j].text)
                   and toks[j].start - toks[j - 1].end == 1):
                value = value * 1000 + int(toks[j].text)
                j += 1
        scale = 1
        # glued scale abbreviation: 2.5m, 10k, 3bn
        if j < n and toks[j].low in _SUFFIX_SCALE and not toks[j].space_before:
            scale = _SUFFIX_SCALE[toks[j].low]
            j += 1
        else:
            # spelled scale words: "2.5 million", "3 thousand", "2 dozen"
            while j < n and toks[j].low in (_BIG | _HUNDRED | _DOZEN):
                scale *= _NUMBER_WORDS[toks[j].low]
                j += 1
        return _Num(i, j, _as_int(value * scale), raw=value, scale=scale)

    # words
    j = i
    started = False
    # leading "a"/"an"/"one" before a scale word: "a hundred", "a dozen"
    if low in ("a", "an"):
        if i + 1 < n and toks[i + 1].low in ("hundred", "thousand", "million",
                                             "billion", "dozen"):
            total, current = 0, 1
            j = i + 1
            started = True
        else:
            return None
    else:
        total, current = 0, 0
    last_kind = "start" if not started else "unit"
    end = j
    while j < n:
        w = toks[j].low
        if _is_hyphen(toks[j]) and started and j + 1 < n and toks[j + 1].low in _NUMBER_WORDS \
                and not toks[j].space_before:
            j += 1
            continue
        if w == "and" and started and last_kind in ("hundred", "big") \
                and j + 1 < n and toks[j + 1].low in (_UNITS | _TEENS | _TENS):
            j += 1
            continue
        if w in _UNITS:
            if last_kind in ("unit", "teen"):
                break
            current += _UNITS[w]
            last_kind = "unit"
        elif w in _TEENS:
            if last_kind in ("unit", "teen", "ten"):
                break
            current += _TEENS[w]
            last_kind = "teen"
        elif w in _TENS:
            if last_kind in ("unit", "teen", "ten"):
                break
            current += _TENS[w]
            last_kind = "ten"
        elif w in _HUNDRED:
            if last_kind == "hundred":
                break
            current = max(current, 1) * 100
            last_kind = "hundred"
        elif w in _BIG:
            total += max(current, 1) * _BIG[w]
            current = 0
            last_kind = "big"
        elif w in _DOZEN:
            current = max(current, 1) * 12
            last_kind = "hundred"
        else:
            break
        started = True
        j += 1
        end = j
    if end == i or not started:
        return None
    value = total + current
    last = toks[end - 1].low
    scale = _BIG.get(last, 1)
    return _Num(i, end, value, raw=value / scale, scale=scale)


def is_number_word(word: str) -> bool:
    """True for a word that can be (part of) a spelled number: "twenty", "dozen"."""
    return word.lower() in _NUMBER_WORDS


def _norm(text: str) -> str:
    return " ".join(text.split())


def parse_number(text: str) -> int | None:
    """Parse one number phrase to an int.

    "15" -> 15, "1,200" -> 1200, "2.5 million" -> 2500000, "twenty-eight" -> 28,
    "one hundred and twenty" -> 120, "a dozen" -> 12, "half a dozen" -> 6.
    Vague quantities ("dozens", "several hundred", "a number of") and anything
    that is not wholly a number phrase give None.
    """
    if not text or not text.strip():
        return None
    toks = _lex(text.strip())
    # drop trailing punctuation
    while toks and toks[-1].text in ".,;:!?)\"'":
        toks.pop()
    while toks and toks[0].text in "(\"'":
        toks.pop(0)
    if not toks:
        return None
    num = _read_number(toks, 0)
    if num is None or num.end != len(toks) or num.value is None:
        return None
    return num.value


# ------------------------------------------------------------------ hedges

def _match_prefix(toks: list[_Tok], num_start: int) -> tuple[int, str | None]:
    """Longest hedge phrase ending right before ``num_start``; returns
    (first token index of the hedge, kind)."""
    best: tuple[int, str | None] = (num_start, None)
    for length in range(5, 0, -1):
        s = num_start - length
        if s < 0:
            continue
        key = tuple(t.low for t in toks[s:num_start])
        kind = _PREFIX_HEDGES.get(key)
        if kind is not None:
            best = (s, kind)
            break
    return best


def _vague_before(toks: list[_Tok], num: _Num) -> bool:
    """'several hundred', 'a few thousand', 'a number of', 'many dozen'."""
    if num.start == 0:
        return False
    first = toks[num.start].low
    prev = toks[num.start - 1].low
    if first in ("hundred", "thousand", "million", "billion", "dozen", "a", "an"):
        if prev in _VAGUE_PRE_SCALE:
            return True
    return False


def _read_range_end(toks: list[_Tok], num: _Num, after_between: bool
                    ) -> tuple[_Num, int] | None:
    """'10 to 15', '10-15', 'two or three', 'between 10 and 15'.

    Returns (upper number, lower bound value); the lower bound takes the
    upper's scale word when it has none of its own ("1.5 to 2 million").
    """
    j = num.end
    n = len(toks)
    if j >= n or num.raw is None:
        return None
    w = toks[j]
    if not (_is_hyphen(w) or w.low in ("to", "or") or (w.low == "and" and after_between)):
        return None
    other = _read_number(toks, j + 1)
    if other is None or other.value is None:
        return None
    # "10-year-old", "a 2-1 vote", "15-20-minute": hyphenated compounds
    if other.end < n and _is_hyphen(toks[other.end]) and not toks[other.end].space_before:
        return None
    lower = num.value
    if num.scale == 1 and other.scale > 1:
        lower = _as_int(num.raw * other.scale)
    if lower is None or other.value <= lower:
        return None
    return other, lower


def find_quantities(text: str) -> list[QuantityMatch]:
    """All number phrases of ``text`` in order, each with its hedges."""
    toks = _lex(text)
    out: list[QuantityMatch] = []
    i = 0
    n = len(toks)
    while i < n:
        t = toks[i]
        num = None
        if t.low in _VAGUE_WORDS or t.low in ("a", "an"):
            # "a number of", "a few", "a handful of", "a couple of", "a lot of"
            if t.low in ("a", "an") and i + 1 < n and toks[i + 1].low in (
                    "number", "few", "handful", "couple", "lot", "score", "host",
                    "series", "slew", "raft", "multitude"):
                j = i + 2
                # "a few hundred", "a couple of dozen"
                if j < n and toks[j].low == "of":
                    j += 1
                if j < n and toks[j].low in ("hundred", "thousand", "dozen", "million"):
                    j += 1
                out.append(QuantityMatch(t.start, toks[j - 1].end, t.start,
                                         toks[j - 1].end, None))
                i = j
                continue
            if t.low in ("several", "many", "numerous", "multiple", "countless",
                         "few") and i + 1 < n and toks[i + 1].low in (
                    "hundred", "thousand", "dozen", "million", "hundreds",
                    "thousands", "dozens", "tens"):
                nxt = _read_number(toks, i + 1)
                j = nxt.end if nxt else i + 2
                out.append(QuantityMatch(t.start, toks[j - 1].end, t.start,
                                         toks[j - 1].end, None))
                i = j
                continue
            if t.low in ("several", "many", "numerous", "multiple", "countless") and not (
                    (i + 1 < n and toks[i + 1].low in ("as", "more", "fewer", "less"))
                    or (i > 0 and toks[i - 1].low in ("as", "how", "so", "too"))):
                out.append(QuantityMatch(t.start, t.end, t.start, t.end, None))
                i += 1
                continue
        num = _read_number(toks, i)
        if num is None:
            i += 1
            continue
        # a number directly glued to letters ("5G", "F16") is not a count
        if num.end < n and toks[num.end].text[0].isalpha() and not toks[num.end].space_before \
                and toks[num.end].low not in _SUFFIX_SCALE:
            i = num.end
            continue
        if num.start > 0 and toks[num.start].text[0].isdigit() and \
                toks[num.start - 1].text[0].isalpha() and not toks[num.start].space_before:
            i = num.end
            continue
        # pronoun "one": "no one", "every one", "one another"
        if num.end - num.start == 1 and toks[num.start].low == "one" and (
                (num.start > 0 and toks[num.start - 1].low in ("no", "every", "any", "each"))
                or (num.end < n and toks[num.end].low in ("another", "'s"))):
            i = num.end
            continue
        q_start_tok, kind = _match_prefix(toks, num.start)
        rng = _read_range_end(toks, num, after_between=(kind == "range"))
        end_tok = rng[0].end if rng else num.end
        vague = (num.value is None and rng is None) or _vague_before(toks, num)
        quantity: Quantity | None = None
        if not vague:
            minimum = maximum = approximate = False
            upper = None
            if rng is not None:
                value = rng[1]
                minimum = True
                upper = rng[0].value
                approximate = kind == "approx"
            else:
                assert num.value is not None  # not vague and no range: the number has a value
                value = num.value
                if kind == "min":
                    minimum = True
                elif kind == "max":
                    maximum = True
                elif kind == "approx":
                    approximate = True
            # suffix hedges: "15 or more", "100-plus", "100+", "a dozen or so"
            k = end_tok
            if k + 1 < n and _is_hyphen(toks[k]) and toks[k + 1].low in ("plus", "odd"):
                k += 1
            for key, skind in _SUFFIX_HEDGES.items():
                if tuple(x.low for x in toks[k:k + len(key)]) == key:
                    if skind == "min" and not maximum:
                        minimum = True
                    elif skind == "max" and not minimum:
                        maximum = True
                    elif skind == "approx":
                        approximate = True
                    end_tok = k + len(key)
                    break
            # percentages and fractions are not counts: "15%", "two-thirds"
            nxt_i = end_tok + 1 if (end_tok < n and _is_hyphen(toks[end_tok])) else end_tok
            fraction = nxt_i < n and toks[nxt_i].low in _FRACTIONS
            percent = end_tok < n and (toks[end_tok].text == "%" or toks[end_tok].low in (
                "percent", "pc", "pct") or (toks[end_tok].low == "per" and end_tok + 1 < n
                                            and toks[end_tok + 1].low == "cent"))
            if fraction or percent:
                quantity = None
            else:
                quantity = Quantity(value, minimum, maximum, approximate, upper)
        hedged = kind in ("min", "max", "approx", "range")
        start_char = toks[q_start_tok].start if hedged else toks[num.start].start
        out.append(QuantityMatch(start_char, toks[end_tok - 1].end,
                                 toks[num.start].start, toks[num.end - 1].end,
                                 quantity))
        i = end_tok
    return out


def parse_quantity(tokens_or_text: Any) -> Quantity | None:
    """The first quantity of a phrase: "at least 15" -> Quantity(15, True, False).

    Accepts a string, a spaCy Doc/Span (its text), a single spaCy Token
    (delegates to :func:`quantity_of`) or an iterable of tokens/strings.
    Returns None when there is no number or the first number phrase is vague
    ("dozens of people", "several hundred", "a number of").
    """
    if tokens_or_text is None:
        return None
    if isinstance(tokens_or_text, str):
        text = tokens_or_text
    elif hasattr(tokens_or_text, "i") and hasattr(tokens_or_text, "doc") \
            and hasattr(tokens_or_text, "like_num"):
        return quantity_of(tokens_or_text)
    elif hasattr(tokens_or_text, "text") and hasattr(tokens_or_text, "ents"):
        text = tokens_or_text.text  # Doc / Span
    else:
        parts = []
        for t in tokens_or_text:
            if isinstance(t, str):
                parts.append(t + " ")
            else:
                parts.append(t.text + getattr(t, "whitespace_", " "))
        text = "".join(parts)
    matches = find_quantities(text)
    if not matches:
        return None
    return matches[0].quantity


def quantity_of(token: Any) -> Quantity | None:
    """Quantity of the number phrase that contains ``token`` in its parsed doc.

    ``token`` is any token of the number ("twenty" or "eight" of
    "twenty-eight", "1" or "200" of "1 200", "dozen" of "half a dozen"); the
    hedges before and after it ("at least", "more than", "nearly", "some",
    "between ... and ...", "or more") are read from the surrounding text of
    its sentence.  Returns None for vague quantities and non-numbers.
    """
    doc = token.doc
    try:
        container = token.sent
    except ValueError:  # no sentence boundaries
        container = doc[:]
    text = container.text
    base = container.start_char
    tok_start = token.idx - base
    for m in find_quantities(text):
        if m.start <= tok_start < m.end:
            # a token of the hedge ("least" of "at least 15") is not the number
            return m.quantity if tok_start >= m.num_start else None
    return None
