"""The command line keeps its exit codes: 2 for usage, 4 for unreadable input; ocr prints lines."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
from typer.testing import CliRunner

from filingcheck.cli import Exit, app
from tests.drawing import text_page

runner = CliRunner()


def test_usage_error_is_2() -> None:
    assert runner.invoke(app, ["check"]).exit_code == Exit.USAGE
    assert runner.invoke(app, ["check", "--no-such-option"]).exit_code == Exit.USAGE


def test_unreadable_input_is_4_with_a_clear_message(tmp_path: Path) -> None:
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"%PDF-1.7 truncated")
    result = runner.invoke(app, ["check", "--paper", str(bad)])
    assert result.exit_code == Exit.INPUT_ERROR
    assert "unreadable_pdf" in result.output
    assert "Traceback" not in result.output


def test_bundle_without_paper_is_4(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == Exit.INPUT_ERROR and "no_paper" in result.output


def test_ocr_prints_lines_with_boxes(tmp_path: Path) -> None:
    image = tmp_path / "line.png"
    cv2.imwrite(str(image), text_page(["申请人名称：北京康元生物科技有限公司"], size=40))
    result = runner.invoke(app, ["ocr", str(image), "--json"])
    assert result.exit_code == 0, result.output
    pages = json.loads(result.stdout)
    texts = [ln["text"] for ln in pages[0]["lines"]]
    assert any("北京康元生物科技有限公司" in t for t in texts)
    assert all(len(ln["bbox"]) == 4 for ln in pages[0]["lines"])
    assert pages[0]["engine"]["name"] == "rapidocr"


def test_unknown_engine_is_a_usage_error(tmp_path: Path) -> None:
    image = tmp_path / "line.png"
    cv2.imwrite(str(image), text_page(["测试"], size=40))
    result = runner.invoke(app, ["ocr", str(image), "--engine", "nope"])
    assert result.exit_code == Exit.USAGE and "rapidocr" in result.output
