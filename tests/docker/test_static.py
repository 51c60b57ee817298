"""Static checks of docker/: no Docker engine runs here, so the Dockerfile, the compose file and
the build context rules are read as text and held to what the deployment relies on."""

from __future__ import annotations

import re
import shlex
from typing import Any

import pytest

from tests.support.cli import product_packages
from tests.support.docker import (
    APP_SERVICES,
    COMPOSE,
    DOCKER,
    DOCKERFILE,
    DOCKERIGNORE,
    ENV_EXAMPLE,
    REPO,
    Stage,
    dockerfile_build_args,
    dockerfile_stages,
    exec_form,
    healthcheck_command,
    load_compose,
    resolved_base,
)

# --- Dockerfile ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dockerfile_text() -> str:
    return DOCKERFILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def stages(dockerfile_text: str) -> list[Stage]:
    return dockerfile_stages(dockerfile_text)


def test_dockerfile_builds_client_in_a_node_20_stage(
    dockerfile_text: str, stages: list[Stage]
) -> None:
    args = dockerfile_build_args(dockerfile_text)
    node = [s for s in stages if resolved_base(s, args).startswith("node:20")]
    assert len(node) == 1, [s.base for s in stages]
    runs = " && ".join(node[0].args("RUN"))
    assert "npm ci" in runs and "npm run build" in runs
    assert any("package-lock.json" in c for c in node[0].args("COPY"))


def test_dockerfile_final_stage_is_python_311_slim(
    dockerfile_text: str, stages: list[Stage]
) -> None:
    args = dockerfile_build_args(dockerfile_text)
    python = [s for s in stages if resolved_base(s, args).startswith("python:3.11-slim")]
    assert python and stages[-1] in python
    assert all(s.name for s in stages), "every stage is named"


def test_dockerfile_installs_pinned_requirements_and_the_project(stages: list[Stage]) -> None:
    copies = [c for s in stages for c in s.args("COPY")]
    runs = " ".join(r for s in stages for r in s.args("RUN"))
    assert any("requirements.lock" in c for c in copies)
    assert "--constraint requirements.lock" in runs or "requirements.lock" in runs
    assert re.search(r"uv==\$\{UV_VERSION\}|uv==[\d.]+", runs), "uv itself is pinned"
    assert "--no-deps" in runs and "--editable ." in runs
    for package in product_packages():
        assert any(c.split()[0] == f"{package}/" for c in copies), package


def test_dockerfile_runtime_has_transforms_catalog_and_dashboard(stages: list[Stage]) -> None:
    runtime = stages[-1]
    copies = runtime.args("COPY")
    assert any(c.startswith("transforms/ ") for c in copies)
    assert any(c.startswith("--from=client ") and "dist" in c for c in copies)
    assert any("/app" in c and c.startswith("--from=") for c in copies), "project tree at /app"
    assert (REPO / "ingest" / "catalog.toml").is_file()
    assert (REPO / "transforms" / "dbt_project.yml").is_file()


def test_dockerfile_runs_as_non_root(stages: list[Stage]) -> None:
    users = stages[-1].args("USER")
    assert users, "the runtime stage sets USER"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")


def test_dockerfile_serves_on_8000_with_healthcheck(stages: list[Stage]) -> None:
    runtime = stages[-1]
    assert "8000" in " ".join(runtime.args("EXPOSE")).split()
    assert "/healthz" in " ".join(healthcheck_command(runtime))
    (cmd,) = runtime.args("CMD")
    assert exec_form(cmd) == ["fredpipe", "serve", "--host", "0.0.0.0", "--port", "8000"]


def test_dockerfile_sets_no_secrets(dockerfile_text: str) -> None:
    for secret in ("FRED_API_KEY", "FREDPIPE_DATABASE_URL", "PASSWORD"):
        assert not re.search(rf"^\s*(ENV|ARG)\b.*{secret}", dockerfile_text, re.M), secret


def test_settings_accept_binding_all_interfaces() -> None:
    from models.settings import load_settings

    settings = load_settings(api_host="0.0.0.0", api_port=8000)
    assert settings.api_host == "0.0.0.0"


# --- .dockerignore ---------------------------------------------------------------------------


