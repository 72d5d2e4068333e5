"""A file cache of page readings keyed by (page image hash, engine, version, preprocessing),
beside each reading the page's seals with their text, so a re-check detects nothing again, and
the facts of each page of a stored file, so a re-check need not even decode the scan."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from filingcheck.models import PageFacts, PageReading, Seal

log = logging.getLogger(__name__)
# Part of every seal key: bump it when what is cached for seals (or how it is made) changes,
# so entries of an older release are never read as current ones.
SEALS_VERSION = "seals-v3"
FACTS_VERSION = "facts-v1"


class CachedSeals(BaseModel):
    """The seals found on one page image, each with the text read along its arc."""

    seals: list[Seal]


Entry = TypeVar("Entry", bound=BaseModel)


def reading_key(image_digest: str, *parts: str) -> str:
    """The cache key of one page image (``PageImage.digest``) read with the named engine,
    version and preprocessing."""
    return _key(image_digest, *parts)


def facts_key(file_sha256: str, file_page: int, raster: str) -> str:
    """The cache key of the facts of page ``file_page`` of a file rasterised with ``raster``."""
    return _key(file_sha256, str(file_page), raster, FACTS_VERSION)


def _key(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


class FileOcrCache:
    """JSON files under ``root/ab/<key>.json``; unreadable entries count as misses."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> PageReading | None:
        return self._get(key, PageReading)

    def put(self, key: str, reading: PageReading) -> None:
        self._write(key, reading.model_dump_json().encode("utf-8"))

    def get_seals(self, key: str) -> list[Seal] | None:
        """The cached seals of a page (an empty list is a page known to have none)."""
        found = self._get(key, CachedSeals)
        return None if found is None else found.seals

    def put_seals(self, key: str, seals: list[Seal]) -> None:
        self._write(key, CachedSeals(seals=seals).model_dump_json().encode("utf-8"))

    def get_facts(self, key: str) -> PageFacts | None:
        return self._get(key, PageFacts)

    def put_facts(self, key: str, facts: PageFacts) -> None:
        self._write(key, facts.model_dump_json().encode("utf-8"))

    def _get(self, key: str, model: type[Entry]) -> Entry | None:
        """The entry under ``key``; an unreadable one (another release, a torn disk) is a miss."""
        data = self._read(key)
        try:
            return None if data is None else model.model_validate_json(data)
        except (ValidationError, ValueError):
            return None

    def _read(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except OSError:
            return None

    def _write(self, key: str, data: bytes) -> None:
        """Written aside and renamed into place: a reader never sees half an entry. A cache that
        cannot be written (full disk, no permission) is only a cache: the run goes on without it."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        except OSError as exc:
            log.warning("the OCR cache cannot be written (%s): %s", path.parent, exc)
            return
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            log.warning("the OCR cache cannot be written (%s): %s", path.parent, exc)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
