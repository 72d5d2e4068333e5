"""The correction notice (补正材料通知书): a report's failed requirements as a formal letter to the applicant.

Only ``fail`` findings go to the applicant. An ``uncertain`` one waits for a reviewer: once a
decision confirms it, the decided report holds it as ``fail`` and it is listed like any other.
An ``accept`` report, or one where nothing failed, has no notice (:class:`NoNoticeError`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from filingcheck.models import DocType, Evidence, EvidenceRole, FieldName, Finding, Report, Source, Status
from filingcheck.reporting.labels import APPLICATION_TYPES, DOC_TYPES, FIELDS, zh
from filingcheck.reporting.notice_clauses import NOTICE_NAME, RULE_TEXTS, text_of

CN_NUMBERS = "一二三四五六七八九十"
CN_DIGITS = "〇一二三四五六七八九"
TITLE = "补正材料通知书"


@dataclass(frozen=True)
class NoticeSettings:
    """Who issues notices and how long the applicant has (FILINGCHECK_NOTICE_* settings)."""

    office: str = "保健食品行政许可受理窗口"
    correction_days: int = 30
    # The font embedded in the PDF; None: the first installed system CJK font.
    font: Path | None = None


@dataclass(frozen=True)
class NoticeProblem:
    """One failed finding, in the applicant's words: what is wrong, where, and the values."""

    text: str
    where: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class NoticeItem:
    """One failed requirement (a rule) with its clause and every problem found under it."""

    rule: str
    clause: str
    heading: str
    requirement: str
    problems: tuple[NoticeProblem, ...]


@dataclass(frozen=True)
class Notice:
    """Everything the letter prints; the text and PDF writers only lay it out."""

    office: str
    applicant: str
    product: str | None
    application_type: str
    submission_id: str | None
    acceptance_number: str | None
    submitted_on: dt.date | None
    issued_on: dt.date
    correction_days: int
    items: tuple[NoticeItem, ...]
    # Uncertain findings a reviewer has not decided yet: not sent, but the sender should know.
    pending: int = 0
    rule_ids: tuple[str, ...] = field(default=())


class NoNoticeError(ValueError):
    """The report gives nothing to correct (accepted, or nothing failed)."""


def build_notice(
    report: Report,
    settings: NoticeSettings | None = None,
    *,
    submission_id: str | None = None,
    issued_on: dt.date | None = None,
) -> Notice:
    """The notice for ``report`` (as decided, when a reviewer has looked); :class:`NoNoticeError` when
    nothing failed."""
    settings = settings or NoticeSettings()
    fails = [f for f in report.findings if f.status == Status.FAIL]
    if not fails:
        why = (
            "the dossier was accepted"
            if report.verdict.value == "accept"
            else "no requirement failed; uncertain findings wait for a reviewer's decision"
        )
        raise NoNoticeError(f"no correction notice: {why} (verdict {report.verdict.value})")
    by_rule: dict[str, list[Finding]] = {}
    for f in fails:
        by_rule.setdefault(f.rule, []).append(f)
    # In the notice's own order (section 一 first, derived checks last), as a clerk would list them.
    order = {rule: i for i, rule in enumerate(RULE_TEXTS)}
    rules = sorted(by_rule, key=lambda r: order.get(r, len(order)))
    items = tuple(_item(rule, by_rule[rule]) for rule in rules)
    return Notice(
        office=settings.office,
        applicant=_value(report, FieldName.APPLICANT_NAME) or "（申请人名称未能识别）",
        product=_value(report, FieldName.PRODUCT_NAME),
        application_type=zh(APPLICATION_TYPES, report.submission.application_type),
        submission_id=submission_id,
        acceptance_number=_value(report, FieldName.ACCEPTANCE_NUMBER),
        submitted_on=report.submission.submitted_on,
        issued_on=issued_on or dt.date.today(),
        correction_days=settings.correction_days,
        items=items,
        pending=sum(1 for f in report.findings if f.status == Status.UNCERTAIN),
        rule_ids=tuple(rules),
    )


def _value(report: Report, name: FieldName) -> str | None:
    """The electronic version's value (typed by the applicant, no OCR in the way), else the paper
    form's as printed."""
    readings = report.fields.get(name.value, [])
    for want in (
        lambda v: v.source == Source.ELECTRONIC,
        lambda v: v.source == Source.PAPER and v.document == DocType.APPLICATION_FORM,
        lambda v: True,
    ):
        hit = next((v for v in readings if want(v)), None)
        if hit is not None:
            return (hit.raw or hit.value).strip() or None
    return None


def _item(rule: str, findings: list[Finding]) -> NoticeItem:
    text = text_of(rule)
    clause = text.cite or f"《要点》{findings[0].clause}"
    return NoticeItem(
        rule=rule,
        clause=clause,
        heading=text.heading,
        requirement=text.requirement,
        problems=tuple(_problem(f) for f in findings),
    )


