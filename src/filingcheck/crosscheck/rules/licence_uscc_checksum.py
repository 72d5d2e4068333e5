"""Derived: the licence's unified social credit code passes the GB 32100-2015 check character."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from filingcheck.crosscheck.base import CheckContext, register_rule
from filingcheck.crosscheck.evidence import evidence_of, missing
from filingcheck.models import (
    ApplicationType,
    Dossier,
    EvidenceRole,
    FieldName,
    FieldValue,
    Finding,
    Source,
    Status,
)
from filingcheck.models.uscc import ALPHABET, is_valid, normalise


@register_rule
class LicenceUsccChecksum:
    id: ClassVar[str] = "licence.uscc_checksum"
    clause: ClassVar[str] = "GB 32100-2015"
    title: ClassVar[str] = "统一社会信用代码校验位正确"

    def applies_to(self, application_type: ApplicationType) -> bool:
        return not application_type.value.startswith("import_")

    def check(self, dossier: Dossier, context: CheckContext) -> list[Finding]:
        codes = dossier.fields.get(FieldName.USCC, source=Source.PAPER)
        if not codes:
            return [
                missing(self.id, self.clause, FieldName.USCC.value, "no unified social credit code was found")
            ]
        findings = []
        for code in codes:
            make = partial(
                Finding,
                rule=self.id,
                clause=self.clause,
                field=FieldName.USCC.value,
                found=code.value,
                pages=[code.page] if code.page else [],
                evidence=[evidence_of(code, EvidenceRole.FOUND)],
            )
            if is_valid(code.value) and not _guessed(code):
                note = f" ({code.note})" if code.note else ""
                findings.append(make(status=Status.PASS, message=f"credit code {code.value} is valid{note}"))
            elif is_valid(code.value):
                findings.append(
                    make(
                        status=Status.UNCERTAIN,
                        message=f"credit code read as {normalise(code.raw)}; only the repair "
                        f"{code.value} is valid, and the repair is a guess; a person must look",
                    )
                )
            elif code.confidence >= context.settings.low_confidence and len(code.value) == 18:
                findings.append(
                    make(
                        status=Status.FAIL,
                        message=f"credit code {code.value} fails the check character",
                    )
                )
            else:
                findings.append(
                    make(
                        status=Status.UNCERTAIN,
                        message=f"credit code read as {code.value} is not valid, but it was read with "
                        f"confidence {code.confidence:.2f}; a person must look",
                    )
                )
        return findings


def _guessed(code: FieldValue) -> bool:
    """A repair is a guess unless every changed character could not stand in a code at all."""
    read = normalise(code.raw)
    if read == code.value or len(read) != len(code.value):
        return read != code.value
    return any(r in ALPHABET for r, v in zip(read, code.value, strict=True) if r != v)
