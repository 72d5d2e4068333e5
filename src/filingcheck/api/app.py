"""The FastAPI application: the API under /api/v1, the reviewer page, static files; errors as stable codes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from filingcheck import __version__, logsafe
from filingcheck.api import errors
from filingcheck.api.limits import BodyLimit
from filingcheck.api.routes import api_router
from filingcheck.api.web import LoginRequiredError
from filingcheck.api.web import router as web_router
from filingcheck.service import Services, build_services

DESCRIPTION = """
Checks scanned health-food (保健食品) registration dossiers against the intake rules.

Send `Authorization: Bearer TOKEN` (a token from `filingcheck users add NAME --role ROLE`).
Roles: `clerk` uploads and reads its own submissions, `reviewer` reads all and decides findings,
`admin` manages users and settings. Every error answers `{"error": CODE, "message": ...}`.
"""
# The page's scripts and styles are files of this app: nothing inline, nothing from elsewhere.
CSP = (
    "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def create_app(services: Services | None = None) -> FastAPI:
    """The app; ``services`` (database, file store, runner) are built from the environment if not given."""
    services = services or build_services()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        logsafe.install()  # whoever started us configured logging by now (uvicorn, a test)
        await run_in_threadpool(services.start)
        try:
            yield
        finally:
            await run_in_threadpool(services.stop)

    app = FastAPI(
        title="filingcheck",
        version=__version__,
        description=DESCRIPTION,
        # No Swagger UI: FastAPI's page loads its scripts from a CDN (nothing from elsewhere, and
        # intake offices may be offline). The document itself is served below.
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        lifespan=lifespan,
    )
    app.state.services = services
    errors.install(app)
    app.include_router(api_router)
    app.include_router(web_router)
    app.mount("/static", StaticFiles(packages=[("filingcheck.api.web", "static")]), name="static")

    @app.exception_handler(LoginRequiredError)
    async def login_required(_: Request, exc: LoginRequiredError) -> RedirectResponse:
        return RedirectResponse(f"/login?next={quote(exc.path)}", status_code=303)

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", CSP)
        return response

    # Outermost of our layers: an oversized body is refused by its header, or cut off as it streams
    # in, before the form parser spools it (each file is checked against its own limit later).
    app.add_middleware(BodyLimit, limit=lambda: services.service.max_request_bytes)
    return app
