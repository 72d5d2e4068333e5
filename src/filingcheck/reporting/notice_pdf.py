"""The correction notice as an A4 PDF with an embedded Chinese font (fpdf2), ready to print and hand over.

The font is a system font found at run time (the Debian packages that
``scripts/install-system-deps.sh`` installs), never shipped: a missing font is a clear error, not
a PDF of empty boxes.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

from filingcheck.reporting.notice import (
    RECEIPT,
    TITLE,
    Notice,
    closing,
    header_lines,
    intro,
    ordinal,
    render_text,
    signature_lines,
)

# (path, face index in a collection), in order of preference. AR PL UMing is a 宋体-like face, the
# type of official letters; the others are there so that any of the installed CJK fonts does.
BODY_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0),
)
# A 黑体-like face for the title and the item headings, where installed.
HEADING_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0),
)
# fontTools says, per bitmap table it leaves out of the subset, what the PDF does not need anyway.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
LATIN_FALLBACK = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
MARGIN = 25.0
BODY_PT = 12.0  # 小四, the size the notice itself asks of applicants
LINE = 7.0


class NoticeFontError(RuntimeError):
    """No Chinese font to embed; the message says which files were looked for and how to get one."""


def find_font(
    explicit: Path | None = None, candidates: tuple[tuple[str, int], ...] = BODY_FONTS
) -> tuple[Path, int]:
    """The font file to embed: ``explicit`` when given (it must exist), else the first installed candidate."""
    if explicit is not None:
        if not Path(explicit).is_file():
            raise NoticeFontError(f"the notice font {explicit} (FILINGCHECK_NOTICE_FONT) does not exist")
        return Path(explicit), 0
    for path, index in candidates:
        if Path(path).is_file():
            return Path(path), index
    looked = ", ".join(p for p, _ in candidates)
    raise NoticeFontError(
        f"no Chinese font for the notice PDF (looked for {looked}); install fonts-arphic-uming or "
        "fonts-wqy-zenhei (scripts/install-system-deps.sh), or set FILINGCHECK_NOTICE_FONT to a TTF/TTC file"
    )


class _Letter(FPDF):
    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("body", size=9)
        self.cell(0, 6, f"第 {self.page_no()} 页　共 {{nb}} 页", align="C")


def render_pdf(notice: Notice, font: Path | None = None) -> bytes:
    """The notice as PDF bytes; ``font`` overrides the font search (a TTF, or the first face of a TTC)."""
    body_path, body_index = find_font(font)
    try:
        head_path, head_index = find_font(None, HEADING_FONTS) if font is None else (body_path, body_index)
    except NoticeFontError:
        head_path, head_index = body_path, body_index
    pdf = _Letter(format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=22)
    day = notice.issued_on
    pdf.set_creation_date(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC))
    pdf.set_title(TITLE)
    pdf.set_creator("filingcheck")
    # Loading only the characters in use keeps a 20 MB collection from being parsed whole.
    used = sorted({ord(c) for c in render_text(notice) + "第页共0123456789"})
    pdf.add_font("body", fname=str(body_path), unicode_range=used, collection_font_number=body_index)
    pdf.add_font("head", fname=str(head_path), unicode_range=used, collection_font_number=head_index)
    if Path(LATIN_FALLBACK).is_file():
        pdf.add_font("latin", fname=LATIN_FALLBACK)
        pdf.set_fallback_fonts(["latin"])
    pdf.add_page()
    _title(pdf)
    _header(pdf, notice)
    _paragraph(pdf, f"{notice.applicant}：", indent=False)
    _paragraph(pdf, intro(notice))
    for n, item in enumerate(notice.items, start=1):
        pdf.ln(1.5)
        pdf.set_font("head", size=BODY_PT + 0.5)
        _block(pdf, f"{ordinal(n)}、{item.heading}（{item.clause}）", 0)
        pdf.set_font("body", size=BODY_PT - 1)
        _block(pdf, f"要求：{item.requirement}", 8, LINE - 1)
        pdf.set_font("body", size=BODY_PT)
        for k, problem in enumerate(item.problems, start=1):
            mark = f"（{k}）" if len(item.problems) > 1 else ""
            where = f"位置：{problem.where}。" if problem.where else ""
            _block(pdf, f"{mark}{problem.text}{where}", 8)
            for line in problem.lines:
                _block(pdf, line, 16)
    pdf.ln(2)
    _paragraph(pdf, closing(notice))
    _signature(pdf, notice)
    return bytes(pdf.output())


def write_pdf(notice: Notice, path: Path, font: Path | None = None) -> None:
    Path(path).write_bytes(render_pdf(notice, font))


def _title(pdf: FPDF) -> None:
    pdf.set_font("head", size=20)
    pdf.cell(0, 14, TITLE, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)


def _header(pdf: FPDF, notice: Notice) -> None:
    pdf.set_font("body", size=BODY_PT - 1)
    label_w = 24.0
    for label, value in header_lines(notice):
        pdf.set_x(MARGIN)
        pdf.cell(label_w, LINE - 0.5, f"{label}：")
        pdf.multi_cell(0, LINE - 0.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR)
    y = pdf.get_y() + 2
    pdf.set_line_width(0.4)
    pdf.line(MARGIN, y, pdf.w - MARGIN, y)
    pdf.set_y(y + 5)


def _paragraph(pdf: FPDF, text: str, indent: bool = True) -> None:
    pdf.set_font("body", size=BODY_PT)
    pdf.multi_cell(
        0,
        LINE,
        ("　　" if indent else "") + text,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
        wrapmode=WrapMode.CHAR,
    )
    pdf.ln(1.5)


def _block(pdf: FPDF, text: str, indent: float, line: float = LINE) -> None:
    """A paragraph whose every line starts ``indent`` mm in: a hanging list item."""
    pdf.set_x(MARGIN + indent)
    pdf.multi_cell(
        pdf.w - 2 * MARGIN - indent,
        line,
        text,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
        wrapmode=WrapMode.CHAR,
    )


def _signature(pdf: FPDF, notice: Notice) -> None:
    # Keep the signature block and the receipt together on one page.
    if pdf.get_y() > pdf.h - 22 - 52:
        pdf.add_page()
    pdf.ln(8)
    pdf.set_font("body", size=BODY_PT)
    left = pdf.w / 2 + 5
    for line in signature_lines(notice):
        pdf.set_x(left)
        pdf.cell(pdf.w - MARGIN - left, LINE + 1, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(8)
    y = pdf.get_y()
    pdf.set_line_width(0.2)
    pdf.set_dash_pattern(dash=2, gap=1.5)
    pdf.line(MARGIN, y, pdf.w - MARGIN, y)
    pdf.set_dash_pattern()
    pdf.ln(4)
    pdf.cell(0, LINE, RECEIPT, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
