"""The electronic version: a text-layer PDF read with pdfplumber (tables first, then labelled lines)."""

from __future__ import annotations

import contextlib
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
from filingcheck.models.normalize import looks_garbled, normalise

GARBLED_SHARE = 0.3
MAX_PAGES = 2000
# Checked at the start, as the paper loader and the upload check do: pdfminer would otherwise find
# PDF objects inside any file (a ZIP that stores a PDF, for one).
PDF_MAGIC = b"%PDF-"


@dataclass
class ElectronicReading:
    fields: list[FieldValue] = field(default_factory=list)
    errors: list[ProcessingError] = field(default_factory=list)
    garbled_pages: list[int] = field(default_factory=list)
    pages: int = 0


def read_electronic(path: Path, max_pages: int = MAX_PAGES) -> ElectronicReading:
    """Fields of the electronic application form and formula, with page and box (PDF points ×
    DPI/72 are not pixels of any scan, so boxes are in PDF points at 72 DPI)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError

    _check_head(path)
    reading = ElectronicReading()
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:
        # pdfplumber wraps pdfminer's errors: the original is in ``args`` (and the context).
        original = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(original, PDFEncryptionError) or isinstance(exc.__context__, PDFEncryptionError):
            raise InputError("encrypted_pdf", f"{path.name}: the electronic PDF is encrypted") from exc
        raise InputError(
            "unreadable_pdf", f"{path.name}: not a readable PDF ({original.__class__.__name__})"
        ) from exc
    try:
        _read_pages(pdf, path, reading, max_pages)
    finally:
        with contextlib.suppress(Exception):  # closing walks the damaged page tree again
            pdf.close()
    return reading


def _read_pages(pdf: object, path: Path, reading: ElectronicReading, max_pages: int) -> None:
    try:
        pages = list(pdf.pages)  # type: ignore[attr-defined]
    except Exception as exc:
        raise InputError(
            "unreadable_pdf", f"{path.name}: its pages cannot be read ({exc.__class__.__name__})"
        ) from exc
    reading.pages = len(pages)
    if reading.pages == 0:
        raise InputError("empty_pdf", f"{path.name}: the electronic PDF has no pages")
    if reading.pages > max_pages:
        raise InputError("too_many_pages", f"{path.name}: {reading.pages} pages, the limit is {max_pages}")
    for number, page in enumerate(pages, start=1):
        try:
            text = page.extract_text() or ""
            garbled = looks_garbled(text, GARBLED_SHARE)
            fields = [] if garbled else _table_fields(page, number)
        except Exception as exc:  # a damaged content stream spoils its page only (partial success)
            reading.errors.append(
                ProcessingError(
                    code="text_layer_unreadable",
                    stage=Stage.ELECTRONIC,
                    page=number,
                    source=path.name,
                    message=f"the electronic page cannot be read ({exc.__class__.__name__}); it was not read",
                )
            )
            continue
        if garbled:
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
        reading.fields.extend(fields)


def _check_head(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(len(PDF_MAGIC))
    except OSError as exc:
        raise InputError("file_not_found", f"{path.name}: cannot be opened ({exc.strerror})") from exc
    if not head:
        raise InputError("empty_file", f"{path.name}: the file is empty")
    if not head.startswith(PDF_MAGIC):
        raise InputError("unsupported_file", f"{path.name}: the electronic version is not a PDF")


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
