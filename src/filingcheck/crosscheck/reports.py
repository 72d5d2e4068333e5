"""The test reports of a dossier as the report rules see them: pages and fields grouped per report."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from filingcheck.models import DocType, Dossier, FieldName, FieldValue, Source

UNKNOWN_PAGE = "?/?"


@dataclass
class ReportGroup:
    """One report: its index (``FieldValue.item``), its pages in order, its readings by field."""

    index: int
    pages: list[int] = field(default_factory=list)
    fields: dict[FieldName, list[FieldValue]] = field(default_factory=dict)
    declared_pages: int | None = None

    def first(self, name: FieldName) -> FieldValue | None:
        found = self.fields.get(name)
        return found[0] if found else None

    @property
    def label(self) -> str:
        number = self.first(FieldName.REPORT_NUMBER)
        title = f"report {number.value}" if number else f"report #{self.index + 1}"
        return f"{title} (page{'s' if len(self.pages) > 1 else ''} {', '.join(map(str, self.pages))})"


def report_groups(dossier: Dossier) -> list[ReportGroup]:
    """Reports in dossier order, built from the readings the extraction grouped by ``item``."""
    groups: dict[int, ReportGroup] = {}
    for v in dossier.fields.values:
        if v.document != DocType.TEST_REPORT or v.source != Source.PAPER or v.item is None:
            continue
        group = groups.setdefault(v.item, ReportGroup(index=v.item))
        group.fields.setdefault(v.name, []).append(v)
        if v.page is not None and v.page not in group.pages:
            group.pages.append(v.page)
        if v.name == FieldName.REPORT_PAGE and v.value != UNKNOWN_PAGE:
            group.declared_pages = group.declared_pages or int(v.value.split("/")[1])
    for group in groups.values():
        group.pages.sort()
    return _join_split_reports([groups[i] for i in sorted(groups)])


def _number_key(group: ReportGroup) -> str:
    number = group.first(FieldName.REPORT_NUMBER)
    return re.sub(r"[^0-9A-Za-z]", "", number.value).upper() if number else ""


def _join_split_reports(groups: list[ReportGroup]) -> list[ReportGroup]:
    """Join neighbouring groups whose report numbers differ only in punctuation: extraction keys
    reports by the number as read, so one stray dot (2021-B.J-43225 on page 2 of 2021-BJ-43225)
    split a two-page report in two, and every page-2 check then missed its fields."""
    out: list[ReportGroup] = []
    for group in groups:
        last = out[-1] if out else None
        if last is not None and _number_key(group) and _number_key(group) == _number_key(last):
            for name, values in group.fields.items():
                last.fields.setdefault(name, []).extend(values)
            last.pages = sorted({*last.pages, *group.pages})
            last.declared_pages = last.declared_pages or group.declared_pages
            continue
        out.append(group)
    return out


def application_fields(dossier: Dossier, index: int) -> dict[FieldName, FieldValue]:
    """The test application form's readings for report ``index`` (first of each field)."""
    out: dict[FieldName, FieldValue] = {}
    for v in dossier.fields.values:
        if v.document == DocType.TEST_APPLICATION_FORM and v.item == index and v.source == Source.PAPER:
            out.setdefault(v.name, v)
    return out
