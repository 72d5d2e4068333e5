"""Targeted mode reads prose pages' title zone only; readings are cached; text layers are used."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from fpdf import FPDF
from PIL import Image

from filingcheck.models import DocType, TextSource
from filingcheck.pipeline import Inputs, Mode, PipelineSettings, dossier, process_submission
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


def test_cache_gives_the_same_reading_without_ocr(
    scan_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = PipelineSettings(mode=Mode.FULL, cache_dir=tmp_path / "cache", second_engine=None)
    first = process_submission(Inputs(paper=[scan_pdf]), settings).report
    entries = list((tmp_path / "cache").rglob("*.json"))
    assert len(entries) == 6  # per page: its reading, its seals (with their text) and its facts

    # The same file again: every page comes from the cache, so not one is even decoded.
    def no_decoding(*args: object, **kwargs: object) -> None:
        raise AssertionError("a page was decoded")

    monkeypatch.setattr(dossier, "load_pages", no_decoding)
    second = process_submission(Inputs(paper=[scan_pdf]), settings).report
    assert second.fields == first.fields
    assert second.pages == first.pages
    assert second.seals == first.seals
    assert second.timings["ocr_and_seals"] < first.timings["ocr_and_seals"]


def test_a_cached_scan_at_another_place_in_a_dossier_keeps_its_own_page_numbers(
    scan_pdf: Path, tmp_path: Path
) -> None:
    """The cache is shared by every dossier: a scan read as pages 1–2 of one dossier and found
    again as pages 3–4 of another must name pages 3–4 in the second one's fields and seals."""
    settings = PipelineSettings(mode=Mode.FULL, cache_dir=tmp_path / "cache", second_engine=None)
    alone = process_submission(Inputs(paper=[scan_pdf]), settings).report
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(scan_pdf.read_bytes())
    both = process_submission(Inputs(paper=[scan_pdf, copy]), settings).report
    assert [p.page for p in both.pages] == [1, 2, 3, 4]
    assert [(p.source, p.file_page) for p in both.pages[2:]] == [("copy.pdf", 1), ("copy.pdf", 2)]
    pages_of_names = {v.page for v in both.fields["applicant_name"]}
    assert {1, 3} <= pages_of_names
    assert sorted(s.page for s in both.seals) == sorted(
        [s.page for s in alone.seals] + [s.page + 2 for s in alone.seals]
    )


def test_upright_pages_from_the_cache_are_rebuilt_from_their_scan_on_first_use(scan_pdf: Path) -> None:
    from filingcheck.models import EngineInfo, PageOcr, PageReading
    from filingcheck.ocr import RasterSettings, load_page

    pages = dossier.UprightPages(RasterSettings())
    ocr = PageOcr(page=2, engine=EngineInfo(name="rapidocr", version="x"), width=1, height=1)
    pages.defer(2, scan_pdf, 2, PageReading(rotation=90, skew=0.0, ocr=ocr))
    assert list(pages) == [2] and len(pages) == 1 and pages.get(1) is None
    scan = load_page(scan_pdf, 2, 2)
    upright = pages[2]
    assert upright.rotation == 90 and upright.page == 2
    assert upright.image.shape[:2] == (scan.width, scan.height)


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
