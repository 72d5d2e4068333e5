"""Page classes: a cover sheet whose item name names another document is still a cover sheet."""

from __future__ import annotations

from filingcheck.extract import classify_page
from filingcheck.models import DocType
from tests.test_extract_items import APPLICANT, PRODUCT, ocr, ocr_line


def test_a_cover_sheet_whose_item_number_was_not_read_is_not_the_document_it_names() -> None:
    page = ocr(
        4,
        [
            ocr_line("申请人身份证、营业执照或者其他机构", 880, 200, 32),  # "2." lost to a speck
            ocr_line("合法登记证明文件的复印件", 1071, 255, 32),
            ocr_line("保健食品注册申报资料", 606, 680, 44),
            ocr_line(PRODUCT, 392, 835, 62),
            ocr_line("申请人：" + APPLICANT, 489, 1173, 42),
        ],
    )
    assert classify_page(page).doc_type == DocType.COVER_SHEET


def test_a_sparse_page_titled_business_licence_in_the_middle_is_a_licence() -> None:
    page = ocr(
        5,
        [
            ocr_line("营业执照", 600, 300, 80),
            ocr_line("统一社会信用代码 91110108MA01C3R7X5", 250, 500, 36),
            ocr_line("名称 北京康元生物科技有限公司", 250, 600, 36),
            ocr_line("登记机关", 1000, 1500, 36),
        ],
    )
    assert classify_page(page).doc_type == DocType.BUSINESS_LICENCE
