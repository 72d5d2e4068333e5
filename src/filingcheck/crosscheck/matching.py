"""Comparing two readings of one value: exact after normalisation, and if not, could OCR explain it?

rapidfuzz aligns the characters; each differing span is then weighed with the OCR evidence of
the paper side(s): per-character confidence, characters under a seal, and known confusion pairs.
A difference every span of which OCR noise explains is ``uncertain``; any other is ``fail``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from filingcheck.crosscheck.confusions import confusable
from filingcheck.models import BBox, DiffOp, FieldValue, Source
from filingcheck.models.findings import DiffKind


@dataclass(frozen=True)
class Comparison:
    equal: bool
    score: float
    diff: list[DiffOp]
    explained_by_ocr: bool = False
    reasons: list[str] = field(default_factory=list)
    expected_boxes: list[BBox] = field(default_factory=list)
    found_boxes: list[BBox] = field(default_factory=list)


def aligned_diff(expected: str, found: str) -> list[DiffOp]:
    ops = []
    for op in Levenshtein.opcodes(expected, found):
        ops.append(
            DiffOp(
                op=DiffKind(op.tag),
                expected=expected[op.src_start : op.src_end],
                found=found[op.dest_start : op.dest_end],
            )
        )
    return ops


def _doubtful(value: FieldValue, index: int, low_confidence: float) -> str | None:
    """Why character ``index`` of a paper reading might be wrong, or None when it was read well."""
    if value.source == Source.ELECTRONIC:
        return None
    conf = value.char_confidences
    seal = value.char_under_seal
    if conf is not None and index < len(conf) and conf[index] < low_confidence:
        return f"'{value.value[index]}' read with confidence {conf[index]:.2f}"
    if seal is not None and index < len(seal) and seal[index]:
        return f"'{value.value[index]}' lies under a seal"
    if conf is None and value.confidence < low_confidence:
        return f"read with confidence {value.confidence:.2f}"
    return None


def compare(expected: FieldValue, found: FieldValue, low_confidence: float = 0.9) -> Comparison:
    """Compare normalised values and say whether OCR noise alone could explain the difference."""
    a, b = expected.value, found.value
    score = round(float(fuzz.ratio(a, b)), 1)
    if a == b:
        return Comparison(equal=True, score=100.0, diff=[DiffOp(op=DiffKind.EQUAL, expected=a, found=b)])
    diff = aligned_diff(a, b)
    reasons: list[str] = []
    explained = True
    exp_boxes: list[BBox] = []
    found_boxes: list[BBox] = []
    for op in Levenshtein.opcodes(a, b):
        if op.tag == "equal":
            continue
        exp_boxes += _boxes(expected, op.src_start, op.src_end)
        found_boxes += _boxes(found, op.dest_start, op.dest_end)
        why = _explain(
            op.tag, expected, found, op.src_start, op.src_end, op.dest_start, op.dest_end, low_confidence
        )
        if why is None:
            explained = False
        else:
            reasons.append(why)
    return Comparison(
        equal=False,
        score=score,
        diff=diff,
        explained_by_ocr=explained,
        reasons=reasons,
        expected_boxes=exp_boxes,
        found_boxes=found_boxes,
    )


def _explain(
    tag: str,
    expected: FieldValue,
    found: FieldValue,
    s0: int,
    s1: int,
    d0: int,
    d1: int,
    low_confidence: float,
) -> str | None:
    """Why OCR could have made this span differ, or None when it was read well on both sides."""
    a, b = expected.value, found.value

    def doubt(value: FieldValue, indices: range | tuple[int, ...]) -> list[str]:
        return [
            d for i in indices if 0 <= i < len(value.value) and (d := _doubtful(value, i, low_confidence))
        ]

    if tag == "replace" and s1 - s0 == d1 - d0:
        reasons = []
        for k in range(s1 - s0):
            x, y = a[s0 + k], b[d0 + k]
            why = (
                f"{x!r}/{y!r} is a known OCR confusion"
                if confusable(x, y)
                else next(iter(doubt(expected, (s0 + k,)) + doubt(found, (d0 + k,))), None)
            )
            if why is None:
                return None
            reasons.append(why)
        return "; ".join(reasons)
    if tag == "replace":
        sides = [doubt(expected, range(s0, s1)), doubt(found, range(d0, d1))]
        full = [r for r, n in zip(sides, (s1 - s0, d1 - d0), strict=True) if r and len(r) == n]
        return "; ".join(full[0]) if full else None
    if tag == "delete":
        # Characters missing from the found reading: plausible where the reading around them is doubtful.
        reasons = doubt(found, (d0 - 1, d0)) + doubt(expected, range(s0, s1))
        return "; ".join(reasons) if reasons else None
    reasons = doubt(found, range(d0, d1)) + doubt(expected, (s0 - 1, s0))
    return "; ".join(reasons) if reasons else None


def _boxes(value: FieldValue, start: int, end: int) -> list[BBox]:
    boxes = value.char_boxes
    if not boxes or len(boxes) != len(value.value):
        return []
    if start == end:
        # An insertion point: mark the neighbouring characters.
        return [boxes[i] for i in (start - 1, start) if 0 <= i < len(boxes)]
    return list(boxes[start:end])
