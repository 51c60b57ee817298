"""The import rules of the README's architecture table, checked on the source: each package
imports only the packages below it, so a newcomer can trust the table and no cycle creeps in.
Every import counts, including those inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.cli import REPO, product_packages

#: package -> the packages of ours it may import (itself is always allowed).
MAY_IMPORT: dict[str, set[str]] = {
    "models": set(),
    "ingest": {"models"},
    "sandbox": {"models", "ingest"},
    "forecasting": {"models"},
    "flows": {"models", "ingest", "sandbox", "forecasting"},
    "graphql_api": {"models", "forecasting"},
    "bench": {"models", "ingest", "forecasting", "flows", "graphql_api", "bench"},
}
OURS = {*MAY_IMPORT, "tests"}
#: Modules of a higher layer a package may still import: the CLI serves the API's entry point.
ENTRY_POINTS: dict[str, set[str]] = {"flows": {"graphql_api.app"}}


def imported_modules(path: Path) -> set[str]:
    """The modules of ours (dotted names) that one source file imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return {name for name in found if name.split(".")[0] in OURS}


def breaches(package: str, path: Path) -> list[str]:
    """The imports of one file of ``package`` that the layering does not allow."""
    allowed = MAY_IMPORT[package] | {package}
    exceptions = ENTRY_POINTS.get(package, set())
    return sorted(
        name
        for name in imported_modules(path)
        if name.split(".")[0] not in allowed and name not in exceptions
    )


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_package_imports_only_the_layers_below_it(package: str) -> None:
    files = sorted((REPO / package).rglob("*.py"))
    assert files, f"{package}/ has no Python files"
    found = {str(path.relative_to(REPO)): breaches(package, path) for path in files}
    assert {k: v for k, v in found.items() if v} == {}


def test_a_breach_inside_a_function_is_found(tmp_path: Path) -> None:
    source = tmp_path / "probe.py"
    source.write_text(
        "import os\nfrom models import tables\n\ndef late():\n"
        "    import graphql_api.app\n    from graphql_api.rest import router\n"
    )
    assert imported_modules(source) == {"models", "graphql_api.app", "graphql_api.rest"}
    assert breaches("ingest", source) == ["graphql_api.app", "graphql_api.rest"]
    assert breaches("flows", source) == ["graphql_api.rest"]


def test_every_product_package_has_a_rule() -> None:
    assert set(product_packages()) <= set(MAY_IMPORT)


def test_test_modules_import_only_the_support_package() -> None:
    """Shared builders live in ``tests.support``; a test module imported as a library would
    run its tests twice and hide what it shares."""
    found = {}
    for path in sorted((REPO / "tests").rglob("*.py")):
        if path.is_relative_to(REPO / "tests" / "support"):
            continue
        others = {
            name
            for name in imported_modules(path)
            if name.split(".")[0] == "tests" and not name.startswith("tests.support")
        }
        if others:
            found[str(path.relative_to(REPO))] = sorted(others)
    assert found == {}
