"""The correction notice (补正材料通知书): what it lists, the PDF's embedded text, the CLI and the API."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from filingcheck.api import create_app
from filingcheck.cli import app as cli_app
from filingcheck.crosscheck import rule_ids
from filingcheck.models import DocType, FieldName, FieldValue, Finding, Report, Source, Status, verdict_of
from filingcheck.reporting import write_json
from filingcheck.reporting.notice import NoNoticeError, NoticeSettings, build_notice, render_text
from filingcheck.reporting.notice_clauses import RULE_TEXTS
from filingcheck.reporting.notice_pdf import NoticeFontError, find_font, render_pdf
from filingcheck.service import Services
from tests.servicekit import add_user, bearer, hand_report, insert_done, make_services

DAY = dt.date(2026, 12, 1)
APPLICANT = "郑州春灵健康科技股份有限公司"


def _flat(text: str) -> str:
    """Text without line breaks, spaces and page footers: PDF extraction breaks where the layout did."""
    return re.sub(r"第\d+页共\d+页", "", re.sub(r"\s+", "", text))


def _with(report: Report, findings: list[Finding]) -> Report:
    return report.model_copy(update={"findings": findings, "verdict": verdict_of(findings)})


def _every_rule_failing() -> Report:
    """One failing finding per registered rule, with page evidence, on the hand-made report."""
    base = hand_report()
    address = base.findings[0]
    findings = [address] + [
        Finding(
            id=f"f-{rule}",
            rule=rule,
            clause="一(一)",
            status=Status.FAIL,
            field=None,
            pages=[2],
            message="machine wording, never sent",
        )
        for rule in rule_ids()
        if rule != address.rule
    ]
    return _with(base, findings)


def test_the_text_lists_the_failed_requirement_with_clause_place_and_values() -> None:
    notice = build_notice(
        hand_report(), NoticeSettings(office="某市受理中心", correction_days=20), issued_on=DAY
    )
    text = render_text(notice)
    assert text.splitlines()[0].strip("　") == "补正材料通知书"
    for expected in (
        "受理单位：某市受理中心",
        f"申 请 人：{APPLICANT}",
        f"{APPLICANT}：",
        "通知日期：二〇二六年十二月一日",
        "提交日期：二〇二五年三月一日",
        "一、申请人名称、地址与营业执照不一致（《要点》一(三)）",
        "申请人名称、地址应与《企业法人营业执照》、《事业单位法人资格登记证》中单位名称、地址完全一致。",
        "申请表所填申请人地址与营业执照（登记证书）中的住所不一致。",
        "第1页（注册申请表）、第2页（营业执照）",
        "营业执照（第2页）：桂花路91号",
        "注册申请表（第1页）：桂花路89号",
        "自收到本通知书之日起20日内",
        "经办人：",
        "申请人签收：",
    ):
        assert expected in text, expected
    # The uncertain product-name finding waits for a reviewer: not sent to the applicant.
    assert "产品名称不一致" not in text and "褪黑" not in text
    assert notice.pending == 1
    assert "（共1项）" in text


def test_a_confirmed_uncertain_finding_is_listed_as_a_fail() -> None:
    report = hand_report()
    decided = [
        f.model_copy(update={"status": Status.FAIL}) if f.status == Status.UNCERTAIN else f
        for f in report.findings
    ]
    text = render_text(build_notice(_with(report, decided), issued_on=DAY))
    assert "二、电子版与纸质版内容不一致（《要点》一(六)）" in text
    assert "电子版与纸质版的产品名称不一致。" in text
    assert "同禾牌褪黑素片" in text and "同禾牌褪黑索片" in text


def test_names_come_from_the_electronic_version_where_there_is_one() -> None:
    """The applicant typed the electronic version; an OCR slip on paper must not reach the letterhead."""
    report = hand_report()

    def typed(name: FieldName, value: str) -> FieldValue:
        return FieldValue(
            name=name,
            value=value,
            raw=value,
            source=Source.ELECTRONIC,
            document=DocType.APPLICATION_FORM,
            page=1,
        )

    paper = report.fields["applicant_name"][0].model_copy(update={"raw": "郑州春灵健康科技股分有限公司"})
    fields = {
        "applicant_name": [paper, typed(FieldName.APPLICANT_NAME, APPLICANT)],
        "product_name": [typed(FieldName.PRODUCT_NAME, "同禾牌褪黑素片")],
    }
    notice = build_notice(report.model_copy(update={"fields": fields}), issued_on=DAY)
    assert notice.applicant == APPLICANT and notice.product == "同禾牌褪黑素片"
    assert "“同禾牌褪黑素片”国产保健食品注册申请材料" in render_text(notice)


def test_no_notice_when_nothing_failed() -> None:
    report = hand_report()
    passed = [f.model_copy(update={"status": Status.PASS}) for f in report.findings]
    with pytest.raises(NoNoticeError, match="accepted"):
        build_notice(_with(report, passed))
    unsure = [f for f in report.findings if f.status != Status.FAIL]
    with pytest.raises(NoNoticeError, match="reviewer"):
        build_notice(_with(report, unsure))


def test_every_rule_has_notice_wording_and_its_clause_is_printed() -> None:
    assert set(RULE_TEXTS) == set(rule_ids())
    text = render_text(build_notice(_every_rule_failing(), issued_on=DAY))
    for rule in rule_ids():
        assert RULE_TEXTS[rule].requirement in text, rule
        assert RULE_TEXTS[rule].heading in text, rule
    assert "machine wording" not in text
    assert f"（共{len(rule_ids())}项）" in text


def test_the_pdf_embeds_a_chinese_font_and_its_text_holds_applicant_and_every_clause() -> None:
    notice = build_notice(_every_rule_failing(), issued_on=DAY, submission_id="Xk2abc")
    pdf = render_pdf(notice)
    assert pdf.startswith(b"%PDF")

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = _flat("".join(page.extract_text() or "" for page in doc.pages))
        fonts = {c["fontname"] for page in doc.pages for c in page.chars}
    assert any("uming" in f.lower() or "zenhei" in f.lower() or "droid" in f.lower() for f in fonts), fonts
    assert APPLICANT in text and "Xk2abc" in text and "补正材料通知书" in text
    for rule in rule_ids():
        assert _flat(RULE_TEXTS[rule].requirement) in text, rule
    # Every page renders with ink on it (no empty boxes or blank pages).
    document = pypdfium2.PdfDocument(pdf)
    try:
        for page in document:
            grey = np.asarray(page.render(scale=0.5).to_pil().convert("L"))
            assert (grey < 128).sum() > 200
    finally:
        document.close()


def test_a_missing_font_is_a_clear_error() -> None:
    with pytest.raises(NoticeFontError, match="FILINGCHECK_NOTICE_FONT"):
        find_font(Path("/no/such/font.ttf"))
    with pytest.raises(NoticeFontError, match="fonts-arphic-uming"):
        find_font(None, (("/no/such/uming.ttc", 0),))
    with pytest.raises(NoticeFontError):
        render_pdf(build_notice(hand_report()), Path("/no/such/font.ttf"))


def test_cli_writes_text_and_pdf_and_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    write_json(hand_report(), report)
    runner = CliRunner()
    txt = runner.invoke(cli_app, ["notice", str(report), "--out", str(tmp_path / "n.txt"), "--id", "S1"])
    assert txt.exit_code == 0, txt.output
    written = (tmp_path / "n.txt").read_text("utf-8")
    assert "申请编号：S1" in written and "桂花路89号" in written
    assert "1 uncertain finding(s) are not in the notice" in txt.output
    pdf = runner.invoke(cli_app, ["notice", str(report), "--out", str(tmp_path / "n.pdf"), "--days", "15"])
    assert pdf.exit_code == 0, pdf.output
    assert (tmp_path / "n.pdf").read_bytes().startswith(b"%PDF")
    assert runner.invoke(cli_app, ["notice", str(report), "--out", str(tmp_path / "n.doc")]).exit_code == 2
    accepted = tmp_path / "accepted.json"
    base = hand_report()
    write_json(_with(base, [f.model_copy(update={"status": Status.PASS}) for f in base.findings]), accepted)
    none = runner.invoke(cli_app, ["notice", str(accepted), "--out", str(tmp_path / "x.txt")])
    assert none.exit_code == 1 and "no correction notice" in none.output
    assert not (tmp_path / "x.txt").exists()
    (tmp_path / "bad.json").write_text("{}", "utf-8")
    bad = runner.invoke(cli_app, ["notice", str(tmp_path / "bad.json"), "--out", str(tmp_path / "y.txt")])
    assert bad.exit_code == 4


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    folder = tmp_path_factory.mktemp("notice")
    yield make_services(f"sqlite:///{folder / 'db.sqlite'}", folder / "data")


def test_api_serves_text_and_pdf_and_follows_reviewer_decisions(services: Services) -> None:
    with TestClient(create_app(services)) as client:
        clerk = add_user(services, "nclerk", "clerk")
        reviewer = add_user(services, "nreviewer", "reviewer")
        sid = insert_done(services, "nclerk")
        text = client.get(f"/api/v1/submissions/{sid}/notice.txt", headers=bearer(clerk))
        assert text.status_code == 200, text.text
        assert text.headers["content-type"] == "text/plain; charset=utf-8"
        assert f"申请编号：{sid}" in text.text and "桂花路89号" in text.text
        assert "褪黑" not in text.text
        pdf = client.get(f"/api/v1/submissions/{sid}/notice.pdf", headers=bearer(reviewer))
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")

        # The reviewer confirms the doubted product name: it is a fail now, and the notice says so.
        decided = client.post(
            f"/api/v1/submissions/{sid}/findings/f-product/decision",
            headers=bearer(reviewer),
            json={"decision": "confirm", "reason": "素/索 checked on paper"},
        )
        assert decided.status_code == 200, decided.text
        text = client.get(f"/api/v1/submissions/{sid}/notice.txt", headers=bearer(clerk)).text
        assert "电子版与纸质版的产品名称不一致。" in text and "同禾牌褪黑索片" in text

        # Both fails overridden: nothing to correct, a clear 409.
        for fid in ("f-product", "f-address"):
            client.post(
                f"/api/v1/submissions/{sid}/findings/{fid}/decision",
                headers=bearer(reviewer),
                json={"decision": "override", "reason": "fine on the original"},
            )
        gone = client.get(f"/api/v1/submissions/{sid}/notice.pdf", headers=bearer(clerk))
        assert gone.status_code == 409 and gone.json()["error"] == "no_notice"
        paths = client.get("/api/v1/openapi.json").json()["paths"]
        assert {
            "/api/v1/submissions/{submission_id}/notice.txt",
            "/api/v1/submissions/{submission_id}/notice.pdf",
        } <= set(paths)


def test_the_reviewer_page_links_the_notice(services: Services) -> None:
    with TestClient(create_app(services)) as client:
        add_user(services, "nweb", "reviewer", password="a long password")
        sid = insert_done(services, "nclerk")
        assert client.post("/login", data={"name": "nweb", "password": "a long password"}).status_code == 200
        page = client.get(f"/review/submissions/{sid}")
        assert page.status_code == 200
        assert f'href="/api/v1/submissions/{sid}/notice.pdf"' in page.text
        # The link works with the page's session cookie.
        assert client.get(f"/api/v1/submissions/{sid}/notice.txt").status_code == 200
