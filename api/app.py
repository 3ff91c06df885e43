"""The HTTP application: the SPARQL 1.1 Protocol at ``/sparql`` and ``/health``.

The SPARQL endpoint itself lives in :mod:`api.sparql`; the REST API and the
pages come with the API issue.
"""

from __future__ import annotations

from fastapi import FastAPI

from api.sparql import sparql_router
from kg import __version__
from kg.config import Settings, get_settings
from kg.store import Store


def create_app(store: Store, settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(title="ConflictKG", version=__version__,
                  description="A knowledge graph of armed conflict, read from news articles.")
    app.include_router(sparql_router(store, settings))

    @app.get("/health")
    def health() -> dict[str, object]:
        return {"status": "ok", "version": __version__, "quads": store.count_quads()}

    return app
