"""Building findings from compared field readings: status, message, diff and evidence boxes."""

from __future__ import annotations

from functools import partial
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from filingcheck.crosscheck.base import CheckContext
from filingcheck.crosscheck.matching import Comparison, compare
from filingcheck.models import (
    BBox,
    Evidence,
    EvidenceRole,
    FieldValue,
    Finding,
    PageInfo,
    Seal,
    Source,
    Status,
)
from filingcheck.models.normalize import normalise


def evidence_of(value: FieldValue, role: EvidenceRole, highlight: list[BBox] | None = None) -> Evidence:
    return Evidence(
        page=value.page,
        bbox=value.bbox,
        role=role,
        source=value.source,
        document=value.document,
        text=value.raw,
        highlight=highlight or [],
    )


def second_read_agrees(found: FieldValue, context: CheckContext) -> bool | None:
    """Re-read the found box with the second reader: True if it reads the same value again,
    False if it reads something else, None when there is no second reader or nothing was read."""
    text = second_read(found, context)
    return None if text is None else normalise(text) == found.value


def second_read(found: FieldValue, context: CheckContext, alphabet: str | None = None) -> str | None:
    """What the second reader reads in the found box (None: no reader, no box, nothing read);
    ``alphabet``: the characters the value can hold, where the reader can be held to them."""
    reader = context.second_reader
    if reader is None or found.source != Source.PAPER or found.page is None or found.bbox is None:
        return None
    line = reader.read_box(found.page, found.bbox, alphabet)
    return line.text if line is not None and line.text else None


def refuting_read(expected: FieldValue, found: FieldValue, context: CheckContext) -> tuple[str, str] | None:
    """A difference that no OCR evidence explains can still be a confident misread (a digit
    dropped, ``+`` for ``4``). Each paper side is read again: when a second reading comes out
    nearer the other side than the first reading did, the difference is not confirmed. Returns
    (which side, what the second read gave); None when every second read confirms or is absent."""
    for side, value, other in (("found", found, expected), ("expected", expected, found)):
        text = second_read(value, context)
        if text is None:
            continue
        again = normalise(text)
        # Garbage comes out nearer whichever side is shorter: the second reading must be mostly
        # the other side's text before it can dispute the first.
        mostly_other = fuzz.ratio(again, other.value) >= context.settings.refuting_read_ratio
        nearer = Levenshtein.distance(again, other.value) < Levenshtein.distance(again, value.value)
        if mostly_other and nearer:
            return side, again
    return None


def compare_readings(
    rule: str,
    clause: str,
    field: str,
    expected: FieldValue,
    found: FieldValue,
    context: CheckContext,
    what: str,
) -> Finding:
    """One finding for one pair of readings of the same value (``what`` names them for the clerk)."""
    result: Comparison = compare(expected, found, context.settings.low_confidence)
    pages = sorted({p for p in (expected.page if expected.source == Source.PAPER else None, found.page) if p})
    evidence = [
        evidence_of(expected, EvidenceRole.EXPECTED, result.expected_boxes),
        evidence_of(found, EvidenceRole.FOUND, result.found_boxes),
    ]
    make = partial(
        Finding,
        rule=rule,
        clause=clause,
        field=field,
        expected=expected.value,
        found=found.value,
        pages=pages,
    )
    if result.equal:
        return make(
            status=Status.PASS,
            evidence=evidence,
            score=100.0,
            diff=result.diff,
            message=f"{what}: identical",
        )
    # A reading's own low confidence counts only where it has none per character: with them, the
    # characters that differ say whether OCR could have made the difference (a blurred 4 elsewhere
    # in an address does not excuse another district).
    weak = any(_weak(v, context.settings.min_field_confidence) for v in (expected, found))
    status = Status.FAIL
    message = f"{what} differ"
    refuted = None if result.explained_by_ocr or weak else refuting_read(expected, found, context)
    if refuted is not None:
        status = Status.UNCERTAIN
        message = (
            f"{what} differ as first read, but a second read of the {refuted[0]} reading gives "
            f"{refuted[1]!r}, nearer the other side; a person must look"
        )
    elif result.explained_by_ocr or weak:
        again = second_read_agrees(found, context) if result.explained_by_ocr else None
        if again:
            message = (
                f"{what} differ; a second read confirms the characters read ({'; '.join(result.reasons)})"
            )
        else:
            status = Status.UNCERTAIN
            why = "; ".join(result.reasons) if result.reasons else "the reading has low confidence"
            message = f"{what} differ, but OCR could explain it ({why}); a person must look"
    return make(status=status, evidence=evidence, score=result.score, diff=result.diff, message=message)


def _weak(value: FieldValue, floor: float) -> bool:
    return value.char_confidences is None and value.confidence < floor


def missing(
    rule: str, clause: str, field: str | None, message: str, present: list[FieldValue] | None = None
) -> Finding:
    """An ``uncertain`` finding for evidence that could not be found."""
    evidence = [evidence_of(v, EvidenceRole.CONTEXT) for v in present or []]
    pages = sorted({v.page for v in present or [] if v.page and v.source == Source.PAPER})
    return Finding(
        rule=rule,
        clause=clause,
        field=field,
        status=Status.UNCERTAIN,
        pages=pages,
        evidence=evidence,
        message=message,
    )


def not_applicable(rule: str, clause: str, message: str, **more: Any) -> Finding:
    """The finding of a rule with nothing to check in this dossier (no formula, one applicant...)."""
    return Finding(rule=rule, clause=clause, status=Status.NOT_APPLICABLE, message=message, **more)


def seal_evidence(seal: Seal, role: EvidenceRole = EvidenceRole.FOUND) -> Evidence:
    return Evidence(page=seal.page, bbox=seal.bbox, role=role, source=Source.SEAL, text=seal.text)


def page_evidence(page: PageInfo, role: EvidenceRole = EvidenceRole.CONTEXT) -> Evidence:
    """The whole page as evidence (a missing seal, a wrong size: there is no smaller box)."""
    return Evidence(
        page=page.page,
        bbox=BBox(x0=0, y0=0, x1=page.width, y1=page.height),
        role=role,
        source=Source.PAPER,
        document=page.doc_type,
    )
