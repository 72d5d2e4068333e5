"""Join straddle-seal slices on consecutive pages into one 骑缝章 each."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from filingcheck.models import PageEdge, Seal, SealKind, StraddleSeal


@dataclass(frozen=True)
class StraddleSettings:
    """How far apart slices of one seal may lie, as shares of the page and of the radius."""

    # Along the edge, centres of slices of one seal lie within this share of the page side.
    max_offset: float = 0.06
    # Within this, the slices line up well enough to call the straddle seal aligned.
    aligned_offset: float = 0.025
    # Radii (relative to the page's long side) of one seal differ by at most this factor.
    max_radius_ratio: float = 1.6
    # Pages of one chain may be this many apart (1: strictly consecutive).
    max_page_gap: int = 1


def _along(seal: Seal, size: tuple[int, int]) -> float:
    """Centre position along the seal's edge as a share of that edge's length."""
    w, h = size
    if seal.edge in (PageEdge.LEFT, PageEdge.RIGHT):
        return seal.centre[1] / max(h, 1)
    return seal.centre[0] / max(w, 1)


def _radius(seal: Seal, size: tuple[int, int]) -> float:
    return max(seal.axes) / max(size)


def _match(a: Seal, b: Seal, sizes: dict[int, tuple[int, int]], st: StraddleSettings) -> float | None:
    """0..1 how well slice ``b`` continues slice ``a``; None where it cannot."""
    if a.edge is None or a.edge is not b.edge or a.ink is not b.ink:
        return None
    sa = sizes.get(a.page, (1, 1))
    sb = sizes.get(b.page, (1, 1))
    offset = abs(_along(a, sa) - _along(b, sb))
    if offset > st.max_offset:
        return None
    ra, rb = _radius(a, sa), _radius(b, sb)
    ratio = max(ra, rb) / max(min(ra, rb), 1e-9)
    if ratio > st.max_radius_ratio:
        return None
    return (1 - offset / st.max_offset) * 0.7 + (1 - (ratio - 1) / (st.max_radius_ratio - 1)) * 0.3


def join_straddle_seals(
    seals: list[Seal],
    page_sizes: dict[int, tuple[int, int]],
    settings: StraddleSettings | None = None,
) -> tuple[list[Seal], list[StraddleSeal]]:
    """Group slices at the same edge of consecutive pages; ``page_sizes`` maps page → (w, h).

    Returns every seal (slices that joined carry ``straddle_group``) and one ``StraddleSeal``
    per group of at least two pages. Each slice joins at most one slice per neighbouring page,
    best matches first.
    """
    st = settings or StraddleSettings()
    slices = [i for i, s in enumerate(seals) if s.kind is SealKind.STRADDLE_SLICE and s.edge is not None]
    pairs: list[tuple[float, int, int]] = []
    for i in slices:
        for j in slices:
            gap = seals[j].page - seals[i].page
            if 1 <= gap <= st.max_page_gap:
                score = _match(seals[i], seals[j], page_sizes, st)
                if score is not None:
                    pairs.append((score, i, j))
    pairs.sort(key=lambda p: -p[0])
    nxt: dict[int, int] = {}
    prev: dict[int, int] = {}
    scores: dict[int, float] = {}
    for score, i, j in pairs:
        if i in nxt or j in prev:
            continue
        nxt[i], prev[j], scores[j] = j, i, score
    groups: list[list[int]] = []
    for i in slices:
        if i in prev or i not in nxt:
            continue
        chain = [i]
        while chain[-1] in nxt:
            chain.append(nxt[chain[-1]])
        groups.append(chain)
    groups.sort(key=lambda g: (seals[g[0]].page, seals[g[0]].centre[1], seals[g[0]].centre[0]))
    out = list(seals)
    straddles: list[StraddleSeal] = []
    for number, chain in enumerate(groups, start=1):
        for i in chain:
            out[i] = seals[i].model_copy(update={"straddle_group": number})
        offsets = [
            abs(
                _along(seals[a], page_sizes.get(seals[a].page, (1, 1)))
                - _along(seals[b], page_sizes.get(seals[b].page, (1, 1)))
            )
            for a, b in itertools.pairwise(chain)
        ]
        match = min(scores[j] for j in chain[1:])
        slice_conf = math.prod(seals[i].confidence for i in chain) ** (1 / len(chain))
        straddles.append(
            StraddleSeal(
                group=number,
                edge=seals[chain[0]].edge or PageEdge.RIGHT,
                pages=[seals[i].page for i in chain],
                aligned=max(offsets) <= st.aligned_offset,
                confidence=round(min(1.0, max(0.0, match * slice_conf)), 3),
            )
        )
    return out, straddles
