"""一(六): product name, applicant name and address read the same wherever they appear in the dossier."""

from __future__ import annotations

from typing import ClassVar

from filingcheck.crosscheck.applicants import nearest_applicant
from filingcheck.crosscheck.base import CheckContext, register_rule
from filingcheck.crosscheck.evidence import compare_readings, evidence_of
from filingcheck.models import (
    ApplicationType,
    DocType,
    Dossier,
    EvidenceRole,
    FieldName,
    FieldValue,
    Finding,
    Source,
    Status,
)

FIELDS = (
    (FieldName.PRODUCT_NAME, "product name"),
    (FieldName.APPLICANT_NAME, "applicant name"),
    (FieldName.APPLICANT_ADDRESS, "applicant address"),
)
# Where the reference reading comes from, best first.
REFERENCE_DOCUMENTS = (DocType.APPLICATION_FORM, DocType.COVER_SHEET, DocType.TABLE_OF_CONTENTS)
# Documents that may rightly print another name: certificates and notices issued earlier or by others
# (their agreement is checked by licence.matches_certificate and the test-report rules).
NOT_COMPARED = frozenset(
    {
        DocType.APPROVAL_CERTIFICATE,
        DocType.WITHDRAWAL_NOTICE,
        DocType.TEST_REPORT,
        DocType.ACCEPTANCE_NOTICE,
        DocType.BUSINESS_LICENCE,
        DocType.INSTITUTION_CERTIFICATE,
        DocType.TRADEMARK_CERTIFICATE,
    }
)
RUNNING_TEXT_NOTE = "in running text"


@register_rule
class ConsistencyInternal:
    id: ClassVar[str] = "consistency.internal"
    clause: ClassVar[str] = "一(六)"
    title: ClassVar[str] = "申报资料中同一内容前后一致"

    def applies_to(self, application_type: ApplicationType) -> bool:
        return True

    def check(self, dossier: Dossier, context: CheckContext) -> list[Finding]:
        findings: list[Finding] = []
        for name, what in FIELDS:
            readings = [
                v for v in dossier.fields.get(name, source=Source.PAPER) if v.document not in NOT_COMPARED
            ]
            reference = _reference(readings)
            if reference is None:
                continue
            others = [v for v in readings if v is not reference]
            if not others:
                continue
            findings += self._field(name, what, reference, others, context)
        if not findings:
            return [
                Finding(
                    rule=self.id,
                    clause=self.clause,
                    status=Status.UNCERTAIN,
                    message="product name, applicant name and address were not found in more than one place",
                )
            ]
        return findings

    def _field(
        self,
        name: FieldName,
        what: str,
        reference: FieldValue,
        others: list[FieldValue],
        context: CheckContext,
    ) -> list[Finding]:
        out: list[Finding] = []
        agreeing: list[FieldValue] = []
        for other in others:
            where = f"page {other.page} ({other.document.value}{', ' + other.note if other.note else ''})"
            # Joint applicants: a page naming one of them is compared with that one.
            expected = nearest_applicant(reference, other) if name == FieldName.APPLICANT_NAME else reference
            finding = compare_readings(
                self.id,
                self.clause,
                name.value,
                expected,
                other,
                context,
                f"{what} on page {reference.page} ({reference.document.value}) and on {where}",
            )
            if finding.status == Status.PASS:
                agreeing.append(other)
                continue
            if finding.status == Status.FAIL and other.note == RUNNING_TEXT_NOTE:
                # A near-miss in running text may name another product or a sister company.
                finding = finding.model_copy(
                    update={
                        "status": Status.UNCERTAIN,
                        "message": finding.message + "; found in running text, where it may name something "
                        "else, a person must look",
                    }
                )
            out.append(finding)
        if agreeing:
            pages = sorted({p for p in [reference.page, *(v.page for v in agreeing)] if p})
            out.append(
                Finding(
                    rule=self.id,
                    clause=self.clause,
                    field=name.value,
                    status=Status.PASS,
                    expected=reference.value,
                    found=reference.value,
                    pages=pages,
                    evidence=[evidence_of(reference, EvidenceRole.EXPECTED)]
                    + [evidence_of(v, EvidenceRole.FOUND) for v in agreeing],
                    message=f"{what} reads the same in {len(agreeing) + 1} places (pages "
                    f"{', '.join(map(str, pages))})",
                )
            )
        return out


def _reference(readings: list[FieldValue]) -> FieldValue | None:
    for doc in REFERENCE_DOCUMENTS:
        found = [v for v in readings if v.document == doc and v.note != RUNNING_TEXT_NOTE]
        if found:
            return found[0]
    return None
