"""The contributor's field reference, generated from the shipped JSON Schemas."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..data.schemas import SCHEMA_NAMES, load_schema

FILES = {
    "model": "data/models/<family>/<id>.yaml",
    "hardware": "data/hardware/<vendor>/<id>.yaml",
    "quantizations": "data/quantizations.yaml",
    "glossary": "data/glossary/<id>.yaml",
    "families": "data/families.yaml",
    "measurements": "data/measurements.yaml and data/measurements/<topic>.yaml",
    "speed-model": "data/speed-model.yaml (written by paramatlas calibrate --write)",
}


def _resolve(node: dict[str, Any], schema: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The node a `$ref` points to (merged with the node's own keys), and the schema it lives in."""
    reference = node.get("$ref")
    if not reference:
        return node, schema
    document, _, name = reference.partition("#/$defs/")
    target = load_schema(document.removesuffix(".schema.json")) if document else schema
    resolved = dict(target["$defs"][name])
    resolved.update({key: value for key, value in node.items() if key != "$ref"})
    return resolved, target


def _type_of(node: dict[str, Any]) -> str:
    if "enum" in node:
        return " \\| ".join(f"`{value}`" for value in node["enum"])
    kind = node.get("type", "")
    if isinstance(kind, list):
        return " or ".join(kind)
    if kind == "array":
        items = node.get("items", {})
        inner = items.get("type") or ("enum" if "enum" in items else "object")
        return f"list of {inner}"
    if "pattern" in node:
        return f"{kind} matching `{node['pattern']}`"
    return str(kind)


def _fields(node: dict[str, Any], schema: dict[str, Any], prefix: str) -> Iterator[dict[str, str]]:
    node, schema = _resolve(node, schema)
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        node, schema = _resolve(node["items"], schema)
        prefix = f"{prefix}[]" if prefix else prefix
    required = set(node.get("required", []))
    for name, child in node.get("properties", {}).items():
        resolved, home = _resolve(child, schema)
        path = f"{prefix}.{name}" if prefix else name
        yield {
            "path": path,
            "type": _type_of(resolved),
            "required": "yes" if name in required else "",
            "description": " ".join(str(resolved.get("description", "")).split()),
        }
        nested = resolved
        if nested.get("type") == "array" and isinstance(nested.get("items"), dict):
            nested = _resolve(nested["items"], home)[0]
        if "properties" in nested:
            yield from _fields(resolved, home, path)


def schema_sections() -> list[dict[str, Any]]:
    sections = []
    for name in SCHEMA_NAMES:
        schema = load_schema(name)
        sections.append(
            {
                "name": name,
                "title": schema.get("title", name),
                "description": schema.get("description", ""),
                "file": FILES[name],
                "fields": list(_fields(schema, schema, "")),
            }
        )
    return sections
