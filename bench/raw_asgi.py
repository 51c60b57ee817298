"""The yardstick of ``bench/api_wrk.py``: a bare ASGI app that answers every request with the
bytes of one file, as fast as an ASGI app can, to compare the cached API against.

    .venv/bin/python -m bench.raw_asgi BODY_FILE PORT
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import uvicorn

from bench.serving import UVICORN_OPTIONS


def raw_app(body: bytes, content_type: bytes = b"application/json") -> Any:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        while True:  # read the request body, as any real app has to
            message = await receive()
            if not message.get("more_body", False):
                break
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def main() -> None:
    body = Path(sys.argv[1]).read_bytes()
    uvicorn.run(raw_app(body), host="127.0.0.1", port=int(sys.argv[2]), **UVICORN_OPTIONS)


if __name__ == "__main__":
    main()
