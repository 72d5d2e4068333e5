"""Licence labels spread across their column: a label whose first character OCR lost is still read."""

from __future__ import annotations

import pytest

from filingcheck.extract import extract_fields
from filingcheck.extract.licence import licence_fields
from filingcheck.extract.line_repair import split_stacked_lines
from filingcheck.models import BBox, DocType, EngineInfo, FieldName, OcrLine, PageOcr, Seal, SealKind, Source
from filingcheck.models.normalize import normalise

# As the engine read a generated portrait licence at 150 DPI: 类 of 类　　型 was not read at all.
READ = [
    ("称", (314, 614, 379, 643)),
    ("武汉济和健康科技有限公司", (372, 615, 679, 642)),
    ("名", (186, 612, 219, 654)),
    ("其他有限责任公司", (374, 681, 579, 711)),
    ("型", (314, 682, 348, 712)),
    ("住", (186, 743, 220, 784)),
    ("湖北省武汉市江夏区松柏路134号", (375, 750, 742, 780)),
    ("所", (315, 751, 349, 780)),
    ("郭琳", (371, 816, 431, 850)),
    ("法定代表人", (185, 817, 347, 850)),
    ("注册资本", (185, 886, 351, 919)),
    ("叁佰万元整", (372, 887, 505, 918)),
]


def _page(lines: list[tuple[str, tuple[int, int, int, int]]]) -> PageOcr:
    return PageOcr(
        page=4,
        engine=EngineInfo(name="test", version="0"),
        width=1240,
        height=1754,
        lines=[OcrLine(text=t, bbox=BBox.of(*box), confidence=0.95) for t, box in lines],
    )


def test_a_spread_label_with_its_head_lost_is_read_by_its_tail() -> None:
    got = {v.name: v for v in licence_fields(_page(READ))}
    assert got[FieldName.LICENCE_TYPE].value == "其他有限责任公司"
    assert "first character was not read" in (got[FieldName.LICENCE_TYPE].note or "")
    assert got[FieldName.LICENCE_NAME].value == "武汉济和健康科技有限公司"
    assert got[FieldName.LICENCE_ADDRESS].value == "湖北省武汉市江夏区松柏路134号"
    assert got[FieldName.LICENCE_LEGAL_REPRESENTATIVE].value == "郭琳"


def test_a_lone_character_out_of_the_label_column_is_not_a_label() -> None:
    moved = [
        (t, (x0 + 200, y0, x1 + 200, y1)) if t == "型" else (t, (x0, y0, x1, y1))
        for t, (x0, y0, x1, y1) in READ
    ]
    got = {v.name for v in licence_fields(_page(moved))}
    assert FieldName.LICENCE_TYPE not in got


# As the engine read a generated licence at 150 DPI (seed 7002, clean): the heads of 名　称, 类　型
# and 住　所 taken as one vertical box.
STACKED = [
    ("称", (314, 615, 357, 642)),
    ("北京康和药业股份有限公司", (375, 615, 678, 642)),
    ("股份有限公司(非上市、自然人投资或控股)", (375, 682, 849, 711)),
    ("型", (313, 683, 348, 712)),
    ("名类住", (181, 607, 225, 789)),
    ("北京市通州区文化北路906号", (374, 750, 692, 780)),
    ("所", (316, 751, 349, 780)),
    ("董龙琳", (371, 817, 455, 849)),
    ("法定代表人", (185, 817, 351, 850)),
]


def test_label_heads_read_as_one_vertical_box_are_cut_back_into_their_rows() -> None:
    got = {v.name: v.value for v in licence_fields(_page(STACKED))}
    assert got[FieldName.LICENCE_NAME] == "北京康和药业股份有限公司"
    assert got[FieldName.LICENCE_TYPE] == normalise("股份有限公司(非上市、自然人投资或控股)")
    assert got[FieldName.LICENCE_ADDRESS] == "北京市通州区文化北路906号"
    assert got[FieldName.LICENCE_LEGAL_REPRESENTATIVE] == "董龙琳"


