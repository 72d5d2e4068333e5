"""What the HTML template shows, worked out once: findings in reading order, shots, fields, pages."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import numpy as np

from filingcheck.models import (
    Evidence,
    EvidenceRole,
    FieldName,
    FieldValue,
    Finding,
    PageInfo,
    ProcessingError,
    Report,
    Seal,
    SealKind,
    Source,
    Status,
)
from filingcheck.reporting import labels
from filingcheck.reporting.shots import Ellipse, Embedded, ImageBank, Rect, Shape, Shot

PAGE_SHOT_PX = 300
THUMB_PX = 220
MAX_SHOTS_PER_FINDING = 4
# Findings a person must act on get crops and every page they name; passing ones only the
# pages their evidence boxes are on (crops cost bytes, and ten bare pages of a pass are noise).
ACTION_STATUSES = frozenset({Status.FAIL, Status.UNCERTAIN})
# A box this large a share of its page is already legible on the page shot; a crop adds nothing.
CROP_MAX_PAGE_SHARE = 0.25
DIFF_OPS = frozenset({"equal", "replace", "insert", "delete"})
ROLE_ORDER = {EvidenceRole.EXPECTED: 0, EvidenceRole.FOUND: 1, EvidenceRole.CONTEXT: 2}


@dataclass(frozen=True)
class DiffCell:
    """One aligned column of the character diff: expected above, found below."""

    op: str
    expected: str
    found: str


@dataclass(frozen=True)
class EvidenceView:
    role: str
    role_zh: str
    source: str
    source_zh: str
    document: str | None
    document_zh: str
    page: int | None
    text: str | None
    crop: Shot | None


@dataclass(frozen=True)
class FindingView:
    anchor: str
    finding: Finding
    status_zh: str
    status_en: str
    field_zh: str
    first_page: int | None
    cells: list[DiffCell]
    differs: bool
    evidence: list[EvidenceView]
    shots: list[Shot]
    more_pages: list[int]

    @property
    def status(self) -> str:
        return self.finding.status.value


@dataclass(frozen=True)
class Reading:
    value: FieldValue
    disagrees: bool
    document_zh: str
    source_zh: str


@dataclass(frozen=True)
class FieldRow:
    name: str
    label: str
    readings: list[Reading]

    @property
    def disagreement(self) -> bool:
        return any(r.disagrees for r in self.readings)


@dataclass(frozen=True)
class GalleryPage:
    page: int
    info: PageInfo | None
    doc_zh: str
    shot: Shot | None
    seals: list[Seal]
    findings: list[FindingView]
    errors: list[ProcessingError]

    @property
    def failing(self) -> int:
        return sum(1 for f in self.findings if f.status == Status.FAIL)

    @property
    def uncertain(self) -> int:
        return sum(1 for f in self.findings if f.status == Status.UNCERTAIN)


@dataclass(frozen=True)
class StatusCount:
    status: str
    zh: str
    en: str
    count: int


@dataclass(frozen=True)
class ReportView:
    report: Report
    verdict_zh: str
    verdict_en: str
    application_type_zh: str
    product: str | None
    applicant: str | None
    counts: list[StatusCount]
    findings: list[FindingView]
    fields: list[FieldRow]
    gallery: list[GalleryPage]
    embedded: list[Embedded] = field(default_factory=list)
    seal_kinds: list[tuple[str, str]] = field(default_factory=list)

    def with_status(self, *statuses: str) -> list[FindingView]:
        return [f for f in self.findings if f.status in statuses]

    @staticmethod
    def seal_kind_zh(kind: str) -> str:
        return labels.zh(labels.SEAL_KINDS, kind)


def build_view(report: Report, page_images: Mapping[int, np.ndarray]) -> ReportView:
    bank = ImageBank(report.pages, page_images)
    findings = [_finding_view(i, f, bank) for i, f in enumerate(order_findings(report.findings), start=1)]
    counts = Counter(f.status for f in report.findings)
    verdict_zh, verdict_en = labels.VERDICTS.get(report.verdict, (report.verdict, report.verdict))
    return ReportView(
        report=report,
        verdict_zh=verdict_zh,
        verdict_en=verdict_en,
        application_type_zh=labels.zh(labels.APPLICATION_TYPES, report.submission.application_type),
        product=_headline(report.fields.get(FieldName.PRODUCT_NAME, [])),
        applicant=_headline(report.fields.get(FieldName.APPLICANT_NAME, [])),
        counts=[StatusCount(s.value, *labels.STATUSES[s], counts.get(s, 0)) for s in labels.STATUS_ORDER],
        findings=findings,
        fields=_field_rows(report.fields),
        gallery=_gallery(report, bank, findings),
        embedded=bank.embedded,
        seal_kinds=[(k.value, labels.SEAL_KINDS[k]) for k in SealKind],
    )


def order_findings(findings: list[Finding]) -> list[Finding]:
    """Fail, uncertain, pass, not applicable; within a status by first page (pageless last)."""
    rank = {s: i for i, s in enumerate(labels.STATUS_ORDER)}

    def key(f: Finding) -> tuple[int, float]:
        first = _first_page(f)
        return rank.get(f.status, len(rank)), first if first is not None else math.inf

    return sorted(findings, key=key)


def diff_cells(finding: Finding) -> list[DiffCell]:
    """The finding's own diff; where a rule gave none, one worked out here for display only."""
    if finding.diff:
        ops = [(d.op if d.op in DIFF_OPS else "replace", d.expected, d.found) for d in finding.diff]
    elif finding.expected is not None and finding.found is not None:
        matcher = SequenceMatcher(None, finding.expected, finding.found, autojunk=False)
        ops = [
            (tag, finding.expected[i0:i1], finding.found[j0:j1])
            for tag, i0, i1, j0, j1 in matcher.get_opcodes()
        ]
    else:
        return []
    cells: list[DiffCell] = []
    for op, expected, found in ops:
        if op == "equal" and expected == found:
            # One column per character so long agreeing runs wrap without losing alignment.
            cells.extend(DiffCell("equal", ch, ch) for ch in expected)
        else:
            cells.append(DiffCell(op, expected, found))
    return cells


