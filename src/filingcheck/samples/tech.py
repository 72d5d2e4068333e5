"""Technical pages (formula, process chart, quality standard, label) that give dossiers real variety."""

from __future__ import annotations

from typing import Any

from filingcheck.samples.page import Ctx, DrawnPage, StampRequest, furniture, signature_block
from filingcheck.samples.prose import paragraphs
from filingcheck.samples.table import Cell, draw_rows

STEPS = {
    "胶囊": (
        "原辅料验收",
        "称量配料",
        "粉碎过筛",
        "混合",
        "胶囊充填",
        "抛光",
        "内包装",
        "外包装",
        "成品检验",
        "入库",
    ),
    "软胶囊": (
        "原辅料验收",
        "配料",
        "胶体磨研磨",
        "化胶",
        "压丸",
        "定型干燥",
        "洗丸",
        "内包装",
        "外包装",
        "成品检验",
        "入库",
    ),
    "片": (
        "原辅料验收",
        "称量",
        "粉碎过筛",
        "混合",
        "制粒",
        "干燥",
        "整粒",
        "总混",
        "压片",
        "包衣",
        "内包装",
        "外包装",
        "入库",
    ),
    "颗粒": (
        "原辅料验收",
        "称量",
        "粉碎过筛",
        "混合",
        "制粒",
        "干燥",
        "整粒",
        "分装",
        "外包装",
        "成品检验",
        "入库",
    ),
    "口服液": (
        "原料提取",
        "浓缩",
        "配液",
        "过滤",
        "灌装",
        "压盖",
        "灭菌",
        "灯检",
        "贴签包装",
        "成品检验",
        "入库",
    ),
}


def formula_lines(ctx: Ctx) -> list[dict[str, Any]]:
    """The formula as printed: amounts per 1000 units, or percentages under the defect."""
    f = ctx.facts
    if not f.formula_in_percent:
        return [
            {
                "ingredient": ln.ingredient,
                "amount": ln.amount,
                "unit": ln.unit,
                "basis": f.basis,
                "excipient": ln.excipient,
            }
            for ln in f.formula
        ]
    total = sum(float(ln.amount) for ln in f.formula)
    return [
        {
            "ingredient": ln.ingredient,
            "amount": f"{float(ln.amount) / total * 100:.2f}",
            "unit": "%",
            "basis": "按质量百分比计",
            "excipient": ln.excipient,
        }
        for ln in f.formula
    ]


def draw_formula(ctx: Ctx) -> DrawnPage:
    c = ctx.canvas()
    f = ctx.facts
    pt = ctx.look.body_pt
    y = furniture(c, ctx, 1, 1) + 8
    c.text(105, y, "产品配方", 16, "title", align="center")
    y += 12
    c.text(ctx.left, y, f"产品名称：{f.product_name}", pt)
    y += ctx.em * 2
    lines = formula_lines(ctx)
    basis = lines[0]["basis"]
    c.text(ctx.right, y, f"（{basis}）", pt, align="right")
    y += 4
    width = ctx.right - ctx.left
    head = "用量" if not f.formula_in_percent else "配比"
    header = [
        Cell("序号", 18, True, "center"),
        Cell("原料名称", width - 78, True, "center"),
        Cell(head, 34, True, "center"),
        Cell("单位", 26, True, "center"),
    ]
    rows = [header]
    n = 0
    for section, excipient in (("原料", False), ("辅料", True)):
        if ctx.rng.random() < 0.5:
            rows.append([Cell(section, width, True)])
        for ln in (x for x in lines if x["excipient"] == excipient):
            n += 1
            rows.append(
                [
                    Cell(str(n), 18, align="center"),
                    Cell(ln["ingredient"], width - 78),
                    Cell(ln["amount"], 34, align="center"),
                    Cell(ln["unit"], 26, align="center"),
                ]
            )
    y = draw_rows(c, ctx.left, y, rows, pt, min_height=9.5) + ctx.em * 2
    for text in paragraphs(7, f, ctx.rng, 2):
        y = c.paragraph(ctx.left, y, width, text, pt) + ctx.em * 0.3
    stamp = signature_block(c, ctx, max(y + 10, 225.0), f.submitted_on)
    return DrawnPage(c, "formula", 7, [stamp], {"formula"})


def draw_process(ctx: Ctx) -> DrawnPage:
    c = ctx.canvas()
    f = ctx.facts
    y = furniture(c, ctx, 1, None) + 8
    c.text(105, y, "生产工艺流程图", 16, "title", align="center")
    y += 8
    kind = {"咀嚼片": "片", "含片": "片", "粉": "颗粒"}.get(f.form.name, f.form.name)
    steps = STEPS[kind]
    step_h = min(15.0, (228 - y) / len(steps))
    box_w, box_h = 46.0, step_h * 0.55
    x = 105 - box_w / 2
    clean = (steps.index("混合") if "混合" in steps else 2, len(steps) - 3)
    for i, name in enumerate(steps):
        top = y + i * step_h
        c.rect(x, top, x + box_w, top + box_h, 0.3)
        c.text(105, top + box_h * 0.72, name, 11, align="center")
        if i < len(steps) - 1:
            c.line(105, top + box_h, 105, top + step_h, 0.3)
            c.draw.polygon(
                [
                    (c.px(103.8), c.px(top + step_h - 2)),
                    (c.px(106.2), c.px(top + step_h - 2)),
                    (c.px(105), c.px(top + step_h)),
                ],
                fill=(28, 28, 30),
            )
    for i in (1, clean[0]):
        c.text(x + box_w + 6, y + i * step_h + box_h * 0.72, "← 关键控制点", 9)
    top, bottom = y + clean[0] * step_h - 2, y + clean[1] * step_h + box_h + 2
    for k in range(int((bottom - top) / 3)):
        c.line(x - 8, top + k * 3, x - 8, top + k * 3 + 1.6, 0.2)
        c.line(x + box_w + 40, top + k * 3, x + box_w + 40, top + k * 3 + 1.6, 0.2)
    c.text(x - 10, (top + bottom) / 2, "十万级洁净区", 9, align="right")
    note = f"注：虚线框内工序在十万级洁净区内进行；{f.product_name}的关键工艺参数见生产工艺说明。"
    c.paragraph(
        ctx.left, y + len(steps) * step_h + 4, ctx.right - ctx.left, note, ctx.look.body_pt - 1, indent=0
    )
    stamp = signature_block(c, ctx, 252.0, f.submitted_on)
    return DrawnPage(c, "production_process", 9, [stamp])


