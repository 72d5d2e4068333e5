"""Pure data types shared by every stage; imports nothing else of filingcheck."""

from filingcheck.models.dossier import Dossier
from filingcheck.models.errors import InputError, ProcessingError, Stage
from filingcheck.models.fields import FieldName, FieldSet, FieldValue, Source
from filingcheck.models.findings import DiffOp, Evidence, EvidenceRole, Finding, Status
from filingcheck.models.geometry import Affine, BBox
from filingcheck.models.ocr import (
    BoxReader,
    CharSupport,
    EngineInfo,
    OcrChar,
    OcrLine,
    PageOcr,
    PageReading,
    SealTextScorer,
    TextSupport,
)
from filingcheck.models.pages import DocType, PageFacts, PageImage, PageInfo, TextSource, UprightPage
from filingcheck.models.report import SCHEMA_VERSION, InputFile, Report, Verdict, verdict_of
from filingcheck.models.seals import PageEdge, Seal, SealInk, SealKind, StraddleSeal
from filingcheck.models.submission import ApplicationType, Submission

__all__ = [
    "SCHEMA_VERSION",
    "Affine",
    "ApplicationType",
    "BBox",
    "BoxReader",
    "CharSupport",
    "DiffOp",
    "DocType",
    "Dossier",
    "EngineInfo",
    "Evidence",
    "EvidenceRole",
    "FieldName",
    "FieldSet",
    "FieldValue",
    "Finding",
    "InputError",
    "InputFile",
    "OcrChar",
    "OcrLine",
    "PageEdge",
    "PageFacts",
    "PageImage",
    "PageInfo",
    "PageOcr",
    "PageReading",
    "ProcessingError",
    "Report",
    "Seal",
    "SealInk",
    "SealKind",
    "SealTextScorer",
    "Source",
    "Stage",
    "Status",
    "StraddleSeal",
    "Submission",
    "TextSource",
    "TextSupport",
    "UprightPage",
    "Verdict",
    "verdict_of",
]
