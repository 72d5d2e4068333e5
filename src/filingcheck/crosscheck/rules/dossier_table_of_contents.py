"""一(一): the first page is the table of contents, in the order of the form's 所附资料; each item opens
with a cover sheet naming product and applicant, the item name at the top right."""

from __future__ import annotations

import itertools
from functools import partial
from typing import ClassVar

from filingcheck.crosscheck.base import CheckContext, register_rule
from filingcheck.crosscheck.checklist import Checklist, load_checklist
from filingcheck.crosscheck.evidence import evidence_of, page_evidence
from filingcheck.crosscheck.items import DossierItems, contents_entries, form_entries, items_of
from filingcheck.models import (
    ApplicationType,
    DocType,
    Dossier,
    EvidenceRole,
    FieldName,
    Finding,
    Source,
    Status,
)

# Pages a repeated application puts before the contents (一(八)).
FRONT_MATTER = frozenset({DocType.WITHDRAWAL_NOTICE})
# Under this classification confidence a first page of another kind is only doubtful.
SURE_CLASS = 0.7


@register_rule
class DossierTableOfContents:
    id: ClassVar[str] = "dossier.table_of_contents"
    clause: ClassVar[str] = "一(一)"
    title: ClassVar[str] = "首页为申报资料项目目录, 按所附资料顺序排列, 每项资料加封页"

    def applies_to(self, application_type: ApplicationType) -> bool:
        return True

    def check(self, dossier: Dossier, context: CheckContext) -> list[Finding]:
        if not dossier.pages:
            return []
        checklist = load_checklist(dossier.submission.application_type)
        found = items_of(dossier, checklist, context.settings.item_name_ratio)
        return [
            self._first_page(dossier),
            self._order(dossier, checklist, context.settings.item_name_ratio),
            *self._covers(dossier, found),
        ]

    def _first_page(self, dossier: Dossier) -> Finding:
        reasons = {v.page for v in dossier.fields.get(FieldName.RESUBMISSION_REASONS, source=Source.PAPER)}
        front = [p for p in dossier.pages if p.doc_type not in FRONT_MATTER and p.page not in reasons]
        first = front[0] if front else dossier.pages[0]
        make = partial(
            Finding, rule=self.id, clause=self.clause, field="first_page", expected=DocType.TABLE_OF_CONTENTS
        )
        if first.doc_type == DocType.TABLE_OF_CONTENTS:
            return make(
                status=Status.PASS,
                found=first.doc_type.value,
                pages=[first.page],
                message=f"page {first.page} is the table of contents (申报资料项目目录)",
            )
        toc = [p.page for p in dossier.pages if p.doc_type == DocType.TABLE_OF_CONTENTS]
        where = f"; the contents are on page {toc[0]}" if toc else "; no table of contents was found"
        sure = first.doc_type_confidence >= SURE_CLASS or bool(toc)
        return make(
            status=Status.FAIL if sure else Status.UNCERTAIN,
            found=first.doc_type.value,
            pages=[first.page, *toc[:1]],
            evidence=[page_evidence(first, EvidenceRole.FOUND)],
            message=f"the first page ({first.page}) is {first.doc_type.value}, not the table of "
            f"contents{where}",
        )

    def _order(self, dossier: Dossier, checklist: Checklist, min_ratio: float) -> Finding:
        make = partial(Finding, rule=self.id, clause=self.clause, field="order")
        entries = contents_entries(dossier)
        if not entries:
            return make(status=Status.UNCERTAIN, message="no numbered contents entry could be read")
        form = [m.number for v in form_entries(dossier) if (m := checklist.match(v.value, v.item, min_ratio))]
        reference = form if len(form) >= 2 else [i.number for i in checklist.items]
        against = (
            "the form's 所附资料" if reference is form else f"the notice's list (section {checklist.section})"
        )
        matched = [(v, m.number) for v in entries if (m := checklist.match(v.value, v.item, min_ratio))]
        rank = {n: i for i, n in enumerate(reference)}
        ranked = [(v, rank[n]) for v, n in matched if n in rank]
        wrong = [(a, b) for (a, ra), (b, rb) in itertools.pairwise(ranked) if rb <= ra]
        pages = sorted({v.page for v in entries if v.page})
        if wrong:
            a, b = wrong[0]
            return make(
                status=Status.FAIL,
                pages=pages,
                expected=f"the order of {against}",
                found=f"{a.value} before {b.value}"
                if len(wrong) == 1
                else f"{len(wrong)} entries out of order",
                evidence=[evidence_of(a, EvidenceRole.FOUND), evidence_of(b, EvidenceRole.FOUND)],
                message=f"contents entries are not in the order of {against}: "
                + "; ".join(f"{x.value!r} comes before {y.value!r}" for x, y in wrong[:3]),
            )
        unknown = [v for v in entries if not checklist.match(v.value, v.item, min_ratio)]
        if not ranked:
            return make(
                status=Status.UNCERTAIN,
                pages=pages,
                message="no contents entry names an item of the notice's list, so the order cannot be "
                "checked",
            )
        note = f"; {len(unknown)} entries name no listed item" if unknown else ""
        return make(
            status=Status.PASS,
            pages=pages,
            message=f"{len(ranked)} contents entries follow the order of {against}{note}",
        )

    def _covers(self, dossier: Dossier, found: DossierItems) -> list[Finding]:
        """Every listed item whose content is there opens with a cover sheet naming product and applicant."""
        make = partial(Finding, rule=self.id, clause=self.clause, field="cover_sheets")
        without = [
            ev
            for ev in found.items.values()
            if ev.item.paper and ev.pages and not ev.covers and (ev.listed or not contents_entries(dossier))
        ]
        findings = []
        if without:
            names = "; ".join(f"{ev.item.number}. {ev.item.name}" for ev in without)
            findings.append(
                make(
                    status=Status.FAIL,
                    pages=sorted({ev.pages[0] for ev in without}),
                    expected="a cover sheet (封页) before each item",
                    found=names,
                    evidence=[
                        page_evidence(p, EvidenceRole.FOUND)
                        for p in dossier.pages
                        if p.page in {ev.pages[0] for ev in without}
                    ],
                    message=f"{len(without)} item(s) have no cover sheet: {names}",
                )
            )
        incomplete = self._incomplete_covers(dossier, found.cover_pages)
        findings += incomplete
        if not findings:
            covered = [ev for ev in found.items.values() if ev.covers]
            findings.append(
                make(
                    status=Status.PASS if covered else Status.UNCERTAIN,
                    pages=found.cover_pages,
                    message=f"{len(covered)} items open with a cover sheet naming product, applicant and item"
                    if covered
                    else "no cover sheet was found",
                )
            )
        return findings

    def _incomplete_covers(self, dossier: Dossier, covers: list[int]) -> list[Finding]:
        lacking: dict[int, list[str]] = {}
        for page in covers:
            have = {v.name for v in dossier.fields.values if v.page == page and v.source == Source.PAPER}
            need = {
                FieldName.PRODUCT_NAME: "product name",
                FieldName.APPLICANT_NAME: "applicant name",
                FieldName.ITEM_NAME: "item name at the top right",
            }
            gaps = [what for name, what in need.items() if name not in have]
            if gaps:
                lacking[page] = gaps
        if not lacking:
            return []
        info = {p.page: p for p in dossier.pages}
        text = "; ".join(f"page {p}: no {', no '.join(g)}" for p, g in lacking.items())
        return [
            Finding(
                rule=self.id,
                clause=self.clause,
                field="cover_content",
                status=Status.UNCERTAIN,
                pages=sorted(lacking),
                evidence=[page_evidence(info[p], EvidenceRole.FOUND) for p in lacking if p in info],
                message=f"cover sheets lacking what the notice asks for ({text}); the text may not have been "
                "read, a person must look",
            )
        ]
