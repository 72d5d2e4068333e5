"""Reading label → value pairs off OCR lines by position, the way a clerk reads a form.

A value is what follows the label in the same line, or the lines to its right in the same
row (up to the next label), plus continuation lines of a wrapped value below it. Label text is
matched fuzzily because OCR can garble a label character.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from filingcheck.models import FieldName, OcrLine
from filingcheck.models.normalize import normalise_with_map

SEPARATORS = ":：.。、·_ ,，"
LABEL_SPECKS = "·. "
# Gaps along a row, in line heights: label cell → value cell, and between pieces of one value.
MAX_CELL_GAP = 12.0
MAX_VALUE_GAP = 4.0


@dataclass(frozen=True)
class LabelMatch:
    field: FieldName
    label: str
    score: float
    value_start: int  # index in the line's raw text where the value begins
    lost: str | None = None  # which character of a two-character label OCR did not read


@dataclass(frozen=True)
class Piece:
    """A run of a line's characters that belongs to a value: ``line.text[start:end]``."""

    line: OcrLine
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.line.text[self.start : self.end]


def match_label(
    line: OcrLine, vocab: Mapping[FieldName, Sequence[str]], min_score: float = 80.0
) -> LabelMatch | None:
    """The field whose label starts this line, if any (longest, best-scoring label wins)."""
    norm = normalise_with_map(line.text)
    # Specks between a spread label's characters (类·型) are read as dots: look past them.
    keep = [i for i, ch in enumerate(norm.text) if ch not in LABEL_SPECKS]
    text = "".join(norm.text[i] for i in keep)
    best: LabelMatch | None = None
    for field, labels in vocab.items():
        for label in labels:
            n = len(label)
            if len(text) < n:
                continue
            head = text[:n]
            if head == label:
                score = 100.0
            elif n >= 4:
                score = fuzz.ratio(head, label)
                if score < min_score:
                    continue
            else:
                continue
            if best is None or (score, n) > (best.score, len(best.label)):
                consumed = n
                while consumed < len(text) and text[consumed] in SEPARATORS:
                    consumed += 1
                raw_start = norm.index[keep[consumed]] if consumed < len(keep) else len(line.text)
                best = LabelMatch(field=field, label=label, score=score, value_start=raw_start)
    return best


def same_row(a: OcrLine, b: OcrLine, min_overlap: float = 0.5) -> bool:
    top, bottom = max(a.bbox.y0, b.bbox.y0), min(a.bbox.y1, b.bbox.y1)
    return bottom - top >= min_overlap * min(a.bbox.height, b.bbox.height)


def is_label_line(line: OcrLine, labels: Sequence[str]) -> bool:
    text = normalise_with_map(line.text).text
    return any(text.startswith(label) for label in labels)


def value_pieces(
    label_line: OcrLine, match: LabelMatch, lines: Sequence[OcrLine], stop_labels: Sequence[str]
) -> list[Piece]:
    """The pieces of text that make the value of a matched label (possibly several lines)."""
    pieces: list[Piece] = []
    rest = label_line.text[match.value_start :].strip(SEPARATORS)
    if rest:
        start = label_line.text.index(rest, match.value_start)
        pieces.append(Piece(label_line, start, start + len(rest)))
    right = sorted(
        (
            ln
            for ln in lines
            if ln is not label_line
            and same_row(ln, label_line)
            and ln.bbox.x0 >= label_line.bbox.x1 - 0.8 * label_line.bbox.height  # boxes jitter on poor scans
        ),
        key=lambda ln: ln.bbox.x0,
    )
    reach = label_line.bbox.x1
    for ln in right:
        # A value cell may sit well right of its label, but a value goes on only across a small gap:
        # what lies far along the row after it (a page number, a second column) is something else.
        gap = (MAX_VALUE_GAP if pieces else MAX_CELL_GAP) * label_line.bbox.height
        if is_label_line(ln, stop_labels) or ln.bbox.x0 - reach > gap or _label_head(ln, right, stop_labels):
            break
        pieces.append(Piece(ln, *_trim(ln.text)))
        reach = ln.bbox.x1
    if not pieces:
        below = _value_below(label_line, lines, stop_labels)
        if below is None:
            return []
        pieces.append(Piece(below, *_trim(below.text)))
        label_line = below  # wrapped lines continue under the value, not under the label
    return pieces + _continuations(pieces, label_line, lines, stop_labels)


