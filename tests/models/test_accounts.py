"""``models.accounts`` on both databases: what is stored, who is authenticated, and the
refresh-token ledger (spend once, replay revokes everything)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from models import accounts
from models.tables import app_users, refresh_tokens
from models.values import utcnow


def test_a_password_is_stored_only_as_an_argon2id_hash(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        accounts.add_user(conn, "alice", "analyst", "correct horse battery")
        stored = conn.execute(sa.select(app_users.c.password_hash)).scalar_one()
        assert stored.startswith("$argon2id$") and "correct horse" not in stored
        assert accounts.authenticate_user(conn, "alice", "correct horse battery") == (
            accounts.Account("alice", "user", "analyst")
        )
        assert accounts.authenticate_user(conn, "alice", "wrong horse battery") is None
        assert accounts.authenticate_user(conn, "bob", "correct horse battery") is None


@pytest.mark.parametrize(
    ("name", "role", "password", "words"),
    [
        ("alice smith", "viewer", "long-enough-password", "invalid name"),
        ("alice", "root", "long-enough-password", "unknown role"),
        ("alice", "viewer", "short", "at least 12"),
        ("alice", "viewer", "x" * 2000, "at most"),
    ],
)
def test_bad_account_input_is_refused(
    engine: sa.Engine, name: str, role: str, password: str, words: str
) -> None:
    with engine.begin() as conn, pytest.raises(accounts.AccountError, match=words):
        accounts.add_user(conn, name, role, password)


def test_a_disabled_user_cannot_sign_in_and_loses_its_refresh_tokens(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        accounts.add_user(conn, "alice", "viewer", "correct horse battery")
        accounts.store_refresh(conn, "r1", "alice", "user", utcnow() + timedelta(days=1))
        accounts.set_user_disabled(conn, "alice")
        assert accounts.authenticate_user(conn, "alice", "correct horse battery") is None
        assert accounts.find(conn, "alice", "user") == accounts.Account(
            "alice", "user", "viewer", True
        )
        assert accounts.spend_refresh(conn, "r1") == "revoked"
        with pytest.raises(accounts.AccountError, match="no user"):
            accounts.set_user_disabled(conn, "nobody")


def test_a_refresh_token_is_spent_once_and_a_replay_revokes_the_subject(
    engine: sa.Engine,
) -> None:
    later = utcnow() + timedelta(days=1)
    with engine.begin() as conn:
        accounts.store_refresh(conn, "a", "alice", "user", later)
        accounts.store_refresh(conn, "b", "alice", "user", later)
        accounts.store_refresh(conn, "c", "carol", "user", later)
        accounts.store_refresh(conn, "d", "carol", "user", later)
        accounts.store_refresh(conn, "old", "alice", "user", utcnow() - timedelta(seconds=1))
        assert accounts.spend_refresh(conn, "a") == "active"
        assert accounts.spend_refresh(conn, "a") == "revoked"  # replay: b goes too
        assert accounts.spend_refresh(conn, "b") == "revoked"
        assert accounts.spend_refresh(conn, "c") == "active"  # another subject: untouched
        assert accounts.spend_refresh(conn, "old") == "unknown"
        assert accounts.spend_refresh(conn, "never-issued") == "unknown"
        open_ = conn.execute(
            sa.select(sa.func.count()).where(refresh_tokens.c.revoked_at.is_(None))
        ).scalar_one()
        assert open_ == 1  # carol's d: alice's replay revoked all of hers, her expired one too


def test_a_client_secret_is_made_once_and_checked_by_hash(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        client, secret = accounts.add_client(conn, "etl", "viewer")
        assert len(secret) >= 40 and client.kind == "client"
        assert accounts.authenticate_client(conn, "etl", secret) == accounts.Account(
            "etl", "client", "viewer"
        )
        assert accounts.authenticate_client(conn, "etl", secret + "x") is None
        with pytest.raises(accounts.AccountError, match="already exists"):
            accounts.add_client(conn, "etl", "viewer")


def test_roles_are_ordered() -> None:
    assert accounts.at_least("admin", "viewer") and accounts.at_least("analyst", "analyst")
    assert not accounts.at_least("viewer", "analyst")
