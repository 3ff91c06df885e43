"""The HTTP application.

- :mod:`api.sparql`: the SPARQL 1.1 Protocol at ``/sparql``;
- :mod:`api.pages`: pages for a browser (``/``, ``/entity/...``, ``/timeline``);
- :mod:`api.rest`: the REST API for apps (``/entities``, ``/events``, ``/partnerships``,
  ``/documents``, ``/export``; OpenAPI at ``/docs``);
- ``/health``.
"""

from __future__ import annotations

from fastapi import FastAPI

from api.pages import pages_router
from api.rest import rest_router
from api.sparql import sparql_router
from kg import __version__
from kg.config import Settings, get_settings
from kg.store import Store


def create_app(store: Store, settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(title="ConflictKG", version=__version__,
                  description="A knowledge graph of armed conflict, read from news articles.")
    app.include_router(sparql_router(store, settings))
    app.include_router(pages_router(store))
    app.include_router(rest_router(store, settings))

    @app.get("/health")
    def health() -> dict[str, object]:
        return {"status": "ok", "version": __version__, "quads": store.count_quads()}

    return app
