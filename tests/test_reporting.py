"""Report writers: JSON round trip and refusal, and an HTML page that is safe and self-contained."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from filingcheck.models import (
    SCHEMA_VERSION,
    ApplicationType,
    BBox,
    DiffOp,
    DocType,
    EngineInfo,
    Evidence,
    EvidenceRole,
    FieldName,
    FieldValue,
    Finding,
    PageInfo,
    ProcessingError,
    Report,
    Seal,
    SealKind,
    Source,
    Stage,
    Status,
    Submission,
    verdict_of,
)
from filingcheck.reporting import load_report, render_html, write_html, write_json
from filingcheck.reporting.images import Frame
from filingcheck.reporting.view import diff_cells, order_findings

W, H = 1240, 1754
PAYLOAD = "<script>alert(1)</script>"


def _page_image(seed: int, width: int = W, height: int = H) -> np.ndarray:
    """A synthetic scan: paper, 'text' strokes, a red seal ring and a little noise."""
    rng = np.random.default_rng(seed)
    img = np.full((height, width, 3), 245, np.uint8)
    for y in range(150, height - 300, 60):
        x = 120
        while x < width - 200:
            w = int(rng.integers(20, 40))
            cv2.rectangle(img, (x, y), (x + w, y + 30), (30, 30, 30), 2)
            x += w + 8
    cv2.circle(img, (width - 300, height - 250), 140, (40, 40, 210), 8)
    noise = rng.normal(0, 5, img.shape)
    return np.clip(img + noise, 0, 255).astype(np.uint8)


def _page(n: int, doc: DocType, rotation: int = 0, width: int = W, height: int = H) -> PageInfo:
    return PageInfo(
        page=n,
        source="scan.pdf",
        file_page=n,
        width=width,
        height=height,
        dpi=150,
        width_mm=210,
        height_mm=297,
        rotation=rotation,
        doc_type=doc,
        doc_type_confidence=0.9,
    )


def _field(name: FieldName, value: str, doc: DocType, page: int | None, **kw: object) -> FieldValue:
    values = {
        "name": name,
        "value": value,
        "raw": value,
        "source": Source.PAPER,
        "document": doc,
        "page": page,
    }
    return FieldValue.model_validate(values | kw)


def _seal(page: int, box: BBox, kind: SealKind) -> Seal:
    return Seal(page=page, bbox=box, kind=kind, centre=box.centre, axes=(box.width / 2, box.height / 2))


def _report() -> Report:
    form_addr = BBox.of(420, 540, 900, 575)
    licence_addr = BBox.of(600, 500, 640, 980)  # on the sideways scan of page 2
    findings = [
        Finding(
            id="f-pass",
            rule="applicant.matches_licence",
            clause="一(三)",
            status=Status.PASS,
            field="applicant_name",
            expected="北京康源生物科技有限公司",
            found="北京康源生物科技有限公司",
            pages=[1],
            evidence=[Evidence(page=1, bbox=BBox.of(420, 420, 800, 455), role="found", source="paper")],
            message="申请人名称一致",
            score=1.0,
        ),
        Finding(
            id="f-fail",
            rule="consistency.internal",
            clause="一(六)",
            status=Status.FAIL,
            field="applicant_address",
            expected="北京市朝阳区建国路68号",
            found=f"北京市朝阳区建国路88号{PAYLOAD}",
            pages=[1, 2],
            evidence=[
                Evidence(
                    page=2,
                    bbox=licence_addr,
                    role=EvidenceRole.EXPECTED,
                    source=Source.PAPER,
                    document=DocType.BUSINESS_LICENCE,
                    text="北京市朝阳区建国路68号",
                    highlight=[BBox.of(600, 760, 640, 790)],
                ),
                Evidence(
                    page=1,
                    bbox=form_addr,
                    role=EvidenceRole.FOUND,
                    source=Source.PAPER,
                    document=DocType.APPLICATION_FORM,
                    text=f"北京市朝阳区建国路88号{PAYLOAD}",
                    highlight=[BBox.of(700, 540, 730, 575)],
                ),
            ],
            message=f"地址不一致 {PAYLOAD}",
            score=0.9,
            diff=[
                DiffOp(op="equal", expected="北京市朝阳区建国路", found="北京市朝阳区建国路"),
                DiffOp(op="replace", expected="6", found="8"),
                DiffOp(op="equal", expected="8号", found="8号"),
                DiffOp(op="insert", expected="", found=PAYLOAD),
            ],
        ),
        Finding(
            rule="test_report.validity",
            clause="二(十二)1",
            status=Status.UNCERTAIN,
            pages=[3],
            message="签发日期未能读取",
        ),
        Finding(
            rule="dossier.joint_recommendation",
            clause="一(五)",
            status=Status.NOT_APPLICABLE,
            message="单一申请人",
        ),
    ]
    seals = [
        _seal(1, BBox.of(800, 1364, 1080, 1644), SealKind.ROUND),
        _seal(2, BBox.of(100, 100, 400, 300), SealKind.OVAL),
        _seal(3, BBox.of(500, 500, 700, 700), SealKind.SQUARE),
        _seal(3, BBox.of(W - 60, 800, W, 1000), SealKind.STRADDLE_SLICE),
    ]
    name = FieldName.APPLICANT_NAME
    fields = {
        name.value: [
            _field(name, "北京康源生物科技有限公司", DocType.APPLICATION_FORM, 1),
            _field(name, "北京康源生物科技有限公司", DocType.COVER_SHEET, 3),
            _field(name, "北京康源生物技术有限公司", DocType.COVER_SHEET, 3),
        ],
        FieldName.APPLICANT_ADDRESS.value: [
            _field(
                FieldName.APPLICANT_ADDRESS,
                f"北京市朝阳区建国路88号{PAYLOAD}",
                DocType.APPLICATION_FORM,
                1,
                bbox=form_addr,
                confidence=0.8,
                char_boxes=[BBox.of(420, 540, 450, 575)],
            ),
        ],
    }
    return Report(
        filingcheck_version="0.1.0",
        generated_at=dt.datetime(2024, 5, 6, 10, 30, tzinfo=dt.UTC),
        submission=Submission(
            application_type=ApplicationType.DOMESTIC_NEW, submitted_on=dt.date(2024, 5, 6)
        ),
        verdict=verdict_of(findings),
        pages=[
            _page(1, DocType.APPLICATION_FORM),
            _page(2, DocType.BUSINESS_LICENCE, rotation=90, width=H, height=W),
            _page(3, DocType.COVER_SHEET),
        ],
        fields=fields,
        seals=seals,
        findings=findings,
        errors=[ProcessingError(code="ocr.low_confidence", stage=Stage.OCR, message="灰度页", page=3)],
        engines=[EngineInfo(name="fake", version="1")],
    )


@pytest.fixture(scope="module")
def report() -> Report:
    return _report()


@pytest.fixture(scope="module")
def images() -> dict[int, np.ndarray]:
    return {1: _page_image(1), 2: _page_image(2, H, W), 3: _page_image(3)}


@pytest.fixture(scope="module")
def html(report: Report, images: dict[int, np.ndarray]) -> str:
    return render_html(report, images)


# --- JSON -------------------------------------------------------------------------------------


def test_json_round_trip(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "out" / "report.json"
    write_json(report, path)
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["schema_version"] == SCHEMA_VERSION
    assert "北京康源生物科技有限公司" in text  # ensure_ascii=False keeps Chinese readable
    assert text.startswith('{\n  "schema_version"')
    assert data["findings"][1]["evidence"][0]["bbox"] == [600, 500, 640, 980]
    assert load_report(path) == report
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json at all", "invalid JSON"),
        ("[1, 2, 3]", "not an object"),
        ('{"verdict": "accept"}', "no schema_version"),
        ("", "invalid JSON"),
    ],
)
def test_load_report_refuses_garbage(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_report(path)


def test_load_report_refuses_binary(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ValueError, match="not a filingcheck report"):
        load_report(path)


@pytest.mark.parametrize("version", ["2.0", "0.9", 1, None])
def test_load_report_refuses_other_schema_versions(report: Report, tmp_path: Path, version: object) -> None:
    data = report.model_dump(mode="json")
    data["schema_version"] = version
    path = tmp_path / "other.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="schema_version"):
        load_report(path)


def test_load_report_reads_a_later_minor_version(report: Report, tmp_path: Path) -> None:
    data = report.model_dump(mode="json")
    data["schema_version"] = SCHEMA_VERSION.split(".")[0] + ".9"
    path = tmp_path / "minor.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_report(path).findings == report.findings


def test_load_report_refuses_an_invalid_report(report: Report, tmp_path: Path) -> None:
    data = report.model_dump(mode="json")
    data["findings"][0]["status"] = "maybe"
    path = tmp_path / "invalid.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match=r"findings\.0\.status"):
        load_report(path)


# --- HTML -------------------------------------------------------------------------------------


def test_html_names_every_finding(report: Report, html: str) -> None:
    for finding in report.findings:
        assert finding.rule in html
    assert "退回补正" in html and "Return for correction" in html
    assert "一(三)" in html


def test_html_escapes_values(html: str) -> None:
    assert PAYLOAD not in html
    assert "alert(1)" in html  # the text is shown, as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "北京市朝阳区建国路88号&lt;script&gt;" in html  # the fields table shows the whole value


def test_html_is_self_contained(html: str) -> None:
    assert '<meta charset="utf-8">' in html
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"""(src|href)\s*=\s*["'](?!#|data:)""", html)
    uris = re.findall(r"data:image/jpeg;base64,([A-Za-z0-9+/=]+)", html)
    assert len(uris) > 3  # three pages plus crops of the failing finding's evidence
    for uri in uris:
        jpeg = base64.b64decode(uri)
        assert jpeg[:2] == b"\xff\xd8"
        assert cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_UNCHANGED).shape[1] <= 1000


