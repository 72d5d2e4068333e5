"""Report writers: the versioned JSON document and the self-contained HTML review page."""

from filingcheck.reporting.html_page import render_html, write_html
from filingcheck.reporting.jsonio import load_report, write_json

__all__ = ["load_report", "render_html", "write_html", "write_json"]
