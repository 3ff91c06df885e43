"""Names the gazetteer knows for an entity, for ``GET /entities?q=``.

The graph keeps the names the articles used (``rdfs:label``, ``skos:altLabel``); an analyst may
search by another spelling the gazetteer lists (``q=Tchiani`` for Abdourahamane Tiani). The index
is read from ``kg/data/gazetteer.jsonl`` with :mod:`json` alone (no spaCy in the server), once,
on the first search: name form (no case, accents or punctuation) -> entity keys.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

GAZETTEER = Path(__file__).resolve().parents[1] / "kg" / "data" / "gazetteer.jsonl"


def name_form(text: str) -> str:
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    s = re.sub(r"[^0-9a-z]+", " ", folded.casefold()).strip()
    return s[4:] if s.startswith("the ") else s


@lru_cache(maxsize=1)
def alias_index() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    try:
        with GAZETTEER.open(encoding="utf-8") as fh:
            for line in fh:
                if '"aliases":[]' in line.replace(" ", ""):
                    continue  # only the label: the graph has it already
                entry = json.loads(line)
                for name in [entry.get("label") or "", *entry.get("aliases", [])]:
                    form = name_form(name)
                    if form and entry["key"] not in index.setdefault(form, []):
                        index[form].append(entry["key"])
    except OSError:
        return {}
    return {k: tuple(v) for k, v in index.items()}


def keys_named(text: str) -> tuple[str, ...]:
    """Keys (``person/abdourahamane-tiani``) of the entities the gazetteer names ``text`` exactly."""
    form = name_form(text)
    return alias_index().get(form, ()) if form else ()
