"""Reading articles (CONTRACT section 4).

``read_paths`` yields :class:`~kg.model.Article` objects and, for every input
it cannot read, an :class:`~kg.errors.InputError` naming the file and line;
the caller reports those and goes on with the rest of the batch.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.errors import InputError, UsageError
from kg.model import Article

SUFFIXES = {".txt", ".md", ".json", ".jsonl"}
_SOURCE_LINE = re.compile(r"^\s*Source\s*(?:»|:)\s*(?P<name>.+?)\s*$", re.IGNORECASE)
_HTTP_URL = re.compile(r"^https?://[^\s\x00-\x20\x7f]+$", re.IGNORECASE)
_FIELDS = {"text": str, "title": str, "published": str, "url": str, "source": str, "id": str}


def check_date(value: str, origin: str) -> str:
    try:
        return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise InputError(origin, f"'published' is not an ISO date: {value!r}") from None


def unread_files_message(folder: Path, unread: list[Path]) -> str:
    """One line naming the files of a folder that are of a type not read: how many, of which
    types, the first few names, and what is read."""
    kinds: dict[str, int] = {}
    for child in unread:
        kind = child.suffix.lower() or "(no suffix)"
        kinds[kind] = kinds.get(kind, 0) + 1
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    names = [str(child.relative_to(folder)) for child in unread]
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return (f"{len(unread)} file(s) of a type not read ({counts}: {shown}); "
            f"only {', '.join(sorted(SUFFIXES))} are read")


def expand_paths(paths: Iterable[Path],
                 on_unread: Callable[[str], None] | None = None) -> Iterator[Path | InputError]:
    """Files under ``paths`` (folders recursively, sorted), or an error for a missing path.

    A folder's files of types not read are named: an error when the folder holds nothing
    readable, otherwise one message to ``on_unread`` (the readable files are read)."""
    for path in paths:
        if path.is_dir():
            unread: list[Path] = []
            readable = 0
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if child.suffix.lower() in SUFFIXES:
                    readable += 1
                    yield child
                else:
                    unread.append(child)
            if unread and not readable:  # a folder of .pdf/.docx: say why nothing is read
                yield InputError(str(path), unread_files_message(path, unread))
            elif unread and on_unread is not None:
                on_unread(f"{path}: {unread_files_message(path, unread)}")
        elif path.is_file():
            yield path
        else:
            yield InputError(str(path), "no such file or folder")


def _decode(raw: bytes, origin: str) -> str:
    if b"\x00" in raw[:8192]:
        raise InputError(origin, "binary file, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(origin, f"not valid UTF-8 (byte {exc.start})") from None


def parse_text(text: str, origin: str, published: str | None = None) -> Article:
    """A plain-text article: headline on the first non-empty line, optional ``Source » NAME`` last."""
    lines = text.strip().splitlines()
    if not lines or not text.strip():
        raise InputError(origin, "empty article")
    source = None
    match = _SOURCE_LINE.match(lines[-1])
    if match:
        source = match.group("name")
        lines = lines[:-1]
    title = lines[0].strip()
    body_lines = lines[1:]
    # a repeated headline right under the first one is common in pasted articles
    while body_lines and (not body_lines[0].strip() or body_lines[0].strip() == title):
        body_lines = body_lines[1:]
    body = "\n".join(body_lines).strip()
    if not body:
        body = title
    return Article(text=body, title=title, published=published, source=source, origin=origin)


def load_json(text: str, origin: str, one_line: bool = False) -> object:
    """A JSON value, or an :class:`InputError` naming what is wrong with it: broken syntax,
    nesting too deep for the decoder, a number too long to convert. ``one_line``: the text
    is one line of a JSON Lines file (the origin names the line; only the column is told)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if one_line:
            raise InputError(origin, f"broken JSON ({exc.msg}, column {exc.colno})") from None
        raise InputError(f"{origin}:{exc.lineno}", f"broken JSON ({exc.msg}, column {exc.colno})") from None
    except RecursionError:
        raise InputError(origin, "the JSON is nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise InputError(origin, "bad JSON value: " + " ".join(str(exc).split())[:120]) from None


def _check_text(value: str, name: str, origin: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(origin, f"field '{name}' holds a lone surrogate "
                                 f"(\\u{ord(value[exc.start]):04x}), not text") from None


def article_from_obj(obj: object, origin: str) -> Article:
    """An article from a decoded JSON value, checked field by field."""
    if not isinstance(obj, dict):
        raise InputError(origin, f"expected a JSON object, got {type(obj).__name__}")
    fields: dict[str, str] = {}
    for name, kind in _FIELDS.items():
        value = obj.get(name)
        if value is None:
            continue
        if not isinstance(value, kind):
            raise InputError(origin, f"field '{name}' must be a string, got {type(value).__name__}")
        _check_text(value, name, origin)
        fields[name] = value
    if not fields.get("text", "").strip():
        raise InputError(origin, "field 'text' is missing or empty")
    if "published" in fields:
        fields["published"] = check_date(fields["published"], origin)
    if "url" in fields and not _HTTP_URL.match(fields["url"]):
        raise InputError(origin, f"field 'url' must be an http(s) URL, got {fields['url'][:80]!r}")
    return Article(**fields, origin=origin)


def read_file(path: Path, published: str | None = None) -> Iterator[Article | InputError]:
    """The articles of one file; errors are yielded, never raised."""
    origin = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        yield InputError(origin, exc.strerror or "cannot read")
        return
    try:
        text = _decode(raw, origin)
    except InputError as err:
        yield err
        return
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        if not text.strip():
            yield InputError(origin, "empty file")
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            line_origin = f"{origin}:{number}"
            try:
                yield article_from_obj(load_json(line, line_origin, one_line=True), line_origin)
            except InputError as err:
                yield err
    elif suffix == ".json":
        try:
            yield article_from_obj(load_json(text, origin), origin)
        except InputError as err:
            yield err
    else:
        try:
            yield parse_text(text, origin, published)
        except InputError as err:
            yield err


def read_paths(paths: Iterable[Path], published: str | None = None,
               on_unread: Callable[[str], None] | None = None) -> Iterator[Article | InputError]:
    """Every article under ``paths``, in a stable order, with errors in line; ``on_unread`` is
    told of a folder's files of types not read beside the ones read (see :func:`expand_paths`)."""
    if published is not None:
        try:
            published = dt.date.fromisoformat(published).isoformat()
        except ValueError:
            raise UsageError(f"--published must be YYYY-MM-DD, got {published!r}") from None
    for item in expand_paths(paths, on_unread):
        if isinstance(item, InputError):
            yield item
        else:
            yield from read_file(item, published)
