"""Extraction: page classes and named fields with their evidence (imports only models)."""

from filingcheck.extract.classify import Classification, classify_page
from filingcheck.extract.electronic import ElectronicReading, read_electronic
from filingcheck.extract.fields import extract_fields
from filingcheck.extract.typesize import body_text_height
from filingcheck.models.normalize import normalise

__all__ = [
    "Classification",
    "ElectronicReading",
    "body_text_height",
    "classify_page",
    "extract_fields",
    "normalise",
    "read_electronic",
]
