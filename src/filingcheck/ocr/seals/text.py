"""Read a seal's own text: the name on its arc, the line under the star and the number below."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Protocol

import cv2
import numpy as np

from filingcheck.models import OcrLine, Seal, SealInk, SealKind
from filingcheck.ocr.engines.base import LineScorer
from filingcheck.ocr.seals.bodies import HeldReading, held_to_bodies, may_be_public_body
from filingcheck.ocr.seals.centre import centre_line_turn
from filingcheck.ocr.seals.ink import ink_image
from filingcheck.ocr.seals.shapes import Ellipse
from filingcheck.ocr.seals.suffixes import mend_form
from filingcheck.ocr.seals.unwrap import (
    Band,
    merge_runs,
    pad_strip,
    ring_inner_edge,
    tall_marks,
    title_columns,
    unwrap,
)

_STRIP_H = 48
_FULL_W = 720  # half a degree per column when looking for the title's ends
_NUMBER = re.compile(r"\d{8,}")
_TRAILING_DIGITS = re.compile(r"[0-9OoIl]{1,3}$")
_LEADING_DIGITS = re.compile(r"^[0-9OoIl]{1,3}")
_STRAY = re.compile(r"[\s\"'`“”‘’「」『』|\\/_~^…·.,，。、:：;；!！?？*+=<>《》\-]+")


class LineReader(Protocol):
    """The part of an OCR engine seal reading needs (every ``OcrEngine`` has it)."""

    def read_line(self, image: np.ndarray) -> OcrLine | None: ...


@dataclass(frozen=True)
class _Arcs:
    """Where the title runs (degrees, clockwise, start < end) and the ring's inner edge.

    ``first`` and ``last`` are where its characters were seen, without the margin; the gap
    between ``last`` and ``first`` (through the bottom) is where a number would be.
    """

    start: float
    end: float
    edge: float
    first: float
    last: float


def read_seal_text(page_image: np.ndarray, seal: Seal, engine: Any) -> Seal:
    """The seal with ``text``, ``centre_text``, ``security_number`` and ``text_confidence`` read.

    ``engine`` is any ``LineReader`` (every ``OcrEngine``): its ``read_line`` recognises each
    straightened line. Slices are returned as they are: too little of their text is on one page.
    """
    inked = _seal_ink(page_image, seal)
    if inked is None:
        return seal
    ink, ell = inked
    if seal.kind is SealKind.SQUARE:
        line = _read(engine, _square_strip(ink, ell))
        if line is None:
            return seal
        return seal.model_copy(update={"text": line.text, "text_confidence": line.confidence})
    edge = ring_inner_edge(ink, ell)
    arcs = _find_title(ink, ell, edge)
    strip = _line_image(_title_strip(ink, ell, arcs))
    title = _read_image(engine, strip)
    number = _read_number(engine, ink, ell, arcs)
    centre = _read_centre(engine, _upright(ink, ell, seal.kind, arcs, edge), ell, edge)
    text = _title_text(title.text, number) if title else None
    update: dict[str, object] = {
        "text": text,
        "text_confidence": title.confidence if title else None,
        "centre_text": centre,
        "security_number": number,
    }
    held = _held(engine, strip, text)
    if held is not None and held.text != text:
        update |= {"text": held.text, "text_read": text, "text_confidence": round(held.confidence, 4)}
    return seal.model_copy(update=update)


def _held(engine: Any, strip: np.ndarray | None, text: str | None) -> HeldReading | None:
    """A public body's seal held to the real ones, where the engine shows its frames."""
    # Most seals are companies': their frames are not asked for (one recogniser pass saved).
    if strip is None or not text or not isinstance(engine, LineScorer) or not may_be_public_body(text):
        return None
    scored = engine.line_probabilities(strip)
    return None if scored is None else held_to_bodies(text, *scored)


def title_strip(page_image: np.ndarray, seal: Seal) -> np.ndarray | None:
    """The seal's name as the recogniser is shown it: the title arc unwrapped into one padded,
    level BGR line (a square seal's characters side by side); None for slices and blank seals."""
    inked = _seal_ink(page_image, seal)
    if inked is None:
        return None
    ink, ell = inked
    if seal.kind is SealKind.SQUARE:
        strip = _square_strip(ink, ell)
    else:
        strip = _title_strip(ink, ell, _find_title(ink, ell, ring_inner_edge(ink, ell)))
    return _line_image(strip)


def _seal_ink(page_image: np.ndarray, seal: Seal) -> tuple[np.ndarray, Ellipse] | None:
    """The seal's ink (dark on white) cropped with a margin, and its outline in the crop; None
    for slices (too little of their text is on one page) and crops off the page."""
    if seal.kind is SealKind.STRADDLE_SLICE:
        return None
    crop, ell = _crop(page_image, seal)
    if crop.size == 0:
        return None
    return ink_image(crop, grey_ink=seal.ink is SealInk.GREY), ell


