"""Dates as Chinese documents print them (2015年3月2日, 2015-03-02, 二〇一五年三月二日), found in
text: shared by extraction (report dates, licence terms) and the rules (a second reading of a term)."""

from __future__ import annotations

import datetime as dt
import re

from filingcheck.models.normalize import normalise

_DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "O": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_NUMERIC = re.compile(r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?")
_CHINESE = re.compile(
    r"([〇○零一二三四五六七八九O]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
OPEN_ENDED = ".."


def _cn_number(text: str) -> int:
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_DIGITS.get(tens, 1) if tens else 1) * 10 + (_DIGITS.get(ones, 0) if ones else 0)
    return _DIGITS.get(text, 0)


def find_dates(text: str) -> list[dt.date]:
    """Every valid date in ``text``, in order."""
    text = normalise(text)
    found: list[tuple[int, dt.date]] = []
    for m in _NUMERIC.finditer(text):
        try:
            found.append((m.start(), dt.date(int(m[1]), int(m[2]), int(m[3]))))
        except ValueError:
            continue
    for m in _CHINESE.finditer(text):
        year = int("".join(str(_DIGITS[c]) for c in m[1]))
        try:
            found.append((m.start(), dt.date(year, _cn_number(m[2]), _cn_number(m[3]))))
        except ValueError:
            continue
    return [d for _, d in sorted(found)]
