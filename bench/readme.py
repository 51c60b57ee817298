"""The README's example GraphQL request, read from the README itself (its one home), so the
benchmarks time and the tests run exactly what a newcomer copies."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
SECTION = "## Asking questions"
_BLOCK = re.compile(r"```graphql\n(.*?)```", re.DOTALL)


def example_query(readme: Path = README) -> str:
    """The first GraphQL block of the README's "Asking questions" section."""
    text = readme.read_text(encoding="utf-8")
    start = text.find(SECTION)
    if start < 0:
        raise LookupError(f"{readme} has no {SECTION!r} section")
    found = _BLOCK.search(text, start)
    if found is None:
        raise LookupError(f"{readme}: no ```graphql block after {SECTION!r}")
    return found.group(1)
