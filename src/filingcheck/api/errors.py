"""Errors at the HTTP edge: every one is JSON ``{"error": code, "message": ...}``, never a traceback."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from filingcheck.models import InputError
from filingcheck.service.review import ReviewError
from filingcheck.service.uploads import UploadError
from filingcheck.store.accounts import AccountError
from filingcheck.store.files import is_disk_full

log = logging.getLogger(__name__)
HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_file",
    422: "invalid_request",
}
ACCOUNT_STATUS = {"user_exists": 409, "user_not_found": 404}


class ErrorOut(BaseModel):
    """The body of every 4xx/5xx answer; ``error`` is a stable code to branch on."""

    error: str
    message: str
    details: list[dict[str, Any]] | None = None


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    body = {"error": code, "message": message, **{k: v for k, v in extra.items() if v is not None}}
    return JSONResponse(status_code=status, content=body, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(UploadError)
    async def upload_error(_: Request, exc: UploadError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message)

    @app.exception_handler(ReviewError)
    async def review_error(_: Request, exc: ReviewError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message)

    @app.exception_handler(AccountError)
    async def account_error(_: Request, exc: AccountError) -> JSONResponse:
        return error_response(ACCOUNT_STATUS.get(exc.code, 422), exc.code, exc.message)

    @app.exception_handler(InputError)
    async def input_error(_: Request, exc: InputError) -> JSONResponse:
        return error_response(422, exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()
        ]
        first = details[0] if details else {"loc": [], "msg": "invalid request"}
        where = ".".join(first["loc"][1:] or first["loc"])
        return error_response(422, "invalid_request", f"{where}: {first['msg']}", details=details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = HTTP_CODES.get(exc.status_code, "error")
        return error_response(exc.status_code, code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def database_down(request: Request, exc: Exception) -> JSONResponse:
        # The database is restarting or unreachable: nothing was committed, the client retries.
        name = exc.__class__.__name__
        log.error("database unavailable on %s %s: %s", request.method, request.url.path, name)
        message = "the database is unavailable; nothing was changed, try again shortly"
        return error_response(503, "database_unavailable", message, {"Retry-After": "5"})

    @app.exception_handler(OSError)
    async def os_error(request: Request, exc: OSError) -> JSONResponse:
        if is_disk_full(exc):  # the client may send the same upload again later
            log.error("file store full on %s %s", request.method, request.url.path)
            return error_response(
                507, "storage_full", "the file store is full; nothing was stored, send it again later"
            )
        return await internal(request, exc)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "internal error; the details are in the service log")
