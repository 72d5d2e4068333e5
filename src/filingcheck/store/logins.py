"""Login throttling shared by every service process: failed logins are rows in the database,
counted per account name and per client address over a sliding window.

An attempt is written (and committed) before the password is checked, so two processes racing
on the same account both see each other: at most ``limit`` checks run for one key in a window,
however many arrive at once. A refused attempt takes its row back (waiting does not lengthen
the wait); a successful login removes the account's failures, not the address's (an attacker
who owns one account must not wipe the count of the addresses they guess other accounts from).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import ColumnElement, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from filingcheck.store.tables import Base, utcnow

MAX_ACCOUNT = 100
MAX_ADDRESS = 64


class LoginAttempt(Base):
    """One login attempt not (yet) known to have succeeded: when, which name, from where."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    account: Mapped[str] = mapped_column(String(MAX_ACCOUNT), index=True)
    address: Mapped[str] = mapped_column(String(MAX_ADDRESS), index=True)


@dataclass(frozen=True)
class LoginLimits:
    """Failures allowed per account and per address within ``window``."""

    window: dt.timedelta = dt.timedelta(minutes=15)
    per_account: int = 5
    per_address: int = 30


@dataclass(frozen=True)
class Throttled:
    """Why an attempt was refused (``account`` or ``address``) and when to try again, in seconds."""

    scope: str
    retry_after: int


@dataclass(frozen=True)
class Attempt:
    """A login attempt let through: its row, to be cleared on success or kept as a failure."""

    id: int
    account: str


def begin(session: Session, account: str, address: str, limits: LoginLimits) -> Attempt | Throttled:
    """Record an attempt and commit it, then count; over a limit, the attempt is withdrawn."""
    account, address = account.strip()[:MAX_ACCOUNT], (address or "unknown")[:MAX_ADDRESS]
    now = utcnow()
    cutoff = now - limits.window
    session.execute(delete(LoginAttempt).where(LoginAttempt.at <= cutoff))
    row = LoginAttempt(at=now, account=account, address=address)
    session.add(row)
    session.commit()
    checks = (
        ("account", LoginAttempt.account == account, limits.per_account),
        ("address", LoginAttempt.address == address, limits.per_address),
    )
    for scope, same, limit in checks:
        earlier = _times(session, same, cutoff, row.id)
        if len(earlier) >= limit:
            session.execute(delete(LoginAttempt).where(LoginAttempt.id == row.id))
            session.commit()
            # Free again once enough of the failures before this one have left the window.
            frees_at = earlier[len(earlier) - limit] + limits.window
            return Throttled(scope, max(1, math.ceil((frees_at - utcnow()).total_seconds())))
    return Attempt(row.id, account)


def succeeded(session: Session, attempt: Attempt) -> None:
    """A good password: the account's failures are forgiven (the caller commits)."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.account == attempt.account))


def failures(session: Session, *, account: str | None = None, address: str | None = None) -> int:
    """How many attempts are on record for an account or an address (for tests and the admin)."""
    query = select(func.count()).select_from(LoginAttempt)
    if account is not None:
        query = query.where(LoginAttempt.account == account)
    if address is not None:
        query = query.where(LoginAttempt.address == address)
    return int(session.scalar(query) or 0)


def _times(session: Session, same: ColumnElement[bool], cutoff: dt.datetime, own: int) -> list[dt.datetime]:
    """When the other attempts of the same key in the window were made, oldest first."""
    query = (
        select(LoginAttempt.at)
        .where(same, LoginAttempt.at > cutoff, LoginAttempt.id != own)
        .order_by(LoginAttempt.at, LoginAttempt.id)
    )
    return list(session.scalars(query))
