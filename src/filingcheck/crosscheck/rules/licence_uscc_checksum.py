"""Derived: the licence's unified social credit code passes the GB 32100-2015 check character."""

from __future__ import annotations

import re
from functools import partial
from typing import ClassVar

from filingcheck.crosscheck.base import CheckContext, register_rule
from filingcheck.crosscheck.evidence import evidence_of, missing, second_read
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
                continue
            printed = normalise(code.raw)
            second = _second_code(code, context)
            also = f"; a second engine reads {second} there" if second else ""
            if is_valid(code.value):  # valid only as a repair of what was read
                if second == code.value:
                    findings.append(
                        make(
                            status=Status.PASS,
                            message=f"credit code {code.value} is valid: the first engine read {printed}, "
                            "a second engine reads the valid code in the same box",
                        )
                    )
                elif second == printed:
                    findings.append(
                        make(
                            status=Status.FAIL,
                            found=printed,
                            message=f"credit code {printed} fails the check character, read the same by two "
                            f"engines (changing one look-alike character, {code.value}, would be valid)",
                        )
                    )
                else:
                    findings.append(
                        make(
                            status=Status.UNCERTAIN,
                            message=f"credit code read as {printed}; only the repair {code.value} is valid, "
                            f"and the repair is a guess{also}; a person must look",
                        )
                    )
            elif len(code.value) == 18 and (
                code.confidence >= context.settings.low_confidence or second == printed
            ):
                sure = (
                    ""
                    if code.confidence >= context.settings.low_confidence
                    else ", read the same by two engines"
                )
                findings.append(
                    make(
                        status=Status.FAIL,
                        message=f"credit code {code.value} fails the check character{sure}",
                    )
                )
            elif len(code.value) != 18 and second == printed:
                findings.append(
                    make(
                        status=Status.FAIL,
                        message=f"credit code {printed} has {len(printed)} characters, not 18, "
                        "read the same by two engines",
                    )
                )
            else:
                findings.append(
                    make(
                        status=Status.UNCERTAIN,
                        message=f"credit code read as {code.value} is not valid, but it was read with "
                        f"confidence {code.confidence:.2f}{also}; a person must look",
                    )
                )
        return findings


def _second_code(code: FieldValue, context: CheckContext) -> str | None:
    """The code a second engine reads in the code's box (its longest run of code characters,
    15 or more: a short or long printed code is read as it is), if it reads one."""
    text = second_read(code, context, ALPHABET)
    runs = re.findall(r"[0-9A-Z]{15,}", normalise(text or ""))
    if not runs:
        return None
    run = max(runs, key=len)
    # A neighbour's character glued on: the first reading inside the run is the code read again.
    known = next((k for k in (code.value, normalise(code.raw)) if len(run) > len(k) and k in run), None)
    return known or run


def _guessed(code: FieldValue) -> bool:
    """A repair is a guess unless every changed character could not stand in a code at all."""
    read = normalise(code.raw)
    if read == code.value or len(read) != len(code.value):
        return read != code.value
    return any(r in ALPHABET for r, v in zip(read, code.value, strict=True) if r != v)
