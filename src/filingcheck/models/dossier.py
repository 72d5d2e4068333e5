"""The checked dossier as the rules see it: pages, fields, seals, plus what the clerk typed in."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from filingcheck.models.fields import FieldSet
from filingcheck.models.pages import PageInfo
from filingcheck.models.seals import Seal, StraddleSeal
from filingcheck.models.submission import Submission


class Dossier(BaseModel):
    """All extracted evidence of one submission; the only input a rule gets."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    submission: Submission
    pages: list[PageInfo] = Field(default_factory=list)
    fields: FieldSet = Field(default_factory=FieldSet)
    seals: list[Seal] = Field(default_factory=list)
    straddle_seals: list[StraddleSeal] = Field(default_factory=list)
    has_electronic: bool = False

    def page(self, number: int) -> PageInfo | None:
        return next((p for p in self.pages if p.page == number), None)

    def seals_on(self, page: int) -> list[Seal]:
        return [s for s in self.seals if s.page == page]
