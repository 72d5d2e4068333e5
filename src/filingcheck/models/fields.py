"""Named field values read from the dossier, each with the evidence of where it was read."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from filingcheck.models.geometry import BBox
from filingcheck.models.pages import DocType


class FieldName(StrEnum):
    """Code names of fields (see shared/domain/README.md); reports key ``fields`` by these."""

    APPLICANT_NAME = "applicant_name"
    APPLICANT_ADDRESS = "applicant_address"
    PRODUCT_NAME = "product_name"
    LEGAL_REPRESENTATIVE = "legal_representative"
    TRIAL_UNIT_NAME = "trial_unit_name"
    TRIAL_UNIT_ADDRESS = "trial_unit_address"
    TEST_UNIT_NAME = "test_unit_name"
    ACCEPTANCE_NUMBER = "acceptance_number"
    APPLICATION_TYPE = "application_type"
    USCC = "uscc"
    LICENCE_NAME = "licence_name"
    LICENCE_ADDRESS = "licence_address"
    LICENCE_LEGAL_REPRESENTATIVE = "licence_legal_representative"
    LICENCE_TYPE = "licence_type"
    REGISTERED_CAPITAL = "registered_capital"
    FOUNDED_ON = "founded_on"
    LICENCE_TERM = "licence_term"
    REGISTRATION_AUTHORITY = "registration_authority"
    # An individual applicant's identity card (its 姓名 is read as the licence's name; its 住址 is not read).
    ID_NUMBER = "id_number"
    FORMULA_LINE = "formula_line"
    ITEM_NAME = "item_name"
    REPORT_NUMBER = "report_number"
    REPORT_SAMPLE_NAME = "report_sample_name"
    REPORT_SUBMITTING_UNIT = "report_submitting_unit"
    REPORT_MANUFACTURER = "report_manufacturer"
    REPORT_BATCH_NUMBER = "report_batch_number"
    REPORT_ISSUED_ON = "report_issued_on"
    REPORT_INSTITUTION = "report_institution"
    REPORT_PAGE = "report_page"
    REPORT_CONCLUSION = "report_conclusion"
    TOC_ITEM = "toc_item"
    RESUBMISSION_REASONS = "resubmission_reasons"


class Source(StrEnum):
    """Which copy of the dossier a value was read from."""

    PAPER = "paper"
    ELECTRONIC = "electronic"
    SEAL = "seal"


class FieldValue(BaseModel):
    """One reading of one field.

    ``value`` is the normalised text that rules compare; ``raw`` what was read. ``bbox`` is
    on the scanned page image (``None`` for values without a position). ``char_confidences``
    and ``char_under_seal`` are aligned with ``value`` and tell OCR noise from real differences.
    ``item`` groups readings: the item number of section 二 for ``toc_item`` and ``item_name``,
    the 0-based index of the test report (in dossier order) for ``report_*`` fields.
    """

    model_config = ConfigDict(frozen=True)

    name: FieldName
    value: str
    raw: str
    source: Source
    document: DocType
    page: int | None
    bbox: BBox | None = None
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    char_confidences: list[float] | None = None
    char_under_seal: list[bool] | None = None
    char_boxes: list[BBox] | None = None
    item: int | None = None
    note: str | None = None


class FieldSet(BaseModel):
    """Every reading of every field, in reading order."""

    values: list[FieldValue] = Field(default_factory=list)

    def get(
        self, name: FieldName, *, source: Source | None = None, document: DocType | None = None
    ) -> list[FieldValue]:
        return [
            v
            for v in self.values
            if v.name == name
            and (source is None or v.source == source)
            and (document is None or v.document == document)
        ]

    def first(
        self, name: FieldName, *, source: Source | None = None, document: DocType | None = None
    ) -> FieldValue | None:
        found = self.get(name, source=source, document=document)
        return found[0] if found else None

    def by_name(self) -> dict[str, list[FieldValue]]:
        grouped: dict[str, list[FieldValue]] = {}
        for v in self.values:
            grouped.setdefault(v.name.value, []).append(v)
        return grouped