def _first_page(finding: Finding) -> int | None:
    pages = list(finding.pages) or [e.page for e in finding.evidence if e.page is not None]
    return min(pages) if pages else None


def _finding_view(index: int, finding: Finding, bank: ImageBank) -> FindingView:
    evidence = sorted(finding.evidence, key=lambda e: ROLE_ORDER.get(e.role, len(ROLE_ORDER)))
    boxed = {e.page for e in evidence if e.page is not None and e.bbox is not None}
    named = set(finding.pages) | {e.page for e in evidence if e.page is not None}
    # Pages with evidence boxes first, so the shown few are the telling ones.
    pages = sorted(named if finding.status in ACTION_STATUSES else boxed, key=lambda p: (p not in boxed, p))
    shots: list[Shot] = []
    for page in pages[:MAX_SHOTS_PER_FINDING]:
        shapes: list[Shape] = []
        for ev in evidence:
            if ev.page != page:
                continue
            if ev.bbox is not None:
                shapes.append(Rect(ev.bbox, f"ev-{ev.role.value}", labels.ROLES[ev.role][1]))
            shapes.extend(Rect(h, "ev-highlight", "differs") for h in ev.highlight)
        shot = bank.page_shot(page, shapes, PAGE_SHOT_PX)
        if shot is not None:
            shots.append(shot)
    cells = diff_cells(finding)
    return FindingView(
        anchor=f"finding-{index}",
        finding=finding,
        status_zh=labels.STATUSES[finding.status][0],
        status_en=labels.STATUSES[finding.status][1],
        field_zh=labels.zh(labels.FIELDS, finding.field),
        first_page=_first_page(finding),
        cells=cells,
        differs=any(c.op != "equal" for c in cells),
        evidence=[_evidence_view(ev, bank, finding.status in ACTION_STATUSES) for ev in evidence],
        shots=shots,
        more_pages=sorted(pages[MAX_SHOTS_PER_FINDING:]),
    )


