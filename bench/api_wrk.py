"""Cached GraphQL throughput against a raw ASGI app returning the same bytes, with ``wrk``.

Serves a copy of the benchmark database (``bench.api_db``: real FRED history, marts,
forecasts) with ``fredpipe serve``, asks it the README query once (a miss that fills the
response cache), saves the answer's bytes, and serves those bytes from a bare ASGI app
(``bench.raw_asgi``) under the same uvicorn settings. Then ``wrk`` runs against each in
turn, same connections, threads and duration, and the ratio of requests per second is
printed. The target is a ratio of at least ``TARGET_RATIO``.

    .venv/bin/python -m bench.api_wrk [--connections 8] [--seconds 10] [--encoding identity]

The API is asked as production is: with a signed-in viewer's bearer token, so every request
pays the token check (``--anonymous``: no token, as the demo allows). ``--encoding br`` (or
``gzip``) sends ``Accept-Encoding`` so the API answers with its stored
compressed variant, and the raw app returns those same compressed bytes.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench import api_db
from bench.serving import api_server, bench_token, raw_server

TARGET_RATIO = 0.5
README_QUERY = """{ indicators { id title units frequency }
  indicator(id: "DGS10") {
    observations(start: "2020-01-01", end: "2020-12-31") { dates values }
    stats(start: "2020-01-01", end: "2020-12-31") { count mean variance stddev min max }
    forecast { dates mean lower80 upper80 lower95 upper95 }
  }
  correlation(ids: ["DGS10", "DGS2"], start: "2015-01-01", end: "2020-12-31") { ids matrix } }"""
MAX_SECONDS = 60
_RPS = re.compile(r"Requests/sec:\s+([0-9.]+)")


@dataclass(frozen=True)
class Result:
    connections: int
    seconds: int
    encoding: str
    body_bytes: int
    api_rps: float
    raw_rps: float

    @property
    def ratio(self) -> float:
        return self.api_rps / self.raw_rps

    def lines(self) -> list[str]:
        return [
            f"wrk -c{self.connections} -t{_threads(self.connections)} -d{self.seconds}s, "
            f"POST /graphql (README query), Accept-Encoding: {self.encoding}, "
            f"{self.body_bytes} bytes per answer",
            f"  raw ASGI app, same bytes : {self.raw_rps:10.0f} req/s",
            f"  API, response cache hit  : {self.api_rps:10.0f} req/s",
            f"  ratio                    : {self.ratio:10.3f}  (target >= {TARGET_RATIO})",
        ]


def _threads(connections: int) -> int:
    return max(1, min(2, connections))


def wrk_script(body: str, encoding: str, folder: Path, token: str | None = None) -> Path:
    """A wrk Lua script that POSTs ``body`` as JSON (wrk's Lua long brackets need no escaping
    of the quotes and newlines of a GraphQL document), with a bearer ``token`` if given."""
    lines = [
        'wrk.method = "POST"',
        'wrk.headers["Content-Type"] = "application/json"',
        f"wrk.body = [==[{body}]==]",
    ]
    if token is not None:
        lines.append(f'wrk.headers["Authorization"] = "Bearer {token}"')
    if encoding != "identity":
        lines.append(f'wrk.headers["Accept-Encoding"] = "{encoding}"')
    path = folder / "post.lua"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_wrk(url: str, script: Path, connections: int, seconds: int) -> float:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed (Debian package wrk)")
    out = subprocess.run(
        [
            wrk,
            f"-c{connections}",
            f"-t{_threads(connections)}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
    ).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"wrk saw errors from {url}:\n{out}")
    match = _RPS.search(out)
    if match is None:
        raise RuntimeError(f"no Requests/sec in wrk output:\n{out}")
    return float(match.group(1))


def bench(
    database: Path,
    *,
    connections: int,
    seconds: int,
    encoding: str,
    query: str = README_QUERY,
    signed_in: bool = True,
) -> Result:
    seconds = min(seconds, MAX_SECONDS)
    payload = httpx.Request("POST", "http://x", json={"query": query}).content.decode()
    with tempfile.TemporaryDirectory(prefix="fredpipe-wrk-") as tmp:
        work = Path(tmp)
        served = api_db.copy_of(database, work)
        with api_server(f"duckdb:///{served}", work, signed_in=signed_in) as api:
            token = bench_token(api) if signed_in else None
            headers = {"Content-Type": "application/json", "Accept-Encoding": encoding}
            if token is not None:
                headers["Authorization"] = f"Bearer {token}"
            with httpx.Client(timeout=60) as client:
                for expected in ("miss", "hit"):
                    response = client.post(f"{api}/graphql", content=payload, headers=headers)
                    response.raise_for_status()
                    if "errors" in response.json():
                        raise SystemExit(f"query failed: {response.json()['errors']}")
                    if response.headers.get("x-cache") != expected:
                        raise SystemExit(f"expected a cache {expected}: {response.headers}")
                body = _wire_bytes(client, f"{api}/graphql", payload, headers)
            script = wrk_script(payload, encoding, work, token)
            api_rps = run_wrk(f"{api}/graphql", script, connections, seconds)
        body_file = work / "answer.bin"
        body_file.write_bytes(body)
        with raw_server(body_file, work) as raw:
            raw_rps = run_wrk(f"{raw}/graphql", script, connections, seconds)
    return Result(connections, seconds, encoding, len(body), api_rps, raw_rps)


def _wire_bytes(client: httpx.Client, url: str, payload: str, headers: dict[str, str]) -> bytes:
    """The answer's bytes before any content decoding: what the raw app must send."""
    with client.stream("POST", url, content=payload, headers=headers) as response:
        return b"".join(response.iter_raw())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--encoding", choices=("identity", "gzip", "br"), default="identity")
    parser.add_argument("--database", type=Path, help="a built DuckDB file (default: bench.api_db)")
    parser.add_argument(
        "--anonymous",
        action="store_true",
        help="no token (the demo's setting) instead of a signed-in viewer's bearer token",
    )
    args = parser.parse_args()
    database = args.database or api_db.ensure()
    result = bench(
        database,
        connections=args.connections,
        seconds=args.seconds,
        encoding=args.encoding,
        signed_in=not args.anonymous,
    )
    print("\n".join(result.lines()))


if __name__ == "__main__":
    main()
