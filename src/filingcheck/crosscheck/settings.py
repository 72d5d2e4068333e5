"""Rule settings: thresholds, windows and exemptions live here, not inside rules."""

from __future__ import annotations

from dataclasses import dataclass, field

from filingcheck.models import DocType


@dataclass(frozen=True)
class CheckSettings:
    """Frozen settings handed to every rule."""

    # A read character under this confidence could be OCR noise.
    low_confidence: float = 0.90
    # A field read under this confidence cannot carry a fail on its own.
    min_field_confidence: float = 0.60
    report_validity_years: int = 5
    seal_exempt_documents: frozenset[DocType] = field(
        default_factory=lambda: frozenset(
            {
                DocType.APPLICATION_FORM,
                DocType.TEST_REPORT,
                DocType.TEST_APPLICATION_FORM,
                DocType.ACCEPTANCE_NOTICE,
                DocType.APPROVAL_CERTIFICATE,
                DocType.IDENTITY_CARD,
            }
        )
    )
    min_seal_confidence: float = 0.5
