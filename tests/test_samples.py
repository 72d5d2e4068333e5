"""The sample dossier generator: deterministic, A4, seals boxed on their ink, defects planted and recorded."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pytest

from filingcheck.models.uscc import is_valid
from filingcheck.samples import DEFECTS, ScanLevel, generate_dossier, generate_many

EXEMPT = {"application_form", "test_report"}
PLANTED = (
    "applicant.matches_licence",
    "consistency.electronic:acceptance_number",
    "consistency.internal",
    "formula.per_1000_units",
    "licence.term_valid",
    "licence.uscc_checksum",
    "seal.every_page",
    "test_report.seals",
    "test_report.validity",
)


def _images(pdf_path: Path) -> list[np.ndarray]:
    """The embedded scan of each page, as stored (no re-rendering)."""
    pdf = pdfium.PdfDocument(pdf_path)
    out = []
    for page in pdf:
        images = [o for o in page.get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
        assert len(images) == 1
        out.append(np.asarray(images[0].get_bitmap(render=False).to_pil().convert("RGB")))
    return out


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("clean")
    return folder, generate_dossier(folder, 3, dpi=150)


@pytest.fixture(scope="module")
def defective(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("defective")
    truth = generate_dossier(folder, 11, defects=PLANTED, dpi=150, scan=ScanLevel.HARD, rotate_pages=True)
    return folder, truth


def test_same_seed_gives_same_truth_and_pixels(clean: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    folder, truth = clean
    again = generate_dossier(tmp_path, 3, dpi=150)
    assert again == truth
    assert json.loads((folder / "truth.json").read_text(encoding="utf-8")) == truth
    for a, b in zip(_images(folder / "paper.pdf"), _images(tmp_path / "paper.pdf"), strict=True):
        assert np.array_equal(a, b)


def test_bundle_files(clean: tuple[Path, dict[str, Any]]) -> None:
    folder, truth = clean
    submission = json.loads((folder / "submission.json").read_text(encoding="utf-8"))
    assert submission == truth["submission"]
    assert submission["application_type"] == "domestic_new"
    dt.date.fromisoformat(submission["submitted_on"])
    assert 7 <= len(truth["pages"]) <= 12
    assert truth["pages"][0]["doc_type"] == "table_of_contents"


@pytest.mark.parametrize("which", ["clean", "defective"])
def test_pages_are_a4(which: str, request: pytest.FixtureRequest) -> None:
    folder, truth = request.getfixturevalue(which)
    pdf = pdfium.PdfDocument(folder / "paper.pdf")
    assert len(pdf) == len(truth["pages"])
    for page, info in zip(pdf, truth["pages"], strict=True):
        w_mm, h_mm = (v / 72 * 25.4 for v in page.get_size())
        if info["rotation"] in (90, 270):
            w_mm, h_mm = h_mm, w_mm
        assert abs(w_mm - 210) < 1 and abs(h_mm - 297) < 1


def _iou(a: list[int], b: list[int]) -> float:
    w = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1])
    return w * h / (area - w * h)


@pytest.mark.parametrize("which", ["clean", "defective"])
def test_seal_boxes_sit_on_red_ink(which: str, request: pytest.FixtureRequest) -> None:
    folder, truth = request.getfixturevalue(which)
    checked = 0
    for img, page in zip(_images(folder / "paper.pdf"), truth["pages"], strict=True):
        h, w = img.shape[:2]
        redness = img[..., 0].astype(int) - np.maximum(img[..., 1], img[..., 2]).astype(int)
        for seal in page["seals"]:
            x0, y0, x1, y1 = seal["bbox"]
            assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h
            if seal["ink"] != "red":
                continue
            m = 20
            grown = [max(0, x0 - m), max(0, y0 - m), min(w, x1 + m), min(h, y1 + m)]
            if any(_iou(grown, o["bbox"]) > 0 for o in page["seals"] if o is not seal):
                continue  # two impressions overlap: their ink cannot be told apart here
            ys, xs = np.nonzero(redness[grown[1] : grown[3], grown[0] : grown[2]] > 45)
            ink = [xs.min() + grown[0], ys.min() + grown[1], xs.max() + 1 + grown[0], ys.max() + 1 + grown[1]]
            assert _iou(ink, seal["bbox"]) >= 0.8, (page["page"], seal)
            checked += 1
    assert checked >= 5


def test_clean_dossier_is_consistent(clean: tuple[Path, dict[str, Any]]) -> None:
    _, truth = clean
    f = truth["fields"]
    assert is_valid(f["uscc"])
    assert f["licence_name"] == f["applicant_name"] and f["licence_address"] == f["applicant_address"]
    assert truth["defects"] == []
    assert {k: f[k] for k in truth["electronic_fields"]} == truth["electronic_fields"]
    for page in truth["pages"]:
        if page["doc_type"] not in EXEMPT:
            assert page["has_applicant_seal"], page
        for seal in page["seals"]:
            if seal["owner"] == "applicant" and seal["kind"] != "square":
                assert seal["text"] == f["applicant_name"]
    reports = [p for p in truth["pages"] if p["doc_type"] == "test_report"]
    assert reports and all(p["test_report"]["number"] for p in reports)
    assert any(s["owner"] == "institution" for p in reports for s in p["seals"])


def _difference(a: str, b: str) -> tuple[str, str]:
    """What is left of two strings once their common head and tail are cut off."""
    head = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return a[head : len(a) - tail], b[head : len(b) - tail]


def test_defects_are_planted_and_recorded(defective: tuple[Path, dict[str, Any]]) -> None:
    _, truth = defective
    f = truth["fields"]
    recorded = {(d["rule"], d["variant"]): d for d in truth["defects"]}
    assert {r + (":" + v if v else "") for r, v in recorded} == set(PLANTED)
    assert all(d["pages"] for d in truth["defects"])
    submitted = dt.date.fromisoformat(truth["submission"]["submitted_on"])

    assert not is_valid(f["uscc"]) and is_valid(recorded["licence.uscc_checksum", None]["expected"])
    name, licence = f["applicant_name"], f["licence_name"]
    assert name != licence
    assert len(_difference(name, licence)[0]) <= 2 and len(_difference(name, licence)[1]) <= 2
    electronic = recorded["consistency.electronic", "acceptance_number"]
    assert truth["electronic_fields"]["acceptance_number"] == electronic["found"] != f["acceptance_number"]
    assert {line["unit"] for line in f["formula"]} == {"%"}
    assert not f["licence_term"].endswith("长期")
    assert dt.date.fromisoformat(f["licence_term"].split("/")[1]) < submitted

    pages = {p["page"]: p for p in truth["pages"]}
    (bare,) = recorded["seal.every_page", None]["pages"]
    assert pages[bare]["seals"] == [] and pages[bare]["doc_type"] not in EXEMPT
    (cover,) = recorded["consistency.internal", None]["pages"]
    assert pages[cover]["doc_type"] == "cover_sheet"
    old = recorded["test_report.validity", None]
    issued = {pages[p]["test_report"]["issued_on"] for p in old["pages"]}
    assert issued == {old["found"]}
    assert (submitted - dt.date.fromisoformat(old["found"])).days > 5 * 365
    unsealed = recorded["test_report.seals", None]["pages"]
    assert len(unsealed) == 2 and pages[unsealed[1]]["seals"] == []


def test_electronic_pdf_round_trips(defective: tuple[Path, dict[str, Any]]) -> None:
    folder, truth = defective
    expected = truth["electronic_fields"]
    with pdfplumber.open(folder / "electronic.pdf") as pdf:
        form = pdf.pages[0].extract_tables()[0]
        formula = pdf.pages[1].extract_tables()[0]
        text = pdf.pages[1].extract_text()
    labels = {
        "产品名称": "product_name",
        "申请人名称": "applicant_name",
        "申请人地址": "applicant_address",
        "法定代表人": "legal_representative",
        "试制单位名称": "trial_unit_name",
        "试制单位地址": "trial_unit_address",
        "试验单位名称": "test_unit_name",
        "受理编号": "acceptance_number",
        "申请类别": "application_type",
    }
    assert {labels[label]: value for label, value in form} == {k: expected[k] for k in labels.values()}
    assert formula[0] == ["原料名称", "用量", "单位"]
    assert formula[1:] == [[x["ingredient"], x["amount"], x["unit"]] for x in expected["formula"]]
    assert expected["formula"][0]["basis"] in text


def test_rotated_pages_are_recorded(defective: tuple[Path, dict[str, Any]]) -> None:
    folder, truth = defective
    turned = [p for p in truth["pages"] if p["rotation"]]
    assert turned and all(p["rotation"] in (90, 180, 270) for p in turned)
    for img, page in zip(_images(folder / "paper.pdf"), truth["pages"], strict=True):
        portrait = img.shape[0] > img.shape[1]
        assert portrait == (page["rotation"] in (0, 180))
        assert abs(page["skew"]) <= 2.0


def test_full_profile_hits_the_page_target(tmp_path: Path) -> None:
    truth = generate_dossier(tmp_path, 5, profile="full", n_pages=24, dpi=72, scan="clean", grey=True)
    assert len(truth["pages"]) == 24
    covers = [p for p in truth["pages"] if p["doc_type"] == "cover_sheet"]
    assert covers and all(p["item"] for p in covers)
    assert all(s["ink"] == "grey" for p in truth["pages"] for s in p["seals"])
    assert all(p["skew"] == 0 for p in truth["pages"])


def test_generate_many_varies_defects(tmp_path: Path) -> None:
    paths = generate_many(tmp_path, 3, 20, vary_defects=True, dpi=50, scan="clean")
    assert [p.name for p in paths] == ["dossier_000", "dossier_001", "dossier_002"]
    for p in paths:
        truth = json.loads((p / "truth.json").read_text(encoding="utf-8"))
        assert all(d["rule"] in {k.split(":")[0] for k in DEFECTS} for d in truth["defects"])


def test_defect_ids_are_rule_ids_and_unknown_ones_are_refused(tmp_path: Path) -> None:
    for defect_id in DEFECTS:
        rule = defect_id.split(":")[0]
        assert rule.count(".") == 1 and rule == rule.lower()
    with pytest.raises(ValueError, match="known"):
        generate_dossier(tmp_path, 1, defects=["no.such_rule"])
