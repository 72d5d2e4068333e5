"""The normal form of field text (part of the data contract: ``FieldValue.value`` is normalised).

The notice demands exact identity ("完全一致"), so only differences that are not differences
are folded: full/half width, bracket and punctuation variants, whitespace, and Traditional →
Simplified characters. Everything else stays, so a real difference survives.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_PUNCT = str.maketrans(
    {
        "（": "(",
        "）": ")",
        "［": "[",
        "］": "]",
        "【": "[",
        "】": "]",
        "〔": "(",
        "〕": ")",
        "：": ":",
        "，": ",",
        "；": ";",
        "。": ".",
        "－": "-",
        "—": "-",
        "–": "-",
        "～": "~",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "、": ",",
        "·": "·",
        "〇": "〇",
    }
)


@lru_cache(maxsize=1)
def _t2s() -> object:
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=4096)
def _simplify_char(char: str) -> str:
    if ord(char) < 0x3400:
        return char
    out = _t2s().convert(char)  # type: ignore[attr-defined]
    return out if len(out) == 1 else char


@dataclass(frozen=True)
class Normalised:
    """The normalised text and, for each of its characters, the index in the raw text."""

    text: str
    index: tuple[int, ...]


def normalise_with_map(raw: str) -> Normalised:
    chars: list[str] = []
    index: list[int] = []
    for i, char in enumerate(raw):
        folded = unicodedata.normalize("NFKC", char.translate(_PUNCT)) if char not in "〇" else char
        folded = folded.translate(_PUNCT)
        for piece in folded:
            if piece.isspace():
                continue
            chars.append(_simplify_char(piece))
            index.append(i)
    return Normalised(text="".join(chars), index=tuple(index))


def normalise(raw: str) -> str:
    """Comparable form of a field value (see module docstring)."""
    return normalise_with_map(raw).text


def strip_label_punct(text: str) -> str:
    """Drop the separators between a label and its value (colons, spaces, dots)."""
    return text.lstrip(" :：.、·\t")


def looks_garbled(text: str, max_share: float = 0.3) -> bool:
    """True for a text layer that cannot be trusted: empty, or mostly ``(cid:N)`` codes,
    replacement or private-use characters (fonts embedded without a Unicode map)."""
    import re

    stripped = re.sub(r"\s", "", text)
    if not stripped:
        return True
    cid = sum(len(m) for m in re.findall(r"\(cid:\d+\)", stripped))
    odd = sum(1 for c in stripped if c == "\ufffd" or (0xE000 <= ord(c) <= 0xF8FF))
    return (cid + odd) / len(stripped) > max_share
