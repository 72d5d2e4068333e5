"""Cleaning engine output: Chinese has no spaces between characters, engines insert them."""

from __future__ import annotations

import re

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")


def is_cjk(char: str) -> bool:
    return bool(re.match(rf"[{_CJK}]", char))


def drop_cjk_spaces(text: str) -> str:
    """Remove whitespace next to a CJK character; keep it between Latin words and numbers."""
    return _SPACE_NEXT_TO_CJK.sub("", text).strip()


def kept_indices(text: str) -> list[int]:
    """Indices of ``text`` that ``drop_cjk_spaces`` keeps, to carry per-character data along."""
    stripped = drop_cjk_spaces(text)
    kept: list[int] = []
    i = 0
    for j, char in enumerate(text):
        if i < len(stripped) and char == stripped[i]:
            kept.append(j)
            i += 1
    return kept
