"""Legal-form endings of organisation names on seals, to mend one misread character in them.

The last characters of a seal title are the organisation's form (有限公司, 研究院, 检验中心):
a small, closed vocabulary. An ending one character away from exactly one of these words, and
exactly equal to none, is that word with a misread character; the distinctive part of the
name before it is never touched, so a different company is never made to look like ours.
"""

from __future__ import annotations

FORMS: tuple[str, ...] = (
    "有限公司",
    "有限责任公司",
    "股份有限公司",
    "集团有限公司",
    "分公司",
    "总公司",
    "研究院",
    "研究所",
    "研究中心",
    "检验所",
    "检测所",
    "检验中心",
    "检测中心",
    "控制中心",
    "监督检验研究院",
    "检验研究院",
    "委员会",
    "管理局",
    "事务所",
    "合作社",
    "医院",
    "大学",
    "学院",
)


def mend_form(title: str) -> str:
    """``title`` with its legal-form ending mended where one character of it was misread."""
    if any(title.endswith(form) for form in FORMS):
        return title
    near = [
        form
        for form in FORMS
        if len(form) >= 3 and len(title) > len(form) and _one_off(title[-len(form) :], form)
    ]
    if not near:
        return title
    # The longest form agrees with the most characters read (检验研究境: 检验研究院, not 研究所).
    longest = max(len(form) for form in near)
    mended = {title[: -len(form)] + form for form in near if len(form) == longest}
    # Two forms as long that mend it differently (研究院 or 研究所?): the reading cannot tell.
    return mended.pop() if len(mended) == 1 else title


def _one_off(a: str, b: str) -> bool:
    """Same length, exactly one character different."""
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1
