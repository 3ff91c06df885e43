"""The HTTP API of ConflictKG (FastAPI)."""
