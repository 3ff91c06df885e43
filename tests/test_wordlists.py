"""kg/data/wordlists.json and kg/data/patterns.json: every word list and pattern set has one
source that reads it (a word list directly, or through a pattern set of that source), no list is
given twice, no word twice within a list; the patterns build spaCy matchers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import spacy

from kg.extract.wordlists import (
    PATTERNS_PATH,
    WORDLISTS_PATH,
    lists,
    matched_tokens,
    matcher,
    pattern_sets,
    patterns,
    words,
)

ROOT = Path(__file__).resolve().parent.parent


def _readers(call: str, name: str) -> set[str]:
    pattern = re.compile(call + r"""\(\s*(?:doc\.vocab,\s*|doc,\s*)?["']""" + re.escape(name) + r"""["']""")
    return {str(p.relative_to(ROOT)) for p in (ROOT / "kg").rglob("*.py")
            if pattern.search(p.read_text(encoding="utf-8"))}


def test_every_pattern_set_is_read_by_its_source_and_only_there():
    for name, entry in pattern_sets().items():
        readers = _readers("(?:patterns|matcher|matched_tokens)", name)
        assert readers == {entry["source"]}, f"{name} is read by {sorted(readers)}, declared {entry['source']}"


def test_every_list_is_read_by_its_source_and_only_there():
    raw = PATTERNS_PATH.read_text(encoding="utf-8")
    for name, entry in lists().items():
        assert (ROOT / entry["source"]).exists(), f"{name}: no {entry['source']}"
        readers = _readers("(?:words|wordlist)", name)
        readers |= {s["source"] for s in pattern_sets().values() if f'"@{name}"' in json.dumps(s)}
        assert readers == {entry["source"]}, f"{name} is read by {sorted(readers)}, declared {entry['source']}"
    assert "@" in raw


def test_no_list_twice_and_no_word_twice():
    raw = json.loads(WORDLISTS_PATH.read_text(encoding="utf-8"))
    seen: dict[frozenset, str] = {}
    for name, entry in lists().items():
        ws = [w.lower() for w in entry["words"]]
        dupes = sorted({w for w in ws if ws.count(w) > 1})
        assert not dupes, f"{name} repeats {dupes}"
        assert ws, f"{name} is empty"
        key = frozenset(ws)
        assert key not in seen, f"{name} repeats the list {seen[key]}"
        seen[key] = name
    assert "_doc" in raw


def test_words_and_patterns():
    assert "near" in words("near_words")
    assert words("near_words") is words("near_words")
    expanded = json.dumps(patterns("designated_town"))
    assert "@" not in expanded and '"village"' in expanded
    nlp = spacy.blank("en")
    assert matcher(nlp.vocab, "designated_town") is matcher(nlp.vocab, "designated_town")


def test_designated_town_pattern_on_a_hand_parse():
    # "Kalembe , a village" with Kalembe the head and "village" its apposition
    nlp = spacy.blank("en")
    doc = spacy.tokens.Doc(nlp.vocab, words=["Kalembe", ",", "a", "village", "burned"],
                           pos=["PROPN", "PUNCT", "DET", "NOUN", "VERB"],
                           deps=["nsubj", "punct", "det", "appos", "ROOT"], heads=[4, 0, 3, 0, 4],
                           lemmas=["Kalembe", ",", "a", "village", "burn"])
    assert matched_tokens(doc, "designated_town", "name") == [0]
    doc2 = spacy.tokens.Doc(nlp.vocab, words=["the", "town", "of", "Kalembe"],
                            pos=["DET", "NOUN", "ADP", "PROPN"], deps=["det", "ROOT", "prep", "pobj"],
                            heads=[1, 1, 1, 2], lemmas=["the", "town", "of", "Kalembe"])
    assert matched_tokens(doc2, "designated_town", "name") == [3]
    doc3 = spacy.tokens.Doc(nlp.vocab, words=["the", "talks", "in", "Doha"],
                            pos=["DET", "NOUN", "ADP", "PROPN"], deps=["det", "ROOT", "prep", "pobj"],
                            heads=[1, 1, 1, 2], lemmas=["the", "talk", "in", "Doha"])
    assert matched_tokens(doc3, "designated_town", "name") == []
    assert matched_tokens(doc3, "talks_venue", "prep") == [2]
