"""Authentication and authorisation of the API.

- ``tokens``: the JWTs the API issues and accepts (access and refresh, HS256 or RS256).
- ``principal``: who a request acts for (a user, a machine client or anonymous) and its role.
- ``middleware``: every request but the public ones carries a valid access token, checked
  before the response cache so a cached answer is never served to someone who may not see it.
- ``routes``: ``POST /auth/token`` (OAuth2's token endpoint) and ``POST /auth/revoke``.
- ``throttle``: failed sign-ins per user name and per address.

Accounts themselves (users, clients, roles, argon2 hashes, refresh-token records) are
``models.accounts``, which the CLI shares.
"""
