"""The electronic version: a text-layer PDF read with pdfplumber (tables first, then labelled lines)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from filingcheck.extract.labels import FORM_LABELS
from filingcheck.models import (
    BBox,
    DocType,
    FieldName,
    FieldValue,
    InputError,
    ProcessingError,
    Source,
    Stage,
)
from filingcheck.models.normalize import normalise

GARBLED_SHARE = 0.3
_CID = re.compile(r"\(cid:\d+\)")


@dataclass
class ElectronicReading:
    fields: list[FieldValue] = field(default_factory=list)
    errors: list[ProcessingError] = field(default_factory=list)
    garbled_pages: list[int] = field(default_factory=list)
    pages: int = 0


def read_electronic(path: Path) -> ElectronicReading:
    """Fields of the electronic application form and formula, with page and box (PDF points ×
    DPI/72 are not pixels of any scan, so boxes are in PDF points at 72 DPI)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    reading = ElectronicReading()
    try:
        pdf = pdfplumber.open(path)
    except PDFPasswordIncorrect as exc:
        raise InputError("encrypted_pdf", f"{path.name}: the electronic PDF is encrypted") from exc
    except (PDFSyntaxError, Exception) as exc:
        raise InputError(
            "unreadable_pdf", f"{path.name}: not a readable PDF ({exc.__class__.__name__})"
        ) from exc
    with pdf:
        reading.pages = len(pdf.pages)
        for number, page in enumerate(pdf.pages, start=1):
            text = page.extract_text() or ""
            if _is_garbled(text):
                reading.garbled_pages.append(number)
                reading.errors.append(
                    ProcessingError(
                        code="text_layer_garbled" if text.strip() else "text_layer_empty",
                        stage=Stage.ELECTRONIC,
                        page=number,
                        source=path.name,
                        message="the electronic page has no usable text layer; it was not read",
                    )
                )
                continue
            reading.fields.extend(_table_fields(page, number))
    return reading


def _is_garbled(text: str) -> bool:
    stripped = re.sub(r"\s", "", text)
    if not stripped:
        return True
    cid = sum(len(m) for m in _CID.findall(stripped))
    odd = sum(1 for c in stripped if c == "\ufffd" or (0xE000 <= ord(c) <= 0xF8FF))
    return (cid + odd) / len(stripped) > GARBLED_SHARE


def _label_field(label: str) -> FieldName | None:
    label = normalise(label).rstrip(":")
    for name, variants in FORM_LABELS.items():
        if label in variants:
            return name
    return None


def _table_fields(page: object, number: int) -> list[FieldValue]:
    values: list[FieldValue] = []
    seen: set[FieldName] = set()
    for table in page.find_tables():  # type: ignore[attr-defined]
        for row in table.rows:
            cells = [c for c in row.cells]
            texts = [(_cell_text(page, c) if c else "") for c in cells]
            for i, label in enumerate(texts[:-1]):
                name = _label_field(label)
                if name is None or name in seen or cells[i + 1] is None:
                    continue
                raw = texts[i + 1]
                if not raw.strip():
                    continue
                seen.add(name)
                values.append(_value(name, raw, number, cells[i + 1]))
            values.extend(_formula_row(texts, number, cells))
    return values


def _formula_row(texts: list[str], number: int, cells: list[object]) -> list[FieldValue]:
    """A formula table row: ingredient | amount | unit (header rows are skipped)."""
    if len(texts) < 3 or not texts[1].strip():
        return []
    amount = normalise(texts[1])
    if not re.fullmatch(r"\d+(\.\d+)?%?", amount):
        return []
    raw = f"{texts[0].strip()} {texts[1].strip()}{texts[2].strip()}"
    box = cells[0]
    return [_value(FieldName.FORMULA_LINE, raw, number, box, document=DocType.FORMULA)]


def _cell_text(page: object, cell: object) -> str:
    cropped = page.within_bbox(cell)  # type: ignore[attr-defined]
    return str(cropped.extract_text() or "").replace("\n", "")


def _value(
    name: FieldName, raw: str, page: int, cell: object, document: DocType = DocType.APPLICATION_FORM
) -> FieldValue:
    x0, top, x1, bottom = (float(v) for v in cell)  # type: ignore[attr-defined]
    return FieldValue(
        name=name,
        value=normalise(raw),
        raw=raw,
        source=Source.ELECTRONIC,
        document=document,
        page=page,
        bbox=BBox.of(x0, top, x1, bottom),
        confidence=1.0,
    )
