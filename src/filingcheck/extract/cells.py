"""Reading a ruled form cell by cell: OCR text assigned to table cells, then label cell → value cell.

A cell border settles what the line reader has to guess from gaps: which text is the label's,
where a wrapped value ends, and which letter-spaced fragments make one label. Text is assigned
per character where the engine gave character boxes (a line the engine ran across a border is
cut there), else per line by overlap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from filingcheck.extract.evidence import field_from_pieces
from filingcheck.extract.layout import SEPARATORS, LabelMatch, Piece, is_label_line, match_label, same_row
from filingcheck.models import BBox, DocType, FieldName, FieldValue, OcrLine, PageOcr
from filingcheck.models.grid import TableCell, TableGrid
from filingcheck.models.normalize import normalise_with_map

# Share of a line (without character boxes) that must lie in a cell for the line to be its.
MIN_LINE_OVERLAP = 0.5
# Labels this long do not occur inside a name or address by chance.
MIN_LABEL_IN_VALUE = 4
# A label cell that lost one character of a long label still reads this much like it.
MIN_WHOLE_CELL_SCORE = 80.0


@dataclass(frozen=True)
class CellText:
    """The text of one cell: pieces of OCR lines in reading order."""

    cell: TableCell
    pieces: tuple[Piece, ...]

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)


def grid_fields(
    ocr: PageOcr,
    document: DocType,
    vocab: Mapping[FieldName, Sequence[str]],
    stop_labels: Sequence[str],
) -> list[FieldValue]:
    """Fields read from the page's ruled tables (first reading of each field only)."""
    found: dict[FieldName, FieldValue] = {}
    for table in ocr.tables:
        texts = cell_texts(ocr.lines, table)
        used: set[tuple[int, int]] = set()
        for key in sorted(texts, key=lambda k: (k[0], k[1])):
            if key in used:
                continue
            label = texts[key]
            match = _label_of(label, vocab)
            if match is None:
                continue
            used.add(key)
            pieces = _rest_after(label, match.value_start)
            if pieces and is_label_line(_probe_text("".join(p.text for p in pieces)), stop_labels):
                pieces = []  # two label cells merged where their rule was not seen: not a value
            if not pieces:
                value_cell = _value_cell(label.cell, table, texts, stop_labels, used)
                if value_cell is None:
                    continue
                used.add((value_cell.cell.row, value_cell.cell.col))
                pieces = list(value_cell.pieces)
            if match.field in found or _holds_label("".join(p.text for p in pieces), stop_labels):
                continue
            note = None if match.score == 100 else f"label read as {label.text[: len(match.label)]!r}"
            value = field_from_pieces(match.field, pieces, ocr, document, note=note)
            if value is not None and value.value:
                found[match.field] = value
    return list(found.values())


def cell_texts(lines: Sequence[OcrLine], table: TableGrid) -> dict[tuple[int, int], CellText]:
    """Each non-empty cell's text, keyed by the cell's (row, col)."""
    parts: dict[tuple[int, int], list[Piece]] = {}
    for line in lines:
        for cell, piece in _split(line, table.cells):
            parts.setdefault((cell.row, cell.col), []).append(piece)
    cells = {(c.row, c.col): c for c in table.cells}
    return {key: CellText(cells[key], tuple(_reading_order(pieces))) for key, pieces in parts.items()}


def _split(line: OcrLine, cells: Sequence[TableCell]) -> list[tuple[TableCell, Piece]]:
    if len(line.chars) != len(line.text) or not line.text:
        cell = _best_cell(line.bbox, cells)
        return [] if cell is None else [(cell, Piece(line, 0, len(line.text)))]
    runs: list[tuple[TableCell | None, int, int]] = []
    for i, char in enumerate(line.chars):
        cell = _cell_holding(char.bbox, cells)
        if runs and runs[-1][0] is cell:
            runs[-1] = (cell, runs[-1][1], i + 1)
        else:
            runs.append((cell, i, i + 1))
    return [(cell, Piece(line, start, end)) for cell, start, end in runs if cell is not None]


