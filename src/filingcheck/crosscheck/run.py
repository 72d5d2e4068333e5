"""The checks stage: every registered rule that applies, findings ordered the way a clerk reads them."""

from __future__ import annotations

from collections.abc import Sequence

from filingcheck.crosscheck import rules as _builtin_rules  # noqa: F401  (registers the built-ins)
from filingcheck.crosscheck.base import CheckContext, finding_id, get_rule, rule_ids
from filingcheck.crosscheck.evidence import not_applicable
from filingcheck.models import Dossier, Finding, Status

STATUS_ORDER = {Status.FAIL: 0, Status.UNCERTAIN: 1, Status.PASS: 2, Status.NOT_APPLICABLE: 3}


def run_checks(dossier: Dossier, context: CheckContext, only: Sequence[str] | None = None) -> list[Finding]:
    """Findings of the chosen rules (all by default); rules that do not apply say ``not_applicable``."""
    findings: list[Finding] = []
    for rule_id in only or rule_ids():
        rule = get_rule(rule_id)
        if not rule.applies_to(dossier.submission.application_type):
            findings.append(
                not_applicable(
                    rule.id,
                    rule.clause,
                    f"does not apply to {dossier.submission.application_type.value} applications",
                )
            )
            continue
        findings.extend(rule.check(dossier, context))
    return _with_ids(sort_findings(findings))


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (STATUS_ORDER[f.status], min(f.pages or [10**6]), f.rule))


def _with_ids(findings: list[Finding]) -> list[Finding]:
    seen: dict[str, int] = {}
    out = []
    for f in findings:
        fid = finding_id(f)
        seen[fid] = seen.get(fid, 0) + 1
        if seen[fid] > 1:
            fid = f"{fid}-{seen[fid]}"
        out.append(f.model_copy(update={"id": fid}))
    return out
