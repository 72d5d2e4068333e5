"""Rules over the dossier's make-up, on hand-built dossiers: contents and cover sheets, the items each
application type requires (checklists kept as data), paper and type size, joint and repeated applications."""

from __future__ import annotations

import pytest

from filingcheck.crosscheck.checklist import load_checklist
from filingcheck.models import ApplicationType, DocType, FieldName, Status
from tests.rulekit import dossier, page, reading, run, statuses

F = FieldName
D = DocType
PRODUCT = "永力牌多种维生素矿物质咀嚼片"
APPLICANT = "湖南惠航食品股份有限公司"


@pytest.mark.parametrize("kind", list(ApplicationType))
def test_every_application_type_has_a_checklist_in_notice_order(kind: ApplicationType) -> None:
    checklist = load_checklist(kind)
    assert checklist.application_type == kind and checklist.items
    numbers = [i.number for i in checklist.items]
    assert numbers == list(range(1, len(numbers) + 1))
    # Import registration repeats section 二's items before its own (三 asks for them "as well").
    assert {i.clause[0] for i in checklist.items} <= {checklist.section, "二"}
    assert checklist.items[-1].clause.startswith(checklist.section)


def test_printed_item_names_match_listed_items() -> None:
    checklist = load_checklist(ApplicationType.DOMESTIC_NEW)
    assert checklist.match("申请人身份证,营业执照或者其他机构", 2, 75).number == 2  # wrapped short
    assert checklist.match("产品配方", None, 75).number == 7
    assert checklist.match("保健食品注册申请表", 1, 75).number == 1
    assert checklist.match("关于本公司的简介", None, 75) is None


def _full(skip: tuple[int, ...] = (), order: list[int] | None = None, first: DocType = D.TABLE_OF_CONTENTS):
    """A dossier of section 二: contents, then per item a cover sheet and one page of its kind."""
    checklist = load_checklist(ApplicationType.DOMESTIC_NEW)
    items = [i for i in checklist.items if i.paper and i.required]
    pages = [page(1, first)]
    values = []
    for k, item in enumerate(order or [i.number for i in items]):
        values.append(
            reading(F.TOC_ITEM, checklist.item(item).name, 1, D.TABLE_OF_CONTENTS, item=item, y=300 + k * 60)
        )
    n = 2
    for item in items:
        if item.number in skip:
            continue
        pages.append(page(n, D.COVER_SHEET))
        values += [
            reading(F.ITEM_NAME, item.name, n, D.COVER_SHEET, item=item.number),
            reading(F.PRODUCT_NAME, PRODUCT, n, D.COVER_SHEET),
            reading(F.APPLICANT_NAME, APPLICANT, n, D.COVER_SHEET),
        ]
        kind = next(iter(sorted(item.doc_types)), D.OTHER_TEXT)
        pages.append(page(n + 1, kind))
        n += 2
    return dossier(pages, values)


def test_a_complete_dossier_passes_the_contents_and_checklist_rules() -> None:
    d = _full()
    assert statuses(run("dossier.table_of_contents", d)) == {Status.PASS}
    found = run("checklist.required_items", d)
    assert statuses(found) == {Status.PASS} and "商标" in found[0].message  # the conditional item is named


def test_missing_items_are_listed_by_number_and_name() -> None:
    d = _full(skip=(4, 11))
    found = run("checklist.required_items", d)
    fail = [f for f in found if f.status == Status.FAIL]
    assert len(fail) == 1
    assert "4. 申请人对他人已取得的专利不构成侵权的保证书" in fail[0].message
    assert "11. 直接接触产品的包装材料" in fail[0].message and "[二(十一)]" in fail[0].expected
    assert fail[0].clause == "二"  # the section of a domestic new application, not 二–十


def test_contents_out_of_order_or_not_first_fail() -> None:
    numbers = [i.number for i in load_checklist(ApplicationType.DOMESTIC_NEW).items if i.paper and i.required]
    swapped = numbers[:]
    swapped[3], swapped[4] = swapped[4], swapped[3]
    order = run("dossier.table_of_contents", _full(order=swapped))
    assert [f.field for f in order if f.status == Status.FAIL] == ["order"]
    first = run("dossier.table_of_contents", _full(first=D.FORMULA))
    assert [f.field for f in first if f.status == Status.FAIL] == ["first_page"]


def test_an_item_without_a_cover_sheet_fails() -> None:
    d = _full()
    cover = next(v.page for v in d.fields.values if v.name == F.ITEM_NAME and v.item == 7)
    d.fields.values[:] = [v for v in d.fields.values if v.page != cover]
    d.pages[:] = [p for p in d.pages if p.page != cover]
    found = run("dossier.table_of_contents", d)
    fail = [f for f in found if f.status == Status.FAIL]
    assert [f.field for f in fail] == ["cover_sheets"] and "7. 产品配方" in fail[0].message


def test_a_cover_sheet_without_product_or_applicant_is_flagged() -> None:
    d = _full()
    d.fields.values[:] = [v for v in d.fields.values if not (v.page == 2 and v.name == F.APPLICANT_NAME)]
    found = run("dossier.table_of_contents", d)
    assert [f.field for f in found if f.status == Status.UNCERTAIN] == ["cover_content"]


