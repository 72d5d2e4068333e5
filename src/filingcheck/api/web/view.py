"""What the reviewer page shows, worked out once per request: findings in reading order, page overlays."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from filingcheck.models import Finding, Report, Seal, SealKind, Source, Status
from filingcheck.reporting import labels
from filingcheck.reporting.images import Frame
from filingcheck.reporting.view import DiffCell, diff_cells, order_findings
from filingcheck.store.tables import Page, ReviewDecision

ACTION = frozenset({Status.FAIL, Status.UNCERTAIN})


@dataclass(frozen=True)
class Box:
    """A rectangle in scan pixels of its page, with what it belongs to."""

    x: int
    y: int
    w: int
    h: int
    css: str
    finding: str | None = None
    title: str = ""


@dataclass(frozen=True)
class SealShape:
    kind: str
    kind_zh: str
    text: str
    ellipse: tuple[float, float, float, float, float] | None
    box: Box | None


@dataclass(frozen=True)
class EvidenceItem:
    role: str
    role_zh: str
    source_zh: str
    document_zh: str
    page: int | None
    on_paper: bool
    text: str | None


@dataclass
class FindingItem:
    finding: Finding
    machine_status: str
    status_zh: str
    field_zh: str
    cells: list[DiffCell]
    differs: bool
    evidence: list[EvidenceItem]
    first_page: int | None
    decision: ReviewDecision | None = None

    @property
    def id(self) -> str:
        return self.finding.id

    @property
    def status(self) -> str:
        return self.finding.status.value

    @property
    def actionable(self) -> bool:
        return self.finding.status in ACTION


@dataclass
class PageItem:
    number: int
    width: int
    height: int
    upright_width: int
    upright_height: int
    transform: str
    doc_zh: str
    image_url: str
    thumb_url: str
    has_image: bool
    boxes: list[Box] = field(default_factory=list)
    seals: list[SealShape] = field(default_factory=list)
    failing: int = 0
    uncertain: int = 0

    @property
    def marker(self) -> str:
        return "fail" if self.failing else "uncertain" if self.uncertain else ""


@dataclass
class ReviewView:
    report: Report
    verdict_zh: str
    machine_verdict_zh: str
    changed: bool
    application_type_zh: str
    counts: list[tuple[str, str, int]]
    findings: list[FindingItem]
    pages: list[PageItem]
    selected: str | None
    current_page: int


def build_review(
    submission_id: str,
    report: Report,
    machine_verdict: str | None,
    pages: list[Page],
    decisions: list[ReviewDecision],
    machine_statuses: dict[str, str],
    selected: str | None = None,
    page: int | None = None,
) -> ReviewView:
    latest = {d.finding_id: d for d in decisions}
    items = [
        _finding_item(f, latest.get(f.id), machine_statuses.get(f.id, f.status.value))
        for f in order_findings(report.findings)
    ]
    ids = {i.id for i in items}
    if selected not in ids:
        selected = next((i.id for i in items if i.actionable), items[0].id if items else None)
    stored = {p.number: p for p in pages}
    page_items = [
        _page_item(submission_id, info.page, report, stored.get(info.page)) for info in report.pages
    ]
    by_number = {p.number: p for p in page_items}
    for item in items:
        _draw(item, by_number)
    for seal in report.seals:
        if seal.page in by_number:
            by_number[seal.page].seals.append(_seal_shape(seal))
    chosen = next((i for i in items if i.id == selected), None)
    if page not in by_number:
        page = chosen.first_page if chosen and chosen.first_page in by_number else None
        page = page or (page_items[0].number if page_items else 1)
    counts = Counter(f.status for f in report.findings)
    verdict_zh = labels.VERDICTS.get(report.verdict, (report.verdict, ""))[0]
    machine_zh = labels.VERDICTS.get(machine_verdict or "", (machine_verdict or "", ""))[0]
    return ReviewView(
        report=report,
        verdict_zh=verdict_zh,
        machine_verdict_zh=machine_zh,
        changed=bool(machine_verdict) and machine_verdict != report.verdict.value,
        application_type_zh=labels.zh(labels.APPLICATION_TYPES, report.submission.application_type),
        counts=[(s.value, labels.STATUSES[s][0], counts.get(s, 0)) for s in labels.STATUS_ORDER],
        findings=items,
        pages=page_items,
        selected=selected,
        current_page=page,
    )


def _finding_item(finding: Finding, decision: ReviewDecision | None, machine_status: str) -> FindingItem:
    # Only a rule's own character diff is drawn; a worked-out diff of two descriptions misleads.
    cells = diff_cells(finding) if finding.diff else []
    evidence = [
        EvidenceItem(
            role=e.role.value,
            role_zh=labels.ROLES[e.role][0],
            source_zh=labels.zh(labels.SOURCES, e.source),
            document_zh=labels.zh(labels.DOC_TYPES, e.document.value if e.document else None),
            page=e.page,
            on_paper=e.source != Source.ELECTRONIC,
            text=e.text,
        )
        for e in finding.evidence
    ]
    paper_pages = [e.page for e in finding.evidence if e.page is not None and e.source != Source.ELECTRONIC]
    boxed = [
        e.page for e in finding.evidence if e.page is not None and e.bbox and e.source != Source.ELECTRONIC
    ]
    candidates = boxed or list(finding.pages) or paper_pages
    first = min(candidates) if candidates else None
    return FindingItem(
        finding=finding,
        machine_status=machine_status,
        status_zh=labels.STATUSES[finding.status][0],
        field_zh=labels.zh(labels.FIELDS, finding.field),
        cells=cells,
        differs=any(c.op != "equal" for c in cells),
        evidence=evidence,
        first_page=first,
        decision=decision,
    )


def _page_item(submission_id: str, number: int, report: Report, stored: Page | None) -> PageItem:
    info = next(p for p in report.pages if p.page == number)
    frame = Frame.of(info.width, info.height, info.rotation)
    upright_w, upright_h = frame.upright_size
    base = f"/api/v1/submissions/{submission_id}/pages/{number}.png"
    return PageItem(
        number=number,
        width=info.width,
        height=info.height,
        upright_width=upright_w,
        upright_height=upright_h,
        transform=frame.transform,
        doc_zh=labels.zh(labels.DOC_TYPES, info.doc_type.value),
        image_url=base,
        thumb_url=f"{base}?size=thumb",
        has_image=stored is not None and stored.image_sha256 is not None,
    )


def _draw(item: FindingItem, pages: dict[int, PageItem]) -> None:
    """Every evidence box on the paper pages, and the boxes of the differing characters."""
    status = item.finding.status
    touched: set[int] = set()
    for ev in item.finding.evidence:
        if ev.page is None or ev.source == Source.ELECTRONIC or ev.page not in pages:
            continue
        page = pages[ev.page]
        touched.add(ev.page)
        if ev.bbox is not None:
            x0, y0, x1, y1 = ev.bbox.as_list()
            title = f"{labels.ROLES[ev.role][0]} {ev.text or ''}".strip()
            css = f"ev ev-{ev.role.value} st-{status.value}"
            page.boxes.append(Box(x0, y0, x1 - x0, y1 - y0, css, item.id, title))
        for h in ev.highlight:
            x0, y0, x1, y1 = h.as_list()
            page.boxes.append(Box(x0, y0, x1 - x0, y1 - y0, "hl", item.id, "differs"))
    touched.update(p for p in item.finding.pages if p in pages)
    for number in touched:
        if status == Status.FAIL:
            pages[number].failing += 1
        elif status == Status.UNCERTAIN:
            pages[number].uncertain += 1


def _seal_shape(seal: Seal) -> SealShape:
    kind_zh = labels.zh(labels.SEAL_KINDS, seal.kind)
    if seal.kind in (SealKind.ROUND, SealKind.OVAL):
        (cx, cy), (rx, ry) = seal.centre, seal.axes
        return SealShape(seal.kind.value, kind_zh, seal.text or "", (cx, cy, rx, ry, seal.angle), None)
    x0, y0, x1, y1 = seal.bbox.as_list()
    return SealShape(seal.kind.value, kind_zh, seal.text or "", None, Box(x0, y0, x1 - x0, y1 - y0, "seal"))
