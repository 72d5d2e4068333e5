"""Which pages make one test report: by report number, 第k页 共n页 and adjacency, in page order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from filingcheck.models import DocType, FieldName, FieldValue

REPORT_DOCUMENTS = (DocType.TEST_REPORT, DocType.TEST_APPLICATION_FORM)


@dataclass
class _Report:
    pages: list[int] = field(default_factory=list)
    number: str | None = None
    declared: int | None = None


def group_reports(values: list[FieldValue], pages: Sequence[tuple[int, DocType]]) -> list[FieldValue]:
    """``values`` with ``item`` set to the report index on test-report pages, and on each test
    application form to the index of the report that follows it (the notice puts it in front)."""
    numbers: dict[int, str] = {}
    positions: dict[int, tuple[int, int]] = {}
    for v in values:
        if v.document != DocType.TEST_REPORT or v.page is None:
            continue
        if v.name == FieldName.REPORT_NUMBER:
            numbers.setdefault(v.page, v.value)
        elif v.name == FieldName.REPORT_PAGE and "?" not in v.value:
            k, n = v.value.split("/")
            positions[v.page] = (int(k), int(n))
    reports: list[_Report] = []
    for page in sorted(p for p, doc in pages if doc == DocType.TEST_REPORT):
        number, position = numbers.get(page), positions.get(page)
        current = reports[-1] if reports else None
        if current is None or _starts_new(current, page, number, position):
            current = _Report()
            reports.append(current)
        current.pages.append(page)
        current.number = current.number or number
        current.declared = current.declared or (position[1] if position else None)
    index = {page: i for i, r in enumerate(reports) for page in r.pages}
    forms = sorted(p for p, doc in pages if doc == DocType.TEST_APPLICATION_FORM)
    for page in forms:
        following = [i for i, r in enumerate(reports) if r.pages[0] > page]
        if following:
            index[page] = following[0]
    return [
        v.model_copy(update={"item": index[v.page]})
        if v.document in REPORT_DOCUMENTS and v.page in index and v.name.value.startswith("report_")
        else v
        for v in values
    ]


def _starts_new(current: _Report, page: int, number: str | None, position: tuple[int, int] | None) -> bool:
    if position is not None and position[0] == 1:
        return True
    if number is not None and current.number is not None:
        return number != current.number
    if current.declared is not None and len(current.pages) >= current.declared:
        return True
    return page != current.pages[-1] + 1
