"""Fields of the application form and of item cover sheets, read by label → value."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from filingcheck.extract.cells import grid_fields
from filingcheck.extract.evidence import field_from_pieces
from filingcheck.extract.labels import ALL_LABELS, FORM_LABELS
from filingcheck.extract.layout import match_label, value_pieces
from filingcheck.extract.line_repair import cut_at_glued_labels, merge_wrapped_labels, split_stacked_lines
from filingcheck.extract.spread_labels import (
    match_label_tail,
    match_lost_head,
    match_lost_tail,
    match_split_label,
)
from filingcheck.models import DocType, FieldName, FieldValue, PageOcr

PRODUCT_SUFFIX = re.compile(r"(胶囊|软胶囊|片|咀嚼片|含片|口服液|颗粒|粉|茶|饮料|酒|丸|膏|糖果|冲剂|滴剂)$")


def labelled_fields(
    ocr: PageOcr,
    document: DocType,
    vocab: Mapping[FieldName, Sequence[str]],
    stop_labels: Sequence[str] = ALL_LABELS,
    glued_labels: Sequence[str] = (),
) -> list[FieldValue]:
    """Every labelled field on the page, first reading of each field only; ``glued_labels`` are
    labels a line is cut at when OCR ran the previous column's value into them."""
    found: dict[FieldName, FieldValue] = {}
    lines = cut_at_glued_labels(split_stacked_lines(ocr.lines), glued_labels)
    lines = merge_wrapped_labels(lines, vocab)
    for line in lines:
        match = match_label(line, vocab)
        if match is None:
            split = match_split_label(line, lines, vocab)
            if split is not None:
                line, match = split
            else:
                match = (
                    match_label_tail(line, lines, vocab)
                    or match_lost_head(line, lines, vocab)
                    or match_lost_tail(line, lines, vocab)
                )
        if match is None or match.field in found:
            continue
        pieces = value_pieces(line, match, lines, stop_labels)
        note = None if match.score == 100 else f"label read as {line.text[: len(match.label)]!r}"
        if match.lost is not None:
            note = f"label read as {match.label!r} (its {match.lost} character was not read)"
        value = field_from_pieces(match.field, pieces, ocr, document, note=note)
        if value is not None and value.value:
            found[match.field] = value
    return list(found.values())


def form_fields(
    ocr: PageOcr,
    document: DocType,
    vocab: Mapping[FieldName, Sequence[str]],
    stop_labels: Sequence[str] = ALL_LABELS,
) -> list[FieldValue]:
    """A ruled form read cell by cell; the line reader gives what no cell did (no grid found,
    a label outside the table, a text-layer page, a reading cached before grids)."""
    found = {value.name: value for value in grid_fields(ocr, document, vocab, stop_labels)}
    for value in labelled_fields(ocr, document, vocab, stop_labels):
        found.setdefault(value.name, value)
    return list(found.values())


def application_form_fields(ocr: PageOcr) -> list[FieldValue]:
    return form_fields(ocr, DocType.APPLICATION_FORM, FORM_LABELS)
