"""OCR lines put right before labels are matched: a column of label heads read as one vertical
box, two columns read as one line, a label wrapped inside its narrow cell."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from filingcheck.extract.layout import SEPARATORS, match_label
from filingcheck.models import BBox, FieldName, OcrLine


def cut_at_glued_labels(lines: Sequence[OcrLine], labels: Sequence[str]) -> list[OcrLine]:
    """A line that carries one of ``labels`` after other text (two columns read as one line,
    ``…或控成立日期2006年…``) is cut in two before the label, so that label starts a line again.
    Only labels never found inside a value belong in ``labels``; a bare label at the end is left."""
    out: list[OcrLine] = []
    for line in lines:
        cut = _glued_label_at(line.text, labels)
        if cut is None:
            out.append(line)
            continue
        out.extend((_part(line, 0, cut), _part(line, cut, len(line.text))))
    return out


def _glued_label_at(text: str, labels: Sequence[str]) -> int | None:
    for label in labels:
        at = text.find(label, 1)
        if at > 0 and text[at + len(label) :].strip(SEPARATORS):
            return at
    return None


def _part(line: OcrLine, start: int, end: int) -> OcrLine:
    """Characters ``start:end`` of a line as a line of their own (box from the characters' boxes,
    or a share of the line's width when the engine gave none)."""
    if len(line.chars) == len(line.text):
        chars = line.chars[start:end]
        box = BBox.union_of(c.bbox for c in chars)
    else:
        chars = []
        step = line.bbox.width / max(1, len(line.text))
        box = BBox.of(line.bbox.x0 + start * step, line.bbox.y0, line.bbox.x0 + end * step, line.bbox.y1)
    return OcrLine(
        text=line.text[start:end],
        bbox=box,
        confidence=line.confidence,
        chars=chars,
        under_seal=line.under_seal,
    )


def split_stacked_lines(lines: Sequence[OcrLine]) -> list[OcrLine]:
    """Letter-spaced labels stand in a column (名 / 类 / 住 over 称 / 型 / 所); the detector can take
    their first characters as one vertical box (``名类住``), which hides every label in it. Such a
    box, one character wide on a page of horizontal lines, is cut back into one line per
    character, each at its own row: n characters of height c at an even pitch fill the box."""
    heights = sorted(ln.bbox.height for ln in lines if ln.bbox.width > ln.bbox.height)
    if not heights:
        return list(lines)
    line_height = heights[len(heights) // 2]
    out: list[OcrLine] = []
    for line in lines:
        text = line.text.strip()
        box = line.bbox
        n = len(text)
        stacked = n >= 2 and box.height >= 1.6 * box.width and box.width <= 1.8 * line_height
        if not stacked or box.height < (n - 0.5) * 0.8 * box.width:
            out.append(line)
            continue
        size = min(box.width, box.height / n)
        pitch = (box.height - size) / (n - 1)
        for k, char in enumerate(text):
            y0 = box.y0 + k * pitch
            out.append(
                OcrLine(
                    text=char,
                    bbox=BBox.of(box.x0, y0, box.x1, y0 + size),
                    confidence=line.confidence,
                    under_seal=line.under_seal,
                )
            )
    return out


def merge_wrapped_labels(lines: Sequence[OcrLine], vocab: Mapping[FieldName, Sequence[str]]) -> list[OcrLine]:
    """Join a label that wrapped inside a narrow label cell (``试制单位名`` over ``称``) into one line."""
    out = list(lines)
    for line in lines:
        if line not in out or len(line.text) > 8:
            continue
        below = [
            ln
            for ln in out
            if ln is not line
            and 0 <= ln.bbox.y0 - line.bbox.y1 + 0.3 * line.bbox.height <= 1.1 * line.bbox.height
            and line.bbox.x0 - 5 <= (ln.bbox.x0 + ln.bbox.x1) / 2 <= line.bbox.x1 + 5
            and len(ln.text) <= 4
        ]
        if not below:
            continue
        tail = min(below, key=lambda ln: ln.bbox.y0)
        joined_text = line.text + tail.text
        probe = OcrLine(text=joined_text, bbox=line.bbox, confidence=line.confidence)
        match = match_label(probe, vocab)
        if match is None or match.score < 100 or match.value_start < len(joined_text):
            continue
        alone = match_label(line, vocab)
        if alone is not None and alone.score == 100 and alone.value_start >= len(line.text):
            continue
        chars = (
            line.chars + tail.chars
            if len(line.chars) == len(line.text) and len(tail.chars) == len(tail.text)
            else []
        )
        merged = OcrLine(
            text=joined_text,
            bbox=BBox.union_of([line.bbox, tail.bbox]),
            confidence=min(line.confidence, tail.confidence),
            chars=chars,
            under_seal=line.under_seal or tail.under_seal,
        )
        out[out.index(line)] = merged
        out.remove(tail)
    return out
