"""The OCR engine protocol and the registry that finds engines by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from filingcheck.models import EngineInfo, OcrLine


@dataclass(frozen=True)
class OcrSettings:
    """Engine settings, frozen and handed to the constructor; nothing reads globals."""

    threads: int = 1
    min_confidence: float = 0.3
    tesseract_languages: str = "chi_sim+eng"
    # Tesseract's page segmentation for whole pages. 4 (one column of lines of varying size): psm 3
    # takes the even columns of CJK prose for text columns and reads across them (a clean page of
    # the notice: 65% character errors with 3, 1.3% with 4; a bordered form 65% → 27%).
    tesseract_page_psm: int = 4

    def reading_part(self) -> str:
        """What of these settings changes what an engine reads (a part of cache keys); the
        thread count does not."""
        return (
            f"min_conf={self.min_confidence} lang={self.tesseract_languages} "
            f"psm={self.tesseract_page_psm} det={self.det_limit_side}"
        )

    det_limit_side: int = 2000


class OcrEngine(Protocol):
    """Reads text from an upright image; all boxes in that image's pixels."""

    @property
    def info(self) -> EngineInfo: ...

    def read_page(self, image: np.ndarray) -> list[OcrLine]:
        """Detect and recognise every text line of a page (BGR or grey image)."""
        ...

    @property
    def whiten_level(self) -> float | None:
        """How far seal-ink suppression whitens a page before this engine reads it (share of the
        paper level; None: the suppression's own default)."""
        ...

    def read_line(self, image: np.ndarray, alphabet: str | None = None) -> OcrLine | None:
        """Recognise one cropped single-line image without detection (seal arcs, disputed boxes).

        ``alphabet``: the only characters the line can hold (a credit code), for engines that can
        be held to it; others read as usual and leave the filtering to the caller.
        """
        ...


@runtime_checkable
class LineScorer(Protocol):
    """An engine whose recogniser exposes its frame probabilities (CTC), so that an expected text
    can be scored against a line image (``ocr.ctc.text_support``)."""

    def line_probabilities(self, image: np.ndarray) -> tuple[np.ndarray, list[str]] | None: ...


EngineFactory = Callable[[OcrSettings], OcrEngine]
_REGISTRY: dict[str, EngineFactory] = {}


def register_engine(name: str) -> Callable[[EngineFactory], EngineFactory]:
    """Class decorator: built-in engines and add-ons register the same way."""

    def wrap(factory: EngineFactory) -> EngineFactory:
        _REGISTRY[name] = factory
        return factory

    return wrap


def engine_names() -> list[str]:
    return sorted(_REGISTRY)


class UnknownEngineError(KeyError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown OCR engine {name!r}; known engines: {', '.join(engine_names())}")
        self.name = name

    def __str__(self) -> str:
        return str(self.args[0])


_BUILT: dict[tuple[str, OcrSettings], OcrEngine] = {}


def build_engine(name: str, settings: OcrSettings | None = None) -> OcrEngine:
    """The engine ``name`` built with ``settings``, once per process (models load slowly)."""
    settings = settings or OcrSettings()
    key = (name, settings)
    if key not in _BUILT:
        if name not in _REGISTRY:
            raise UnknownEngineError(name)
        _BUILT[key] = _REGISTRY[name](settings)
    return _BUILT[key]
