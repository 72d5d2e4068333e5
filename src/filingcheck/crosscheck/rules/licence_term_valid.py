"""Derived: the licence term (营业期限) covers the submission date; an expired licence cannot apply."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import ClassVar

from filingcheck.crosscheck.base import CheckContext, register_rule
from filingcheck.crosscheck.evidence import evidence_of, missing, second_read
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
from filingcheck.models.dates import OPEN_ENDED, find_dates

LICENCE_DOCUMENTS = (DocType.BUSINESS_LICENCE, DocType.INSTITUTION_CERTIFICATE)


def parse_interval(value: str) -> tuple[dt.date, dt.date | None] | None:
    """``start/end`` or ``start/..`` (ISO 8601) as dates; None when it is not such an interval."""
    start, sep, end = value.partition("/")
    if not sep:
        return None
    try:
        return dt.date.fromisoformat(start), None if end == OPEN_ENDED else dt.date.fromisoformat(end)
    except ValueError:
        return None


def _second_dates(term: FieldValue, context: CheckContext) -> set[dt.date]:
    """The dates a second engine reads in the term's box (empty without a second reader)."""
    return set(find_dates(second_read(term, context) or ""))


@register_rule
class LicenceTermValid:
    id: ClassVar[str] = "licence.term_valid"
    clause: ClassVar[str] = "营业期限"
    title: ClassVar[str] = "营业执照在营业期限内"

    def applies_to(self, application_type: ApplicationType) -> bool:
        return not application_type.value.startswith("import_")

    def check(self, dossier: Dossier, context: CheckContext) -> list[Finding]:
        terms = [
            v
            for doc in LICENCE_DOCUMENTS
            for v in dossier.fields.get(FieldName.LICENCE_TERM, source=Source.PAPER, document=doc)
        ]
        if not terms:
            return [missing(self.id, self.clause, FieldName.LICENCE_TERM.value, "no licence term was found")]
        day = dossier.submission.submitted_on
        if day is None:
            return [
                missing(
                    self.id,
                    self.clause,
                    FieldName.LICENCE_TERM.value,
                    "the submission date is not known, so the licence term cannot be checked",
                    terms,
                )
            ]
        return [self._one(term, day, context) for term in terms]

    def _one(self, term: FieldValue, day: dt.date, context: CheckContext) -> Finding:
        make = partial(
            Finding,
            rule=self.id,
            clause=self.clause,
            field=FieldName.LICENCE_TERM.value,
            expected=f"covers {day.isoformat()}",
            found=term.value,
            pages=[term.page] if term.page else [],
            evidence=[evidence_of(term, EvidenceRole.FOUND)],
        )
        interval = parse_interval(term.value)
        if interval is None:
            return make(
                status=Status.UNCERTAIN,
                message=f"the licence term was read as {term.raw!r}, which is not a date range; "
                "a person must look",
            )
        start, end = interval
        covered = start <= day and (end is None or day <= end)
        if covered:
            until = "open-ended (长期)" if end is None else f"until {end.isoformat()}"
            return make(
                status=Status.PASS,
                message=f"licence term {start.isoformat()} {until} covers the submission on "
                f"{day.isoformat()}",
            )
        why = (
            f"ended on {end.isoformat()}"
            if end is not None and day > end
            else f"starts on {start.isoformat()}"
        )
        boundary = end if end is not None and day > end else start
        if term.confidence < context.settings.low_confidence and boundary in _second_dates(term, context):
            return make(
                status=Status.FAIL,
                message=f"the licence term {why}: it does not cover the submission on {day.isoformat()} "
                f"(read with confidence {term.confidence:.2f}; a second engine reads the same date)",
            )
        if term.confidence < context.settings.low_confidence:
            return make(
                status=Status.UNCERTAIN,
                message=f"the licence term {why}, before the submission on {day.isoformat()}, but it was "
                f"read with confidence {term.confidence:.2f}; a person must look",
            )
        return make(
            status=Status.FAIL,
            message=f"the licence term {why}: it does not cover the submission on {day.isoformat()}",
        )
