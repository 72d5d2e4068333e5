"""Joint applicants written in one field (甲公司、乙公司): the applicants one by one, each with the
OCR evidence of its own characters, so a rule can compare a seal or a mention with one of them."""

from __future__ import annotations

import re
from typing import TypeVar

from rapidfuzz import fuzz

from filingcheck.models import DocType, Dossier, FieldName, FieldValue, Source
from filingcheck.models.organisations import ORGANISATION_NAME

# Several applicants written in one field: 甲公司、乙公司 / 甲公司；乙公司 / 甲公司和乙公司.
_SEPARATORS = re.compile(r"[,;/、，；]|(?<=公司)(?:和|及|与)")
T = TypeVar("T")


def joint_parts(value: FieldValue) -> list[FieldValue]:
    """Each applicant named in ``value`` as a reading of its own; ``[value]`` for one applicant."""
    spans: list[tuple[int, int]] = []
    start = 0
    for sep in _SEPARATORS.finditer(value.value):
        spans.append((start, sep.start()))
        start = sep.end()
    spans.append((start, len(value.value)))
    spans = [(a, b) for a, b in spans if b > a]
    if len(spans) < 2 or not all(ORGANISATION_NAME.search(value.value[a:b]) for a, b in spans):
        return [value]
    return [_slice(value, a, b) for a, b in spans]


def nearest_applicant(value: FieldValue, other: FieldValue) -> FieldValue:
    """The applicant of ``value`` that ``other`` should be compared with: the one nearest it when
    ``value`` names several and ``other`` names one; ``value`` itself otherwise."""
    parts = joint_parts(value)
    if len(parts) < 2 or len(joint_parts(other)) > 1:
        return value
    return max(parts, key=lambda part: fuzz.ratio(part.value, other.value))


def applicant_names(dossier: Dossier) -> tuple[list[str], list[FieldValue]]:
    """Distinct applicants on the application form (the electronic version where paper has none)."""
    readings = dossier.fields.get(
        FieldName.APPLICANT_NAME, source=Source.PAPER, document=DocType.APPLICATION_FORM
    ) or dossier.fields.get(FieldName.APPLICANT_NAME, source=Source.ELECTRONIC)
    names: list[str] = []
    for v in readings:
        names += [p.value for p in joint_parts(v) if p.value not in names]
    return names, readings


def _slice(value: FieldValue, a: int, b: int) -> FieldValue:
    n = len(value.value)
    return value.model_copy(
        update={
            "value": value.value[a:b],
            "raw": value.value[a:b],
            "char_confidences": _cut(value.char_confidences, a, b, n),
            "char_under_seal": _cut(value.char_under_seal, a, b, n),
            "char_boxes": _cut(value.char_boxes, a, b, n),
        }
    )


def _cut(items: list[T] | None, a: int, b: int, n: int) -> list[T] | None:
    """Per-character evidence of characters ``a:b`` (None where it is not one per character)."""
    return items[a:b] if items is not None and len(items) == n else None
