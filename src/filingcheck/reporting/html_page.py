"""The self-contained HTML review page: one file a clerk opens offline, images embedded."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

import jinja2
import numpy as np

from filingcheck.models import Report
from filingcheck.reporting.view import build_view

TEMPLATE = "report.html.j2"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("filingcheck.reporting", "templates"),
        # Every value in a report was read off a page an applicant handed in: escape all of it.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: Report, page_images: Mapping[int, np.ndarray]) -> str:
    """The review page for ``report``; ``page_images`` maps page number to the BGR scan."""
    return _environment().get_template(TEMPLATE).render(v=build_view(report, page_images))


def write_html(report: Report, page_images: Mapping[int, np.ndarray], path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report, page_images), encoding="utf-8")