def _ignore_rules() -> list[tuple[bool, re.Pattern[str]]]:
    rules = []
    for raw in DOCKERIGNORE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line.lstrip("!").strip("/")
        regex = ""
        for part in re.split(r"(\*\*/?|\*|\?)", pattern):
            if part in ("**", "**/"):
                regex += "(?:.*/)?" if part == "**/" else ".*"
            elif part == "*":
                regex += "[^/]*"
            elif part == "?":
                regex += "[^/]"
            else:
                regex += re.escape(part)
        # A pattern that names a folder excludes everything under it.
        rules.append((negate, re.compile(rf"^{regex}(?:/.*)?$")))
    return rules


def dockerignored(path: str) -> bool:
    """Docker's rule: the last matching pattern wins; ``!`` re-includes."""
    excluded = False
    for negate, pattern in _ignore_rules():
        if pattern.match(path):
            excluded = not negate
    return excluded


@pytest.mark.parametrize(
    "path",
    [
        ".venv/bin/python",
        "client/node_modules/react/index.js",
        "node_modules/x/index.js",
        "data/fredpipe.duckdb",
        "client/dist/index.html",
        ".git/HEAD",
        "docker/.env",
        "transforms/target/manifest.json",
        "models/__pycache__/settings.cpython-311.pyc",
    ],
)
def test_dockerignore_excludes_local_state(path: str) -> None:
    assert dockerignored(path)


@pytest.mark.parametrize(
    "path",
    [
        "requirements.lock",
        "pyproject.toml",
        "README.md",
        "ingest/catalog.toml",
        "models/migrations/script.py.mako",
        "models/migrations/versions/0001_initial.py",
        "transforms/dbt_project.yml",
        "transforms/macros/primary_key.sql",
        "client/package-lock.json",
        "client/schema.graphql",
        "client/src/main.tsx",
        "graphql_api/app.py",
    ],
)
def test_dockerignore_keeps_what_the_image_needs(path: str) -> None:
    assert (REPO / path).exists(), path
    assert not dockerignored(path)


# --- compose.yaml ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load_compose()


