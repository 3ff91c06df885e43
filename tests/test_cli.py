"""The command line end to end: real model, real store on disk, fresh processes."""

from __future__ import annotations

import json

from tests.conftest import DEV, SEED, run_kg

PARTNERS = """
SELECT ?partner ?status WHERE {
  ?p a ckg:Partnership ; ckg:partner ?niger, ?other ; ckg:status ?s .
  ?niger rdfs:label "Niger" . ?other rdfs:label ?partner .
  FILTER(?other != ?niger)
  BIND(STRAFTER(STR(?s), "#") AS ?status)
} GROUP BY ?partner ?status ORDER BY ?partner
"""


def test_help_lists_every_command():
    result = run_kg("--help")
    assert result.returncode == 0
    text = result.stdout.decode()
    for command in ("ingest", "query", "export", "eval", "serve"):
        assert command in text


def test_seed_partners_of_niger(tmp_path):
    store = tmp_path / "store"
    result = run_kg("ingest", str(SEED), "--published", "2024-07-24", "--store", str(store), "-q")
    assert result.returncode == 0, result.stderr.decode()
    result = run_kg("query", PARTNERS, "--format", "json", "--store", str(store))
    assert result.returncode == 0, result.stderr.decode()
    rows = json.loads(result.stdout)["results"]["bindings"]
    status = {r["partner"]["value"]: r["status"]["value"] for r in rows}
    for name in ("Russia", "Iran", "Turkey", "Mali", "Burkina Faso"):
        assert status.get(name) == "Active", (name, status)
    for name in ("France", "United States"):
        assert status.get(name) == "Ended", (name, status)


def test_ingest_twice_changes_nothing(dev_store):
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = run_kg("query", count, "--format", "csv", "--store", str(dev_store))
    result = run_kg("ingest", str(DEV), "--store", str(dev_store), "-q")
    assert result.returncode == 0
    assert "14 unchanged" in result.stderr.decode()
    after = run_kg("query", count, "--format", "csv", "--store", str(dev_store))
    assert before.stdout == after.stdout and int(before.stdout.split()[-1]) > 1000


def test_bad_batch_stores_the_good_and_names_the_bad(tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (batch / "empty.txt").write_text("", encoding="utf-8")
    good = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()[:2]]
    lines = [json.dumps({k: v for k, v in good[0].items() if k != "gold"}), '{"text": "cut off',
             json.dumps({k: v for k, v in good[1].items() if k != "gold"})]
    (batch / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = tmp_path / "store"
    result = run_kg("ingest", str(batch), "--store", str(store), "-q")
    err = result.stderr.decode()
    assert result.returncode == 2
    assert "Traceback" not in err
    assert "image.txt" in err and "empty.txt" in err and "articles.jsonl:2" in err
    docs = run_kg("query", "SELECT ?d WHERE { ?d a ckg:Document }", "--format", "csv", "--store", str(store))
    assert sorted(docs.stdout.decode().split()[1:]) == [
        "https://w3id.org/conflict-kg/id/document/dev-000", "https://w3id.org/conflict-kg/id/document/dev-001"]


def test_errors_are_one_line(tmp_path, dev_store):
    result = run_kg("query", "SELECT WHERE {", "--store", str(dev_store))
    assert result.returncode == 2
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: bad SPARQL")
    result = run_kg("query", "ASK {}", "--store", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert result.stderr.decode().strip().splitlines() == [
        f"kg: error: no store at {tmp_path / 'nowhere'}; create one with 'kg ingest'"]
    result = run_kg("ingest", str(tmp_path / "missing.txt"), "--store", str(tmp_path / "s"), "-q")
    assert result.returncode == 2 and "missing.txt: no such file" in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


def test_export_formats_parse(dev_store, tmp_path):
    import rdflib

    for fmt, parser in (("trig", "trig"), ("turtle", "turtle"), ("nquads", "nquads")):
        out = tmp_path / f"out.{fmt}"
        result = run_kg("export", "--format", fmt, "-o", str(out), "--store", str(dev_store))
        assert result.returncode == 0, result.stderr.decode()
        ds = rdflib.Dataset()
        ds.parse(out, format=parser)
        assert len(list(ds.quads((None, None, None, None)))) > 1000


def test_eval_on_dev_and_independent_scoring_of_the_export(dev_store, dev_eval, tmp_path):
    from kg.evaluate import evaluate_file, load_gold

    out = tmp_path / "dev.trig"
    assert run_kg("export", "--format", "trig", "-o", str(out), "--store", str(dev_store)).returncode == 0
    report = evaluate_file(out, load_gold(DEV))
    assert report.overall >= 0.60, report.to_dict()
    assert abs(dev_eval["overall"] - report.overall) < 1e-9
    for name in ("entities", "events", "casualties", "partnerships", "relations"):
        assert abs(dev_eval["sections"][name]["f1"] - report.sections[name].f1) < 1e-9


def test_eval_trade_off_table(tmp_path):
    # two dev articles keep it quick; the table has one row per threshold and the chosen one marked
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(DEV.read_text(encoding="utf-8").splitlines()[:2]) + "\n", encoding="utf-8")
    result = run_kg("eval", str(gold), "--min-confidence", "0.75", "--json")
    assert result.returncode == 0, result.stderr.decode()
    rows = json.loads(result.stdout)["by_min_confidence"]
    assert [r["min_confidence"] for r in rows] == [0.0, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9]
    # a higher bar never keeps more entities
    kept = [r["sections"]["entities"]["tp"] + r["sections"]["entities"]["fp"] for r in rows]
    assert kept == sorted(kept, reverse=True)
    text = run_kg("eval", str(gold), "--min-confidence", "0.75")
    assert b"0.75*" in text.stdout
