"""Page images of a processed submission, scaled, with ETags (they never change for a stored hash)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, Response

from filingcheck.api.deps import ReadableSubmission, ServicesDep, SessionDep
from filingcheck.api.errors import ApiError
from filingcheck.api.routes.submissions import ERRORS
from filingcheck.store.submissions import page_of

router = APIRouter(prefix="/submissions", tags=["pages"])
# A page number past what a database integer holds is refused as invalid, not sent to SQL (a 500).
MAX_PAGE_NUMBER = 2**31 - 1


@router.get(
    "/{submission_id}/pages/{number}.png",
    responses={
        **ERRORS,
        200: {"content": {"image/png": {}}, "description": "the page as scanned, scaled"},
        304: {"description": "not modified (If-None-Match matched the ETag)"},
    },
    response_class=Response,
)
def page_image(
    row: ReadableSubmission,
    number: Annotated[int, PathParam(ge=1, le=MAX_PAGE_NUMBER, description="1-based page number")],
    session: SessionDep,
    services: ServicesDep,
    size: Annotated[Literal["page", "thumb"], Query(description="page view or thumbnail")] = "page",
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """Page `number` (1-based) as PNG. Boxes in the report are in the scan's pixels
    (`report.pages[].width/height`); scale them by the image's width over the page's."""
    page = page_of(session, row.id, number)
    digest = None if page is None else (page.thumb_sha256 if size == "thumb" else page.image_sha256)
    if page is None or digest is None:
        raise ApiError(404, "not_found", f"submission {row.id} has no page image {number}")
    etag = f'"{digest}"'
    headers = {"ETag": etag, "Cache-Control": "private, max-age=3600"}
    sent = {t.strip() for t in (if_none_match or "").split(",")}
    if etag in sent or "*" in sent:
        return Response(status_code=304, headers=headers)
    path = services.files.path_of(digest)
    if not path.is_file():
        raise ApiError(404, "not_found", f"the image of page {number} is missing from the file store")
    return FileResponse(path, media_type="image/png", headers=headers)