def _problem(f: Finding) -> NoticeProblem:
    text = text_of(f.rule)
    sentence = text.problem(f.field).format(field=zh(FIELDS, f.field) or "内容")
    lines: list[str] = []
    if text.show_values and f.expected and f.found:
        lines += [
            _side(f, EvidenceRole.EXPECTED, f.expected, "应为"),
            _side(f, EvidenceRole.FOUND, f.found, "实为"),
        ]
    detail = text.detail(f.field)
    if detail is not None:
        label, which = detail
        value = f.expected if which == "expected" else f.found
        if value:
            lines.append(f"{label}：{value}")
    return NoticeProblem(sentence, _where(f), tuple(lines))


def _side(f: Finding, role: EvidenceRole, value: str, fallback: str) -> str:
    """'营业执照（第3页）：value', printed as read, or '应为：value' where no evidence names the place."""
    ev = next((e for e in f.evidence if e.role == role), None)
    if ev is None:
        return f"{fallback}：{value}"
    return f"{_place(ev)}：{ev.text or value}"


def _place(ev: Evidence) -> str:
    if ev.source == Source.ELECTRONIC:
        return "电子版" + (f"（{zh(DOC_TYPES, ev.document)}）" if ev.document else "")
    name = zh(DOC_TYPES, ev.document) if ev.document else "纸质版"
    return f"{name}（第{ev.page}页）" if ev.page else name


def _where(f: Finding) -> str:
    """The paper pages, with the document each one is, as the applicant will look for them."""
    documents: dict[int, str] = {}
    for ev in f.evidence:
        if ev.page and ev.source != Source.ELECTRONIC and ev.document:
            documents.setdefault(ev.page, zh(DOC_TYPES, ev.document))
    pages = sorted(set(f.pages) | set(documents))
    if not pages:
        return ""
    return "、".join(f"第{p}页" + (f"（{documents[p]}）" if p in documents else "") for p in pages)


def cn_date(day: dt.date) -> str:
    """二〇二六年十二月一日: the way official letters write dates."""
    year = "".join(CN_DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{_cn_number(day.month)}月{_cn_number(day.day)}日"


def _cn_number(n: int) -> str:
    if n <= 10:
        return CN_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_NUMBERS[tens - 1]) + "十" + (CN_NUMBERS[ones - 1] if ones else "")


def ordinal(n: int) -> str:
    """一, 二 ... 九十九: item numbers of the notice."""
    return _cn_number(n)


def header_lines(notice: Notice) -> list[tuple[str, str]]:
    """(label, value) rows of the header block, in print order."""
    rows = [
        ("受理单位", notice.office),
        ("申 请 人", notice.applicant),
        ("产品名称", notice.product or "（未能识别）"),
        ("申请类别", notice.application_type),
    ]
    if notice.acceptance_number:
        rows.append(("受理编号", notice.acceptance_number))
    if notice.submission_id:
        rows.append(("申请编号", notice.submission_id))
    if notice.submitted_on:
        rows.append(("提交日期", cn_date(notice.submitted_on)))
    rows.append(("通知日期", cn_date(notice.issued_on)))
    return rows


def intro(notice: Notice) -> str:
    when = f"于{cn_date(notice.submitted_on)}" if notice.submitted_on else ""
    product = f"“{notice.product}”" if notice.product else ""
    return (
        f"你单位{when}提交的{product}{notice.application_type}申请材料，经形式审查，"
        f"不符合{NOTICE_NAME[:-1]}，以下简称《要点》）的要求。"
        "根据《中华人民共和国行政许可法》第三十二条的规定，"
        f"现一次告知你单位需要补正的全部内容（共{len(notice.items)}项）如下："
    )


def closing(notice: Notice) -> str:
    return (
        f"请你单位自收到本通知书之日起{notice.correction_days}日内，按照上述要求一次性补正全部材料，"
        "补正材料应加盖申请人印章，与本通知书复印件一并提交。逾期未补正的，视为放弃本次申请。"
        "如有疑问，请与受理单位联系。"
    )


def signature_lines(notice: Notice) -> list[str]:
    return [
        f"{notice.office}（盖章）",
        "经办人：____________",
        cn_date(notice.issued_on),
    ]


SIGNATURE_INDENT = "　" * 16
RECEIPT = "申请人签收：____________　　签收日期：______年____月____日"


def render_text(notice: Notice) -> str:
    """The notice as UTF-8 plain text (full-width indents, one problem per paragraph)."""
    out = [TITLE.center(30, "　").rstrip(), ""]
    out += [f"{label}：{value}" for label, value in header_lines(notice)]
    out += ["", f"{notice.applicant}：", "", "　　" + intro(notice), ""]
    for n, item in enumerate(notice.items, start=1):
        out.append(f"{ordinal(n)}、{item.heading}（{item.clause}）")
        out.append(f"　　要求：{item.requirement}")
        for k, problem in enumerate(item.problems, start=1):
            mark = f"（{k}）" if len(item.problems) > 1 else "　　"
            out.append(f"{mark}{problem.text}" + (f"位置：{problem.where}。" if problem.where else ""))
            out += [f"　　　　{line}" for line in problem.lines]
        out.append("")
    out += ["　　" + closing(notice), ""]
    out += [SIGNATURE_INDENT + line for line in signature_lines(notice)]
    out += ["", RECEIPT, ""]
    return "\n".join(out)
