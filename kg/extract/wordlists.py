"""Word lists kept as data (``kg/data/wordlists.json``): one list per entry, with its source.

``words(name)`` gives one list as a frozenset of lower-case entries. Each list names the one
module that reads it; ``tests/test_wordlists.py`` fails on a list no code reads, a list given
twice or a word repeated within one list.
"""

from __future__ import annotations

import functools
import json

from kg import resources

WORDLISTS_PATH = resources.data_dir() / "wordlists.json"


@functools.lru_cache(maxsize=1)
def _load() -> dict[str, dict]:
    with open(WORDLISTS_PATH, encoding="utf-8") as f:
        return {k: v for k, v in json.load(f).items() if not k.startswith("_")}


@functools.cache
def words(name: str) -> frozenset[str]:
    """The list ``name`` (KeyError for an unknown list)."""
    return frozenset(w.lower() for w in _load()[name]["words"])


def lists() -> dict[str, dict]:
    """Every list: name -> {"source": module path, "words": [...]}."""
    return _load()


# ----------------------------------------------------------------- patterns
PATTERNS_PATH = WORDLISTS_PATH.parent / "patterns.json"


@functools.lru_cache(maxsize=1)
def _load_patterns() -> dict[str, dict]:
    with open(PATTERNS_PATH, encoding="utf-8") as f:
        return {k: v for k, v in json.load(f).items() if not k.startswith("_")}


def pattern_sets() -> dict[str, dict]:
    """Every pattern set: name -> {"source", "matcher", "patterns"}."""
    return _load_patterns()


def _expand(value):
    """Replace "@list" inside IN lists by the words of that list."""
    if isinstance(value, str) and value.startswith("@"):
        return sorted(words(value[1:]))
    if isinstance(value, dict):
        return {k: _expand(v) for k, v in value.items()}
    if isinstance(value, list):
        out = []
        for v in value:
            if isinstance(v, str) and v.startswith("@"):
                out.extend(sorted(words(v[1:])))
            else:
                out.append(_expand(v))
        return out
    return value


def patterns(name: str) -> list:
    """The patterns of set ``name``, word lists expanded."""
    return _expand(_load_patterns()[name]["patterns"])


_MATCHERS: dict[tuple[int, str], object] = {}


def matcher(vocab, name: str):
    """A spaCy Matcher or DependencyMatcher of pattern set ``name``, built once per vocab."""
    key = (id(vocab), name)
    found = _MATCHERS.get(key)
    if found is None:
        from spacy.matcher import DependencyMatcher, Matcher

        kind = _load_patterns()[name].get("matcher", "token")
        found = DependencyMatcher(vocab) if kind == "dependency" else Matcher(vocab)
        for i, pattern in enumerate(patterns(name)):
            found.add(f"{name}#{i}", [pattern])  # one key per pattern: which one matched
        _MATCHERS[key] = found
    return found


def matched_tokens(doc, name: str, role: str) -> list[int]:
    """Indices of the tokens playing ``role`` (a RIGHT_ID) in the matches of dependency set
    ``name``, in text order."""
    m = matcher(doc.vocab, name)
    sets = patterns(name)
    out: set[int] = set()
    for match_id, ids in m(doc):
        pattern = sets[int(doc.vocab.strings[match_id].rsplit("#", 1)[1])]
        roles = [node["RIGHT_ID"] for node in pattern]
        if role in roles:
            out.add(ids[roles.index(role)])
    return sorted(out)
