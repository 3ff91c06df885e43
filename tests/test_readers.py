"""Reading articles: formats, and bad input reported with file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import InputError, UsageError
from kg.model import Article
from kg.readers import parse_text, read_paths

SEED = Path(__file__).resolve().parents[1] / "samples" / "seed-niger.txt"


def split(items):
    articles = [i for i in items if isinstance(i, Article)]
    errors = [i for i in items if isinstance(i, InputError)]
    return articles, errors


def test_plain_text_headline_source_and_body():
    article = parse_text(SEED.read_text(encoding="utf-8"), "seed.txt", "2024-07-24")
    assert article.title == "At least 15 Niger soldiers killed near Burkina border during confrontation"
    assert article.source == "msn.com"
    assert article.published == "2024-07-24"
    assert article.text.startswith("Niger defence ministry on Tuesday")
    assert "Source »" not in article.text


@pytest.mark.parametrize("line", ["Source: AFP", "source » Reuters", "  Source »  Al Jazeera  "])
def test_source_line_variants(line):
    article = parse_text(f"Headline\n\nBody text here.\n{line}\n", "a.txt")
    assert article.source and article.source.strip() == article.source
    assert article.text == "Body text here."


def test_folder_recursive_with_every_format(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("Title A\nBody A.\n", encoding="utf-8")
    (tmp_path / "sub" / "b.md").write_text("# Title B\n\nBody B.\n", encoding="utf-8")
    (tmp_path / "sub" / "c.json").write_text(json.dumps({"text": "Body C", "id": "c"}), encoding="utf-8")
    (tmp_path / "d.jsonl").write_text(
        json.dumps({"text": "Body D1", "published": "2024-01-02"}) + "\n\n" + json.dumps({"text": "Body D2"}) + "\n",
        encoding="utf-8")
    (tmp_path / "ignored.csv").write_text("x,y\n", encoding="utf-8")
    articles, errors = split(list(read_paths([tmp_path], published="2024-05-01")))
    assert errors == []
    assert sorted(a.text for a in articles) == ["Body A.", "Body B.", "Body C", "Body D1", "Body D2"]
    d1 = next(a for a in articles if a.text == "Body D1")
    assert d1.published == "2024-01-02" and d1.origin.endswith("d.jsonl:1")
    # --published applies to plain text only
    assert next(a for a in articles if a.text == "Body A.").published == "2024-05-01"
    assert next(a for a in articles if a.text == "Body C").published is None


def test_bad_inputs_are_named_and_good_ones_kept(tmp_path):
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00")
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 attack\nbody".encode("latin-1"))
    (tmp_path / "batch.jsonl").write_text(
        "\n".join([
            json.dumps({"text": "good one", "id": "g1"}),
            '{"text": "broken',
            json.dumps({"text": 42}),
            json.dumps({"text": "bad date", "published": "yesterday"}),
            json.dumps(["not", "an", "object"]),
            json.dumps({"text": "good two", "id": "g2", "title": "T"}),
        ]) + "\n", encoding="utf-8")
    articles, errors = split(list(read_paths([tmp_path])))
    assert sorted(a.id for a in articles) == ["g1", "g2"]
    origins = sorted(e.origin for e in errors)
    assert origins == sorted([
        str(tmp_path / "batch.jsonl") + ":2", str(tmp_path / "batch.jsonl") + ":3",
        str(tmp_path / "batch.jsonl") + ":4", str(tmp_path / "batch.jsonl") + ":5",
        str(tmp_path / "binary.txt"), str(tmp_path / "empty.txt"), str(tmp_path / "latin1.txt"),
    ])
    messages = {e.origin.rsplit("/", 1)[-1]: e.reason for e in errors}
    assert "binary" in messages["binary.txt"]
    assert "UTF-8" in messages["latin1.txt"]
    assert "broken JSON" in messages["batch.jsonl:2"]
    assert "'text' must be a string" in messages["batch.jsonl:3"]


def test_missing_path_and_bad_published():
    errors = list(read_paths([Path("/nonexistent/x.txt")]))
    assert len(errors) == 1 and "no such file" in str(errors[0])
    with pytest.raises(UsageError):
        list(read_paths([SEED], published="24/07/2024"))


def test_hostile_records_are_named_and_skipped(tmp_path):
    from kg.readers import read_file

    lines = ['{"id": "a", "text": "fine"}',
             '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}",
             '{"text": "lone \\ud800"}',
             '{"text": "x", "title": ' + "1" * 5000 + "}",
             '{"text": "x", "url": "javascript:alert(1)"}',
             '{"text": {"nested": "object"}}',
             '{"id": "b", "text": "fine too", "url": "https://example.org/b"}']
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(lines) + "\n")
    items = list(read_file(path))
    assert [i.id for i in items if not isinstance(i, InputError)] == ["a", "b"]
    errors = {e.origin.rsplit(":", 1)[1]: e.reason for e in items if isinstance(e, InputError)}
    assert set(errors) == {"2", "3", "4", "5", "6"}
    assert "nested too deeply" in errors["2"]
    assert "lone surrogate" in errors["3"]
    assert "bad JSON value" in errors["4"]
    assert "http(s) URL" in errors["5"]
    assert "must be a string" in errors["6"]


def test_same_headline_different_text_are_two_documents():
    from kg.ids import document_key

    one = Article(text="First story.", title="Attack in the north")
    two = Article(text="Second story.", title="Attack in the north")
    assert document_key(one) != document_key(two)
    assert document_key(one) == document_key(Article(text="First story.", title="Attack in the north"))
    # an id or a URL still names the document whatever its text
    assert document_key(Article(text="a", id="x")) == document_key(Article(text="b", id="x"))
    assert document_key(Article(text="a", url="https://e/1")) == document_key(Article(text="b", url="https://e/1"))
