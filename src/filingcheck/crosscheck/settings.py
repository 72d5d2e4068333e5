"""Rule settings: thresholds, windows and exemptions live here, not inside rules."""

from __future__ import annotations

from dataclasses import dataclass, field

from filingcheck.models import DocType

# Copies of documents issued by others: their type size and seals are not the applicant's doing.
THIRD_PARTY_DOCUMENTS = frozenset(
    {
        DocType.TEST_REPORT,
        DocType.ACCEPTANCE_NOTICE,
        DocType.APPROVAL_CERTIFICATE,
        DocType.IDENTITY_CARD,
        DocType.BUSINESS_LICENCE,
        DocType.INSTITUTION_CERTIFICATE,
        DocType.TRADEMARK_CERTIFICATE,
        DocType.WITHDRAWAL_NOTICE,
    }
)


@dataclass(frozen=True)
class CheckSettings:
    """Frozen settings handed to every rule."""

    # A read character under this confidence could be OCR noise.
    low_confidence: float = 0.90
    # A field read under this confidence cannot carry a fail on its own.
    min_field_confidence: float = 0.60
    # A second reading disputes a confident first one only when it is mostly the other side's text.
    refuting_read_ratio: float = 75.0
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

    # 一(二) paper format: A4 within scanning tolerance, 小四 (12 pt) within measuring tolerance.
    paper_width_mm: float = 210.0
    paper_height_mm: float = 297.0
    paper_tolerance_mm: float = 6.0
    min_type_pt: float = 12.0
    # Measured type under min × (1 - tolerance) is uncertain, under min × (1 - 2 × tolerance) fails.
    type_tolerance: float = 0.05
    type_exempt_documents: frozenset[DocType] = field(
        default_factory=lambda: THIRD_PARTY_DOCUMENTS | {DocType.COVER_SHEET}
    )

    # 一(三) seals: whose seal may stand on a page besides the applicant's.
    seal_text_exempt_documents: frozenset[DocType] = field(
        default_factory=lambda: frozenset(
            {
                DocType.TEST_REPORT,
                DocType.ACCEPTANCE_NOTICE,
                DocType.APPROVAL_CERTIFICATE,
                DocType.IDENTITY_CARD,
            }
        )
    )
    # Seals of offices (the licence's registration authority, a notary): never the applicant's.
    authority_seal_endings: tuple[str, ...] = ("局", "厅", "委员会", "政府", "公证处", "办公室", "海关")
    # An office's seal read without its last character still names the office by these words.
    authority_seal_words: tuple[str, ...] = ("市场监督管理", "工商行政管理", "食品药品监督管理")
    # A seal reading shorter than this share of the applicant's name is part of an arc: it can
    # say "not quite the name" (uncertain), never "another organisation" (fail).
    min_seal_read_share: float = 0.8
    # ... when it reads as a piece of the name (rapidfuzz partial_ratio at least this): a short
    # whole name of someone else (南宁惠晟食品有限公司 against a 14-character name) is no piece of it.
    partial_arc_ratio: float = 70.0
    # A seal text read at least this well can carry a fail.
    min_seal_text_confidence: float = 0.80
    # Characters the seal reader may lose at either end of the arc.
    seal_end_slack: int = 2
    # A well-read seal names another organisation when it is this unlike the applicant's name
    # (similarity 0–100), or this many characters differ once the arc's ends are allowed for.
    other_name_ratio: float = 60.0
    other_name_edits: int = 3
    # The applicant stamps one seal throughout: where other impressions read the name exactly, an
    # impression read with this many characters off is that seal read with noise.
    seal_noise_edits: int = 1
    # Impressions read together (crosscheck/seal_impressions.py): an impression may depart from the
    # name in at most ``max_joint_places`` places, where the share all impressions' frames give the
    # name's character is at least ``min_joint_share``; at most ``max_joint_impressions`` are
    # scored (each costs one recogniser pass).
    max_joint_places: int = 2
    min_joint_share: float = 0.9
    max_joint_impressions: int = 24

    # 一(八) a repeated application's notice stands in front: within the first pages.
    resubmission_front_pages: int = 3

    # 二–十 items: a printed item name matches a listed one at this similarity (0–100).
    item_name_ratio: float = 75.0
