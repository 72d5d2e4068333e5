"""Schemathesis against the app's own OpenAPI document: requests generated for every operation
(valid ones and broken ones), sent as an admin: no 5xx, and every answer as documented.

A few examples per operation in the suite; ``FILINGCHECK_SCHEMATHESIS_EXAMPLES=N`` for longer runs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.modes import GenerationMode

from filingcheck.api import create_app
from filingcheck.models import InputError
from filingcheck.pipeline import Inputs, PipelineSettings, Progress, Result
from tests.servicekit import add_user, insert_done, make_services

EXAMPLES = int(os.environ.get("FILINGCHECK_SCHEMATHESIS_EXAMPLES", "6"))
# A name no generated request will hit by chance: a PATCH must not lock the fuzzing admin out.
ADMIN = "schemathesis-admin-3c9f"
TOKENS: dict[str, str] = {}
# Query parameters the document does not name are ignored, as HTTP APIs commonly do; the routes
# are not asked to refuse them.
CONFIG = SchemathesisConfig.from_dict({"generation": {"allow-extra-parameters": False}})


def _no_pipeline(inputs: Inputs, settings: PipelineSettings, progress: Progress) -> Result:
    raise InputError("stub_stop", "these tests read nothing")


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("schemathesis")
    services = make_services(f"sqlite:///{folder / 'db.sqlite'}", folder / "data", _no_pipeline)
    app = create_app(services)
    with TestClient(app):  # start-up: the schema migrated; stop: the runner ends with the module
        TOKENS["admin"] = add_user(services, ADMIN, "admin")
        add_user(services, "clerk", "clerk")
        insert_done(services, "clerk")  # something to read, decide and list
        yield schemathesis.openapi.from_asgi("/api/v1/openapi.json", app, config=CONFIG)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_its_openapi_promises(api_schema: Any, mode: GenerationMode) -> None:
    """Every operation, ``EXAMPLES`` requests each; all failures are reported together."""
    headers = {"Authorization": f"Bearer {TOKENS['admin']}"}
    failures: list[str] = []
    tried = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=EXAMPLES <= 10,  # the suite's run is the same every time; longer runs explore
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers)

        tried += 1
        try:
            run()
        except Unsatisfiable:
            assert mode == GenerationMode.NEGATIVE  # an operation without inputs cannot be sent wrong ones
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis groups what it found
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert tried >= 14
    assert not failures, "\n\n".join(failures)


def test_the_openapi_document_is_what_schemathesis_reads(tmp_path: Path) -> None:
    """The suite above must not pass by finding nothing to test."""
    services = make_services(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "data", _no_pipeline)
    loaded = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(services))
    operations = {f"{op.ok().method.upper()} {op.ok().path}" for op in loaded.get_all_operations()}
    assert {"POST /api/v1/submissions", "GET /api/v1/submissions/{submission_id}/report"} <= operations
    assert len(operations) >= 14
