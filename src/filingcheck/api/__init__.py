"""The HTTP service (FastAPI); routes stay thin and call the pipeline."""

from filingcheck.api.app import create_app

__all__ = ["create_app"]
