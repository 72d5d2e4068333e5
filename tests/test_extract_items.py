"""Extraction for the dossier rules, on hand-built OCR pages: item numbers, contents, cover sheets,
test reports grouped per report, names in running text, type size and page classes."""

from __future__ import annotations

import pytest

from filingcheck.extract import body_text_height, classify_page, extract_fields
from filingcheck.extract.mentions import running_text_mentions
from filingcheck.extract.numbering import split_numbered
from filingcheck.extract.resubmission import resubmission_reasons
from filingcheck.models import DocType, EngineInfo, FieldName, OcrLine, PageOcr
from tests.rulekit import ocr_line, reading

F = FieldName
D = DocType
PRODUCT = "永力牌多种维生素矿物质咀嚼片"
APPLICANT = "湖南惠航食品股份有限公司"


def ocr(number: int, lines: list[OcrLine]) -> PageOcr:
    return PageOcr(
        page=number, engine=EngineInfo(name="hand", version="0"), width=1654, height=2339, lines=lines
    )


@pytest.mark.parametrize(
    ("text", "number", "name", "page"),
    [
        ("1.保健食品注册申请表", 1, "保健食品注册申请表", None),
        ("资料2：申请人身份证", 2, "申请人身份证", None),
        ("（十二）检验报告……35", 12, "检验报告", 35),
        ("7·产品配方(原料和辅料)及配方依据·", 7, "产品配方(原料和辅料)及配方依据", None),
        ("第3项 产品研发报告", 3, "产品研发报告", None),
    ],
)
def test_item_numbers(text: str, number: int, name: str, page: int | None) -> None:
    found = split_numbered(text)
    assert found is not None and (found.number, found.name, found.page) == (number, name, page)


@pytest.mark.parametrize("text", ["2021年12月22日", "1000", "12.5g", "3批样品自检报告"])
def test_not_item_numbers(text: str) -> None:
    assert split_numbered(text) is None


def test_contents_page_items_wrapped_names_and_page_numbers() -> None:
    page = ocr(
        1,
        [
            ocr_line("申报资料项目目录", 600, 230, 50),
            ocr_line("产品名称：" + PRODUCT, 180, 360),
            ocr_line("申请人：" + APPLICANT, 180, 420),
            ocr_line("1.保健食品注册申请表", 180, 500),
            ocr_line("2", 1480, 502),
            ocr_line("2.申请人身份证、营业执照或者其他机构合法登记", 180, 560),
            ocr_line("证明文件的复印件", 230, 600),
            ocr_line("7.产品配方(原料和辅料)及配方依据·······9", 180, 660),
        ],
    )
    fields = extract_fields([(page, D.TABLE_OF_CONTENTS)])
    items = [(v.item, v.value, v.note) for v in fields.get(F.TOC_ITEM)]
    assert items == [
        (1, "保健食品注册申请表", "page 2"),
        (2, "申请人身份证,营业执照或者其他机构合法登记证明文件的复印件", None),
        (7, "产品配方(原料和辅料)及配方依据", "page 9"),
    ]
    assert fields.first(F.PRODUCT_NAME).value == PRODUCT
    assert fields.first(F.APPLICANT_NAME).value == APPLICANT


def test_cover_sheet_item_name_wraps_at_the_top_right() -> None:
    page = ocr(
        4,
        [
            ocr_line("2.申请人身份证、营业执照或者其他机构", 850, 200, 32),
            ocr_line("合法登记证明文件的复印件", 1071, 255, 32),
            ocr_line("保健食品注册申报资料", 606, 680, 44),
            ocr_line(PRODUCT, 392, 835, 62),
            ocr_line("申请人：" + APPLICANT, 489, 1173, 42),
        ],
    )
    assert classify_page(page).doc_type == D.COVER_SHEET
    fields = extract_fields([(page, D.COVER_SHEET)])
    item = fields.first(F.ITEM_NAME)
    assert item.item == 2 and item.value == "申请人身份证,营业执照或者其他机构合法登记证明文件的复印件"
    assert fields.first(F.PRODUCT_NAME).value == PRODUCT and fields.first(F.APPLICANT_NAME).value == APPLICANT


