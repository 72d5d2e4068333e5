"""Seals on the drawn pages: one physical stamp per owner, so all impressions of one company match."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from filingcheck.samples import seals
from filingcheck.samples.facts import Facts
from filingcheck.samples.page import DrawnPage, Look, StampRequest

GREY_INK = (104.0, 104.0, 104.0)


@dataclass
class PlacedSeal:
    """A seal's ink outline on the unscanned page, and what truth.json says about it."""

    hull: np.ndarray | None
    truth: dict[str, Any]


@dataclass
class StampedPage:
    drawn: DrawnPage
    pixels: np.ndarray
    seals: list[PlacedSeal] = field(default_factory=list)


class Stamps:
    """The dossier's physical stamps: drawn once, so every impression of one stamp matches."""

    def __init__(self, facts: Facts, look: Look, dpi: int, seed: int) -> None:
        self.facts, self.look, self.dpi, self.seed = facts, look, dpi, seed
        self._arts: dict[tuple[str, str, str, float], seals.SealArt] = {}
        self._meta: dict[tuple[str, str, str, float], tuple[str, str]] = {}
        inks = np.random.default_rng([seed, 31])
        self.applicant_ink = seals.ink_colour(inks)
        self.other_inks = [seals.ink_colour(inks) for _ in range(4)]

    def text_of(self, req: StampRequest) -> str:
        if req.kind == "square":
            name = req.text or self.facts.applicant.legal_rep
            return name + ("印" if len(name) == 3 else "之印")
        return req.text if req.text is not None else self.facts.seal_name

    def key(self, req: StampRequest) -> tuple[str, str, str, float]:
        return (req.owner, req.kind, self.text_of(req), round(req.diameter, 1))

    def art(self, req: StampRequest) -> seals.SealArt:
        text = self.text_of(req)
        key = self.key(req)
        if key not in self._arts:
            rng = np.random.default_rng([self.seed, 17, len(self._arts)])
            centre, number = "", ""
            if req.kind == "square":
                art = seals.square_seal(text, self.dpi, rng, req.diameter)
            elif req.owner == "applicant":
                oval = (45.0, 30.0) if req.kind == "oval" else None
                centre, number = self.look.seal_centre, self.look.seal_number
                art = seals.round_seal(
                    text, self.dpi, rng, req.diameter, centre, number, self.look.seal_face, oval
                )
            else:
                centre, number = req.centre_text, req.number
                art = seals.round_seal(text, self.dpi, rng, req.diameter, centre, number, "hei")
            self._arts[key] = art
            self._meta[key] = (centre, number)
        return self._arts[key]

    def colour(self, req: StampRequest, rng: np.random.Generator) -> tuple[float, float, float]:
        if req.grey:
            return GREY_INK
        base = self.applicant_ink if req.owner == "applicant" else self.other_inks[len(req.owner) % 4]
        jitter = rng.uniform(-6, 6, size=3)
        return (float(base[0] + jitter[0]), float(base[1] + jitter[1]), float(base[2] + jitter[2]))

    def impression(self, req: StampRequest, rng: np.random.Generator) -> seals.SealArt:
        spin = rng.uniform(-35, 35) if req.kind == "round" else rng.uniform(-8, 8)
        return seals.ink_texture(seals.rotate(self.art(req), spin), rng, rng.uniform(0.85, 1.0))

    def truth(
        self, req: StampRequest, grey: bool, kind: str | None = None, group: int | None = None
    ) -> dict[str, Any]:
        centre, number = self._meta[self.key(req)]
        return {
            "kind": kind or req.kind,
            "text": self.text_of(req),
            "owner": req.owner,
            "edge": "right" if group is not None else None,
            "straddle_group": group,
            "centre_text": centre or None,
            "number": number or None,
            "ink": "grey" if (grey or req.grey) else "red",
        }