def _value_below(label_line: OcrLine, lines: Sequence[OcrLine], stop_labels: Sequence[str]) -> OcrLine | None:
    """A value set under its label (column forms, stacked certificates): the next line down,
    starting under the label, close below it, and not a label itself."""
    h = label_line.bbox.height
    below = [
        ln
        for ln in lines
        if ln is not label_line
        and 0 <= ln.bbox.y0 - label_line.bbox.y1 + 0.3 * h <= 1.2 * h
        and abs(ln.bbox.x0 - label_line.bbox.x0) <= 1.5 * h
        and not same_row(ln, label_line)
    ]
    if not below:
        return None
    nxt = min(below, key=lambda ln: ln.bbox.y0)
    text = normalise_with_map(nxt.text).text
    if not text or is_label_line(nxt, stop_labels):
        return None
    return nxt


def _label_head(line: OcrLine, row: Sequence[OcrLine], labels: Sequence[str]) -> bool:
    """A letter-spaced label cut by OCR (规 … 格): this line is its head, the next in the row its rest."""
    head = normalise_with_map(line.text).text
    if not 0 < len(head) <= 2:
        return False
    after = [ln for ln in row if ln.bbox.x0 >= line.bbox.x1 - 5 and ln is not line]
    if not after:
        return False
    rest = normalise_with_map(min(after, key=lambda ln: ln.bbox.x0).text).text
    return any(
        len(label) > len(head) and label.startswith(head) and rest.startswith(label[len(head) :])
        for label in labels
    )


def _continuations(
    pieces: list[Piece], label_line: OcrLine, lines: Sequence[OcrLine], stop_labels: Sequence[str]
) -> list[Piece]:
    """Lines below a value that wrap it: under the value column, close, with no label in their row."""
    last = pieces[-1].line
    first = pieces[0]
    column_x0 = first.line.bbox.x0
    if len(first.line.chars) == len(first.line.text) and first.start < len(first.line.chars):
        column_x0 = first.line.chars[first.start].bbox.x0  # where the value starts, not its label
    more: list[Piece] = []
    while True:
        below = [
            ln
            for ln in lines
            if ln.bbox.y0 >= last.bbox.y1 - 0.3 * last.bbox.height
            and ln.bbox.y0 - last.bbox.y1 <= 0.8 * last.bbox.height
            and abs(ln.bbox.x0 - column_x0) <= 1.5 * last.bbox.height
            and ln not in (p.line for p in pieces + more)
        ]
        if not below:
            return more
        nxt = min(below, key=lambda ln: ln.bbox.y0)
        # Only lines in this field's own column count: a two-column licence has other labels far left.
        column_left = label_line.bbox.x0 - 3 * label_line.bbox.height
        row_has_label = any(
            other is not nxt and same_row(other, nxt) and column_left < other.bbox.x1 <= nxt.bbox.x0 + 5
            for other in lines
        )
        if row_has_label or is_label_line(nxt, stop_labels):
            return more
        more.append(Piece(nxt, *_trim(nxt.text)))
        last = nxt


def _trim(text: str) -> tuple[int, int]:
    start = 0
    while start < len(text) and text[start] in SEPARATORS:
        start += 1
    return start, value_end(text, start, len(text))


def value_end(text: str, start: int, end: int) -> int:
    """Where a value inside ``text[start:end]`` ends: trailing spaces off, and specks read as a
    dot after a Chinese character (a name never ends so; ``Co., Ltd.`` keeps its dot)."""
    while end > start and (
        text[end - 1] == " " or (text[end - 1] in ".·" and end - 2 >= start and _is_cjk(text[end - 2]))
    ):
        end -= 1
    return end


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"
