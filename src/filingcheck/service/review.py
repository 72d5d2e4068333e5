"""A reviewer's decision on a finding: what it means, and how the verdict follows.

Decisions are taken against what the machine said (``machine_status``), never against an earlier
decision, so each one reads on its own; the latest decision on a finding counts and all are kept.

- ``confirm``: the machine was right. A ``fail`` stays ``fail``, a ``pass`` stays ``pass``, and an
  ``uncertain`` finding is confirmed as ``fail`` (the doubted difference is real).
- ``override``: the machine was wrong. A ``fail`` or ``uncertain`` becomes ``pass``, a ``pass``
  becomes ``fail``; ``status`` may name the outcome instead (``pass``, ``fail`` or
  ``not_applicable``), and must for a ``not_applicable`` finding.

No decision leaves a finding ``uncertain``: a person has looked. The verdict is worked out again
from the findings' current statuses with the same rule as the machine's (``verdict_of``).
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session

from filingcheck.models import Status
from filingcheck.store import audit
from filingcheck.store.submissions import decided_report, finding_rows
from filingcheck.store.tables import FindingRow, ReviewDecision, Submission, SubmissionStatus, User, utcnow

MAX_REASON = 2000
OVERRIDE_DEFAULT = {Status.FAIL: Status.PASS, Status.UNCERTAIN: Status.PASS, Status.PASS: Status.FAIL}


class Decision(StrEnum):
    CONFIRM = "confirm"
    OVERRIDE = "override"


class ReviewError(ValueError):
    """A decision that cannot be taken; ``status`` is the HTTP status, ``code`` is stable."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def outcome(machine: Status, decision: Decision, requested: Status | None = None) -> Status:
    """The finding's status after ``decision`` (module docstring)."""
    if requested == Status.UNCERTAIN:
        raise ReviewError(422, "bad_status", "a decision settles a finding: pass, fail or not_applicable")
    if decision == Decision.CONFIRM:
        kept = Status.FAIL if machine == Status.UNCERTAIN else machine
        if requested is not None and requested != kept:
            raise ReviewError(
                422,
                "bad_status",
                f"confirm keeps the machine's {machine.value} (as {kept.value}); use override to change it",
            )
        return kept
    if requested is not None:
        if requested == machine:
            raise ReviewError(422, "bad_status", f"the machine said {machine.value} already; use confirm")
        return requested
    if machine not in OVERRIDE_DEFAULT:
        raise ReviewError(422, "status_required", f"overriding a {machine.value} finding needs a status")
    return OVERRIDE_DEFAULT[machine]


def decide(
    session: Session,
    row: Submission,
    finding: FindingRow,
    user: User,
    decision: Decision,
    reason: str,
    requested: Status | None = None,
) -> ReviewDecision:
    """Record ``user``'s decision, update the finding and the verdict, and write the audit log."""
    if row.status != SubmissionStatus.DONE:
        raise ReviewError(409, "not_ready", f"the submission is {row.status}; decisions need its report")
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(422, "reason_required", "a decision needs a reason")
    if len(reason) > MAX_REASON:
        raise ReviewError(422, "reason_too_long", f"a reason has at most {MAX_REASON} characters")
    machine = Status(finding.machine_status)
    status_before = finding.status
    status = outcome(machine, decision, requested)
    verdict_before = row.verdict
    finding.status = status.value
    finding.decided_at = utcnow()
    finding.decided_by_id = user.id
    session.flush()
    report = decided_report(row, finding_rows(session, row.id))
    row.verdict = report.verdict.value if report is not None else row.verdict
    record = ReviewDecision(
        submission_id=row.id,
        finding_id=finding.finding_id,
        user_id=user.id,
        decision=decision.value,
        machine_status=machine.value,
        status=status.value,
        reason=reason,
        rule=finding.rule,
        pipeline_version=row.pipeline_version,
        verdict_before=verdict_before,
        verdict_after=row.verdict,
    )
    session.add(record)
    audit.record(
        session,
        "finding.decided",
        user,
        submission_id=row.id,
        finding_id=finding.finding_id,
        rule=finding.rule,
        pipeline_version=row.pipeline_version,
        reason=reason,
        decision=decision.value,
        machine_status=machine.value,
        status_before=status_before,
        status_after=status.value,
        verdict_before=verdict_before,
        verdict_after=row.verdict,
        field=finding.field,
    )
    session.flush()
    return record
