"""Batch runs in the API and on the reviewer page: progress by status, rate, changed verdicts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from filingcheck.api import create_app
from filingcheck.models import InputError
from filingcheck.pipeline import Inputs, PipelineSettings, Progress, Result
from filingcheck.service import Services
from filingcheck.store.batches import Selection, create_batch, get_item
from filingcheck.store.tables import BatchStatus, utcnow
from tests.servicekit import add_user, bearer, insert_done, make_services


def _no_pipeline(inputs: Inputs, settings: PipelineSettings, progress: Progress) -> Result:
    raise InputError("stub_stop", "these tests read nothing")


class Site:
    def __init__(self, client: TestClient, services: Services) -> None:
        self.client = client
        self.services = services
        self.reviewer = add_user(services, "reviewer1", "reviewer", password="a long password")
        self.admin = add_user(services, "admin1", "admin")
        self.clerk = add_user(services, "clerk1", "clerk", password="another long password")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    services = make_services(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "data", _no_pipeline)
    with TestClient(create_app(services)) as client:
        yield Site(client, services)


def a_run(site: Site) -> tuple[str, list[str]]:
    """A rules-only run over three submissions: one changed its verdict, one did not, one waits."""
    ids = [insert_done(site.services, "clerk1") for _ in range(3)]
    with site.services.db.session() as session:
        batch = create_batch(session, Selection(), "rules")
        plan = [(BatchStatus.DONE, False), (BatchStatus.DONE, True), (BatchStatus.PENDING, True)]
        for submission_id, (status, same) in zip(ids, plan, strict=True):
            item = get_item(session, batch.id, submission_id)
            assert item is not None
            item.status = status.value
            if status == BatchStatus.DONE:
                item.verdict_after = item.verdict_before if same else "accept"
                item.pages_done = item.pages_total
                item.finished_at = utcnow()
        return batch.id, ids


def test_batch_runs_show_progress_rate_and_changed_verdicts(site: Site) -> None:
    batch_id, ids = a_run(site)
    listed = site.client.get("/api/v1/batches", headers=bearer(site.reviewer))
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["total"] == 1 and [b["id"] for b in body["items"]] == [batch_id]
    run = body["items"][0]
    assert run["counts"] == {"pending": 1, "running": 0, "done": 2, "failed": 0}
    assert run["total"] == 3 and run["changed"] == 1 and run["stage"] == "rules"
    assert run["per_minute"] is not None and run["per_minute"] > 0
    assert run["finished_at"] is None
    detail = site.client.get(f"/api/v1/batches/{batch_id}", headers=bearer(site.admin)).json()
    assert [c["submission_id"] for c in detail["changed_items"]] == [ids[0]]
    assert detail["changed_items"][0]["verdict_after"] == "accept"
    assert detail["changed_items"][0]["verdict_before"] != "accept"
    assert detail["counts"] == run["counts"]


def test_only_reviewers_and_admins_see_batch_runs(site: Site) -> None:
    batch_id, _ = a_run(site)
    for path in ("/api/v1/batches", f"/api/v1/batches/{batch_id}"):
        response = site.client.get(path, headers=bearer(site.clerk))
        assert response.status_code == 403 and response.json()["error"] == "forbidden"
        assert site.client.get(path).status_code == 401
    missing = site.client.get("/api/v1/batches/nope", headers=bearer(site.reviewer))
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


def test_the_reviewer_page_lists_the_submissions_whose_verdict_changed(site: Site) -> None:
    batch_id, ids = a_run(site)
    with TestClient(site.client.app) as browser:
        browser.post("/login", data={"name": "reviewer1", "password": "a long password"})
        listing = browser.get("/review")
        assert 'href="/review/batches"' in listing.text  # linked from the nav
        page = browser.get("/review/batches")
        assert page.status_code == 200
        assert f"/review/submissions/{ids[0]}" in page.text
        assert f"/review/submissions/{ids[1]}" not in page.text
        assert f"/review/batches?batch={batch_id}" in page.text
        assert browser.get("/review/batches?batch=nope").status_code == 200
    with TestClient(site.client.app) as clerk:
        clerk.post("/login", data={"name": "clerk1", "password": "another long password"})
        assert 'href="/review/batches"' not in clerk.get("/review").text
        assert clerk.get("/review/batches").status_code == 403
