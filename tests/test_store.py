"""The store: content-addressed files, migrations, hashed credentials, reports as rows, decisions,
filters; on SQLite and on PostgreSQL (skipped, with the reason, when no server answers)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text

from filingcheck.models import Status, Verdict
from filingcheck.service.review import Decision, ReviewError, decide, outcome
from filingcheck.store import Database, FileStore
from filingcheck.store.accounts import (
    AccountError,
    authenticate,
    create_user,
    get_user,
    hash_password,
    issue_credential,
    revoke,
    verify_password,
)
from filingcheck.store.db import alembic_config
from filingcheck.store.submissions import (
    Filters,
    decided_report,
    finding_row,
    finding_rows,
    get_submission,
    search,
)
from filingcheck.store.tables import (
    Credential,
    CredentialKind,
    FieldReading,
    Page,
    ReviewDecision,
    SealRow,
    utcnow,
)
from tests.servicekit import BACKENDS, add_user, database_url, hand_report, insert_done, make_services

TABLES = {
    "users",
    "credentials",
    "submissions",
    "uploaded_files",
    "pages",
    "ocr_results",
    "seals",
    "fields",
    "findings",
    "review_decisions",
    "audit_log",
}


def test_file_store_keeps_the_same_bytes_once(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files")
    first = store.put(b"%PDF-1.7 scan")
    again = store.put(b"%PDF-1.7 scan")
    streamed = store.put_stream(io.BytesIO(b"%PDF-1.7 scan"), chunk=3)
    assert first == again == streamed
    files = [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
    assert files == [store.path_of(first)]
    assert store.path_of(first).relative_to(tmp_path / "files").parts == (first[:2], first[2:])
    assert store.get(first) == b"%PDF-1.7 scan"
    with pytest.raises(ValueError):
        store.path_of("../etc/passwd")


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with database_url(request.param, tmp_path) as url:
        database = Database(url)
        database.migrate()
        yield database
        database.dispose()


def test_migrations_create_every_table_and_run_twice(db: Database) -> None:
    db.migrate()  # a second run is a no-op
    assert set(inspect(db.engine).get_table_names()) >= TABLES
    with db.engine.connect() as conn:
        version = conn.execute(text("select version_num from alembic_version")).scalar()
    assert version == ScriptDirectory.from_config(alembic_config(db.url)).get_current_head()


def test_migrations_match_the_models(db: Database) -> None:
    """A model changed without a migration fails here (`alembic revision --autogenerate` writes one)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from filingcheck.store.tables import Base

    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_migrations_go_down_and_up_again(db: Database) -> None:
    from alembic import command

    from filingcheck.store.db import alembic_config

    with db.engine.begin() as conn:
        config = alembic_config(db.url)
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert not TABLES & set(inspect(db.engine).get_table_names())
    db.migrate()
    assert set(inspect(db.engine).get_table_names()) >= TABLES


def test_tokens_and_passwords_are_stored_hashed(db: Database) -> None:
    with db.session() as session:
        user = create_user(session, "张三", "clerk", password="correct horse")
        token = issue_credential(session, user)
        web = issue_credential(session, user, CredentialKind.SESSION, ttl=dt.timedelta(hours=1))
        expired = issue_credential(session, user, CredentialKind.SESSION, ttl=dt.timedelta(seconds=-1))
    with db.session() as session:
        stored = [c.token_hash for c in session.scalars(select(Credential))]
        assert token not in stored and all(len(h) == 64 for h in stored)
        assert token.startswith("fct_") and len(token) > 40
        assert authenticate(session, token, CredentialKind.API_TOKEN).name == "张三"
        assert authenticate(session, token, CredentialKind.SESSION) is None  # kinds do not mix
        assert authenticate(session, web, CredentialKind.SESSION) is not None
        assert authenticate(session, expired, CredentialKind.SESSION) is None
        assert authenticate(session, "fct_guess", CredentialKind.API_TOKEN) is None
        revoke(session, token)
    with db.session() as session:
        assert authenticate(session, token, CredentialKind.API_TOKEN) is None
        with pytest.raises(AccountError) as exc:
            create_user(session, "张三", "reviewer")
        assert exc.value.code == "user_exists"
        with pytest.raises(AccountError):
            create_user(session, "bad name", "clerk")
        with pytest.raises(AccountError):
            create_user(session, "eve", "root")


def test_password_hash_verifies_only_the_password() -> None:
    stored = hash_password("correct horse")
    assert stored.startswith("scrypt$") and "correct" not in stored
    assert verify_password(stored, "correct horse")
    assert not verify_password(stored, "correct horsE")
    assert not verify_password(None, "x")
    assert not verify_password("md5$abc", "x")


