"""Extraction: page classes and named fields with their evidence (imports only models)."""

from filingcheck.extract.classify import Classification, classify_page
from filingcheck.extract.electronic import ElectronicReading, read_electronic
from filingcheck.extract.fields import extract_fields
from filingcheck.models.normalize import normalise

__all__ = [
    "Classification",
    "ElectronicReading",
    "classify_page",
    "extract_fields",
    "normalise",
    "read_electronic",
]
