"""End to end through HTTP on SQLite and PostgreSQL: a generated dossier is uploaded, processed in the
background by the real pipeline (real OCR; run once per test session and shared with the browser
test, see `servicekit.MemoPipeline`), and reviewed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from filingcheck.api import create_app
from filingcheck.models import Report, Status
from filingcheck.reporting import write_json
from tests.servicekit import (
    BACKENDS,
    REAL_PIPELINE,
    add_user,
    bearer,
    database_url,
    generated_dossier,
    make_services,
    wait_for,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=BACKENDS)
def processed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    dossier = generated_dossier(tmp_path_factory.getbasetemp())
    folder = tmp_path_factory.mktemp(f"e2e-{request.param}")
    with database_url(request.param, folder) as url:
        services = make_services(url, folder / "data")
        with TestClient(create_app(services)) as client:
            clerk = add_user(services, "clerk", "clerk")
            reviewer = add_user(services, "reviewer", "reviewer")
            meta = json.loads((dossier / "submission.json").read_text(encoding="utf-8"))
            files = [
                ("paper", ("paper.pdf", (dossier / "paper.pdf").read_bytes(), "application/pdf")),
                (
                    "electronic",
                    ("electronic.pdf", (dossier / "electronic.pdf").read_bytes(), "application/pdf"),
                ),
            ]
            created = client.post("/api/v1/submissions", headers=bearer(clerk), files=files, data=meta)
            assert created.status_code == 202, created.text
            sid = created.json()["id"]
            body = wait_for(client, sid, clerk)
            yield {
                "client": client,
                "services": services,
                "clerk": clerk,
                "reviewer": reviewer,
                "id": sid,
                "body": body,
                "dossier": dossier,
                "folder": folder,
            }


def test_processing_reports_progress_then_the_report(processed: dict) -> None:
    body = processed["body"]
    assert body["status"] == "done", body.get("error")
    seen = body["_seen"]
    assert seen[-1][0] == "done"
    assert (
        body["progress"]["pages_done"] == body["progress"]["pages_total"] == len(body["report"]["pages"]) > 1
    )
    assert REAL_PIPELINE.real_runs == 1  # one real OCR run in the whole test session
    report = Report.model_validate(body["report"])
    assert [f.name for f in report.inputs] == ["paper.pdf", "electronic.pdf"]
    assert body["applicant"] and body["product"]


def test_report_has_the_cli_schema(processed: dict, tmp_path: Path) -> None:
    served = (
        processed["client"]
        .get(f"/api/v1/submissions/{processed['id']}/report", headers=bearer(processed["clerk"]))
        .json()
    )
    write_json(Report.model_validate(served), tmp_path / "cli.json")
    assert json.loads((tmp_path / "cli.json").read_text(encoding="utf-8")) == served


def test_the_injected_defect_is_found_with_evidence(processed: dict) -> None:
    report = processed["body"]["report"]
    fails = [f for f in report["findings"] if f["status"] == "fail"]
    address = [
        f for f in fails if f["rule"] == "applicant.matches_licence" and f["field"] == "applicant_address"
    ]
    assert address, [(f["rule"], f["field"]) for f in fails]
    finding = address[0]
    assert any(op["op"] != "equal" for op in finding["diff"])
    assert any(e["highlight"] for e in finding["evidence"])
    assert report["verdict"] == "return_for_correction"


def test_page_images_of_the_processed_dossier(processed: dict) -> None:
    client, sid, token = processed["client"], processed["id"], processed["reviewer"]
    report = processed["body"]["report"]
    for page in report["pages"]:
        response = client.get(f"/api/v1/submissions/{sid}/pages/{page['page']}.png", headers=bearer(token))
        assert response.status_code == 200 and response.content.startswith(b"\x89PNG")
    etag = response.headers["etag"]
    cached = client.get(
        f"/api/v1/submissions/{sid}/pages/{page['page']}.png",
        headers={**bearer(token), "If-None-Match": etag},
    )
    assert cached.status_code == 304


def test_override_recomputes_the_verdict_and_is_audited(processed: dict) -> None:
    client, sid = processed["client"], processed["id"]
    report = processed["body"]["report"]
    open_findings = [f for f in report["findings"] if f["status"] in (Status.FAIL, Status.UNCERTAIN)]
    assert open_findings
    forbidden = client.post(
        f"/api/v1/submissions/{sid}/findings/{open_findings[0]['id']}/decision",
        headers=bearer(processed["clerk"]),
        json={"decision": "override", "reason": "clerk tries"},
    )
    assert forbidden.status_code == 403
    result = None
    for finding in open_findings:
        result = client.post(
            f"/api/v1/submissions/{sid}/findings/{finding['id']}/decision",
            headers=bearer(processed["reviewer"]),
            json={"decision": "override", "reason": f"checked {finding['rule']} on the original"},
        )
        assert result.status_code == 200, result.text
    assert result is not None and result.json()["verdict"] == "accept"
    state = client.get(f"/api/v1/submissions/{sid}", headers=bearer(processed["clerk"])).json()
    assert state["verdict"] == "accept" and state["machine_verdict"] == "return_for_correction"
    audit = client.get(f"/api/v1/submissions/{sid}/audit", headers=bearer(processed["reviewer"])).json()
    actions = [e["action"] for e in audit]
    assert actions.count("finding.decided") == len(open_findings)
    assert {"submission.created", "submission.started", "submission.processed"} <= set(actions)
    decided = next(e for e in audit if e["action"] == "finding.decided")
    assert decided["actor"] == "reviewer" and decided["rule"] and decided["pipeline_version"]


def test_the_same_dossier_again_is_stored_once(processed: dict) -> None:
    client, dossier, services = processed["client"], processed["dossier"], processed["services"]
    before = sorted(p for p in services.files.root.rglob("*") if p.is_file())
    meta = json.loads((dossier / "submission.json").read_text(encoding="utf-8"))
    files = [
        ("paper", ("paper.pdf", (dossier / "paper.pdf").read_bytes(), "application/pdf")),
        ("electronic", ("electronic.pdf", (dossier / "electronic.pdf").read_bytes(), "application/pdf")),
    ]
    response = client.post("/api/v1/submissions", headers=bearer(processed["clerk"]), files=files, data=meta)
    assert response.status_code == 202
    again = wait_for(client, response.json()["id"], processed["clerk"])
    assert again["status"] == "done" and again["id"] != processed["id"]
    assert [f["sha256"] for f in again["files"]] == [f["sha256"] for f in processed["body"]["files"]]
    # Originals and page images are the same bytes: the file store did not grow.
    assert sorted(p for p in services.files.root.rglob("*") if p.is_file()) == before
