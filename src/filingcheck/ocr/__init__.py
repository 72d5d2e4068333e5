"""OCR and seals: rasterise, turn upright, read text and find seals (imports only models)."""

from filingcheck.ocr.engines import (
    LineScorer,
    OcrEngine,
    OcrSettings,
    UnknownEngineError,
    build_engine,
    engine_names,
)
from filingcheck.ocr.prepare import PrepareSettings, is_colour, prepare_page, turn_upright
from filingcheck.ocr.raster import RasterSettings, count_pages, load_page, load_pages, page_size_mm
from filingcheck.ocr.read import ink_share, read_page
from filingcheck.ocr.seal_support import EngineSealScorer
from filingcheck.ocr.second_read import EngineBoxReader

__all__ = [
    "EngineBoxReader",
    "EngineSealScorer",
    "LineScorer",
    "OcrEngine",
    "OcrSettings",
    "PrepareSettings",
    "RasterSettings",
    "UnknownEngineError",
    "build_engine",
    "count_pages",
    "engine_names",
    "ink_share",
    "is_colour",
    "load_page",
    "load_pages",
    "page_size_mm",
    "prepare_page",
    "read_page",
    "turn_upright",
]
