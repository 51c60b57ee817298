"""Print the GraphQL SDL for client codegen.

Usage: ``python -m graphql_api.export_schema > client/schema.graphql``
"""

from __future__ import annotations

import sys

from graphql_api.schema import schema


def sdl() -> str:
    return schema.as_str() + "\n"


def main() -> None:
    sys.stdout.write(sdl())


if __name__ == "__main__":
    main()
