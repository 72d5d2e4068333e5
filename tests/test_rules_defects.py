"""Generator defects for the rules that had only unit tests: contents order, paper and type size,
resubmission. Each is planted as recorded (fast), and its rule fails on it through the real pipeline
(slow: real OCR on generated compact dossiers)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from filingcheck.models import Report, Status, Submission
from filingcheck.samples import DEFECTS, generate_dossier, vocab

NEW = (
    "licence.matches_certificate",
    "licence.matches_certificate:address",
    "dossier.joint_recommendation",
    "dossier.table_of_contents",
    "dossier.paper_format",
    "dossier.paper_format:paper",
    "dossier.resubmission",
    "test_report.consistency",
)
# Two dossiers: the type-size defect shrinks every page's text, so it goes alone.
DOSSIERS = {
    411: [
        "dossier.joint_recommendation",
        "dossier.paper_format:paper",
        "dossier.resubmission",
        "dossier.table_of_contents",
    ],
    412: ["dossier.paper_format"],
    413: ["licence.matches_certificate", "test_report.consistency"],
}


def test_the_new_defects_are_known_ids() -> None:
    assert set(NEW) <= set(DEFECTS)


def test_contents_swap_and_resubmission_are_planted_as_recorded(tmp_path: Path) -> None:
    truth = generate_dossier(
        tmp_path, 5, defects=["dossier.table_of_contents", "dossier.resubmission"], dpi=100
    )
    by_rule = {d["rule"]: d for d in truth["defects"]}
    toc, resub = by_rule["dossier.table_of_contents"], by_rule["dossier.resubmission"]
    assert toc["pages"] == [1] and " before " in toc["found"]
    first, second = toc["found"].split(" before ")
    numbers = [n for n, _, _ in vocab.ITEMS]
    assert numbers.index(int(first.split("．")[0])) == numbers.index(int(second.split("．")[0])) + 1
    assert json.loads((tmp_path / "submission.json").read_text("utf-8"))["resubmission"] is True
    assert truth["submission"]["resubmission"] is True and resub["rule"] == "dossier.resubmission"


def test_joint_applicants_are_written_into_the_form(tmp_path: Path) -> None:
    truth = generate_dossier(tmp_path, 9, defects=["dossier.joint_recommendation"], dpi=100)
    (defect,) = truth["defects"]
    first, second = truth["fields"]["applicant_name"].split("、")
    assert first != second and second.endswith("公司") and first == truth["fields"]["licence_name"]
    assert truth["electronic_fields"]["applicant_name"] == defect["found"] == f"{first}、{second}"
    assert defect["pages"] and all(
        truth["pages"][p - 1]["doc_type"] == "application_form" for p in defect["pages"]
    )


@pytest.mark.parametrize("variant", ["", ":address"])
def test_a_certificate_defect_makes_a_change_application_whose_certificate_differs(
    tmp_path: Path, variant: str
) -> None:
    truth = generate_dossier(tmp_path, 10, defects=[f"licence.matches_certificate{variant}"], dpi=100)
    (defect,) = truth["defects"]
    assert truth["submission"]["application_type"] == "domestic_change"
    kinds = [p["doc_type"] for p in truth["pages"]]
    assert kinds.index("approval_certificate") == kinds.index("business_licence") + 1
    licence = truth["fields"]["licence_address" if variant else "licence_name"]
    assert defect["found"] == licence and defect["expected"] != licence
    assert set(defect["pages"]) == {
        kinds.index("approval_certificate") + 1,
        kinds.index("business_licence") + 1,
    }


def test_a_clean_change_application_carries_a_matching_certificate(tmp_path: Path) -> None:
    truth = generate_dossier(tmp_path, 10, dpi=100, application_type="domestic_change")
    assert truth["submission"]["application_type"] == "domestic_change" and not truth["defects"]
    assert "approval_certificate" in [p["doc_type"] for p in truth["pages"]]
    with pytest.raises(ValueError, match="application_type"):
        generate_dossier(tmp_path / "x", 10, dpi=100, application_type="import_new")


def test_a_report_consistency_defect_changes_the_report_pages_only(tmp_path: Path) -> None:
    truth = generate_dossier(tmp_path, 12, defects=["test_report.consistency:manufacturer"], dpi=100)
    (defect,) = truth["defects"]
    assert defect["variant"] == "manufacturer" and defect["expected"] != defect["found"]
    pages = [p for p in truth["pages"] if p["page"] in defect["pages"]]
    assert pages and all(p["doc_type"] == "test_report" for p in pages)
    assert all(p["test_report"]["manufacturer"] == defect["found"] for p in pages)
    # Without the defect the same report prints the expected value (its application form always does).
    clean = generate_dossier(tmp_path / "clean", 12, dpi=100)
    same = [p for p in clean["pages"] if p["page"] == pages[0]["page"]]
    assert same[0]["test_report"]["manufacturer"] == defect["expected"]


def test_paper_variant_puts_the_formula_page_on_another_size(tmp_path: Path) -> None:
    truth = generate_dossier(tmp_path, 6, defects=["dossier.paper_format:paper"], dpi=100)
    (defect,) = truth["defects"]
    (odd,) = defect["pages"]
    assert truth["pages"][odd - 1]["doc_type"] == "formula"
    with pdfplumber.open(tmp_path / "paper.pdf") as pdf:
        sizes = [(round(p.width / 72 * 25.4), round(p.height / 72 * 25.4)) for p in pdf.pages]
    assert sizes[odd - 1] in {(176, 250), (216, 279)}
    assert all(s == (210, 297) for i, s in enumerate(sizes) if i != odd - 1)
    w, h = sizes[odd - 1]
    for seal in truth["pages"][odd - 1]["seals"]:  # boxes moved with the shrunk page
        x0, y0, x1, y1 = seal["bbox"]
        assert 0 <= x0 < x1 <= w / 25.4 * 100 + 1 and 0 <= y0 < y1 <= h / 25.4 * 100 + 1


def test_type_size_variant_sets_small_body_text(tmp_path: Path) -> None:
    truth = generate_dossier(tmp_path, 7, defects=["dossier.paper_format"], dpi=100)
    assert truth["style"]["body_pt"] in (9.0, 9.5, 10.0)
    assert truth["defects"][0]["found"] == f"{truth['style']['body_pt']:g} pt"


def test_a_defect_seed_changes_only_the_defect(tmp_path: Path) -> None:
    a = generate_dossier(tmp_path / "a", 8, defects=["applicant.matches_licence"], dpi=100, defect_seed=1)
    b = generate_dossier(tmp_path / "b", 8, defects=["applicant.matches_licence"], dpi=100, defect_seed=2)
    c = generate_dossier(tmp_path / "c", 8, dpi=100)
    assert a["fields"]["applicant_name"] == b["fields"]["applicant_name"] == c["fields"]["applicant_name"]
    assert {a["fields"]["licence_name"], b["fields"]["licence_name"]} != {c["fields"]["licence_name"]}
    assert a["style"] == b["style"] == c["style"]


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Report, dict[str, Any]]]:
    from filingcheck.pipeline import Inputs, process_submission

    out = {}
    for seed, defects in DOSSIERS.items():
        folder = tmp_path_factory.mktemp(f"defects{seed}")
        truth = generate_dossier(folder, seed, defects=defects, dpi=150, scan="mild")
        submission = Submission.model_validate_json((folder / "submission.json").read_text(encoding="utf-8"))
        inputs = Inputs(
            paper=[folder / "paper.pdf"], electronic=folder / "electronic.pdf", submission=submission
        )
        out[seed] = (process_submission(inputs).report, truth)
    return out


def _fails(report: Report, rule: str, field: str) -> list[str]:
    return [
        f"{f.pages}: {f.message}"
        for f in report.findings
        if f.rule == rule and f.field == field and f.status == Status.FAIL
    ]


@pytest.mark.slow
def test_swapped_contents_fail_the_order(checked: dict[int, tuple[Report, dict[str, Any]]]) -> None:
    report = checked[411][0]
    assert _fails(report, "dossier.table_of_contents", "order"), [
        f"{f.status} {f.field}: {f.message}" for f in report.findings if f.rule == "dossier.table_of_contents"
    ]


@pytest.mark.slow
def test_a_page_on_other_paper_fails_on_that_page(checked: dict[int, tuple[Report, dict[str, Any]]]) -> None:
    report, truth = checked[411]
    (odd,) = next(d["pages"] for d in truth["defects"] if d["variant"] == "paper")
    fails = [
        f
        for f in report.findings
        if f.rule == "dossier.paper_format" and f.field == "paper_size" and f.status == Status.FAIL
    ]
    assert fails and fails[0].pages == [odd], [
        f.message for f in report.findings if f.rule == "dossier.paper_format"
    ]


@pytest.mark.slow
def test_a_repeated_application_without_notice_fails(
    checked: dict[int, tuple[Report, dict[str, Any]]],
) -> None:
    report, _ = checked[411]
    assert report.submission.resubmission is True
    assert _fails(report, "dossier.resubmission", "resubmission")


@pytest.mark.slow
def test_joint_application_without_letter_fails(checked: dict[int, tuple[Report, dict[str, Any]]]) -> None:
    report, truth = checked[411]
    fails = _fails(report, "dossier.joint_recommendation", "applicant_name")
    assert fails, [
        f"{f.status} {f.message}" for f in report.findings if f.rule == "dossier.joint_recommendation"
    ]
    form_pages = {p["page"] for p in truth["pages"] if p["doc_type"] == "application_form"}
    assert any(set(f.pages) & form_pages for f in report.findings if f.rule == "dossier.joint_recommendation")


@pytest.mark.slow
def test_a_certificate_naming_the_holder_differently_fails(
    checked: dict[int, tuple[Report, dict[str, Any]]],
) -> None:
    report = checked[413][0]
    fails = _fails(report, "licence.matches_certificate", "licence_name")
    assert fails, [
        f"{f.status} {f.field}: {f.message}"
        for f in report.findings
        if f.rule == "licence.matches_certificate"
    ]
    # The address agrees on both.
    assert not _fails(report, "licence.matches_certificate", "licence_address")


@pytest.mark.slow
def test_small_type_fails(checked: dict[int, tuple[Report, dict[str, Any]]]) -> None:
    report, truth = checked[412]
    assert _fails(report, "dossier.paper_format", "type_size"), (
        truth["style"]["body_pt"],
        [f"{f.status} {f.field}: {f.message}" for f in report.findings if f.rule == "dossier.paper_format"],
    )
    # Clean elsewhere: the page sizes still pass.
    assert not _fails(report, "dossier.paper_format", "paper_size")


@pytest.mark.slow
def test_a_report_naming_another_submitter_fails(checked: dict[int, tuple[Report, dict[str, Any]]]) -> None:
    report, truth = checked[413]
    defect = next(d for d in truth["defects"] if d["rule"] == "test_report.consistency")
    fails = [
        f
        for f in report.findings
        if f.rule == "test_report.consistency" and f.field == defect["field"] and f.status == Status.FAIL
    ]
    assert fails, [
        f"{f.status} {f.field}: {f.message}" for f in report.findings if f.rule == "test_report.consistency"
    ]
    assert set(defect["pages"]) <= set(fails[0].pages)
    assert fails[0].found == defect["found"]
