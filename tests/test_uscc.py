"""GB 32100-2015 check characters on the real code list, and repair of OCR confusions."""

from __future__ import annotations

import csv

import pytest

from filingcheck.models.uscc import check_character, is_valid, repair
from tests.conftest import REALDATA, needs_realdata


@needs_realdata()
def test_every_published_valid_code_passes() -> None:
    codes = (REALDATA / "entities/uscc/python_stdnum_valid.txt").read_text().split()
    assert len(codes) == 201
    assert all(is_valid(c) for c in codes)


@needs_realdata()
def test_published_negative_cases_fail() -> None:
    with (REALDATA / "entities/uscc/python_stdnum_cases.tsv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.reader(fh, delimiter="\t") if r and not r[0].startswith("#")]
    bad = [r[0] for r in rows if "Invalid" in "".join(r[1:])]
    assert bad
    assert not any(is_valid(c) for c in bad)


@needs_realdata()
def test_the_seventeen_character_licence_code_is_not_valid() -> None:
    assert not is_valid("10440119MA06M8503")


def test_check_character_rejects_foreign_characters() -> None:
    with pytest.raises(ValueError):
        check_character("9111010860003734I")


def test_unique_confusion_is_repaired_and_ambiguous_is_not() -> None:
    code = "91110000600037341L"
    assert is_valid(code)
    read = code.replace("0", "O", 1)  # O never stands in a code
    result = repair(read)
    assert result.valid and result.repaired and result.code == code
    wrong_check = code[:17] + ("M" if code[17] != "M" else "N")
    assert not repair(wrong_check).valid or repair(wrong_check).repaired
