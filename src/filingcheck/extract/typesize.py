"""The type size of a page's text, from the pitch of its Chinese characters (they are square)."""

from __future__ import annotations

import math

from filingcheck.models import OcrLine, PageOcr

# Fewer Chinese characters than this on a page say nothing about its body text.
MIN_CHARS = 20
# A run this long is body text with a stable pitch; shorter ones are labels, chart boxes, page numbers.
MIN_RUN = 8


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _runs(line: OcrLine) -> list[tuple[float, int]]:
    """(pitch, characters) of each run of consecutive Chinese characters with their own boxes."""
    if len(line.chars) != len(line.text):
        return []
    out: list[tuple[float, int]] = []
    run: list[float] = []
    for char in [*line.chars, None]:
        if char is not None and len(char.text) == 1 and _is_cjk(char.text):
            run.append((char.bbox.x0 + char.bbox.x1) / 2)
            continue
        if len(run) >= MIN_RUN:
            out.append(((run[-1] - run[0]) / (len(run) - 1), len(run)))
        run = []
    return out


def body_text_height(ocr: PageOcr) -> float | None:
    """Median em size in scan pixels, weighted by characters; ``None`` with too little text.

    The pitch of consecutive Chinese characters in a line is the font's em size (the body of
    a CJK glyph is square and set solid), which is what a type size in points measures.
    """
    weighted: list[tuple[float, int]] = [run for line in ocr.lines for run in _runs(line)]
    if sum(n for _, n in weighted) < MIN_CHARS:
        return None
    weighted.sort()
    half = sum(n for _, n in weighted) / 2
    seen = 0
    median = weighted[-1][0]
    for pitch, n in weighted:
        seen += n
        if seen >= half:
            median = pitch
            break
    # OCR may have read a resized upright image: undo its scale to get scan pixels.
    t = ocr.to_upright
    scale = math.sqrt(abs(t.a * t.e - t.b * t.d)) or 1.0
    return round(median / scale, 2)
