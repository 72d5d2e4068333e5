"""Targeted mode reads prose pages' title zone only; readings are cached; text layers are used."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from fpdf import FPDF
from PIL import Image

from filingcheck.models import DocType, TextSource
from filingcheck.pipeline import Inputs, Mode, PipelineSettings, process_submission
from tests.drawing import form_page, text_page
from tests.test_extract import FORM
from tests.test_orientation import PROSE

DROID = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"


@pytest.fixture(scope="module")
def scan_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    form = form_page("保健食品注册申请表", FORM)
    prose = text_page(["生产工艺说明"] + [PROSE[i * 36 : (i + 1) * 36] for i in range(30)], size=34)
    images = [Image.fromarray(np.ascontiguousarray(a[:, :, ::-1])) for a in (form, prose)]
    path = tmp_path_factory.mktemp("scan") / "paper.pdf"
    images[0].save(path, save_all=True, append_images=images[1:], resolution=200)
    return path


def test_targeted_reads_field_pages_whole_and_prose_by_title(scan_pdf: Path, tmp_path: Path) -> None:
    settings = PipelineSettings(mode=Mode.TARGETED, cache_dir=tmp_path / "cache", second_engine=None)
    report = process_submission(Inputs(paper=[scan_pdf]), settings).report
    form, prose = report.pages
    assert form.doc_type == DocType.APPLICATION_FORM and form.full_text
    assert not prose.full_text
    assert report.fields["applicant_name"][0].value == "北京康元生物科技有限公司"

    full = process_submission(
        Inputs(paper=[scan_pdf]), replace(settings, mode=Mode.FULL, cache_dir=None)
    ).report
    assert all(p.full_text for p in full.pages)


def test_cache_gives_the_same_reading_without_ocr(scan_pdf: Path, tmp_path: Path) -> None:
    settings = PipelineSettings(mode=Mode.FULL, cache_dir=tmp_path / "cache", second_engine=None)
    first = process_submission(Inputs(paper=[scan_pdf]), settings).report
    entries = list((tmp_path / "cache").rglob("*.json"))
    assert len(entries) == 4  # per page: its reading, and its seals (with their text) beside it
    second = process_submission(Inputs(paper=[scan_pdf]), settings).report
    assert second.fields == first.fields
    assert second.pages == first.pages
    assert second.timings["ocr_and_seals"] < first.timings["ocr_and_seals"]


def test_born_digital_pdf_page_uses_its_text_layer(tmp_path: Path) -> None:
    pdf = FPDF(format="A4")
    pdf.add_font("droid", fname=DROID)
    pdf.add_font("dejavu", fname="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_fallback_fonts(["dejavu"])
    pdf.set_font("droid", size=14)
    pdf.add_page()
    pdf.cell(text="保健食品注册申请表", new_x="LMARGIN", new_y="NEXT")
    for label, value in FORM:
        pdf.cell(50, 10, label, border=1)
        pdf.cell(130, 10, value, border=1, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "typed.pdf"
    pdf.output(str(path))
    report = process_submission(Inputs(paper=[path]), PipelineSettings(second_engine=None)).report
    assert report.pages[0].text_source == TextSource.TEXT_LAYER
    assert report.fields["product_name"][0].value == "康元牌辅酶Q10软胶囊"
    assert report.fields["product_name"][0].confidence == 1.0


def test_the_names_pass_reads_the_footer_of_a_prose_page_but_not_its_body(rapid) -> None:
    """Targeted mode skips the body of a prose page but reads the bands where names sit."""
    from filingcheck.models import PageImage
    from filingcheck.pipeline import read_one_page

    body = [PROSE[i * 36 : (i + 1) * 36] for i in range(20)]
    lines = ["生产工艺说明", *body[:12], "本页中部写有别的公司名称南方某某有限公司", *body[12:]]
    image = text_page(lines, size=34)
    footer = text_page(["申请人：北京康元生物科技有限公司"], size=34, top=2180)
    image = np.minimum(image, footer)
    page = PageImage(page=1, image=image, dpi=200, source="t")
    result, _, errors = read_one_page(page, rapid, PipelineSettings(mode=Mode.TARGETED, second_engine=None))
    assert not errors and result.ocr is not None and not result.info.full_text
    text = "".join(line.text for line in result.ocr.lines)
    assert "生产工艺说明" in text
    assert "北京康元生物科技有限公司" in text
    assert "南方某某有限公司" not in text
