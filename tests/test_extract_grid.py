"""Ruled tables: grid lines and merged cells found by OpenCV, forms read cell by cell (real engine)."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest

from filingcheck.extract.cells import cell_texts, grid_fields
from filingcheck.extract.form import application_form_fields
from filingcheck.extract.labels import ALL_LABELS, FORM_LABELS, REPORT_LABELS
from filingcheck.extract.reports import test_application_fields as read_test_application
from filingcheck.models import BBox, DocType, EngineInfo, FieldName, OcrChar, OcrLine, PageImage, PageOcr
from filingcheck.models.grid import TableCell, TableGrid
from filingcheck.ocr import PrepareSettings, prepare_page, read_page
from filingcheck.ocr.grid import detect_tables
from filingcheck.samples.facts import make_facts
from filingcheck.samples.front import draw_form
from filingcheck.samples.page import Ctx, make_look
from filingcheck.samples.reports import draw_test_application
from filingcheck.samples.scan import ScanLevel, scan

ENGINE = EngineInfo(name="test", version="0")


def _synthetic_table() -> np.ndarray:
    """Four rows, three columns: a title row merged across, a label merged down two rows, no
    right frame, a broken rule, a faded rule, text in the cells, noise, and a slight skew."""
    img = np.full((2339, 1654), 250, np.uint8)
    x0, x1, ys = 200, 1400, [300, 400, 500, 600, 700]
    for y in ys:
        if y == 500:
            cv2.line(img, (500, y), (x1, y), 30, 2)  # not under the merged label cell
        elif y == 600:
            cv2.line(img, (x0, y), (1000, y), 30, 2)
            cv2.line(img, (1050, y), (x1, y), 30, 2)  # broken over column 2
        else:
            cv2.line(img, (x0, y), (x1, y), 30, 2)
    cv2.line(img, (200, 300), (200, 700), 30, 3)
    cv2.line(img, (500, 400), (500, 700), 30, 2)
    cv2.line(img, (900, 400), (900, 700), 195, 1)  # faded
    for y in (360, 460, 560, 660):
        for x in (230, 530, 930):
            cv2.putText(img, "TEXT 123", (x, y), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 20, 3)
    noise = np.random.default_rng(1).normal(0, 4, img.shape)
    img = np.clip(img + noise, 0, 255).astype(np.uint8)
    m = cv2.getRotationMatrix2D((827, 1170), 0.3, 1.0)
    return cv2.warpAffine(img, m, (1654, 2339), borderValue=250)


def test_grid_of_a_table_with_merged_cells_broken_and_faded_rules_and_no_right_frame() -> None:
    tables = detect_tables(_synthetic_table(), text_height=32)
    assert len(tables) == 1
    grid = tables[0]
    assert (grid.n_rows, grid.n_cols) == (4, 3)
    spans = {(c.row, c.col): (c.row_span, c.col_span) for c in grid.cells}
    assert spans == {
        (0, 0): (1, 3),
        (1, 0): (2, 1),
        (1, 1): (1, 1),
        (1, 2): (1, 1),
        (2, 1): (1, 1),
        (2, 2): (1, 1),
        (3, 0): (1, 1),
        (3, 1): (1, 1),
        (3, 2): (1, 1),
    }
    merged = grid.cell_at(2, 0)
    assert merged is not None and (merged.row, merged.row_span) == (1, 2)
    assert abs(merged.bbox.y0 - 400) <= 8 and abs(merged.bbox.y1 - 600) <= 8
    assert abs(grid.bbox.x1 - 1400) <= 8  # the side without a rule ends where the rules end


def test_text_alone_makes_no_table() -> None:
    img = np.full((1200, 1000), 255, np.uint8)
    for i in range(12):
        cv2.putText(img, "TEXT ABC 123 EEE", (80, 100 + i * 80), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 0, 3)
    assert detect_tables(img, text_height=40) == []


def _line(text: str, x0: int, y0: int, pitch: int = 30) -> OcrLine:
    chars = [
        OcrChar(text=ch, bbox=BBox.of(x0 + i * pitch, y0, x0 + (i + 1) * pitch - 2, y0 + 28), confidence=0.9)
        for i, ch in enumerate(text)
    ]
    return OcrLine(text=text, bbox=BBox.union_of(c.bbox for c in chars), confidence=0.9, chars=chars)


def _cell(
    row: int, col: int, box: tuple[int, int, int, int], row_span: int = 1, col_span: int = 1
) -> TableCell:
    return TableCell(row=row, col=col, row_span=row_span, col_span=col_span, bbox=BBox.of(*box))


def test_cells_read_label_to_value_right_below_split_and_wrapped() -> None:
    grid = TableGrid(
        bbox=BBox.of(100, 100, 1100, 500),
        row_edges=[100, 200, 300, 400, 500],
        col_edges=[100, 400, 700, 1100],
        cells=[
            _cell(0, 0, (100, 100, 400, 200)),
            _cell(0, 1, (400, 100, 1100, 200), col_span=2),
            _cell(1, 0, (100, 200, 400, 300)),
            _cell(1, 1, (400, 200, 700, 300)),
            _cell(1, 2, (700, 200, 1100, 300)),
            _cell(2, 0, (100, 300, 700, 400), col_span=2),
            _cell(2, 2, (700, 300, 1100, 500), row_span=2),
            _cell(3, 0, (100, 400, 700, 500), col_span=2),
        ],
    )
    lines = [
        _line("申请人地址", 120, 110),
        _line("北京市海淀区中关村", 420, 110),  # wraps inside its cell
        _line("南大街28号", 420, 150),
        _line("法定代表人王建国", 200, 230, pitch=40),  # one OCR line across the border at x=400
        _line("受理编号", 720, 230),  # last column: its value is in the (merged) cell below
        _line("试制单位名称", 120, 320),  # value in the cell below (stacked)
        _line("河北华康药业有限责任公司", 120, 420),
        _line("国食健申G2024", 720, 420),
    ]
    ocr = PageOcr(page=2, engine=ENGINE, width=1200, height=600, lines=lines, tables=[grid])
    texts = cell_texts(ocr.lines, grid)
    assert texts[(1, 0)].text == "法定代表人" and texts[(1, 1)].text == "王建国"
    got = {v.name: v for v in grid_fields(ocr, DocType.APPLICATION_FORM, FORM_LABELS, ALL_LABELS)}
    assert got[FieldName.APPLICANT_ADDRESS].value == "北京市海淀区中关村南大街28号"
    assert got[FieldName.LEGAL_REPRESENTATIVE].value == "王建国"
    assert got[FieldName.LEGAL_REPRESENTATIVE].bbox.x0 >= 400  # the value's characters, not the label's
    assert got[FieldName.TRIAL_UNIT_NAME].value == "河北华康药业有限责任公司"
    assert got[FieldName.ACCEPTANCE_NUMBER].value == "国食健申G2024"
    assert len(got) == 4


def test_a_cell_that_swallowed_a_neighbour_is_left_to_the_line_reader() -> None:
    grid = TableGrid(
        bbox=BBox.of(100, 100, 1100, 300),
        row_edges=[100, 300],
        col_edges=[100, 400, 1100],
        cells=[_cell(0, 0, (100, 100, 400, 300)), _cell(0, 1, (400, 100, 1100, 300))],
    )
    lines = [
        _line("产品名称", 120, 110),
        _line("康元牌软胶囊申请人名称北京康元", 420, 110),
    ]
    ocr = PageOcr(page=1, engine=ENGINE, width=1200, height=400, lines=lines, tables=[grid])
    assert grid_fields(ocr, DocType.APPLICATION_FORM, FORM_LABELS, ALL_LABELS) == []


def test_a_reading_cached_before_grids_loads_and_is_read_by_lines() -> None:
    lines = [_line("产品名称康元牌软胶囊", 120, 110)]
    old = PageOcr(page=1, engine=ENGINE, width=1200, height=400, lines=lines)
    data = old.model_dump(mode="json")
    data.pop("tables")
    loaded = PageOcr.model_validate(data)
    assert loaded.tables == []
    assert application_form_fields(loaded)[0].value == "康元牌软胶囊"


def _scanned(drawn_image: object, seed: int, dpi: int, level: str, rotation: int) -> PageImage:
    pixels = np.asarray(drawn_image)
    result = scan(pixels, ScanLevel(level), np.random.default_rng(seed), [], dpi, rotation=rotation)
    return PageImage(page=1, image=np.ascontiguousarray(result.image[:, :, ::-1]), dpi=dpi, source="test")


def _read(rapid, page: PageImage) -> PageOcr:
    upright = prepare_page(page, rapid, PrepareSettings())
    return read_page(upright, rapid, [])


@pytest.mark.parametrize(
    ("seed", "dpi", "level", "rotation"),
    [(3, 150, "mild", 0), (5, 150, "hard", 90), (8, 200, "mild", 0)],
)
def test_generated_application_form_is_read_cell_by_cell(rapid, seed, dpi, level, rotation) -> None:
    rng = random.Random(seed)
    facts = make_facts(seed, rng, n_reports=1)
    look = make_look(rng, facts.applicant.place.district_code)
    drawn = draw_form(Ctx(facts, look, dpi, random.Random(f"{seed}:form")), 1, 2)
    ocr = _read(rapid, _scanned(drawn.canvas.image, seed, dpi, level, rotation))
    assert len(ocr.tables) == 1
    assert ocr.tables[0].n_rows == 11 + (look.form_layout == "two_col")
    truth = {
        FieldName.PRODUCT_NAME: facts.product_name,
        FieldName.APPLICANT_NAME: facts.applicant.name,
        FieldName.APPLICANT_ADDRESS: facts.applicant.address,
        FieldName.LEGAL_REPRESENTATIVE: facts.applicant.legal_rep,
        FieldName.TRIAL_UNIT_NAME: facts.trial_unit.name,
        FieldName.TRIAL_UNIT_ADDRESS: facts.trial_unit.address,
        FieldName.TEST_UNIT_NAME: facts.test_unit,
        FieldName.ACCEPTANCE_NUMBER: facts.acceptance_number,
    }
    cells = grid_fields(ocr, DocType.APPLICATION_FORM, FORM_LABELS, ALL_LABELS)
    from_cells = {v.name: v.value for v in cells}
    assert {k: from_cells.get(k) for k in truth} == truth
    final = {v.name: v for v in application_form_fields(ocr)}
    for name, value in truth.items():
        assert final[name].value == value
        assert final[name].char_boxes is not None and len(final[name].char_boxes) == len(value)


def test_generated_test_application_form_is_read_cell_by_cell(rapid) -> None:
    seed, dpi = 11, 150
    rng = random.Random(seed)
    facts = make_facts(seed, rng, n_reports=1)
    look = make_look(rng, facts.applicant.place.district_code)
    report = facts.reports[0]
    drawn = draw_test_application(Ctx(facts, look, dpi, random.Random(f"{seed}:app")), report)
    ocr = _read(rapid, _scanned(drawn.canvas.image, seed, dpi, "mild", 0))
    assert len(ocr.tables) == 1 and ocr.tables[0].n_rows == 9
    truth = {
        FieldName.REPORT_SAMPLE_NAME: report.sample_name,
        FieldName.REPORT_SUBMITTING_UNIT: report.submitter,
        FieldName.REPORT_MANUFACTURER: report.manufacturer,
        FieldName.REPORT_BATCH_NUMBER: report.batch,
        FieldName.REPORT_INSTITUTION: report.institution,
    }
    from_cells = {
        v.name: v.value for v in grid_fields(ocr, DocType.TEST_APPLICATION_FORM, REPORT_LABELS, ALL_LABELS)
    }
    assert {k: from_cells.get(k) for k in truth} == truth
    assert {v.name: v.value for v in read_test_application(ocr) if v.name in truth} == truth


def test_merged_label_cells_and_a_label_missing_its_first_character() -> None:
    """As read off a hard 150 DPI scan: the rule between 法定代表人 and 联系人 was not seen, so
    both labels share one cell, and OCR lost the 受 of a letter-spaced 受理编号."""
    grid = TableGrid(
        bbox=BBox.of(100, 100, 1100, 400),
        row_edges=[100, 200, 300, 400],
        col_edges=[100, 400, 1100],
        cells=[
            _cell(0, 0, (100, 100, 400, 300), row_span=2),
            _cell(0, 1, (400, 100, 1100, 200)),
            _cell(1, 1, (400, 200, 1100, 300)),
            _cell(2, 0, (100, 300, 400, 400)),
            _cell(2, 1, (400, 300, 1100, 400)),
        ],
    )
    lines = [
        _line("法定代表人", 120, 130),
        _line("余华", 420, 130),
        _line("联系人", 120, 230),
        _line("沈成", 420, 230),
        _line("理编号", 150, 330),
        _line("国食健申G20221079", 420, 330),
    ]
    ocr = PageOcr(page=2, engine=ENGINE, width=1200, height=500, lines=lines, tables=[grid])
    got = {v.name: v for v in grid_fields(ocr, DocType.APPLICATION_FORM, FORM_LABELS, ALL_LABELS)}
    assert got[FieldName.LEGAL_REPRESENTATIVE].value == "余华"
    assert got[FieldName.ACCEPTANCE_NUMBER].value == "国食健申G20221079"
    assert got[FieldName.ACCEPTANCE_NUMBER].note is not None
