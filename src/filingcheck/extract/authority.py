"""The registration authority (登记机关) of a licence read off its seal.

Licences printed since the 2019 style carry no authority name in print: 登记机关 is followed by the
authority's red seal alone, so the seal's arc text is the only reading there is."""

from __future__ import annotations

import re
from collections.abc import Sequence

from filingcheck.extract.labels import LICENCE_LABELS
from filingcheck.extract.layout import is_label_line
from filingcheck.models import DocType, FieldName, FieldValue, OcrLine, PageOcr, Seal, Source
from filingcheck.models.normalize import normalise
from filingcheck.models.organisations import ORGANISATION_NAME

# What an office's name looks like: the body's kind, or how an office's name ends.
AUTHORITY_NAME = re.compile(
    r"(市场监督|工商行政|食品药品监督|行政审批|事业单位登记|机构编制|公安)"
    r"|(局|委员会|办公室|厅)$"
)
# An office's name is a place and a body (沈阳市浑南区 + 市场监督管理局): a shorter reading is part of
# the arc, not a name to report.
MIN_NAME_CHARS = 6
# A seal reading is less sure than print: the value is capped so a rule weighs it as such.
SEAL_READING_CAP = 0.9


def authority_from_seals(ocr: PageOcr, document: DocType, seals: Sequence[Seal]) -> FieldValue | None:
    """The authority's name from the seal that reads like an office, nearest the 登记机关 label."""
    offices = [
        seal
        for seal in seals
        if seal.page == ocr.page
        and seal.text
        and len(normalise(seal.text)) >= MIN_NAME_CHARS
        and AUTHORITY_NAME.search(normalise(seal.text))
        # An applicant's seal on the copy (此复印件与原件一致) is never the authority's.
        and not ORGANISATION_NAME.search(normalise(seal.text))
    ]
    if not offices:
        return None
    label = _label_line(ocr.lines)
    if label is not None:
        lx, ly = ocr.to_scan(label.bbox).centre
        seal = min(offices, key=lambda s: (s.centre[0] - lx) ** 2 + (s.centre[1] - ly) ** 2)
    else:
        seal = max(offices, key=lambda s: s.text_confidence or 0.0)
    text = seal.text or ""
    return FieldValue(
        name=FieldName.REGISTRATION_AUTHORITY,
        value=normalise(text),
        raw=text,
        source=Source.SEAL,
        document=document,
        page=seal.page,
        bbox=seal.bbox,
        confidence=round(min(seal.text_confidence or 0.0, SEAL_READING_CAP), 4),
        note="read from the registration authority's seal (the licence prints no name)"
        + (
            f"; read freely as {seal.text_read}, held to the table of real authorities"
            if seal.text_read
            else ""
        ),
    )


def with_authority(read: list[FieldValue], sealed: FieldValue | None) -> list[FieldValue]:
    """A licence's readings with the authority off its seal where print gave none, or gave only a
    scrap (the seal's characters over the label read as a value: ``华``)."""
    printed = [v for v in read if v.name == FieldName.REGISTRATION_AUTHORITY]
    if sealed is None or any(len(v.value) >= MIN_NAME_CHARS for v in printed):
        return read
    return [v for v in read if v.name != FieldName.REGISTRATION_AUTHORITY] + [sealed]


def _label_line(lines: Sequence[OcrLine]) -> OcrLine | None:
    labels = LICENCE_LABELS[FieldName.REGISTRATION_AUTHORITY]
    return next((line for line in lines if is_label_line(line, labels)), None)
