"""Scoring a pipeline report against a generated dossier's truth.json (fields, seals, rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from filingcheck.models import BBox, Report, Status
from filingcheck.models.normalize import normalise

FORM_FIELDS = (
    "product_name",
    "applicant_name",
    "applicant_address",
    "legal_representative",
    "trial_unit_name",
    "trial_unit_address",
    "test_unit_name",
    "acceptance_number",
)
LICENCE_FIELDS = (
    "uscc",
    "licence_name",
    "licence_address",
    "licence_legal_representative",
    "founded_on",
    "licence_term",
)
CHECKED_RULES = (
    "applicant.matches_licence",
    "consistency.electronic",
    "seal.every_page",
    "licence.uscc_checksum",
)


@dataclass
class Score:
    field_hits: dict[str, list[bool]] = field(default_factory=dict)
    seal_tp: int = 0
    seal_fp: int = 0
    seal_fn: int = 0
    rule_outcomes: dict[str, list[tuple[bool, str]]] = field(default_factory=dict)
    pages: int = 0
    seconds: float = 0.0


def _truth_field(truth: dict[str, Any], name: str, document: str) -> str | None:
    fields = truth["fields"]
    value = fields.get(name)
    if name == "licence_term" and value:
        value = value.replace("长期", "..")
    return normalise(str(value)) if value is not None else None


def score_report(report: Report, truth: dict[str, Any], score: Score) -> None:
    """Add one dossier's outcome to ``score``."""
    for name in FORM_FIELDS:
        expected = _truth_field(truth, name, "application_form")
        got = [
            v for v in report.fields.get(name, []) if v.source == "paper" and v.document == "application_form"
        ]
        if expected is not None:
            score.field_hits.setdefault(name, []).append(bool(got) and got[0].value == expected)
    for name in LICENCE_FIELDS:
        expected = _truth_field(truth, name, "business_licence")
        got = [
            v for v in report.fields.get(name, []) if v.source == "paper" and v.document == "business_licence"
        ]
        if expected is not None:
            score.field_hits.setdefault(name, []).append(bool(got) and got[0].value == expected)
    true_seals = [
        (p["page"], BBox.model_validate(s["bbox"])) for p in truth["pages"] for s in p.get("seals", [])
    ]
    found = [(s.page, s.bbox) for s in report.seals]
    matched: set[int] = set()
    for page, box in true_seals:
        hit = next(
            (i for i, (fp, fb) in enumerate(found) if fp == page and i not in matched and fb.iou(box) >= 0.5),
            None,
        )
        if hit is None:
            score.seal_fn += 1
        else:
            matched.add(hit)
            score.seal_tp += 1
    score.seal_fp += len(found) - len(matched)
    injected = {d["rule"].split(":")[0] for d in truth.get("defects", [])}
    for rule in CHECKED_RULES:
        statuses = {f.status for f in report.findings if f.rule == rule}
        outcome = (
            "fail" if Status.FAIL in statuses else "uncertain" if Status.UNCERTAIN in statuses else "pass"
        )
        score.rule_outcomes.setdefault(rule, []).append((rule in injected, outcome))
    score.pages += len(report.pages)
    score.seconds += sum(v for k, v in report.timings.items() if k != "seconds_per_page")
