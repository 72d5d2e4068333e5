"""The second reader re-reads a disputed box with another engine, one text line at a time."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from rapidfuzz.distance import Levenshtein

from filingcheck.crosscheck import CheckContext, CheckSettings, get_rule
from filingcheck.models import BBox, DocType, PageImage, Status
from filingcheck.models import FieldName as F
from filingcheck.models.normalize import normalise
from filingcheck.ocr import EngineBoxReader, turn_upright
from filingcheck.ocr.second_read import line_bands
from tests.drawing import text_page
from tests.rulekit import dossier, reading
from tests.rulekit import page as rk_page

FIRST = "北京市海淀区中关村南大街"
SECOND = "十二号院三号楼"


def _page(lines: list[str]) -> PageImage:
    return PageImage(page=1, image=text_page(lines, size=40, top=200), dpi=200, source="t")


def test_a_wrapped_value_is_read_line_by_line_and_joined(tesseract) -> None:
    page = _page([FIRST, SECOND])
    reader = EngineBoxReader(tesseract, {1: turn_upright(page, 0, 0.0)})
    # The box of the wrapped value, as the first engine gave it: both lines.
    line = reader.read_box(1, BBox.of(140, 190, 700, 200 + 64 + 50))
    assert line is not None
    # Tesseract's fast chi_sim model may miss a character (淀→泥); both lines must be there.
    assert Levenshtein.distance(normalise(line.text), normalise(FIRST + SECOND)) <= 1


def test_a_one_line_box_is_one_band_and_two_lines_are_two() -> None:
    one = text_page([FIRST], size=40, top=40)[:120, :800, 0]
    two = text_page([FIRST, SECOND], size=40, top=40)[:200, :800, 0]
    assert line_bands(np.ascontiguousarray(one)) == [(0, 120)]
    bands = line_bands(np.ascontiguousarray(two))
    assert len(bands) == 2 and bands[0][1] <= bands[1][0] + 12


@pytest.mark.parametrize(
    ("printed", "status"),
    [("91170000600037341L", Status.FAIL), ("91110000600037341L", Status.PASS)],
)
def test_a_repaired_credit_code_is_decided_by_a_second_read(tesseract, printed: str, status: Status) -> None:
    """The first engine read 91170000600037341L (invalid) with low confidence; changing one look-alike
    character (7 → 1) gives the one valid code. What is printed decides: a second engine reading the
    same invalid code makes it a fail, one reading the valid code a pass; without it, uncertain."""
    page = PageImage(page=1, image=text_page([printed], size=40, top=200), dpi=200, source="t")
    code = reading(F.USCC, "91110000600037341L", 1, DocType.BUSINESS_LICENCE, confidence=0.6)
    code = code.model_copy(update={"raw": "91170000600037341L", "bbox": BBox.of(140, 190, 620, 255)})
    d = dossier([rk_page(1, DocType.BUSINESS_LICENCE)], [code])
    rule = get_rule("licence.uscc_checksum")
    reader = EngineBoxReader(tesseract, {1: turn_upright(page, 0, 0.0)})
    found = rule.check(d, CheckContext(settings=CheckSettings(), second_reader=reader))
    assert [f.status for f in found] == [status], [f.message for f in found]
    alone = rule.check(d, CheckContext(settings=CheckSettings()))
    assert [f.status for f in alone] == [Status.UNCERTAIN]


LICENCE_ADDRESS = "上海市浦东新区朝阳南路176号12号楼4层"


@pytest.mark.parametrize(
    ("printed", "form", "status"),
    [
        # The first engine dropped the 4 with confidence: the second engine reads it → not confirmed.
        (LICENCE_ADDRESS, LICENCE_ADDRESS, Status.UNCERTAIN),
        # The licence really says 178: both reads agree with the first → a real difference.
        (LICENCE_ADDRESS.replace("176", "178"), LICENCE_ADDRESS, Status.FAIL),
    ],
)
def test_a_confident_misread_is_not_a_fail_when_a_second_read_disputes_it(
    tesseract, printed: str, form: str, status: Status
) -> None:
    licence_page = PageImage(page=2, image=text_page([printed], size=40, top=200), dpi=200, source="t")
    first = printed.replace("楼4层", "楼层") if status is Status.UNCERTAIN else printed
    licence = reading(F.LICENCE_ADDRESS, first, 2, DocType.BUSINESS_LICENCE, confidence=0.99)
    licence = licence.model_copy(update={"bbox": BBox.of(140, 190, 140 + 42 * len(printed), 255)})
    name = "上海某某生物科技有限公司"
    d = dossier(
        [rk_page(1, DocType.APPLICATION_FORM), rk_page(2, DocType.BUSINESS_LICENCE)],
        [
            reading(F.APPLICANT_ADDRESS, form, 1, confidence=0.99),
            licence,
            reading(F.APPLICANT_NAME, name, 1, y=300),
            reading(F.LICENCE_NAME, name, 2, DocType.BUSINESS_LICENCE, y=300),
        ],
    )
    # Only the licence page can be read again: the form's reading stands as it is.
    reader = EngineBoxReader(tesseract, {2: turn_upright(licence_page, 0, 0.0)})
    found = get_rule("applicant.matches_licence").check(
        d, CheckContext(settings=CheckSettings(), second_reader=reader)
    )
    address = [f for f in found if f.field == F.APPLICANT_ADDRESS.value]
    assert [f.status for f in address] == [status], [f.message for f in address]
    if status is Status.UNCERTAIN:
        assert "second read" in address[0].message


@pytest.mark.parametrize(
    ("printed", "status"),
    [("2010年06月15日至2022年05月02日", Status.FAIL), ("2010年06月15日至2023年05月02日", Status.UNCERTAIN)],
)
def test_an_expired_term_read_unsurely_is_decided_by_a_second_read(
    tesseract, printed: str, status: Status
) -> None:
    """The first engine read the term as ending 2022-05-02 at confidence 0.67: a second engine that
    reads the same end date makes the expiry a fail; one that reads another date leaves it to a person."""
    licence_page = PageImage(page=1, image=text_page([printed], size=40, top=200), dpi=200, source="t")
    term = reading(F.LICENCE_TERM, "2010-06-15/2022-05-02", 1, DocType.BUSINESS_LICENCE, confidence=0.67)
    term = term.model_copy(update={"raw": printed, "bbox": BBox.of(140, 190, 140 + 42 * len(printed), 255)})
    d = dossier([rk_page(1, DocType.BUSINESS_LICENCE)], [term], submitted=dt.date(2022, 9, 9))
    reader = EngineBoxReader(tesseract, {1: turn_upright(licence_page, 0, 0.0)})
    found = get_rule("licence.term_valid").check(
        d, CheckContext(settings=CheckSettings(), second_reader=reader)
    )
    assert [f.status for f in found] == [status], [f.message for f in found]


def test_a_garbled_second_read_disputes_nothing(tesseract) -> None:
    """Seen in the rules benchmark: the second engine read a product-name box as 'EAEATH', which is
    nearer the shorter of the two names by edit count alone; it must not turn a real difference
    into 'uncertain'."""
    form_page = PageImage(page=1, image=text_page(["EAEATH"], size=40, top=200), dpi=200, source="t")
    form = reading(F.PRODUCT_NAME, "百航牌银杏叶胶囊", 1, DocType.APPLICATION_FORM)
    form = form.model_copy(update={"bbox": BBox.of(140, 190, 480, 255)})
    cover = reading(F.PRODUCT_NAME, "百航牌银杏叶粉", 2, DocType.COVER_SHEET)
    d = dossier([rk_page(1, DocType.APPLICATION_FORM), rk_page(2, DocType.COVER_SHEET)], [form, cover])
    reader = EngineBoxReader(tesseract, {1: turn_upright(form_page, 0, 0.0)})
    context = CheckContext(settings=CheckSettings(), second_reader=reader)
    found = get_rule("consistency.internal").check(d, context)
    assert [f.status for f in found] == [Status.FAIL], [f.message for f in found]
