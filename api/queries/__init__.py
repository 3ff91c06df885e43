"""The named SPARQL queries of the REST routes and pages (``*.rq`` beside this file).

Each query reads the corpus-level graphs of docs/rdf-layout.md by lookup: every one starts
from bound terms (an entity, a place, a page of ids) and follows indexed patterns from
there; none scans all labels, all partnerships or all ``ckg:locatedIn`` edges.

User values reach a query only as bound variables (:meth:`kg.store.Store.select`'s
``bindings``: pyoxigraph substitutions, or a ``VALUES`` row on a remote store), never as
query text. A query file may hold two kinds of placeholders, filled by :func:`build`:

* ``#{name}`` — a ``VALUES ?name { … }`` block of IRIs that came out of the store or were
  built from checked slugs, each checked against the SPARQL ``IRIREF`` characters (or a
  ``VALUES (?a ?b) { … }`` block of such IRIs and date literals, :func:`pairs`);
* lines starting ``#[flag]`` — kept (the marker removed) only when ``flag`` is on;
* ``#{bound}`` — the bound variables, which pyoxigraph wants in the projection.

Numbers (``LIMIT``/``OFFSET``) are written as ``#{limit}``/``#{offset}`` from ints.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import cache

from kg import resources

HERE = resources.queries_dir()

#: an IRI that can be written as <…> in SPARQL (the IRIREF production)
SAFE_IRI = re.compile(r'^https?://[^<>"{}|^`\\\x00-\x20]+$')
#: a date as the store holds them (xsd:gYear, xsd:gYearMonth, xsd:date)
SAFE_DATE = re.compile(r"^\d{4}(-\d\d(-\d\d)?)?$")
FLAG = re.compile(r"^(\s*)#\[([a-z_]+)\]")


@cache
def text(name: str) -> str:
    """The text of ``api/queries/{name}.rq``."""
    return (HERE / f"{name}.rq").read_text(encoding="utf-8")


def ref(value: str) -> str:
    if not SAFE_IRI.match(value):
        raise ValueError(f"not a safe IRI: {value!r}")
    return f"<{value}>"


def values(var: str, iris: Iterable[str]) -> str:
    """``VALUES ?var { <a> <b> }`` of the safe IRIs among ``iris``."""
    return f"VALUES ?{var} {{ {' '.join(ref(i) for i in dict.fromkeys(iris) if SAFE_IRI.match(i))} }}"


def pairs(a: str, b: str, rows: Iterable[tuple[str, str]]) -> str:
    """``VALUES (?a ?b) { (<iri> "date") … }`` of IRIs and dates as the store gives them."""
    cells = " ".join(f'({ref(x)} "{d}")' for x, d in rows if SAFE_IRI.match(x) and SAFE_DATE.match(d))
    return f"VALUES (?{a} ?{b}) {{ {cells} }}"


XSD = "http://www.w3.org/2001/XMLSchema#"


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def date_window(var: str, first: int, last: int, *, coarse: bool = True) -> str:
    """``VALUES ?var { … }`` of the months ``first`` to ``last`` (:func:`month_index`, inclusive):
    every day as ``xsd:date`` and, with ``coarse``, each month as ``xsd:gYearMonth`` and the year
    of each January as ``xsd:gYear``: the three ways a date is stored, so that the window holds
    exactly the dates whose text sorts within it. Built from numbers, never from text."""
    cells = []
    for m in range(first, last + 1):
        year, month = divmod(m, 12)
        day = dt.date(year, month + 1, 1)
        while day.month == month + 1:
            cells.append(f'"{day.isoformat()}"^^<{XSD}date>')
            day += dt.timedelta(days=1)
        if coarse:
            cells.append(f'"{year:04d}-{month + 1:02d}"^^<{XSD}gYearMonth>')
            if month == 0:
                cells.append(f'"{year:04d}"^^<{XSD}gYear>')
    return f"VALUES ?{var} {{ {' '.join(cells)} }}"


def build(name: str, *, flags: Iterable[str] = (), blocks: dict[str, str] | None = None,
          bound: Iterable[str] = (), limit: int | None = None, offset: int | None = None) -> str:
    """Query ``name`` with its ``#[flag]`` lines and ``#{…}`` blocks filled in."""
    on = set(flags)
    lines = []
    for line in text(name).splitlines():
        m = FLAG.match(line)
        if m:
            if m.group(2) not in on:
                continue
            line = m.group(1) + line[m.end():]
        lines.append(line)
    out = "\n".join(lines)
    fills = dict(blocks or {})
    fills["bound"] = " ".join(f"?{v}" for v in bound if re.fullmatch(r"[a-z_][a-z0-9_]*", v))
    if limit is not None:
        fills["limit"] = str(int(limit))
    if offset is not None:
        fills["offset"] = str(int(offset))
    out = re.sub(r"#\{([a-z_]+)\}", lambda m: fills.get(m.group(1), ""), out)
    # a GROUP BY left with nothing to group by (no bound variable) goes
    return re.sub(r"(?m)^GROUP BY\s*$", "", out)
