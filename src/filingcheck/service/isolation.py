"""Running a parser on untrusted bytes in a child process with a memory cap and a time limit.

pdfminer and Pillow read the applicant's bytes when an upload is checked. A file that makes one
of them crash, hang or balloon must cost a short-lived child, not the service that every clerk
is using: the child gets an address-space limit (``RLIMIT_AS``) and is killed past its time.
Children come from a forkserver (a clean process started once, with the checking code imported),
so each check starts in milliseconds and never inherits the service's threads or connections.
"""

from __future__ import annotations

import multiprocessing
import resource
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

CONTEXT = multiprocessing.get_context("forkserver")


@dataclass(frozen=True)
class Caps:
    """Memory over what the child maps at its start, and wall-clock seconds, for one call."""

    memory_bytes: int = 1 << 30
    seconds: float = 60.0


class ChildFailedError(Exception):
    """The child gave no answer: ``reason`` is ``timeout``, ``memory`` or ``crashed``."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def run_capped(function: Callable[..., Any], args: tuple[Any, ...], caps: Caps) -> Any:
    """``function(*args)`` in a capped child; its return value (picklable) or ``ChildFailedError``.

    ``function`` must be a module-level function and should turn its own expected errors into
    return values: anything else it raises comes back as ``crashed``.
    """
    parent, child = CONTEXT.Pipe(duplex=False)
    process = CONTEXT.Process(target=_child, args=(child, function, args, caps.memory_bytes), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(caps.seconds):
            raise ChildFailedError("timeout", f"no answer within {caps.seconds:g} s")
        try:
            outcome, value = parent.recv()
        except EOFError:
            process.join(5)
            raise ChildFailedError("crashed", f"the checker died (exit code {process.exitcode})") from None
    finally:
        process.join(1)
        if process.is_alive():
            process.kill()
            process.join()
        parent.close()
    if outcome == "ok":
        return value
    raise ChildFailedError(outcome, value)


def _child(conn: Connection, function: Callable[..., Any], args: tuple[Any, ...], extra: int) -> None:
    limit = _vm_size() + extra
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        result = function(*args)
    except MemoryError:
        conn.send(("memory", "over the memory cap"))
    except BaseException as exc:
        conn.send(("crashed", f"{exc.__class__.__name__}: {exc}"))
    else:
        conn.send(("ok", result))
    finally:
        conn.close()


def _vm_size() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmSize in /proc/self/status")


# Loaded once in the server, not in every child: the checks' imports (pdfminer and Pillow, which
# the checks import lazily so the service starts fast) and the main module, which multiprocessing
# would otherwise run again in each child (the `filingcheck` script: about 0.5 s more per file).
PRELOAD = ["__main__", "filingcheck.service.uploads", "PIL.Image", "pdfminer.pdfdocument", "pdfminer.pdfpage"]
CONTEXT.set_forkserver_preload(PRELOAD)
