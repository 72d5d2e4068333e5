"""Seal detection, straddle-seal joining, seal-ink suppression and seal-text reading."""

from filingcheck.ocr.seals.detect import detect_seals
from filingcheck.ocr.seals.ink import suppress_seal_ink
from filingcheck.ocr.seals.settings import SealSettings
from filingcheck.ocr.seals.straddle import StraddleSettings, join_straddle_seals
from filingcheck.ocr.seals.text import read_seal_text, title_strip

__all__ = [
    "SealSettings",
    "StraddleSettings",
    "detect_seals",
    "join_straddle_seals",
    "read_seal_text",
    "suppress_seal_ink",
    "title_strip",
]
