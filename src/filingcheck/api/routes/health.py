"""Liveness: open to everyone (load balancers and `make` scripts call it without a token)."""

from __future__ import annotations

from fastapi import APIRouter

from filingcheck import __version__
from filingcheck.crosscheck import rule_ids
from filingcheck.ocr import engine_names

router = APIRouter(tags=["health"])


@router.get("/health")
def health() -> dict[str, object]:
    """Liveness, the version, and what this build can run."""
    return {"status": "ok", "version": __version__, "engines": engine_names(), "rules": rule_ids()}
