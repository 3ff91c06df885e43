"""Word lists kept as data (``kg/data/wordlists.json``): one list per entry, with its source.

``words(name)`` gives one list as a frozenset of lower-case entries. Each list names the one
module that reads it; ``tests/test_wordlists.py`` fails on a list no code reads, a list given
twice or a word repeated within one list.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

WORDLISTS_PATH = Path(__file__).resolve().parent.parent / "data" / "wordlists.json"


@functools.lru_cache(maxsize=1)
def _load() -> dict[str, dict]:
    with open(WORDLISTS_PATH, encoding="utf-8") as f:
        return {k: v for k, v in json.load(f).items() if not k.startswith("_")}


@functools.lru_cache(maxsize=None)
def words(name: str) -> frozenset[str]:
    """The list ``name`` (KeyError for an unknown list)."""
    return frozenset(w.lower() for w in _load()[name]["words"])


def lists() -> dict[str, dict]:
    """Every list: name -> {"source": module path, "words": [...]}."""
    return _load()
