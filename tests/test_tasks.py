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


def test_pages_fan_out_only_where_a_chord_can_be_joined() -> None:
    redis = celery_config(Settings(broker_url="redis://127.0.0.1:6379/0"), WorkerSettings())
    assert redis["result_backend"] == "redis://127.0.0.1:6379/0" and redis["filingcheck_page_tasks"]
    rabbit = celery_config(Settings(broker_url="amqp://guest:guest@127.0.0.1:5672//"), WorkerSettings())
    assert rabbit["result_backend"] is None and not rabbit["filingcheck_page_tasks"]
    told = WorkerSettings(result_backend="redis://127.0.0.1:6379/1")
    assert celery_config(Settings(broker_url="amqp://x@127.0.0.1//"), told)["filingcheck_page_tasks"]
    off = celery_config(Settings(broker_url="redis://127.0.0.1:6379/0"), WorkerSettings(page_tasks=False))
    assert not off["filingcheck_page_tasks"]


def test_the_claim_passes_from_the_fanning_task_to_the_assembling_one(tmp_path: Path) -> None:
    from filingcheck.service.processing import MAX_TAKEOVERS

    services = make_services(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    services.db.migrate()
    add_user(services, "clerk1", "clerk")
    submission_id = insert_done(services, "clerk1")
    with services.db.session() as session:
        session.execute(update(Submission).where(Submission.id == submission_id).values(status="queued"))
    processor: Processor = services.processor
    assert processor.claim(submission_id, "process-1")
    assert not processor.hand_over(submission_id, "process-2", "assemble-x")  # not its claim
    assert processor.hand_over(submission_id, "process-1", "assemble-1")
    assert not processor.hand_over(submission_id, "process-1", "assemble-2")  # a second chord: no-op
    with services.db.session() as session:
        row = session.get(Submission, submission_id)
        assert row is not None and row.claim_token == "assemble-1" and row.attempts == 1
    # The assembling task delivered again takes over, until it has come back too often.
    for _ in range(MAX_TAKEOVERS - 1):
        assert processor.hand_over(submission_id, "process-1", "assemble-1")
    assert not processor.hand_over(submission_id, "process-1", "assemble-1")
    with services.db.session() as session:
        row = session.get(Submission, submission_id)
        assert row is not None and row.status == "failed" and row.error_code == "worker_lost"
    services.stop()


def test_a_page_task_reads_only_for_a_running_submission_and_counts_its_page_once(tmp_path: Path) -> None:
    services = make_services(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    services.db.migrate()
    add_user(services, "clerk1", "clerk")
    submission_id = insert_done(services, "clerk1")
    processor: Processor = services.processor
    assert processor.page_numbers(submission_id) == [1]  # the stored scan is one PNG page
    assert not processor.cache_page(submission_id, 1)  # done already: a stale message reads nothing
    with services.db.session() as session:
        session.execute(
            update(Submission)
            .where(Submission.id == submission_id)
            .values(status="running", pages_done=0, pages_total=1)
        )
    assert processor.cache_page(submission_id, 1)
    assert not processor.cache_page(submission_id, 2)
    assert processor.cache_page(submission_id, 1)  # delivered twice
    with services.db.session() as session:
        row = session.get(Submission, submission_id)
        assert row is not None and row.pages_done == 1 and row.stage == "ocr"
    assert list((tmp_path / "cache" / "ocr").rglob("*.json"))
    services.stop()
