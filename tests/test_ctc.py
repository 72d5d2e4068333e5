"""CTC support of an expected text: alignment on hand-made frames, and on the real recogniser."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from filingcheck.ocr import OcrSettings, build_engine
from filingcheck.ocr.ctc import best_path, joint_support, text_support

ALPHABET = ["blank", "甲", "乙", "丙", "1"]
FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


def frames(*rows: dict[str, float]) -> np.ndarray:
    """Frames from {class: probability}; the rest of each row is blank."""
    out = np.zeros((len(rows), len(ALPHABET)))
    for t, row in enumerate(rows):
        for ch, p in row.items():
            out[t, ALPHABET.index(ch)] = p
        out[t, 0] = 1.0 - sum(row.values())
    return out


# 甲 over two frames, then a glyph read 乙 (0.55) that might be 丙 (0.37), then a digit.
FRAMES = frames({"甲": 0.85}, {"甲": 0.7}, {}, {"乙": 0.55, "丙": 0.37}, {}, {"1": 0.84})


def test_best_path_collapses_repeats_and_blanks() -> None:
    assert best_path(FRAMES, ALPHABET) == "甲乙1"


def test_the_read_text_is_fully_supported() -> None:
    support = text_support(FRAMES, ALPHABET, "甲乙")
    assert support is not None
    assert [c.probability for c in support.chars] == pytest.approx([0.85, 0.55])
    assert support.log_ratio == pytest.approx(0.0)
    assert (support.before, support.after) == ("", "1")


def test_a_runner_up_glyph_is_supported_with_its_own_probability() -> None:
    support = text_support(FRAMES, ALPHABET, "甲丙")
    assert support is not None
    second = support.chars[1]
    assert (second.char, second.read) == ("丙", "乙")
    assert second.probability == pytest.approx(0.37)
    assert support.log_ratio == pytest.approx(np.log(0.37 / 0.55))


def test_a_glyph_the_frames_do_not_show_gets_next_to_nothing() -> None:
    support = text_support(FRAMES, ALPHABET, "甲甲")  # a second 甲 where 乙/丙 stands
    assert support is not None
    assert support.weakest() < 0.01


def test_text_before_and_after_the_aligned_part_is_reported() -> None:
    support = text_support(FRAMES, ALPHABET, "乙")
    assert support is not None
    assert (support.before, support.after) == ("甲", "1")


def test_unknown_characters_and_too_few_frames_give_no_support() -> None:
    assert text_support(FRAMES, ALPHABET, "甲X") is None
    assert text_support(FRAMES, ALPHABET, "") is None
    assert text_support(FRAMES[:2], ALPHABET, "甲乙丙") is None


def line_image(text: str) -> np.ndarray:
    image = Image.new("RGB", (44 * len(text) + 40, 64), "white")
    ImageDraw.Draw(image).text((20, 12), text, font=ImageFont.truetype(FONT, 40), fill="black")
    return cv2.cvtColor(np.array(image), cv2.COLOR_RGB2BGR)


def test_the_recogniser_supports_the_printed_name_and_not_a_one_character_change() -> None:
    engine = build_engine("rapidocr", OcrSettings())
    scored = engine.line_probabilities(line_image("广州市花都区食品有限公司"))  # type: ignore[attr-defined]
    assert scored is not None
    probs, alphabet = scored
    assert best_path(probs, alphabet) == engine.read_line(line_image("广州市花都区食品有限公司")).text
    right = text_support(probs, alphabet, "广州市花都区食品有限公司")
    swapped = text_support(probs, alphabet, "广州市花都区食品有限责任公司")
    changed = text_support(probs, alphabet, "广州市花东区食品有限公司")
    assert right is not None and right.weakest() > 0.5
    assert swapped is not None and swapped.weakest() < 0.05
    assert changed is not None and changed.weakest() < 0.05


def test_impressions_that_misread_different_places_together_support_the_name() -> None:
    # The second impression shows 丙 clearly where the first read 乙 (with 丙 second).
    other = frames({"甲": 0.4, "丙": 0.1}, {}, {"丙": 0.8, "乙": 0.1}, {}, {"1": 0.9})
    first, second = joint_support([(FRAMES, ALPHABET), (other, ALPHABET)], "甲丙")
    assert first is not None and second is not None
    assert first.chars[1].read == "乙" and first.chars[1].probability < 0.5
    assert first.chars[1].joint == second.chars[1].joint
    assert first.chars[1].joint is not None and first.chars[1].joint > 0.75


def test_impressions_that_all_show_another_glyph_do_not_support_the_name() -> None:
    again = frames({"甲": 0.9}, {}, {"乙": 0.6, "丙": 0.3}, {}, {"1": 0.9})
    supports = joint_support([(FRAMES, ALPHABET), (again, ALPHABET)], "甲丙")
    assert all(s is not None and s.chars[1].joint is not None and s.chars[1].joint < 0.5 for s in supports)


def test_one_impression_joint_is_its_own_share() -> None:
    (alone,) = joint_support([(FRAMES, ALPHABET)], "甲丙")
    assert alone is not None and alone.chars[1].joint == pytest.approx(0.37 / (0.37 + 0.55 + 0.08))
