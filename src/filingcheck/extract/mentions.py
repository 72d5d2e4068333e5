"""Names in running text: where the product, applicant and address already read recur on text pages.

A spaCy ``blank("zh")`` pipeline (one token per character) with an EntityRuler fed by the names
read off the form, cover sheets and licence finds each name where it is spelt the same, and
anchors (its head, middle and tail) where it may be spelt differently; rapidfuzz then aligns the
whole name around an anchor, so a mention with one character changed is found and kept as read.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from filingcheck.extract.evidence import field_from_pieces
from filingcheck.extract.layout import Piece, same_row
from filingcheck.models import DocType, FieldName, FieldValue, OcrLine, PageOcr, Source
from filingcheck.models.normalize import normalise_with_map

TARGETS = (FieldName.PRODUCT_NAME, FieldName.APPLICANT_NAME, FieldName.APPLICANT_ADDRESS)
# Other readings of a target name: the licence prints the applicant's name and domicile.
ALIASES = {
    FieldName.LICENCE_NAME: FieldName.APPLICANT_NAME,
    FieldName.LICENCE_ADDRESS: FieldName.APPLICANT_ADDRESS,
}
# Names of other parties: a mention closer to one of these is theirs, not the applicant's.
OTHERS = (
    FieldName.TRIAL_UNIT_NAME,
    FieldName.TRIAL_UNIT_ADDRESS,
    FieldName.TEST_UNIT_NAME,
    FieldName.REGISTRATION_AUTHORITY,
    FieldName.REPORT_INSTITUTION,
    FieldName.REPORT_MANUFACTURER,
)
# Pages whose text is the applicant's own prose (the structured pages have readers of their own).
RUNNING_TEXT = frozenset(
    {
        DocType.FORMULA,
        DocType.PRODUCTION_PROCESS,
        DocType.QUALITY_STANDARD,
        DocType.LABEL_INSTRUCTIONS,
        DocType.PATENT_GUARANTEE,
        DocType.JOINT_RECOMMENDATION,
        DocType.OTHER_TEXT,
    }
)
SOURCES = frozenset({DocType.APPLICATION_FORM, DocType.COVER_SHEET, DocType.TABLE_OF_CONTENTS})
MIN_RATIO = 80.0
MIN_NAME = 5
NOTE = "in running text"


@dataclass(frozen=True)
class _Name:
    field: FieldName
    text: str


@dataclass(frozen=True)
class _Text:
    """A page's text joined in reading order, with each character's line and raw index."""

    text: str
    where: tuple[tuple[OcrLine, int], ...]


@lru_cache(maxsize=1)
def _blank_zh() -> Any:
    """A blank Chinese pipeline (character tokens), built once per process: building one takes
    ≈ 40 ms, more than searching a dossier. Each dossier gets its own ruler over its vocabulary;
    what stays behind is the interned strings of the names searched (bytes per dossier)."""
    import spacy  # slow to import: only when a dossier has running text to search

    return spacy.blank("zh")


def running_text_mentions(
    pages: Sequence[tuple[PageOcr, DocType]], readings: Iterable[FieldValue]
) -> list[FieldValue]:
    """Readings (``note`` "in running text") of the known names found on running-text pages."""
    readings = list(readings)
    names = _known(readings)
    texts = [(ocr, doc) for ocr, doc in pages if doc in RUNNING_TEXT and ocr.lines]
    if not names or not texts:
        return []
    others = sorted(
        {v.value for v in readings if v.name in OTHERS and len(v.value) >= MIN_NAME} - {n.text for n in names}
    )
    nlp = _pipeline(names)
    found: list[FieldValue] = []
    for ocr, doc_type in texts:
        joined = _join(ocr.lines)
        taken: list[tuple[int, int]] = []
        for ent in nlp(joined.text).ents:
            name = names[int(ent.ent_id_.split("|")[0])]
            exact = ent.ent_id_.endswith("|exact")
            span = (
                (ent.start_char, ent.end_char)
                if exact
                else _align(name.text, joined.text, ent.start_char, ent.end_char, others)
            )
            if span is None or any(a < span[1] and span[0] < b for a, b in taken):
                continue
            if not exact and (span[0] == 0 or span[1] == len(joined.text)):
                continue  # at the edge of what was read (a page read only in part): may be cut short
            taken.append(span)
            value = _reading(name.field, joined, span, ocr, doc_type)
            if value is not None:
                found.append(value)
    return found


def _known(readings: list[FieldValue]) -> list[_Name]:
    names: dict[tuple[FieldName, str], _Name] = {}
    for v in readings:
        field = ALIASES.get(v.name, v.name)
        if field not in TARGETS or v.source != Source.PAPER or len(v.value) < MIN_NAME:
            continue
        if v.document in SOURCES or v.name in ALIASES:
            names.setdefault((field, v.value), _Name(field, v.value))
    return list(names.values())


def _pipeline(names: list[_Name]) -> Callable[[str], Any]:
    """Text → spaCy doc whose entities are the dossier's names (exact, or by anchors of them)."""
    from spacy.pipeline import EntityRuler

    nlp = _blank_zh()
    ruler = EntityRuler(nlp, "entity_ruler")
    patterns: list[dict[str, Any]] = []
    for i, name in enumerate(names):
        label = name.field.value
        patterns.append({"label": label, "pattern": name.text, "id": f"{i}|exact"})
        k = max(3, math.ceil(len(name.text) / 3))
        for j, start in enumerate(sorted({0, (len(name.text) - k) // 2, len(name.text) - k})):
            anchor = name.text[start : start + k]
            patterns.append({"label": label, "pattern": [{"TEXT": c} for c in anchor], "id": f"{i}|{j}"})
    ruler.add_patterns(patterns)
    return lambda text: ruler(nlp.make_doc(text))


def _align(name: str, text: str, start: int, end: int, others: list[str]) -> tuple[int, int] | None:
    """The span around an anchor that reads most like ``name``, if it reads like it at all."""
    best: tuple[float, int, int, int] | None = None
    n = len(name)
    for s in range(max(0, end - n - 3), start + 1):
        for e in range(max(end, s + n - 3), min(len(text), s + n + 3) + 1):
            score = fuzz.ratio(name, text[s:e])
            key = (score, -abs(e - s - n), s, e)
            if best is None or key > best:
                best = key
    if best is None or best[0] < MIN_RATIO:
        return None
    candidate = text[best[2] : best[3]]
    if any(fuzz.ratio(other, candidate) >= best[0] for other in others):
        return None
    return best[2], best[3]


def _join(lines: Sequence[OcrLine]) -> _Text:
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda ln: ln.bbox.y0):
        row = next((r for r in rows if same_row(r[0], line)), None)
        if row is None:
            rows.append([line])
        else:
            row.append(line)
    chars: list[str] = []
    where: list[tuple[OcrLine, int]] = []
    for row in rows:
        for line in sorted(row, key=lambda ln: ln.bbox.x0):
            norm = normalise_with_map(line.text)
            chars.extend(norm.text)
            where.extend((line, i) for i in norm.index)
    return _Text(text="".join(chars), where=tuple(where))


def _reading(
    field: FieldName, joined: _Text, span: tuple[int, int], ocr: PageOcr, doc_type: DocType
) -> FieldValue | None:
    pieces: list[Piece] = []
    for line, raw in joined.where[span[0] : span[1]]:
        if pieces and pieces[-1].line is line:
            pieces[-1] = Piece(line, pieces[-1].start, raw + 1)
        else:
            pieces.append(Piece(line, raw, raw + 1))
    return field_from_pieces(field, pieces, ocr, doc_type, note=NOTE)
