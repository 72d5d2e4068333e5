"""Both OCR engines read real Chinese text lines; the registry names the engines it knows."""

from __future__ import annotations

import csv

import cv2
import pytest
from rapidfuzz.distance import Levenshtein

from filingcheck.models.normalize import normalise
from filingcheck.ocr.engines import UnknownEngineError, build_engine, engine_names
from tests.conftest import REALDATA, needs_realdata
from tests.drawing import text_page


def _labels() -> list[tuple[str, str]]:
    folder = REALDATA / "ocr_textlines/paddleocr_imgs_words_ch"
    with (folder / "labels.tsv").open(encoding="utf-8") as fh:
        return [
            (str(folder / r[0]), r[1])
            for r in csv.reader(fh, delimiter="\t")
            if len(r) == 2 and (folder / r[0]).exists()
        ]


def cer(read: str, truth: str) -> float:
    return Levenshtein.distance(normalise(read), normalise(truth)) / max(1, len(normalise(truth)))


@needs_realdata()
def test_rapidocr_reads_real_lines(rapid) -> None:
    errors = [
        cer((rapid.read_line(cv2.imread(path)) or type("x", (), {"text": ""})).text, text)
        for path, text in _labels()
    ]
    assert errors and sum(errors) / len(errors) <= 0.05


@needs_realdata()
def test_rapidocr_page_has_boxes_and_per_character_confidences(rapid) -> None:
    image = cv2.imread(str(REALDATA / "ocr_pages/cnocr_multiline_cn1/multi-line_cn1.png"))
    lines = rapid.read_page(image)
    truth = (REALDATA / "ocr_pages/cnocr_multiline_cn1/lines.txt").read_text(encoding="utf-8").split()
    assert cer("".join(ln.text for ln in lines), "".join(truth)) < 0.03
    first = lines[0]
    assert len(first.chars) == len(first.text)
    assert all(first.bbox.x0 - 2 <= c.bbox.x0 <= first.bbox.x1 + 2 for c in first.chars)
    assert " " not in first.text


def test_tesseract_reads_a_rendered_line(tesseract) -> None:
    image = text_page(["申请人名称北京康元生物科技有限公司"], size=44)[100:260, 100:1200]
    line = tesseract.read_line(image)
    assert line is not None and cer(line.text, "申请人名称北京康元生物科技有限公司") < 0.15
    assert tesseract.info.name == "tesseract" and tesseract.info.version


def test_unknown_engine_lists_known_ones() -> None:
    with pytest.raises(UnknownEngineError) as err:
        build_engine("nope")
    assert "rapidocr" in str(err.value) and "tesseract" in str(err.value)
    assert {"rapidocr", "tesseract"} <= set(engine_names())
