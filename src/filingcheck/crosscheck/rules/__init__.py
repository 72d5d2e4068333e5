"""Built-in rules; importing this package registers them."""

from filingcheck.crosscheck.rules import (
    applicant_matches_licence,
    consistency_electronic,
    licence_uscc_checksum,
    seal_every_page,
)

__all__ = ["applicant_matches_licence", "consistency_electronic", "licence_uscc_checksum", "seal_every_page"]