def _evidence_view(ev: Evidence, bank: ImageBank, with_crop: bool) -> EvidenceView:
    crop = None
    frame = bank.frame(ev.page) if ev.page is not None else None
    if (
        with_crop
        and ev.page is not None
        and ev.bbox is not None
        and frame is not None
        and ev.bbox.area <= CROP_MAX_PAGE_SHARE * frame.width * frame.height
    ):
        highlights: list[Shape] = [Rect(h, "ev-highlight", "differs") for h in ev.highlight]
        crop = bank.crop_shot(ev.page, ev.bbox, [Rect(ev.bbox, f"ev-{ev.role.value}"), *highlights])
    document = ev.document.value if ev.document is not None else None
    return EvidenceView(
        role=ev.role.value,
        role_zh=labels.ROLES[ev.role][0],
        source=ev.source.value,
        source_zh=labels.zh(labels.SOURCES, ev.source),
        document=document,
        document_zh=labels.zh(labels.DOC_TYPES, document),
        page=ev.page,
        text=ev.text,
        crop=crop,
    )


def _field_rows(fields: dict[str, list[FieldValue]]) -> list[FieldRow]:
    known = [n.value for n in FieldName]
    order = [n for n in known if n in fields] + sorted(n for n in fields if n not in known)
    rows = []
    for name in order:
        values = fields[name]
        odd = _disagreeing(values)
        readings = [
            Reading(
                value=v,
                disagrees=i in odd,
                document_zh=labels.zh(labels.DOC_TYPES, v.document),
                source_zh=labels.zh(labels.SOURCES, v.source),
            )
            for i, v in enumerate(values)
        ]
        rows.append(FieldRow(name, labels.zh(labels.FIELDS, name), readings))
    return rows


def _headline(values: list[FieldValue]) -> str | None:
    """The value to title the report with: as typed in the electronic copy, else the commonest read."""
    typed = [v.value for v in values if v.source == Source.ELECTRONIC]
    if typed:
        return typed[0]
    counts = Counter(v.value for v in values)
    return counts.most_common(1)[0][0] if counts else None


def _disagreeing(values: list[FieldValue]) -> set[int]:
    """Readings that differ from the majority; with no majority every reading is suspect."""
    counts = Counter(v.value for v in values)
    if len(counts) <= 1:
        return set()
    top = max(counts.values())
    winners = [value for value, n in counts.items() if n == top]
    if len(winners) > 1:
        return set(range(len(values)))
    return {i for i, v in enumerate(values) if v.value != winners[0]}


def _gallery(report: Report, bank: ImageBank, findings: list[FindingView]) -> list[GalleryPage]:
    gallery = []
    for page in bank.page_numbers:
        seals = [s for s in report.seals if s.page == page]
        shot = bank.page_shot(page, [_seal_shape(s) for s in seals], THUMB_PX, detailed=False)
        on_page = [
            f for f in findings if page in f.finding.pages or page in {e.page for e in f.finding.evidence}
        ]
        errors = [e for e in report.errors if e.page == page]
        info = bank.info(page)
        doc_zh = labels.zh(labels.DOC_TYPES, info.doc_type.value if info is not None else None)
        gallery.append(GalleryPage(page, info, doc_zh, shot, seals, on_page, errors))
    return gallery


def _seal_shape(seal: Seal) -> Shape:
    title = f"{labels.zh(labels.SEAL_KINDS, seal.kind)} {seal.text or ''}".strip()
    css = f"seal seal-{seal.kind.value}"
    if seal.kind in (SealKind.ROUND, SealKind.OVAL):
        (cx, cy), (rx, ry) = seal.centre, seal.axes
        return Ellipse(cx, cy, rx, ry, seal.angle, css, title)
    return Rect(seal.bbox, css, title)
