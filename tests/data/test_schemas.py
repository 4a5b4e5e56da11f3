"""The shipped schemas: valid Draft 2020-12, and every field described for the reference page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from paramatlas.data.schemas import SCHEMA_NAMES, load_schema


def _properties(schema: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(schema, dict):
        for name, field in schema.get("properties", {}).items():
            yield f"{path}.{name}", field
        for key, value in schema.items():
            if key != "properties":
                yield from _properties(value, path)
        for name, field in schema.get("properties", {}).items():
            yield from _properties(field, f"{path}.{name}")
    elif isinstance(schema, list):
        for item in schema:
            yield from _properties(item, path)


@pytest.mark.parametrize("name", [*SCHEMA_NAMES, "common"])
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    Draft202012Validator.check_schema(load_schema(name))


def _described(field: dict[str, Any], schema: dict[str, Any]) -> bool:
    if "description" in field:
        return True
    if "$ref" not in field:
        return False
    document, _, pointer = field["$ref"].partition("#/$defs/")
    target = load_schema(document.removesuffix(".schema.json")) if document else schema
    return "description" in target["$defs"][pointer]


@pytest.mark.parametrize("name", [*SCHEMA_NAMES, "common"])
def test_every_field_has_a_description(name: str) -> None:
    schema = load_schema(name)
    undescribed = [
        path for path, field in _properties(schema, name) if not _described(field, schema)
    ]
    assert undescribed == []
