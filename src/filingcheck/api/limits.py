"""The request-size limit, kept while the body streams in: a chunked upload (no Content-Length)
is cut off at the limit instead of being spooled whole to disk before the size check.

A plain ASGI middleware, because the limit must hold below the framework: the form parser reads
the body through ``receive``, so counting there stops it before anything reaches the file store.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from filingcheck.api.errors import error_response

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class BodyTooLargeError(Exception):
    """Raised into the app's ``receive`` when the body passes the limit."""


class BodyLimit:
    """413 ``too_large`` for a request body over ``limit()`` bytes, by header or as it arrives."""

    def __init__(self, app: ASGIApp, limit: Callable[[], int]) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        limit = self.limit()
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(scope, receive, send, limit)
            return
        received = 0
        over = False
        started = False

        async def counted() -> Message:
            nonlocal received, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    raise BodyTooLargeError(f"the request body passed {limit} bytes")
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if over and not started:
                return  # whatever the app makes of a cut-off body, the answer is ours
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except BodyTooLargeError:
            pass
        except Exception:
            if not over:
                raise
        if over and not started:
            await _refuse(scope, receive, send, limit)


async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    response = error_response(
        413, "too_large", f"the request is over {limit / 2**20:.0f} MB (twice FILINGCHECK_MAX_UPLOAD_MB)"
    )
    # The client may still be sending: close the connection rather than read the rest.
    response.headers["Connection"] = "close"
    response.headers["X-Content-Type-Options"] = "nosniff"
    await response(scope, receive, send)
