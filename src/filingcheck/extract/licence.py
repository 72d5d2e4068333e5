"""Business-licence fields: the credit code (checked and repaired), name, domicile, and the rest;
the same fields of an institution certificate, and an individual applicant's identity card."""

from __future__ import annotations

import re

from filingcheck.extract.dates import parse_date, parse_term
from filingcheck.extract.evidence import field_from_pieces
from filingcheck.extract.form import labelled_fields
from filingcheck.extract.labels import GLUED_LABEL_FIELDS, IDENTITY_LABELS, LICENCE_LABELS
from filingcheck.extract.layout import Piece, same_row
from filingcheck.models import DocType, FieldName, FieldValue, OcrLine, PageOcr, idnumber, uscc
from filingcheck.models.normalize import normalise

REPAIRED_CONFIDENCE = 0.6
# Numbers a licence prints beside the credit code: its serial number, the old registration number.
OTHER_NUMBER_LABELS = ("编号", "证照编号", "注册号", "登记证号", "No")
_CODE_CHARS = re.compile(r"[0-9A-Za-zＡ-Ｚａ-ｚ０-９]{15,20}")
GLUED_LABELS = tuple(
    label for field in GLUED_LABEL_FIELDS for label in LICENCE_LABELS[field] if len(label) >= 4
)
_ID_CHARS = re.compile(r"(?<![0-9A-Za-z０-９])[1-9１-９][0-9０-９]{16}[0-9０-９XxＸｘ](?![0-9A-Za-z０-９])")


def licence_fields(ocr: PageOcr, document: DocType = DocType.BUSINESS_LICENCE) -> list[FieldValue]:
    """All licence fields found; dates become ISO, the term an ISO interval."""
    values: list[FieldValue] = []
    code = credit_code(ocr, document)
    for value in labelled_fields(ocr, document, LICENCE_LABELS, glued_labels=GLUED_LABELS):
        if value.name == FieldName.USCC:
            continue
        if value.name == FieldName.FOUNDED_ON:
            iso = parse_date(value.raw)
            value = value.model_copy(
                update={"value": iso or value.value, "char_confidences": None, "char_boxes": None}
            )
        elif value.name == FieldName.LICENCE_TERM:
            term = parse_term(value.raw)
            value = value.model_copy(
                update={"value": term or value.value, "char_confidences": None, "char_boxes": None}
            )
        values.append(value)
    if code is not None:
        values.insert(0, code)
    return values


def credit_code(ocr: PageOcr, document: DocType) -> FieldValue | None:
    """The 18-character code: a valid one wins; an OCR confusion is repaired only when unique."""
    candidates: list[tuple[int, FieldValue]] = []
    for line in ocr.lines:
        for match in _CODE_CHARS.finditer(line.text):
            raw = match.group(0)
            for start, text in _windows(raw, match.start()):
                reading = uscc.repair(text)
                piece = Piece(line, start, start + len(text))
                rank = 0 if reading.valid and not reading.repaired else 1 if reading.valid else 2
                if reading.repaired:
                    value = field_from_pieces(
                        FieldName.USCC,
                        [piece],
                        ocr,
                        document,
                        value=reading.code,
                        confidence_cap=REPAIRED_CONFIDENCE,
                        note=f"read as {text}, repaired by the check character",
                    )
                else:
                    value = field_from_pieces(
                        FieldName.USCC, [piece], ocr, document, value=uscc.normalise(text)
                    )
                if value is not None:
                    candidates.append((rank - _label_bonus(line, ocr.lines) + _other_number(line), value))
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[0])[1]


def identity_card_fields(ocr: PageOcr) -> list[FieldValue]:
    """An individual applicant's identity card: 姓名 (as the licence's name, which the rules compare
    with the form) and the 18-character number, a valid one first."""
    values = labelled_fields(ocr, DocType.IDENTITY_CARD, IDENTITY_LABELS)
    numbers: list[tuple[bool, FieldValue]] = []
    for line in ocr.lines:
        for match in _ID_CHARS.finditer(line.text):
            number = uscc.normalise(match.group(0))  # full-width digits folded, x upper-cased
            piece = Piece(line, match.start(), match.end())
            value = field_from_pieces(FieldName.ID_NUMBER, [piece], ocr, DocType.IDENTITY_CARD, value=number)
            if value is not None:
                numbers.append((idnumber.is_valid(number), value))
    numbers.sort(key=lambda n: not n[0])
    return values + [value for _, value in numbers[:1]]


def _windows(raw: str, offset: int) -> list[tuple[int, str]]:
    """18-character windows of a run of code characters (OCR may glue a neighbour on)."""
    if len(raw) == 18:
        return [(offset, raw)]
    if len(raw) < 18:
        return [(offset, raw)] if len(raw) >= 17 else []
    return [(offset + i, raw[i : i + 18]) for i in range(len(raw) - 17)]


def _label_bonus(line: OcrLine, lines: list[OcrLine]) -> int:
    """1 for a code under its label, beside it, or on the label's own line."""
    if "代码" in line.text or "信用" in line.text:
        return 1
    h = line.bbox.height
    for label in lines:
        if label is line or "信用代码" not in label.text:
            continue
        below = (
            0 <= line.bbox.y0 - label.bbox.y1 + 0.3 * h <= 1.5 * h
            and abs(line.bbox.x0 - label.bbox.x0) <= 3 * h
        )
        beside = same_row(line, label) and 0 <= line.bbox.x0 - label.bbox.x1 <= 8 * h
        if below or beside:
            return 1
    return 0


def _other_number(line: OcrLine) -> int:
    """2 for a number labelled as another one (the licence's own serial 编号, an old 注册号)."""
    head = normalise(line.text)[:6]
    return 2 if any(head.startswith(label) for label in OTHER_NUMBER_LABELS) else 0