def test_html_lists_fail_before_uncertain_before_pass(html: str) -> None:
    statuses = re.findall(r'<article class="finding st-(\w+)"', html)
    assert statuses == ["fail", "uncertain", "pass"]
    assert html.index("consistency.internal") < html.index("applicant.matches_licence")


def test_html_draws_evidence_and_seals(html: str) -> None:
    for css in ("ev-expected", "ev-found", "ev-highlight"):
        assert f'class="{css}"' in html
    for kind in SealKind:
        assert f"seal seal-{kind.value}" in html
    # the sideways licence is turned upright, boxes stay in scan pixels
    assert f'transform="matrix(0 1 -1 0 {W} 0)"' in html
    assert 'x="600" y="500" width="40" height="480"' in html
    assert 'class="marker st-fail"' in html


def test_html_marks_disagreeing_field_readings(html: str) -> None:
    assert html.count('<tr class="disagrees">') == 1
    assert "北京康源生物技术有限公司" in html


def test_write_html_renders_without_page_images(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    write_html(report, {}, path)
    text = path.read_text(encoding="utf-8")
    assert "data:image/jpeg" not in text
    assert 'class="no-image"' in text


def test_ten_page_report_stays_small() -> None:
    pages = {n: _page_image(n) for n in range(1, 11)}
    report = _report().model_copy(update={"pages": [_page(n, DocType.OTHER_TEXT) for n in pages]})
    assert len(render_html(report, pages).encode()) < 3_000_000


# --- pieces -----------------------------------------------------------------------------------


def test_order_findings_by_status_then_first_page() -> None:
    def finding(status: Status, pages: list[int], rule: str) -> Finding:
        return Finding(rule=rule, clause="", status=status, pages=pages, message="")

    ordered = order_findings(
        [
            finding(Status.PASS, [1], "a"),
            finding(Status.NOT_APPLICABLE, [], "b"),
            finding(Status.FAIL, [], "c"),
            finding(Status.UNCERTAIN, [2], "d"),
            finding(Status.FAIL, [5, 3], "e"),
            finding(Status.FAIL, [4], "f"),
        ]
    )
    assert [f.rule for f in ordered] == ["e", "f", "c", "d", "a", "b"]


def test_diff_cells_fall_back_to_a_display_diff() -> None:
    finding = Finding(rule="r", clause="", status=Status.FAIL, expected="ab12", found="ab3", message="")
    cells = diff_cells(finding)
    assert [(c.op, c.expected, c.found) for c in cells] == [
        ("equal", "a", "a"),
        ("equal", "b", "b"),
        ("replace", "12", "3"),
    ]


@pytest.mark.parametrize(
    ("rotation", "turn"),
    [(0, None), (90, cv2.ROTATE_90_CLOCKWISE), (180, cv2.ROTATE_180), (270, cv2.ROTATE_90_COUNTERCLOCKWISE)],
)
def test_frame_maps_boxes_like_turning_the_scan(rotation: int, turn: int | None) -> None:
    scan = np.zeros((300, 200), np.uint8)
    box = BBox.of(20, 50, 70, 90)
    scan[box.y0 : box.y1, box.x0 : box.x1] = 255
    upright = scan if turn is None else cv2.rotate(scan, turn)
    ys, xs = np.nonzero(upright)
    expected = (int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1))
    frame = Frame.of(200, 300, rotation)
    assert frame.upright_box(box) == expected
    assert frame.upright_size == upright.shape[::-1]
    # the SVG transform the page is drawn with puts the box in the same place
    matrix = frame.transform or "matrix(1 0 0 1 0 0)"
    a, b, c, d, e, f = (float(n) for n in re.findall(r"-?\d+", matrix))
    xs_, ys_ = zip(*((a * x + c * y + e, b * x + d * y + f) for x, y in box.corners()), strict=True)
    assert (min(xs_), min(ys_), max(xs_) - min(xs_), max(ys_) - min(ys_)) == expected


def test_html_renders_an_empty_report() -> None:
    empty = Report(
        filingcheck_version="0.1.0",
        generated_at=dt.datetime(2024, 5, 6, tzinfo=dt.UTC),
        submission=Submission(),
        verdict=verdict_of([]),
    )
    html = render_html(empty, {})
    assert "需人工复核" in html and "No findings" in html
