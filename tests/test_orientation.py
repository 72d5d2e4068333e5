"""Pages scanned sideways, upside down and skewed are turned upright, with the angle recorded."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from filingcheck.models import BBox, PageImage
from filingcheck.ocr import PrepareSettings, prepare_page
from tests.drawing import text_page

TURN_TO_SCAN = {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE}


PROSE = (
    "申报资料首页为申报资料项目目录，目录中申报资料项目按保健食品注册申请表中所附资料顺序排列。每项资料加封页，"
    "封页上注明产品名称、申请人名称，右上角注明该项资料名称。各项资料之间应当使用明显的区分标志，并标明各项资料"
    "名称或该项资料所在目录中的序号。整套资料用打孔夹装订成册。申报资料使用A4规格纸张打印，内容应完整、清楚，"
    "不得涂改。申请人名称、地址应与营业执照中单位名称、地址完全一致，并与印章一致。"
) * 2


@pytest.fixture(scope="module")
def upright_page() -> np.ndarray:
    return text_page([PROSE[i * 36 : (i + 1) * 36] for i in range(16)], size=34)


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_rotation_is_found(rapid, upright_page: np.ndarray, rotation: int) -> None:
    scan = upright_page if rotation == 0 else cv2.rotate(upright_page, TURN_TO_SCAN[rotation])
    result = prepare_page(PageImage(page=1, image=scan, dpi=200, source="t"), rapid, PrepareSettings())
    assert result.rotation == rotation
    assert result.image.shape[:2] == upright_page.shape[:2]
    # A box on the upright page maps back onto the same ink on the scan.
    box = BBox.of(150, 150, 600, 190)
    on_scan = result.to_upright.inverse().map_box(box)
    assert (255 - scan[on_scan.y0 : on_scan.y1, on_scan.x0 : on_scan.x1]).mean() > 5


def test_skew_is_measured(rapid, upright_page: np.ndarray) -> None:
    h, w = upright_page.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), 1.5, 1.0)
    skewed = cv2.warpAffine(upright_page, m, (w, h), borderValue=(255, 255, 255))
    result = prepare_page(PageImage(page=1, image=skewed, dpi=200, source="t"), rapid, PrepareSettings())
    assert result.rotation == 0
    assert abs(result.skew + 1.5) <= 0.3


@pytest.mark.parametrize("rotation", [0, 180])
def test_the_upside_down_vote_does_not_depend_on_the_text_engine(
    rapid, tesseract, upright_page: np.ndarray, rotation: int
) -> None:
    """The vote is PP-OCR's whatever engine reads the text (its confidences separate upright from
    upside down more sharply), so a page read with Tesseract is turned, and trusted, the same way."""
    scan = upright_page if rotation == 0 else cv2.rotate(upright_page, TURN_TO_SCAN[rotation])
    page = PageImage(page=1, image=scan, dpi=200, source="t")
    with_tesseract = prepare_page(page, tesseract, PrepareSettings())
    with_rapid = prepare_page(page, rapid, PrepareSettings())
    assert with_tesseract.rotation == rotation
    assert with_tesseract.rotation_confidence == with_rapid.rotation_confidence


@pytest.fixture(scope="module")
def licence_scan(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    """A generated business licence: guilloche frame, emblem, spaced title and spaced labels in a
    column — an ink profile that looked sideways to the profile alone (turned 270° before)."""
    import json

    from filingcheck.ocr import load_pages
    from filingcheck.samples import generate_dossier

    folder = tmp_path_factory.mktemp("licence")
    generate_dossier(folder, 7000, dpi=150, scan="clean", profile="compact")
    pages = json.loads((folder / "truth.json").read_text(encoding="utf-8"))["pages"]
    number = next(i + 1 for i, p in enumerate(pages) if p["doc_type"] == "business_licence")
    return next(p.image for p in load_pages(folder / "paper.pdf") if p.page == number)


@pytest.mark.parametrize("rotation", [0, 90])
def test_a_framed_licence_is_never_turned_the_wrong_way(
    rapid, licence_scan: np.ndarray, rotation: int
) -> None:
    scan = licence_scan if rotation == 0 else cv2.rotate(licence_scan, TURN_TO_SCAN[rotation])
    result = prepare_page(PageImage(page=1, image=scan, dpi=150, source="t"), rapid, PrepareSettings())
    # Either turned right, or left as scanned and said so; never a confident wrong turn.
    assert result.rotation == rotation or (
        result.rotation == 0 and any(n.startswith("orientation_uncertain") for n in result.notes)
    )


@pytest.mark.parametrize("rotation", [90, 180])
def test_tesseract_osd_gives_the_same_turn_as_ours(upright_page: np.ndarray, rotation: int) -> None:
    """The second opinion asked on unsure pages: its turn means what ours means (clockwise)."""
    from filingcheck.ocr.orientation import osd_rotation

    scan = cv2.rotate(upright_page, TURN_TO_SCAN[rotation])
    assert osd_rotation(cv2.cvtColor(scan, cv2.COLOR_BGR2GRAY)) == rotation
