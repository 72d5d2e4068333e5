"""Reading label → value pairs off OCR lines by position, the way a clerk reads a form.

A value is what follows the label in the same line, or the lines to its right in the same
row (up to the next label), plus continuation lines of a wrapped value below it. Label text is
matched fuzzily because OCR can garble a label character.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from filingcheck.models import BBox, FieldName, OcrLine
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
    start, end = 0, len(text)
    while start < end and text[start] in SEPARATORS:
        start += 1
    while end > start and text[end - 1] in " ":
        end -= 1
    return start, end


def match_split_label(
    line: OcrLine, lines: Sequence[OcrLine], vocab: Mapping[FieldName, Sequence[str]]
) -> tuple[OcrLine, LabelMatch] | None:
    """A letter-spaced label (名　　称) that OCR cut in two: the head alone in ``line``, the rest
    starting the next line to its right. Returns that next line and the match inside it."""
    head = normalise_with_map(line.text).text
    if not head or len(head) > 3:
        return None
    right = [ln for ln in lines if ln is not line and same_row(ln, line) and ln.bbox.x0 >= line.bbox.x1 - 5]
    if not right:
        return None
    nxt = min(right, key=lambda ln: ln.bbox.x0)
    if nxt.bbox.x0 - line.bbox.x1 > 6 * line.bbox.height:
        return None
    joined = OcrLine(text=line.text + nxt.text, bbox=line.bbox, confidence=line.confidence)
    match = match_label(joined, vocab)
    if match is None or len(match.label) <= len(head) or not match.label.startswith(head):
        return None
    offset = match.value_start - len(line.text)
    if offset < 0:
        return None
    return nxt, LabelMatch(field=match.field, label=match.label, score=match.score, value_start=offset)


def match_label_tail(
    line: OcrLine, lines: Sequence[OcrLine], vocab: Mapping[FieldName, Sequence[str]]
) -> LabelMatch | None:
    """A letter-spaced label whose head OCR glued onto the end of the line to its left
    (``…销售；住`` + ``所江西省…``): the match inside ``line``, value offset included."""
    left = [
        ln
        for ln in lines
        if ln is not line
        and same_row(ln, line)
        and ln.bbox.x1 <= line.bbox.x0 + 5
        and line.bbox.x0 - ln.bbox.x1 <= 4 * line.bbox.height
    ]
    if not left:
        return None
    neighbour = max(left, key=lambda ln: ln.bbox.x1)
    for k in (1, 2, 3):
        head = neighbour.text[-k:]
        joined = OcrLine(text=head + line.text, bbox=line.bbox, confidence=line.confidence)
        match = match_label(joined, vocab)
        if match is None or len(match.label) <= k or not match.label.startswith(head) or match.score < 100:
            continue
        return LabelMatch(
            field=match.field, label=match.label, score=match.score, value_start=match.value_start - k
        )
    return None


def match_lost_tail(
    line: OcrLine, lines: Sequence[OcrLine], vocab: Mapping[FieldName, Sequence[str]]
) -> LabelMatch | None:
    """A letter-spaced two-character label whose tail OCR did not read (``住`` of 住　　所, no ``所``):
    the head alone, of one field's label only, left-aligned with full labels of its column, and a
    value on its row to the right that is not a label."""
    text = normalise_with_map(line.text).text.strip(SEPARATORS)
    if len(text) != 1:
        return None
    fields = {
        field for field, labels in vocab.items() for label in labels if len(label) == 2 and label[0] == text
    }
    if len(fields) != 1:
        return None
    h = line.bbox.height
    right = [
        ln
        for ln in lines
        if ln is not line and same_row(ln, line) and 0 <= ln.bbox.x0 - line.bbox.x1 <= MAX_CELL_GAP * h
    ]
    labels = [label for labels in vocab.values() for label in labels]
    if not right or is_label_line(min(right, key=lambda ln: ln.bbox.x0), labels):
        return None
    aligned = any(
        other is not line
        and abs(other.bbox.x0 - line.bbox.x0) <= 0.6 * h
        and len(other.text) >= 2
        and match_label(other, vocab) is not None
        for other in lines
    )
    if not aligned:
        return None
    return LabelMatch(field=fields.pop(), label=text, score=50.0, value_start=len(line.text), lost="second")


def match_lost_head(
    line: OcrLine, lines: Sequence[OcrLine], vocab: Mapping[FieldName, Sequence[str]]
) -> LabelMatch | None:
    """A letter-spaced two-character label whose head OCR did not read at all (``型`` of 类　　型):
    the tail, of one field's label only, with nothing read just left of it. Alone on its line it
    must be right-aligned with full labels of its column (spread labels all end at the column's
    right edge); glued to its value (``称辽宁长宇…``) it must start where other labels' tails start."""
    norm = normalise_with_map(line.text)
    text = norm.text.lstrip(SEPARATORS)
    if not text:
        return None
    tails = _two_character_tails(vocab)
    fields = tails.get(text[0], set())
    if len(fields) != 1:
        return None
    h = line.bbox.height
    if any(
        other is not line and same_row(other, line) and 0 <= line.bbox.x0 - other.bbox.x1 <= 4 * h
        for other in lines
    ):
        return None  # a head was read: the split-label reader's case, or not a label at all
    field = next(iter(fields))
    if text.strip(SEPARATORS) == text[0]:
        aligned = any(
            other is not line
            and other.bbox.x0 < line.bbox.x0 - h
            and abs(other.bbox.x1 - line.bbox.x1) <= 0.6 * h
            and match_label(other, vocab) is not None
            for other in lines
        )
        value_start = len(line.text)
    else:
        aligned = any(
            other is not line
            and abs(other.bbox.x0 - line.bbox.x0) <= 0.6 * h
            and (first := normalise_with_map(other.text).text.lstrip(SEPARATORS)[:1])
            and tails.get(first, {field}) != {field}
            for other in lines
        )
        consumed = len(norm.text) - len(text) + 1
        while consumed < len(norm.text) and norm.text[consumed] in SEPARATORS:
            consumed += 1
        value_start = norm.index[consumed] if consumed < len(norm.index) else len(line.text)
    if not aligned:
        return None
    return LabelMatch(field=field, label=text[0], score=50.0, value_start=value_start, lost="first")


def _two_character_tails(vocab: Mapping[FieldName, Sequence[str]]) -> dict[str, set[FieldName]]:
    tails: dict[str, set[FieldName]] = {}
    for field, labels in vocab.items():
        for label in labels:
            if len(label) == 2:
                tails.setdefault(label[1], set()).add(field)
    return tails


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
