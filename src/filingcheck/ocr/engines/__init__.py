"""OCR engines behind one protocol, found by name; importing this registers the built-ins."""

from filingcheck.ocr.engines import rapid, tesseract
from filingcheck.ocr.engines.base import (
    LineScorer,
    OcrEngine,
    OcrSettings,
    UnknownEngineError,
    build_engine,
    engine_names,
    register_engine,
)

__all__ = [
    "LineScorer",
    "OcrEngine",
    "OcrSettings",
    "UnknownEngineError",
    "build_engine",
    "engine_names",
    "rapid",
    "register_engine",
    "tesseract",
]
