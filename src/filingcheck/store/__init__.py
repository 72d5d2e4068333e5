"""Persistence: the content-addressed file store (the database arrives with the service)."""

from filingcheck.store.files import FileStore

__all__ = ["FileStore"]
