"""The report as a JSON file: written atomically, read back only when its schema is ours."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from filingcheck.models import SCHEMA_VERSION, Report


def write_json(report: Report, path: Path) -> None:
    """Write ``report`` as UTF-8 JSON (Chinese kept readable, 2-space indent).

    The file is written next to its destination and renamed into place, so a batch re-run that
    is interrupted never leaves a half-written report behind.
    """
    path = Path(path)
    text = json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_report(path: Path) -> Report:
    """Read and validate a report written by :func:`write_json`.

    Files of the same schema major version are read (a minor version only adds optional
    fields); anything else, and anything that is not a valid report, raises ``ValueError``.
    """
    path = Path(path)
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not a filingcheck report (not UTF-8 text)") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{path}: not a filingcheck report (invalid JSON at line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg})"
        ) from exc
    except RecursionError:  # nesting deeper than the parser's stack: no report is built like that
        raise ValueError(f"{path}: not a filingcheck report (nested too deeply)") from None
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise ValueError(f"{path}: not a filingcheck report (top level is {kind}, not an object)")
    version = data.get("schema_version")
    if version is None:
        raise ValueError(f"{path}: not a filingcheck report (no schema_version)")
    if _major(version) != _major(SCHEMA_VERSION):
        raise ValueError(
            f"{path}: report schema_version {version!r} is not supported; "
            f"this filingcheck reads schema {SCHEMA_VERSION} (major version {_major(SCHEMA_VERSION)})"
        )
    try:
        return Report.model_validate(data)
    except RecursionError:
        raise ValueError(f"{path}: invalid filingcheck report (nested too deeply)") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        count = exc.error_count()
        raise ValueError(
            f"{path}: invalid filingcheck report ({count} problem(s)); first at {where}: {first['msg']}"
        ) from exc


def _major(version: object) -> str | None:
    if not isinstance(version, str):
        return None
    return version.split(".", 1)[0]
