"""Letter-spaced labels (名　　称, 类　　型) as OCR leaves them: cut in two, glued to the line on
their left or to their value, or with one character not read at all."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from filingcheck.extract.layout import (
    MAX_CELL_GAP,
    SEPARATORS,
    LabelMatch,
    is_label_line,
    match_label,
    same_row,
)
from filingcheck.models import FieldName, OcrLine
from filingcheck.models.normalize import normalise_with_map


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
    the tail, of one field's label only, with nothing read just left of it, standing where other
    labels' tails start (alone on its line, right-aligned with full labels of its column will also
    do); glued to its value (``称辽宁长宇…``) it must start where other tails start."""
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
    alone = text.strip(SEPARATORS) == text[0]
    # Spread labels end at their column's right edge, and their tails start at one x; a value glued
    # on hides the label's right edge, so only the tails' column can say.
    in_tails_column = any(
        other is not line
        and abs(other.bbox.x0 - line.bbox.x0) <= 0.6 * h
        and (first := normalise_with_map(other.text).text.lstrip(SEPARATORS)[:1])
        and tails.get(first, {field}) != {field}
        for other in lines
    )
    if not in_tails_column and not (alone and _right_aligned_with_a_label(line, lines, vocab)):
        return None
    if alone:
        value_start = len(line.text)
    else:
        consumed = len(norm.text) - len(text) + 1
        while consumed < len(norm.text) and norm.text[consumed] in SEPARATORS:
            consumed += 1
        value_start = norm.index[consumed] if consumed < len(norm.index) else len(line.text)
    return LabelMatch(field=field, label=text[0], score=50.0, value_start=value_start, lost="first")


def _right_aligned_with_a_label(
    line: OcrLine, lines: Sequence[OcrLine], vocab: Mapping[FieldName, Sequence[str]]
) -> bool:
    h = line.bbox.height
    return any(
        other is not line
        and other.bbox.x0 < line.bbox.x0 - h
        and abs(other.bbox.x1 - line.bbox.x1) <= 0.6 * h
        and match_label(other, vocab) is not None
        for other in lines
    )


def _two_character_tails(vocab: Mapping[FieldName, Sequence[str]]) -> dict[str, set[FieldName]]:
    tails: dict[str, set[FieldName]] = {}
    for field, labels in vocab.items():
        for label in labels:
            if len(label) == 2:
                tails.setdefault(label[1], set()).add(field)
    return tails
