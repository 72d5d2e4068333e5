"""The test reports of a dossier as the report rules see them: pages and fields grouped per report."""

from __future__ import annotations

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
    return [groups[i] for i in sorted(groups)]


def application_fields(dossier: Dossier, index: int) -> dict[FieldName, FieldValue]:
    """The test application form's readings for report ``index`` (first of each field)."""
    out: dict[FieldName, FieldValue] = {}
    for v in dossier.fields.values:
        if v.document == DocType.TEST_APPLICATION_FORM and v.item == index and v.source == Source.PAPER:
            out.setdefault(v.name, v)
    return out
