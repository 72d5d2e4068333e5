"""A real licence copy end to end: every field of its published answer read, the credit code under
its label (not the licence's serial 编号 above it), the authority from its seal."""

from __future__ import annotations

import json

import pytest

from filingcheck.models import FieldName, Report, Source, Status
from filingcheck.models.normalize import normalise
from filingcheck.pipeline import Inputs, process_submission
from tests.conftest import REALDATA, needs_realdata

LICENCE = REALDATA / "business_licence" / "cicba_business_01.png"
# Their answer's keys → our fields (its 注册资本 is rewritten as 200万元; the image says 贰佰万元).
KEYS = {
    "单位名称": FieldName.LICENCE_NAME,
    "类型": FieldName.LICENCE_TYPE,
    "法人": FieldName.LICENCE_LEGAL_REPRESENTATIVE,
    "地址": FieldName.LICENCE_ADDRESS,
    "社会信用代码": FieldName.USCC,
}

pytestmark = needs_realdata()


@pytest.fixture(scope="module")
def report() -> Report:
    return process_submission(Inputs(paper=[LICENCE])).report


def _first(report: Report, name: FieldName) -> str | None:
    got = report.fields.get(name.value, [])
    return got[0].value if got else None


def test_the_published_fields_are_read(report: Report) -> None:
    truth = json.loads(LICENCE.with_name("cicba_business_01.fields.json").read_text("utf-8"))["fields"]
    for key, name in KEYS.items():
        assert _first(report, name) == normalise(truth[key]["words"]), key
    assert _first(report, FieldName.FOUNDED_ON) == "2019-01-01"
    assert _first(report, FieldName.LICENCE_TERM) == "2019-01-01/.."  # 长期: open-ended


def test_the_printed_code_is_short_and_fails_read_twice(report: Report) -> None:
    (finding,) = [f for f in report.findings if f.rule == "licence.uscc_checksum"]
    assert finding.status == Status.FAIL and "17 characters" in finding.message


def test_the_authority_is_read_off_its_seal(report: Report) -> None:
    (authority,) = report.fields[FieldName.REGISTRATION_AUTHORITY.value]
    assert authority.source == Source.SEAL
    assert authority.value == "广州市花都区工商行政管理局"
