"""The business licence copy, with the red emblem that a seal detector must not take for a seal."""

from __future__ import annotations

import math
import random

from PIL import ImageDraw

from filingcheck.samples.canvas import Canvas
from filingcheck.samples.page import Ctx, DrawnPage, StampRequest, cn_date

OLIVE = (150, 152, 96)
GREY = (150, 150, 150)
EMBLEM_RED = (214, 30, 36)
EMBLEM_GOLD = (236, 196, 70)


def draw_licence(ctx: Ctx) -> DrawnPage:
    c = ctx.canvas()
    colour = ctx.look.licence_colour
    draw = _portrait if ctx.look.licence_style == "portrait" else _landscape
    stamps = draw(c, ctx, colour)
    # The applicant certifies the copy and stamps it.
    portrait = ctx.look.licence_style == "portrait"
    x = ctx.rng.uniform(45, 72) if portrait else ctx.rng.uniform(60, 120)
    y = ctx.rng.uniform(232, 250) if portrait else ctx.rng.uniform(195, 250)
    c.text(x - 20, y, "此复印件与原件一致", 14, "kai", fill=(30, 30, 40))
    stamps.append(
        StampRequest("applicant", ctx.look.seal_kind, x + ctx.rng.uniform(5, 25), y - 3, per_page=True)
    )
    return DrawnPage(c, "business_licence", 2, stamps, {"licence"})


def _frame(c: Canvas, x0: float, y0: float, x1: float, y1: float, colour: bool, rng: random.Random) -> None:
    """A guilloche-like border: interleaved sine ribbons between two rules."""
    ink = OLIVE if colour else GREY
    band = 7.0
    c.rect(x0, y0, x1, y1, 0.5, outline=ink)
    c.rect(x0 + band, y0 + band, x1 - band, y1 - band, 0.35, outline=ink)
    draw = ImageDraw.Draw(c.image)
    wave = rng.uniform(3.5, 5.0)
    for k in range(5):
        phase = k * math.pi / 2.5
        for horizontal, fixed0, fixed1, lo, hi in (
            (True, y0, y1, x0, x1),
            (False, x0, x1, y0, y1),
        ):
            for fixed in (fixed0 + band / 2, fixed1 - band / 2):
                pts = []
                steps = int((hi - lo) / 0.8)
                for i in range(steps + 1):
                    t = lo + (hi - lo) * i / steps
                    off = math.sin(t / wave * 2 * math.pi + phase) * band * 0.38
                    px, py = (t, fixed + off) if horizontal else (fixed + off, t)
                    pts.append((c.px(px), c.px(py)))
                draw.line(pts, fill=ink, width=max(1, round(c.px(0.18))))


def _emblem(c: Canvas, cx: float, cy: float, r: float, colour: bool) -> None:
    """A filled red round emblem with gold stars and a gate: red, but not a seal."""
    red = EMBLEM_RED if colour else (95, 95, 95)
    gold = EMBLEM_GOLD if colour else (200, 200, 200)
    d = c.draw
    d.ellipse([c.px(cx - r), c.px(cy - r), c.px(cx + r), c.px(cy + r)], fill=gold)
    d.ellipse([c.px(cx - r * 0.86), c.px(cy - r * 0.86), c.px(cx + r * 0.86), c.px(cy + r * 0.86)], fill=red)
    _star(c, cx, cy - r * 0.38, r * 0.26, gold)
    for ang in (-60, -25, 25, 60):
        a = math.radians(ang)
        _star(
            c,
            cx + r * 0.5 * math.sin(a),
            cy - r * 0.38 - r * 0.05 - r * 0.3 * math.cos(a) + r * 0.3,
            r * 0.09,
            gold,
        )
    d.rectangle(
        [c.px(cx - r * 0.45), c.px(cy + r * 0.12), c.px(cx + r * 0.45), c.px(cy + r * 0.22)], fill=gold
    )
    d.rectangle(
        [c.px(cx - r * 0.32), c.px(cy + r * 0.22), c.px(cx + r * 0.32), c.px(cy + r * 0.5)], fill=gold
    )
    for k in (-0.18, 0.0, 0.18):
        d.rectangle(
            [c.px(cx + (k - 0.05) * r), c.px(cy + r * 0.3), c.px(cx + (k + 0.05) * r), c.px(cy + r * 0.5)],
            fill=red,
        )
    d.rectangle([c.px(cx - r * 0.6), c.px(cy + r * 0.5), c.px(cx + r * 0.6), c.px(cy + r * 0.62)], fill=gold)


def _star(c: Canvas, cx: float, cy: float, r: float, fill: tuple[int, int, int]) -> None:
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.382
        a = math.pi * i / 5
        pts.append((c.px(cx + rad * math.sin(a)), c.px(cy - rad * math.cos(a))))
    c.draw.polygon(pts, fill=fill)


