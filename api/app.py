"""The HTTP application.

- :mod:`api.sparql`: the SPARQL 1.1 Protocol at ``/sparql``;
- :mod:`api.pages`: pages for a browser (``/``, ``/entity/...``, ``/timeline``);
- :mod:`api.workbench`: the map and the charts (``/map``, ``/charts``) and their data;
- :mod:`api.rest`: the REST API for apps (``/entities``, ``/events``, ``/partnerships``,
  ``/documents``, ``/export``; OpenAPI at ``/docs``);
- ``/health``.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from api.pages import pages_router
from api.rest import rest_router
from api.sparql import sparql_router
from api.workbench import workbench_router
from kg import __version__
from kg.config import Settings, get_settings
from kg.store import Store


def create_app(store: Store, settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(title="ConflictKG", version=__version__, docs_url=None, redoc_url=None,
                  description="A knowledge graph of armed conflict, read from news articles.")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        # Swagger UI from node_modules (make web), not from a CDN: the docs work offline
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title="ConflictKG API",
                                   swagger_js_url="/static/vendor/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/static/vendor/swagger/swagger-ui.css",
                                   swagger_favicon_url="data:,")
    app.include_router(sparql_router(store, settings))
    app.include_router(pages_router(store))
    app.include_router(rest_router(store, settings))
    app.include_router(workbench_router(store))

    @app.get("/health")
    def health() -> dict[str, object]:
        return {"status": "ok", "version": __version__, "quads": store.count_quads()}

    return app
