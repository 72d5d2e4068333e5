"""Page classification by title-zone and body keywords, with a confidence from the margin."""

from __future__ import annotations

from dataclasses import dataclass

from filingcheck.extract.numbering import split_numbered
from filingcheck.models import DocType, PageOcr
from filingcheck.models.normalize import normalise

# (keyword, weight): title keywords count more when they stand in the top of the page.
KEYWORDS: dict[DocType, tuple[tuple[str, float], ...]] = {
    DocType.TABLE_OF_CONTENTS: (("申报资料项目目录", 5), ("目录", 3), ("资料项目", 1)),
    DocType.APPLICATION_FORM: (
        ("注册申请表", 5),
        ("申请表", 2),
        ("所附资料", 2),
        ("申请人名称", 1),
        ("试制单位", 1),
    ),
    DocType.BUSINESS_LICENCE: (
        ("营业执照", 5),
        ("统一社会信用代码", 3),
        ("登记机关", 2),
        ("营业期限", 2),
        ("注册资本", 1),
    ),
    DocType.INSTITUTION_CERTIFICATE: (("事业单位法人证书", 6), ("举办单位", 2), ("开办资金", 2)),
    DocType.IDENTITY_CARD: (("居民身份证", 6), ("公民身份号码", 4)),
    DocType.FORMULA: (("产品配方", 5), ("配方", 2), ("原料", 1), ("辅料", 1), ("1000", 1)),
    DocType.TEST_REPORT: (
        ("检验报告", 5),
        ("检测报告", 5),
        ("检验结论", 3),
        ("报告编号", 3),
        ("检验结果", 2),
        ("检验项目", 1),
        ("单项判定", 1),
        ("样品名称", 1),
        ("批号", 1),
    ),
    DocType.TEST_APPLICATION_FORM: (("检验申请表", 6), ("送检申请", 5)),
    DocType.ACCEPTANCE_NOTICE: (("受理通知书", 6),),
    DocType.PRODUCTION_PROCESS: (("生产工艺", 5), ("工艺流程", 3)),
    DocType.QUALITY_STANDARD: (("质量标准", 5), ("技术要求", 3)),
    DocType.LABEL_INSTRUCTIONS: (("说明书", 4), ("标签", 3)),
    DocType.PATENT_GUARANTEE: (("不侵权", 4), ("保证书", 4), ("专利", 1)),
    DocType.TRADEMARK_CERTIFICATE: (("商标注册证", 6),),
    DocType.JOINT_RECOMMENDATION: (("推荐书", 5), ("联合申报", 2)),
    DocType.WITHDRAWAL_NOTICE: (("撤审通知书", 6), ("不予批准通知书", 6)),
    DocType.APPROVAL_CERTIFICATE: (("批准证书", 5), ("批准证明", 4)),
}
COVER_HINTS = ("产品名称", "申请人")
# Title lines are short; a line of running text that happens to stand high on the page is not one.
TITLE_CHARS = 24
TITLE_ZONE = 0.22
# Running text names other documents all the time ("见检验报告", "质量标准"): a keyword outside the
# title zone counts this much of its weight.
BODY_WEIGHT = 0.5
# A sparse page with a numbered item name at its top right is an item's cover sheet.
COVER_CONFIDENCE = 0.95
SPARSE_LINES, SPARSE_CHARS = 12, 160


@dataclass(frozen=True)
class Classification:
    doc_type: DocType
    confidence: float


def classify_page(ocr: PageOcr) -> Classification:
    """The page's document type; a sparse page naming product and applicant is a cover sheet."""
    if not ocr.lines:
        return Classification(DocType.OTHER_TEXT, 0.2)
    chars = sum(len(ln.text) for ln in ocr.lines)
    sparse = len(ocr.lines) <= SPARSE_LINES and chars < SPARSE_CHARS
    title = normalise(
        "".join(
            ln.text
            for ln in ocr.lines
            if ln.bbox.y1 <= TITLE_ZONE * ocr.height
            and len(normalise(ln.text)) <= TITLE_CHARS
            # On a sparse page, text set flush right at the top is a cover sheet's item name
            # (申请人身份证、营业执照…), even where its number was not read: it names another document.
            and not (sparse and _flush_top_right(ln.bbox.x0, ln.bbox.x1, ocr.width))
        )
    )
    body = normalise("".join(ln.text for ln in ocr.lines))
    scores: dict[DocType, float] = {}
    for doc_type, keywords in KEYWORDS.items():
        score = 0.0
        for word, weight in keywords:
            if word in title:
                score += 3 * weight  # clerks classify by the title; prose may quote other documents
            elif word in body:
                score += BODY_WEIGHT * weight
        scores[doc_type] = score
    if sparse:
        if _item_name_top_right(ocr):
            # The item name names another document ("资料1：保健食品注册申请表"): it must not vote.
            return Classification(DocType.COVER_SHEET, COVER_CONFIDENCE)
        if any(h in body for h in COVER_HINTS):
            scores[DocType.COVER_SHEET] = 9.0 + (3.0 if len(ocr.lines) <= 8 else 0.0)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best, best_score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if best_score < 4:
        return Classification(DocType.OTHER_TEXT, 0.5)
    confidence = min(1.0, 0.5 + (best_score - runner_up) / 20)
    return Classification(best, round(confidence, 3))


def _flush_top_right(x0: int, x1: int, width: int) -> bool:
    """A line that starts right of the middle and runs to the right margin (not a centred title)."""
    return x0 >= 0.45 * width and x1 >= 0.8 * width


def _item_name_top_right(ocr: PageOcr) -> bool:
    """A numbered item name (资料5：… / 7．…) in the top right corner, where the notice puts it."""
    return any(
        ln.bbox.y1 <= 0.2 * ocr.height and ln.bbox.x1 >= 0.55 * ocr.width and split_numbered(ln.text)
        for ln in ocr.lines
    )
