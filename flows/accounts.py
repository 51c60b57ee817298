"""``fredpipe users …`` and ``fredpipe clients …``: the API's accounts (``models.accounts``).

Passwords come from stdin (``--password-stdin``, for scripts: one line) or from a hidden
prompt with confirmation; they are never arguments (arguments show in ``ps`` and shell
history). A client's secret is printed once, when it is made; only its hash is stored.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from flows.commands import console, fail, install_settings
from models import accounts

users_app = typer.Typer(no_args_is_help=True, help="People who sign in to the API.")
clients_app = typer.Typer(
    no_args_is_help=True, help="Machine clients of the API (OAuth2 client credentials)."
)

RoleOpt = Annotated[str, typer.Option("--role", "-r", help=f"one of {', '.join(accounts.ROLES)}")]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise fail("--password-stdin: nothing on stdin")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise fail("no terminal to ask for a password: pass it with --password-stdin")
    return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="user name (letters, digits, . _ @ -)")],
    role: RoleOpt = accounts.VIEWER,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from stdin")
    ] = False,
) -> None:
    """Add a user who signs in with a password (at least 12 characters)."""
    from flows.stages import migrated_database

    install_settings()
    password = _password(password_stdin)
    try:
        with migrated_database() as engine, engine.begin() as conn:
            accounts.add_user(conn, name, role, password)
    except accounts.AccountError as exc:
        raise fail(str(exc)) from None
    console.print(f"user {name} added with role {role}", highlight=False)


@users_app.command("list")
def users_list() -> None:
    """Every user with its role and whether it is disabled."""
    from flows.stages import migrated_database

    install_settings()
    with migrated_database() as engine, engine.connect() as conn:
        found = accounts.list_users(conn)
    table = Table(title="users")
    for column in ("name", "role", "status", "created (UTC)"):
        table.add_column(column)
    for user in found:
        created = user.created_at.strftime("%Y-%m-%d %H:%M") if user.created_at else ""
        table.add_row(user.subject, user.role, "disabled" if user.disabled else "active", created)
    Console().print(table)


@users_app.command("disable")
def users_disable(name: Annotated[str, typer.Argument(help="user name")]) -> None:
    """Disable a user: sign-ins and refresh tokens stop at once, access tokens within seconds."""
    from flows.stages import migrated_database

    install_settings()
    try:
        with migrated_database() as engine, engine.begin() as conn:
            accounts.set_user_disabled(conn, name, True)
    except accounts.AccountError as exc:
        raise fail(str(exc)) from None
    console.print(f"user {name} disabled", highlight=False)


@clients_app.command("add")
def clients_add(
    name: Annotated[str, typer.Argument(help="client id (letters, digits, . _ @ -)")],
    role: RoleOpt = accounts.VIEWER,
) -> None:
    """Add a machine client; prints its secret once (store it: it cannot be shown again)."""
    from flows.stages import migrated_database

    install_settings()
    try:
        with migrated_database() as engine, engine.begin() as conn:
            _, secret = accounts.add_client(conn, name, role)
    except accounts.AccountError as exc:
        raise fail(str(exc)) from None
    console.print(f"client {name} added with role {role}; its secret (shown once):")
    typer.echo(secret)
