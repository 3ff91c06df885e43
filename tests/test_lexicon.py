"""The knowledge the rules use is data: every list has one source, is used, and is not repeated.

No model needed: these read kg/data/lexicon and the extraction modules' source.
"""

from __future__ import annotations

import json
import re
from itertools import combinations
from pathlib import Path

import pytest

from kg.extract import lexicon as lx

EXTRACT = Path(lx.__file__).resolve().parent
FILES = sorted(lx.LEXICON_DIR.glob("*.json"))


def _lists(entry: dict) -> dict[str, list]:
    """The word lists of one entry: 'words', or one list per casualty type or sub-key."""
    return {k: v for k, v in entry.items() if isinstance(v, list) and k != "patterns"}


def _entries() -> list[tuple[str, str, dict]]:
    out = []
    for path in FILES:
        data = json.loads(path.read_text(encoding="utf-8"))
        for key, entry in data.items():
            if key != "about":
                out.append((path.stem, key, entry))
    return out


def test_there_are_data_files():
    assert {p.stem for p in FILES} >= {"events", "victims", "casualties", "status", "roles", "patterns"}


@pytest.mark.parametrize("stem, key, entry", _entries(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_list_has_one_source_and_no_repeated_word(stem, key, entry):
    assert isinstance(entry.get("source"), str) and entry["source"].strip(), f"{stem}.{key}: no source"
    lists = _lists(entry)
    assert lists or entry.get("patterns"), f"{stem}.{key}: nothing in it"
    for name, words in lists.items():
        assert words, f"{stem}.{key}.{name} is empty"
        assert all(isinstance(w, str) and w == w.lower() for w in words), f"{stem}.{key}.{name}: not lower case"
        repeated = sorted({w for w in words if words.count(w) > 1})
        assert not repeated, f"{stem}.{key}.{name} repeats {repeated}"


def test_no_list_is_duplicated():
    seen = [(f"{stem}.{key}.{name}", frozenset(words)) for stem, key, entry in _entries()
            for name, words in _lists(entry).items()]
    for (a, wa), (b, wb) in combinations(seen, 2):
        assert wa != wb, f"{a} and {b} are the same list"


def test_every_data_entry_is_loaded():
    """A list in the data that no code reads is dead knowledge."""
    code = "".join(p.read_text(encoding="utf-8") for p in EXTRACT.glob("*.py"))
    for stem, key, _ in _entries():
        assert re.search(rf"""["']{re.escape(key)}["']""", code), f"{stem}.{key} is never loaded"


def test_every_lexicon_list_is_used():
    """Every public list of kg.extract.lexicon is read by a rule outside it."""
    others = "".join(p.read_text(encoding="utf-8") for p in EXTRACT.glob("*.py") if p.name != "lexicon.py")
    names = [n for n, v in vars(lx).items() if n.isupper() and not n.startswith("_")
             and isinstance(v, (set, frozenset, dict, tuple)) and n != "CASUALTY_TYPES"]
    assert len(names) > 30
    unused = [n for n in names if not re.search(rf"\b(?:lx|lexicon)\.{n}\b", others)]
    assert not unused, f"lists no rule reads: {unused}"


def test_a_word_of_two_victim_categories_is_a_decision_made_once():
    """A victim noun in two categories would be read by whichever the code checks first."""
    cats = {"soldier": lx.SOLDIER_NOUNS, "civilian": lx.CIVILIAN_NOUNS, "militant": lx.MILITANT_NOUNS}
    for (a, wa), (b, wb) in combinations(cats.items(), 2):
        assert not wa & wb, f"{a} and {b} nouns share {sorted(wa & wb)}"


def test_each_casualty_word_has_one_type():
    for table in (lx.CASUALTY_VERBS, lx.CASUALTY_WORDS, lx.CASUALTY_NOUNS):
        for a, b in combinations(lx.CASUALTY_TYPES, 2):
            assert not table[a] & table[b], f"{a} and {b} share {sorted(table[a] & table[b])}"


def test_the_dependency_patterns_compile():
    import spacy
    from spacy.matcher import DependencyMatcher

    from kg.extract.events import _PATTERNS

    matcher = DependencyMatcher(spacy.blank("en").vocab)
    for key, entry in _PATTERNS.items():
        if key != "about":
            matcher.add(key, entry["patterns"])
    assert len(matcher) == len(_PATTERNS) - 1
