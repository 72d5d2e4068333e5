"""二(十二)3(4): product name, submitting unit, sample manufacturer and batch on each report are those of
its test application form (检验申请表)."""

from __future__ import annotations

from typing import ClassVar

from filingcheck.crosscheck.applicants import nearest_applicant
from filingcheck.crosscheck.base import CheckContext, register_rule
from filingcheck.crosscheck.evidence import compare_readings, not_applicable
from filingcheck.crosscheck.reports import ReportGroup, application_fields, report_groups
from filingcheck.models import (
    ApplicationType,
    DocType,
    Dossier,
    FieldName,
    FieldValue,
    Finding,
    Source,
    Status,
)

FIELDS = (
    (FieldName.REPORT_SAMPLE_NAME, "sample name"),
    (FieldName.REPORT_SUBMITTING_UNIT, "submitting unit"),
    (FieldName.REPORT_MANUFACTURER, "sample manufacturer"),
    (FieldName.REPORT_BATCH_NUMBER, "batch number"),
)
# Without an application form, the dossier's own fields say what the report should name.
FALLBACK = {
    FieldName.REPORT_SAMPLE_NAME: (FieldName.PRODUCT_NAME,),
    FieldName.REPORT_SUBMITTING_UNIT: (FieldName.APPLICANT_NAME,),
    FieldName.REPORT_MANUFACTURER: (FieldName.TRIAL_UNIT_NAME, FieldName.APPLICANT_NAME),
}
# Report fields that name the applicant (one of several, in a joint application).
APPLICANT_FIELDS = (FieldName.REPORT_SUBMITTING_UNIT, FieldName.REPORT_MANUFACTURER)
FALLBACK_DOCUMENTS = (DocType.APPLICATION_FORM, DocType.COVER_SHEET, DocType.TABLE_OF_CONTENTS)


@register_rule
class ReportConsistency:
    id: ClassVar[str] = "test_report.consistency"
    clause: ClassVar[str] = "二(十二)3(4)"
    title: ClassVar[str] = "检验报告与检验申请表内容一致"

    def applies_to(self, application_type: ApplicationType) -> bool:
        return application_type != ApplicationType.CERTIFICATE_REISSUE

    def check(self, dossier: Dossier, context: CheckContext) -> list[Finding]:
        groups = report_groups(dossier)
        if not groups:
            return [
                not_applicable(
                    self.id, self.clause, "no test report was found, so there is nothing to compare"
                )
            ]
        findings: list[Finding] = []
        for group in groups:
            findings += self._one(group, dossier, context)
        return findings

    def _one(self, group: ReportGroup, dossier: Dossier, context: CheckContext) -> list[Finding]:
        form = application_fields(dossier, group.index)
        against = (
            "its test application form" if form else "the application form (no test application form found)"
        )
        done: list[Finding] = []
        skipped: list[str] = []
        for name, what in FIELDS:
            found = group.first(name)
            expected = form.get(name) if form else _fallback(dossier, name)
            if expected is not None and found is not None and name in APPLICANT_FIELDS:
                expected = nearest_applicant(expected, found)  # one of joint applicants submits
            if found is None or expected is None:
                side = "the report" if found is None else against
                skipped.append(f"{what} not found on {side}")
                if found is None and expected is not None:
                    done.append(self._unread(group, name, what, expected))
                continue
            done.append(
                compare_readings(
                    self.id,
                    self.clause,
                    name.value,
                    expected,
                    found,
                    context,
                    f"{group.label}: {what} vs {against}",
                )
            )
        if done and all(f.status == Status.PASS for f in done):
            compared = ", ".join(what for name, what in FIELDS if any(f.field == name.value for f in done))
            note = f" ({'; '.join(skipped)})" if skipped else ""
            return [
                Finding(
                    rule=self.id,
                    clause=self.clause,
                    status=Status.PASS,
                    pages=sorted({p for f in done for p in f.pages}),
                    evidence=[e for f in done for e in f.evidence],
                    message=f"{group.label}: {compared} match {against}{note}",
                )
            ]
        if not done:
            return [
                Finding(
                    rule=self.id,
                    clause=self.clause,
                    status=Status.UNCERTAIN,
                    pages=group.pages,
                    message=f"{group.label}: nothing could be compared ({'; '.join(skipped)})",
                )
            ]
        return done

    def _unread(self, group: ReportGroup, name: FieldName, what: str, expected: FieldValue) -> Finding:
        return Finding(
            rule=self.id,
            clause=self.clause,
            field=name.value,
            status=Status.UNCERTAIN,
            expected=expected.value,
            pages=group.pages,
            message=f"{group.label}: the {what} was not found on the report; a person must look",
        )


def _fallback(dossier: Dossier, name: FieldName) -> FieldValue | None:
    for field in FALLBACK.get(name, ()):
        for doc in FALLBACK_DOCUMENTS:
            value = dossier.fields.first(field, source=Source.PAPER, document=doc)
            if value is not None:
                return value
    return None