@pytest.fixture(params=BACKENDS)
def services(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    with database_url(request.param, tmp_path) as url:
        svc = make_services(url, tmp_path / "data")
        svc.db.migrate()
        add_user(svc, "clerk", "clerk")
        add_user(svc, "reviewer", "reviewer")
        yield svc
        svc.db.dispose()


def test_report_is_kept_whole_and_as_rows(services) -> None:  # type: ignore[no-untyped-def]
    sid = insert_done(services, "clerk")
    with services.db.session() as session:
        row = get_submission(session, sid)
        assert row.status == "done" and row.verdict == Verdict.RETURN_FOR_CORRECTION
        assert row.applicant == "郑州春灵健康科技股份有限公司"
        assert session.scalar(select(Page).where(Page.submission_id == sid).limit(1)) is not None
        assert len(session.scalars(select(Page).where(Page.submission_id == sid)).all()) == 2
        assert len(session.scalars(select(SealRow).where(SealRow.submission_id == sid)).all()) == 1
        assert len(session.scalars(select(FieldReading).where(FieldReading.submission_id == sid)).all()) == 1
        rows = finding_rows(session, sid)
        assert [r.finding_id for r in rows] == ["f-address", "f-product", "f-seal", "f-term"]
        assert decided_report(row, rows) == hand_report()


@pytest.mark.parametrize(
    ("machine", "decision", "requested", "expected"),
    [
        (Status.FAIL, Decision.CONFIRM, None, Status.FAIL),
        (Status.FAIL, Decision.OVERRIDE, None, Status.PASS),
        (Status.UNCERTAIN, Decision.CONFIRM, None, Status.FAIL),
        (Status.UNCERTAIN, Decision.OVERRIDE, None, Status.PASS),
        (Status.PASS, Decision.CONFIRM, None, Status.PASS),
        (Status.PASS, Decision.OVERRIDE, None, Status.FAIL),
        (Status.FAIL, Decision.OVERRIDE, Status.NOT_APPLICABLE, Status.NOT_APPLICABLE),
        (Status.NOT_APPLICABLE, Decision.OVERRIDE, Status.FAIL, Status.FAIL),
        (Status.UNCERTAIN, Decision.CONFIRM, Status.FAIL, Status.FAIL),
    ],
)
def test_decision_outcomes(
    machine: Status, decision: Decision, requested: Status | None, expected: Status
) -> None:
    assert outcome(machine, decision, requested) == expected


@pytest.mark.parametrize(
    ("machine", "decision", "requested", "code"),
    [
        (Status.FAIL, Decision.CONFIRM, Status.PASS, "bad_status"),
        (Status.FAIL, Decision.OVERRIDE, Status.FAIL, "bad_status"),
        (Status.FAIL, Decision.OVERRIDE, Status.UNCERTAIN, "bad_status"),
        (Status.NOT_APPLICABLE, Decision.OVERRIDE, None, "status_required"),
    ],
)
def test_decisions_that_make_no_sense_are_refused(
    machine: Status, decision: Decision, requested: Status | None, code: str
) -> None:
    with pytest.raises(ReviewError) as exc:
        outcome(machine, decision, requested)
    assert exc.value.code == code


def test_decisions_recompute_the_verdict_and_keep_history(services) -> None:  # type: ignore[no-untyped-def]
    sid = insert_done(services, "clerk")
    with services.db.session() as session:
        row = get_submission(session, sid)
        reviewer = get_user(session, "reviewer")
        decide(
            session, row, finding_row(session, sid, "f-address"), reviewer, Decision.OVERRIDE, "scan misread"
        )
        assert row.verdict == Verdict.NEEDS_REVIEW  # the uncertain one is left
        decide(session, row, finding_row(session, sid, "f-product"), reviewer, Decision.OVERRIDE, "OCR noise")
        assert row.verdict == Verdict.ACCEPT
        decide(
            session, row, finding_row(session, sid, "f-address"), reviewer, Decision.CONFIRM, "looked again"
        )
        assert row.verdict == Verdict.RETURN_FOR_CORRECTION
        with pytest.raises(ReviewError) as exc:
            decide(session, row, finding_row(session, sid, "f-seal"), reviewer, Decision.CONFIRM, "   ")
        assert exc.value.code == "reason_required"
    with services.db.session() as session:
        history = session.scalars(select(ReviewDecision).order_by(ReviewDecision.id)).all()
        assert [(d.finding_id, d.status, d.verdict_after) for d in history] == [
            ("f-address", "pass", "needs_review"),
            ("f-product", "pass", "accept"),
            ("f-address", "fail", "return_for_correction"),
        ]
        report = decided_report(get_submission(session, sid), finding_rows(session, sid))
        assert {f.id: f.status for f in report.findings}["f-product"] == Status.PASS
        assert report.verdict == Verdict.RETURN_FOR_CORRECTION


def test_search_filters(services) -> None:  # type: ignore[no-untyped-def]
    add_user(services, "other", "clerk")
    a = insert_done(
        services, "clerk", hand_report(applicant="郑州春灵健康科技股份有限公司", submitted_on="2025-01-10")
    )
    b = insert_done(services, "other", hand_report(applicant="Acme Health Ltd", submitted_on="2025-06-01"))
    with services.db.session() as session:
        clerk = get_user(session, "clerk")

        def ids(**kw: object) -> set[str]:
            rows, total = search(session, Filters(**kw))  # type: ignore[arg-type]
            assert total == len(rows)
            return {r.id for r in rows}

        assert ids() == {a, b}
        assert ids(owner_id=clerk.id) == {a}
        assert ids(applicant="春灵") == {a}
        assert ids(applicant="acme") == {b}
        assert ids(applicant="%") == set()  # wildcards are literal
        assert ids(submitted_from=dt.date(2025, 5, 1)) == {b}
        assert ids(submitted_to=dt.date(2025, 5, 1)) == {a}
        assert ids(verdict="return_for_correction") == {a, b}
        assert ids(verdict="accept") == set()
        assert ids(status="done") == {a, b}
        assert ids(status="queued") == set()
        today = utcnow().date()
        assert ids(uploaded_from=today, uploaded_to=today) == {a, b}
        assert ids(uploaded_to=today - dt.timedelta(days=1)) == set()
        rows, total = search(session, Filters(limit=1))
        assert len(rows) == 1 and total == 2
