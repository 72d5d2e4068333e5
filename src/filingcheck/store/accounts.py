"""Users, API tokens and web sessions. Secrets are kept only as hashes; a token is shown once."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from filingcheck.store.tables import Credential, CredentialKind, Role, User, utcnow

TOKEN_PREFIX = "fct_"
SESSION_PREFIX = "fcs_"
NAME_PATTERN = re.compile(r"^[\w.@-]{1,100}$")
# scrypt cost: ~50 ms per login on this hardware; tokens are long random strings and need no
# slow hash (sha256 is enough to make a stolen database useless for logging in).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD = 8


class AccountError(ValueError):
    """A user or credential request that cannot be done; ``code`` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(stored: str | None, password: str) -> bool:
    if not stored or not stored.startswith("scrypt$"):
        return False
    try:
        _, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(
            password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p)
        )
    except ValueError:
        return False
    return hmac.compare_digest(expected, got)


def create_user(session: Session, name: str, role: Role | str, password: str | None = None) -> User:
    if not NAME_PATTERN.match(name):
        raise AccountError("bad_user_name", "a user name is 1–100 letters, digits, or . _ @ -")
    try:
        role = Role(role)
    except ValueError:
        raise AccountError("bad_role", f"role must be one of {', '.join(r.value for r in Role)}") from None
    if get_user(session, name) is not None:
        raise AccountError("user_exists", f"a user named {name!r} exists already")
    user = User(name=name, role=role.value, active=True)
    if password is not None:
        set_password(user, password)
    session.add(user)
    session.flush()
    return user


def set_password(user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError("weak_password", f"a password has at least {MIN_PASSWORD} characters")
    user.password_hash = hash_password(password)


def get_user(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == name))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))


def issue_credential(
    session: Session,
    user: User,
    kind: CredentialKind = CredentialKind.API_TOKEN,
    label: str | None = None,
    ttl: dt.timedelta | None = None,
) -> str:
    """A new random secret for ``user``; only its hash is stored, so return it now or never."""
    prefix = TOKEN_PREFIX if kind == CredentialKind.API_TOKEN else SESSION_PREFIX
    raw = prefix + secrets.token_urlsafe(32)
    session.add(
        Credential(
            user_id=user.id,
            kind=kind.value,
            token_hash=hash_token(raw),
            label=label,
            expires_at=utcnow() + ttl if ttl else None,
        )
    )
    session.flush()
    return raw


def authenticate(session: Session, raw: str, kind: CredentialKind) -> User | None:
    """The active user a live credential belongs to, or ``None``."""
    if not raw or len(raw) > 200:
        return None
    cred = session.scalar(
        select(Credential).where(Credential.token_hash == hash_token(raw), Credential.kind == kind.value)
    )
    if cred is None or cred.revoked_at is not None or not cred.user.active:
        return None
    now = utcnow()
    if cred.expires_at is not None and cred.expires_at <= now:
        return None
    # Written at most once a minute: a busy token must not turn every read into a write.
    if cred.last_used_at is None or now - cred.last_used_at > dt.timedelta(minutes=1):
        cred.last_used_at = now
    return cred.user


def revoke(session: Session, raw: str) -> None:
    cred = session.scalar(select(Credential).where(Credential.token_hash == hash_token(raw)))
    if cred is not None and cred.revoked_at is None:
        cred.revoked_at = utcnow()


def credentials_of(session: Session, user: User, kind: CredentialKind) -> list[Credential]:
    return list(
        session.scalars(
            select(Credential)
            .where(Credential.user_id == user.id, Credential.kind == kind.value)
            .order_by(Credential.created_at)
        )
    )


def csrf_token(session_secret: str) -> str:
    """The CSRF token of a web session, derived from its secret (nothing more to store)."""
    return hmac.new(session_secret.encode("utf-8"), b"filingcheck-csrf", hashlib.sha256).hexdigest()
