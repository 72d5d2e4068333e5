"""The extraction stage: which reader runs on which page type, in page order."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from filingcheck.extract.form import application_form_fields, cover_sheet_fields
from filingcheck.extract.formula import formula_lines
from filingcheck.extract.licence import licence_fields
from filingcheck.models import DocType, FieldSet, FieldValue, PageOcr

Reader = Callable[[PageOcr], list[FieldValue]]

READERS: dict[DocType, Reader] = {
    DocType.APPLICATION_FORM: application_form_fields,
    DocType.COVER_SHEET: cover_sheet_fields,
    DocType.BUSINESS_LICENCE: licence_fields,
    DocType.FORMULA: formula_lines,
    DocType.INSTITUTION_CERTIFICATE: lambda ocr: licence_fields(ocr, DocType.INSTITUTION_CERTIFICATE),
}


def extract_fields(pages: Sequence[tuple[PageOcr, DocType]]) -> FieldSet:
    """Every field reading on every page whose type carries fields."""
    values: list[FieldValue] = []
    for ocr, doc_type in pages:
        reader = READERS.get(doc_type)
        if reader is not None:
            values.extend(reader(ocr))
    return FieldSet(values=values)
