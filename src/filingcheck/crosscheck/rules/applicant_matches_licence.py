"""一(三): applicant name and address on the application form are exactly those on the licence."""

from __future__ import annotations

from typing import ClassVar

from filingcheck.crosscheck.applicants import nearest_applicant
from filingcheck.crosscheck.base import CheckContext, register_rule
from filingcheck.crosscheck.evidence import compare_readings, missing
from filingcheck.models import ApplicationType, DocType, Dossier, FieldName, Finding, Source

# An individual applicant's identity card stands for the licence (its 姓名; no address is read off it).
LICENCE_DOCUMENTS = (DocType.BUSINESS_LICENCE, DocType.INSTITUTION_CERTIFICATE, DocType.IDENTITY_CARD)
PAIRS = (
    (FieldName.APPLICANT_NAME, FieldName.LICENCE_NAME, "applicant name on the form and name on the licence"),
    (
        FieldName.APPLICANT_ADDRESS,
        FieldName.LICENCE_ADDRESS,
        "applicant address on the form and 住所 on the licence",
    ),
)


@register_rule
class ApplicantMatchesLicence:
    id: ClassVar[str] = "applicant.matches_licence"
    clause: ClassVar[str] = "一(三)"
    title: ClassVar[str] = "申请人名称、地址与营业执照完全一致"

    def applies_to(self, application_type: ApplicationType) -> bool:
        # Foreign applicants hold no Chinese business licence.
        return not application_type.value.startswith("import_")

    def check(self, dossier: Dossier, context: CheckContext) -> list[Finding]:
        findings = []
        for form_field, licence_field, what in PAIRS:
            forms = dossier.fields.get(form_field, source=Source.PAPER, document=DocType.APPLICATION_FORM)
            licences = [
                v
                for doc in LICENCE_DOCUMENTS
                for v in dossier.fields.get(licence_field, source=Source.PAPER, document=doc)
            ]
            if not forms:
                findings.append(
                    missing(
                        self.id,
                        self.clause,
                        form_field.value,
                        f"{form_field.value} was not found on the application form",
                        licences,
                    )
                )
                continue
            if not licences:
                findings.append(
                    missing(
                        self.id,
                        self.clause,
                        form_field.value,
                        "no business licence (or registration certificate) field was found to compare with",
                        forms,
                    )
                )
                continue
            form = forms[0]
            if form_field == FieldName.APPLICANT_NAME:
                # Joint applicants: the licence is one applicant's, compared with that applicant.
                form = nearest_applicant(form, licences[0])
            findings.append(
                compare_readings(self.id, self.clause, form_field.value, licences[0], form, context, what)
            )
        return findings
