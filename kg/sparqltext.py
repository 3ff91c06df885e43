"""A lexer for SPARQL text: enough to find keywords outside strings, IRIs and comments.

Used to find SERVICE and LOAD before a query is run (api/sparql.py) and FROM
clauses before a query is forwarded (kg/remote.py).
"""

from __future__ import annotations

import re

TOKENS = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              | '''(?:[^'\\]|\\.|'(?!''))*'''
              | "(?:[^"\\\n\r]|\\.)*"
              | '(?:[^'\\\n\r]|\\.)*')
  | (?P<var>[?$][^\s{}()<>"'.,;\[\]]*)
  | (?P<word>[^\W\d][\w\-.]*(?::[\w\-.:%\\]*)?|[\d][\w\-.]*|:[\w\-.:%\\]*)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)
