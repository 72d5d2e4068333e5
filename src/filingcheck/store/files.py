"""A content-addressed file store: uploads and page images saved once under their sha256."""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

# A full disk (or quota): the same write can succeed later, once space is freed.
DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in DISK_FULL


class FileStore:
    """Files under ``root/ab/cdef…``; writing the same bytes twice stores them once.

    Writes go to a temporary file first and are renamed into place, so a crash never leaves a
    half-written file under a valid name.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, digest: str) -> Path:
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"not a sha256 digest: {digest!r}")
        return self.root / digest[:2] / digest[2:]

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_of(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def put_file(self, path: Path) -> str:
        with path.open("rb") as fh:
            return self.put_stream(fh)

    def put_stream(self, source: BinaryIO, chunk: int = 1 << 20) -> str:
        """Store what ``source`` holds without reading it into memory at once."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as fh:
                for block in iter(lambda: source.read(chunk), b""):
                    digest.update(block)
                    fh.write(block)
                fh.flush()
                os.fsync(fh.fileno())
            target = self.path_of(digest.hexdigest())
            if target.exists():
                Path(tmp).unlink()
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest.hexdigest()

    def get(self, digest: str) -> bytes:
        return self.path_of(digest).read_bytes()

    def exists(self, digest: str) -> bool:
        return self.path_of(digest).exists()
