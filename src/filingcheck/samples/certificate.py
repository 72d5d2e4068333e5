"""The copy of the approval certificate (保健食品批准证书) that change applications carry (section 六(四))."""

from __future__ import annotations

import datetime as dt

from filingcheck.samples.page import Ctx, DrawnPage, StampRequest, cn_date
from filingcheck.samples.table import Cell, draw_rows

AUTHORITY = "国家食品药品监督管理局"


def draw_certificate(ctx: Ctx) -> DrawnPage:
    """批准证书: number, product, holder name and address as the authority registered them."""
    c = ctx.canvas()
    f = ctx.facts
    holder, address = f.certificate or (f.applicant.name, f.applicant.address)
    approved = f.submitted_on - dt.timedelta(days=ctx.rng.randint(400, 1500))
    number = f"国食健字G{approved.year}{ctx.rng.randint(0, 9999):04d}"
    c.rect(16, 18, 194, 262, 0.8, outline=(120, 40, 40))
    c.text(105, 42, "保健食品批准证书", 24, "hei", (20, 20, 20), "center", spacing=0.4)
    c.text(105, 56, f"批准文号：{number}", 13, "ming", align="center")
    pt = 12.0
    label = 34.0
    rows = [
        [Cell("产品名称", label, True), Cell(f.product_name, 140)],
        [Cell("申 请 人", label, True), Cell(holder, 140)],
        [Cell("申请人地址", label, True), Cell(address, 140)],
        [Cell("保健功能", label, True), Cell(f.kind.function, 140)],
        [Cell("规    格", label, True), Cell(f"{f.form.unit_mass_g:g}g/{f.form.unit}", 140)],
        [Cell("批准日期", label, True), Cell(cn_date(approved), 140)],
        [Cell("有效期至", label, True), Cell(cn_date(approved.replace(year=approved.year + 5)), 140)],
    ]
    y = draw_rows(c, 18 + 0.5 * (174 - label - 140), 70, rows, pt, min_height=12.0)
    c.text(120, y + 28, AUTHORITY, 14, "hei")
    c.text(128, y + 40, cn_date(approved), 13, "ming")
    c.text(40, 250, "此复印件与原件一致", 14, "kai", fill=(30, 30, 40))
    stamps = [
        StampRequest("authority", "round", 150 + ctx.rng.uniform(-4, 4), y + 30, text=AUTHORITY, diameter=40),
        StampRequest("applicant", ctx.look.seal_kind, 80 + ctx.rng.uniform(0, 15), 246, per_page=True),
    ]
    return DrawnPage(c, "approval_certificate", 2, stamps, {"certificate"})
