"""Builders for the docker/ checks: the Dockerfile and compose file read as text, and the
production nginx config rendered onto loopback ports and run as a real nginx."""

from __future__ import annotations

import grp
import json
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.cli import REPO, free_port, stop_process, wait_for
from tests.support.databases import IN_CI

DOCKER = REPO / "docker"
DOCKERFILE = DOCKER / "Dockerfile"
COMPOSE = DOCKER / "compose.yaml"
ENV_EXAMPLE = DOCKER / ".env.example"
DOCKERIGNORE = REPO / ".dockerignore"
APP_SERVICES = ("migrate", "pipeline", "api")


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def args(self, keyword: str) -> list[str]:
        return [arg for kw, arg in self.instructions if kw == keyword]


def dockerfile_stages(text: str) -> list[Stage]:
    """Split a Dockerfile into stages of (INSTRUCTION, arguments), continuations joined."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    stages: list[Stage] = []
    for line in logical:
        keyword, _, rest = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            parts = rest.split()
            name = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
            stages.append(Stage(base=parts[0], name=name))
        elif stages:
            stages[-1].instructions.append((keyword, rest.strip()))
    return stages


def dockerfile_build_args(text: str) -> dict[str, str]:
    """Global ARG defaults (before the first FROM)."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("FROM"):
            break
        match = re.match(r"ARG (\w+)=(\S+)", line)
        if match:
            values[match[1]] = match[2]
    return values


def exec_form(arg: str) -> list[str]:
    """An exec-form (JSON array) instruction argument, e.g. CMD ["fredpipe", "serve"]."""
    value = json.loads(arg)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), arg
    return value


def healthcheck_command(stage: Stage) -> list[str]:
    (arg,) = stage.args("HEALTHCHECK")
    return exec_form(arg[arg.index("CMD ") + 4 :])


def load_compose(path: Path = COMPOSE) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def resolved_base(stage: Stage, args: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)\}", lambda m: args.get(m[1], m[0]), stage.base)


NGINX_CONF = REPO / "docker" / "nginx" / "nginx.conf"
PRODUCTION_UPSTREAM = "server api:8000"
PRODUCTION_LISTEN = "listen 8080;"
ASSET = "assets/index-Ab12Cd34.js"


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )
    if found:
        return found
    message = "nginx is not installed (apt-get install -y nginx)"
    if IN_CI:
        pytest.fail(f"CI is set but {message}")
    pytest.skip(message)


def render_gateway_conf(source: str, *, upstream_port: int, listen_port: int, work: Path) -> str:
    """The production config with loopback upstream/listen and every path under ``work``."""
    if os.geteuid() == 0:
        # Workers drop privileges as in the image (user nginx); "nobody" exists everywhere.
        nobody = pwd.getpwnam("nobody")
        user = f"user nobody {grp.getgrgid(nobody.pw_gid).gr_name};"
    else:
        user = "# user: workers run as the invoking user"
    replacements = {
        "user nginx;": user,
        "pid /var/run/nginx.pid;": f"pid {work}/nginx.pid;",
        "error_log /var/log/nginx/error.log warn;": f"error_log {work}/error.log info;",
        "access_log /var/log/nginx/access.log fp_json;": f"access_log {work}/access.log fp_json;",
        PRODUCTION_UPSTREAM: f"server 127.0.0.1:{upstream_port}",
        PRODUCTION_LISTEN: f"listen 127.0.0.1:{listen_port};",
        "http {\n": "http {\n"
        + "".join(
            f"    {kind}_temp_path {work}/{kind}_temp;\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        ),
    }
    for old, new in replacements.items():
        assert source.count(old) == 1, f"nginx.conf must contain {old!r} exactly once"
        source = source.replace(old, new)
    return source


@dataclass
class Gateway:
    url: str
    port: int
    access_log: Path
    conf: Path

    def access_entries_for(self, request_id: str, timeout: float = 10) -> list[dict[str, object]]:
        """The access-log entries of one request, polled: nginx writes the line after the
        response, so a fixed sleep would flake on a loaded machine."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.access_log.read_text(encoding="utf-8") if self.access_log.exists() else ""
            entries = [json.loads(line) for line in text.splitlines() if line.strip()]
            found = [e for e in entries if e.get("request_id") == request_id]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


@contextmanager
def running_gateway(upstream_port: int) -> Iterator[Gateway]:
    """nginx on a free loopback port with the rendered production config."""
    nginx = nginx_binary()
    # Not under pytest's 0700 tmp tree: workers (nobody) must reach their temp folders.
    work = Path(tempfile.mkdtemp(prefix="fredpipe-nginx-"))
    try:
        work.chmod(0o755)
        port = free_port()
        conf = work / "nginx.conf"
        source = NGINX_CONF.read_text(encoding="utf-8")
        conf.write_text(
            render_gateway_conf(source, upstream_port=upstream_port, listen_port=port, work=work)
        )
        base = [nginx, "-p", str(work), "-e", str(work / "error.log"), "-c", str(conf)]
        check = subprocess.run([*base, "-t"], capture_output=True, text=True, timeout=30)
        assert check.returncode == 0, check.stderr
        proc = subprocess.Popen([*base, "-g", "daemon off;"], stderr=subprocess.DEVNULL)
        try:
            wait_for(f"http://127.0.0.1:{port}/nginx-health", proc, 20, work / "error.log")
            yield Gateway(f"http://127.0.0.1:{port}", port, work / "access.log", conf)
        finally:
            stop_process(proc)
    finally:
        shutil.rmtree(work, ignore_errors=True)
