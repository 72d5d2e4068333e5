"""Which pages a dossier holds and in what order, so a page target is met without splitting items."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from filingcheck.samples.facts import Facts

PROSE_DOC_TYPES = {4: "patent_guarantee", 9: "production_process", 10: "quality_standard"}
GROWABLE = (6, 9, 8, 10, 15)


@dataclass
class Slot:
    """One planned page: ``kind`` picks the drawer, ``key`` seeds its randomness.

    ``priority`` says how readily the slot goes when a page target is lower (0: never);
    slots of one ``group`` go together.
    """

    kind: str
    item: int | None
    key: str
    priority: int = 0
    group: str = ""
    args: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.group = self.group or self.key


def _form(parts: int) -> list[Slot]:
    return [Slot("form", 1, f"form-{p}", 0, "form", {"part": p, "parts": parts}) for p in range(1, parts + 1)]


def _report(facts: Facts, i: int, with_application: bool) -> list[Slot]:
    r = facts.reports[i]
    out = [Slot("test_app", 12, f"test-app-{i}", 2, args={"report": i})] if with_application else []
    out += [
        Slot("report", 12, f"report-{i}-{p}", 0 if i == 0 else 2, f"report-{i}", {"report": i, "page": p})
        for p in range(1, r.n_pages + 1)
    ]
    return out


def _certificate(facts: Facts) -> list[Slot]:
    """A change application's copy of the approval certificate, filed after the licence."""
    return [Slot("certificate", 2, "certificate")] if facts.application_type == "domestic_change" else []


def _prose(item: int, k: int, priority: int) -> Slot:
    return Slot("prose", item, f"prose-{item}-{k}", priority)


def compact(facts: Facts, rng: random.Random) -> list[Slot]:
    slots = [
        Slot("toc", None, "toc"),
        *_form(rng.choice((1, 2))),
        Slot("cover", 2, "cover-2"),
        Slot("licence", 2, "licence"),
        *_certificate(facts),
        Slot("formula", 7, "formula"),
    ]
    extra = rng.choice(("prose", "process", "standard", "label"))
    slots.append(
        _prose(6, 0, 2)
        if extra == "prose"
        else Slot(extra, {"process": 9, "standard": 10, "label": 13}[extra], extra, 2)
    )
    for i in range(len(facts.reports)):
        slots += _report(facts, i, False)
    return sorted(slots, key=lambda s: s.item or 0)


def full(facts: Facts, rng: random.Random) -> list[Slot]:
    slots = [Slot("toc", None, "toc")]
    for item in range(1, 16):
        slots.append(Slot("cover", item, f"cover-{item}", 0 if item == 2 else 3))
        if item == 1:
            slots += _form(2)
        elif item == 2:
            slots += [Slot("licence", 2, "licence"), *_certificate(facts)]
        elif item == 7:
            slots += [Slot("formula", 7, "formula"), _prose(7, 0, 2)]
        elif item == 9:
            slots.append(Slot("process", 9, "process", 2))
            slots += [_prose(9, k, 1 + (k == 0)) for k in range(rng.randint(1, 2))]
        elif item == 10:
            slots.append(Slot("standard", 10, "standard", 2))
            slots += [_prose(10, k, 1 + (k == 0)) for k in range(rng.randint(1, 2))]
        elif item == 12:
            for i in range(len(facts.reports)):
                slots += _report(facts, i, True)
        elif item == 13:
            slots.append(Slot("label", 13, "label", 2))
        else:
            count = {6: rng.randint(2, 3), 8: rng.randint(1, 2), 15: rng.randint(1, 2)}.get(item, 1)
            slots += [_prose(item, k, 1 + (k == 0)) for k in range(count)]
    return slots


def fit(slots: list[Slot], n_pages: int | None) -> list[Slot]:
    """Drop whole groups, then add narrative pages, until the plan has exactly ``n_pages`` pages."""
    if n_pages is None:
        return slots
    slots = list(slots)
    while len(slots) > n_pages:
        removable = [s for s in slots if s.priority > 0]
        if not removable:
            raise ValueError(f"n_pages={n_pages} is below this profile's minimum of {len(slots)} pages")
        top = max(s.priority for s in removable)
        group = [s for s in removable if s.priority == top][-1].group
        slots = [s for s in slots if s.group != group]
    k = 0
    while len(slots) < n_pages:
        item = GROWABLE[k % len(GROWABLE)]
        at = max(i + 1 for i, s in enumerate(slots) if (s.item or 0) <= item)
        slots.insert(at, _prose(item, 100 + k, 1))
        k += 1
    return slots


def number_prose(slots: list[Slot]) -> None:
    """Give each prose page its index and count inside its item, for the page footers."""
    for item in {s.item for s in slots if s.kind == "prose"}:
        run = [s for s in slots if s.kind == "prose" and s.item == item]
        for i, s in enumerate(run):
            s.args = {"index": i, "count": len(run)}


def prose_doc_type(item: int) -> str:
    return PROSE_DOC_TYPES.get(item, "other_text")
