"""The only package that knows the order of the stages: load → OCR and seals → extract → check → report.

``pages`` reads one page (the unit a queue hands out), ``targeted`` decides how much of a page is
read, ``dossier`` joins the pages into a checked report. Every name of the former ``pipeline.py``
is importable from here.
"""

from filingcheck.pipeline.dossier import (
    EDGE_AFTER_QUARTER_TURN,
    PageImages,
    Result,
    cache_paper_page,
    page_sources,
    process_submission,
)
from filingcheck.pipeline.pages import (
    FIELD_PAGES,
    PageOutcome,
    PageResult,
    cache_page,
    read_one_page,
    read_pages,
)
from filingcheck.pipeline.settings import Inputs, Mode, PipelineSettings, Progress
from filingcheck.pipeline.targeted import PROSE_LINE_CHARS, PROSE_PAGES, SPARSE_INK, TITLE_ZONE

__all__ = [
    "EDGE_AFTER_QUARTER_TURN",
    "FIELD_PAGES",
    "PROSE_LINE_CHARS",
    "PROSE_PAGES",
    "SPARSE_INK",
    "TITLE_ZONE",
    "Inputs",
    "Mode",
    "PageImages",
    "PageOutcome",
    "PageResult",
    "PipelineSettings",
    "Progress",
    "Result",
    "cache_page",
    "cache_paper_page",
    "page_sources",
    "process_submission",
    "read_one_page",
    "read_pages",
]
