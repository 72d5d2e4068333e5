"""Targeted reading, in one place: which pages are read whole, which by title zone and names pass.

Moved unchanged from the former ``pipeline.py``; ``_reading`` and ``_needs_full_read`` are the
whole policy (with ``TITLE_ZONE`` and ``PROSE_PAGES``), so changing it means changing this module.
"""

from __future__ import annotations

import importlib.metadata
from typing import Any

from filingcheck.extract import classify_page
from filingcheck.models import DocType, EngineInfo, PageImage, PageOcr, PageReading, Seal, UprightPage
from filingcheck.ocr import ink_share, prepare_page, read_page, turn_upright
from filingcheck.ocr.margins import name_bands, read_bands
from filingcheck.ocr.read import PREPROCESSING, reading_order, zone_cut
from filingcheck.pipeline.settings import Mode, PipelineSettings
from filingcheck.store.ocr_cache import FileOcrCache, reading_key

TITLE_ZONE = 0.22
SPARSE_INK = 0.009
PROSE_LINE_CHARS = 15
# Pages no rule reads word for word: targeted mode reads their title zone and the bands where
# names live (footer, signature blocks by seals), not the body.
PROSE_PAGES = {
    DocType.OTHER_TEXT,
    DocType.PRODUCTION_PROCESS,
    DocType.QUALITY_STANDARD,
    DocType.LABEL_INSTRUCTIONS,
    DocType.PATENT_GUARANTEE,
    DocType.TRADEMARK_CERTIFICATE,
}


def _reading(
    page: PageImage, engine: Any, seals: list[Seal], settings: PipelineSettings
) -> tuple[PageReading, UprightPage]:
    """Turn the page upright and read it, fully or (targeted mode) its title zone first.

    Targeted mode reads the whole page only where a rule may need its words: pages that carry
    fields, pages whose class is unsure, and sparse pages that may be cover sheets. The
    reading is cached by page image and engine, so a re-check never OCRs a page again.
    """
    if page.text_layer is not None:
        return _text_layer_reading(page), turn_upright(page, 0, 0.0)
    cached = cached_reading(page.digest, page.page, engine, settings)
    if cached is not None:
        upright = turn_upright(page, cached.rotation, cached.skew, cached.rotation_confidence, cached.notes)
        return cached, upright
    cache = FileOcrCache(settings.cache_dir) if settings.cache_dir else None
    upright = prepare_page(page, engine, settings.prepare)
    ocr = None
    if settings.mode == Mode.TARGETED:
        title = read_page(upright, engine, seals, zone=TITLE_ZONE)
        if not _needs_full_read(title, upright):
            ocr = _with_name_bands(title, upright, engine, seals)
    full = ocr is None
    if ocr is None:
        ocr = read_page(upright, engine, seals)
    reading = PageReading(
        rotation=upright.rotation,
        skew=upright.skew,
        rotation_confidence=upright.rotation_confidence,
        notes=upright.notes,
        ocr=ocr,
        full=full,
    )
    if cache:
        cache.put(_reading_key(page.digest, engine, settings, full), reading)
    return reading, upright


def cached_reading(digest: str, page: int, engine: Any, settings: PipelineSettings) -> PageReading | None:
    """The cached reading of a page image (whole, or in targeted mode also its partial reading),
    numbered as page ``page``: the same scan may have been read at another place in another dossier."""
    if settings.cache_dir is None:
        return None
    cache = FileOcrCache(settings.cache_dir)
    found = cache.get(_reading_key(digest, engine, settings, full=True))
    if found is None and settings.mode == Mode.TARGETED:
        found = cache.get(_reading_key(digest, engine, settings, full=False))
    if found is None or found.ocr.page == page:
        return found
    return found.model_copy(update={"ocr": found.ocr.model_copy(update={"page": page})})


def _reading_key(digest: str, engine: Any, settings: PipelineSettings, full: bool) -> str:
    """Whole readings and targeted partial ones (title zone + names pass) are cached apart."""
    ocr = settings.ocr.reading_part()
    parts = (engine.info.name, engine.info.version, ocr, PREPROCESSING, repr(settings.prepare))
    return reading_key(digest, *parts, "full" if full else f"title{TITLE_ZONE}+names")


def _text_layer_reading(page: PageImage) -> PageReading:
    """A born-digital page: its text layer is the reading (exact characters, boxes in pixels)."""
    ocr = PageOcr(
        page=page.page,
        engine=EngineInfo(name="text_layer", version=importlib.metadata.version("pdfplumber")),
        width=page.width,
        height=page.height,
        lines=list(page.text_layer or []),
    )
    return PageReading(rotation=0, skew=0.0, ocr=ocr, full=True)


def _with_name_bands(title: PageOcr, upright: UprightPage, engine: Any, seals: list[Seal]) -> PageOcr:
    """A prose page's title zone plus its fast names pass (footer, signature blocks by seals)."""
    bands = name_bands(upright, seals, below=zone_cut(upright.image, TITLE_ZONE))
    lines = title.lines + read_bands(upright, engine, seals, bands)
    lines.sort(key=reading_order)
    engine_info = title.engine.model_copy(update={"preprocessing": f"{title.engine.preprocessing}+names"})
    return title.model_copy(update={"lines": lines, "engine": engine_info})


def _needs_full_read(title: PageOcr, upright: UprightPage) -> bool:
    """Whether a page whose title zone was read must be read whole (targeted mode).

    A page is skipped only on positive evidence that it is prose: a known prose title, or
    several long text lines up top on a page with enough ink. Anything unsure is read whole.
    """
    found = classify_page(title)
    if found.doc_type not in PROSE_PAGES:
        return True
    long_lines = sum(1 for line in title.lines if len(line.text) >= PROSE_LINE_CHARS)
    if found.doc_type == DocType.OTHER_TEXT:
        return long_lines < 3 or ink_share(upright) < SPARSE_INK
    return found.confidence < 0.7
