"""Accounts: users (a name and a password), machine clients (an id and a secret) and the refresh
tokens issued to them; roles; and the one format secrets are stored in (argon2id hashes).

The API's token endpoint (``graphql_api.auth``) and the CLI (``fredpipe users|clients``)
both use this module, so what a role is, how a secret is hashed and what makes an account
usable live here once. Secrets are never stored or logged, only their argon2 hashes
(``argon2-cffi``'s ``PasswordHasher``: argon2id with the library's RFC 9106 parameters,
re-hashed on the next successful sign-in when those parameters change).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Literal

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from models.tables import api_clients, app_users, refresh_tokens
from models.values import utcnow

#: Roles from least to most privileged: a role may do what the roles before it may.
#: viewer: read every indicator, statistic, correlation and forecast. analyst: the same, with
#: larger query budgets. admin: also starts pipeline runs (``refreshSeries``).
ROLES = ("viewer", "analyst", "admin")
VIEWER, ANALYST, ADMIN = ROLES

Kind = Literal["user", "client"]
USER: Literal["user"] = "user"
CLIENT: Literal["client"] = "client"

#: names and client ids: what a log line, a JWT ``sub`` and a shell argument carry safely
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD_LENGTH = 12
MAX_SECRET_LENGTH = 1024  # argon2 hashes anything; a megabyte "password" is an attack


class AccountError(ValueError):
    """Bad input for an account (name, role, password) or a name already taken; the message
    is one line the CLI prints as it is."""


@dataclass(frozen=True, slots=True)
class Account:
    subject: str
    kind: Kind
    role: str
    disabled: bool = False
    created_at: datetime | None = None


def at_least(role: str, required: str) -> bool:
    """``role`` may do what ``required`` may."""
    return ROLES.index(role) >= ROLES.index(required)


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    return role


def check_name(name: str) -> str:
    if not NAME_PATTERN.match(name):
        raise AccountError(
            f"invalid name {name!r}: 1 to 64 letters, digits or . _ @ -, starting with a "
            "letter or digit"
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_SECRET_LENGTH:
        raise AccountError(f"the password must have at most {MAX_SECRET_LENGTH} characters")
    return password


_hasher = PasswordHasher()


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


@cache
def _decoy_hash() -> str:
    """A hash to verify against when the account does not exist, so a wrong name costs what
    a wrong password costs (no timing oracle for which names exist)."""
    return _hasher.hash(secrets.token_urlsafe(16))


def _verified(stored: str | None, secret: str) -> bool:
    if len(secret) > MAX_SECRET_LENGTH:
        return False
    try:
        return _hasher.verify(stored or _decoy_hash(), secret) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# --- users ------------------------------------------------------------------------------


def add_user(conn: sa.Connection, name: str, role: str, password: str) -> Account:
    check_password(password)
    created = _insert_new(conn, app_users, "name", name, role, "password_hash", password)
    return Account(name, USER, role, False, created)


def _insert_new(
    conn: sa.Connection,
    table: sa.Table,
    key: str,
    value: str,
    role: str,
    hash_column: str,
    secret: str,
) -> datetime:
    """Insert a new enabled account (a user or a client) with ``secret`` hashed; refuse a bad
    name or role and one that exists. Returns its creation time."""
    check_name(value)
    check_role(role)
    if conn.execute(sa.select(table.c[key]).where(table.c[key] == value)).first():
        what = "user" if table is app_users else "client"
        raise AccountError(f"{what} {value!r} already exists")
    created = utcnow()
    row = {key: value, "role": role, hash_column: hash_secret(secret)}
    conn.execute(table.insert().values(**row, disabled=False, created_at=created))
    return created


def set_password(conn: sa.Connection, name: str, role: str, password: str) -> None:
    """Create the user, or give the existing one this role and password (and enable it)."""
    check_password(password)
    found = conn.execute(sa.select(app_users.c.name).where(app_users.c.name == name)).first()
    if found is None:
        add_user(conn, name, role, password)
        return
    conn.execute(
        app_users.update()
        .where(app_users.c.name == name)
        .values(role=check_role(role), password_hash=hash_secret(password), disabled=False)
    )


def list_users(conn: sa.Connection) -> list[Account]:
    u = app_users.c
    rows = conn.execute(sa.select(u.name, u.role, u.disabled, u.created_at).order_by(u.name))
    return [Account(str(r.name), USER, str(r.role), bool(r.disabled), r.created_at) for r in rows]


def set_user_disabled(conn: sa.Connection, name: str, disabled: bool = True) -> None:
    """Disable (or enable) a user; a disabled user's refresh tokens are revoked at once and
    its access tokens are refused as soon as the API next checks the account
    (``graphql_api.auth``: every few seconds)."""
    done = conn.execute(
        app_users.update().where(app_users.c.name == name).values(disabled=disabled)
    )
    if done.rowcount == 0:
        raise AccountError(f"no user {name!r}")
    if disabled:
        revoke_subject(conn, name, USER)


def authenticate_user(conn: sa.Connection, name: str, password: str) -> Account | None:
    """The user when the password is right and the account enabled; None otherwise (the
    caller says the same thing in both cases)."""
    u = app_users.c
    row = conn.execute(sa.select(u.role, u.password_hash, u.disabled).where(u.name == name)).first()
    if not _verified(None if row is None else str(row.password_hash), password):
        return None
    assert row is not None
    if _hasher.check_needs_rehash(str(row.password_hash)):
        conn.execute(
            app_users.update().where(u.name == name).values(password_hash=hash_secret(password))
        )
    return None if row.disabled else Account(name, USER, str(row.role))


# --- machine clients ----------------------------------------------------------------------


def add_client(conn: sa.Connection, client_id: str, role: str) -> tuple[Account, str]:
    """A new client and its secret, which is shown this once and stored only hashed."""
    secret = secrets.token_urlsafe(32)
    created = _insert_new(conn, api_clients, "client_id", client_id, role, "secret_hash", secret)
    return Account(client_id, CLIENT, role, False, created), secret


def authenticate_client(conn: sa.Connection, client_id: str, secret: str) -> Account | None:
    c = api_clients.c
    row = conn.execute(
        sa.select(c.role, c.secret_hash, c.disabled).where(c.client_id == client_id)
    ).first()
    if not _verified(None if row is None else str(row.secret_hash), secret):
        return None
    assert row is not None
    return None if row.disabled else Account(client_id, CLIENT, str(row.role))


# --- either ---------------------------------------------------------------------------------


def find(conn: sa.Connection, subject: str, kind: Kind) -> Account | None:
    """The account as stored now (role, disabled), or None when it no longer exists."""
    if kind == USER:
        u = app_users.c
        row = conn.execute(sa.select(u.role, u.disabled).where(u.name == subject)).first()
    else:
        c = api_clients.c
        row = conn.execute(sa.select(c.role, c.disabled).where(c.client_id == subject)).first()
    return None if row is None else Account(subject, kind, str(row.role), bool(row.disabled))


# --- refresh tokens -------------------------------------------------------------------------


def store_refresh(
    conn: sa.Connection, jti: str, subject: str, kind: Kind, expires_at: datetime
) -> None:
    conn.execute(
        refresh_tokens.insert().values(
            jti=jti,
            subject=subject,
            subject_kind=kind,
            expires_at=expires_at,
            revoked_at=None,
            created_at=utcnow(),
        )
    )


RefreshState = Literal["active", "revoked", "unknown"]


def spend_refresh(conn: sa.Connection, jti: str) -> RefreshState:
    """Use a refresh token once: an active one is revoked now (its successor is issued by the
    caller); a revoked one being presented again means it leaked, so every token of its
    subject is revoked (reuse detection); one never issued, or expired, is unknown."""
    t = refresh_tokens.c
    row = conn.execute(
        sa.select(t.subject, t.subject_kind, t.expires_at, t.revoked_at).where(t.jti == jti)
    ).first()
    if row is None or row.expires_at <= utcnow():
        return "unknown"
    if row.revoked_at is not None:
        revoke_subject(conn, str(row.subject), row.subject_kind)
        return "revoked"
    conn.execute(refresh_tokens.update().where(t.jti == jti).values(revoked_at=utcnow()))
    return "active"


def revoke_refresh(conn: sa.Connection, jti: str) -> None:
    t = refresh_tokens.c
    conn.execute(
        refresh_tokens.update()
        .where(t.jti == jti, t.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_subject(conn: sa.Connection, subject: str, kind: str) -> None:
    t = refresh_tokens.c
    conn.execute(
        refresh_tokens.update()
        .where(t.subject == subject, t.subject_kind == kind, t.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
