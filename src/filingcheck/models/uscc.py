"""The unified social credit code (统一社会信用代码, GB 32100-2015): the definition of a valid code.

The 18th character is a check character over the first 17, so a code read by OCR can be
verified on its own, and a single OCR confusion (0/O/D, 1/I/L, 2/Z, 5/S, 8/B) can often be
repaired: a unique repair is accepted with lowered confidence, several candidates are not.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {c: i for i, c in enumerate(ALPHABET)}

# What OCR tends to read instead of a code character (I, O, S, V, Z are not in the alphabet).
CONFUSIONS: dict[str, tuple[str, ...]] = {
    "O": ("0", "D", "Q"),
    "0": ("D", "Q"),
    "D": ("0",),
    "Q": ("0",),
    "I": ("1", "L", "T"),
    "1": ("L", "T", "7"),
    "L": ("1",),
    "T": ("1", "7"),
    "7": ("1", "T"),
    "Z": ("2",),
    "2": ("Z",),
    "S": ("5",),
    "5": ("S",),
    "B": ("8",),
    "8": ("B",),
    "V": ("Y", "U"),
    "U": ("V",),
    "6": ("G", "8"),
    "G": ("6",),
}

CODE_PATTERN = re.compile(r"[0-9A-Z]{18}")


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    if len(first17) != 17 or any(c not in _VALUE for c in first17):
        raise ValueError(f"not 17 code characters: {first17!r}")
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    """True when ``code`` is 18 code characters whose last one is the right check character."""
    code = code.strip().upper()
    if len(code) != 18 or any(c not in _VALUE for c in code):
        return False
    return check_character(code[:17]) == code[17]


@dataclass(frozen=True)
class UsccReading:
    """The outcome of reading a code: the code to use, whether it is valid, and how it was got."""

    code: str
    valid: bool
    repaired: bool = False
    candidates: tuple[str, ...] = ()


def repair(code: str, max_changes: int = 2) -> UsccReading:
    """Validate ``code``; when it fails, try the usual OCR confusions.

    A repair is returned only when exactly one candidate with the fewest changes is valid.
    """
    code = normalise(code)
    if is_valid(code):
        return UsccReading(code=code, valid=True)
    if len(code) != 18:
        return UsccReading(code=code, valid=False)
    positions = [i for i, c in enumerate(code) if c in CONFUSIONS or c not in _VALUE]
    for changes in range(1, max_changes + 1):
        found: set[str] = set()
        for picked in itertools.combinations(positions, changes):
            options = [CONFUSIONS.get(code[i], ()) for i in picked]
            for replacement in itertools.product(*options):
                chars = list(code)
                for i, r in zip(picked, replacement, strict=True):
                    chars[i] = r
                candidate = "".join(chars)
                if is_valid(candidate):
                    found.add(candidate)
        if len(found) == 1:
            return UsccReading(code=found.pop(), valid=True, repaired=True)
        if found:
            return UsccReading(code=code, valid=False, candidates=tuple(sorted(found)))
    return UsccReading(code=code, valid=False)


def normalise(text: str) -> str:
    """Upper-case, full-width folded, separators removed."""
    folded = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in text)
    return re.sub(r"[\s\-·.]", "", folded).upper()
