"""The extraction stage: which reader runs on which page type, then the passes that need every page."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from filingcheck.extract.addresses import repair_address
from filingcheck.extract.authority import authority_from_seals, with_authority
from filingcheck.extract.cover import cover_sheet_fields
from filingcheck.extract.form import application_form_fields, labelled_fields
from filingcheck.extract.formula import formula_lines
from filingcheck.extract.grouping import group_reports
from filingcheck.extract.headings import page_heading
from filingcheck.extract.labels import CERTIFICATE_LABELS
from filingcheck.extract.licence import identity_card_fields, licence_fields
from filingcheck.extract.mentions import running_text_mentions
from filingcheck.extract.reports import test_application_fields, test_report_fields
from filingcheck.extract.resubmission import resubmission_reasons
from filingcheck.extract.toc import form_attachment_items, toc_fields
from filingcheck.models import DocType, FieldSet, FieldValue, PageOcr, Seal

Reader = Callable[[PageOcr], list[FieldValue]]

READERS: dict[DocType, Reader] = {
    DocType.TABLE_OF_CONTENTS: toc_fields,
    DocType.APPLICATION_FORM: lambda ocr: application_form_fields(ocr) + form_attachment_items(ocr),
    DocType.COVER_SHEET: cover_sheet_fields,
    DocType.BUSINESS_LICENCE: licence_fields,
    DocType.FORMULA: formula_lines,
    DocType.INSTITUTION_CERTIFICATE: lambda ocr: licence_fields(ocr, DocType.INSTITUTION_CERTIFICATE),
    DocType.IDENTITY_CARD: identity_card_fields,
    DocType.TEST_REPORT: test_report_fields,
    DocType.TEST_APPLICATION_FORM: test_application_fields,
    DocType.APPROVAL_CERTIFICATE: lambda ocr: labelled_fields(
        ocr, DocType.APPROVAL_CERTIFICATE, CERTIFICATE_LABELS
    ),
}
# Pages where a statement of reasons for a repeated application may stand.
REASON_PAGES = frozenset({DocType.OTHER_TEXT, DocType.WITHDRAWAL_NOTICE, DocType.COVER_SHEET})
# Pages whose heading says which item they belong to (the structured pages say it otherwise).
HEADED_PAGES = frozenset(
    {
        DocType.OTHER_TEXT,
        DocType.PATENT_GUARANTEE,
        DocType.PRODUCTION_PROCESS,
        DocType.QUALITY_STANDARD,
        DocType.LABEL_INSTRUCTIONS,
        DocType.TRADEMARK_CERTIFICATE,
    }
)


# Pages whose registration authority may stand only in its seal.
LICENCE_PAGES = frozenset({DocType.BUSINESS_LICENCE, DocType.INSTITUTION_CERTIFICATE})


def extract_fields(pages: Sequence[tuple[PageOcr, DocType]], seals: Sequence[Seal] = ()) -> FieldSet:
    """Every field reading on every page whose type carries fields, in page order.

    Test-report readings get the index of their report in ``item``; names found in running
    text are added once the form, cover sheets and licence have said what to look for. A licence
    whose authority is not printed gets it from the seals found on its page.
    """
    values: list[FieldValue] = []
    for ocr, doc_type in sorted(pages, key=lambda p: p[0].page):
        reader = READERS.get(doc_type)
        if reader is not None:
            read = [repair_address(value) for value in reader(ocr)]
            if doc_type in LICENCE_PAGES:
                read = with_authority(read, authority_from_seals(ocr, doc_type, seals))
            values.extend(read)
        if doc_type in REASON_PAGES:
            values.extend(resubmission_reasons(ocr, doc_type))
        if doc_type in HEADED_PAGES:
            values.extend(page_heading(ocr, doc_type))
    values = group_reports(values, [(ocr.page, doc_type) for ocr, doc_type in pages])
    values.extend(running_text_mentions(pages, values))
    return FieldSet(values=sorted(values, key=lambda v: v.page or 0))
