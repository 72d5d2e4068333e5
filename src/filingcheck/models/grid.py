"""Bordered tables found on a page: the ruled grid and its cells, merged cells as spans.

Boxes are in the same upright page frame as the OCR lines they hold (``PageOcr.to_scan``
maps them back to the scan), so text can be assigned to cells by overlap.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from filingcheck.models.geometry import BBox


class TableCell(BaseModel):
    """One cell of a ruled table; a merged cell spans several grid rows or columns."""

    model_config = ConfigDict(frozen=True)

    row: int = Field(ge=0)
    col: int = Field(ge=0)
    row_span: int = Field(default=1, ge=1)
    col_span: int = Field(default=1, ge=1)
    bbox: BBox

    @property
    def last_row(self) -> int:
        return self.row + self.row_span - 1

    @property
    def last_col(self) -> int:
        return self.col + self.col_span - 1


class TableGrid(BaseModel):
    """A table as its ruling lines divide it: ``row_edges``/``col_edges`` are the y/x of the
    grid lines (drawn or implied by a missing border), ``cells`` cover the grid without overlap."""

    model_config = ConfigDict(frozen=True)

    bbox: BBox
    row_edges: list[int]
    col_edges: list[int]
    cells: list[TableCell] = Field(default_factory=list)

    @property
    def n_rows(self) -> int:
        return max(0, len(self.row_edges) - 1)

    @property
    def n_cols(self) -> int:
        return max(0, len(self.col_edges) - 1)

    def cell_at(self, row: int, col: int) -> TableCell | None:
        """The cell covering grid position (row, col), merged or not."""
        for cell in self.cells:
            if cell.row <= row <= cell.last_row and cell.col <= col <= cell.last_col:
                return cell
        return None
