"""Functions that misbehave on purpose, run by ``tests/test_isolation.py`` in capped children
(a module of their own, so the children import nothing heavy)."""

from __future__ import annotations

import os
import signal
import time


def answer(value: int) -> int:
    return value * 2


def balloon(megabytes: int) -> int:
    held = [bytearray(1 << 20) for _ in range(megabytes)]
    return len(held)


def hang(seconds: float) -> None:
    time.sleep(seconds)


def segfault() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def raise_error() -> None:
    raise RuntimeError("a parser bug")
