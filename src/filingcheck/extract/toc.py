"""Numbered item lists: the table of contents (申报资料项目目录) and the form's 所附资料 list."""

from __future__ import annotations

import re
from collections.abc import Sequence

from filingcheck.extract.evidence import field_from_pieces
from filingcheck.extract.form import labelled_fields
from filingcheck.extract.labels import COVER_LABELS
from filingcheck.extract.layout import Piece, same_row
from filingcheck.extract.numbering import split_numbered
from filingcheck.models import DocType, FieldName, FieldValue, OcrLine, PageOcr
from filingcheck.models.normalize import normalise

_PAGE_ONLY = re.compile(r"^[.·…\s]*(\d{1,4})$")
_RAW_NUMBER = re.compile(
    r"^\s*(?:资料|第)?\s*[(（\[]?[0-9一二三四五六七八九十]{1,3}[)）\]]?\s*项?\s*[.．、,:：]?\s*"
)
ATTACHMENTS_HEADING = "所附资料"


def toc_fields(ocr: PageOcr) -> list[FieldValue]:
    """Product and applicant named on the contents page, and its items in printed order."""
    values = labelled_fields(ocr, DocType.TABLE_OF_CONTENTS, COVER_LABELS)
    return values + numbered_items(ocr, ocr.lines, DocType.TABLE_OF_CONTENTS)


def form_attachment_items(ocr: PageOcr) -> list[FieldValue]:
    """The numbered lines under the form's 所附资料 heading (the order the contents must follow)."""
    heading = next((ln for ln in ocr.lines if ATTACHMENTS_HEADING in normalise(ln.text)), None)
    if heading is None:
        return []
    below = [ln for ln in ocr.lines if ln.bbox.y0 >= heading.bbox.y0 and ln is not heading]
    return numbered_items(ocr, below, DocType.APPLICATION_FORM)


def numbered_items(ocr: PageOcr, lines: Sequence[OcrLine], document: DocType) -> list[FieldValue]:
    """``toc_item`` readings: value the item name, ``item`` its number, ``note`` the page it is on.

    A wrapped name goes on in the lines below it that start no new number; a page number may
    be printed as a separate line at the right of the row.
    """
    ordered = sorted(lines, key=lambda ln: (ln.bbox.y0, ln.bbox.x0))
    used: set[int] = set()
    values: list[FieldValue] = []
    for i, line in enumerate(ordered):
        if i in used:
            continue
        head = split_numbered(line.text)
        if head is None or line.bbox.x0 > 0.5 * ocr.width:
            continue
        pieces = [Piece(line, *_name_span(line.text))]
        page = head.page
        last = line
        for j in range(i + 1, len(ordered)):
            nxt = ordered[j]
            if j in used or same_row(nxt, line):
                continue
            gap = nxt.bbox.y0 - last.bbox.y1
            if gap > 0.9 * last.bbox.height or split_numbered(nxt.text) is not None:
                break
            if nxt.bbox.x0 < line.bbox.x0 - line.bbox.height or _PAGE_ONLY.match(normalise(nxt.text)):
                break
            pieces.append(Piece(nxt, 0, len(nxt.text)))
            used.add(j)
            last = nxt
        page = page or _row_page(last, ordered)
        name = "".join(normalise(p.text) for p in pieces)
        name = re.sub(r"[.·…]+\d{0,4}$", "", name).rstrip(".·…,;:")
        if not name:
            continue
        value = field_from_pieces(
            FieldName.TOC_ITEM,
            pieces,
            ocr,
            document,
            value=name,
            note=f"page {page}" if page else None,
        )
        if value is not None:
            values.append(value.model_copy(update={"item": head.number}))
    return values


def _name_span(text: str) -> tuple[int, int]:
    """Raw start and end of the item name inside a numbered line (number and leaders dropped)."""
    m = _RAW_NUMBER.match(text)
    start = m.end() if m else 0
    end = len(text)
    tail = re.search(r"[.·…_\-\s]*\d{0,4}\s*$", text[start:])
    if tail is not None and tail.group(0).strip() and not tail.group(0).strip().isdigit():
        end = start + tail.start()
    return start, max(start, end)


def _row_page(line: OcrLine, lines: Sequence[OcrLine]) -> int | None:
    """A page number standing alone at the right of the line's row."""
    for other in lines:
        if other is line or not same_row(other, line) or other.bbox.x0 <= line.bbox.x1:
            continue
        m = _PAGE_ONLY.match(normalise(other.text))
        if m:
            return int(m.group(1))
    return None
