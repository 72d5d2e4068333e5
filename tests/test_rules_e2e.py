"""End to end for the rules of RULES.md on two generated compact dossiers (real engines): each planted
defect fails its rule on its pages, and no other rule fails, except the two that a compact dossier
(an excerpt without most items and cover sheets) fails by design."""

from __future__ import annotations

import datetime as dt

import pytest

from filingcheck.models import FieldName, Report, Status, Submission

DOSSIERS = {
    301: ["applicant.matches_seal", "formula.per_1000_units", "test_report.seals"],
    302: ["consistency.internal", "test_report.validity", "licence.term_valid"],
}
# A compact dossier holds one cover sheet and a handful of items (samples/README.md, Limits).
EXCERPT_RULES = ("checklist.required_items", "dossier.table_of_contents")


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Report, dict]]:
    from filingcheck.pipeline import Inputs, process_submission
    from filingcheck.samples import generate_dossier

    out = {}
    for seed, defects in DOSSIERS.items():
        folder = tmp_path_factory.mktemp(f"rules{seed}")
        truth = generate_dossier(folder, seed, defects=defects, dpi=200, scan="mild")
        submission = Submission.model_validate_json((folder / "submission.json").read_text(encoding="utf-8"))
        inputs = Inputs(
            paper=[folder / "paper.pdf"], electronic=folder / "electronic.pdf", submission=submission
        )
        out[seed] = (process_submission(inputs).report, truth)
    return out


def _detail(report: Report, rule: str) -> list[str]:
    return [f"{f.status.value} {f.field} {f.pages}: {f.message}" for f in report.findings if f.rule == rule]


@pytest.mark.slow
@pytest.mark.parametrize("seed", sorted(DOSSIERS))
def test_planted_defects_fail_on_their_pages(checked: dict[int, tuple[Report, dict]], seed: int) -> None:
    report, truth = checked[seed]
    for defect in truth["defects"]:
        fails = [f for f in report.findings if f.rule == defect["rule"] and f.status == Status.FAIL]
        assert fails, _detail(report, defect["rule"])
        assert set(defect["pages"]) & {p for f in fails for p in f.pages}, (
            defect,
            _detail(report, defect["rule"]),
        )
        assert all(f.evidence for f in fails)


@pytest.mark.slow
@pytest.mark.parametrize("seed", sorted(DOSSIERS))
def test_no_other_rule_fails(checked: dict[int, tuple[Report, dict]], seed: int) -> None:
    report, truth = checked[seed]
    planted = {d["rule"] for d in truth["defects"]}
    wrong = [
        f"{f.rule}: {f.message}"
        for f in report.findings
        if f.status == Status.FAIL and f.rule not in planted and f.rule not in EXCERPT_RULES
    ]
    assert not wrong


@pytest.mark.slow
@pytest.mark.parametrize("seed", sorted(DOSSIERS))
def test_an_excerpt_fails_the_checklist_and_cover_sheets_but_not_the_contents(
    checked: dict[int, tuple[Report, dict]], seed: int
) -> None:
    report = checked[seed][0]
    missing = [f for f in report.findings if f.rule == "checklist.required_items" and f.status == Status.FAIL]
    assert missing and "4. 申请人对他人已取得的专利不构成侵权的保证书" in missing[0].message
    numbers = {int(entry.split(".")[0]) for entry in (missing[0].expected or "").split("; ")}
    assert not numbers & {1, 2, 7, 12}  # form, licence, formula and reports are there
    toc = {f.field: f.status for f in report.findings if f.rule == "dossier.table_of_contents"}
    assert toc["first_page"] == Status.PASS and toc["order"] == Status.PASS, _detail(
        report, "dossier.table_of_contents"
    )
    assert toc["cover_sheets"] == Status.FAIL


@pytest.mark.slow
def test_reports_are_read_per_report(checked: dict[int, tuple[Report, dict]]) -> None:
    for report, truth in checked.values():
        printed = {p["test_report"]["number"]: p["test_report"] for p in truth["pages"] if p["test_report"]}
        issued = {v.item: v.value for v in report.fields.get(FieldName.REPORT_ISSUED_ON.value, [])}
        numbers = {v.item: v.value for v in report.fields.get(FieldName.REPORT_NUMBER.value, [])}
        assert sorted(numbers.values()) == sorted(printed)
        for item, number in numbers.items():
            assert issued[item] == printed[number]["issued_on"]
        pages = [v.page for v in report.fields.get(FieldName.REPORT_PAGE.value, [])]
        assert pages == [p["page"] for p in truth["pages"] if p["test_report"]]


@pytest.mark.slow
def test_type_size_and_paper_are_measured(checked: dict[int, tuple[Report, dict]]) -> None:
    for report, truth in checked.values():
        body = truth["style"]["body_pt"]
        measured = [
            p.text_height_px / p.dpi * 72
            for p in report.pages
            if p.text_height_px and p.doc_type == "formula"
        ]
        assert measured and all(abs(pt - body) < 0.6 for pt in measured), (body, measured)
        assert {f.status for f in report.findings if f.rule == "dossier.paper_format"} == {Status.PASS}
        assert (
            report.submission.submitted_on is not None and report.submission.submitted_on <= dt.date.today()
        )
