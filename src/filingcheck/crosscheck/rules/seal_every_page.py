"""一(四): every page carries the applicant's seal or a straddle-seal slice, except exempt documents."""

from __future__ import annotations

from typing import ClassVar

from filingcheck.crosscheck.base import CheckContext, register_rule
from filingcheck.models import (
    ApplicationType,
    Dossier,
    Evidence,
    EvidenceRole,
    Finding,
    PageInfo,
    Source,
    Status,
)


@register_rule
class SealEveryPage:
    id: ClassVar[str] = "seal.every_page"
    clause: ClassVar[str] = "一(四)"
    title: ClassVar[str] = "申报资料逐页加盖申请人印章或骑缝章"

    def applies_to(self, application_type: ApplicationType) -> bool:
        return True

    def check(self, dossier: Dossier, context: CheckContext) -> list[Finding]:
        settings = context.settings
        stamped: list[int] = []
        findings: list[Finding] = []
        exempt = [p.page for p in dossier.pages if p.doc_type in settings.seal_exempt_documents]
        # A colour scan of a page without coloured ink reads as grey too: only a scan grey
        # throughout (a photocopy) hides seal ink.
        grey_scan = not any(p.colour for p in dossier.pages)
        for page in dossier.pages:
            if page.page in exempt:
                continue
            seals = [s for s in dossier.seals_on(page.page) if s.confidence >= settings.min_seal_confidence]
            if seals:
                stamped.append(page.page)
                continue
            findings.append(self._unstamped(page, dossier, grey_scan))
        if stamped:
            findings.append(
                Finding(
                    rule=self.id,
                    clause=self.clause,
                    status=Status.PASS,
                    pages=stamped,
                    evidence=[
                        Evidence(
                            page=s.page, bbox=s.bbox, role=EvidenceRole.FOUND, source=Source.SEAL, text=s.text
                        )
                        for s in dossier.seals
                        if s.page in stamped
                    ],
                    message=f"{len(stamped)} pages carry a seal or a straddle-seal slice"
                    + (
                        f"; {len(exempt)} exempt pages (application form, test reports, certificates)"
                        if exempt
                        else ""
                    ),
                )
            )
        return findings

    def _unstamped(self, page: PageInfo, dossier: Dossier, grey_scan: bool) -> Finding:
        """A fail, or ``uncertain`` where the scan cannot show seal ink or only a faint mark was found."""
        weak = bool(dossier.seals_on(page.page))
        reason = (
            "the scan is grey, so seal ink cannot be told by colour"
            if grey_scan
            else "only a faint seal-like mark was found"
            if weak
            else None
        )
        return Finding(
            rule=self.id,
            clause=self.clause,
            status=Status.UNCERTAIN if reason else Status.FAIL,
            pages=[page.page],
            evidence=[
                Evidence(
                    page=page.page,
                    bbox=None,
                    role=EvidenceRole.CONTEXT if reason else EvidenceRole.FOUND,
                    source=Source.PAPER,
                    document=page.doc_type,
                )
            ],
            message=f"page {page.page} ({page.doc_type.value}): no clear seal; {reason}"
            if reason
            else f"page {page.page} ({page.doc_type.value}) carries no seal and no straddle-seal slice",
        )
