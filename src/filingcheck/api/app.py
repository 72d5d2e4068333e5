"""The FastAPI application: versioned under /api/v1; errors become stable 4xx codes here."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from filingcheck import __version__
from filingcheck.crosscheck import rule_ids
from filingcheck.models import InputError
from filingcheck.ocr import engine_names


def create_app() -> FastAPI:
    app = FastAPI(
        title="filingcheck", version=__version__, docs_url="/api/docs", openapi_url="/api/v1/openapi.json"
    )

    @app.exception_handler(InputError)
    async def input_error(_: Request, exc: InputError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"error": exc.code, "message": exc.message})

    @app.get("/api/v1/health")
    def health() -> dict[str, object]:
        """Liveness, the version, and what this build can run."""
        return {"status": "ok", "version": __version__, "engines": engine_names(), "rules": rule_ids()}

    return app
