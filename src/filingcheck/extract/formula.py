"""Formula lines (产品配方): ingredient, amount, unit and basis, read row by row off the table."""

from __future__ import annotations

import re

from filingcheck.extract.evidence import field_from_pieces
from filingcheck.extract.layout import Piece, same_row
from filingcheck.models import DocType, FieldName, FieldValue, OcrLine, PageOcr
from filingcheck.models.normalize import normalise

UNITS = r"(?:kg|mg|μg|ug|g|ml|mL|L|IU|%|千克|毫克|微克|克|毫升|升)"
ROW = re.compile(
    rf"^(?:\d{{1,2}}[.、]?)?(?P<ingredient>[^\d%]{{1,30}}?)(?P<amount>\d+(?:\.\d+)?)(?P<unit>{UNITS})$"
)
UNIT = re.compile(UNITS)
AMOUNT = re.compile(rf"(?P<amount>\d+(?:\.\d+)?)(?P<unit>{UNITS})?")
SERIAL = re.compile(r"\d{1,2}[.、]?")
BASIS = re.compile(
    r"(?:(?:以)?制成|每|按)\s*(?P<count>\d+)\s*(?P<unit>粒|片|袋|瓶|支|丸|包|ml|mL|g|kg|克|毫升|L|升)"
    r"(?!\s*[含中])"
)
PERCENT_BASIS = re.compile(r"百分比|百分含量|质量分数|%计|\(%\)")
SKIP = ("原料", "辅料", "序号", "名称", "合计")
PERCENT = "percent"
PERCENT_LOOKALIKES = frozenset({"0", "o", "O", "○", "〇", "°", "%", "96", "%o"})


def formula_lines(ocr: PageOcr) -> list[FieldValue]:
    """One reading per table row that reads as ingredient + amount + unit; ``note`` holds the basis."""
    basis = _basis(ocr)
    values = []
    for row in _rows(ocr.lines):
        cells = [normalise(line.text) for line in row]
        if basis == PERCENT and len(cells) >= 3 and cells[-1] in PERCENT_LOOKALIKES:
            cells[-1] = "%"  # a lone % in the unit column is often read as 0 or o
        parsed = parse_row(cells)
        if parsed is None:
            continue
        ingredient, amount, unit = parsed
        pieces = [Piece(line, 0, len(line.text)) for line in row]
        value = f"{ingredient}{amount}{unit}"
        reading = field_from_pieces(
            FieldName.FORMULA_LINE, pieces, ocr, DocType.FORMULA, value=value, note=basis
        )
        if reading is not None:
            values.append(reading)
    return values


def parse_row(cells: list[str]) -> tuple[str, str, str] | None:
    """(ingredient, amount, unit) from a row's cells: serial | ingredient | amount [| unit]."""
    cells = [c for c in cells if c]
    for i in range(len(cells) - 1, 0, -1):
        amount = AMOUNT.fullmatch(cells[i])
        if amount is None:
            continue
        unit = amount["unit"] or (cells[i + 1] if i + 1 < len(cells) and UNIT.fullmatch(cells[i + 1]) else "")
        names = [c for c in cells[:i] if not SERIAL.fullmatch(c)]
        ingredient = "".join(names)
        if not unit or not ingredient or ingredient in SKIP:
            return None
        return ingredient, amount["amount"], unit
    joined = "".join(cells)
    match = ROW.match(joined)
    if match is None or match["ingredient"] in SKIP:
        return None
    return match["ingredient"], match["amount"], match["unit"]


def _rows(lines: list[OcrLine]) -> list[list[OcrLine]]:
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda ln: ln.bbox.y0):
        for row in rows:
            if same_row(row[0], line, 0.4):
                row.append(line)
                break
        else:
            rows.append([line])
    return [sorted(row, key=lambda ln: ln.bbox.x0) for row in rows]


def _basis(ocr: PageOcr) -> str | None:
    """``per 1000 片`` (what the amounts are for), ``percent`` for a percentage basis, else None."""
    for line in ocr.lines:
        text = normalise(line.text)
        found = BASIS.search(text)
        if found:
            return f"per {found['count']} {found['unit']}"
        if PERCENT_BASIS.search(text):
            return PERCENT
    return None
