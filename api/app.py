"""The HTTP application.

- :mod:`api.sparql`: the SPARQL 1.1 Protocol at ``/sparql``;
- :mod:`api.pages`: pages for a browser (``/``, ``/entity/...``, ``/timeline``);
- :mod:`api.workbench`: the map and the charts (``/map``, ``/charts``) and their data;
- :mod:`api.rest`: the REST API for apps (``/entities``, ``/events``, ``/partnerships``,
  ``/documents``, ``/export``; OpenAPI at ``/docs``);
- ``/health``.

Every request first passes :class:`Guard`: the ``Host`` header must name this
server (``KG_ALLOWED_HOSTS``, the loopback names by default, so a page served
from a DNS-rebinding domain cannot read the graph: 400), and the body may not be
larger than the route allows (``KG_MAX_SPARQL_BODY_BYTES`` for ``/sparql``,
``KG_MAX_DOCUMENT_BYTES`` for ``POST /documents``, ``KG_MAX_BODY_BYTES``
elsewhere: 413, decided on ``Content-Length`` before a byte is read, and while
reading a chunked body). Every answer carries a strict Content-Security-Policy
(scripts and styles from this server only, no framing), ``X-Content-Type-Options:
nosniff``, ``X-Frame-Options: DENY`` and ``Referrer-Policy: no-referrer``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.routing import Route

from api.pages import pages_router
from api.rest import rest_router
from api.sparql import sparql_router
from api.workbench import workbench_router
from kg import __version__
from kg.config import Settings, get_settings
from kg.store import Store

#: the policy of every answer (a page can set its own, e.g. /docs for its inline script)
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer")]


class TooLarge(Exception):
    pass


def host_name(header: str) -> str:
    """The host of a ``Host`` header, without port, lower-cased; '[::1]:80' -> '::1'."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class Guard:
    """Pure ASGI middleware: trusted hosts, per-route body caps, security headers."""

    def __init__(self, app: Any, settings: Settings,
                 methods: Callable[[str], set[str]] = lambda path: set()) -> None:
        self.app = app
        self.methods = methods
        hosts = {h.strip().lower().strip("[]") for h in settings.allowed_hosts.split(",") if h.strip()}
        self.any_host = "*" in hosts
        self.hosts = hosts
        self.settings = settings

    def allowed(self, host: str) -> bool:
        if self.any_host:
            return True
        if host in self.hosts:
            return True
        return any(h.startswith("*.") and host.endswith(h[1:]) for h in self.hosts)

    def cap(self, method: str, path: str) -> int:
        s = self.settings
        if path.rstrip("/") == "/sparql":
            return int(s.max_sparql_body_bytes)
        if method == "POST" and path.rstrip("/") == "/documents":
            return int(s.max_document_bytes)
        return int(s.max_body_bytes)

    @staticmethod
    async def plain(send: Any, status: int, message: str) -> None:
        body = (message + "\n").encode("utf-8")
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"), (b"content-security-policy", CSP.encode()), *SECURITY_HEADERS]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = host_name(headers.get("host", ""))
        if not self.allowed(host):
            await self.plain(send, 400, f"this server does not answer for the host {host!r} "
                                        "(KG_ALLOWED_HOSTS)")
            return
        if scope.get("method") == "OPTIONS":  # the methods of every route of the path
            methods = self.methods(scope.get("path", ""))
            if not methods:
                await self.plain(send, 404, "not found")
                return
            await send({"type": "http.response.start", "status": 204, "headers": [
                (b"allow", ", ".join(sorted(methods | {"OPTIONS"})).encode()),
                (b"content-security-policy", CSP.encode()), *SECURITY_HEADERS]})
            await send({"type": "http.response.body", "body": b""})
            return
        cap = self.cap(scope.get("method", "GET"), scope.get("path", ""))
        too_large = f"the request body is larger than this route allows ({cap} bytes)"
        length = headers.get("content-length", "")
        if length.strip().isdigit() and int(length) > cap:
            await self.plain(send, 413, too_large)
            return
        seen = 0
        started = False

        async def limited_receive() -> dict:
            nonlocal seen
            message = await receive()
            if message.get("type") == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    raise TooLarge()
            return message

        async def secured_send(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                given = {k.lower() for k, _ in message.get("headers", [])}
                extra = [h for h in SECURITY_HEADERS if h[0] not in given]
                if b"content-security-policy" not in given:
                    extra.append((b"content-security-policy", CSP.encode()))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, limited_receive, secured_send)
        except TooLarge:
            if not started:
                await self.plain(send, 413, too_large)


def leaf_routes(routes: list[Any]) -> list[Route]:
    """Every endpoint route, included routers opened (they carry no prefix here)."""
    out = []
    for route in routes:
        inner = getattr(getattr(route, "original_router", None), "routes", None)
        if inner is not None:
            out.extend(leaf_routes(inner))
        elif isinstance(route, Route):
            out.append(route)
    return out


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def create_app(store: Store, settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(title="ConflictKG", version=__version__, docs_url=None, redoc_url=None,
                  description="A knowledge graph of armed conflict, read from news articles.")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        # Swagger UI from node_modules (make web), not from a CDN: the docs work offline
        page = get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title="ConflictKG API",
                                   swagger_js_url="/static/vendor/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/static/vendor/swagger/swagger-ui.css",
                                   swagger_favicon_url="data:,")
        # a way back to the app, above Swagger UI
        body = bytes(page.body).decode("utf-8").replace(
            "<body>", '<body>\n<p style="margin:.6rem 1.2rem;font-family:sans-serif"><a href="/">'
                      '&larr; ConflictKG</a> · <a href="/map">map</a> · <a href="/charts">charts</a> · '
                      '<a href="/timeline">timeline</a></p>', 1)
        page = HTMLResponse(body)
        # its one inline script (the SwaggerUIBundle call) is allowed by its hash, nothing else
        hashes = " ".join(
            "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
            for s in _INLINE_SCRIPT.findall(bytes(page.body).decode("utf-8")))
        page.headers["Content-Security-Policy"] = CSP.replace("script-src 'self'",
                                                              f"script-src 'self' {hashes}")
        return page
    sparql = sparql_router(store, settings)
    app.include_router(sparql)
    app.include_router(pages_router(store))
    app.include_router(rest_router(store, settings))
    app.include_router(workbench_router(store))
    app.state.query_pool = getattr(sparql, "query_pool", None)

    @app.api_route("/health", methods=["GET", "HEAD"], summary="Liveness and the number of quads stored")
    def health() -> dict[str, object]:
        return {"status": "ok", "version": __version__, "quads": store.count_quads()}

    @app.on_event("shutdown")
    def stop_pool() -> None:
        if app.state.query_pool is not None:
            app.state.query_pool.close()

    origins = [o.strip() for o in (settings.cors_origins or "").split(",") if o.strip()]
    if origins:  # off unless KG_CORS_ORIGINS names the origins (or "*") whose pages may read the API
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "HEAD", "POST"],
                           allow_headers=["Authorization", "Content-Type", "Accept"])

    def allowed_methods(path: str) -> set[str]:
        methods: set[str] = set()
        for route in leaf_routes(app.router.routes):
            if route.path_regex.match(path):
                methods |= set(route.methods or ())
        methods.discard("HEAD")
        return methods

    app.add_middleware(Guard, settings=settings, methods=allowed_methods)
    return app
