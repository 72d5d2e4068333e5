"""Dates and licence terms to ISO; terms with 长期 are open-ended."""

from __future__ import annotations

from filingcheck.models.dates import OPEN_ENDED, find_dates

__all__ = ["OPEN_ENDED", "find_dates", "parse_date", "parse_term"]


def parse_date(text: str) -> str | None:
    dates = find_dates(text)
    return dates[0].isoformat() if dates else None


def parse_term(text: str) -> str | None:
    """A licence term as an ISO interval ``start/end``; ``长期``/``永久`` gives ``start/..``."""
    dates = find_dates(text)
    if not dates:
        return None
    if len(dates) >= 2:
        return f"{dates[0].isoformat()}/{dates[1].isoformat()}"
    if any(word in text for word in ("长期", "永久", "不约定")):
        return f"{dates[0].isoformat()}/{OPEN_ENDED}"
    return None
