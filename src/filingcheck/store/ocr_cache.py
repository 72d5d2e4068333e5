"""A file cache of page readings keyed by (page image hash, engine, version, preprocessing),
and beside each reading the page's seals with their text, so a re-check detects nothing again."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ValidationError

from filingcheck.models import PageReading, Seal

# Part of every seal key: bump it when what is cached for seals (or how it is made) changes,
# so entries of an older release are never read as current ones.
SEALS_VERSION = "seals-v2"


class CachedSeals(BaseModel):
    """The seals found on one page image, each with the text read along its arc."""

    seals: list[Seal]


def reading_key(image: np.ndarray, *parts: str) -> str:
    """The cache key of one page image read with the named engine, version and preprocessing."""
    digest = hashlib.sha256()
    digest.update(str(image.shape).encode())
    digest.update(np.ascontiguousarray(image).tobytes())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8"))
    return digest.hexdigest()


class FileOcrCache:
    """JSON files under ``root/ab/<key>.json``; unreadable entries count as misses."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> PageReading | None:
        data = self._read(key)
        try:
            return None if data is None else PageReading.model_validate_json(data)
        except (ValidationError, ValueError):
            return None

    def put(self, key: str, reading: PageReading) -> None:
        self._write(key, reading.model_dump_json().encode("utf-8"))

    def get_seals(self, key: str) -> list[Seal] | None:
        """The cached seals of a page (an empty list is a page known to have none)."""
        data = self._read(key)
        try:
            return None if data is None else CachedSeals.model_validate_json(data).seals
        except (ValidationError, ValueError):
            return None

    def put_seals(self, key: str, seals: list[Seal]) -> None:
        self._write(key, CachedSeals(seals=seals).model_dump_json().encode("utf-8"))

    def _read(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except OSError:
            return None

    def _write(self, key: str, data: bytes) -> None:
        """Written aside and renamed into place: a reader never sees half an entry."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
