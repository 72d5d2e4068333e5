"""The reviewer's web page (server-rendered Jinja2, static JS and CSS, no build step, no CDN)."""

from filingcheck.api.web.batches import router as batches_router
from filingcheck.api.web.routes import LoginRequiredError, router

router.include_router(batches_router)

__all__ = ["LoginRequiredError", "router"]
