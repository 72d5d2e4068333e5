"""Addresses read with a digit the recogniser took for a sign: ``+栋`` for ``4栋``.

An address has no ``+``; PP-OCR reads a small 4 that way on low-resolution scans. Next to a digit
or before a unit word (号, 栋, 层...) it is put back as 4 with that character's confidence lowered,
so a rule weighs the character as a repair, never as print (the field's own confidence stays: a
real difference elsewhere in the address must still fail)."""

from __future__ import annotations

import re

from filingcheck.models import FieldName, FieldValue

ADDRESS_FIELDS = frozenset(
    {
        FieldName.APPLICANT_ADDRESS,
        FieldName.LICENCE_ADDRESS,
        FieldName.TRIAL_UNIT_ADDRESS,
    }
)
REPAIRED_CONFIDENCE = 0.6
_PLUS_FOR_FOUR = re.compile(r"\+(?=[0-9号栋幢层楼室单元弄巷组])|(?<=[0-9])\+")


def repair_address(value: FieldValue) -> FieldValue:
    """``value`` with every ``+`` that stands for a 4 put back (unchanged when there is none)."""
    if value.name not in ADDRESS_FIELDS or "+" not in value.value:
        return value
    spots = [m.start() for m in _PLUS_FOR_FOUR.finditer(value.value)]
    if not spots:
        return value
    text = list(value.value)
    confidences = list(value.char_confidences) if value.char_confidences else None
    for at in spots:
        text[at] = "4"
        if confidences is not None and at < len(confidences):
            confidences[at] = min(confidences[at], REPAIRED_CONFIDENCE)
    note = f"'+' read where a 4 stands in an address: repaired at {len(spots)} place(s)"
    return value.model_copy(
        update={
            "value": "".join(text),
            "char_confidences": confidences,
            "note": f"{value.note}; {note}" if value.note else note,
        }
    )