def test_split_stacked_lines_leaves_horizontal_lines_and_a_single_tall_character_alone() -> None:
    lines = _page([*STACKED, ("一", (900, 600, 930, 650))]).lines
    split = split_stacked_lines(lines)
    assert [ln.text for ln in split if ln.bbox.x0 == 181] == ["名", "类", "住"]
    rows = {ln.text: ln.bbox for ln in split if ln.bbox.x0 == 181}
    assert rows["名"].y0 == 607 and rows["住"].y1 == 789
    assert 676 <= rows["类"].y0 <= 690  # the row of 型, not the box's middle third
    assert len(split) == len(lines) + 2


def _seal(text: str | None, centre: tuple[int, int], confidence: float = 0.95) -> Seal:
    x, y = centre
    return Seal(
        page=4,
        bbox=BBox.of(x - 120, y - 120, x + 120, y + 120),
        kind=SealKind.ROUND,
        centre=(x, y),
        axes=(120, 120),
        confidence=0.9,
        text=text,
        text_confidence=confidence,
    )


def test_the_registration_authority_is_read_off_the_office_seal_by_its_label() -> None:
    page = _page(
        [*READ, ("登记机关", (728, 1364, 852, 1402)), ("此复印件与原件一致", (174, 1349, 436, 1379))]
    )
    seals = [
        _seal("武汉济和健康科技有限公司", (300, 1360)),  # the applicant's, on the copy
        _seal("武汉市市场监督管理局", (800, 1420), confidence=0.97),
    ]
    fields = extract_fields([(page, DocType.BUSINESS_LICENCE)], seals).values
    authority = [v for v in fields if v.name == FieldName.REGISTRATION_AUTHORITY]
    assert [(v.value, v.source, v.page) for v in authority] == [("武汉市市场监督管理局", Source.SEAL, 4)]
    assert authority[0].confidence == 0.9  # a seal reading is never as sure as print
    assert authority[0].bbox == seals[1].bbox


def test_no_authority_from_an_applicant_seal_or_a_printed_authority_overridden() -> None:
    page = _page([*READ, ("登记机关", (728, 1364, 852, 1402))])
    applicant_only = extract_fields(
        [(page, DocType.BUSINESS_LICENCE)], [_seal("武汉济和健康科技有限公司", (800, 1420))]
    )
    assert not [v for v in applicant_only.values if v.name == FieldName.REGISTRATION_AUTHORITY]
    printed = _page([*READ, ("登记机关武汉市江夏区市场监督管理局", (728, 1364, 1152, 1402))])
    fields = extract_fields(
        [(printed, DocType.BUSINESS_LICENCE)], [_seal("武汉市市场监督管理局", (800, 1420))]
    )
    got = [(v.value, v.source) for v in fields.values if v.name == FieldName.REGISTRATION_AUTHORITY]
    assert got == [("武汉市江夏区市场监督管理局", Source.PAPER)]


# As the engine read a generated two-column licence (seed 8006, mild): the 类型 value ran into the
# next column's 成立日期 label, and its last character wrapped below.
GLUED = [
    ("称大连新丰营养保健品股份有限公司", (228, 456, 591, 485)),
    ("注册资本贰佰万元整", (646, 457, 887, 484)),
    ("名", (138, 456, 168, 487)),
    ("型股份有限公司(非上市、自然人投资或控成立日期2006年12月30日", (228, 513, 929, 543)),
    ("类", (138, 513, 168, 545)),
    ("股）", (267, 544, 305, 573)),
    ("营业期限2006年12月30日至2056年12月29日", (647, 575, 1096, 601)),
    ("法定代表人毛超", (137, 601, 318, 633)),
]


def test_a_value_run_into_the_next_columns_label_is_cut_there() -> None:
    got = {v.name: v for v in licence_fields(_page(GLUED))}
    assert got[FieldName.LICENCE_TYPE].value == normalise("股份有限公司(非上市、自然人投资或控股)")
    assert got[FieldName.FOUNDED_ON].value == "2006-12-30"
    assert got[FieldName.FOUNDED_ON].bbox is not None
    assert got[FieldName.FOUNDED_ON].bbox.x0 > 600  # the date's own part of the line, not the type's
    assert got[FieldName.LICENCE_NAME].value == "大连新丰营养保健品股份有限公司"


