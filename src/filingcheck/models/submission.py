"""What the applicant handed in: the application type and the date of submission."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class ApplicationType(StrEnum):
    """Application types of the notice; the value names its section in RULES.md."""

    DOMESTIC_NEW = "domestic_new"
    IMPORT_NEW = "import_new"
    DOMESTIC_TRANSFER = "domestic_transfer"
    IMPORT_TRANSFER = "import_transfer"
    DOMESTIC_CHANGE = "domestic_change"
    IMPORT_CHANGE = "import_change"
    DOMESTIC_RENEWAL = "domestic_renewal"
    IMPORT_RENEWAL = "import_renewal"
    CERTIFICATE_REISSUE = "certificate_reissue"


class Submission(BaseModel):
    """The submission's metadata, as typed in at the intake desk (`submission.json`)."""

    model_config = ConfigDict(frozen=True)

    application_type: ApplicationType = ApplicationType.DOMESTIC_NEW
    submitted_on: dt.date | None = None
    # A repeated application (非首次申请); None when the desk did not say.
    resubmission: bool | None = None