def test_the_notice_of_a_repeated_application_may_precede_the_contents() -> None:
    d = _full()
    d.pages.insert(0, page(0, D.WITHDRAWAL_NOTICE))
    assert Status.FAIL not in statuses(run("dossier.table_of_contents", d))


@pytest.mark.parametrize(
    ("mm", "status"),
    [((210.1, 297.1), Status.PASS), ((297.0, 210.0), Status.PASS), ((216.0, 279.0), Status.FAIL)],
)
def test_paper_size(mm: tuple[float, float], status: Status) -> None:
    d = dossier([page(1, D.OTHER_TEXT, width_mm=mm[0], height_mm=mm[1])])
    found = [f for f in run("dossier.paper_format", d) if f.field == "paper_size"]
    assert statuses(found) == {status}


@pytest.mark.parametrize(
    ("px", "doc", "status"),
    [
        (33.0, D.OTHER_TEXT, Status.PASS),  # 11.9 pt measured for 12 pt type
        (36.1, D.OTHER_TEXT, Status.PASS),  # 13 pt
        (30.6, D.OTHER_TEXT, Status.UNCERTAIN),  # 11 pt: inside the measuring tolerance
        (29.2, D.OTHER_TEXT, Status.FAIL),  # 10.5 pt (五号)
        (25.0, D.TEST_REPORT, Status.UNCERTAIN),  # a report's type is the institution's: not measured
    ],
)
def test_type_size(px: float, doc: DocType, status: Status) -> None:
    d = dossier([page(1, doc, text_height_px=px)])
    found = [f for f in run("dossier.paper_format", d) if f.field == "type_size"]
    assert statuses(found) == {status}, [f.message for f in found]


def test_joint_application_needs_the_recommendation_letter() -> None:
    two = "北京康元生物科技有限公司、上海华康药业有限责任公司"
    single = dossier([page(1, D.APPLICATION_FORM)], [reading(F.APPLICANT_NAME, APPLICANT, 1)])
    assert statuses(run("dossier.joint_recommendation", single)) == {Status.NOT_APPLICABLE}
    joint = dossier([page(1, D.APPLICATION_FORM)], [reading(F.APPLICANT_NAME, two, 1)])
    found = run("dossier.joint_recommendation", joint)
    assert statuses(found) == {Status.FAIL} and "上海华康药业有限责任公司" in found[0].message
    joint.pages.append(page(2, D.JOINT_RECOMMENDATION))
    assert statuses(run("dossier.joint_recommendation", joint)) == {Status.PASS}
    assert statuses(run("dossier.joint_recommendation", dossier([page(1, D.OTHER_TEXT)]))) == {
        Status.UNCERTAIN
    }


def test_repeated_application() -> None:
    first = dossier([page(1, D.TABLE_OF_CONTENTS)])
    assert statuses(run("dossier.resubmission", first)) == {Status.NOT_APPLICABLE}
    declared = dossier([page(1, D.TABLE_OF_CONTENTS)], resubmission=True)
    assert statuses(run("dossier.resubmission", declared)) == {Status.FAIL}
    reasons = reading(F.RESUBMISSION_REASONS, "关于再次申报的理由说明", 2, D.OTHER_TEXT)
    good = dossier(
        [page(1, D.WITHDRAWAL_NOTICE), page(2, D.OTHER_TEXT), page(3, D.TABLE_OF_CONTENTS)], [reasons]
    )
    assert statuses(run("dossier.resubmission", good)) == {Status.PASS}
    pages = [page(i, D.OTHER_TEXT) for i in range(1, 9)] + [page(9, D.WITHDRAWAL_NOTICE)]
    late = dossier(pages, [reasons])
    assert statuses(run("dossier.resubmission", late)) == {Status.FAIL}
    bare = dossier([page(1, D.WITHDRAWAL_NOTICE), page(2, D.TABLE_OF_CONTENTS)])
    assert statuses(run("dossier.resubmission", bare)) == {Status.UNCERTAIN}


def test_pages_without_a_resolution_are_not_measured_in_mm_but_type_is_by_a4_width() -> None:
    # 1240 px wide at an unknown resolution: as A4, 150 dpi, so 25 px type is 12 pt.
    page_ = page(1, D.OTHER_TEXT, width=1240, height=1754, dpi=72.0, width_mm=437.4, height_mm=618.8)
    d = dossier([page_.model_copy(update={"dpi_known": False, "text_height_px": 25.0})])
    found = {f.field: f.status for f in run("dossier.paper_format", d)}
    assert found == {"paper_size": Status.UNCERTAIN, "type_size": Status.PASS}


def test_a_page_heading_shows_an_item_without_a_cover_sheet() -> None:
    d = _full(skip=(6,))
    d.pages.append(page(99, D.OTHER_TEXT))
    d.fields.values.append(reading(F.ITEM_NAME, "产品研发报告", 99, D.OTHER_TEXT, note="page heading"))
    found = run("checklist.required_items", d)
    assert statuses(found) == {Status.PASS}
    toc = [f for f in run("dossier.table_of_contents", d) if f.status == Status.FAIL]
    assert [f.field for f in toc] == ["cover_sheets"] and "6. 产品研发报告" in toc[0].message