def test_a_cover_sheet_with_only_its_item_name_read_is_still_a_cover_sheet() -> None:
    page = ocr(11, [ocr_line("资料5：商标注册证明文件", 1080, 198, 40)])
    assert classify_page(page).doc_type == D.COVER_SHEET


def test_running_text_naming_other_documents_is_not_that_document() -> None:
    prose = "本部分收录原料生产企业的合法登记文件、原料检验报告及购销发票复印"
    page = ocr(
        50,
        [ocr_line("其他有助于产品评审的资料", 566, 245, 40)]
        + [ocr_line(prose, 204, 360 + 60 * i) for i in range(12)],
    )
    assert classify_page(page).doc_type == D.OTHER_TEXT


def _report_page(number: int, k: int, n: int, report_no: str, first: bool) -> PageOcr:
    lines = [
        ocr_line("江苏省食品药品检验研究院", 560, 160, 44),
        ocr_line(f"报告编号：{report_no}", 156, 268, 30),
        ocr_line(f"第{k}页共{n}页", 1262, 268, 30),
    ]
    if first:
        lines += [
            ocr_line("检验报告", 622, 373, 80),
            ocr_line("样品名称", 170, 600),
            ocr_line(PRODUCT, 425, 602),
            ocr_line("送检单位", 170, 690),
            ocr_line(APPLICANT, 425, 692),
            ocr_line("生产单位", 170, 780),
            ocr_line("湖南博元生物科技有限公司", 425, 782),
            ocr_line("样品批号", 170, 870),
            ocr_line("18032301", 425, 872, 20),
            ocr_line("样品数量", 837, 870),
            ocr_line("检验结论", 175, 1450),
            ocr_line("2021年08月29日", 1100, 1700, 30),
        ]
    return ocr(number, lines)


def test_test_reports_are_read_and_grouped_per_report() -> None:
    form = ocr(
        4,
        [
            ocr_line("保健食品注册检验申请表", 500, 200, 50),
            ocr_line("产品名称", 180, 400),
            ocr_line(PRODUCT, 450, 400),
            ocr_line("样品批号", 180, 480),
            ocr_line("18032301", 450, 480, 20),
        ],
    )
    pages = [
        (form, D.TEST_APPLICATION_FORM),
        (_report_page(5, 1, 2, "2021-JS-47441", True), D.TEST_REPORT),
        (_report_page(6, 2, 2, "2021-JS-47441", False), D.TEST_REPORT),
        (_report_page(7, 1, 1, "2021-JS-43596", True), D.TEST_REPORT),
    ]
    fields = extract_fields(pages)
    numbers = {(v.page, v.item, v.value) for v in fields.get(F.REPORT_NUMBER)}
    assert numbers == {(5, 0, "2021-JS-47441"), (6, 0, "2021-JS-47441"), (7, 1, "2021-JS-43596")}
    assert [(v.page, v.value) for v in fields.get(F.REPORT_PAGE)] == [(5, "1/2"), (6, "2/2"), (7, "1/1")]
    first = {v.name: v for v in fields.values if v.page == 5}
    assert first[F.REPORT_SAMPLE_NAME].value == PRODUCT
    assert first[F.REPORT_SUBMITTING_UNIT].value == APPLICANT
    assert first[F.REPORT_MANUFACTURER].value == "湖南博元生物科技有限公司"
    assert first[F.REPORT_BATCH_NUMBER].value == "18032301"
    assert first[F.REPORT_ISSUED_ON].value == "2021-08-29"  # unlabelled, at the foot
    assert first[F.REPORT_INSTITUTION].value == "江苏省食品药品检验研究院"
    assert first[F.REPORT_CONCLUSION].bbox is not None
    application = [v for v in fields.values if v.document == D.TEST_APPLICATION_FORM]
    assert {v.item for v in application} == {0}
    assert {v.name for v in application} >= {F.REPORT_SAMPLE_NAME, F.REPORT_BATCH_NUMBER}