def _title_strip(ink: np.ndarray, ell: Ellipse, arcs: _Arcs) -> np.ndarray:
    return unwrap(ink, ell, _title_band(arcs.edge), arcs.start, arcs.end, _STRIP_H)


def _crop(image: np.ndarray, seal: Seal) -> tuple[np.ndarray, Ellipse]:
    """The seal with a margin, and its outline in the crop's pixels with the a axis level."""
    a, b = seal.axes
    angle = seal.angle % 180
    if 45 < angle <= 135:
        # Keep the a axis near horizontal so angle 270 is the top of the seal.
        a, b, angle = b, a, angle - 90
    elif angle > 135:
        angle -= 180
    ell = Ellipse(seal.centre[0], seal.centre[1], a, b, angle)
    x0, y0, x1, y1 = ell.extent()
    m = 0.08 * ell.mean_radius
    h, w = image.shape[:2]
    cx0, cy0 = max(0, int(x0 - m)), max(0, int(y0 - m))
    cx1, cy1 = min(w, math.ceil(x1 + m)), min(h, math.ceil(y1 + m))
    crop = image[cy0:cy1, cx0:cx1]
    return crop, Ellipse(ell.cx - cx0, ell.cy - cy0, ell.a, ell.b, ell.angle)


def _line_image(strip: np.ndarray | None) -> np.ndarray | None:
    """A grey strip padded and in BGR, as read; None where it holds no ink."""
    if strip is None or strip.size == 0 or strip.min() > 160:
        return None
    return cv2.cvtColor(pad_strip(strip), cv2.COLOR_GRAY2BGR)


def _read(engine: LineReader, strip: np.ndarray | None) -> OcrLine | None:
    return _read_image(engine, _line_image(strip))


def _read_image(engine: LineReader, image: np.ndarray | None) -> OcrLine | None:
    if image is None:
        return None
    line: OcrLine | None = engine.read_line(image)
    if line is None:
        return None
    # Bits of the ring read as quotes and strokes; seal text holds none of them.
    text = _STRAY.sub("", line.text)
    return line.model_copy(update={"text": text}) if text else None


def _title_band(edge: float, depth: float = 0.4) -> Band:
    """From the ring's inner edge to 0.4 radius deeper: title characters fill most of it."""
    return Band(max(0.3, edge - depth), edge + 0.01)


def _title_text(text: str, number: str | None) -> str | None:
    """The title without digits of the lower-arc number read into its ends, its form mended.

    Organisation names end in a word (公司, 中心, 研究院), never in digits; they may begin with
    one, so leading digits go only where the seal has a number along its lower arc.
    """
    text = _TRAILING_DIGITS.sub("", text)
    if number:
        text = _LEADING_DIGITS.sub("", text)
    return mend_form(text) or None


def _upright(ink: np.ndarray, ell: Ellipse, kind: SealKind, arcs: _Arcs, edge: float) -> np.ndarray:
    """The crop turned about the seal's centre so that its title is on top and lines are level.

    The centre line's row gives the turn best; without one, the middle of the title does. An
    oval keeps its turn: its long axis is level already and its title may span the bottom too.
    """
    if kind is not SealKind.ROUND:
        return ink
    # Angles run clockwise from +x; the top of an upright seal is 270°, the title's middle.
    middle = (arcs.first + arcs.last) / 2
    turn = centre_line_turn(ink, ell, edge, middle - 180.0)
    if turn is None:
        turn = middle - 270.0
    turn = (turn + 180.0) % 360.0 - 180.0
    if abs(turn) < 1.0:
        return ink
    rot = cv2.getRotationMatrix2D((ell.cx, ell.cy), turn, 1.0)
    return cv2.warpAffine(ink, rot, (ink.shape[1], ink.shape[0]), flags=cv2.INTER_LINEAR, borderValue=255)


def _find_title(ink: np.ndarray, ell: Ellipse, edge: float) -> _Arcs:
    """The title's span: everything but the widest gap between title characters in the band.

    Digits on the lower arc and the line under the star are short in this band, so the gap
    they sit in still reads as a gap; seals stamped at a slant are handled the same way.
    """
    # A shallower band than the one read: less of the star and centre lines gets in.
    full = unwrap(ink, ell, Band(max(0.3, edge - 0.36), edge - 0.01), 90, 450, _STRIP_H, width=_FULL_W)
    title = _widest_gap(title_columns(full))
    if title is None:
        return _Arcs(135.0, 405.0, edge, 135.0, 405.0)
    seen_from, seen_to, width = title
    # Only parts of the end characters may have counted: allow half a character more, but
    # never across the middle of the gap (a title that nearly closes the circle).
    gap = 360 - (seen_to - seen_from)
    margin = min(max(2.0, 0.5 * width), max(gap / 2 - 1, 0.0))
    # The number's gap comes from the stricter marks: digits with ink below them look tall to
    # the column test and would close it.
    strict = _widest_gap(tall_marks(full))
    first, last = (strict[0], strict[1]) if strict else (seen_from, seen_to)
    return _Arcs(seen_from - margin, seen_to + margin, edge, first, last)


