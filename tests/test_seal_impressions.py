"""Impressions of one stamp read together (PP-OCR's frames through ``EngineSealScorer``): drawn
seals, each impression worn through at a different character, found and read by the real
detector and engine, then judged by ``applicant.matches_seal``."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from filingcheck.crosscheck import CheckContext, CheckSettings, get_rule
from filingcheck.crosscheck.seal_impressions import shows_name
from filingcheck.models import (
    CharSupport,
    DocType,
    Dossier,
    FieldName,
    Finding,
    PageImage,
    Seal,
    Status,
    TextSupport,
)
from filingcheck.ocr import EngineSealScorer, OcrSettings, build_engine
from filingcheck.ocr.seals import detect_seals, read_seal_text
from filingcheck.samples.seals import SealArt, round_seal, stamp
from tests.rulekit import dossier, page, reading

NAME = "合肥市康源食品有限公司"
DPI = 200


def impression(text: str, worn: int | None) -> np.ndarray:
    """A 600 px page with ``text``'s seal stamped in the middle; character ``worn`` wiped off."""
    art = round_seal(text, DPI, np.random.default_rng(3), face="hei")
    alpha = art.alpha.copy()
    if worn is not None:
        span = min(255.0, max(140.0, 19.0 * len(text)))  # the generator's arc for this many characters
        t = math.radians(-span / 2 + span * worn / (len(text) - 1))
        r = 0.72 * min(alpha.shape) / 2
        x, y = art.cx + 1.12 * r * math.sin(t), art.cy - 1.12 * r * math.cos(t)
        cv2.circle(alpha, (round(x), round(y)), round(0.13 * r), 0.0, -1)
    image = np.full((600, 600, 3), 255, np.uint8)
    stamp(image, SealArt(alpha, art.cx, art.cy), 300, 300, (200, 30, 40))
    return image


@pytest.fixture(scope="module")
def engine() -> object:
    return build_engine("rapidocr", OcrSettings())


def stamped(engine: object, text: str, worn: list[int | None]) -> tuple[list[Seal], dict[int, np.ndarray]]:
    seals, scans = [], {}
    for number, place in enumerate(worn, start=3):
        scans[number] = impression(text, place)
        (found,) = detect_seals(
            PageImage(page=number, image=scans[number], dpi=DPI, source="t", dpi_known=True)
        )
        seals.append(read_seal_text(scans[number], found, engine))
    return seals, scans


def judge(seals: list[Seal], scans: dict[int, np.ndarray], engine: object | None) -> list[Finding]:
    pages = [page(2, DocType.APPLICATION_FORM)] + [page(s.page, DocType.OTHER_TEXT) for s in seals]
    d: Dossier = dossier(pages, [reading(FieldName.APPLICANT_NAME, NAME, 2)], seals)
    scorer = EngineSealScorer(engine, scans) if engine is not None else None  # type: ignore[arg-type]
    context = CheckContext(settings=CheckSettings(), seal_scorer=scorer)
    return get_rule("applicant.matches_seal").check(d, context)


def test_impressions_worn_in_different_places_together_read_the_name(engine: object) -> None:
    seals, scans = stamped(engine, NAME, [1, 3, 5])
    assert all(s.text != NAME for s in seals)  # no impression reads the name on its own
    alone = judge(seals, scans, None)
    assert {f.status for f in alone} == {Status.UNCERTAIN}
    together = judge(seals, scans, engine)
    assert {f.status for f in together} == {Status.PASS}, [f.message for f in together]
    assert "3 impression(s)" in together[0].message and "→ 康" in together[0].message


def test_another_stamp_is_not_excused_by_its_own_impressions(engine: object) -> None:
    # One character off the name in the stamp itself (台 for 合): every impression shows 台.
    seals, scans = stamped(engine, "台肥市康源食品有限公司", [None, 3, 5])
    found = judge(seals, scans, engine)
    assert Status.PASS not in {f.status for f in found}, [f.message for f in found]


def support(places: list[tuple[str, str, float]], before: str = "", after: str = "") -> TextSupport:
    chars = [CharSupport(char=c, probability=0.9 if c == r else 0.01, read=r, joint=j) for c, r, j in places]
    return TextSupport(text="".join(c for c, _, _ in places), chars=chars, before=before, after=after)


@pytest.mark.parametrize(
    ("places", "before", "after", "shown"),
    [
        ([("合", "台", 0.9), ("肥", "肥", 1.0)], "", "", True),  # one glyph misread, the others show it
        ([("合", "", 0.9), ("肥", "肥", 1.0)], "", "12", True),  # not read here; digits past the end
        ([("合", "台", 0.6), ("肥", "肥", 1.0)], "", "", False),  # the impressions do not show it clearly
        ([("合", "台", 0.95), ("肥", "加", 0.95)], "", "", True),  # two places, both shown by the others
        ([("合", "台", 0.95), ("肥", "加", 0.95), ("市", "巾", 0.95)], "", "", False),  # three: too many
        ([("合", "台口", 0.9), ("肥", "肥", 1.0)], "", "", False),  # a glyph more than the name has
        ([("合", "合", 1.0), ("肥", "肥", 1.0)], "北京分", "", False),  # more name before it
    ],
)
def test_one_impression_shows_the_name_with_the_others_help(
    places: list[tuple[str, str, float]], before: str, after: str, shown: bool
) -> None:
    assert shows_name(support(places, before, after), CheckSettings()) is shown
