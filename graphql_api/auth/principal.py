"""Who a request acts for: a user, a machine client, or anonymous (when the operator allows
anonymous access), with the role that decides what it may do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from starlette.types import Scope

from models.accounts import VIEWER, at_least

#: where the middleware leaves the principal in the ASGI scope's state
STATE_KEY = "principal"


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str
    kind: Literal["user", "client", "anonymous"]
    role: str

    def may(self, role: str) -> bool:
        """This principal may do what ``role`` may."""
        return at_least(self.role, role)

    @property
    def label(self) -> str:
        """How logs and rate limits name it: ``user:alice``, ``client:etl``, ``anonymous``."""
        return "anonymous" if self.kind == "anonymous" else f"{self.kind}:{self.subject}"


ANONYMOUS = Principal("anonymous", "anonymous", VIEWER)


def principal_of(scope: Scope) -> Principal | None:
    found = scope.get("state", {}).get(STATE_KEY)
    return found if isinstance(found, Principal) else None
