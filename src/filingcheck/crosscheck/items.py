"""Where each listed item shows in a dossier: contents entries, cover sheets and pages of its kind."""

from __future__ import annotations

from dataclasses import dataclass, field

from filingcheck.crosscheck.checklist import Checklist, ChecklistItem
from filingcheck.models import DocType, Dossier, FieldName, FieldValue, Source


@dataclass
class ItemEvidence:
    """What shows one checklist item: contents entries, cover sheets, pages of its document kinds."""

    item: ChecklistItem
    listed: list[FieldValue] = field(default_factory=list)
    covers: list[FieldValue] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)

    @property
    def present(self) -> bool:
        return bool(self.covers or self.pages)


@dataclass
class DossierItems:
    """Every item's evidence, plus printed names that match no listed item."""

    items: dict[int, ItemEvidence]
    unmatched_entries: list[FieldValue]
    unmatched_covers: list[FieldValue]
    cover_pages: list[int]


def items_of(dossier: Dossier, checklist: Checklist, min_ratio: float) -> DossierItems:
    evidence = {i.number: ItemEvidence(i) for i in checklist.items}
    unmatched_entries: list[FieldValue] = []
    unmatched_covers: list[FieldValue] = []
    for entry in contents_entries(dossier):
        item = checklist.match(entry.value, entry.item, min_ratio)
        (evidence[item.number].listed if item else unmatched_entries).append(entry)
    for name in dossier.fields.get(FieldName.ITEM_NAME, source=Source.PAPER):
        item = checklist.match(name.value, name.item, min_ratio)
        if name.document != DocType.COVER_SHEET:
            # A page's own heading: the item's content is there, whatever kind of page it is.
            if item is not None and name.page is not None:
                evidence[item.number].pages.append(name.page)
            continue
        (evidence[item.number].covers if item else unmatched_covers).append(name)
    for page in dossier.pages:
        for ev in evidence.values():
            if page.doc_type in ev.item.doc_types and page.page not in ev.pages:
                ev.pages.append(page.page)
    for ev in evidence.values():
        ev.pages.sort()
    covers = [p.page for p in dossier.pages if p.doc_type == DocType.COVER_SHEET]
    return DossierItems(evidence, unmatched_entries, unmatched_covers, covers)


def contents_entries(dossier: Dossier) -> list[FieldValue]:
    """The table of contents' entries in printed order (page, then line)."""
    entries = dossier.fields.get(FieldName.TOC_ITEM, source=Source.PAPER, document=DocType.TABLE_OF_CONTENTS)
    return sorted(entries, key=lambda v: (v.page or 0, v.bbox.y0 if v.bbox else 0))


def form_entries(dossier: Dossier) -> list[FieldValue]:
    """The application form's 所附资料 entries in printed order."""
    entries = dossier.fields.get(FieldName.TOC_ITEM, source=Source.PAPER, document=DocType.APPLICATION_FORM)
    return sorted(entries, key=lambda v: (v.page or 0, v.bbox.y0 if v.bbox else 0))
