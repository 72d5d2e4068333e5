"""OCR and seals: rasterise, turn upright, read text and find seals (imports only models)."""

from filingcheck.ocr.engines import OcrEngine, OcrSettings, UnknownEngineError, build_engine, engine_names
from filingcheck.ocr.prepare import PrepareSettings, is_colour, prepare_page
from filingcheck.ocr.raster import RasterSettings, count_pages, load_page, load_pages, page_size_mm
from filingcheck.ocr.read import read_page
from filingcheck.ocr.second_read import EngineBoxReader

__all__ = [
    "EngineBoxReader",
    "OcrEngine",
    "OcrSettings",
    "PrepareSettings",
    "RasterSettings",
    "UnknownEngineError",
    "build_engine",
    "count_pages",
    "engine_names",
    "is_colour",
    "load_page",
    "load_pages",
    "page_size_mm",
    "prepare_page",
    "read_page",
]