def _straddle_runs(drawn: list[DrawnPage], facts: Facts, rng: random.Random) -> list[tuple[str, list[int]]]:
    """Runs of consecutive pages that share one straddle seal: the applicant's and two-page reports'."""
    runs: list[tuple[str, list[int]]] = []
    if rng.random() < 0.45:
        open_pages = [i for i, d in enumerate(drawn) if not d.exempt]
        stretches: list[list[int]] = []
        for i in open_pages:
            if stretches and stretches[-1][-1] == i - 1:
                stretches[-1].append(i)
            else:
                stretches.append([i])
        long = [s for s in stretches if len(s) >= 2]
        if long:
            stretch = rng.choice(long)
            size = rng.randint(2, min(4, len(stretch)))
            start = rng.randrange(len(stretch) - size + 1)
            runs.append(("applicant", stretch[start : start + size]))
    by_number = {r.number: r for r in facts.reports}
    for i, d in enumerate(drawn):
        tr = d.test_report
        if tr and tr["page"] == 1 and tr["n_pages"] == 2:
            r = by_number[tr["number"]]
            if r.seal_mode == "straddle" and not r.seals_missing:
                runs.append((r.institution, [i, i + 1]))
    return runs


def stamp_dossier(
    drawn: list[DrawnPage], facts: Facts, look: Look, dpi: int, seed: int, grey: bool
) -> list[StampedPage]:
    """Stamp every page; returns the pages' float pixels with the seals placed on them."""
    rng = random.Random(f"{seed}:seals")
    stamps = Stamps(facts, look, dpi, seed)
    runs = _straddle_runs(drawn, facts, rng)
    straddled = {i for owner, pages in runs if owner == "applicant" for i in pages}
    replace_per_page = rng.random() < 0.5
    unsealed = -1
    if facts.unsealed_page:
        candidates = [
            i
            for i, d in enumerate(drawn)
            if not d.exempt
            and i not in straddled
            and d.stamps
            and all(s.owner == "applicant" for s in d.stamps)
        ]
        unsealed = rng.choice(candidates)
        drawn[unsealed].tags.add("unsealed")
    out: list[StampedPage] = []
    for i, d in enumerate(drawn):
        nrng = np.random.default_rng([seed, i, 3])
        page = StampedPage(d, np.array(d.canvas.image, dtype=np.uint8))
        for req in d.stamps:
            if i == unsealed or (req.per_page and i in straddled and replace_per_page):
                continue
            art = stamps.impression(req, nrng)
            x, y = req.x * dpi / 25.4, req.y * dpi / 25.4
            hull = seals.stamp(page.pixels, art, x, y, stamps.colour(req, nrng))
            page.seals.append(PlacedSeal(hull, stamps.truth(req, grey)))
        out.append(page)
    for group, (owner, pages) in enumerate(runs, start=1):
        _straddle(out, pages, owner, group, stamps, dpi, grey, np.random.default_rng([seed, 50, group]))
    for page in out:
        if any(s.truth["owner"] == "applicant" and s.truth["kind"] != "square" for s in page.seals):
            page.drawn.tags.add("applicant_seal")
    return out


def _straddle(
    out: list[StampedPage],
    pages: list[int],
    owner: str,
    group: int,
    stamps: Stamps,
    dpi: int,
    grey: bool,
    rng: np.random.Generator,
) -> None:
    """One impression across the right edges: each page shows the slice left of its edge."""
    if owner == "applicant":
        req = StampRequest("applicant", "round" if stamps.look.seal_kind == "round" else "oval", 0, 0)
    else:
        req = StampRequest("institution", "round", 0, 0, text=owner, centre_text="检验检测专用章")
    art = stamps.impression(req, rng)
    r_mm = 22.5 if req.kind == "oval" else req.diameter / 2
    y_mm = rng.uniform(70, 230)
    x_mm = 210.0 + r_mm * rng.uniform(-0.25, 0.12)
    colour = stamps.colour(req, rng)
    for i in pages:
        page = out[i]
        x = (x_mm + rng.uniform(-1.0, 1.0)) * dpi / 25.4
        y = (y_mm + rng.uniform(-1.5, 1.5)) * dpi / 25.4
        hull = seals.stamp(page.pixels, art, x, y, colour)
        page.seals.append(PlacedSeal(hull, stamps.truth(req, grey, "straddle_slice", group)))