def _qr(c: Canvas, x: float, y: float, size: float, rng: random.Random) -> None:
    """A QR-like block: three finder squares and random modules."""
    n = 25
    cell = size / n
    for i in range(n):
        for j in range(n):
            on = rng.random() < 0.5
            for i0, j0 in ((0, 0), (0, n - 7), (n - 7, 0)):
                a, b = i - i0, j - j0
                if 0 <= a < 7 and 0 <= b < 7:
                    on = a in (0, 6) or b in (0, 6) or (2 <= a <= 4 and 2 <= b <= 4)
            if on:
                c.rect(
                    x + j * cell,
                    y + i * cell,
                    x + (j + 1) * cell,
                    y + (i + 1) * cell,
                    0.1,
                    fill=(20, 20, 20),
                    outline=None,
                )


def _values(ctx: Ctx) -> dict[str, str]:
    lic = ctx.facts.licence
    end = "长期" if lic.term_end is None else cn_date(lic.term_end)
    return {
        "名称": lic.name,
        "类型": lic.kind,
        "住所": lic.address,
        "法定代表人": lic.legal_rep,
        "注册资本": lic.capital,
        "成立日期": cn_date(lic.founded_on),
        "营业期限": f"{cn_date(lic.founded_on)}至{end}",
        "经营范围": lic.scope,
    }


def _portrait(c: Canvas, ctx: Ctx, colour: bool) -> list[StampRequest]:
    """The older upright 副本: one column of fields under the title."""
    lic = ctx.facts.licence
    _frame(c, 14, 16, 196, 280, colour, ctx.rng)
    _emblem(c, 105, 38, 12.5, colour)
    c.text(105, 70, "营业执照", 30, "hei", (20, 20, 20), "center", spacing=0.55)
    c.text(105, 80, "（副　本）", 14, "ming", align="center")
    c.text(32, 92, "统一社会信用代码", 12, "hei")
    c.text(74, 92, lic.uscc, 13, "latin")
    if ctx.rng.random() < 0.6:
        _qr(c, 160, 28, 20, ctx.rng)
    y = 108.0
    values = _values(ctx)
    order = ("名称", "类型", "住所", "法定代表人", "注册资本", "成立日期", "营业期限", "经营范围")
    for label in order:
        c.spread(32, y, 26, label, 12.5, "hei")
        lines = c.wrap(values[label], 12, 114)
        for i, line in enumerate(lines):
            c.text(64, y + i * 6.6, line, 12, "ming")
        y += max(1, len(lines)) * 6.6 + 5
    c.text(124, 236, "登记机关", 14, "hei")
    c.text(124, 262, cn_date(lic.issued_on), 13, "ming")
    return [
        StampRequest(
            "authority",
            "round",
            150 + ctx.rng.uniform(-4, 4),
            247 + ctx.rng.uniform(-4, 4),
            text=lic.authority,
            diameter=ctx.rng.uniform(38, 42),
            grey=not colour,
        )
    ]


def _landscape(c: Canvas, ctx: Ctx, colour: bool) -> list[StampRequest]:
    """The current landscape 副本, reduced onto the top of the A4 copy: two columns of fields."""
    lic = ctx.facts.licence
    top = ctx.rng.uniform(26, 36)
    _frame(c, 12, top, 198, top + 142, colour, ctx.rng)
    _emblem(c, 105, top + 2, 10.5, colour)
    c.text(105, top + 30, "营业执照", 24, "hei", (20, 20, 20), "center", spacing=0.5)
    c.text(105, top + 39, "（副　本）", 11, "ming", align="center")
    c.text(24, top + 20, "统一社会信用代码", 10, "hei")
    c.text(24, top + 27, lic.uscc, 11, "latin")
    _qr(c, 164, top + 14, 17, ctx.rng)
    values = _values(ctx)
    columns = (("名称", "类型", "法定代表人", "经营范围"), ("注册资本", "成立日期", "营业期限", "住所"))
    for col, labels in enumerate(columns):
        x = 24 if col == 0 else 110
        # Values wrap before the next column, and the right column's before the frame's band.
        width = 62 if col == 0 else 57
        y = top + 50.0
        for label in labels:
            c.spread(x, y, 19, label, 10.5, "hei")
            lines = c.wrap(values[label], 10, width)
            for i, line in enumerate(lines):
                c.text(x + 22, y + i * 4.9, line, 10, "ming")
            y += max(1, len(lines)) * 4.9 + 5
    c.text(128, top + 112, "登记机关", 11, "hei")
    c.text(150, top + 127, cn_date(lic.issued_on), 10, "ming")
    return [
        StampRequest(
            "authority",
            "round",
            166 + ctx.rng.uniform(-3, 3),
            top + 117 + ctx.rng.uniform(-3, 3),
            text=lic.authority,
            diameter=ctx.rng.uniform(28, 31),
            grey=not colour,
        )
    ]
