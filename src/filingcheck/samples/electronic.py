"""The electronic version as a text-layer PDF, ruled tables so that extraction reads cells, not layout."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from filingcheck.samples.canvas import FONT_FILES

TITLES = ("保健食品注册申请表（电子版）", "产品配方", "原料名称用量单位（）")
FORM_LABELS = (
    ("产品名称", "product_name"),
    ("申请人名称", "applicant_name"),
    ("申请人地址", "applicant_address"),
    ("法定代表人", "legal_representative"),
    ("试制单位名称", "trial_unit_name"),
    ("试制单位地址", "trial_unit_address"),
    ("试验单位名称", "test_unit_name"),
    ("受理编号", "acceptance_number"),
    ("申请类别", "application_type"),
)


def write_electronic(path: Path, fields: dict[str, Any], created: dt.date) -> None:
    """Write ``fields`` (the electronic values) as a two-page PDF with embedded CJK font."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(dt.datetime(created.year, created.month, created.day, tzinfo=dt.UTC))
    pdf.set_creator("filingcheck.samples")
    text = (
        json.dumps(fields, ensure_ascii=False) + "".join(TITLES) + "".join(label for label, _ in FORM_LABELS)
    )
    # Embedding only the characters in use keeps the font load and the file small.
    pdf.add_font("cjk", fname=FONT_FILES["droid"][0], unicode_range=sorted({ord(c) for c in text}))
    pdf.add_font("latin", fname=FONT_FILES["latin"][0])
    pdf.set_fallback_fonts(["latin"])
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 12, "保健食品注册申请表（电子版）", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    values = [str(fields[key]) for _, key in FORM_LABELS]
    size = 11.0
    pdf.set_font("cjk", size=size)
    # One line per cell keeps the extracted cell text clean: shrink the font until the longest fits.
    while size > 7 and max(pdf.get_string_width(v) for v in values) > 136:
        size -= 0.5
        pdf.set_font("cjk", size=size)
    with pdf.table(
        col_widths=(40, 140), text_align="LEFT", first_row_as_headings=False, line_height=size * 0.62
    ) as table:
        for (label, _), value in zip(FORM_LABELS, values, strict=True):
            row = table.row()
            row.cell(label)
            row.cell(value)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 12, "产品配方", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=11)
    formula = fields["formula"]
    pdf.cell(0, 9, f"{fields['product_name']}（{formula[0]['basis']}）", new_x="LMARGIN", new_y="NEXT")
    with pdf.table(
        col_widths=(100, 40, 40), text_align="CENTER", headings_style=FontFace(emphasis=None)
    ) as table:
        head = table.row()
        for title in ("原料名称", "用量", "单位"):
            head.cell(title)
        for line in formula:
            row = table.row()
            row.cell(line["ingredient"])
            row.cell(line["amount"])
            row.cell(line["unit"])
    pdf.ln(3)
    pdf.cell(0, 8, formula[0]["basis"], new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
