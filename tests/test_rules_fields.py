"""Rules over field readings and seals, on hand-built dossiers: seals, internal consistency, the
certificate, the licence term, the formula basis and the test reports."""

from __future__ import annotations

import datetime as dt

import pytest

from filingcheck.models import ApplicationType, DocType, FieldName, SealKind, Source, Status
from tests.rulekit import dossier, page, reading, run, seal, statuses

APPLICANT = "湖南惠航食品股份有限公司"
PRODUCT = "永力牌多种维生素矿物质咀嚼片"
ADDRESS = "湖南省长沙市雨花区金桥路116号"
F = FieldName
D = DocType


def _seal_dossier(*seals_: object, form_name: str = APPLICANT) -> object:
    pages = [
        page(1, D.TABLE_OF_CONTENTS),
        page(2, D.APPLICATION_FORM),
        page(3, D.OTHER_TEXT),
        page(4, D.TEST_REPORT),
    ]
    values = [
        reading(F.APPLICANT_NAME, form_name, 2),
        reading(F.TEST_UNIT_NAME, "江苏省食品药品检验研究院", 2),
    ]
    return dossier(pages, values, list(seals_))


@pytest.mark.parametrize(
    ("text", "conf", "status"),
    [
        (APPLICANT, 0.99, Status.PASS),
        ("湖南惠航食品股份有限公", 0.99, Status.PASS),  # the arc's last character lost
        ("★湖南惠航食品股份有限公司", 0.97, Status.PASS),  # a star read along with the name
        ("湖南惠杭食品股份有限公司", 0.99, Status.UNCERTAIN),  # one character: noise or another firm
        ("湖南惠航食品有限公司", 0.99, Status.UNCERTAIN),
        ("广东嘉元生物科技有限公司", 0.99, Status.FAIL),  # clearly another company
        ("广东嘉元生物科技有限公司", 0.40, Status.UNCERTAIN),  # ... but read too badly to say so
        ("食品股份有限公", 0.99, Status.UNCERTAIN),  # part of the arc: too little to name anyone
        ("南宁惠晟食品公司", 0.99, Status.FAIL),  # short, but a whole other name, not a piece of this one
    ],
)
def test_seal_text_against_the_applicant(text: str, conf: float, status: Status) -> None:
    d = _seal_dossier(seal(3, text, conf=conf))
    found = run("applicant.matches_seal", d)
    assert statuses(found) == {status}, [f.message for f in found]
    if status != Status.PASS:
        assert found[0].expected == APPLICANT and found[0].pages == [3]


def test_one_garbled_impression_among_the_applicants_is_uncertain_not_another_company() -> None:
    """Seen in the rules benchmark: five impressions of one stamp read one character off each, and
    one read '…有限贸公司' with confidence 0.998 (three edits). The other impressions read the name's
    own characters where that one departs: a misread arc, not someone else's seal."""
    name = "四川永宇生物工程有限责任公司"
    reads = ["四川永字生物工程有限责任公司", "四川水字生物工程有限责任公司", "四川永学生物工程有限责任公司"]
    garbled = "四川水宇生物工程有限贸公司"
    # On a page of its own (beside a good impression on the same page it would be outshone anyway).
    d = _seal_dossier(*(seal(3, r) for r in reads), seal(1, garbled, conf=0.998), form_name=name)
    found = run("applicant.matches_seal", d)
    assert statuses(found) == {Status.UNCERTAIN}, [f.message for f in found]
    # One impression alone is not outvoted by anything: the same reading there is a fail.
    alone = run("applicant.matches_seal", _seal_dossier(seal(1, garbled, conf=0.998), form_name=name))
    assert statuses(alone) == {Status.FAIL}


def test_a_consistent_other_stamp_or_another_company_among_the_applicants_still_fails() -> None:
    name = "四川永宇生物工程有限责任公司"
    sister = "四川永宇生物科技有限公司"  # every impression reads the sister company: not outvoted
    d = _seal_dossier(seal(1, sister), seal(3, sister), seal(3, sister), seal(3, sister), form_name=name)
    assert Status.FAIL in statuses(run("applicant.matches_seal", d))
    other = "广东嘉元生物科技有限公司"  # a whole other name on one page among the applicant's seals
    d = _seal_dossier(seal(1, other), seal(3, name), seal(3, name), seal(3, name), form_name=name)
    found = run("applicant.matches_seal", d)
    assert [f.pages for f in found if f.status == Status.FAIL] == [[1]]


