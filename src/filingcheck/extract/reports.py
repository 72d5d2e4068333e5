"""Test reports (检验报告) and their application forms: the fields the report rules compare, per page."""

from __future__ import annotations

import re

from filingcheck.extract.dates import find_dates, parse_date
from filingcheck.extract.evidence import field_from_pieces
from filingcheck.extract.form import form_fields, labelled_fields
from filingcheck.extract.labels import REPORT_LABELS
from filingcheck.extract.layout import Piece, match_label
from filingcheck.models import BBox, DocType, FieldName, FieldValue, OcrLine, PageOcr, Source
from filingcheck.models.normalize import normalise

_PAGE_OF = (
    re.compile(r"第(?P<k>\d{1,3})页[,;/]?共(?P<n>\d{1,3})页"),
    re.compile(r"共(?P<n>\d{1,3})页[,;/]?第(?P<k>\d{1,3})页"),
    re.compile(r"(?i)page(?P<k>\d{1,3})of(?P<n>\d{1,3})"),
)
INSTITUTION = re.compile(r"(研究院|研究所|检验所|检测所|中心|院|所|公司|站|实验室|大学)$")
TITLE_SHARE = 0.12
UNKNOWN_PAGE = "?/?"
# Labels whose dates are not the issue date.
OTHER_DATES = ("收样", "检验日期", "检测日期", "受理", "抽样", "生产日期", "到样", "申请日期", "有效期")


def test_report_fields(ocr: PageOcr) -> list[FieldValue]:
    """Report number, sample, submitter, manufacturer, batch, issue date, institution, conclusion,
    and where this page sits in its report (``report_page`` = ``k/n``, ``?/?`` when not printed)."""
    values = []
    for value in labelled_fields(ocr, DocType.TEST_REPORT, REPORT_LABELS):
        dated = _as_date(value) if value.name == FieldName.REPORT_ISSUED_ON else value
        if dated is not None:
            values.append(dated)
    have = {v.name for v in values}
    if FieldName.REPORT_ISSUED_ON not in have:
        issued = _unlabelled_issue_date(ocr)
        if issued is not None:
            values.append(issued)
    if FieldName.REPORT_INSTITUTION not in have:
        institution = _header_institution(ocr)
        if institution is not None:
            values.append(institution)
    if FieldName.REPORT_CONCLUSION not in have:
        conclusion = _conclusion_label(ocr)
        if conclusion is not None:
            values.append(conclusion)
    values.append(report_page(ocr))
    return values


def test_application_fields(ocr: PageOcr) -> list[FieldValue]:
    """The test application form (检验申请表): what the reports must repeat."""
    return form_fields(ocr, DocType.TEST_APPLICATION_FORM, REPORT_LABELS)


def page_of(text: str) -> tuple[int, int] | None:
    """(k, n) from 第k页 共n页 and its variants."""
    norm = normalise(text).replace(" ", "")
    for pattern in _PAGE_OF:
        m = pattern.search(norm)
        if m and 0 < int(m["k"]) <= int(m["n"]):
            return int(m["k"]), int(m["n"])
    return None


def report_page(ocr: PageOcr) -> FieldValue:
    """The page's place in its report; every report page gets one, so rules can count pages."""
    for line in ocr.lines:
        found = page_of(line.text)
        if found is None:
            continue
        value = field_from_pieces(
            FieldName.REPORT_PAGE,
            [Piece(line, 0, len(line.text))],
            ocr,
            DocType.TEST_REPORT,
            value=f"{found[0]}/{found[1]}",
        )
        if value is not None:
            return value
    return FieldValue(
        name=FieldName.REPORT_PAGE,
        value=UNKNOWN_PAGE,
        raw="",
        source=Source.PAPER,
        document=DocType.TEST_REPORT,
        page=ocr.page,
        confidence=0.0,
        note="no page number was read",
    )


def _as_date(value: FieldValue) -> FieldValue | None:
    iso = parse_date(value.raw)
    if iso is None:
        return None
    return value.model_copy(
        update={"value": iso, "char_confidences": None, "char_under_seal": None, "char_boxes": None}
    )


def _unlabelled_issue_date(ocr: PageOcr) -> FieldValue | None:
    """A date standing alone in the lower right, where the institution signs and seals."""
    candidates = []
    for line in ocr.lines:
        norm = normalise(line.text)
        if line.bbox.y0 < 0.4 * ocr.height or line.bbox.x1 < 0.5 * ocr.width:
            continue
        dates = find_dates(norm)
        if len(dates) != 1 or any(word in norm for word in OTHER_DATES):
            continue
        candidates.append(line)
    if not candidates:
        return None
    line = max(candidates, key=lambda ln: ln.bbox.y0)
    value = field_from_pieces(
        FieldName.REPORT_ISSUED_ON,
        [Piece(line, 0, len(line.text))],
        ocr,
        DocType.TEST_REPORT,
        note="unlabelled date at the foot of the report",
    )
    return _as_date(value) if value is not None else None


def _header_institution(ocr: PageOcr) -> FieldValue | None:
    """The institution's name printed as the page heading."""
    top = [ln for ln in ocr.lines if ln.bbox.y1 <= TITLE_SHARE * ocr.height]
    for line in sorted(top, key=lambda ln: ln.bbox.y0):
        text = normalise(line.text)
        if len(text) >= 6 and INSTITUTION.search(text) and "报告" not in text:
            return field_from_pieces(
                FieldName.REPORT_INSTITUTION, [Piece(line, 0, len(line.text))], ocr, DocType.TEST_REPORT
            )
    return None


def _conclusion_label(ocr: PageOcr) -> FieldValue | None:
    """Where the conclusion is, when its text is not beside its label (a boxed paragraph)."""
    vocab = {FieldName.REPORT_CONCLUSION: REPORT_LABELS[FieldName.REPORT_CONCLUSION]}
    for line in ocr.lines:
        if match_label(line, vocab) is None:
            continue
        value = field_from_pieces(
            FieldName.REPORT_CONCLUSION, [Piece(line, 0, len(line.text))], ocr, DocType.TEST_REPORT
        )
        if value is not None:
            return value.model_copy(update={"note": "label only; the conclusion text was not read"})
    return None


def line_box(line: OcrLine, ocr: PageOcr) -> BBox:
    return ocr.to_scan(line.bbox)
