"""The items each application type must hold (sections 二–十), kept as data, and matching printed names.

``checklists/<application_type>.json`` lists the items in the order of the notice (which is the
order of the form's 所附资料): number, clause, name, aliases, the page types that show the item,
whether it is required (or only under a ``condition``), whether it is on paper at all, and a
``group`` of alternatives of which one suffices.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz

from filingcheck.models import ApplicationType, DocType
from filingcheck.models.normalize import normalise

# A printed name this much like a listed one (0–100) names it even without its number.
NUMBER_BONUS = 15.0
MIN_PARTIAL = 4


@dataclass(frozen=True)
class ChecklistItem:
    number: int
    clause: str
    name: str
    aliases: tuple[str, ...] = ()
    doc_types: frozenset[DocType] = frozenset()
    required: bool = True
    condition: str | None = None
    paper: bool = True
    group: str | None = None

    @property
    def label(self) -> str:
        return f"{self.number}. {self.name}"


@dataclass(frozen=True)
class Checklist:
    application_type: ApplicationType
    section: str
    title: str
    items: tuple[ChecklistItem, ...]

    def item(self, number: int) -> ChecklistItem | None:
        return next((i for i in self.items if i.number == number), None)

    def match(self, printed: str, number: int | None, min_ratio: float) -> ChecklistItem | None:
        """The listed item a printed item name (and number, when printed) stands for."""
        text = normalise(printed)
        if not text:
            return None
        best: tuple[float, ChecklistItem] | None = None
        for item in self.items:
            score = max(_similarity(text, normalise(name)) for name in (item.name, *item.aliases))
            if number is not None and number == item.number:
                score += NUMBER_BONUS
            if score >= min_ratio and (best is None or score > best[0]):
                best = (score, item)
        return best[1] if best else None


def _similarity(a: str, b: str) -> float:
    whole = float(fuzz.ratio(a, b))
    if min(len(a), len(b)) < MIN_PARTIAL:
        return whole
    # A cover may print a shortened name, or one wrapped short by OCR: the best-aligned part counts.
    short, long = sorted((a, b), key=len)
    partial = float(fuzz.partial_ratio(short, long)) * min(1.0, 0.6 + len(short) / len(long))
    return max(whole, partial)


@lru_cache(maxsize=16)
def load_checklist(application_type: ApplicationType) -> Checklist:
    """The checklist of one application type, from the package's data files."""
    path = resources.files("filingcheck.crosscheck").joinpath(f"checklists/{application_type.value}.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    items = tuple(
        ChecklistItem(
            number=int(raw["number"]),
            clause=str(raw["clause"]),
            name=str(raw["name"]),
            aliases=tuple(raw.get("aliases", ())),
            doc_types=frozenset(DocType(d) for d in raw.get("doc_types", ())),
            required=bool(raw.get("required", True)),
            condition=raw.get("condition"),
            paper=bool(raw.get("paper", True)),
            group=raw.get("group"),
        )
        for raw in data["items"]
    )
    return Checklist(ApplicationType(data["application_type"]), data["section"], data["title"], items)
