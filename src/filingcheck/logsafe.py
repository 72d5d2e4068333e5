"""Personal numbers never reach a log: identity-card and phone numbers are masked in every record.

Dossiers carry the identity numbers and phones of legal representatives and contacts, and OCR
text, field values and error messages end up in log lines. ``MaskFilter`` rewrites a record's
message (and its formatted traceback) before any handler writes it; ``install`` puts it on every
handler the service, the worker and the CLI log through. Unified social credit codes (18
characters, often all digits) and acceptance numbers stay readable: a reviewer needs them, and an
18-digit code is told from an identity number by its check character.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from filingcheck.models import uscc
from filingcheck.models.idnumber import check_ok as id_check_ok

# The patterns run on text with full-width digits folded to ASCII (see ``mask``). Letters and
# digits around a match mean it is part of a longer token (a hash, an id, a code), not a number of
# its own; a URL's escapes (``%20``) end in a digit or a letter but separate words all the same.
_EDGE_BEFORE = r"(?:(?<=%[0-9A-Fa-f]{2})|(?<![0-9A-Za-z０-９Ａ-Ｚａ-ｚ]))"
_EDGE_AFTER = r"(?![0-9A-Za-z０-９Ａ-Ｚａ-ｚ])"
_DATE8 = r"(?:18|19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_DATE6 = r"\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
ID_18 = re.compile(_EDGE_BEFORE + r"[1-9]\d{5}" + _DATE8 + r"\d{3}[\dXx]" + _EDGE_AFTER)
ID_15 = re.compile(_EDGE_BEFORE + r"[1-9]\d{5}" + _DATE6 + r"\d{3}" + _EDGE_AFTER)
# Mobiles: 1[3-9] and nine digits, maybe +86 / 0086 in front, maybe split 3-4-4 by spaces or dashes.
MOBILE = re.compile(_EDGE_BEFORE + r"(?:(?:\+|00)?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}" + _EDGE_AFTER)
# Landlines: an area code 0xx or 0xxx (maybe in brackets), 7 or 8 digits, maybe an extension.
LANDLINE = re.compile(
    _EDGE_BEFORE
    + r"(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3})[\s-]?[2-9]\d{2,3}[\s-]?\d{4}(?:\s?(?:-|转|ext\.?)\s?\d{1,6})?"
    + _EDGE_AFTER
)
KEEP_HEAD, KEEP_TAIL = 3, 2


def _is_credit_code(number: str) -> bool:
    """An all-digit unified social credit code, not an identity number that happens to check too."""
    return uscc.is_valid(number) and not id_check_ok(number)


# Full-width digits and signs (OCR and Chinese input methods give them) read as their ASCII
# twins; one character for one, so a match in the folded text is a match in the original.
_SIGNS = {"Ｘ": "X", "ｘ": "x", "（": "(", "）": ")", "－": "-", "＋": "+"}
_FOLD = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | _SIGNS)


def mask(text: str) -> str:
    """``text`` with identity-card and phone numbers masked; anything else untouched."""
    if not any(c.isdigit() for c in text):
        return text
    folded = text.translate(_FOLD)
    chars = list(text)
    for pattern in (ID_18, ID_15, MOBILE, LANDLINE):
        for match in pattern.finditer(folded):
            if pattern is ID_18 and _is_credit_code(match.group(0)):
                continue
            _blank(chars, folded, match.start(), match.end())
    return "".join(chars)


def _blank(chars: list[str], folded: str, start: int, end: int) -> None:
    """Every digit of ``[start, end)`` but the first few and the last two becomes ``*``."""
    positions = [i for i in range(start, end) if folded[i].isdigit()]
    for i in positions[KEEP_HEAD : len(positions) - KEEP_TAIL]:
        chars[i] = "*"


class MaskFilter(logging.Filter):
    """Masks the formatted message, the traceback and the stack of a record; never drops one."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_filingcheck_masked", False):
            return True
        args = _masked_args(record.args)
        if args is not None:
            # Formatters may read the arguments themselves (uvicorn's access log does): keep them.
            record.msg, record.args = mask(str(record.msg)), args
        else:
            try:
                message = record.getMessage()
            except Exception:  # a broken format string: log what there is rather than nothing
                message = f"{record.msg!r} % {record.args!r}"
            record.msg, record.args = mask(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        record._filingcheck_masked = True
        return True


def _masked_args(args: object) -> tuple[object, ...] | dict[str, object] | None:
    """The arguments with their strings masked, or ``None`` when one is an object (or a number)
    whose text would need masking: then only the formatted message can be masked."""
    if not args:
        return ()
    if isinstance(args, dict):
        masked = {k: _masked_arg(v) for k, v in args.items()}
        return None if any(v is _OPAQUE for v in masked.values()) else masked
    if isinstance(args, tuple):
        values = tuple(_masked_arg(v) for v in args)
        return None if any(v is _OPAQUE for v in values) else values
    return None


_OPAQUE = object()


def _masked_arg(value: object) -> object:
    if isinstance(value, str):
        return mask(value)
    if value is None or isinstance(value, bool | float) or (isinstance(value, int) and value < 10**9):
        return value
    return _OPAQUE


# The loggers that carry handlers of their own when the service or the worker runs.
SERVICE_LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "celery", "celery.task")


def install(loggers: Iterable[str] = SERVICE_LOGGERS) -> None:
    """Put a ``MaskFilter`` on every handler of ``loggers`` (the root is ``""``) and on the
    handler of last resort; a handler that has one already is left alone."""
    handlers = [h for name in loggers for h in logging.getLogger(name or None).handlers]
    if logging.lastResort is not None:
        handlers.append(logging.lastResort)
    for handler in handlers:
        if not any(isinstance(f, MaskFilter) for f in handler.filters):
            handler.addFilter(MaskFilter())


def configure(level: int = logging.WARNING) -> None:
    """The CLI's logging: warnings and errors to stderr, masked (nothing was set up before)."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(level)
    install()


def mask_celery_logs() -> None:
    """Mask what a celery worker logs: its handlers are set up late, in ``worker_main``, and
    inherited by the pool's processes; the signals fire right after each is set up."""
    from celery.signals import after_setup_logger, after_setup_task_logger

    def on_setup(**_: object) -> None:
        install()

    after_setup_logger.connect(on_setup, weak=False)
    after_setup_task_logger.connect(on_setup, weak=False)


def uvicorn_log_config(level: str = "info") -> dict[str, object]:
    """uvicorn's own logging configuration with the mask on each handler and a root handler for
    the service's loggers (which otherwise went to the unfiltered last-resort handler)."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["mask"] = {"()": MaskFilter}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("mask")
    config["handlers"]["filingcheck"] = {
        "formatter": "default",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
        "filters": ["mask"],
    }
    # Libraries (alembic, celery's client) say only what matters; the service says what it does.
    config["root"] = {"handlers": ["filingcheck"], "level": "WARNING"}
    config["loggers"]["filingcheck"] = {"level": level.upper()}
    return config
