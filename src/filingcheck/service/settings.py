"""What the service adds to the settings (prefix ``FILINGCHECK_``): upload limits, runner, sessions."""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Defaults are safe for one machine: loopback, one job at a time, cookies over plain HTTP
    only on loopback (``cookie_secure`` must be on before the service is reachable from elsewhere)."""

    model_config = SettingsConfigDict(env_prefix="FILINGCHECK_", frozen=True, extra="ignore")

    max_upload_mb: int = Field(default=200, ge=1, le=4096)
    max_files: int = Field(default=50, ge=1, le=1000)
    page_image_width: int = Field(default=1200, ge=400, le=4000)
    thumb_width: int = Field(default=180, ge=64, le=600)
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    # Failed logins allowed in a sliding window, per account name and per client address; the
    # address limit is higher because an office may sit behind one address.
    login_window_minutes: int = Field(default=15, ge=1, le=24 * 60)
    login_failures_per_account: int = Field(default=5, ge=1, le=1000)
    login_failures_per_address: int = Field(default=30, ge=1, le=100_000)
    # The child process that checks one uploaded file: memory over its own start, seconds.
    upload_check_memory_mb: int = Field(default=1024, ge=16, le=64 * 1024)
    upload_check_seconds: int = Field(default=60, ge=1, le=3600)
    cookie_secure: bool = False
    # Say so explicitly to serve plain HTTP beyond loopback (a trusted network, a TLS proxy in front).
    insecure_http: bool = False
    auto_migrate: bool = True
    # With a Redis broker: how often queued work that no queue holds is sent again (0: never).
    sweep_seconds: int = Field(default=300, ge=0, le=24 * 3600)

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def max_request_bytes(self) -> int:
        """A whole upload request: the paper version and the electronic one, each up to the limit."""
        return self.max_upload_bytes * 2

    @model_validator(mode="after")
    def _thumb_smaller(self) -> ServiceSettings:
        if self.thumb_width >= self.page_image_width:
            raise ValueError("thumb_width must be smaller than page_image_width")
        return self


def check_exposure(host: str, settings: ServiceSettings) -> str | None:
    """Refuse the unsafe combination: listening beyond loopback with cookies that travel in clear."""
    loopback = host in ("127.0.0.1", "::1", "localhost") or host.startswith("127.")
    if loopback or settings.cookie_secure or settings.insecure_http:
        return None
    return (
        f"refusing to listen on {host} with session cookies over plain HTTP: put the service behind "
        "HTTPS and set FILINGCHECK_COOKIE_SECURE=true (or FILINGCHECK_INSECURE_HTTP=true on a trusted "
        "network), or listen on 127.0.0.1"
    )
