"""Scoring a pipeline report against a generated dossier's truth.json (fields, seals, rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from filingcheck.crosscheck import rule_ids
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


# Per-rule scoring (rules_bench.py): every rule, planted defects against clean dossiers.
OUTCOMES = ("fail", "uncertain", "pass", "n/a")
# Rules made of independent checks, scored one check (finding field) at a time: a compact excerpt
# fails the cover-sheet check by design, which says nothing about the contents order.
SUBCHECKS: dict[str, tuple[str, ...]] = {
    "dossier.table_of_contents": ("first_page", "order", "cover_sheets", "cover_content"),
    "dossier.paper_format": ("paper_size", "type_size"),
}
# Checks whose clean compact dossier fails by design: the compact profile is an excerpt of the items.
COMPACT_FAILS_BY_DESIGN = ("checklist.required_items", "dossier.table_of_contents:cover_sheets")


@dataclass
class RuleScore:
    # check -> outcomes of dossiers where it was planted / of clean dossiers
    injected: dict[str, list[str]] = field(default_factory=dict)
    clean: dict[str, list[str]] = field(default_factory=dict)
    # check -> statuses of every applicable finding (all dossiers)
    findings: dict[str, list[str]] = field(default_factory=dict)


def checks() -> list[str]:
    """Every rule id, the multi-part ones split into ``rule:field``."""
    out = []
    for rule in rule_ids():
        out += [f"{rule}:{f}" for f in SUBCHECKS[rule]] if rule in SUBCHECKS else [rule]
    return out


def _check_of(rule: str, field_name: str | None) -> str:
    return f"{rule}:{field_name}" if rule in SUBCHECKS else rule


def check_outcome(report: Report, check: str) -> str:
    """A check's outcome on one dossier: its worst applicable finding (fail > uncertain > pass)."""
    statuses = {f.status for f in report.findings if _check_of(f.rule, f.field) == check}
    for status, name in ((Status.FAIL, "fail"), (Status.UNCERTAIN, "uncertain"), (Status.PASS, "pass")):
        if status in statuses:
            return name
    return "n/a"


def planted_checks(truth: dict[str, Any]) -> set[str]:
    return {_check_of(d["rule"].split(":")[0], d.get("field")) for d in truth.get("defects", [])}


def rule_row(report: Report, truth: dict[str, Any]) -> dict[str, Any]:
    """One dossier's per-check outcomes and finding statuses, as JSON-ready data."""
    statuses: dict[str, list[str]] = {}
    for f in report.findings:
        if f.status != Status.NOT_APPLICABLE:
            statuses.setdefault(_check_of(f.rule, f.field), []).append(f.status.value)
    return {
        "planted": sorted(planted_checks(truth)),
        "outcomes": {check: check_outcome(report, check) for check in checks()},
        "findings": statuses,
    }


def add_row(score: RuleScore, row: dict[str, Any]) -> None:
    """Count one dossier (a :func:`rule_row`) into ``score``."""
    planted = set(row["planted"])
    for check, outcome in row["outcomes"].items():
        if check in planted:
            score.injected.setdefault(check, []).append(outcome)
        elif not planted:
            score.clean.setdefault(check, []).append(outcome)
    for check, statuses in row["findings"].items():
        score.findings.setdefault(check, []).extend(statuses)


def _share(values: list[str], what: str) -> str:
    if not values:
        return "–"
    return f"{100 * values.count(what) / len(values):.0f}% ({values.count(what)}/{len(values)})"


def render_rule_table(score: RuleScore, profile: str = "compact") -> str:
    """Markdown: per check, recall of planted defects, false fail on clean dossiers, uncertain share."""
    out = [
        "| rule (check) | planted: recall (fail) | planted: uncertain / pass / n/a | clean: false fail "
        "| clean: uncertain / pass / n/a | uncertain share of findings |",
        "|---|---|---|---|---|---|",
    ]
    for check in checks():
        inj, clean = score.injected.get(check, []), score.clean.get(check, [])
        note = " ¹" if profile == "compact" and check in COMPACT_FAILS_BY_DESIGN else ""
        out.append(
            f"| {check} | {_share(inj, 'fail')} | "
            + (" / ".join(str(inj.count(o)) for o in OUTCOMES[1:]) if inj else "no generator defect")
            + f" | {_share(clean, 'fail')}{note} | "
            + " / ".join(str(clean.count(o)) for o in OUTCOMES[1:])
            + f" | {_share(score.findings.get(check, []), 'uncertain')} |"
        )
    if profile == "compact":
        out += ["", "¹ the compact profile is an excerpt of the items, so this check fails on it by design."]
    return "\n".join(out)