def test_seal_rule_ignores_third_parties_and_exempt_pages() -> None:
    d = _seal_dossier(
        seal(4, "广东嘉元检测有限公司"),  # a test report: the institution's seal
        seal(3, "长沙市雨花区市场监督管理局"),  # an office's seal
        seal(3, "南昌市市场监督管理"),  # an office's seal, its last character lost
        seal(3, "江苏省食品药品检验研究院"),  # the test unit's seal on an applicant page
        seal(1, "李鹏印", kind=SealKind.SQUARE),
        seal(1, APPLICANT),
    )
    found = run("applicant.matches_seal", d)
    assert statuses(found) == {Status.PASS} and found[0].pages == [1]


def test_a_page_with_the_applicants_seal_passes_beside_a_co_signers() -> None:
    d = _seal_dossier(seal(3, APPLICANT), seal(3, "北京康元生物科技有限公司"))
    assert statuses(run("applicant.matches_seal", d)) == {Status.PASS}


def test_seal_rule_without_seal_text_or_name_is_uncertain() -> None:
    assert statuses(run("applicant.matches_seal", _seal_dossier(seal(3, None)))) == {Status.UNCERTAIN}
    assert statuses(
        run("applicant.matches_seal", dossier([page(1, D.OTHER_TEXT)], [], [seal(1, APPLICANT)]))
    ) == {Status.UNCERTAIN}


def _names(cover_product: str, *, running: str | None = None, conf: float = 0.99) -> object:
    values = [
        reading(F.PRODUCT_NAME, PRODUCT, 2),
        reading(F.APPLICANT_NAME, APPLICANT, 2),
        reading(F.PRODUCT_NAME, PRODUCT, 1, D.TABLE_OF_CONTENTS),
        reading(F.PRODUCT_NAME, cover_product, 3, D.COVER_SHEET, confidence=conf),
        reading(F.APPLICANT_NAME, APPLICANT, 3, D.COVER_SHEET),
        reading(F.PRODUCT_NAME, PRODUCT, 5, D.APPROVAL_CERTIFICATE),
    ]
    if running:
        values.append(reading(F.PRODUCT_NAME, running, 4, D.OTHER_TEXT, note="in running text"))
    return dossier([page(i, D.OTHER_TEXT) for i in range(1, 6)], values)


def test_internal_consistency_passes_when_every_place_agrees() -> None:
    found = run("consistency.internal", _names(PRODUCT, running=PRODUCT))
    assert statuses(found) == {Status.PASS}
    product = next(f for f in found if f.field == "product_name")
    assert product.pages == [1, 2, 3, 4]  # the certificate is not compared


def test_internal_consistency_fails_on_a_cover_sheet_with_another_name() -> None:
    odd = "永力牌多种维生素矿物质软胶囊"
    found = run("consistency.internal", _names(odd))
    fail = [f for f in found if f.status == Status.FAIL]
    assert len(fail) == 1 and fail[0].found == odd and fail[0].expected == PRODUCT and 3 in fail[0].pages
    assert any(op.op != "equal" for op in fail[0].diff)


def test_internal_consistency_noise_and_running_text_are_uncertain() -> None:
    blurred = run("consistency.internal", _names("永刀牌多种维生素矿物质咀嚼片", conf=0.5))
    assert Status.UNCERTAIN in statuses(blurred) and Status.FAIL not in statuses(blurred)
    prose = run("consistency.internal", _names(PRODUCT, running="永刀牌多种维生素矿物质咀嚼片"))
    assert Status.UNCERTAIN in statuses(prose) and Status.FAIL not in statuses(prose)