def _widest_gap(runs: list[tuple[int, int]]) -> tuple[float, float, float] | None:
    """(from, to, character width) in degrees of the text around the widest gap in ``runs``."""
    if not runs:
        return None
    widths = [b - a for a, b in runs]
    runs = merge_runs(runs, max(6.0, 0.6 * float(np.median(widths))))
    # The widest gap between runs, going round the circle (the last run wraps to the first).
    gaps = [(runs[(i + 1) % len(runs)][0] - runs[i][1]) % _FULL_W for i in range(len(runs))]
    i = int(np.argmax(gaps))
    if len(runs) == 1 and gaps[0] < 20:
        return None
    deg = 360.0 / _FULL_W
    seen_from = 90 + runs[(i + 1) % len(runs)][0] * deg
    seen_to = 90 + runs[i][1] * deg
    while seen_to <= seen_from:
        seen_to += 360
    return seen_from, seen_to, float(np.median(widths)) * deg


def _read_number(engine: LineReader, ink: np.ndarray, ell: Ellipse, arcs: _Arcs) -> str | None:
    """The registration number along the lower arc, read left to right, tops inward."""
    left, right = arcs.first + 360, arcs.last
    if left - right < 30:
        return None
    band = Band(max(0.3, arcs.edge - 0.22), arcs.edge - 0.01)
    line = _read(engine, unwrap(ink, ell, band, left, right, 40, tops_out=False))
    if line is None:
        return None
    runs = _NUMBER.findall(line.text)
    return max(runs, key=len) if runs else None


def _read_centre(engine: LineReader, ink: np.ndarray, ell: Ellipse, edge: float) -> str | None:
    """Horizontal lines under the star (e.g. 合同专用章), top to bottom, joined by a space."""
    r = ell.mean_radius
    binary = (ink < 128).astype(np.uint8)
    n, _, stats, cents = cv2.connectedComponentsWithStats(binary)
    marks: list[tuple[float, int, int, int, int]] = []
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        dx, dy = cents[i][0] - ell.cx, cents[i][1] - ell.cy
        if h < 0.05 * r or w > 0.6 * r or h > 0.4 * r or area < 4:
            continue
        if abs(dx) <= 0.62 * r and 0.12 * r <= dy <= 0.72 * r and math.hypot(dx, dy) < (edge - 0.2) * r:
            marks.append((float(cents[i][1]), int(x), int(y), int(w), int(h)))
    # Marks whose heights overlap form one line (a character's parts have different centres).
    lines: list[list[tuple[float, int, int, int, int]]] = []
    for m in sorted(marks, key=lambda k: k[2]):
        if lines:
            top = min(k[2] for k in lines[-1])
            bottom = max(k[2] + k[4] for k in lines[-1])
            if min(bottom, m[2] + m[4]) - max(top, m[2]) > 0.3 * min(m[4], bottom - top):
                lines[-1].append(m)
                continue
        lines.append([m])
    texts: list[str] = []
    for marks_in_line in lines:
        if len(marks_in_line) < 2:
            continue
        x0 = min(k[1] for k in marks_in_line)
        y0 = min(k[2] for k in marks_in_line)
        x1 = max(k[1] + k[3] for k in marks_in_line)
        y1 = max(k[2] + k[4] for k in marks_in_line)
        if x1 - x0 < 0.2 * r:
            continue
        strip = ink[y0:y1, x0:x1]
        scale = _STRIP_H / max(strip.shape[0], 1)
        line = _read(engine, cv2.resize(strip, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))
        # Stray marks (star points, bits of the ring) read as short, unsure junk.
        if line is not None and line.confidence >= 0.75 and len(line.text) >= 2:
            texts.append(line.text)
    return " ".join(texts) or None


def _square_strip(ink: np.ndarray, ell: Ellipse) -> np.ndarray | None:
    """A name seal's characters in reading order (right column down, then left) on one line."""
    rot = cv2.getRotationMatrix2D((ell.cx, ell.cy), ell.angle, 1.0)
    upright = cv2.warpAffine(ink, rot, (ink.shape[1], ink.shape[0]), borderValue=255)
    inset = 0.86
    x0, x1 = round(ell.cx - inset * ell.a), round(ell.cx + inset * ell.a)
    y0, y1 = round(ell.cy - inset * ell.b), round(ell.cy + inset * ell.b)
    inner = upright[max(0, y0) : y1, max(0, x0) : x1]
    if inner.size == 0:
        return None
    h, w = inner.shape
    cells = [
        inner[: h // 2, w // 2 :],
        inner[h // 2 :, w // 2 :],
        inner[: h // 2, : w // 2],
        inner[h // 2 :, : w // 2],
    ]
    side = _STRIP_H
    tiles = [cv2.resize(c, (side, side), interpolation=cv2.INTER_AREA) for c in cells if c.size]
    return np.hstack(tiles) if tiles else None
