"""Organisation, government-body and address names found in running text by their shape."""

from __future__ import annotations

from filingcheck.extract.entities import find_entities


def test_names_by_suffix_start_after_function_characters() -> None:
    text = (
        "据广东省人民政府消息，北京康元生物科技有限公司位于北京市海淀区中关村南大街28号，"
        "由国家市场监督管理局批准。"
    )
    found = {(e.kind, e.text) for e in find_entities(text)}
    assert found == {
        ("government", "广东省人民政府"),
        ("company", "北京康元生物科技有限公司"),
        ("address", "北京市海淀区中关村南大街28号"),
        ("government", "国家市场监督管理局"),
    }
    for e in find_entities(text):
        assert text[e.start : e.end] == e.text


def test_words_that_merely_contain_a_suffix_are_not_names() -> None:
    assert find_entities("曼联客场防平局，市场很大，比赛结束后走进大厅") == []