def _certificate(name: str, address: str = ADDRESS, kind: ApplicationType = ApplicationType.DOMESTIC_CHANGE):
    pages = [page(1, D.BUSINESS_LICENCE), page(2, D.APPROVAL_CERTIFICATE)]
    values = [
        reading(F.LICENCE_NAME, APPLICANT, 1, D.BUSINESS_LICENCE),
        reading(F.LICENCE_ADDRESS, ADDRESS, 1, D.BUSINESS_LICENCE),
        reading(F.APPLICANT_NAME, name, 2, D.APPROVAL_CERTIFICATE),
        reading(F.APPLICANT_ADDRESS, address, 2, D.APPROVAL_CERTIFICATE),
    ]
    return dossier(pages, values, kind=kind)


def test_licence_matches_certificate() -> None:
    assert statuses(run("licence.matches_certificate", _certificate(APPLICANT))) == {Status.PASS}
    other = run("licence.matches_certificate", _certificate("湖南惠航食品有限公司"))
    assert Status.FAIL in statuses(other)
    moved = run("licence.matches_certificate", _certificate(APPLICANT, "湖南省长沙市雨花区金桥路118号"))
    assert [f.status for f in moved if f.field == "licence_address"] == [Status.FAIL]
    new = _certificate(APPLICANT, kind=ApplicationType.DOMESTIC_NEW)
    assert statuses(run("licence.matches_certificate", new)) == {Status.NOT_APPLICABLE}
    no_cert = dossier([page(1, D.BUSINESS_LICENCE)], kind=ApplicationType.DOMESTIC_RENEWAL)
    assert statuses(run("licence.matches_certificate", no_cert)) == {Status.UNCERTAIN}


@pytest.mark.parametrize(
    ("term", "conf", "status"),
    [
        ("2015-03-02/..", 0.99, Status.PASS),
        ("2015-03-02/2035-03-01", 0.99, Status.PASS),
        ("2004-03-02/2024-03-01", 0.99, Status.FAIL),
        ("2004-03-02/2024-03-01", 0.70, Status.UNCERTAIN),
        ("2025-01-01/..", 0.99, Status.FAIL),
        ("自2015年起", 0.99, Status.UNCERTAIN),
    ],
)
def test_licence_term(term: str, conf: float, status: Status) -> None:
    value = reading(F.LICENCE_TERM, term, 1, D.BUSINESS_LICENCE, confidence=conf, normalised=False)
    d = dossier([page(1, D.BUSINESS_LICENCE)], [value], submitted=dt.date(2024, 5, 6))
    assert statuses(run("licence.term_valid", d)) == {status}


def test_licence_term_needs_a_date_and_a_term() -> None:
    value = reading(F.LICENCE_TERM, "2015-03-02/..", 1, D.BUSINESS_LICENCE, normalised=False)
    assert statuses(run("licence.term_valid", dossier([], [value], submitted=None))) == {Status.UNCERTAIN}
    assert statuses(run("licence.term_valid", dossier([], []))) == {Status.UNCERTAIN}
    imported = dossier([], [value], kind=ApplicationType.IMPORT_NEW)
    assert statuses(run("licence.term_valid", imported)) == {Status.NOT_APPLICABLE}


def _formula(lines: list[str], basis: str | None, source_electronic: list[str] | None = None) -> object:
    values = [
        reading(F.FORMULA_LINE, line, 6, D.FORMULA, note=basis, y=100 + 50 * i)
        for i, line in enumerate(lines)
    ]
    values += [
        reading(F.FORMULA_LINE, line, 2, D.FORMULA, source=Source.ELECTRONIC)
        for line in source_electronic or []
    ]
    return dossier([page(6, D.FORMULA)], values)


def test_formula_basis() -> None:
    good = _formula(["维生素C72.0g", "碳酸钙300.0g"], "per 1000 片")
    assert statuses(run("formula.per_1000_units", good)) == {Status.PASS}
    percent = run("formula.per_1000_units", _formula(["维生素C12.50%", "碳酸钙52.10%"], "percent"))
    assert statuses(percent) == {Status.FAIL} and percent[0].found == "%"
    hundred = run("formula.per_1000_units", _formula(["维生素C7.2g"], "per 100 粒"))
    assert statuses(hundred) == {Status.FAIL}
    unknown = run("formula.per_1000_units", _formula(["维生素C72.0g"], None))
    assert statuses(unknown) == {Status.UNCERTAIN}
    e_percent = _formula(["维生素C72.0g"], "per 1000 片", ["维生素C12.50%"])
    assert statuses(run("formula.per_1000_units", e_percent)) == {Status.PASS, Status.FAIL}
    assert statuses(run("formula.per_1000_units", dossier([], []))) == {Status.UNCERTAIN}
    change = dossier([], [], kind=ApplicationType.DOMESTIC_CHANGE)
    assert statuses(run("formula.per_1000_units", change)) == {Status.NOT_APPLICABLE}


