"""一(九): for change, transfer and re-registration, the licence's name and address are those the
approval certificate (保健食品批准证书) gives for the applicant."""

from __future__ import annotations

from typing import ClassVar

from filingcheck.crosscheck.base import CheckContext, register_rule
from filingcheck.crosscheck.evidence import compare_readings, missing
from filingcheck.models import (
    ApplicationType,
    DocType,
    Dossier,
    FieldName,
    Finding,
    Source,
    Status,
)

APPLIES = frozenset(
    {ApplicationType.DOMESTIC_CHANGE, ApplicationType.DOMESTIC_TRANSFER, ApplicationType.DOMESTIC_RENEWAL}
)
LICENCE_DOCUMENTS = (DocType.BUSINESS_LICENCE, DocType.INSTITUTION_CERTIFICATE)
PAIRS = (
    (FieldName.APPLICANT_NAME, FieldName.LICENCE_NAME, "name"),
    (FieldName.APPLICANT_ADDRESS, FieldName.LICENCE_ADDRESS, "address"),
)
RANK = {Status.PASS: 0, Status.UNCERTAIN: 1, Status.FAIL: 2, Status.NOT_APPLICABLE: 3}


@register_rule
class LicenceMatchesCertificate:
    id: ClassVar[str] = "licence.matches_certificate"
    clause: ClassVar[str] = "一(九)"
    title: ClassVar[str] = "营业执照名称、地址与保健食品批准证书一致"

    def applies_to(self, application_type: ApplicationType) -> bool:
        # Import applicants hold no Chinese business licence to compare.
        return application_type in APPLIES

    def check(self, dossier: Dossier, context: CheckContext) -> list[Finding]:
        if not any(p.doc_type == DocType.APPROVAL_CERTIFICATE for p in dossier.pages):
            return [
                missing(self.id, self.clause, None, "no approval certificate (保健食品批准证书) was found")
            ]
        findings = []
        for cert_field, licence_field, what in PAIRS:
            certs = dossier.fields.get(cert_field, source=Source.PAPER, document=DocType.APPROVAL_CERTIFICATE)
            licences = [
                v
                for doc in LICENCE_DOCUMENTS
                for v in dossier.fields.get(licence_field, source=Source.PAPER, document=doc)
            ]
            if not certs or not licences:
                side = "approval certificate" if not certs else "business licence"
                findings.append(
                    missing(
                        self.id,
                        self.clause,
                        licence_field.value,
                        f"the applicant's {what} was not found on the {side}",
                        certs + licences,
                    )
                )
                continue
            # A transfer dossier holds both parties' licences: one of them must be the holder's.
            compared = [
                compare_readings(
                    self.id,
                    self.clause,
                    licence_field.value,
                    certs[0],
                    lic,
                    context,
                    f"{what} on the approval certificate and on the licence",
                )
                for lic in licences
            ]
            findings.append(min(compared, key=lambda f: RANK[f.status]))
        return findings
