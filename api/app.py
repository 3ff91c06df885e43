"""The HTTP application: SPARQL queries at ``/sparql`` and ``/health``.

This is the minimal endpoint of the core issue; the full SPARQL 1.1
Protocol, the REST API and the pages come with the API issue.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from kg import __version__
from kg.errors import KGError
from kg.store import Store

SPARQL_JSON = "application/sparql-results+json"


def create_app(store: Store) -> FastAPI:
    app = FastAPI(title="ConflictKG", version=__version__,
                  description="A knowledge graph of armed conflict, read from news articles.")

    def answer(query: str) -> Response:
        try:
            result = store.run_query(query)
        except KGError as exc:
            return PlainTextResponse(str(exc), status_code=400)
        if result.kind == "graph":
            return Response(result.turtle, media_type="text/turtle; charset=utf-8")
        return JSONResponse(result.to_json(), media_type=SPARQL_JSON)

    @app.get("/sparql")
    def sparql_get(query: str | None = Query(None, description="A SPARQL query")) -> Response:
        if not query:
            return PlainTextResponse("give a SPARQL query in ?query=", status_code=400)
        return answer(query)

    @app.post("/sparql")
    async def sparql_post(request: Request) -> Response:
        content_type = request.headers.get("content-type", "").split(";")[0].strip()
        if content_type == "application/sparql-query":
            body = await request.body()
            return answer(body.decode("utf-8", errors="replace"))
        if content_type != "application/x-www-form-urlencoded":
            return PlainTextResponse("send application/sparql-query or a form with query=",
                                     status_code=415)
        form = parse_qs((await request.body()).decode("utf-8", errors="replace"))
        queries = form.get("query", [])
        if len(queries) != 1 or not queries[0]:
            return PlainTextResponse("give exactly one SPARQL query", status_code=400)
        return answer(queries[0])

    @app.get("/health")
    def health() -> dict[str, object]:
        return {"status": "ok", "version": __version__, "quads": store.count_quads()}

    return app