def _cell_holding(box: BBox, cells: Sequence[TableCell]) -> TableCell | None:
    x, y = box.centre
    return next((c for c in cells if c.bbox.contains_point(x, y)), None)


def _best_cell(box: BBox, cells: Sequence[TableCell]) -> TableCell | None:
    best = max(cells, key=lambda c: c.bbox.intersection_area(box), default=None)
    if best is None or best.bbox.intersection_area(box) < MIN_LINE_OVERLAP * max(1, box.area):
        return None
    return best


def _reading_order(pieces: list[Piece]) -> list[Piece]:
    rows: list[list[Piece]] = []
    for piece in sorted(pieces, key=lambda p: (p.line.bbox.y0 + p.line.bbox.y1, p.line.bbox.x0)):
        row = next((r for r in rows if same_row(r[0].line, piece.line)), None)
        if row is None:
            rows.append([piece])
        else:
            row.append(piece)
    return [p for row in rows for p in sorted(row, key=lambda p: _piece_x(p))]


def _piece_x(piece: Piece) -> int:
    line = piece.line
    if len(line.chars) == len(line.text) and piece.start < len(line.chars):
        return line.chars[piece.start].bbox.x0
    return line.bbox.x0


def _probe(text: CellText) -> OcrLine:
    return OcrLine(text=text.text, bbox=text.cell.bbox, confidence=1.0)


def _probe_text(text: str) -> OcrLine:
    return OcrLine(text=text, bbox=BBox(x0=0, y0=0, x1=1, y1=1), confidence=1.0)


def _label_of(text: CellText, vocab: Mapping[FieldName, Sequence[str]]) -> LabelMatch | None:
    """The label a cell starts with; or, since a label cell holds nothing else, the label the
    whole cell reads like (``理编号``: OCR lost the 受 of a letter-spaced 受理编号)."""
    if not text.text.strip():
        return None
    match = match_label(_probe(text), vocab)
    if match is not None:
        return match
    norm = normalise_with_map(text.text).text
    best: LabelMatch | None = None
    for field, labels in vocab.items():
        for label in labels:
            if len(label) < MIN_LABEL_IN_VALUE or not 0 < len(label) - len(norm) <= 1:
                continue
            score = fuzz.ratio(norm, label)
            if score >= MIN_WHOLE_CELL_SCORE and (best is None or score > best.score):
                best = LabelMatch(field=field, label=label, score=score, value_start=len(text.text))
    return best


def _rest_after(text: CellText, offset: int) -> list[Piece]:
    """The pieces of a cell after character ``offset`` of its joined text (a value in the label's cell)."""
    out: list[Piece] = []
    at = 0
    for piece in text.pieces:
        length = piece.end - piece.start
        if at + length > offset:
            out.append(Piece(piece.line, piece.start + max(0, offset - at), piece.end))
        at += length
    while out and not out[0].text.strip(SEPARATORS):
        out.pop(0)
    if out:
        first = out[0]
        skip = len(first.text) - len(first.text.lstrip(SEPARATORS))
        out[0] = Piece(first.line, first.start + skip, first.end)
    return out


def _holds_label(text: str, stop_labels: Sequence[str]) -> bool:
    """A value that contains another field's label: its cell swallowed a neighbour whose border
    was not seen, so the line reader (which stops at labels) reads this one instead."""
    norm = normalise_with_map(text).text
    return any(len(label) >= MIN_LABEL_IN_VALUE and label in norm for label in stop_labels)


def _value_cell(
    label: TableCell,
    table: TableGrid,
    texts: Mapping[tuple[int, int], CellText],
    stop_labels: Sequence[str],
    used: set[tuple[int, int]],
) -> CellText | None:
    """The cell right of the label, or the one below it where the right one is empty or absent."""
    for row, col in ((label.row, label.last_col + 1), (label.last_row + 1, label.col)):
        cell = table.cell_at(row, col)
        if cell is None or (cell.row, cell.col) in used:
            continue
        text = texts.get((cell.row, cell.col))
        if text is None or not text.text.strip(SEPARATORS):
            continue
        if is_label_line(_probe(text), stop_labels):
            return None  # the neighbour is another label: this label's value was left blank
        return text
    return None