def draw_standard(ctx: Ctx) -> DrawnPage:
    c = ctx.canvas()
    f = ctx.facts
    pt = ctx.look.body_pt
    y = furniture(c, ctx, 1, None) + 8
    c.text(105, y, f"{f.product_name}质量标准", 15, "title", align="center")
    y += 12
    width = ctx.right - ctx.left
    y = (
        c.paragraph(
            ctx.left,
            y,
            width,
            f"本标准规定了{f.product_name}的技术要求、检验方法、标志、包装、运输和贮存要求。"
            f"本标准适用于以{f.kind.raw[0][0]}等为原料制成的{f.form.name}。",
            pt,
        )
        + ctx.em
    )
    c.text(ctx.left, y, "理化指标", pt, "title")
    y += 3
    rows = [[Cell("项　目", width * 0.6, True, "center"), Cell("指　标", width * 0.4, True, "center")]]
    items = [
        ("水分/(%)", "≤ 9.0"),
        ("灰分/(%)", "≤ 5.0"),
        ("铅(以Pb计)/(mg/kg)", "≤ 2.0"),
        ("总砷(以As计)/(mg/kg)", "≤ 1.0"),
        ("总汞(以Hg计)/(mg/kg)", "≤ 0.3"),
        (f"{f.kind.marker}/(g/100g)", f"≥ {ctx.rng.uniform(0.5, 8):.1f}"),
    ]
    if f.form.unit in ("粒", "片"):
        items.insert(2, ("崩解时限/(min)", "≤ 60" if f.form.name == "软胶囊" else "≤ 30"))
    rows += [[Cell(a, width * 0.6), Cell(b, width * 0.4, align="center")] for a, b in items]
    y = draw_rows(c, ctx.left, y, rows, pt - 0.5, min_height=8.5) + ctx.em * 1.5
    c.text(ctx.left, y, "微生物指标", pt, "title")
    y += 3
    micro = [
        ("菌落总数/(CFU/g)", "≤ 30000"),
        ("大肠菌群/(MPN/g)", "≤ 0.92"),
        ("霉菌和酵母/(CFU/g)", "≤ 50"),
        ("金黄色葡萄球菌", "≤ 0/25g"),
        ("沙门氏菌", "≤ 0/25g"),
    ]
    rows = [[Cell("项　目", width * 0.6, True, "center"), Cell("指　标", width * 0.4, True, "center")]]
    rows += [[Cell(a, width * 0.6), Cell(b, width * 0.4, align="center")] for a, b in micro]
    y = draw_rows(c, ctx.left, y, rows, pt - 0.5, min_height=8.5)
    stamp = StampRequest(
        "applicant", ctx.look.seal_kind, ctx.rng.uniform(110, 160), min(y - 20, 240), per_page=True
    )
    return DrawnPage(c, "quality_standard", 10, [stamp])


def draw_label(ctx: Ctx) -> DrawnPage:
    c = ctx.canvas()
    f = ctx.facts
    pt = ctx.look.body_pt
    y = furniture(c, ctx, 1, 1) + 8
    c.text(105, y, "产品说明书（样稿）", 16, "title", align="center")
    y += 8
    raw = "、".join(ln.ingredient for ln in f.formula if not ln.excipient)
    aux = "、".join(ln.ingredient for ln in f.formula if ln.excipient)
    fields = [
        ("产品名称", f.product_name),
        ("原料", raw),
        ("辅料", aux),
        ("功效成分及含量", f"每100g含：{f.kind.marker} {ctx.rng.uniform(0.5, 8):.1f}g"),
        ("保健功能", f.kind.function),
        ("适宜人群", "成人"),
        ("不适宜人群", "少年儿童、孕妇、乳母"),
        ("食用量及食用方法", f"每日{ctx.rng.choice('12')}次，每次{ctx.rng.choice('12')}{f.form.unit}，口服"),
        ("规格", f"{f.form.unit_mass_g:g}g/{f.form.unit}"),
        ("贮藏方法", "密封，置阴凉干燥处"),
        ("保质期", f"{ctx.rng.choice((18, 24, 36))}个月"),
        ("注意事项", "本品不能代替药物；不宜超过推荐量食用"),
    ]
    top = y
    y += 10
    width = ctx.right - ctx.left - 12
    for label, value in fields:
        y = (
            c.paragraph(ctx.left + 6, y, width, f"【{label}】{value}", pt, indent=0, leading=1.55)
            + ctx.em * 0.5
        )
    c.rect(ctx.left, top, ctx.right, y, 0.4)
    c.text(ctx.left + 6, y + 10, f"生产企业：{f.trial_unit.name}", pt - 1)
    stamp = StampRequest(
        "applicant", ctx.look.seal_kind, ctx.rng.uniform(110, 160), min(y - 15, 245), per_page=True
    )
    return DrawnPage(c, "label_instructions", 13, [stamp])
