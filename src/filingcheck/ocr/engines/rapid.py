"""PP-OCR through rapidocr: the default engine (models ship inside the wheel, nothing is downloaded)."""

from __future__ import annotations

import importlib.metadata
import logging
from typing import Any

import numpy as np

from filingcheck.models import BBox, EngineInfo, OcrChar, OcrLine
from filingcheck.ocr.engines.base import OcrSettings, register_engine
from filingcheck.ocr.text import drop_cjk_spaces, kept_indices

SMALL_IMAGE = 1000


@register_engine("rapidocr")
class RapidOcrEngine:
    """PP-OCRv6 small detection + recognition; the line-angle classifier stays off.

    The classifier turned full-width lines upside down and dropped them (notes/ocr-engines.md);
    page orientation is fixed before OCR instead.
    """

    def __init__(self, settings: OcrSettings) -> None:
        from rapidocr import RapidOCR

        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        self._settings = settings
        self._ocr = RapidOCR(
            params={
                "Global.use_cls": False,
                "Global.log_level": "warning",
                "Global.max_side_len": settings.det_limit_side,
                "Global.text_score": settings.min_confidence,
                "EngineConfig.onnxruntime.intra_op_num_threads": settings.threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                # rapidocr turns the arena off; every line crop then allocates afresh (high system
                # time). With it on, a page costs about 8% less CPU (BENCHMARKS.md, 2026-12-01).
                "EngineConfig.onnxruntime.enable_cpu_mem_arena": True,
            }
        )
        self._info = EngineInfo(name="rapidocr", version=importlib.metadata.version("rapidocr"))

    @property
    def info(self) -> EngineInfo:
        return self._info

    def read_page(self, image: np.ndarray) -> list[OcrLine]:
        self._size_detector_for(image)
        # Pass every switch: rapidocr keeps the last call's use_det when one is left out.
        result: Any = self._ocr(
            image,
            use_det=True,
            use_cls=False,
            use_rec=True,
            return_word_box=True,
            return_single_char_box=True,
        )
        if result.txts is None or result.boxes is None:
            return []
        words = result.word_results or [()] * len(result.txts)
        lines = []
        for text, score, quad, chars in zip(result.txts, result.scores, result.boxes, words, strict=False):
            line = _line(str(text), float(score), quad, chars)
            if line is not None:
                lines.append(line)
        return lines

    @property
    def whiten_level(self) -> float | None:
        return None  # PP-OCR reads thin strokes well; whitening hard takes faint seal ink off too

    def read_line(self, image: np.ndarray, alphabet: str | None = None) -> OcrLine | None:
        """One line; PP-OCR's recogniser cannot be held to an ``alphabet`` (the caller filters)."""
        if image.size == 0:
            return None
        result: Any = self._ocr(image, use_det=False, use_cls=False, use_rec=True, return_word_box=False)
        if not result.txts:
            return None
        text = drop_cjk_spaces(str(result.txts[0]))
        if not text:
            return None
        h, w = image.shape[:2]
        return OcrLine(text=text, bbox=BBox(x0=0, y0=0, x1=w, y1=h), confidence=_clamp(result.scores[0]))

    def line_probabilities(self, image: np.ndarray) -> tuple[np.ndarray, list[str]] | None:
        """The recogniser's class probabilities per frame for one line (frames × classes, class 0
        the CTC blank) and the class alphabet: what ``read_line`` decodes greedily."""
        if image.size == 0:
            return None
        recogniser: Any = self._ocr._load_rec_model()  # type: ignore[no-untyped-call]
        prepared, _ = self._ocr.preprocess_img(self._ocr.load_img(image))
        _, height, width = recogniser.rec_image_shape[:3]
        h, w = prepared.shape[:2]
        normed = recogniser.resize_norm_img(prepared, max(width / height, w / max(1, h)))
        probs = recogniser.session(normed[np.newaxis].astype(np.float32))
        return np.asarray(probs[0], dtype=np.float64), list(recogniser.postprocess_op.character)

    def _size_detector_for(self, image: np.ndarray) -> None:
        """Scale the detector input by the image's long side, not rapidocr's short side.

        rapidocr scales every image up until its short side is 736 px: right for a small photo,
        ruinous for a title or footer strip of a page (a 281 × 1654 footer became 736 × 4332, 2.7 s
        of CPU instead of 0.3 s). Images with a long side of at least ``SMALL_IMAGE`` (pages and
        page strips) are only scaled down to ``det_limit_side``; smaller ones keep rapidocr's rule.
        """
        detector = self._ocr._load_det_model()  # type: ignore[no-untyped-call]
        if max(image.shape[:2]) >= SMALL_IMAGE:
            detector.limit_type, detector.limit_side_len = "max", self._settings.det_limit_side
        else:
            detector.limit_type, detector.limit_side_len = "min", 736


def _line(text: str, score: float, quad: Any, chars: Any) -> OcrLine | None:
    box = BBox.around(np.asarray(quad).tolist())
    ocr_chars = [
        OcrChar(text=str(c[0]), bbox=BBox.around(c[2]), confidence=_clamp(c[1]))
        for c in chars
        if c and str(c[0]).strip()
    ]
    clean = drop_cjk_spaces(text)
    if not clean:
        return None
    joined = "".join(c.text for c in ocr_chars)
    if joined != clean:
        # Character boxes that do not spell the line are worse than none.
        kept = kept_indices(text)
        ocr_chars = [ocr_chars[i] for i in kept if i < len(ocr_chars)] if len(chars) == len(text) else []
        if "".join(c.text for c in ocr_chars) != clean:
            ocr_chars = []
    return OcrLine(text=clean, bbox=box, confidence=_clamp(score), chars=ocr_chars)


def _clamp(value: float) -> float:
    return float(min(1.0, max(0.0, value)))
