"""一(二): A4 paper (210 × 297 mm within scanning tolerance), Chinese type not smaller than 小四 (12 pt)."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from filingcheck.crosscheck.base import CheckContext, register_rule
from filingcheck.crosscheck.evidence import page_evidence
from filingcheck.crosscheck.settings import CheckSettings
from filingcheck.models import ApplicationType, Dossier, EvidenceRole, Finding, PageInfo, Status

POINTS_PER_INCH = 72.0
MM_PER_INCH = 25.4


def type_points(page: PageInfo, settings: CheckSettings) -> float | None:
    """The page's measured type size in points: em size in pixels at the scan resolution (where
    the file gave none, the resolution an A4 page of this width would have)."""
    if page.text_height_px is None:
        return None
    dpi = page.dpi
    if not page.dpi_known:
        dpi = min(page.width, page.height) / (settings.paper_width_mm / MM_PER_INCH)
    return page.text_height_px / dpi * POINTS_PER_INCH if dpi > 0 else None


def is_a4(page: PageInfo, settings: CheckSettings) -> bool:
    """Portrait or landscape A4 (a turned page is still A4)."""
    short, long = sorted((page.width_mm, page.height_mm))
    tol = settings.paper_tolerance_mm
    return abs(short - settings.paper_width_mm) <= tol and abs(long - settings.paper_height_mm) <= tol


@register_rule
class DossierPaperFormat:
    id: ClassVar[str] = "dossier.paper_format"
    clause: ClassVar[str] = "一(二)"
    title: ClassVar[str] = "A4规格纸张, 中文不小于宋体小4号字"

    def applies_to(self, application_type: ApplicationType) -> bool:
        return True

    def check(self, dossier: Dossier, context: CheckContext) -> list[Finding]:
        if not dossier.pages:
            return []
        return [*self._paper(dossier, context.settings), *self._type(dossier, context.settings)]

    def _paper(self, dossier: Dossier, settings: CheckSettings) -> list[Finding]:
        make = partial(
            Finding, rule=self.id, clause=self.clause, field="paper_size", expected="A4 210 × 297 mm"
        )
        measured = [p for p in dossier.pages if p.dpi_known]
        unknown = [p for p in dossier.pages if not p.dpi_known]
        odd = [p for p in measured if not is_a4(p, settings)]
        findings = []
        if odd:
            sizes = "; ".join(f"page {p.page}: {p.width_mm:.0f} × {p.height_mm:.0f} mm" for p in odd[:6])
            findings.append(
                make(
                    status=Status.FAIL,
                    pages=[p.page for p in odd],
                    found=sizes,
                    evidence=[page_evidence(p, EvidenceRole.FOUND) for p in odd],
                    message=f"{len(odd)} page(s) are not A4 ({sizes}{'; …' if len(odd) > 6 else ''})",
                )
            )
        if unknown:
            findings.append(
                make(
                    status=Status.UNCERTAIN,
                    pages=[p.page for p in unknown],
                    message=f"{len(unknown)} page(s) came without a scan resolution, so their size in mm "
                    "cannot be measured; a person must look",
                )
            )
        if measured and not findings:
            findings.append(
                make(
                    status=Status.PASS,
                    pages=[p.page for p in measured],
                    message=f"all {len(measured)} pages are A4",
                )
            )
        return findings

    def _type(self, dossier: Dossier, settings: CheckSettings) -> list[Finding]:
        minimum = settings.min_type_pt
        doubtful = minimum * (1 - settings.type_tolerance)
        too_small = minimum * (1 - 2 * settings.type_tolerance)
        measured = [
            (p, pt)
            for p in dossier.pages
            if p.doc_type not in settings.type_exempt_documents
            and (pt := type_points(p, settings)) is not None
        ]
        make = partial(
            Finding, rule=self.id, clause=self.clause, field="type_size", expected=f"≥ {minimum:g} pt (小四)"
        )
        if not measured:
            return [
                make(
                    status=Status.UNCERTAIN,
                    message="the type size could not be measured on any of the applicant's pages",
                )
            ]
        small = [(p, pt) for p, pt in measured if pt < too_small]
        unsure = [(p, pt) for p, pt in measured if too_small <= pt < doubtful]
        findings = []
        for status, group, why in (
            (Status.FAIL, small, "smaller than 小四"),
            (Status.UNCERTAIN, unsure, "close to the 小四 limit, within the measuring tolerance"),
        ):
            if not group:
                continue
            sizes = ", ".join(f"p. {p.page} {pt:.1f} pt" for p, pt in group[:8])
            findings.append(
                make(
                    status=status,
                    pages=[p.page for p, _ in group],
                    found=sizes,
                    evidence=[page_evidence(p, EvidenceRole.FOUND) for p, _ in group],
                    message=f"body type {why} on {len(group)} page(s): {sizes}",
                )
            )
        ok = [(p, pt) for p, pt in measured if pt >= doubtful]
        if ok and not findings:
            low = min(pt for _, pt in ok)
            findings.append(
                make(
                    status=Status.PASS,
                    pages=[p.page for p, _ in ok],
                    found=f"{low:.1f} pt smallest",
                    message=f"body type is at least 小四 on all {len(ok)} measured pages "
                    f"(smallest {low:.1f} pt)",
                )
            )
        return findings
