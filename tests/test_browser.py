"""The reviewer page in a real browser (Debian's chromium driven by Playwright), on SQLite and
PostgreSQL: a clerk uploads a generated dossier, a reviewer opens the report, selects a finding,
sees its boxes and the differing characters highlighted, moves with the keyboard and records a
decision. Screenshots for the README go to out/screenshots/ (SQLite run)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from filingcheck.api import create_app
from tests.servicekit import (
    BACKENDS,
    add_user,
    bearer,
    database_url,
    generated_dossier,
    live_server,
    make_services,
)

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
SHOTS = REPO / "out" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "a long password"


def _chromium() -> str | None:
    """The reason there is no browser to test with, after trying the optional install step."""
    if shutil.which("chromium") or Path(CHROMIUM).exists():
        return None
    can_install = os.geteuid() == 0 or shutil.which("sudo")
    if os.environ.get("FILINGCHECK_INSTALL_BROWSER", "1") != "0" and can_install:
        subprocess.run(
            ["bash", str(REPO / "scripts" / "install-system-deps.sh"), "--browser"],
            check=False,
            timeout=900,
            capture_output=True,
        )
    if Path(CHROMIUM).exists():
        return None
    return "Debian's chromium is not installed (`bash scripts/install-system-deps.sh --browser` installs it)"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")
    reason = _chromium()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module", params=BACKENDS)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp(f"browser-{request.param}")
    with database_url(request.param, folder) as url:
        services = make_services(url, folder / "data")
        app = create_app(services)
        with live_server(app) as base:
            clerk_token = add_user(services, "clerk", "clerk", password=PASSWORD)
            reviewer_token = add_user(services, "reviewer", "reviewer", password=PASSWORD)
            yield {
                "base": base,
                "backend": request.param,
                "services": services,
                "clerk_token": clerk_token,
                "reviewer_token": reviewer_token,
                "dossier": generated_dossier(tmp_path_factory.getbasetemp()),
            }


def _login(page, base: str, name: str, secret: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/review")
    assert "/login" in page.url
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", secret)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{base}/review")


def test_upload_review_and_decide_in_the_browser(browser, site: dict) -> None:  # type: ignore[no-untyped-def]
    import httpx

    base, dossier = site["base"], site["dossier"]
    meta = json.loads((dossier / "submission.json").read_text(encoding="utf-8"))
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1500, "height": 950}, device_scale_factor=1)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    # The clerk signs in with the API token that `filingcheck users add` printed, and uploads.
    _login(page, base, "clerk", site["clerk_token"])
    page.click("a[href='/review/upload']")
    page.set_input_files("input[name=paper]", str(dossier / "paper.pdf"))
    page.set_input_files("input[name=electronic]", str(dossier / "electronic.pdf"))
    page.select_option("select[name=application_type]", meta["application_type"])
    page.fill("input[name=submitted_on]", meta["submitted_on"])
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(f"{base}/review/submissions/**")
    sid = page.url.rsplit("/", 1)[-1]
    page.wait_for_selector("#review", timeout=900_000)  # the progress page reloads when done
    assert page.locator("form.decision").count() == 0  # clerks do not decide

    api = httpx.Client(base_url=base, headers=bearer(site["reviewer_token"]), timeout=30)
    report = api.get(f"/api/v1/submissions/{sid}").json()["report"]
    target = next(
        f for f in report["findings"] if f["status"] == "fail" and f["field"] == "applicant_address"
    )
    fid = target["id"]

    # The reviewer opens the list, then the submission.
    page.click("form[action='/logout'] button")
    page.wait_for_url("**/login")
    _login(page, base, "reviewer", PASSWORD)
    assert page.locator(f"a[href='/review/submissions/{sid}']").count() == 1
    page.screenshot(path=str(_shot(site, "submissions.png")))
    page.click(f"a[href='/review/submissions/{sid}']")
    page.wait_for_selector("#review")

    # Keyboard: j selects the next finding, k comes back.
    first = page.get_attribute("#review", "data-selected")
    page.keyboard.press("j")
    assert page.get_attribute("#review", "data-selected") != first
    page.keyboard.press("k")
    assert page.get_attribute("#review", "data-selected") == first

    # Click the address finding: its boxes and the differing characters light up on its page.
    page.click(f"#f-{fid} .finding-head")
    assert "sel" in (page.get_attribute(f"#f-{fid}", "class") or "")
    shown = page.locator("figure.page-view:not([hidden])")
    assert shown.count() == 1
    shown_page = int(shown.get_attribute("data-page") or 0)
    boxed = {e["page"] for e in target["evidence"] if e["bbox"] and e["source"] != "electronic"}
    assert shown_page == min(boxed)
    selected_boxes = shown.locator(f"rect.ev.sel[data-finding='{fid}']")
    assert selected_boxes.count() >= 1 and selected_boxes.first.is_visible()
    highlights = shown.locator(f"rect.hl.sel[data-finding='{fid}']")
    assert highlights.count() >= 1 and highlights.first.is_visible()
    assert all(not r.is_visible() for r in shown.locator("rect.hl:not(.sel)").all())
    image = shown.locator("image")
    page.wait_for_function(
        "img => img.getAttribute('href') !== null", arg=image.element_handle(), timeout=10_000
    )
    assert page.locator(".page-view svg .seal").count() >= 1  # seals outlined
    marked = {int(t.get_attribute("data-page") or 0) for t in page.locator(".thumb.has-fail").all()}
    assert shown_page in marked

    # The diff: both rows read as the finding's values, and the differing characters are marked.
    cells = page.locator(f"#f-{fid} .diff .cell")
    expected = "".join(c.locator(".e").inner_text() for c in cells.all()).replace("∅", "")
    found = "".join(c.locator(".f").inner_text() for c in cells.all()).replace("∅", "")
    assert expected == target["expected"] and found == target["found"]
    marked_cells = page.locator(f"#f-{fid} .diff .cell:not(.d-equal)")
    assert marked_cells.count() >= 1
    assert marked_cells.evaluate_all(
        "cells => cells.every(c => [...c.children].some(s => getComputedStyle(s).fontWeight === '700'))"
    )
    page.evaluate("window.scrollTo(0, 0)")  # Playwright's clicks scroll the window; people's do not
    page.screenshot(path=str(_shot(site, "reviewer.png")))

    # Decide: override with a reason; the verdict is worked out again and the decision is shown.
    form = page.locator(f"#f-{fid} form.decision")
    form.locator("input[value=override]").check()
    form.locator("textarea[name=reason]").fill("住所 checked on the original licence: 89号 is right")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f"#f-{fid} .decision-note")
    state = api.get(f"/api/v1/submissions/{sid}").json()
    assert state["decisions"][-1]["finding_id"] == fid and state["decisions"][-1]["user"] == "reviewer"
    assert page.get_attribute("#verdict", "data-verdict") == state["verdict"]
    assert state["verdict"] != "return_for_correction" or any(
        f["status"] == "fail" for f in state["report"]["findings"]
    )
    assert "89号 is right" in page.locator(f"#f-{fid} .decision-note").inner_text()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(_shot(site, "reviewer-decided.png")))
    assert not errors, errors
    context.close()


def _shot(site: dict, name: str) -> Path:
    folder = SHOTS if site["backend"] == "sqlite" else SHOTS / site["backend"]
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name
