"""The queue's configuration and claims, without a broker: what makes a killed task safe to run again."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update

from filingcheck.config import Settings
from filingcheck.service import build_services
from filingcheck.service.processing import Processor
from filingcheck.service.runner import ThreadRunner
from filingcheck.store.tables import Submission
from filingcheck.tasks import CeleryRunner, WorkerSettings, celery_config
from tests.servicekit import add_user, insert_done, make_services


def test_celery_is_configured_for_redelivery() -> None:
    config = celery_config(Settings(broker_url="redis://127.0.0.1:6379/0"), WorkerSettings())
    assert config["task_acks_late"] is True
    assert config["task_reject_on_worker_lost"] is True
    assert config["worker_prefetch_multiplier"] == 1
    assert config["task_soft_time_limit"] < config["task_time_limit"]
    assert config["worker_max_tasks_per_child"] >= 1 and config["worker_max_memory_per_child"] > 0
    # Redis hands an unacknowledged message out again only after a task would have been killed.
    assert config["broker_transport_options"]["visibility_timeout"] > config["task_time_limit"]


def test_the_service_queues_on_celery_when_a_broker_is_set(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    plain = build_services(Settings(data_dir=tmp_path, database_url=url))
    assert isinstance(plain.runner, ThreadRunner)
    plain.stop()
    queued = build_services(Settings(data_dir=tmp_path, database_url=url, broker_url="memory://"))
    assert isinstance(queued.runner, CeleryRunner)
    queued.stop()


def test_a_running_submission_is_left_to_its_worker_at_service_start(tmp_path: Path) -> None:
    services = make_services(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    services.db.migrate()
    add_user(services, "clerk1", "clerk")
    submission_id = insert_done(services, "clerk1")
    with services.db.session() as session:
        session.execute(update(Submission).where(Submission.id == submission_id).values(status="running"))
    sent: list[str] = []
    services.runner = CeleryRunner()
    services.runner.submit = sent.append  # type: ignore[method-assign]
    services.start()
    with services.db.session() as session:
        assert session.get(Submission, submission_id).status == "running"  # type: ignore[union-attr]
    assert sent == []
    services.stop()


def test_only_the_same_task_takes_over_a_running_submission(tmp_path: Path) -> None:
    services = make_services(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    services.db.migrate()
    add_user(services, "clerk1", "clerk")
    submission_id = insert_done(services, "clerk1")
    with services.db.session() as session:
        session.execute(update(Submission).where(Submission.id == submission_id).values(status="queued"))
    processor: Processor = services.processor
    assert processor._claim(submission_id, "task-a")
    assert not processor._claim(submission_id, "task-b")  # another copy: claimed already
    assert not processor._claim(submission_id, None)
    assert processor._claim(submission_id, "task-a")  # the same task delivered again
    with services.db.session() as session:
        row = session.get(Submission, submission_id)
        assert row is not None and row.attempts == 2 and row.claim_token == "task-a"
    services.stop()


def test_a_submission_that_keeps_killing_its_worker_fails_after_the_takeovers(tmp_path: Path) -> None:
    from filingcheck.service.processing import MAX_TAKEOVERS

    services = make_services(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    services.db.migrate()
    add_user(services, "clerk1", "clerk")
    submission_id = insert_done(services, "clerk1")
    with services.db.session() as session:
        session.execute(
            update(Submission)
            .where(Submission.id == submission_id)
            .values(status="running", claim_token="task-a", attempts=MAX_TAKEOVERS)
        )
    services.processor.run(submission_id, token="task-a")
    with services.db.session() as session:
        row = session.get(Submission, submission_id)
        assert row is not None and row.status == "failed" and row.error_code == "worker_lost"
    services.stop()