def test_compose_has_the_stack(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {
        "mysql",
        "redis",
        "migrate",
        "pipeline",
        "api",
        "gateway",
    }


def test_compose_every_service_has_an_image(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        assert service.get("image") or service.get("build"), name


def test_compose_app_services_use_the_fredpipe_image(compose: dict[str, Any]) -> None:
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert service["image"].startswith("fredpipe:"), name
        build = service["build"]
        context = (COMPOSE.parent / build["context"]).resolve()
        assert context == REPO, name
        assert (context / build["dockerfile"]).resolve() == DOCKERFILE
        assert service["command"][0] == "fredpipe", name


def test_compose_one_shot_jobs(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["migrate"]["command"] == ["fredpipe", "migrate"]
    assert services["pipeline"]["command"] == ["fredpipe", "pipeline", "run"]
    for name in ("migrate", "pipeline"):
        assert services[name]["restart"] == "no"
        assert services[name]["healthcheck"] == {"disable": True}
    assert "FRED_API_KEY" in services["pipeline"]["environment"]
    assert "FRED_API_KEY" not in services["api"]["environment"], "the API needs no FRED key"


def test_compose_healthchecks(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in ("mysql", "redis", "api", "gateway"):
        test = services[name]["healthcheck"]["test"]
        assert isinstance(test, list) and test[0] in ("CMD", "CMD-SHELL"), name
    assert "/healthz" in " ".join(services["api"]["healthcheck"]["test"])
    assert "mysqladmin ping" in services["mysql"]["healthcheck"]["test"][1]


def test_compose_api_waits_for_healthy_db_redis_and_migrations(compose: dict[str, Any]) -> None:
    depends = compose["services"]["api"]["depends_on"]
    assert depends["mysql"]["condition"] == "service_healthy"
    assert depends["redis"]["condition"] == "service_healthy"
    assert depends["migrate"]["condition"] == "service_completed_successfully"
    gateway = compose["services"]["gateway"]["depends_on"]
    assert gateway["api"]["condition"] == "service_healthy"


def test_compose_only_the_gateway_publishes_a_port(compose: dict[str, Any]) -> None:
    published = {name for name, s in compose["services"].items() if s.get("ports")}
    assert published == {"gateway"}
    (port,) = compose["services"]["gateway"]["ports"]
    assert str(port).endswith(":8080")


def test_compose_gateway_mounts_the_nginx_config(compose: dict[str, Any]) -> None:
    gateway = compose["services"]["gateway"]
    assert gateway["image"].startswith("nginx:stable")
    mounts = [v.split(":") for v in gateway["volumes"]]
    assert ["./nginx/nginx.conf", "/etc/nginx/nginx.conf", "ro"] in mounts
    assert (DOCKER / "nginx" / "nginx.conf").is_file()


def test_compose_mysql_keeps_data_in_a_named_volume(compose: dict[str, Any]) -> None:
    mysql = compose["services"]["mysql"]
    assert mysql["image"] == "mysql:8.0"
    volume = mysql["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]


def test_compose_shares_the_dbt_docs_volume_pipeline_writes_api_reads(
    compose: dict[str, Any], dockerfile_text: str
) -> None:
    """The pipeline publishes dbt docs where the API replicas serve them from (/dbt-docs/)."""
    services = compose["services"]
    assert ["dbt-docs", "/app/dbt-docs"] in [v.split(":") for v in services["pipeline"]["volumes"]]
    assert ["dbt-docs", "/app/dbt-docs", "ro"] in [v.split(":") for v in services["api"]["volumes"]]
    assert "dbt-docs" in compose["volumes"]
    assert "FREDPIPE_DBT_DOCS_DIR=/app/dbt-docs/site" in dockerfile_text
    assert "/app/dbt-docs/site" in dockerfile_text.split("chown -R fredpipe:fredpipe")[0]


def test_compose_app_environment_comes_from_the_env_file(compose: dict[str, Any]) -> None:
    """Settings are interpolated from docker/.env, never written into the file."""
    for name in APP_SERVICES:
        env = compose["services"][name]["environment"]
        for key in ("FREDPIPE_DATABASE_URL", "FREDPIPE_REDIS_URL", "FREDPIPE_MYSQL_SSL_CA"):
            assert str(env[key]).startswith("${"), (name, key)
    for key, value in compose["services"]["mysql"]["environment"].items():
        if "PASSWORD" in key:
            assert str(value).startswith("${"), key


def _compose_variables() -> set[str]:
    text = COMPOSE.read_text(encoding="utf-8").replace("$$", "")
    return set(re.findall(r"\$\{(\w+)", text))


def test_env_example_documents_every_variable() -> None:
    documented = set(
        re.findall(r"^#?\s*(\w+)=", ENV_EXAMPLE.read_text(encoding="utf-8"), re.MULTILINE)
    )
    assert _compose_variables() <= documented, _compose_variables() - documented


def test_env_example_holds_no_real_secrets() -> None:
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        if "PASSWORD" in key or "KEY" in key:
            assert value == "" or value.startswith("change-me"), key
    gitignore = (REPO / ".gitignore").read_text(encoding="utf-8").split()
    assert ".env" in gitignore, "docker/.env must stay out of git"


def test_healthcheck_commands_are_well_formed(compose: dict[str, Any]) -> None:
    gateway = compose["services"]["gateway"]["healthcheck"]["test"]
    assert gateway[:3] == ["CMD", "bash", "-c"]
    shlex.split(gateway[3])  # balanced quoting
    api = compose["services"]["api"]["healthcheck"]["test"]
    compile(api[api.index("-c") + 1], "<healthcheck>", "exec")


def test_compose_api_gets_its_token_key_from_the_env_file(compose: dict[str, Any]) -> None:
    for name in APP_SERVICES:
        env = compose["services"][name]["environment"]
        assert str(env["FREDPIPE_JWT_SECRET"]).startswith("${FREDPIPE_JWT_SECRET:?"), name
        assert env["FREDPIPE_LOG_FORMAT"] == "json", name


def test_awslogs_override_ships_every_service(compose: dict[str, Any]) -> None:
    override = load_compose(COMPOSE.parent / "compose.awslogs.yaml")
    assert set(override["services"]) == set(compose["services"])
    for name, service in override["services"].items():
        logging = service["logging"]
        assert logging["driver"] == "awslogs", name
        assert logging["options"]["awslogs-region"].startswith("${AWS_REGION:?"), name
