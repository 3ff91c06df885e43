"""The SHACL gate in ingest, `kg validate` over a store and `kg load` (real model, real store)."""

from __future__ import annotations

from pathlib import Path

from kg.ids import entity_key
from kg.ingest import quarantine_graph, store_document
from kg.model import Article, Casualty, Entity, Event, Extraction, Partnership
from kg.store import EmbeddedStore
from tests.conftest import run_kg

BAD = Path(__file__).parent / "data" / "load" / "bad.ttl"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def quads(store: Path) -> int:
    result = run_kg("query", COUNT, "--format", "csv", "--store", str(store))
    assert result.returncode == 0, result.stderr.decode()
    return int(result.stdout.split()[-1])


def test_dev_store_validates(dev_store):
    result = run_kg("validate", "--store", str(dev_store), "-q")
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
    assert "0 problem(s)" in result.stderr.decode()


def test_load_gate_and_validate(dev_store, tmp_path):
    store = tmp_path / "store"
    assert run_kg("ingest", str(Path(__file__).parents[1] / "samples" / "seed-niger.txt"),
                  "--published", "2024-07-24", "--store", str(store), "-q").returncode == 0
    before = quads(store)
    result = run_kg("load", str(BAD), "--store", str(store))
    err = result.stderr.decode()
    assert result.returncode == 1
    lines = [line for line in err.splitlines() if line.startswith("kg: https://")]
    assert len(lines) == 2
    assert any("user-attack-killed" in line and "[value: -3]" in line for line in lines)
    assert any("user-trio" in line and "exactly two partners" in line for line in lines)
    assert quads(store) == before
    result = run_kg("load", str(BAD), "--store", str(store), "--no-validate")
    assert result.returncode == 0 and "without validation" in result.stderr.decode()
    assert quads(store) > before
    result = run_kg("validate", "--store", str(store), "-q")
    assert result.returncode == 1
    out = result.stdout.decode()
    assert "user-attack-killed" in out and "user-trio" in out
    result = run_kg("validate", "--store", str(store), "-q", "--format", "turtle")
    assert result.returncode == 1 and b"sh:ValidationReport" in result.stdout


def test_gate_quarantines_only_the_bad_part(tmp_path):
    niger, mali = entity_key("State", "Niger"), entity_key("State", "Mali")
    extraction = Extraction(
        entities={niger: Entity(niger, "State", "Niger", set(), "Q1032", 0.9),
                  mali: Entity(mali, "State", "Mali", set(), "Q912", 0.9)},
        events=[Event("Attack", "Soldiers were killed.", place=None,  # an attack must have a place
                      casualties=[Casualty("Killed", 4, "Soldiers")])],
        partnerships=[Partnership((mali, niger), "Active", "Mali and Niger are allies.")])
    store = EmbeddedStore(tmp_path / "s")
    article = Article(text="t", id="q1", published="2024-01-01")
    stored = store_document(store, article, extraction)
    assert stored.quarantined > 0 and any("place" in p for p in stored.problems)
    graphs = store.graph_names()
    assert quarantine_graph("document/q1") in graphs
    # the partnership claim is stored; the placeless attack is not in the document graph
    assert store.ask("ASK { GRAPH <https://w3id.org/conflict-kg/id/document/q1> { ?p a ckg:PartnershipClaim } }")
    assert store.ask("ASK { ?p a ckg:Partnership }")
    assert not store.ask("ASK { GRAPH <https://w3id.org/conflict-kg/graph/events> { ?e a ckg:Attack } }")
    assert not store.ask("ASK { GRAPH <https://w3id.org/conflict-kg/id/document/q1> { ?e a ckg:Attack } }")
    assert store.ask(f"ASK {{ GRAPH <{quarantine_graph('document/q1')}> {{ ?e a ckg:Attack }} }}")
    # a clean re-ingest of the same document empties its quarantine
    extraction.events = []
    assert store_document(store, article, extraction).quarantined == 0
    assert quarantine_graph("document/q1") not in store.graph_names()
