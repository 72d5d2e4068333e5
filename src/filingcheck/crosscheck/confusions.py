"""Characters that OCR engines confuse with each other (both PP-OCR and Tesseract)."""

from __future__ import annotations

GROUPS: tuple[str, ...] = (
    "己已巳",
    "末未",
    "日曰",
    "土士",
    "0OoD〇",
    "1lI|",
    "人入八",
    "大太犬",
    "王玉主",
    "干千于",
    "天夭",
    "刀力",
    "贝见",
    "乌鸟",
    "戌戍戊",
    "券卷",
    "侯候",
    "准淮",
    "拨拔",
    "析折",
    "辨辩瓣",
    "徽微",
    "肓盲",
    "2Z",
    "5S",
    "8B",
    "6G",
    "口日",
    "-一—",
    "4+",  # PP-OCR at 150 DPI: 4栋 read as +栋
    "+十",
)
_PAIRS = {(a, b) for group in GROUPS for a in group for b in group if a != b}


def confusable(a: str, b: str) -> bool:
    """True when OCR could read one of these characters as the other."""
    return (a, b) in _PAIRS
