"""Prefect defaults for a machine with no network beyond loopback.

Imported before ``prefect`` by the entry points. Operators override any of these with the
usual ``PREFECT_*`` variables; we only fill in what they left unset.
"""

from __future__ import annotations

import os

_DEFAULTS = {
    # No telemetry calls out of a closed network (they fail and log errors otherwise).
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
    # The local ephemeral API takes ~15 s to start on 2 idle cores; give a busy machine room.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_LEVEL": "INFO",
}


def apply_prefect_defaults() -> None:
    for key, value in _DEFAULTS.items():
        os.environ.setdefault(key, value)
