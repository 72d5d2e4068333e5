"""一(五): a joint application (several applicants) contains the recommendation letter for its lead."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from filingcheck.crosscheck.applicants import applicant_names
from filingcheck.crosscheck.base import CheckContext, register_rule
from filingcheck.crosscheck.evidence import evidence_of, missing, not_applicable, page_evidence
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


@register_rule
class DossierJointRecommendation:
    id: ClassVar[str] = "dossier.joint_recommendation"
    clause: ClassVar[str] = "一(五)"
    title: ClassVar[str] = "联合申报提交联合申报负责人推荐书"

    def applies_to(self, application_type: ApplicationType) -> bool:
        return application_type != ApplicationType.CERTIFICATE_REISSUE

    def check(self, dossier: Dossier, context: CheckContext) -> list[Finding]:
        names, readings = applicant_names(dossier)
        field = FieldName.APPLICANT_NAME.value
        if not names:
            return [
                missing(
                    self.id,
                    self.clause,
                    field,
                    "no applicant name was found, so a joint application cannot be told from a single one",
                )
            ]
        if len(names) == 1:
            return [
                not_applicable(
                    self.id,
                    self.clause,
                    "one applicant: no joint recommendation letter is needed",
                    field=field,
                    found=names[0],
                )
            ]
        letters = [p for p in dossier.pages if p.doc_type == DocType.JOINT_RECOMMENDATION]
        make = partial(
            Finding,
            rule=self.id,
            clause=self.clause,
            field=field,
            expected="联合申报负责人推荐书",
            found="; ".join(names),
        )
        evidence = [evidence_of(v, EvidenceRole.CONTEXT) for v in readings]
        if letters:
            return [
                make(
                    status=Status.PASS,
                    pages=[p.page for p in letters],
                    evidence=evidence + [page_evidence(p, EvidenceRole.FOUND) for p in letters],
                    message=f"joint application of {len(names)} applicants; the recommendation letter is on "
                    f"page {letters[0].page}",
                )
            ]
        return [
            make(
                status=Status.FAIL,
                pages=sorted({v.page for v in readings if v.page and v.source == Source.PAPER}),
                evidence=evidence,
                message=f"joint application of {len(names)} applicants ({'; '.join(names)}) without the "
                "recommendation letter for its lead applicant (联合申报负责人推荐书)",
            )
        ]
