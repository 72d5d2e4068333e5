"""The resident identity number (公民身份号码, GB 11643-1999) of an individual applicant.

Eighteen characters: a 6-digit area code, the birth date (YYYYMMDD), a 3-digit sequence and a
check character (ISO 7064 MOD 11-2 over the first 17; ``X`` stands for 10). The check lets a
number read by OCR be verified on its own, and tells an all-digit credit code from an identity
number in a log line.
"""

from __future__ import annotations

import datetime as dt
import re

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
SHAPE = re.compile(r"[1-9]\d{16}[\dX]")


def check_ok(number: str) -> bool:
    """Whether the 18th character is the check character of the first 17 (digits only)."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    expected = CHECK[sum(int(d) * w for d, w in zip(number[:17], WEIGHTS, strict=True)) % 11]
    return number[17].upper() == expected


def is_valid(number: str) -> bool:
    """Shape, a real birth date and the check character."""
    number = number.upper()
    if not SHAPE.fullmatch(number) or not check_ok(number):
        return False
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today()