# Seed 8007, mild: 住 of 住　　所 read, 所 not read at all.
LOST_TAIL = [
    ("称", (314, 614, 375, 643)),
    ("珠海同达食品股份有限公司", (373, 615, 679, 642)),
    ("名", (186, 612, 219, 653)),
    ("住", (186, 744, 220, 784)),
    ("广东省珠海市金湾区东风南路688号1号楼1层", (363, 749, 865, 780)),
    ("法定代表人孔静海", (184, 815, 458, 851)),
]


def test_a_spread_label_with_its_tail_lost_is_read_by_its_head() -> None:
    got = {v.name: v for v in licence_fields(_page(LOST_TAIL))}
    assert got[FieldName.LICENCE_ADDRESS].value == "广东省珠海市金湾区东风南路688号1号楼1层"
    assert "second character was not read" in (got[FieldName.LICENCE_ADDRESS].note or "")
    # Out of the label column, a lone 住 is not a label.
    moved = [
        (t, (x0 + 90, y0, x1 + 90, y1)) if t == "住" else (t, (x0, y0, x1, y1))
        for t, (x0, y0, x1, y1) in LOST_TAIL
    ]
    assert FieldName.LICENCE_ADDRESS not in {v.name for v in licence_fields(_page(moved))}


@pytest.mark.parametrize(
    ("read", "repaired"),
    [
        ("江苏省南京市江宁区文化街190号+栋1169室", "江苏省南京市江宁区文化街190号4栋1169室"),
        ("湖南省长沙市岳麓区锦绣北路+7号", "湖南省长沙市岳麓区锦绣北路47号"),
        ("北京市朝阳区建国路甲1号A+B座", "北京市朝阳区建国路甲1号A+B座"),  # no digit or unit beside it
    ],
)
def test_a_plus_read_for_a_four_in_an_address_is_put_back_with_low_confidence(
    read: str, repaired: str
) -> None:
    page = _page([("住所", (186, 744, 260, 784)), (read, (363, 749, 865, 780))])
    fields = extract_fields([(page, DocType.BUSINESS_LICENCE)]).values
    address = next(v for v in fields if v.name == FieldName.LICENCE_ADDRESS)
    assert address.value == repaired
    assert address.char_confidences is not None
    low = [c for c, r in zip(address.value, address.char_confidences, strict=True) if r < 0.9]
    assert low == (["4"] if read != repaired else [])


def test_hard_scan_label_noise_is_looked_past() -> None:
    """Seeds 9009, 9000 and 9010 at the hard scan level: 名 not read and 称 glued to the name; a
    speck read between 类 and 型; a comma after 型; a dot after 住 with 所 lost; a date whose box
    starts inside its label's."""
    lines = [
        ("称辽宁长宇药业有限公司", (312, 613, 628, 643)),
        ("型，有限责任公司(自然人独资)", (312, 678, 677, 718)),
        ("类", (184, 670, 221, 733)),
        ("住", (183, 742, 221, 786)),
        ("所辽宁省沈阳市浑南区幸福西路38号8栋166室", (311, 747, 856, 783)),
        ("法定代表人", (185, 817, 353, 850)),
        ("史丹海", (364, 816, 458, 851)),
    ]
    got = {v.name: v for v in licence_fields(_page(lines))}
    assert got[FieldName.LICENCE_NAME].value == "辽宁长宇药业有限公司"
    assert "first character was not read" in (got[FieldName.LICENCE_NAME].note or "")
    assert got[FieldName.LICENCE_TYPE].value == "有限责任公司(自然人独资)"
    speck = {
        v.name: v.value
        for v in licence_fields(_page([("类·型有限责任公司(自然人投资或控股)", (137, 534, 588, 567))]))
    }
    assert speck[FieldName.LICENCE_TYPE] == "有限责任公司(自然人投资或控股)"
    dotted = [
        ("名", (186, 612, 221, 649)),
        ("称宁波华丰营养保健品有限公司", (285, 611, 705, 645)),
        ("浙江省宁波市海曙区建设大道812号8栋723室", (369, 749, 865, 779)),
        ("住.", (185, 745, 232, 787)),
        ("法定代表人", (185, 817, 349, 850)),
        ("2016年01月20日", (336, 955, 552, 985)),
        ("成立日期", (185, 954, 353, 987)),
    ]
    got = {v.name: v.value for v in licence_fields(_page(dotted))}
    assert got[FieldName.LICENCE_ADDRESS] == "浙江省宁波市海曙区建设大道812号8栋723室"
    assert got[FieldName.FOUNDED_ON] == "2016-01-20"


