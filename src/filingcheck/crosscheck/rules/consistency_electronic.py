"""一(六): the electronic version and the paper agree on the eight named contents."""

from __future__ import annotations

from typing import ClassVar

from filingcheck.crosscheck.base import CheckContext, register_rule
from filingcheck.crosscheck.evidence import compare_readings, missing
from filingcheck.models import ApplicationType, DocType, Dossier, FieldName, Finding, Source, Status

FIELDS = (
    FieldName.PRODUCT_NAME,
    FieldName.APPLICANT_NAME,
    FieldName.APPLICANT_ADDRESS,
    FieldName.TRIAL_UNIT_NAME,
    FieldName.TRIAL_UNIT_ADDRESS,
    FieldName.TEST_UNIT_NAME,
    FieldName.ACCEPTANCE_NUMBER,
)


@register_rule
class ConsistencyElectronic:
    id: ClassVar[str] = "consistency.electronic"
    clause: ClassVar[str] = "一(六)"
    title: ClassVar[str] = "电子版与文字版内容一致"

    def applies_to(self, application_type: ApplicationType) -> bool:
        return True

    def check(self, dossier: Dossier, context: CheckContext) -> list[Finding]:
        if not dossier.has_electronic:
            return [
                Finding(
                    rule=self.id,
                    clause=self.clause,
                    status=Status.UNCERTAIN,
                    message="no electronic version was provided, so it could not be compared",
                )
            ]
        findings = []
        for name in FIELDS:
            electronic = dossier.fields.first(name, source=Source.ELECTRONIC)
            paper = dossier.fields.first(name, source=Source.PAPER, document=DocType.APPLICATION_FORM)
            if electronic is None and paper is None:
                continue
            if electronic is None or paper is None:
                side = "electronic version" if electronic is None else "paper application form"
                present = [v for v in (electronic, paper) if v is not None]
                findings.append(
                    missing(
                        self.id, self.clause, name.value, f"{name.value} was not found in the {side}", present
                    )
                )
                continue
            findings.append(
                compare_readings(
                    self.id,
                    self.clause,
                    name.value,
                    electronic,
                    paper,
                    context,
                    f"{name.value} in the electronic version and on paper",
                )
            )
        findings.extend(self._formula(dossier))
        return findings

    def _formula(self, dossier: Dossier) -> list[Finding]:
        electronic = [v.value for v in dossier.fields.get(FieldName.FORMULA_LINE, source=Source.ELECTRONIC)]
        paper = dossier.fields.get(FieldName.FORMULA_LINE, source=Source.PAPER)
        if not electronic or not paper:
            return []
        paper_values = [v.value for v in paper]
        pages = sorted({v.page for v in paper if v.page})
        only_e = [x for x in electronic if x not in paper_values]
        only_p = [x for x in paper_values if x not in electronic]
        if not only_e and not only_p:
            return [
                Finding(
                    rule=self.id,
                    clause=self.clause,
                    field="formula",
                    status=Status.PASS,
                    pages=pages,
                    message=f"formula: all {len(electronic)} lines agree",
                )
            ]
        return [
            Finding(
                rule=self.id,
                clause=self.clause,
                field="formula",
                status=Status.UNCERTAIN,
                pages=pages,
                expected="; ".join(only_e),
                found="; ".join(only_p),
                message="formula lines differ between the electronic version and paper; a person must look",
            )
        ]
