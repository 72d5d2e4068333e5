"""Test reports as the report rules group them: a report number read with a stray dot on one page
does not split the report (found by benchmarks/rules_bench.py on generated dossiers)."""

from __future__ import annotations

from filingcheck.crosscheck.reports import report_groups
from filingcheck.models import DocType, FieldName, Status
from tests.rulekit import dossier, page, reading, run

T = DocType.TEST_REPORT


def _two_pages(first: str, second: str):  # type: ignore[no-untyped-def]
    return dossier(
        [page(7, T), page(8, T)],
        [
            reading(FieldName.REPORT_NUMBER, first, 7, T, item=0),
            reading(FieldName.REPORT_PAGE, "1/2", 7, T, item=0),
            reading(FieldName.REPORT_ISSUED_ON, "2022-03-04", 7, T, item=0),
            reading(FieldName.REPORT_NUMBER, second, 8, T, item=1),
            reading(FieldName.REPORT_PAGE, "2/2", 8, T, item=1),
        ],
    )


def test_a_number_differing_only_in_punctuation_is_the_same_report() -> None:
    groups = report_groups(_two_pages("2021-BJ-43225", "2021-B.J-43225"))
    assert len(groups) == 1
    assert groups[0].pages == [7, 8] and groups[0].declared_pages == 2
    assert [v.page for v in groups[0].fields[FieldName.REPORT_PAGE]] == [7, 8]
    # One report, issued on page 1: valid, nothing left for a person to look at.
    assert {f.status for f in run("test_report.validity", _two_pages("2021-BJ-43225", "2021-B.J-43225"))} == {
        Status.PASS
    }


def test_another_number_is_another_report() -> None:
    groups = report_groups(_two_pages("2021-BJ-43225", "2021-BJ-43226"))
    assert [g.pages for g in groups] == [[7], [8]]