def test_a_value_starting_with_a_labels_last_character_out_of_the_tail_column_is_no_label() -> None:
    # 型号 in a value column with no other tails lined up under it: not 类型 with its head lost.
    lines = [
        ("名称", (186, 612, 260, 649)),
        ("型号规格说明书", (600, 700, 900, 735)),
        ("法定代表人", (185, 817, 349, 850)),
    ]
    assert FieldName.LICENCE_TYPE not in {v.name for v in licence_fields(_page(lines))}


def test_the_credit_code_is_the_one_under_its_label_not_the_serial_number() -> None:
    # The layout of a 2019-style licence copy: 编号 (the licence's own serial) above the label.
    lines = [
        ("编号：921MA190538210301", (245, 215, 495, 235)),
        ("统一社会信用代码", (245, 262, 470, 285)),
        ("10440119MA06M8503", (245, 298, 425, 318)),
    ]
    (code,) = [v for v in licence_fields(_page(lines)) if v.name == FieldName.USCC]
    assert code.value == "10440119MA06M8503"


def test_tails_standing_in_one_column_are_labels_even_when_no_head_was_read() -> None:
    # Seed 5002 (mild): 名 and 类 not read at all; 称 and 型 alone, not right-aligned with a full label.
    lines = [
        ("统一社会信用代码", (186, 518, 392, 548)),
        ("上海济禾生物工程有限公司", (375, 615, 678, 642)),
        ("称", (313, 615, 373, 644)),
        ("有限责任公司(自然人独资)", (376, 683, 675, 710)),
        ("型", (312, 682, 351, 714)),
        ("住", (185, 742, 221, 786)),
        ("上海市松江区锦绣北路109号", (375, 750, 692, 780)),
        ("所", (315, 752, 352, 780)),
    ]
    got = {v.name: v.value for v in licence_fields(_page(lines))}
    assert got[FieldName.LICENCE_NAME] == "上海济禾生物工程有限公司"
    assert got[FieldName.LICENCE_TYPE] == "有限责任公司(自然人独资)"
    assert got[FieldName.LICENCE_ADDRESS] == "上海市松江区锦绣北路109号"


def test_a_speck_read_as_a_dot_after_a_value_is_not_part_of_it() -> None:
    # Hard scans: '孟建.' and '…有限公司.'; a Latin name keeps its dot.
    lines = [
        ("名称", (186, 612, 260, 649)),
        ("宁波华丰营养保健品有限公司.", (285, 611, 705, 645)),
        ("法定代表人", (185, 817, 349, 850)),
        ("孟建.", (374, 817, 457, 849)),
        ("类型", (186, 676, 260, 720)),
        ("Ningbo Huafeng Co., Ltd.", (311, 678, 705, 715)),
    ]
    got = {v.name: v.value for v in licence_fields(_page(lines))}
    assert got[FieldName.LICENCE_NAME] == "宁波华丰营养保健品有限公司"
    assert got[FieldName.LICENCE_LEGAL_REPRESENTATIVE] == "孟建"
    assert got[FieldName.LICENCE_TYPE].endswith("Ltd.")


def test_a_piece_of_an_office_seals_arc_is_no_authority() -> None:
    page = _page([*READ, ("登记机关", (728, 1364, 852, 1402))])
    fields = extract_fields([(page, DocType.BUSINESS_LICENCE)], [_seal("市场监督", (800, 1420))]).values
    assert not [v for v in fields if v.name == FieldName.REGISTRATION_AUTHORITY]


def test_a_scrap_read_as_the_printed_authority_gives_way_to_the_seal() -> None:
    # Seed 9007 (hard): one seal character over the 登记机关 label was read as its value, '华'.
    page = _page([*READ, ("登记机关华", (728, 1364, 900, 1402))])
    fields = extract_fields(
        [(page, DocType.BUSINESS_LICENCE)], [_seal("金华市婺城区工商行政管理局", (800, 1420))]
    )
    got = [(v.value, v.source) for v in fields.values if v.name == FieldName.REGISTRATION_AUTHORITY]
    assert got == [("金华市婺城区工商行政管理局", Source.SEAL)]
