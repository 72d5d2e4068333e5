"""Public bodies' seals held to the real ones (adcodes places × offices and institutions), on drawn
seals read by the real detector and PP-OCR."""

from __future__ import annotations

import cv2
import pytest

from filingcheck.models import PageImage
from filingcheck.ocr import OcrSettings, build_engine
from filingcheck.ocr.seals import detect_seals, read_seal_text
from filingcheck.ocr.seals.bodies import body_names
from tests.conftest import REALDATA, needs_realdata
from tests.test_seal_impressions import stamped


@pytest.fixture(scope="module")
def engine() -> object:
    return build_engine("rapidocr", OcrSettings())


def test_the_table_holds_cities_districts_counties_and_national_bodies() -> None:
    names = set(body_names())
    for name in (
        "成都市双流区市场监督管理局",
        "广州市花都区工商行政管理局",
        "北京市朝阳区市场监督管理局",
        "昆山市市场监督管理局",
        "四川省市场监督管理局",
        "国家市场监督管理总局",
        "合肥市食品药品检验所",
        "辽宁省疾病预防控制中心",
    ):
        assert name in names


def test_a_misread_office_seal_is_held_to_the_real_authority(engine: object) -> None:
    # Worn through at 督: read freely as 监盲.
    (seal,), _ = stamped(engine, "北京市市场监督管理局", [6])
    assert seal.text == "北京市市场监督管理局"
    assert seal.text_read is not None and seal.text_read != seal.text
    assert seal.text_confidence is not None and seal.text_confidence < 0.9


def test_a_misread_test_institution_is_held_to_the_real_one(engine: object) -> None:
    # Worn through at 肥: read freely as 合加市….
    (seal,), _ = stamped(engine, "合肥市食品药品检验所", [1])
    assert (seal.text, seal.text_read) == ("合肥市食品药品检验所", "合加市食品药品检验所")


def test_company_seals_and_well_read_offices_are_left_as_read(engine: object) -> None:
    (company,), _ = stamped(engine, "合肥市康源食品有限公司", [None])
    assert (company.text, company.text_read) == ("合肥市康源食品有限公司", None)
    (office,), _ = stamped(engine, "泰州市高港区工商行政管理局", [None])
    assert (office.text, office.text_read) == ("泰州市高港区工商行政管理局", None)


def test_a_reading_no_listed_authority_fits_clearly_is_not_bent(engine: object) -> None:
    # An office the table does not list (a development zone's): no listed name is clearly best.
    (seal,), _ = stamped(engine, "成都高新技术产业开发区市场监督管理局", [None])
    assert seal.text_read is None


@needs_realdata()
def test_a_real_bureau_seal_misread_in_one_glyph_is_held(engine: object) -> None:
    """blar_4: 恩施土家族苗族自治州自然资源和规划局, read freely with 规 as 雄."""
    image = cv2.imread(str(REALDATA / "seals/crops/blar_4.png"))
    (seal,) = detect_seals(PageImage(page=1, image=image, dpi=200, source="blar_4.png", dpi_known=False))
    read = read_seal_text(image, seal, engine)
    assert read.text == "恩施土家族苗族自治州自然资源和规划局"
    assert read.text_read is not None and "规" not in read.text_read
