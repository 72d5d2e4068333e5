"""Matching tells OCR noise from real differences (RULES.md: never pass on a guess)."""

from __future__ import annotations

from filingcheck.crosscheck import CheckContext, CheckSettings
from filingcheck.crosscheck.evidence import compare_readings
from filingcheck.crosscheck.matching import compare
from filingcheck.models import DocType, FieldName, FieldValue, Source, Status
from filingcheck.models.normalize import normalise


def reading(
    value: str, source: Source = Source.PAPER, conf: list[float] | None = None, seal: list[bool] | None = None
) -> FieldValue:
    v = normalise(value)
    return FieldValue(
        name=FieldName.APPLICANT_NAME,
        value=v,
        raw=value,
        source=source,
        document=DocType.APPLICATION_FORM,
        page=1,
        bbox=[0, 0, 10, 10],
        confidence=min(conf or [0.99]),
        char_confidences=conf or [0.99] * len(v),
        char_under_seal=seal or [False] * len(v),
    )


def status(expected: FieldValue, found: FieldValue) -> Status:
    return compare_readings("r", "c", "f", expected, found, CheckContext(CheckSettings()), "x").status


def test_normalise_folds_width_brackets_spaces_and_traditional() -> None:
    assert normalise("北京（康元）生物 科技有限公司") == "北京(康元)生物科技有限公司"
    assert normalise("ＡＢＣ１２３") == "ABC123"
    assert normalise("廣州市") == "广州市"
    assert normalise("有限公司") != normalise("有限责任公司")


def test_identical_after_normalisation_passes() -> None:
    assert status(reading("康元（北京）有限公司"), reading("康元(北京)有限公司")) == Status.PASS


def test_company_suffix_change_read_well_is_a_fail() -> None:
    assert status(reading("北京康元生物科技有限公司"), reading("北京康元生物科技有限责任公司")) == Status.FAIL


def test_different_house_number_read_well_is_a_fail() -> None:
    assert (
        status(reading("北京市海淀区中关村南大街28号"), reading("北京市海淀区中关村南大街26号"))
        == Status.FAIL
    )


def test_low_confidence_character_makes_it_uncertain() -> None:
    found = "北京康元生物科技有限公词"
    conf = [0.99] * (len(found) - 1) + [0.55]
    assert status(reading("北京康元生物科技有限公司"), reading(found, conf=conf)) == Status.UNCERTAIN


def test_known_confusion_pair_makes_it_uncertain() -> None:
    assert status(reading("己知科技有限公司"), reading("已知科技有限公司")) == Status.UNCERTAIN


def test_character_under_seal_makes_it_uncertain() -> None:
    found = "北京康元生物科技有限么司"
    seal = [False] * 10 + [True, False]
    assert status(reading("北京康元生物科技有限公司"), reading(found, seal=seal)) == Status.UNCERTAIN


def test_electronic_side_is_never_doubted() -> None:
    result = compare(reading("康元牌辅酶Q10软胶囊", Source.ELECTRONIC), reading("康元牌辅酶Q10软胶襄"))
    assert not result.equal and not result.explained_by_ocr
    assert [op.op for op in result.diff if op.op != "equal"] == ["replace"]
