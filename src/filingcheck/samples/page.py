"""What every page drawer shares: the dossier's look, the seals a page asks for, and the drawn result."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from filingcheck.samples.canvas import Canvas
from filingcheck.samples.facts import Facts

CN_DIGITS = "〇一二三四五六七八九"


@dataclass(frozen=True)
class Look:
    """Typographic choices made once per dossier, so one dossier looks like one applicant's work."""

    body: str
    title: str
    body_pt: float
    margin: float
    header: bool
    footer: bool
    form_layout: str  # "two_col" or "mixed"
    licence_style: str  # "portrait" or "landscape"
    licence_colour: bool
    seal_kind: str  # "round" or "oval"
    seal_centre: str
    seal_number: str
    seal_face: str

    @property
    def faces(self) -> dict[str, str]:
        return {"body": self.body, "title": self.title, "hei": "hei", "kai": "kai", "ming": "ming"}


def make_look(rng: random.Random, division: str) -> Look:
    body = rng.choice(("ming", "ming", "hei", "droid", "kai"))
    title = rng.choice(("hei", body))
    number = division + "".join(rng.choice("0123456789") for _ in range(7)) if rng.random() < 0.4 else ""
    return Look(
        body=body,
        title=title,
        body_pt=rng.choice((12.0, 12.0, 12.5, 13.0)),
        margin=rng.uniform(22, 28),
        header=rng.random() < 0.5,
        footer=rng.random() < 0.7,
        form_layout=rng.choice(("two_col", "mixed")),
        licence_style=rng.choice(("portrait", "landscape")),
        licence_colour=rng.random() < 0.75,
        seal_kind="oval" if rng.random() < 0.12 else "round",
        seal_centre=rng.choice(("", "", "", "合同专用章")),
        seal_number=number,
        seal_face=rng.choice(("hei", "hei", "ming")),
    )


@dataclass
class StampRequest:
    """A seal a page asks for, centred at (x, y) mm; ``text`` None means the applicant's seal text."""

    owner: str
    kind: str
    x: float
    y: float
    text: str | None = None
    centre_text: str = ""
    number: str = ""
    diameter: float = 42.0
    grey: bool = False
    per_page: bool = False


@dataclass
class DrawnPage:
    canvas: Canvas
    doc_type: str
    item: int | None
    stamps: list[StampRequest] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    exempt: bool = False
    test_report: dict[str, Any] | None = None


@dataclass
class Ctx:
    """The facts, the look, the resolution and this page's random stream."""

    facts: Facts
    look: Look
    dpi: int
    rng: random.Random
    toc_pages: dict[int, int] = field(default_factory=dict)

    def canvas(self) -> Canvas:
        return Canvas.a4(self.dpi, self.look.faces)

    @property
    def left(self) -> float:
        return self.look.margin

    @property
    def right(self) -> float:
        return 210.0 - self.look.margin + 4

    @property
    def em(self) -> float:
        return self.look.body_pt * 25.4 / 72


def cn_date(d: dt.date, style: int = 0) -> str:
    """A date the way Chinese paperwork prints it."""
    if style == 1:
        year = "".join(CN_DIGITS[int(c)] for c in str(d.year))
        return f"{year}年{_cn_number(d.month)}月{_cn_number(d.day)}日"
    if style == 2:
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


def _cn_number(n: int) -> str:
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")
    return head + (CN_DIGITS[ones] if ones else "") if n >= 10 else CN_DIGITS[n]


def furniture(
    c: Canvas, ctx: Ctx, page_in_item: int | None = None, pages_in_item: int | None = None
) -> float:
    """Running header and footer; returns the y of the first body baseline."""
    top = 24.0
    if ctx.look.header:
        c.text(ctx.left, 14, f"{ctx.facts.product_name}　注册申报资料", 9, "body", fill=(70, 70, 70))
        c.line(ctx.left, 16, ctx.right, 16, 0.2, fill=(90, 90, 90))
        top = 28.0
    if ctx.look.footer and page_in_item is not None:
        text = f"第 {page_in_item} 页" + (f" 共 {pages_in_item} 页" if pages_in_item else "")
        c.text(105, 285, text, 9, "body", fill=(60, 60, 60), align="center")
    return top


def signature_block(c: Canvas, ctx: Ctx, y: float, day: dt.date, who: str = "申请人") -> StampRequest:
    """The closing lines 申请人（盖章）and the date; the applicant's seal goes over them."""
    pt = ctx.look.body_pt
    x = ctx.right - 95
    c.text(
        x,
        y,
        f"{who}（盖章）：{ctx.facts.applicant.name}"
        if len(ctx.facts.applicant.name) < 16
        else f"{who}（盖章）：",
        pt,
    )
    if len(ctx.facts.applicant.name) >= 16:
        c.text(x + 8, y + ctx.em * 1.6, ctx.facts.applicant.name, pt)
        y += ctx.em * 1.6
    c.text(x + 40, y + ctx.em * 2, cn_date(day, ctx.rng.choice((0, 1, 2))), pt)
    return StampRequest(
        "applicant",
        ctx.look.seal_kind,
        x + ctx.rng.uniform(38, 58),
        y + ctx.rng.uniform(-2, 6),
        per_page=True,
    )
