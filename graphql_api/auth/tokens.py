"""The API's JWTs (pyjwt): short-lived access tokens and revocable refresh tokens.

Every token carries ``iss``, ``aud``, ``iat``, ``nbf``, ``exp``, ``sub``, ``jti``, ``role``,
``kind`` (``user`` or ``client``) and ``token_use`` (``access`` or ``refresh``). They are
signed with HS256 and ``FREDPIPE_JWT_SECRET``, or with RS256 when a key pair is configured
(``FREDPIPE_JWT_PRIVATE_KEY_FILE`` / ``FREDPIPE_JWT_PUBLIC_KEY_FILE``: replicas that only
verify need the public key). Decoding accepts exactly the configured algorithm, so
``alg: none`` and an HS256 token signed with the RS256 public key are refused; it requires
every claim above, checks issuer and audience, and allows ``LEEWAY_SECONDS`` of clock skew.
A refresh token is never accepted where an access token is expected, nor the reverse.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt
from cachetools import LRUCache

from models.accounts import ROLES, Account, Kind
from models.settings import Settings

TokenUse = Literal["access", "refresh"]
ACCESS: TokenUse = "access"
REFRESH: TokenUse = "refresh"
LEEWAY_SECONDS = 10
#: verified tokens remembered per process (``TokenService.decode``)
VERIFIED_TOKENS = 10_000
REQUIRED_CLAIMS = ["iss", "aud", "iat", "nbf", "exp", "sub", "jti", "role", "kind", "token_use"]


class TokenError(Exception):
    """A token that is not acceptable; ``message`` says why in one line (sent to the client:
    it names the check that failed, never a secret)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SigningNotConfigured(RuntimeError):
    """No JWT secret or key pair: the API can serve anonymous requests only."""


@dataclass(frozen=True, slots=True)
class Claims:
    subject: str
    kind: Kind
    role: str
    jti: str
    token_use: TokenUse
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Issued:
    token: str
    jti: str
    expires_at: datetime  # aware UTC
    lifetime_seconds: int


class TokenService:
    """Issues and checks tokens with the settings' algorithm, keys, issuer and audience."""

    def __init__(self, settings: Settings) -> None:
        self.issuer = settings.jwt_issuer
        self.audience = settings.jwt_audience
        self.access_seconds = settings.access_token_seconds
        self.refresh_seconds = settings.refresh_token_seconds
        #: tokens that passed every check, with their claims (bounded, least recent out)
        self._verified: LRUCache[tuple[str, str], Claims] = LRUCache(maxsize=VERIFIED_TOKENS)
        self._signing: str | bytes | None
        self._verifying: str | bytes | None
        if settings.jwt_public_key_file is not None:
            self.algorithm = "RS256"
            self._verifying = settings.jwt_public_key_file.read_bytes()
            private = settings.jwt_private_key_file
            self._signing = private.read_bytes() if private is not None else None
        elif settings.jwt_secret is not None:
            self.algorithm = "HS256"
            self._signing = self._verifying = settings.jwt_secret.get_secret_value()
        else:
            self.algorithm = "HS256"
            self._signing = self._verifying = None

    @property
    def can_verify(self) -> bool:
        return self._verifying is not None

    @property
    def can_sign(self) -> bool:
        return self._signing is not None

    def issue(self, account: Account, token_use: TokenUse) -> Issued:
        if self._signing is None:
            raise SigningNotConfigured("no FREDPIPE_JWT_SECRET or private key: tokens are off")
        lifetime = self.access_seconds if token_use == ACCESS else self.refresh_seconds
        now = datetime.now(UTC).replace(microsecond=0)
        expires = now + timedelta(seconds=lifetime)
        jti = uuid.uuid4().hex
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "nbf": now,
            "exp": expires,
            "sub": account.subject,
            "jti": jti,
            "role": account.role,
            "kind": account.kind,
            "token_use": token_use,
        }
        token = jwt.encode(claims, self._signing, algorithm=self.algorithm)
        return Issued(token, jti, expires, lifetime)

    def decode(self, token: str, token_use: TokenUse) -> Claims:
        """The token's claims, or ``TokenError``. A token already verified by this process is
        not verified again (a client sends the same one for its whole life, and checking a
        signature costs ~70 µs); its expiry is still checked every time."""
        remembered = self._verified.get((token, token_use))
        if remembered is not None:
            now = datetime.now(UTC)
            if now <= remembered.expires_at + timedelta(seconds=LEEWAY_SECONDS):
                return remembered
            raise TokenError("the token has expired")
        claims = self._decode(token, token_use)
        self._verified[(token, token_use)] = claims
        return claims

    def _decode(self, token: str, token_use: TokenUse) -> Claims:
        if self._verifying is None:
            raise TokenError("this server does not accept tokens (no JWT key is configured)")
        try:
            payload = jwt.decode(
                token,
                self._verifying,
                algorithms=[self.algorithm],
                audience=self.audience,
                issuer=self.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError:
            raise TokenError("the token has expired") from None
        except jwt.ImmatureSignatureError:
            raise TokenError("the token is not valid yet") from None
        except jwt.InvalidAudienceError:
            raise TokenError("the token is for another audience") from None
        except jwt.InvalidIssuerError:
            raise TokenError("the token is from another issuer") from None
        except jwt.MissingRequiredClaimError as exc:
            raise TokenError(f"the token lacks the {exc.claim!r} claim") from None
        except jwt.InvalidAlgorithmError:
            raise TokenError(f"the token is not signed with {self.algorithm}") from None
        except jwt.InvalidTokenError:
            raise TokenError("the token is malformed or its signature is wrong") from None
        if payload["token_use"] != token_use:
            raise TokenError(f"a {payload['token_use']} token cannot be used as a {token_use} one")
        if payload["role"] not in ROLES or payload["kind"] not in ("user", "client"):
            raise TokenError("the token names an unknown role or subject kind")
        return Claims(
            subject=str(payload["sub"]),
            kind=payload["kind"],
            role=str(payload["role"]),
            jti=str(payload["jti"]),
            token_use=token_use,
            expires_at=datetime.fromtimestamp(int(payload["exp"]), UTC),
        )
