"""A local, FRED-compatible HTTP API (``/fred/series``, ``/fred/series/observations``).

It lets tests, the demo and offline work run the real client code (fredapi over HTTP) with
FRED's parameters, bodies, errors and rate limit, but without network access or an API key.
"""
