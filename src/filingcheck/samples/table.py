"""Ruled tables as printed forms have them: label cells, value cells that wrap, thick outer frame."""

from __future__ import annotations

from dataclasses import dataclass

from filingcheck.samples.canvas import Canvas


@dataclass(frozen=True)
class Cell:
    text: str
    width: float
    label: bool = False
    align: str = "left"


def draw_rows(
    c: Canvas,
    x: float,
    y: float,
    rows: list[list[Cell]],
    pt: float,
    min_height: float = 10.0,
    leading: float = 1.45,
    label_role: str = "body",
    frame: float = 0.5,
) -> float:
    """Draw rows of cells from (x, y) downwards; returns the bottom y of the table."""
    em = pt * 25.4 / 72
    pad = 2.2
    top = y
    total_w = max(sum(cell.width for cell in row) for row in rows)
    for row in rows:
        wrapped = [
            c.wrap(cell.text, pt, cell.width - 2 * pad, label_role if cell.label else "body") or [""]
            for cell in row
        ]
        n_lines = max(len(w) for w in wrapped)
        height = max(min_height, n_lines * em * leading + 2 * pad + em * 0.2)
        cx = x
        for cell, lines in zip(row, wrapped, strict=True):
            block = len(lines) * em * leading
            base = y + (height - block) / 2 + em * 0.95
            for i, line in enumerate(lines):
                ly = base + i * em * leading
                role = label_role if cell.label else "body"
                if cell.label and cell.align == "spread" and len(lines) == 1:
                    c.spread(cx + pad + 1, ly, cell.width - 2 * pad - 2, line, pt, role)
                elif cell.align == "center":
                    c.text(cx + cell.width / 2, ly, line, pt, role, align="center")
                else:
                    c.text(cx + pad, ly, line, pt, role)
            cx += cell.width
            if cx < x + total_w - 0.1:
                c.line(cx, y, cx, y + height, 0.25)
        y += height
        c.line(x, y, x + total_w, y, 0.25)
    c.rect(x, top, x + total_w, y, frame, outline=(28, 28, 30))
    return y
