"""Bounds on SPARQL text, checked before any parser sees it.

pyoxigraph's SPARQL parser recurses once per nesting level and overflows its
stack on deep nesting: the whole process dies (SIGSEGV), no Python exception.
Measured on this machine (tests/test_abuse.py::test_parser_crash_depths finds
them again, each in a subprocess it can lose; 8 MB stacks, main thread and
worker threads alike):

=================================  ========  =======
construct, nested (or chained)     survives  crashes
=================================  ========  =======
``{ FILTER EXISTS {`` ...               832      848
function calls ``STR(STR(``             944      960
``{`` group patterns (query, update)  2,176    2,208
sub-``SELECT``                        2,528    2,560
``OPTIONAL {``                        2,592    2,624
``MINUS {`` / ``GRAPH ?g {``          2,912    2,944
``[`` blank-node property lists       3,392    3,456
``(`` parenthesised expressions      4,608    4,672
``( )`` collections                  9,856    9,984
``(<p>)+`` path groups              13,568   13,824
``/`` path sequence (flat)          19,968   20,224
``!`` unary operators               22,528   22,784
``UNION`` / ``|`` (flat)            87,040   88,064
``^``, ``&&``, ``+``, unary ``-``   no crash up to 131,072
=================================  ========  =======

So :func:`check` counts, with a lexer that skips strings, IRIs and comments:

* the nesting depth of ``{ ( [`` together, at most :data:`MAX_DEPTH`
  (a quarter of the cheapest crash depth, 832: mixing constructs adds up their
  stack use, and 200 levels of the dearest one use a quarter of the stack);
* runs of prefix operators (``!``, ``^``, unary ``-``/``+``), which nest too,
  counted into the same depth;
* the number of chain operators (``UNION``, ``/``, ``|``, ``^``, ``+``, ``*``,
  ``?``, ``&&``, ``||``), at most :data:`MAX_CHAIN` (a tenth of the cheapest
  flat crash, 19,968 ``/``).

A query that passes is far below every crash depth; a real query nests a
dozen levels at most.
"""

from __future__ import annotations

import re

#: deepest nesting of { ( [ plus prefix-operator runs
MAX_DEPTH = 200
#: most UNION / path / boolean chain operators in one request
MAX_CHAIN = 2_000

_TOKENS = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              | '''(?:[^'\\]|\\.|'(?!''))*'''
              | "(?:[^"\\\n\r]|\\.)*"
              | '(?:[^'\\\n\r]|\\.)*')
  | (?P<var>[?$][A-Za-z0-9_\u00b7-\U0010ffff]+)
  | (?P<word>[A-Za-z_\u00c0-\U0010ffff][\w\-.]*(?::[\w\-.:%\\]*)?|\d[\w.]*|:[\w\-.:%\\]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<chain>&&|\|\||[|/^+*?!-])
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)

_PREFIX_OPS = {"!", "^", "-", "+"}
#: tokens after which + or - is a binary (chain) operator, not a prefix
_OPERAND_END = {"iri", "string", "var", "word", "close"}


class TooComplex(ValueError):
    """The text is over a bound; the message is one line naming it."""


def check(text: str, max_bytes: int | None = None, what: str = "query") -> None:
    """Raise :class:`TooComplex` when ``text`` is over a bound; else return None."""
    if max_bytes is not None:
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > max_bytes:
            raise TooComplex(f"the {what} is {size} bytes, more than the limit of {max_bytes} "
                             "(KG_MAX_QUERY_BYTES)")
    depth = deepest = chain = run = 0
    previous = ""
    for m in _TOKENS.finditer(text):
        kind = m.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        token = m.group()
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "word" and token.upper() == "UNION":
            chain += 1
        elif kind == "chain":
            if token in _PREFIX_OPS and (token in "!^" or previous not in _OPERAND_END):
                run += 1
            else:
                chain += 1
        if kind != "chain":
            run = 0
        deepest = max(deepest, depth + run)
        if deepest > MAX_DEPTH:
            raise TooComplex(f"the {what} nests deeper than {MAX_DEPTH} levels of {{ ( [ or "
                             "prefix operators (the limit this server parses safely)")
        if chain > MAX_CHAIN:
            raise TooComplex(f"the {what} has more than {MAX_CHAIN} UNION, path or boolean "
                             "operators (the limit this server parses safely)")
        previous = kind if kind != "chain" else "chain"
