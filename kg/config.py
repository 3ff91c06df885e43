"""Settings: one object, read from the environment with the prefix ``KG_``."""

from __future__ import annotations

from functools import lru_cache

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KG_", extra="ignore")

    #: a folder (embedded pyoxigraph store) or an http(s):// SPARQL endpoint
    store: str = "./kg-store"
    update_url: str | None = None
    graph_store_url: str | None = None
    #: user and password for a remote store: HTTP basic or digest, as the server's challenge asks
    remote_user: str | None = None
    remote_password: SecretStr | None = None
    #: bearer token for a remote store (instead of a user and password)
    remote_token: SecretStr | None = None
    #: seconds a remote store may take to answer one request
    remote_timeout: float = 60.0
    #: retries (with exponential backoff) on connection errors and 5xx answers of a remote store
    remote_retries: int = 3
    #: bearer token that allows SPARQL updates over HTTP; updates are off without it
    api_token: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    #: seconds before a SPARQL query over HTTP is cancelled
    query_timeout: float = 30.0
    #: most result rows a SPARQL SELECT over HTTP returns
    max_rows: int = 100_000
    #: longest SPARQL query or update accepted (bytes of UTF-8); longer ones get 400
    max_query_bytes: int = 1_000_000
    #: worker processes that evaluate /sparql queries over an on-disk store (killed and replaced
    #: on timeout); 0 evaluates in threads of the server process, which a timeout cannot stop
    query_workers: int = 4
    #: resident memory one query worker may reach before its query is stopped (MB; 0: no limit)
    query_memory_mb: float = 1024
    #: largest request body of /sparql (bytes); larger ones get 413 before they are read
    max_sparql_body_bytes: int = 4_000_000
    #: largest request body of POST /documents (bytes); larger ones get 413 before they are read
    max_document_bytes: int = 5 * 1024 * 1024
    #: largest request body of any other route (bytes)
    max_body_bytes: int = 64 * 1024
    #: Host header values the server answers (comma-separated; ``*`` for any); default: the
    #: loopback names, so that a DNS-rebinding page cannot read the graph
    allowed_hosts: str = "localhost,127.0.0.1,::1"
    #: origins (comma-separated, or "*") whose pages may call the API from a browser; CORS is off
    #: when empty
    cors_origins: str = ""
    #: let SPARQL over HTTP use SERVICE and LOAD (the server then fetches remote data)
    allow_remote: bool = False
    #: extraction processes for ingest
    workers: int = 1
    #: texts longer than this many characters are cut before extraction
    max_chars: int = 200_000


@lru_cache
def get_settings() -> Settings:
    return Settings()
