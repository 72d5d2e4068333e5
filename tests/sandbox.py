"""Running a loader on an untrusted file in a child process, with a time limit and a memory cap.

Kept apart from the test modules so the forkserver's children import only the loader (fast), and
so a bomb that does get decoded fails its test with an error instead of exhausting the machine.
"""

from __future__ import annotations

import multiprocessing
import resource
import warnings
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from filingcheck.models import InputError
from filingcheck.ocr.raster import RasterSettings, load_pages

CASE_SECONDS = 60
# Headroom over what the child already maps: enough to load any allowed page, far too little for a bomb.
CHILD_EXTRA_BYTES = 1 << 30
CONTEXT = multiprocessing.get_context("forkserver")


class SandboxError(AssertionError):
    """The loader hung or died instead of answering."""


def _vm_size() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmSize in /proc/self/status")


def _probe(conn: Connection, path: str, settings: RasterSettings) -> None:
    """In the child: load ``path`` under a memory cap and send back what happened."""
    limit = _vm_size() + CHILD_EXTRA_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    warnings.simplefilter("ignore")
    try:
        pages = load_pages(Path(path), settings=settings)
        conn.send(("loads", [p.image.shape for p in pages]))
    except InputError as exc:
        conn.send(("refused", exc.code))
    except BaseException as exc:  # what the tests are here to catch
        conn.send(("escaped", f"{exc.__class__.__name__}: {exc}"))
    finally:
        conn.close()


def load_in_child(path: Path, settings: RasterSettings | None = None) -> tuple[str, Any]:
    """``("loads", shapes)``, ``("refused", code)`` or ``("escaped", what)``; raises
    ``SandboxError`` when the child gives no answer within CASE_SECONDS or dies."""
    parent, child = CONTEXT.Pipe(duplex=False)
    process = CONTEXT.Process(target=_probe, args=(child, str(path), settings or RasterSettings()))
    process.start()
    child.close()
    try:
        if not parent.poll(CASE_SECONDS):
            raise SandboxError(f"{path.name}: no answer within {CASE_SECONDS} s")
        try:
            outcome: tuple[str, Any] = parent.recv()
        except EOFError:
            process.join(5)
            raise SandboxError(f"{path.name}: the loader died (exit code {process.exitcode})") from None
        return outcome
    finally:
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()
        parent.close()


CONTEXT.set_forkserver_preload([__name__])
