"""kg/data/wordlists.json: every list has one source that reads it, no list is given twice,
no word twice within a list."""

from __future__ import annotations

import json
import re
from pathlib import Path

from kg.extract.wordlists import WORDLISTS_PATH, lists, words

ROOT = Path(__file__).resolve().parent.parent


def test_every_list_is_read_by_its_source_and_only_there():
    code = {p: p.read_text(encoding="utf-8") for p in (ROOT / "kg").rglob("*.py")}
    for name, entry in lists().items():
        source = ROOT / entry["source"]
        assert source.exists(), f"{name}: source {entry['source']} does not exist"
        pattern = re.compile(r"""(?:words|wordlist)\(\s*["']""" + re.escape(name) + r"""["']""")
        readers = sorted(str(p.relative_to(ROOT)) for p, text in code.items() if pattern.search(text))
        assert readers == [entry["source"]], f"{name} is read by {readers}, declared {entry['source']}"


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


def test_words_are_lower_case_sets():
    assert "near" in words("near_words")
    assert words("near_words") is words("near_words")