def _report(
    index: int,
    pages: list[int],
    *,
    issued: str = "2021-08-29",
    sample: str = PRODUCT,
    batch: str = "18032301",
    declared: int | None = None,
    issued_conf: float = 0.99,
) -> list:
    n = declared or len(pages)
    values = [
        reading(F.REPORT_PAGE, f"{k}/{n}", p, D.TEST_REPORT, item=index) for k, p in enumerate(pages, 1)
    ]
    first = pages[0]
    values += [
        reading(F.REPORT_NUMBER, f"2021-JS-4744{index}", first, D.TEST_REPORT, item=index),
        reading(F.REPORT_SAMPLE_NAME, sample, first, D.TEST_REPORT, item=index),
        reading(F.REPORT_SUBMITTING_UNIT, APPLICANT, first, D.TEST_REPORT, item=index),
        reading(F.REPORT_MANUFACTURER, "湖南博元生物科技有限公司", first, D.TEST_REPORT, item=index),
        reading(F.REPORT_BATCH_NUMBER, batch, first, D.TEST_REPORT, item=index),
        reading(
            F.REPORT_ISSUED_ON,
            issued,
            first,
            D.TEST_REPORT,
            item=index,
            confidence=issued_conf,
            normalised=False,
        ),
        reading(F.REPORT_CONCLUSION, "检验结论", first, D.TEST_REPORT, item=index),
    ]
    return values


def _reports(values: list, seals_: list, n_pages: int = 6, **kw: object) -> object:
    pages = [page(i, D.TEST_REPORT) for i in range(1, n_pages + 1)]
    form = [reading(F.PRODUCT_NAME, PRODUCT, 9), reading(F.APPLICANT_NAME, APPLICANT, 9)]
    form.append(reading(F.TRIAL_UNIT_NAME, "湖南博元生物科技有限公司", 9))
    return dossier(pages, form + values, seals_, **kw)


def test_report_validity() -> None:
    day = dt.date(2024, 5, 6)
    ok = _reports(_report(0, [1, 2]) + _report(1, [3], issued="2019-05-06"), [], submitted=day)
    assert statuses(run("test_report.validity", ok)) == {Status.PASS}
    old = run("test_report.validity", _reports(_report(0, [1], issued="2019-05-05"), [], submitted=day))
    assert statuses(old) == {Status.FAIL} and old[0].found == "2019-05-05" and "2019-05-06" in old[0].expected
    blurred = _reports(_report(0, [1], issued="2019-05-05", issued_conf=0.6), [], submitted=day)
    assert statuses(run("test_report.validity", blurred)) == {Status.UNCERTAIN}
    assert statuses(run("test_report.validity", _reports([], []))) == {Status.UNCERTAIN}
    renewal = _reports([], [], kind=ApplicationType.DOMESTIC_RENEWAL)
    assert statuses(run("test_report.validity", renewal)) == {Status.NOT_APPLICABLE}


def test_report_seals() -> None:
    straddle = [seal(1, "江苏省食品药品检验研究院"), seal(2, None, kind=SealKind.STRADDLE_SLICE)]
    each = [seal(3, "江苏省食品药品检验研究院"), seal(4, "江苏省食品药品检验研究院")]
    d = _reports(_report(0, [1, 2]) + _report(1, [3, 4]) + _report(2, [5]), [*straddle, *each, seal(5, "x")])
    assert statuses(run("test_report.seals", d)) == {Status.PASS}
    bare = run("test_report.seals", _reports(_report(0, [1, 2]), [seal(1, "江苏省食品药品检验研究院")]))
    assert statuses(bare) == {Status.FAIL} and "2" in bare[0].message
    unsealed = run("test_report.seals", _reports(_report(0, [1]), []))
    assert statuses(unsealed) == {Status.FAIL}
    grey = _reports(_report(0, [1]), [])
    grey.pages[:] = [p.model_copy(update={"colour": False}) for p in grey.pages]  # a photocopy
    assert statuses(run("test_report.seals", grey)) == {Status.UNCERTAIN}
    short = _reports(_report(0, [1], declared=2), [seal(1, "江苏省食品药品检验研究院")])
    assert statuses(run("test_report.seals", short)) == {Status.UNCERTAIN}


