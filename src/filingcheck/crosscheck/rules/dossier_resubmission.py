"""一(八): a repeated application carries the earlier withdrawal or rejection notice and its reasons,
at the front of the dossier."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from filingcheck.crosscheck.base import CheckContext, register_rule
from filingcheck.crosscheck.evidence import evidence_of, page_evidence
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
class DossierResubmission:
    id: ClassVar[str] = "dossier.resubmission"
    clause: ClassVar[str] = "一(八)"
    title: ClassVar[str] = "再次申报附撤审或不予批准通知书及理由于首页"

    def applies_to(self, application_type: ApplicationType) -> bool:
        return application_type != ApplicationType.CERTIFICATE_REISSUE

    def check(self, dossier: Dossier, context: CheckContext) -> list[Finding]:
        notices = [p for p in dossier.pages if p.doc_type == DocType.WITHDRAWAL_NOTICE]
        reasons = dossier.fields.get(FieldName.RESUBMISSION_REASONS, source=Source.PAPER)
        declared = dossier.submission.resubmission
        make = partial(Finding, rule=self.id, clause=self.clause, field="resubmission")
        if not notices and not reasons:
            if declared:
                return [
                    make(
                        status=Status.FAIL,
                        expected="撤审通知书 or 不予批准通知书, and the reasons for applying again",
                        message="the submission is a repeated application, but no withdrawal or rejection "
                        "notice and no statement of reasons were found",
                    )
                ]
            why = "the desk did not mark it as repeated" if declared is None else "it is a first application"
            return [
                make(
                    status=Status.NOT_APPLICABLE,
                    message=f"no withdrawal or rejection notice in the dossier and {why}",
                )
            ]
        front = context.settings.resubmission_front_pages
        problems: list[str] = []
        if not notices:
            problems.append("reasons for applying again were found, but no withdrawal or rejection notice")
        elif notices[0].page > front:
            problems.append(f"the notice is on page {notices[0].page}, not at the front (pages 1–{front})")
        late = [v for v in reasons if v.page and v.page > front]
        if reasons and len(late) == len(reasons):
            problems.append(f"the reasons are on page {late[0].page}, not at the front")
        evidence = [page_evidence(p, EvidenceRole.FOUND) for p in notices] + [
            evidence_of(v, EvidenceRole.FOUND) for v in reasons
        ]
        pages = sorted({p.page for p in notices} | {v.page for v in reasons if v.page})
        if problems:
            return [make(status=Status.FAIL, pages=pages, evidence=evidence, message="; ".join(problems))]
        if not reasons:
            return [
                make(
                    status=Status.UNCERTAIN,
                    pages=pages,
                    evidence=evidence,
                    message=f"the earlier notice is on page {notices[0].page}, but no statement of the "
                    "reasons for applying again (再次申报的理由) was found; a person must look",
                )
            ]
        return [
            make(
                status=Status.PASS,
                pages=pages,
                evidence=evidence,
                message=f"the earlier notice (page {notices[0].page}) and the reasons "
                f"(page {reasons[0].page}) are at the front",
            )
        ]
