"""The front matter (contents, application form, cover sheets), where the compared fields first appear."""

from __future__ import annotations

import datetime as dt

from filingcheck.samples import vocab
from filingcheck.samples.facts import APPLICATION_TYPE_TEXT
from filingcheck.samples.page import Ctx, DrawnPage, StampRequest, cn_date, furniture
from filingcheck.samples.table import Cell, draw_rows


def draw_toc(ctx: Ctx) -> DrawnPage:
    """申报资料项目目录: the items of the notice in order, with the page each starts on."""
    c = ctx.canvas()
    f = ctx.facts
    pt = ctx.look.body_pt
    y = furniture(c, ctx) + 12
    c.text(105, y, "申报资料项目目录", 20, "title", align="center")
    y += 14
    c.text(ctx.left, y, f"产品名称：{f.product_name}", pt)
    y += ctx.em * 1.8
    c.text(ctx.left, y, f"申 请 人：{f.applicant.name}", pt)
    y += ctx.em * 2.6
    width = ctx.right - ctx.left
    items = list(vocab.ITEMS)
    if f.toc_swap:
        a, b = f.toc_swap
        items[a], items[b] = items[b], items[a]
    for number, name, _ in items:
        label = f"{number}．{name}"
        page = ctx.toc_pages.get(number)
        lines = c.wrap(label, pt, width - 20)
        for i, line in enumerate(lines):
            c.text(ctx.left + (0 if i == 0 else ctx.em * 1.6), y, line, pt)
            if i == len(lines) - 1 and page is not None:
                used = c.width(line, pt) + (0 if i == 0 else ctx.em * 1.6) + 1.5
                room = width - used - c.width(str(page), pt) - 2.5
                dots = "·" * max(2, int(room / c.width("·", pt * 0.9, "ming")))
                c.text(ctx.left + used, y, dots, pt * 0.9, "ming", fill=(90, 90, 90))
                c.text(ctx.right, y, str(page), pt, align="right")
            y += ctx.em * 1.55
        y += ctx.em * 0.35
    stamp = StampRequest(
        "applicant",
        ctx.look.seal_kind,
        ctx.right - ctx.rng.uniform(30, 60),
        y - ctx.rng.uniform(10, 40),
        per_page=True,
    )
    return DrawnPage(c, "table_of_contents", None, [stamp], {"toc"})


def _form_rows(ctx: Ctx, width: float, label_width: float) -> list[list[Cell]]:
    f = ctx.facts
    # Labels never wrap: a form is laid out so that its longest label fits its column.
    lab = max(ctx.rng.choice((30.0, 34.0, 38.0)), label_width + 6)
    val = width - lab
    align = ctx.rng.choice(("left", "spread", "center"))

    def wide(label: str, value: str) -> list[Cell]:
        return [Cell(label, lab, True, align), Cell(value, val)]

    def pair(l1: str, v1: str, l2: str, v2: str) -> list[Cell]:
        half = (val - lab) / 2
        return [Cell(l1, lab, True, align), Cell(v1, half), Cell(l2, lab, True, align), Cell(v2, half)]

    func = f.kind.function
    if ctx.look.form_layout == "two_col":
        return [
            wide("产品名称", f.product_name),
            wide("申请类别", APPLICATION_TYPE_TEXT),
            wide("申请人名称", f.form_applicants),
            wide("申请人地址", f.applicant.address),
            wide("法定代表人", f.applicant.legal_rep),
            wide("联系人", f.contact),
            wide("联系电话", f.phone),
            wide("试制单位名称", f.trial_unit.name),
            wide("试制单位地址", f.trial_unit.address),
            wide("试验单位名称", f.test_unit),
            wide("受理编号", f.acceptance_number),
            wide("保健功能", func),
        ]
    return [
        wide("产品名称", f.product_name),
        wide("申请类别", APPLICATION_TYPE_TEXT),
        wide("申请人名称", f.form_applicants),
        wide("申请人地址", f.applicant.address),
        pair("法定代表人", f.applicant.legal_rep, "联系人", f.contact),
        pair("联系电话", f.phone, "剂型", f.form.name),
        wide("试制单位名称", f.trial_unit.name),
        wide("试制单位地址", f.trial_unit.address),
        wide("试验单位名称", f.test_unit),
        pair("受理编号", f.acceptance_number, "规格", f"{f.form.unit_mass_g:g}g/{f.form.unit}"),
        wide("保健功能", func),
    ]


