"""Impressions of one stamp read together: where each impression is misread in its own place, the
recogniser's view of all of them at that place still shows the name's character.

An applicant stamps the same seal on page after page. Arc text is read unsurely, and often no
single impression comes out exactly (台肥 on one page, 合肥…檢维 on the next). Reading one
impression at a time, the rule can only say "uncertain" for each; read together (the CTC frames
of every impression aligned to the applicant's name, ``SealTextScorer``), the places where one
impression departs from the name are decided by what all impressions show there.

An impression is taken as the applicant's stamp only where it departs from the name in at most
``max_joint_places`` places, each one glyph read for another (or not read), and the impressions
together give the name's character at least ``min_joint_share`` there. A stamp of another name
shows its own glyph in every impression, and is not excused: its places stay disputed. Nor is a
glyph the recogniser takes for another in every impression (宇 read 字 throughout): the
impressions together then side with the other glyph, and the seal stays uncertain.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz

from filingcheck.crosscheck.base import CheckContext
from filingcheck.crosscheck.settings import CheckSettings
from filingcheck.models import FieldValue, Seal, Status, TextSupport


def read_together(
    judged: Sequence[tuple[Status, Seal, str]], names: Sequence[FieldValue], context: CheckContext
) -> dict[int, TextSupport]:
    """Indices of ``judged`` (status, seal, normalised reading) that are uncertain alone and read
    as one of ``names`` together with the other impressions, with the support that shows it."""
    scorer = context.seal_scorer
    settings = context.settings
    if scorer is None:
        return {}
    found: dict[int, TextSupport] = {}
    for name in (n.value for n in names):
        group = _impressions(judged, name, settings)
        if not any(judged[i][0] == Status.UNCERTAIN and i not in found for i in group):
            continue
        supports = scorer.impressions_support([judged[i][1] for i in group], name)
        for i, support in zip(group, supports, strict=True):
            if judged[i][0] == Status.UNCERTAIN and support is not None and shows_name(support, settings):
                found.setdefault(i, support)
    return found


def shows_name(support: TextSupport, settings: CheckSettings) -> bool:
    """Whether one impression, helped by the others at the places it misread, shows the name."""
    off = [c for c in support.chars if c.read != c.char]
    if len(off) > settings.max_joint_places:
        return False
    if any(len(c.read) > 1 or c.joint is None or c.joint < settings.min_joint_share for c in off):
        return False
    # Ring marks and number digits may be read past the ends of the name; more names may not.
    extra = sum(_is_cjk(ch) for ch in support.before + support.after)
    return extra <= settings.seal_end_slack


def shown_together(support: TextSupport) -> str:
    """The places one impression misread and what all impressions show there: 台 → 合 (0.99)."""
    return ", ".join(
        f"{c.read or '·'} → {c.char} ({c.joint:.2f})" for c in support.chars if c.read != c.char and c.joint
    )


def _impressions(judged: Sequence[tuple[Status, Seal, str]], name: str, settings: CheckSettings) -> list[int]:
    """The impressions that may be this name's stamp, uncertain ones first, at most
    ``max_joint_impressions``, in page order (pages are rasterised once each)."""
    near = [
        i
        for i, (status, _, read) in enumerate(judged)
        if status != Status.FAIL
        and len(read) >= settings.min_seal_read_share * len(name)
        and fuzz.ratio(read, name) >= settings.other_name_ratio
    ]
    unsure = [i for i in near if judged[i][0] == Status.UNCERTAIN]
    sure = [i for i in near if judged[i][0] != Status.UNCERTAIN]
    chosen = (unsure + sure)[: settings.max_joint_impressions]
    return sorted(chosen, key=lambda i: (judged[i][1].page, i))


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"
