"""The REST API (api/rest.py) over real uvicorn and HTTP, on the dev corpus."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest
from rdflib import Dataset

from tests.conftest import DEV, ROOT, run_kg
from tests.servers import start_server, stop_server

TOKEN = "rest-test-token"

# a document whose placeless attack the SHACL gate keeps out (tests/test_validation.py)
QUARANTINE = """
import sys
from kg.ids import entity_key
from kg.ingest import store_document
from kg.model import Article, Casualty, Entity, Event, Extraction
from kg.store import EmbeddedStore
niger = entity_key("State", "Niger")
extraction = Extraction(
    entities={niger: Entity(niger, "State", "Niger", set(), "Q1032", 0.9)},
    events=[Event("Attack", "Soldiers were killed.", place=None,
                  casualties=[Casualty("Killed", 4, "Soldiers")])])
store = EmbeddedStore(sys.argv[1])
article = Article(text="Soldiers were killed.", id="rest-quarantine", title="A placeless attack",
                  published="2024-01-01")
stored = store_document(store, article, extraction)
assert stored.quarantined > 0, stored
"""

ARTICLE = {
    "id": "rest-001",
    "title": "Seven soldiers killed near Tera",
    "published": "2024-09-03",
    "source": "Sahel Monitor",
    "url": "https://news.example/2024/09/tera-attack",
    "text": ("At least seven Nigerien soldiers were killed on Monday when gunmen attacked an army "
             "position near Tera, in the Tillaberi region of western Niger, the army said. "
             "Niger's junta has drawn closer to Russia since it expelled French troops."),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not DEV.exists():
        pytest.skip(f"{DEV} is not there")
    store = tmp_path_factory.mktemp("rest") / "store"
    result = run_kg("ingest", str(DEV), "--store", str(store), "--quiet")
    assert result.returncode == 0, result.stderr.decode()
    result = subprocess.run([sys.executable, "-c", QUARANTINE, str(store)], cwd=ROOT, capture_output=True)
    assert result.returncode == 0, result.stderr.decode()
    base, proc = start_server(store, {"KG_API_TOKEN": TOKEN})
    yield base
    stop_server(proc)


@pytest.fixture(scope="module")
def readonly_server(tmp_path_factory):
    """A server with no token configured: writes are off."""
    base, proc = start_server(tmp_path_factory.mktemp("rest-ro") / "store")
    yield base
    stop_server(proc)


def get(base: str, path: str, **params) -> httpx.Response:
    return httpx.get(f"{base}{path}", params=params, timeout=60)


def ok(base: str, path: str, **params) -> dict:
    r = get(base, path, **params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def quads(base: str) -> int:
    return ok(base, "/health")["quads"]


def everything(base: str, path: str, **params) -> list[dict]:
    """Every item of a list, page by page."""
    items, offset = [], 0
    while True:
        page = ok(base, path, limit=7, offset=offset, **params)
        items += page["items"]
        offset += 7
        if offset >= page["total"]:
            assert len(items) == page["total"]
            return items


# --- partnerships -------------------------------------------------------------------------

def test_partnerships_of_niger(server):
    page = ok(server, "/partnerships", actor="Niger")
    assert page["total"] == len(page["items"]) > 0
    by_partner = {}
    for item in page["items"]:
        ids = [p["id"] for p in item["partners"]]
        assert len(ids) == 2 and "state/niger" in ids
        other = next(p for p in item["partners"] if p["id"] != "state/niger")
        assert other["label"] not in by_partner, "one item per pair of partners"
        by_partner[other["label"]] = item
        assert item["evidence"] and item["documents"] and item["dates"] and item["nodes"]
        assert all(d["id"].startswith("dev-") for d in item["documents"])
    assert by_partner["Russia"]["status"] == "Active"
    assert by_partner["France"]["status"] == "Ended"
    # France was mentioned in several articles: one pair, one corpus-level node, a claim per article
    assert len(by_partner["France"]["nodes"]) == 1 and by_partner["France"]["claims"] >= 2
    assert all(item["nodes"][0].startswith("partnership/") for item in page["items"])
    assert all(item["dates"] == sorted(item["dates"]) and len(item["dates"]) <= 2 for item in page["items"])
    # the same actor by id, by IRI and by alias
    for actor in ("state/niger", "https://w3id.org/conflict-kg/id/state/niger", "Republic of Niger", "niger"):
        assert ok(server, "/partnerships", actor=actor)["total"] == page["total"], actor
    ended = ok(server, "/partnerships", actor="Niger", status="Ended")["items"]
    labels = {p["label"] for item in ended for p in item["partners"]}
    assert "France" in labels and "Russia" not in labels
    assert all(item["status"] == "Ended" for item in ended)
    assert ok(server, "/partnerships", actor="Atlantis") == {"items": [], "total": 0, "limit": 50, "offset": 0}
    assert get(server, "/partnerships", status="Maybe").status_code == 422


def test_partnerships_all(server):
    items = everything(server, "/partnerships")
    pairs = [tuple(sorted(p["id"] for p in item["partners"])) for item in items]
    assert len(pairs) == len(set(pairs)), "one item per unordered pair"
    assert {item["status"] for item in items} <= {"Active", "Ended"}


# --- events -------------------------------------------------------------------------------

def test_events_in_tillaberi(server):
    page = ok(server, "/events", place="Tillaberi", limit=500)
    items = page["items"]
    assert page["total"] == len(items) > 0
    inside = {rel["entity"]["id"] for rel in ok(server, "/entities/region/tillaberi")["relations_in"]
              if rel["property"] == "locatedIn"}
    places = {e["place"]["id"] for e in items}
    assert places <= inside | {"region/tillaberi"}
    assert any(p.startswith("settlement/") for p in places), "towns located in Tillaberi count"
    attacks = [e for e in items if e["type"] == "Attack"]
    assert any((c["type"], c["count"], c["category"], c["minimum"]) == ("Killed", 15, "Soldiers", True)
               for e in attacks for c in e["casualties"])
    for e in items:
        assert e["id"].startswith("event/") and e["iri"].endswith(e["id"])
        assert e["evidence"] and e["documents"]
        assert set(e["roles"]) == {"perpetrators", "targets", "participants"}
    # sorted by date (undated last), then id
    keys = [(e["date"] is None, e["date"] or "", e["id"]) for e in items]
    assert keys == sorted(keys)
    # accents and case do not matter; an id or an IRI work too
    for place in ("tillabéri", "TILLABERI", "region/tillaberi",
                  "https://w3id.org/conflict-kg/id/region/tillaberi"):
        assert ok(server, "/events", place=place)["total"] == page["total"], place
    # a town inside is narrower
    tera = ok(server, "/events", place="Tera")["total"]
    assert tera < page["total"]


def test_event_filters(server):
    all_events = everything(server, "/events")
    assert all(e["type"] in {"Attack", "Coup", "Withdrawal", "Deployment", "Agreement"} for e in all_events)
    assert not any(d["id"] == "rest-quarantine" for e in all_events for d in e["documents"]), \
        "quarantined triples are not served"
    coups = ok(server, "/events", type="Coup", limit=500)["items"]
    assert coups and all(e["type"] == "Coup" for e in coups)
    assert len(coups) == sum(e["type"] == "Coup" for e in all_events)
    # actor: perpetrator, target or participant
    jnim = ok(server, "/events", actor="JNIM", limit=500)["items"]
    assert jnim
    for e in jnim:
        actors = {a["id"] for role in e["roles"].values() for a in role}
        assert "armed-group/jamaat-nusrat-al-islam-wal-muslimin" in actors
    # dates compare on the prefix
    june = ok(server, "/events", **{"from": "2024-06", "to": "2024-06"}, limit=500)["items"]
    assert any(e["date"] == "2024-06" for e in june)
    assert all(e["date"] and (e["date"].startswith("2024-06") or e["date"] == "2024") for e in june)
    since = ok(server, "/events", **{"from": "2024-06-11"}, limit=500)["items"]
    assert since and all(e["date"] and e["date"][:10] >= "2024-06-11"[:len(e["date"])] for e in since)
    until = ok(server, "/events", to="2023", limit=500)["items"]
    assert until and all(e["date"] and e["date"][:4] <= "2023" for e in until)
    assert ok(server, "/events", **{"from": "2025", "to": "2024"})["total"] == 0
    assert ok(server, "/events", place="Atlantis")["total"] == 0
    assert ok(server, "/events", actor="Atlantis")["total"] == 0
    for bad in ({"type": "Picnic"}, {"from": "June 2024"}, {"to": "2024-13"}, {"from": "2024-06-1"}):
        assert get(server, "/events", **bad).status_code == 422, bad


# --- entities -----------------------------------------------------------------------------

def test_entity_search(server):
    for q in ("wagner", "WAGNER", "Wagner Gr"):
        items = ok(server, "/entities", q=q)["items"]
        assert any(e["label"] == "Wagner Group" and e["id"] == "armed-group/wagner-group"
                   and "ArmedGroup" in e["types"] for e in items), q
    # accent-insensitive both ways, and aliases count
    assert any(e["id"] == "region/tillaberi" for e in ok(server, "/entities", q="tillabéri")["items"])
    assert any(e["id"] == "state/niger" for e in ok(server, "/entities", q="republic of nig")["items"])
    groups = everything(server, "/entities", type="ArmedGroup")
    assert groups and all("ArmedGroup" in e["types"] for e in groups)
    # a superclass takes its subclasses
    places = everything(server, "/entities", type="Place")
    kinds = {t for e in places for t in e["types"]}
    assert {"Settlement", "Region", "State"} <= kinds
    assert ok(server, "/entities", q="zzzz-nothing")["total"] == 0
    # a spelling the gazetteer knows though no article used it (q=Tchiani: Abdourahamane Tiani)
    for q in ("Tchiani", "general tchiani", "Tiani"):
        found = ok(server, "/entities", q=q)
        assert [e["id"] for e in found["items"]] == ["person/abdourahamane-tiani"] and found["total"] == 1, q
    assert ok(server, "/entities", q="Tchiani", type="State")["total"] == 0
    assert ok(server, "/entities", q="Tchiani", offset=1)["items"] == []
    assert get(server, "/entities", type="Dragon").status_code == 422
    niger = next(e for e in ok(server, "/entities", q="niger", type="State")["items"] if e["id"] == "state/niger")
    assert niger == {"id": "state/niger", "iri": "https://w3id.org/conflict-kg/id/state/niger",
                     "types": ["State"], "label": "Niger", "wikidata": "Q1032"}


def test_entity_detail(server):
    niger = ok(server, "/entities/state/niger")
    assert niger["wikidata"] == "Q1032" and niger["label"] == "Niger" and niger["labels"] == ["Niger"]
    assert "State" in niger["types"]
    partners = {p["partner"]["label"]: p["status"] for p in niger["partnerships"]}
    assert partners["Russia"] == "Active" and partners["France"] == "Ended"
    assert niger["documents"] and all(d["headline"] for d in niger["documents"])
    assert niger["documents_total"] >= len(niger["documents"]) and niger["events_total"] >= len(niger["events"])
    assert ("governs", "military-junta/niger") in {(r["property"], r["entity"]["id"]) for r in niger["relations_in"]}
    assert ("locatedIn", "region/tillaberi") in {(r["property"], r["entity"]["id"]) for r in niger["relations_in"]}
    assert niger["events"] and all(set(e["roles"]) <= {"perpetrator", "target", "participant", "place"}
                                   for e in niger["events"])
    tera = ok(server, "/entities/settlement/tera")
    assert ("locatedIn", "region/tillaberi") in {(r["property"], r["entity"]["id"]) for r in tera["relations_out"]}
    wagner = ok(server, "/entities/armed-group/wagner-group")
    assert wagner["label"] == "Wagner Group"
    for path in ("/entities/state/atlantis", "/entities/State/Niger", "/entities/state/niger%20x",
                 "/entities/event/whatever"):
        r = get(server, path)
        assert r.status_code == 404, path
        assert "detail" in r.json()


# --- paging -------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/entities", "/events", "/partnerships", "/documents"])
def test_paging(server, path):
    first = ok(server, path)
    assert first["limit"] == 50 and first["offset"] == 0
    assert len(first["items"]) == min(50, first["total"])
    total = first["total"]
    assert total > 5
    a = ok(server, path, limit=3, offset=0)
    b = ok(server, path, limit=3, offset=3)
    assert a["total"] == b["total"] == total and len(a["items"]) == len(b["items"]) == 3
    assert a["items"] + b["items"] == ok(server, path, limit=6)["items"]
    assert ok(server, path, limit=500)["items"] == everything(server, path)
    tail = ok(server, path, limit=500, offset=total - 1)
    assert len(tail["items"]) == 1 and tail["total"] == total
    assert ok(server, path, offset=total + 10) == {"items": [], "total": total, "limit": 50,
                                                    "offset": total + 10}
    for bad in ({"limit": 501}, {"limit": -1}, {"offset": -1}, {"limit": "many"}):
        assert get(server, path, **bad).status_code == 422, bad


# --- documents ----------------------------------------------------------------------------

def test_documents(server):
    docs = everything(server, "/documents")
    ids = [d["id"] for d in docs]
    assert {f"dev-{i:03d}" for i in range(14)} <= set(ids) and ids == sorted(ids)
    dev0 = ok(server, "/documents/dev-000")
    assert dev0["headline"].startswith("At least 15 Niger soldiers killed")
    assert dev0["published"] == "2024-07-24" and dev0["publisher"] == "msn.com"
    assert dev0["iri"] == "https://w3id.org/conflict-kg/id/document/dev-000"
    counts = dev0["counts"]
    assert counts["entities"] > 5 and counts["events"] >= 1 and counts["partnerships"] >= 1
    assert counts["triples"] > 100 and dev0["quarantined"] == []
    dev1 = next(d for d in docs if d["id"] == "dev-001")
    assert dev1["url"].startswith("https://") and dev1["publisher"]
    for path in ("/documents/nope", "/documents/DEV-000", "/documents/dev-000%20x"):
        assert get(server, path).status_code == 404, path


def test_document_quarantine(server):
    doc = ok(server, "/documents/rest-quarantine")
    assert doc["headline"] == "A placeless attack" and doc["counts"]["events"] == 0
    assert doc["counts"]["entities"] == 1
    items = doc["quarantined"]
    assert items, "the placeless attack is listed"
    attack = next(i for i in items
                  if {"predicate": "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                      "object": "https://w3id.org/conflict-kg/ontology#Attack"} in i["triples"])
    assert attack["subject"].startswith("https://w3id.org/conflict-kg/id/event/")
    assert any("place" in m.lower() for m in attack["messages"])
    # the validation report itself is not listed as an item
    assert not any("ValidationReport" in t["object"] for i in items for t in i["triples"])


# --- writes -------------------------------------------------------------------------------

def post(base: str, body: object, token: str | None = TOKEN, raw: bytes | None = None) -> httpx.Response:
    headers = {"content-type": "application/json"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    content = raw if raw is not None else json.dumps(body).encode()
    return httpx.post(f"{base}/documents", content=content, headers=headers, timeout=300)


def test_post_refused_without_the_token(server, readonly_server):
    before = quads(server)
    for token in (None, "wrong-token", TOKEN[:-1], TOKEN + "x"):
        r = post(server, ARTICLE, token=token)
        assert r.status_code == 401 and "bearer" in r.headers.get("www-authenticate", "").lower()
    r = httpx.post(f"{server}/documents", json=ARTICLE, headers={"authorization": f"Basic {TOKEN}"})
    assert r.status_code == 401
    # the token is checked before the body is read
    assert post(server, None, token=None, raw=b"{broken").status_code == 401
    r = post(readonly_server, ARTICLE, token=TOKEN)
    assert r.status_code == 403 and r.json()["detail"].startswith("writes are disabled")
    assert "KG_API_TOKEN" in r.json()["detail"]  # names the setting that turns writes on
    assert quads(server) == before
    assert "rest-001" not in {d["id"] for d in everything(server, "/documents")}


def test_post_rejects_bad_articles(server):
    before = quads(server)
    cases = [
        ({"title": "no text"}, "text"),
        ({"text": "   "}, "text"),
        ({"text": 42}, "text"),
        ({"text": "Soldiers were killed.", "published": "yesterday"}, "published"),
        ({"text": "Soldiers were killed.", "id": ["x"]}, "id"),
        (["not", "an", "object"], "object"),
    ]
    for body, word in cases:
        r = post(server, body)
        assert r.status_code == 422, body
        assert word in r.json()["detail"], (body, r.json())
    r = post(server, None, raw=b'{"text": "unterminated')
    assert r.status_code == 422 and "JSON" in r.json()["detail"]
    r = post(server, None, raw=b'{"text": "\xff\xfe"}')
    assert r.status_code == 422
    assert quads(server) == before


def test_post_ingests_then_unchanged(server):
    before = quads(server)
    r = post(server, ARTICLE)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["status"] == "stored" and out["document"] == "rest-001"
    assert out["iri"] == "https://w3id.org/conflict-kg/id/document/rest-001"
    counts = out["counts"]
    assert counts["entities"] == len(out["entities"]) > 0
    assert counts["events"] == len(out["events"]) and counts["partnerships"] == len(out["partnerships"])
    assert counts["triples"] > 0 and isinstance(out["problems"], list)
    ids = {e["id"] for e in out["entities"]}
    assert "state/niger" in ids
    for e in out["events"]:
        assert e["documents"][0]["id"] == "rest-001"
    after = quads(server)
    assert after > before
    # the same text again: nothing to do
    r = post(server, ARTICLE)
    assert r.status_code == 200 and r.json()["status"] == "unchanged" and r.json()["document"] == "rest-001"
    assert quads(server) == after
    # the new document is served like the others
    assert "rest-001" in {d["id"] for d in everything(server, "/documents")}
    doc = ok(server, "/documents/rest-001")
    assert doc["headline"] == ARTICLE["title"] and doc["published"] == "2024-09-03"
    assert doc["url"] == ARTICLE["url"] and doc["publisher"] == "Sahel Monitor"
    assert 0 < doc["counts"]["entities"] <= counts["entities"]
    niger_docs = {d["id"] for d in ok(server, "/entities/state/niger")["documents"]}
    assert "rest-001" in niger_docs
    for e in out["events"]:
        got = ok(server, "/events", place=e["place"]["id"], limit=500)["items"] if e["place"] else []
        assert e["id"] in {x["id"] for x in got}


# --- export -------------------------------------------------------------------------------

def test_export_trig_holds_every_quad(server):
    with httpx.stream("GET", f"{server}/export", params={"format": "trig"}, timeout=120) as r:
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/trig; charset=utf-8"
        assert "content-length" not in r.headers  # streamed
        body = b"".join(r.iter_bytes())
    ds = Dataset()
    ds.parse(data=body.decode("utf-8"), format="trig")
    assert len(list(ds.quads((None, None, None, None)))) == quads(server)


@pytest.mark.parametrize("fmt,media", [
    ("turtle", "text/turtle; charset=utf-8"),
    ("nt", "application/n-triples; charset=utf-8"),
    ("nquads", "application/n-quads; charset=utf-8"),
    ("jsonld", "application/ld+json; charset=utf-8"),
])
def test_export_formats(server, fmt, media):
    r = get(server, "/export", format=fmt)
    assert r.status_code == 200 and r.headers["content-type"] == media
    assert len(r.content) > 10_000
    if fmt == "nquads":
        assert len([line for line in r.text.splitlines() if line.strip()]) == quads(server)
    if fmt == "jsonld":  # with the project's @context (its prefixes), every quad kept
        import pyoxigraph as ox

        body = json.loads(r.content)
        assert body["@context"]["ckg"] == "https://w3id.org/conflict-kg/ontology#"
        assert body["@context"]["ckgr"] == "https://w3id.org/conflict-kg/id/"
        assert len(list(ox.parse(r.content, format=ox.RdfFormat.JSON_LD))) == quads(server)
    if fmt == "turtle":
        assert "@prefix ckg:" in r.text or "PREFIX ckg:" in r.text


def test_export_default_and_bad_format(server):
    r = get(server, "/export")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    assert get(server, "/export", format="rdfxml").status_code == 422


def test_openapi(server):
    spec = ok(server, "/openapi.json")
    paths = spec["paths"]
    for path in ("/entities", "/entities/{type_slug}/{slug}", "/events", "/partnerships", "/documents",
                 "/documents/{id}", "/export"):
        assert path in paths, path
    assert {"entities", "events", "partnerships", "documents", "export"} <= {
        tag for item in paths.values() for op in item.values() for tag in op.get("tags", [])}
    assert "requestBody" in paths["/documents"]["post"]
    assert get(server, "/docs").status_code == 200


# --- reading by lookup ----------------------------------------------------------------------

def test_latest_items_by_walking_back_in_time_equal_the_full_query(dev_store, monkeypatch):
    """Entities with many events or documents have their latest ones found window by window of
    dates (api.rest.Reader.walk_back): the same items, in the same order, as sorting them all."""
    import api.rest as rest
    from kg.store import EmbeddedStore

    store = EmbeddedStore(dev_store)
    try:
        reader = rest.Reader(store)
        for entity in ("state/niger", "state/mali"):
            subject = "https://w3id.org/conflict-kg/id/" + entity
            monkeypatch.setattr(rest, "WALK_ABOVE", 10**9)  # always the full query
            events, n_events = reader.entity_events(subject, limit=5)
            docs, n_docs = reader.entity_documents(subject, limit=4)
            monkeypatch.setattr(rest, "WALK_ABOVE", -1)  # always the walk
            walked = []
            original = rest.Reader.walk_back
            monkeypatch.setattr(rest.Reader, "walk_back",
                                lambda self, *a, _w=walked, _o=original, **k:
                                _w.append((a[0], _o(self, *a, **k))) or _w[-1][1])
            assert reader.entity_events(subject, limit=5) == (events, n_events), entity
            assert reader.entity_documents(subject, limit=4) == (docs, n_docs), entity
            # the walk found them (it did not give up and fall back on the full query)
            assert walked == [("entity_events_window", True), ("entity_documents_window", True)], entity
            monkeypatch.setattr(rest.Reader, "walk_back", original)
            assert len(events) == 5 and len(docs) == 4 and n_events >= 5 and n_docs >= 4, entity
        # the timeline's pages, the latest first, with and without filters
        niger = {"https://w3id.org/conflict-kg/id/state/niger"}
        for places, actors, start, end in ((None, None, None, None), (reader.places_within(niger), None, None, None),
                                           (None, None, "2024", "2024-06")):
            for limit, offset in ((5, 0), (4, 3), (50, 0)):
                args = (None, places, actors, start, end, limit, offset)
                monkeypatch.setattr(rest, "WALK_ABOVE", 10**9)
                full = reader.event_page(*args, latest=True)
                monkeypatch.setattr(rest, "WALK_ABOVE", -1)
                assert reader.event_page(*args, latest=True) == full, (args, full)
                assert full[0], args
                if limit == 50:  # all of them: the dated ones of the earliest-first order, reversed
                    ids, total = reader.event_page(None, places, actors, start, end, 500, 0)
                    assert sorted(full[0]) == sorted(ids[:len(full[0])]) or total > 50
    finally:
        store.close()