def draw_form(ctx: Ctx, part: int, parts: int) -> DrawnPage:
    """保健食品注册申请表; part 1 holds the table, part 2 the attachment list and signatures."""
    c = ctx.canvas()
    f = ctx.facts
    pt = ctx.look.body_pt
    left = ctx.rng.uniform(18, 24)
    width = 210 - 2 * left
    y = 22.0
    stamps: list[StampRequest] = []
    if part == 1:
        c.text(105, y + 10, "保健食品注册申请表", 22, "title", align="center")
        c.text(105, y + 20, "（国产）", 14, "title", align="center")
        y += 30
        y = draw_rows(
            c,
            left,
            y,
            _form_rows(ctx, width, c.width("试制单位名称", pt)),
            pt,
            min_height=ctx.rng.choice((11.0, 12.5, 14.0)),
        )
        y += 10
    else:
        c.text(left, y + 8, "所附资料：", pt + 1, "title")
        y += 16
        for number, name, _ in vocab.ITEMS:
            for line in c.wrap(f"{number}．{name}", pt, width - 6):
                c.text(left + 4, y, line, pt)
                y += ctx.em * 1.5
        y += 10
    if part == parts:
        c.text(
            left,
            y + 6,
            "申请人保证：本申请表内容及所附资料均真实、合法，如有不实之处，愿负相应的法律责任。",
            pt - 0.5,
        )
        y += 22
        c.text(left + 8, y, "申请人（签章）：", pt)
        c.text(left + 8, y + 14, "法定代表人（签字）：", pt)
        c.text(left + 60, y + 14, f.applicant.legal_rep, pt + 4, "kai", fill=(25, 40, 110))
        c.text(width - 40, y + 30, cn_date(f.submitted_on - _days(ctx, 3, 20)), pt)
        stamps.append(
            StampRequest(
                "applicant", ctx.look.seal_kind, left + ctx.rng.uniform(70, 95), y + ctx.rng.uniform(0, 8)
            )
        )
        if ctx.rng.random() < 0.5:
            stamps.append(
                StampRequest(
                    "applicant",
                    "square",
                    left + ctx.rng.uniform(110, 125),
                    y + 12,
                    text=f.applicant.legal_rep,
                    diameter=ctx.rng.uniform(16, 20),
                )
            )
    c.text(105, 287, f"第 {part} 页 共 {parts} 页", 9, align="center", fill=(60, 60, 60))
    return DrawnPage(c, "application_form", 1, stamps, {"form"}, exempt=True)


def _days(ctx: Ctx, lo: int, hi: int) -> dt.timedelta:
    return dt.timedelta(days=ctx.rng.randint(lo, hi))


def draw_cover(ctx: Ctx, item: int, odd_product: str | None = None) -> DrawnPage:
    """封页: item name at the top right, product and applicant in the middle."""
    c = ctx.canvas()
    f = ctx.facts
    name = next(n for i, n, _ in vocab.ITEMS if i == item)
    label = f"{item}．{name}" if ctx.rng.random() < 0.6 else f"资料{item}：{name}"
    lines = c.wrap(label, 12, 80)
    y = 30.0
    for line in lines:
        c.text(190 - 4, y, line, 12, "body", align="right")
        y += 6.5
    if ctx.rng.random() < 0.5:
        c.rect(186 - max(c.width(line, 12) for line in lines) - 3, 24, 189, y - 3.5, 0.3)
    product = odd_product or f.product_name
    mid = ctx.rng.uniform(110, 135)
    c.text(105, mid, product, 22, "title", align="center")
    c.text(105, mid - 22, "保健食品注册申报资料", 16, "title", align="center")
    c.text(105, mid + 40, f"申请人：{f.applicant.name}", 15, "body", align="center")
    day = cn_date(f.submitted_on, ctx.rng.choice((0, 1)))
    c.text(105, mid + 58, day, 14, "body", align="center")
    stamp = StampRequest(
        "applicant",
        ctx.look.seal_kind,
        105 + c.width(f.applicant.name, 15) / 2 - 12,
        mid + 44 + ctx.rng.uniform(-4, 4),
        per_page=True,
    )
    tags = {"cover_odd"} if odd_product else set()
    return DrawnPage(c, "cover_sheet", item, [stamp], tags)
