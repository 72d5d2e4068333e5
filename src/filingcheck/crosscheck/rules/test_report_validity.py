"""二(十二)1: a test report is valid for 5 years from the day the institution issued it."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import ClassVar

from filingcheck.crosscheck.base import CheckContext, register_rule
from filingcheck.crosscheck.evidence import evidence_of, missing, not_applicable
from filingcheck.crosscheck.reports import ReportGroup, report_groups
from filingcheck.models import ApplicationType, Dossier, EvidenceRole, FieldName, Finding, Status

# Types whose dossier must hold test reports; elsewhere a dossier without one is not checked.
REQUIRES_REPORTS = frozenset({ApplicationType.DOMESTIC_NEW, ApplicationType.IMPORT_NEW})


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@register_rule
class ReportValidity:
    id: ClassVar[str] = "test_report.validity"
    clause: ClassVar[str] = "二(十二)1"
    title: ClassVar[str] = "检验报告在签发之日起5年有效期内"

    def applies_to(self, application_type: ApplicationType) -> bool:
        return application_type != ApplicationType.CERTIFICATE_REISSUE

    def check(self, dossier: Dossier, context: CheckContext) -> list[Finding]:
        groups = report_groups(dossier)
        field = FieldName.REPORT_ISSUED_ON.value
        if not groups:
            if dossier.submission.application_type in REQUIRES_REPORTS:
                return [missing(self.id, self.clause, field, "no test report was found in the dossier")]
            return [not_applicable(self.id, self.clause, "the dossier holds no test report")]
        day = dossier.submission.submitted_on
        if day is None:
            return [missing(self.id, self.clause, field, "the submission date is not known")]
        cutoff = years_before(day, context.settings.report_validity_years)
        return [self._one(group, day, cutoff, context) for group in groups]

    def _one(self, group: ReportGroup, day: dt.date, cutoff: dt.date, context: CheckContext) -> Finding:
        field = FieldName.REPORT_ISSUED_ON.value
        issued = group.first(FieldName.REPORT_ISSUED_ON)
        if issued is None:
            return Finding(
                rule=self.id,
                clause=self.clause,
                field=field,
                status=Status.UNCERTAIN,
                pages=group.pages,
                message=f"{group.label}: no issue date (签发日期) was found; a person must look",
            )
        when = dt.date.fromisoformat(issued.value)
        years = context.settings.report_validity_years
        make = partial(
            Finding,
            rule=self.id,
            clause=self.clause,
            field=field,
            expected=f"on or after {cutoff.isoformat()}",
            found=issued.value,
            pages=group.pages,
            evidence=[evidence_of(issued, EvidenceRole.FOUND)],
        )
        if when > day:
            return make(
                status=Status.UNCERTAIN,
                message=f"{group.label}: issued on {when.isoformat()}, after the submission on "
                f"{day.isoformat()}; the date may be misread",
            )
        if when >= cutoff:
            return make(
                status=Status.PASS,
                message=f"{group.label}: issued on {when.isoformat()}, within {years} years of the "
                f"submission on {day.isoformat()}",
            )
        if issued.confidence < context.settings.low_confidence:
            return make(
                status=Status.UNCERTAIN,
                message=f"{group.label}: issued on {when.isoformat()}, more than {years} years before the "
                f"submission, but the date was read with confidence {issued.confidence:.2f}",
            )
        return make(
            status=Status.FAIL,
            message=f"{group.label}: issued on {when.isoformat()}, more than {years} years before the "
            f"submission on {day.isoformat()} (valid until {_plus(when, years).isoformat()})",
        )


def _plus(day: dt.date, years: int) -> dt.date:
    return years_before(day, -years)
