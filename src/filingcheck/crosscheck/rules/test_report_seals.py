"""二(十二)3: the institution's seal at the conclusion, and on a longer report a straddle seal or a seal
on every page."""

from __future__ import annotations

from typing import ClassVar

from filingcheck.crosscheck.base import CheckContext, register_rule
from filingcheck.crosscheck.evidence import not_applicable, page_evidence, seal_evidence
from filingcheck.crosscheck.reports import ReportGroup, report_groups
from filingcheck.models import (
    ApplicationType,
    Dossier,
    EvidenceRole,
    FieldName,
    Finding,
    Seal,
    SealKind,
    Status,
)


@register_rule
class ReportSeals:
    id: ClassVar[str] = "test_report.seals"
    clause: ClassVar[str] = "二(十二)3"
    title: ClassVar[str] = "检验报告结论处加盖公章, 多页报告加盖骑缝章或逐页盖章"

    def applies_to(self, application_type: ApplicationType) -> bool:
        return application_type != ApplicationType.CERTIFICATE_REISSUE

    def check(self, dossier: Dossier, context: CheckContext) -> list[Finding]:
        groups = report_groups(dossier)
        if not groups:
            return [
                not_applicable(
                    self.id, self.clause, "no test report was found, so there are no report seals to check"
                )
            ]
        return [self._one(group, dossier, context) for group in groups]

    def _one(self, group: ReportGroup, dossier: Dossier, context: CheckContext) -> Finding:
        settings = context.settings

        def seals(page: int) -> list[Seal]:
            return [s for s in dossier.seals_on(page) if s.confidence >= settings.min_seal_confidence]

        conclusion = group.first(FieldName.REPORT_CONCLUSION) or group.first(FieldName.REPORT_ISSUED_ON)
        at = conclusion.page if conclusion and conclusion.page else group.pages[0]
        whole = [s for s in seals(at) if s.kind != SealKind.STRADDLE_SLICE]
        problems: list[str] = []
        bare: list[int] = []
        if not whole:
            problems.append(f"no institution seal on the conclusion page {at}")
            bare.append(at)
        if len(group.pages) > 1:
            bare += [p for p in group.pages if p != at and not seals(p)]
            if any(p != at for p in bare):
                problems.append(
                    "neither a straddle seal nor a seal on page(s) "
                    + ", ".join(str(p) for p in bare if p != at)
                )
        evidence = [seal_evidence(s) for p in group.pages for s in seals(p)]
        declared = group.declared_pages
        if not problems:
            kind = "straddle seal or seal on every page" if len(group.pages) > 1 else "single page"
            status, message = Status.PASS, f"{group.label}: institution seal at the conclusion; {kind}"
            if declared and declared > len(group.pages):
                status = Status.UNCERTAIN
                message += (
                    f"; but the report says it has {declared} pages and only {len(group.pages)} were found"
                )
            return Finding(
                rule=self.id,
                clause=self.clause,
                status=status,
                pages=group.pages,
                evidence=evidence,
                message=message,
            )
        evidence += [page_evidence(p, EvidenceRole.FOUND) for p in dossier.pages if p.page in bare]
        # A colour scan of a page without coloured ink reads as grey too: only a scan grey throughout
        # (a photocopy) hides seal ink.
        grey_scan = not any(p.colour for p in dossier.pages)
        doubtful = [p for p in bare if grey_scan or dossier.seals_on(p)]
        status = Status.UNCERTAIN if doubtful else Status.FAIL
        why = (
            "; the scan is grey or only a faint seal-like mark was found, a person must look"
            if doubtful
            else ""
        )
        return Finding(
            rule=self.id,
            clause=self.clause,
            status=status,
            pages=group.pages,
            evidence=evidence,
            message=f"{group.label}: " + "; ".join(problems) + why,
        )
