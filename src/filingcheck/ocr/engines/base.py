"""The OCR engine protocol and the registry that finds engines by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from filingcheck.models import EngineInfo, OcrLine


@dataclass(frozen=True)
class OcrSettings:
    """Engine settings, frozen and handed to the constructor; nothing reads globals."""

    threads: int = 1
    min_confidence: float = 0.3
    tesseract_languages: str = "chi_sim+eng"
    det_limit_side: int = 2000


class OcrEngine(Protocol):
    """Reads text from an upright image; all boxes in that image's pixels."""

    @property
    def info(self) -> EngineInfo: ...

    def read_page(self, image: np.ndarray) -> list[OcrLine]:
        """Detect and recognise every text line of a page (BGR or grey image)."""
        ...

    def read_line(self, image: np.ndarray, alphabet: str | None = None) -> OcrLine | None:
        """Recognise one cropped single-line image without detection (seal arcs, disputed boxes).

        ``alphabet``: the only characters the line can hold (a credit code), for engines that can
        be held to it; others read as usual and leave the filtering to the caller.
        """
        ...


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
