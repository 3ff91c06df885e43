"""Which store a location names: a folder is an embedded store (:class:`kg.store.EmbeddedStore`),
an http(s):// URL a SPARQL endpoint (:class:`kg.remote.RemoteStore`). Apart from both, so that
neither store module imports the other."""

from __future__ import annotations

from kg.config import get_settings
from kg.remote import RemoteStore
from kg.store import EmbeddedStore, Store


def open_store(location: str | None = None, *, read_only: bool = False, **remote: str | None) -> Store:
    """The store at ``location``: a folder (embedded) or an http(s):// endpoint."""
    settings = get_settings()
    location = location or settings.store
    if location.startswith(("http://", "https://")):
        def secret(value: object) -> str | None:
            return value.get_secret_value() or None if value is not None else None  # type: ignore[attr-defined]

        return RemoteStore(location, remote.get("update_url") or settings.update_url,
                           remote.get("graph_store_url") or settings.graph_store_url,
                           user=settings.remote_user, password=secret(settings.remote_password),
                           token=secret(settings.remote_token), timeout=settings.remote_timeout,
                           retries=settings.remote_retries)
    return EmbeddedStore(location, read_only=read_only)
