"""Persistence: the content-addressed file store, the OCR cache and the database (SQLAlchemy, Alembic).

The database parts load on first use: the pipeline imports ``filingcheck.store.ocr_cache`` and
must not pull SQLAlchemy into every OCR worker process with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from filingcheck.store.files import FileStore

if TYPE_CHECKING:
    from filingcheck.store.db import Database, engine_url, safe_url

__all__ = ["Database", "FileStore", "engine_url", "safe_url"]


def __getattr__(name: str) -> Any:
    if name in ("Database", "engine_url", "safe_url"):
        from filingcheck.store import db

        return getattr(db, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
