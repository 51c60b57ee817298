"""REST response models of the analytics reads, built from the records the services return and
the descriptions of the GraphQL types that serve the same records.

A field is declared once (the record dataclass in ``models``) and described once (its GraphQL
type, which is what ``client/schema.graphql`` documents); REST adds only what it echoes (the id,
the window asked for). A record field without a GraphQL description fails at import, so the
two surfaces cannot drift apart silently.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from pydantic import BaseModel, Field, create_model
from strawberry.types import get_object_definition


def rest_model(
    name: str,
    record: type,
    graphql_type: type,
    extra: dict[str, tuple[Any, str]] | None = None,
) -> type[BaseModel]:
    """A pydantic model named ``name`` with ``extra`` fields (annotation, description) first,
    then ``record``'s fields, typed as the record types them and described as
    ``graphql_type`` describes them."""
    definition = get_object_definition(graphql_type, strict=True)
    described = {f.python_name: f.description for f in definition.fields}
    hints = typing.get_type_hints(record)
    fields: dict[str, Any] = {
        key: (annotation, Field(description=text))
        for key, (annotation, text) in (extra or {}).items()
    }
    for f in dataclasses.fields(record):
        text = described.get(f.name)
        if not text:
            raise LookupError(f"{graphql_type.__name__}.{f.name} has no description to reuse")
        fields[f.name] = (hints[f.name], Field(description=text))
    model: type[BaseModel] = create_model(name, __doc__=definition.description, **fields)
    return model