def test_report_consistency_against_the_test_application_form() -> None:
    form = [
        reading(F.REPORT_SAMPLE_NAME, PRODUCT, 1, D.TEST_APPLICATION_FORM, item=0),
        reading(F.REPORT_SUBMITTING_UNIT, APPLICANT, 1, D.TEST_APPLICATION_FORM, item=0),
        reading(F.REPORT_MANUFACTURER, "湖南博元生物科技有限公司", 1, D.TEST_APPLICATION_FORM, item=0),
        reading(F.REPORT_BATCH_NUMBER, "18032301", 1, D.TEST_APPLICATION_FORM, item=0),
    ]
    same = run("test_report.consistency", _reports(form + _report(0, [2, 3]), []))
    assert statuses(same) == {Status.PASS} and "test application form" in same[0].message
    batch = run("test_report.consistency", _reports(form + _report(0, [2, 3], batch="18032801"), []))
    assert [f.field for f in batch if f.status == Status.FAIL] == ["report_batch_number"]


def test_report_consistency_without_a_test_application_form_uses_the_dossier() -> None:
    same = run("test_report.consistency", _reports(_report(0, [1]), []))
    assert statuses(same) == {Status.PASS} and "no test application form" in same[0].message
    other = run("test_report.consistency", _reports(_report(0, [1], sample="永力牌多种维生素片"), []))
    assert [f.field for f in other if f.status == Status.FAIL] == ["report_sample_name"]


JOINT = f"{APPLICANT}、北京康元生物科技有限公司"


def test_joint_applicants_each_name_their_own_pages_and_seals() -> None:
    """A joint application's form names both applicants; a page that names one of them, or a seal of
    either, agrees with the form; a near miss of one of them is still compared with that one."""
    values = [
        reading(F.APPLICANT_NAME, JOINT, 2),
        reading(F.APPLICANT_NAME, "北京康元生物科技有限公司", 3, D.COVER_SHEET),
        reading(F.APPLICANT_NAME, APPLICANT, 4, D.OTHER_TEXT, note="in running text"),
    ]
    d = dossier([page(i, D.OTHER_TEXT) for i in range(1, 5)], values)
    assert statuses(run("consistency.internal", d)) == {Status.PASS}
    values[1] = reading(F.APPLICANT_NAME, "北京康元生物技术有限公司", 3, D.COVER_SHEET)
    found = run("consistency.internal", dossier([page(i, D.OTHER_TEXT) for i in range(1, 5)], values))
    (fail,) = [f for f in found if f.status == Status.FAIL]
    assert fail.expected == "北京康元生物科技有限公司" and fail.pages == [2, 3]
    seals = _seal_dossier(seal(3, "北京康元生物科技有限公司"), form_name=JOINT)
    assert statuses(run("applicant.matches_seal", seals)) == {Status.PASS}
    # One of joint applicants submitted the sample: its report is compared with that one.
    pages = [page(i, D.TEST_REPORT) for i in range(1, 3)]
    form = [reading(F.PRODUCT_NAME, PRODUCT, 9), reading(F.APPLICANT_NAME, JOINT, 9)]
    form.append(reading(F.TRIAL_UNIT_NAME, "湖南博元生物科技有限公司", 9))
    report = run("test_report.consistency", dossier(pages, form + _report(0, [1])))
    assert statuses(report) == {Status.PASS}, [f.message for f in report]
    # ... and the licence is one applicant's: the lead's licence matches the lead on the form.
    licence = [reading(F.APPLICANT_NAME, JOINT, 2), reading(F.LICENCE_NAME, APPLICANT, 5, D.BUSINESS_LICENCE)]
    found = run("applicant.matches_licence", dossier([page(i, D.OTHER_TEXT) for i in range(1, 6)], licence))
    assert Status.PASS in statuses(found) and Status.FAIL not in statuses(found), [f.message for f in found]
