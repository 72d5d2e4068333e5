"""Licence labels spread across their column: a label whose first character OCR lost is still read."""

from __future__ import annotations

from filingcheck.extract.licence import licence_fields
from filingcheck.models import BBox, EngineInfo, FieldName, OcrLine, PageOcr

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
