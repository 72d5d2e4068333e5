"""Score an expected name against a seal's title as the primary recogniser sees it.

Seal text is read without knowing what it should say, and curved, inked-over glyphs are misread
(合 → 台, 辽 → 江). Crosscheck knows the applicant's name; this tells it whether the impression's
own frames support that name (``ocr.ctc.text_support``), so a misread seal of the applicant is
not taken for a stranger's, and a stranger's is not excused as a misreading.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from filingcheck.models import Seal, TextSupport
from filingcheck.ocr.ctc import Frames, joint_support
from filingcheck.ocr.engines.base import LineScorer
from filingcheck.ocr.seals import title_strip


class EngineSealScorer:
    """``SealTextScorer`` over the scanned page images (the frame seals were found in).

    The frames of one seal are computed once, whatever names are tried against them.
    """

    def __init__(self, engine: LineScorer, scans: Mapping[int, np.ndarray]) -> None:
        self._engine = engine
        self._scans = scans
        self._frames: dict[tuple[int, tuple[int, int, int, int]], Frames | None] = {}
        self._last: tuple[int, np.ndarray | None] | None = None  # seals come page by page

    def impressions_support(self, seals: Sequence[Seal], text: str) -> list[TextSupport | None]:
        frames = [self._frames_of(seal) for seal in seals]
        scored = [f for f in frames if f is not None]
        supports = iter(joint_support(scored, text))
        return [None if f is None else next(supports) for f in frames]

    def _frames_of(self, seal: Seal) -> Frames | None:
        key = (seal.page, (seal.bbox.x0, seal.bbox.y0, seal.bbox.x1, seal.bbox.y1))
        if key not in self._frames:
            self._frames[key] = self._score(seal)
        return self._frames[key]

    def _score(self, seal: Seal) -> Frames | None:
        if self._last is None or self._last[0] != seal.page:
            self._last = (seal.page, self._scans.get(seal.page))
        image = self._last[1]
        if image is None:
            return None
        strip = title_strip(image, seal)
        return None if strip is None else self._engine.line_probabilities(strip)
