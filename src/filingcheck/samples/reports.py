"""Test reports and their application forms: institution seals and the dates the validity rule reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from filingcheck.samples.facts import TestReport, person
from filingcheck.samples.page import Ctx, DrawnPage, StampRequest, cn_date
from filingcheck.samples.table import Cell, draw_rows

BASES = (
    "《保健食品检验与评价技术规范》(2003年版)",
    "GB 16740-2014《食品安全国家标准 保健食品》",
    "《保健食品及其原料安全性毒理学检验与评价技术指导原则》(2020年版)",
)
RESULTS = (
    ("铅(以Pb计)", "mg/kg", "≤2.0", "0.12"),
    ("总砷(以As计)", "mg/kg", "≤1.0", "0.05"),
    ("总汞(以Hg计)", "mg/kg", "≤0.3", "<0.003"),
    ("水分", "%", "≤9.0", "4.6"),
    ("灰分", "%", "≤5.0", "2.1"),
    ("菌落总数", "CFU/g", "≤30000", "<10"),
    ("大肠菌群", "MPN/g", "≤0.92", "<0.3"),
    ("霉菌和酵母", "CFU/g", "≤50", "<10"),
    ("金黄色葡萄球菌", "/25g", "不得检出", "未检出"),
    ("沙门氏菌", "/25g", "不得检出", "未检出"),
    ("崩解时限", "min", "≤30", "12"),
    ("装量差异", "%", "±10", "合格"),
)


def report_truth(r: TestReport, page: int) -> dict[str, Any]:
    return {
        "number": r.number,
        "issued_on": r.issued_on.isoformat(),
        "title": r.title,
        "institution": r.institution,
        "sample_name": r.shown("sample_name"),
        "submitter": r.shown("submitter"),
        "manufacturer": r.shown("manufacturer"),
        "batch": r.shown("batch"),
        "page": page,
        "n_pages": r.n_pages,
    }


def draw_report_page(ctx: Ctx, r: TestReport, index: int, page: int) -> DrawnPage:
    """Page ``page`` (1-based) of report ``index``; the first holds the summary and the conclusion."""
    c = ctx.canvas()
    pt = 12.0
    left, width = 20.0, 170.0
    c.text(105, 26, r.institution, 16, "title", align="center")
    c.text(left, 38, f"报告编号：{r.number}", 11)
    c.text(190, 38, f"第 {page} 页 共 {r.n_pages} 页", 11, align="right")
    c.line(left, 41, left + width, 41, 0.5)
    stamps: list[StampRequest] = []
    if page == 1:
        c.text(105, 56, "检验报告", 24, "hei", (20, 20, 20), "center", spacing=0.6)
        c.text(105, 66, f"（{r.title}）", 13, align="center")
        lab = 32.0
        half = (width - 2 * lab) / 2
        rows = [
            [Cell("样品名称", lab, True), Cell(r.shown("sample_name"), width - lab)],
            [Cell("送检单位", lab, True), Cell(r.shown("submitter"), width - lab)],
            [Cell("生产单位", lab, True), Cell(r.shown("manufacturer"), width - lab)],
            [
                Cell("样品批号", lab, True),
                Cell(r.shown("batch"), half),
                Cell("样品数量", lab, True),
                Cell(f"{ctx.rng.randint(10, 60)}瓶", half),
            ],
            [
                Cell("收样日期", lab, True),
                Cell(cn_date(r.received_on), half),
                Cell("检验类别", lab, True),
                Cell("注册检验", half),
            ],
            [Cell("检验项目", lab, True), Cell(r.title.removesuffix("报告"), width - lab)],
            [Cell("检验依据", lab, True), Cell(ctx.rng.choice(BASES), width - lab)],
        ]
        y = draw_rows(c, left, 74, rows, pt, min_height=11)
        # The conclusion box, with the issue date at its foot where the seal goes.
        box_h = 70.0
        c.rect(left, y, left + width, y + box_h, 0.5)
        c.line(left + lab, y, left + lab, y + box_h, 0.25)
        c.text(left + 3, y + box_h / 2, "检验结论", pt)
        c.paragraph(left + lab + 3, y + 9, width - lab - 6, r.conclusion, pt)
        c.text(left + width - 6, y + box_h - 22, "（检验检测专用章）", 11, align="right")
        c.text(left + width - 6, y + box_h - 8, f"签发日期：{cn_date(r.issued_on)}", pt, align="right")
        stamps.append(
            StampRequest(
                "institution",
                "round",
                left + width - 38 + ctx.rng.uniform(-6, 6),
                y + box_h - 22 + ctx.rng.uniform(-5, 5),
                text=r.institution,
                centre_text="检验检测专用章",
            )
        )
        y += box_h
        c.rect(left, y, left + width, y + 12, 0.5)
        c.text(left + 3, y + 8, "备　　注", pt)
        c.text(left + lab + 3, y + 8, "本报告仅对所检样品负责。", pt)
        y += 24
        for i, role in enumerate(("批准", "审核", "主检")):
            x = left + i * 58
            c.text(x, y, f"{role}：", pt)
            c.text(x + 14, y + 1, person(ctx.rng), 15, "kai", fill=(25, 35, 90))
    else:
        c.text(105, 54, "检验结果", 15, "title", align="center")
        widths = (52.0, 26.0, 34.0, 32.0, 26.0)
        head = [
            Cell(t, w, True, "center")
            for t, w in zip(("检验项目", "单位", "标准要求", "检验结果", "单项判定"), widths, strict=True)
        ]
        rows = [head]
        for name, unit, req, res in RESULTS[: ctx.rng.randint(8, len(RESULTS))]:
            rows.append(
                [
                    Cell(name, widths[0]),
                    Cell(unit, widths[1], align="center"),
                    Cell(req, widths[2], align="center"),
                    Cell(res, widths[3], align="center"),
                    Cell("符合", widths[4], align="center"),
                ]
            )
        y = draw_rows(c, left, 62, rows, 11.5, min_height=10)
        c.text(105, y + 10, "（以下空白）", 11, align="center")
        if r.seal_mode == "each" and not r.seals_missing:
            stamps.append(
                StampRequest(
                    "institution",
                    "round",
                    ctx.rng.uniform(120, 160),
                    y - ctx.rng.uniform(5, 30),
                    text=r.institution,
                    centre_text="检验检测专用章",
                )
            )
    page_out = DrawnPage(
        c, "test_report", 12, stamps, {f"report{index}"}, exempt=True, test_report=report_truth(r, page)
    )
    return page_out


def draw_test_application(ctx: Ctx, r: TestReport) -> DrawnPage:
    """保健食品注册检验申请表, filled in and stamped by the applicant."""
    c = ctx.canvas()
    f = ctx.facts
    pt = ctx.look.body_pt
    c.text(105, 34, "保健食品注册检验申请表", 18, "title", align="center")
    left, width, lab = 22.0, 166.0, 36.0
    applied = r.received_on - dt.timedelta(days=ctx.rng.randint(1, 10))
    rows = [
        [Cell(a, lab, True), Cell(b, width - lab)]
        for a, b in (
            ("产品名称", r.sample_name),
            ("送检单位", r.submitter),
            ("样品生产单位", r.manufacturer),
            ("样品批号", r.batch),
            ("剂　　型", f.form.name),
            ("规　　格", f"{f.form.unit_mass_g:g}g/{f.form.unit}"),
            ("检验机构", r.institution),
            ("检验项目", r.title.removesuffix("报告")),
            ("申请日期", cn_date(applied)),
        )
    ]
    y = draw_rows(c, left, 46, rows, pt, min_height=13)
    y += 20
    c.text(110, y, "申请单位（盖章）：", pt)
    c.text(130, y + 16, cn_date(applied), pt)
    stamp = StampRequest(
        "applicant",
        ctx.look.seal_kind,
        150 + ctx.rng.uniform(-8, 8),
        y + ctx.rng.uniform(0, 8),
        per_page=True,
    )
    return DrawnPage(c, "test_application_form", 12, [stamp], {f"report_form{r.number}"})
