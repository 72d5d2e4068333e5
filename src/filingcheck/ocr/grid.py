"""Ruled tables on an upright page: ruling lines by morphology, then cells with their spans.

A border is a long thin run of ink; a glyph stroke is never longer than its character, so an
opening with a kernel longer than a character keeps the borders and drops the text. A border
counts as present between two grid lines when ink covers most of that stretch, not all of it,
so broken or faded rules still close their cells, and a missing one merges the cells it would
have separated (merged cells, partial borders). Dotted rules and borderless tables are not seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from filingcheck.models import BBox
from filingcheck.models.grid import TableCell, TableGrid

# Share of a stretch between two grid lines that ink must cover for a border to be there.
MIN_COVERAGE = 0.5
# Grey levels below the paper (summed across a rule's width) that count as rule ink: well above
# scanner noise, well below a faded one-pixel rule on a worn photocopy.
MIN_DARKNESS = 22.0


@dataclass(frozen=True)
class _Segment:
    """A ruling-line piece: ``pos`` across the line (y of a horizontal), ``lo``–``hi`` along it."""

    pos: float
    lo: int
    hi: int


@dataclass(frozen=True)
class _Masks:
    horizontal: np.ndarray
    vertical: np.ndarray


def detect_tables(grey: np.ndarray, text_height: float) -> list[TableGrid]:
    """Every bordered table on a grey upright page; ``text_height`` (the median OCR line height,
    pixels) sets what is too long to be a glyph stroke and how far a line may wander."""
    if grey.ndim != 2 or min(grey.shape) < 50:
        return []
    h = max(8.0, float(text_height))
    masks = _line_masks(grey, h)
    tol = max(3, round(0.3 * h))
    joined = cv2.dilate(masks.horizontal | masks.vertical, np.ones((2 * tol + 1, 2 * tol + 1), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    tables = []
    for i in range(1, count):
        x, y, w, hh, _ = (int(v) for v in stats[i])
        if w < 4 * h or hh < 1.5 * h:
            continue
        region = BBox.of(x + tol, y + tol, x + w - tol, y + hh - tol)
        grid = _grid_in(region, masks, h, tol)
        if grid is not None:
            tables.append(grid)
    return sorted(tables, key=lambda t: (t.bbox.y0, t.bbox.x0))


def _line_masks(grey: np.ndarray, h: float) -> _Masks:
    dark = cv2.subtract(_paper(grey, h), grey)
    run = max(5, int(0.3 * h))
    side = max(3, int(0.25 * h))
    # Darkness summed across a rule's width (a faint one-pixel rule stepping between rows keeps
    # its weight) and averaged along it, minus the darker of the two sides a little way off: a
    # rule has paper on both sides, a stroke inside a line of text has more strokes beside it.
    along_x = cv2.boxFilter(dark, cv2.CV_32F, (run, 3), normalize=False) / run
    along_y = cv2.boxFilter(dark, cv2.CV_32F, (3, run), normalize=False) / run
    h_len = max(int(3 * h), grey.shape[1] // 40)
    v_len = max(int(1.5 * h), 15)
    horizontal = cv2.morphologyEx(
        _ink(_ridge(along_x, side, 0)), cv2.MORPH_OPEN, np.ones((1, h_len), np.uint8)
    )
    vertical = cv2.morphologyEx(_ink(_ridge(along_y, side, 1)), cv2.MORPH_OPEN, np.ones((v_len, 1), np.uint8))
    # Bridge short breaks along each rule; only rules are left in the masks, so this adds no text.
    gap = max(3, int(0.8 * h))
    horizontal = cv2.morphologyEx(horizontal, cv2.MORPH_CLOSE, np.ones((1, gap), np.uint8))
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_CLOSE, np.ones((gap, 1), np.uint8))
    return _Masks(horizontal=horizontal, vertical=vertical)


def _ridge(response: np.ndarray, side: int, axis: int) -> np.ndarray:
    """``response`` minus the larger of its values ``side`` pixels before and after along ``axis``
    (the page's outer ``side`` pixels keep no response)."""
    ridge = np.zeros_like(response)
    if axis == 0:
        np.subtract(
            response[side:-side],
            np.maximum(response[: -2 * side], response[2 * side :]),
            out=ridge[side:-side],
        )
    else:
        np.subtract(
            response[:, side:-side],
            np.maximum(response[:, : -2 * side], response[:, 2 * side :]),
            out=ridge[:, side:-side],
        )
    return ridge


def _paper(grey: np.ndarray, h: float) -> np.ndarray:
    """The paper's own grey level around each pixel (uneven lighting, tinted paper): a median
    over a few text heights, taken at a quarter of the size because it only varies slowly."""
    size = (grey.shape[1], grey.shape[0])
    small = cv2.resize(grey, (max(1, size[0] // 4), max(1, size[1] // 4)), interpolation=cv2.INTER_AREA)
    k = max(3, int(h) // 2 | 1)
    return cv2.resize(cv2.medianBlur(small, k), size, interpolation=cv2.INTER_LINEAR)


def _ink(darkness: np.ndarray) -> np.ndarray:
    return (darkness >= MIN_DARKNESS).astype(np.uint8) * 255


def _segments(mask: np.ndarray, horizontal: bool) -> list[_Segment]:
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, count):
        x, y, w, h, _ = (int(v) for v in stats[i])
        if horizontal:
            out.append(_Segment(pos=y + h / 2, lo=x, hi=x + w))
        else:
            out.append(_Segment(pos=x + w / 2, lo=y, hi=y + h))
    return out


def _cluster(segments: Sequence[_Segment], tol: float) -> list[int]:
    """Positions of the distinct rules: pieces of one broken rule share a position within ``tol``."""
    groups: list[list[_Segment]] = []
    for seg in sorted(segments, key=lambda s: s.pos):
        if groups and seg.pos - groups[-1][-1].pos <= tol:
            groups[-1].append(seg)
        else:
            groups.append([seg])
    out = []
    for group in groups:
        weight = sum(s.hi - s.lo for s in group)
        out.append(round(sum(s.pos * (s.hi - s.lo) for s in group) / max(1, weight)))
    return out


def _edges(found: list[int], lo: int, hi: int, min_cell: float) -> list[int]:
    """Rule positions plus the table's own sides where their rule is missing (partial borders)."""
    edges = [p for p in found if lo - min_cell / 2 <= p <= hi + min_cell / 2]
    if not edges or edges[0] - lo >= min_cell:
        edges.insert(0, lo)
    if edges[-1] < hi and hi - edges[-1] >= min_cell:
        edges.append(hi)
    merged: list[int] = []
    for p in edges:
        if merged and p - merged[-1] < min_cell:
            continue  # a doubled or thick rule: one edge
        merged.append(p)
    return merged


def _grid_in(region: BBox, masks: _Masks, h: float, tol: int) -> TableGrid | None:
    sub_h = masks.horizontal[region.y0 : region.y1 + 1, region.x0 : region.x1 + 1]
    sub_v = masks.vertical[region.y0 : region.y1 + 1, region.x0 : region.x1 + 1]
    hs = _segments(sub_h, horizontal=True)
    vs = _segments(sub_v, horizontal=False)
    rows_found = _cluster(hs, tol)
    cols_found = _cluster(vs, tol)
    if len(rows_found) < 2 or not cols_found:
        return None
    min_cell = max(2 * tol, 0.6 * h)
    row_edges = _edges(rows_found, 0, region.height, min_cell)
    col_edges = _edges(cols_found, 0, region.width, min_cell)
    n_rows, n_cols = len(row_edges) - 1, len(col_edges) - 1
    if n_rows < 1 or n_cols < 1 or n_rows * n_cols < 2:
        return None
    # Cells grow across a row where no rule parts them, then down where no rule runs under the
    # whole of a cell and the cell below has the same columns: always rectangles, and a rule
    # missing in one place cannot chain-merge the whole table.
    open_cells: dict[tuple[int, int], list[int]] = {}  # (c0, c1) -> [r0, r1, c0, c1] still growing
    spans: list[list[int]] = []
    for r in range(n_rows):
        segments, c0 = [], 0
        for c in range(n_cols):
            last = c == n_cols - 1
            if last or _ruled(sub_v, col_edges[c + 1], row_edges[r], row_edges[r + 1], tol, vertical=True):
                segments.append((c0, c))
                c0 = c + 1
        grown: dict[tuple[int, int], list[int]] = {}
        for seg in segments:
            above = open_cells.get(seg)
            x0, x1 = col_edges[seg[0]], col_edges[seg[1] + 1]
            if above is not None and not _ruled(sub_h, row_edges[r], x0, x1, tol, vertical=False):
                above[1] = r
                grown[seg] = above
            else:
                cell = [r, r, seg[0], seg[1]]
                spans.append(cell)
                grown[seg] = cell
        open_cells = grown
    # Grid lines that bound no cell (a run of ink through text, merged away) are dropped.
    rows = sorted({r for r0, r1, _, _ in spans for r in (r0, r1 + 1)})
    cols = sorted({c for _, _, c0, c1 in spans for c in (c0, c1 + 1)})
    cells = [
        TableCell(
            row=rows.index(r0),
            col=cols.index(c0),
            row_span=rows.index(r1 + 1) - rows.index(r0),
            col_span=cols.index(c1 + 1) - cols.index(c0),
            bbox=BBox.of(
                region.x0 + col_edges[c0],
                region.y0 + row_edges[r0],
                region.x0 + col_edges[c1 + 1],
                region.y0 + row_edges[r1 + 1],
            ),
        )
        for r0, r1, c0, c1 in spans
    ]
    return TableGrid(
        bbox=region,
        row_edges=[region.y0 + row_edges[r] for r in rows],
        col_edges=[region.x0 + col_edges[c] for c in cols],
        cells=sorted(cells, key=lambda cell: (cell.row, cell.col)),
    )


def _ruled(mask: np.ndarray, pos: int, lo: int, hi: int, tol: int, *, vertical: bool) -> bool:
    """Whether a rule runs at ``pos`` over most of ``lo``–``hi`` and reaches one of its ends (where
    it meets a crossing rule); a run of ink inside a cell stops short of the borders."""
    if hi <= lo:
        return False
    across = slice(max(0, pos - tol), pos + tol + 1)
    band = mask[lo:hi, across] if vertical else mask[across, lo:hi]
    if band.size == 0:
        return False
    covered: np.ndarray = np.asarray(band.any(axis=1 if vertical else 0))
    trim = min(tol, len(covered) // 4)
    ends = bool(covered[: 2 * tol].any() or covered[-2 * tol :].any())
    return ends and float(covered[trim : len(covered) - trim].mean()) >= MIN_COVERAGE
