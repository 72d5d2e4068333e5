"""Fields come off a rendered application form and licence with their boxes; dates become ISO."""

from __future__ import annotations

import pytest

from filingcheck.extract import classify_page, extract_fields
from filingcheck.extract.dates import parse_date, parse_term
from filingcheck.models import DocType, FieldName, PageOcr, idnumber
from filingcheck.models.uscc import check_character
from tests.drawing import form_page, text_page

FORM = [
    ("产品名称", "康元牌辅酶Q10软胶囊"),
    ("申请人名称", "北京康元生物科技有限公司"),
    ("申请人地址", "北京市海淀区中关村南大街28号院3号楼"),
    ("法定代表人", "王建国"),
    ("试制单位名称", "河北华康药业有限责任公司"),
    ("试制单位地址", "河北省石家庄市长安区建设北大街156号"),
    ("试验单位名称", "中国疾病预防控制中心营养与健康所"),
    ("受理编号", "国食健申G20240123"),
]


def read(rapid, image) -> PageOcr:
    return PageOcr(
        page=3, engine=rapid.info, width=image.shape[1], height=image.shape[0], lines=rapid.read_page(image)
    )


def test_application_form_fields(rapid) -> None:
    ocr = read(rapid, form_page("保健食品注册申请表", FORM))
    assert classify_page(ocr).doc_type == DocType.APPLICATION_FORM
    fields = extract_fields([(ocr, DocType.APPLICATION_FORM)])
    expected = dict(
        zip(
            [
                FieldName.PRODUCT_NAME,
                FieldName.APPLICANT_NAME,
                FieldName.APPLICANT_ADDRESS,
                FieldName.LEGAL_REPRESENTATIVE,
                FieldName.TRIAL_UNIT_NAME,
                FieldName.TRIAL_UNIT_ADDRESS,
                FieldName.TEST_UNIT_NAME,
                FieldName.ACCEPTANCE_NUMBER,
            ],
            [v for _, v in FORM],
            strict=True,
        )
    )
    for name, value in expected.items():
        got = fields.first(name)
        assert got is not None, name
        assert got.value == value
        assert got.page == 3 and got.bbox is not None and got.bbox.x0 > 520  # the value cell, not the label
        assert got.char_boxes is not None and len(got.char_boxes) == len(got.value)


def test_licence_fields_and_credit_code(rapid) -> None:
    first17 = "91110108MA01C3R7X"
    code = first17 + check_character(first17)
    lines = [
        "营业执照",
        f"统一社会信用代码 {code}",
        "名      称 北京康元生物科技有限公司",
        "类      型 有限责任公司(自然人投资或控股)",
        "住      所 北京市海淀区中关村南大街28号院3号楼",
        "法定代表人 王建国",
        "注册资本 伍佰万元整",
        "成立日期 2015年03月02日",
        "营业期限 2015年03月02日至长期",
        "登记机关 北京市海淀区市场监督管理局",
    ]
    ocr = read(rapid, text_page(lines, size=36, spacing=2.2))
    assert classify_page(ocr).doc_type == DocType.BUSINESS_LICENCE
    fields = extract_fields([(ocr, DocType.BUSINESS_LICENCE)])
    assert fields.first(FieldName.USCC).value == code
    assert fields.first(FieldName.LICENCE_NAME).value == "北京康元生物科技有限公司"
    assert fields.first(FieldName.LICENCE_ADDRESS).value == "北京市海淀区中关村南大街28号院3号楼"
    assert fields.first(FieldName.LICENCE_LEGAL_REPRESENTATIVE).value == "王建国"
    assert fields.first(FieldName.FOUNDED_ON).value == "2015-03-02"
    assert fields.first(FieldName.LICENCE_TERM).value == "2015-03-02/.."


def test_institution_certificate_fields(rapid) -> None:
    """事业单位法人证书 (an institution applies): the licence's fields under the certificate's labels."""
    lines = [
        "事业单位法人证书",
        "统一社会信用代码 12100000400011263D",
        "名      称 中国疾病预防控制中心营养与健康所",
        "宗旨和业务范围 开展营养与食品安全研究",
        "住      所 北京市西城区南纬路29号",
        "法定代表人 丁钢强",
        "经费来源 财政补助",
        "开办资金 ￥3000万元",
        "举办单位 中国疾病预防控制中心",
        "有 效 期 自2021年07月01日至2026年06月30日",
        "登记管理机关 国家事业单位登记管理局",
    ]
    ocr = read(rapid, text_page(lines, size=36, spacing=2.2))
    assert classify_page(ocr).doc_type == DocType.INSTITUTION_CERTIFICATE
    fields = extract_fields([(ocr, DocType.INSTITUTION_CERTIFICATE)])
    assert fields.first(FieldName.USCC).value == "12100000400011263D"
    assert fields.first(FieldName.LICENCE_NAME).value == "中国疾病预防控制中心营养与健康所"
    assert fields.first(FieldName.LICENCE_ADDRESS).value == "北京市西城区南纬路29号"
    assert fields.first(FieldName.LICENCE_LEGAL_REPRESENTATIVE).value == "丁钢强"
    assert fields.first(FieldName.LICENCE_TERM).value == "2021-07-01/2026-06-30"
    assert fields.first(FieldName.REGISTRATION_AUTHORITY).value == "国家事业单位登记管理局"
    assert "3000" in fields.first(FieldName.REGISTERED_CAPITAL).value


def test_identity_card_fields(rapid) -> None:
    """An individual applicant's identity card: the name as the licence's, the number checked; its
    住址 (household registration) is not taken for the applicant's address."""
    lines = [
        "姓名 张卫东",
        "性别 男   民族 汉",
        "出生 1985年6月12日",
        "住址 北京市朝阳区建国路88号",
        "公民身份号码 110105198506120034",
    ]
    ocr = read(rapid, text_page(lines, size=36, spacing=2.2))
    assert classify_page(ocr).doc_type == DocType.IDENTITY_CARD
    fields = extract_fields([(ocr, DocType.IDENTITY_CARD)])
    assert fields.first(FieldName.LICENCE_NAME).value == "张卫东"
    assert not fields.get(FieldName.LICENCE_ADDRESS)
    number = fields.first(FieldName.ID_NUMBER)
    assert number.value == "110105198506120034" and number.bbox is not None


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("110105198506120034", True),
        ("110105198506120035", False),  # check character
        ("110105198502300034", False),  # 30 February
        ("11010519850612003X", False),
        ("11010519850612003", False),
    ],
)
def test_identity_numbers(number: str, valid: bool) -> None:
    assert idnumber.is_valid(number) is valid


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2015年3月2日", "2015-03-02"),
        ("2015-03-02", "2015-03-02"),
        ("二〇一五年三月十二日", "2015-03-12"),
        ("无", None),
    ],
)
def test_dates(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_terms() -> None:
    assert parse_term("2015年03月02日至2035年03月01日") == "2015-03-02/2035-03-01"
    assert parse_term("2015年03月02日至长期") == "2015-03-02/.."
