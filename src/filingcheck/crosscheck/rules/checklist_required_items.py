"""二–十: every item the application type requires is in the dossier; missing ones by number and name."""

from __future__ import annotations

from typing import ClassVar

from filingcheck.crosscheck.base import CheckContext, register_rule
from filingcheck.crosscheck.checklist import ChecklistItem, load_checklist
from filingcheck.crosscheck.evidence import evidence_of
from filingcheck.crosscheck.items import ItemEvidence, items_of
from filingcheck.models import ApplicationType, Dossier, EvidenceRole, Finding, Status

# With this many cover sheets the dossier shows where its items start, so an item without
# one (and without pages of a kind we recognise) is missing rather than unseen.
STRUCTURED_COVERS = 2


@register_rule
class ChecklistRequiredItems:
    id: ClassVar[str] = "checklist.required_items"
    # The rule spans sections 二–十; each finding cites the one section of its application type.
    clause: ClassVar[str] = "二–十"
    title: ClassVar[str] = "申报资料项目齐全"

    def applies_to(self, application_type: ApplicationType) -> bool:
        return True

    def check(self, dossier: Dossier, context: CheckContext) -> list[Finding]:
        checklist = load_checklist(dossier.submission.application_type)
        found = items_of(dossier, checklist, context.settings.item_name_ratio)
        structured = len(found.cover_pages) >= STRUCTURED_COVERS
        missing: list[ItemEvidence] = []
        unsure: list[ItemEvidence] = []
        present: list[ItemEvidence] = []
        conditional: list[ChecklistItem] = []
        groups: dict[str, list[ItemEvidence]] = {}
        for ev in found.items.values():
            item = ev.item
            if not item.paper:
                continue
            if item.group:
                groups.setdefault(item.group, []).append(ev)
                continue
            if ev.present:
                present.append(ev)
            elif not item.required:
                conditional.append(item)
            elif item.doc_types or structured:
                missing.append(ev)
            else:
                unsure.append(ev)
        for members in groups.values():
            shown = [ev for ev in members if ev.present]
            present += shown
            if not shown:
                (missing if structured or all(ev.item.doc_types for ev in members) else unsure).append(
                    members[0]
                )
        section = f"section {checklist.section} ({checklist.title})"
        findings = []
        if missing:
            findings.append(
                self._finding(
                    Status.FAIL, missing, present, f"missing from the dossier ({section})", checklist.section
                )
            )
        if unsure:
            findings.append(
                self._finding(
                    Status.UNCERTAIN,
                    unsure,
                    present,
                    "not recognised: no cover sheet names them and their pages have no kind of their own; "
                    "a person must look",
                    checklist.section,
                )
            )
        if not findings:
            note = f"; conditional items not checked: {_names(conditional)}" if conditional else ""
            findings.append(
                Finding(
                    rule=self.id,
                    clause=checklist.section,
                    status=Status.PASS,
                    pages=sorted({p for ev in present for p in _pages(ev)}),
                    evidence=[evidence_of(c, EvidenceRole.FOUND) for ev in present for c in ev.covers],
                    message=f"all {len(present)} required items of {section} are present{note}",
                )
            )
        return findings

    def _finding(
        self, status: Status, items: list[ItemEvidence], present: list[ItemEvidence], why: str, clause: str
    ) -> Finding:
        listed = [c for ev in items for c in ev.listed]
        return Finding(
            rule=self.id,
            clause=clause,
            field="items",
            status=status,
            expected=_names([ev.item for ev in items]),
            found=f"present: {', '.join(str(ev.item.number) for ev in present)}" if present else "none",
            pages=sorted({c.page for c in listed if c.page}),
            evidence=[evidence_of(c, EvidenceRole.CONTEXT) for c in listed],
            message=f"{len(items)} item(s) {why}: {_names([ev.item for ev in items])}",
        )


def _names(items: list[ChecklistItem]) -> str:
    return "; ".join(f"{i.number}. {i.name} [{i.clause}]" for i in items)


def _pages(ev: ItemEvidence) -> list[int]:
    return [p for p in [*ev.pages, *(c.page for c in ev.covers)] if p]
