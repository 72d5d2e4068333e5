"""Hand-built dossiers for rule tests: field readings, pages and seals without any OCR."""

from __future__ import annotations

import datetime as dt

from filingcheck.crosscheck import CheckContext, CheckSettings, get_rule
from filingcheck.models import (
    ApplicationType,
    BBox,
    DocType,
    Dossier,
    FieldName,
    FieldSet,
    FieldValue,
    Finding,
    OcrChar,
    OcrLine,
    PageInfo,
    Seal,
    SealKind,
    Source,
    Status,
    Submission,
)
from filingcheck.models.normalize import normalise

A4 = dict(width=1654, height=2339, dpi=200.0, width_mm=210.0, height_mm=297.0)


def page(number: int, doc_type: DocType, **kw: object) -> PageInfo:
    args: dict[str, object] = {"page": number, "source": "paper.pdf", "file_page": number, **A4}
    args.update(doc_type=doc_type, doc_type_confidence=0.9, **kw)
    return PageInfo.model_validate(args)


def reading(
    name: FieldName,
    value: str,
    page: int | None = 1,
    document: DocType = DocType.APPLICATION_FORM,
    *,
    source: Source = Source.PAPER,
    confidence: float = 0.99,
    item: int | None = None,
    note: str | None = None,
    y: int = 100,
    normalised: bool = True,
) -> FieldValue:
    text = normalise(value) if normalised else value
    return FieldValue(
        name=name,
        value=text,
        raw=value,
        source=source,
        document=document,
        page=page,
        bbox=BBox(x0=100, y0=y, x1=100 + 30 * len(text), y1=y + 40) if page else None,
        confidence=confidence,
        char_confidences=[confidence] * len(text) if normalised else None,
        char_under_seal=[False] * len(text) if normalised else None,
        item=item,
        note=note,
    )


def seal(page: int, text: str | None, *, kind: SealKind = SealKind.ROUND, conf: float = 0.99) -> Seal:
    return Seal(
        page=page,
        bbox=BBox(x0=1000, y0=1500, x1=1320, y1=1820),
        kind=kind,
        centre=(1160.0, 1660.0),
        axes=(160.0, 160.0),
        confidence=0.95,
        text=text,
        text_confidence=conf if text else None,
    )


def dossier(
    pages: list[PageInfo] | None = None,
    values: list[FieldValue] | None = None,
    seals: list[Seal] | None = None,
    *,
    kind: ApplicationType = ApplicationType.DOMESTIC_NEW,
    submitted: dt.date | None = dt.date(2024, 5, 6),
    resubmission: bool | None = None,
) -> Dossier:
    return Dossier(
        submission=Submission(application_type=kind, submitted_on=submitted, resubmission=resubmission),
        pages=pages or [],
        fields=FieldSet(values=values or []),
        seals=seals or [],
    )


def run(rule_id: str, d: Dossier, settings: CheckSettings | None = None) -> list[Finding]:
    rule = get_rule(rule_id)
    if not rule.applies_to(d.submission.application_type):
        return [Finding(rule=rule_id, clause=rule.clause, status=Status.NOT_APPLICABLE, message="n/a")]
    return rule.check(d, CheckContext(settings=settings or CheckSettings()))


def statuses(findings: list[Finding]) -> set[Status]:
    return {f.status for f in findings}


def ocr_line(text: str, x: int, y: int, size: int = 34, conf: float = 0.99) -> OcrLine:
    """A line with one box per character, as PP-OCR gives them (CJK set solid at ``size`` px)."""
    chars = [
        OcrChar(
            text=c, bbox=BBox(x0=x + i * size, y0=y, x1=x + (i + 1) * size - 2, y1=y + size), confidence=conf
        )
        for i, c in enumerate(text)
    ]
    return OcrLine(
        text=text,
        bbox=BBox(x0=x, y0=y, x1=x + len(text) * size, y1=y + size),
        confidence=conf,
        chars=chars,
    )
