"""The Jinja2 environment of the web page: every value escaped (it was read off an applicant's pages)."""

from __future__ import annotations

import datetime as dt

import jinja2
from fastapi.templating import Jinja2Templates

from filingcheck import __version__


def _when(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("filingcheck.api.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.globals["version"] = __version__
    return env


templates = Jinja2Templates(env=_environment())