def test_names_in_running_text_exact_wrapped_and_one_character_off() -> None:
    known = [
        reading(F.PRODUCT_NAME, PRODUCT, 2),
        reading(F.APPLICANT_NAME, APPLICANT, 2),
        reading(F.TRIAL_UNIT_NAME, "湖南博元生物科技有限公司", 2),
    ]
    text = ocr(
        9,
        [
            ocr_line("本产品" + PRODUCT + "由湖南惠航食品股份", 200, 400),
            ocr_line("有限公司研制，委托湖南博元生物科技有限公司试制。", 200, 460),
            ocr_line("永刀牌多种维生素矿物质咀嚼片的配方经过论证。", 200, 520),
        ],
    )
    found = running_text_mentions([(text, D.OTHER_TEXT)], known)
    got = sorted((v.name.value, v.value) for v in found)
    assert got == sorted(
        [
            ("applicant_name", APPLICANT),
            ("product_name", PRODUCT),
            ("product_name", "永刀牌多种维生素矿物质咀嚼片"),
        ]
    )
    wrapped = next(v for v in found if v.name == F.APPLICANT_NAME)
    assert wrapped.note == "in running text" and len(wrapped.char_boxes or []) == len(APPLICANT)
    assert wrapped.bbox.y0 == 400 and wrapped.bbox.y1 > 460  # spans both lines


def test_type_size_from_the_pitch_of_chinese_characters() -> None:
    body = "本产品配方中维生素为主要功效原料其用量参照相关文献及国家有关规定确定"
    page = ocr(
        3, [ocr_line(body, 200, 300 + 60 * i, 33) for i in range(4)] + [ocr_line("第1页", 800, 2200, 25)]
    )
    assert body_text_height(page) == pytest.approx(33.0, abs=0.5)
    assert body_text_height(ocr(3, [ocr_line("原辅料验收", 700, 300, 30)])) is None


def test_reasons_for_applying_again_by_their_heading() -> None:
    page = ocr(2, [ocr_line("关于再次申报的理由说明", 500, 240, 44), ocr_line("我公司于2020年", 200, 400)])
    found = resubmission_reasons(page, D.OTHER_TEXT)
    assert [v.value for v in found] == ["关于再次申报的理由说明"]
    assert resubmission_reasons(ocr(2, [ocr_line("产品研发报告", 500, 240, 44)]), D.OTHER_TEXT) == []


def test_values_set_under_their_labels() -> None:
    page = ocr(
        3,
        [
            ocr_line("保健食品批准证书", 500, 200, 50),
            ocr_line("产品名称", 200, 400),
            ocr_line(PRODUCT, 200, 450),
            ocr_line("申请人", 200, 560),
            ocr_line(APPLICANT, 200, 610),
            ocr_line("申请人地址", 200, 720),
            ocr_line("湖南省长沙市雨花区金桥路116号", 200, 770),
        ],
    )
    assert classify_page(page).doc_type == D.APPROVAL_CERTIFICATE
    fields = extract_fields([(page, D.APPROVAL_CERTIFICATE)])
    got = {v.name: v.value for v in fields.values if v.document == D.APPROVAL_CERTIFICATE}
    assert got == {
        F.PRODUCT_NAME: PRODUCT,
        F.APPLICANT_NAME: APPLICANT,
        F.APPLICANT_ADDRESS: "湖南省长沙市雨花区金桥路116号",
    }


def test_a_prose_page_heading_names_its_item() -> None:
    prose = "本产品的研发思路是选用安全性高功效明确的原料按照科学配伍的原则组方"
    page = ocr(
        6, [ocr_line("产品研发报告", 694, 242, 46)] + [ocr_line(prose, 204, 360 + 60 * i) for i in range(8)]
    )
    fields = extract_fields([(page, D.OTHER_TEXT)])
    heading = fields.first(F.ITEM_NAME)
    assert heading is not None and heading.value == "产品研发报告" and heading.document == D.OTHER_TEXT
