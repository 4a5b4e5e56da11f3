"""JSON Schema validation of parsed files, with errors placed at the offending line and column."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from .problems import Problem
from .yaml_source import JsonPath, YamlDocument

SCHEMA_NAMES = (
    "model",
    "hardware",
    "quantizations",
    "glossary",
    "families",
    "measurements",
    "speed-model",
)


def schema_text(name: str) -> str:
    """The text of a shipped schema file, e.g. `schema_text("model")`."""
    return (resources.files("paramatlas") / "schemas" / f"{name}.schema.json").read_text("utf-8")


@cache
def load_schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_text(name))
    return schema


@cache
def _validator(name: str) -> Draft202012Validator:
    common = Resource.from_contents(load_schema("common"))
    registry: Registry[Any] = Registry().with_resource("common.schema.json", common)
    return Draft202012Validator(load_schema(name), registry=registry)


def schema_problems(document: YamlDocument, schema_name: str) -> list[Problem]:
    """Every schema violation in `document`, one problem each, at the place it concerns."""
    problems = []
    for error in _leaf_errors(_validator(schema_name).iter_errors(document.value)):
        problems.append(_problem_for(error, document, schema_name))
    return problems


def _leaf_errors(errors: Iterator[ValidationError]) -> Iterator[ValidationError]:
    """Unwrap `anyOf`/`oneOf` failures to their most relevant branch error."""
    for error in errors:
        if error.context:
            best = min(error.context, key=lambda sub: (-len(sub.absolute_path), sub.validator))
            yield best
        else:
            yield error


def _dotted(path: JsonPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(top level)"


def _problem_for(error: ValidationError, document: YamlDocument, schema_name: str) -> Problem:
    path: JsonPath = tuple(error.absolute_path)
    position = document.position_of(path)
    where = _dotted(path)
    message, hint = _describe(error, schema_name)
    if error.validator == "additionalProperties":
        unknown = _unknown_keys(error)
        if unknown:
            position = document.key_position_of((*path, unknown[0]))
    return Problem(document.path, position.line, position.column, f"{where}: {message}", hint)


def _unknown_keys(error: ValidationError) -> list[str]:
    allowed = set(error.schema.get("properties", {}))
    instance = error.instance if isinstance(error.instance, dict) else {}
    return [key for key in instance if key not in allowed]


def _describe(error: ValidationError, schema_name: str) -> tuple[str, str]:
    """A reader's wording of a schema error, and a hint where one helps."""
    instance = error.instance
    validator = error.validator
    schema = error.schema
    if validator == "additionalProperties":
        unknown = _unknown_keys(error)
        allowed = sorted(schema.get("properties", {}))
        close = difflib.get_close_matches(unknown[0], allowed, n=1) if unknown else []
        hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(allowed)}"
        names = ", ".join(f"'{key}'" for key in unknown)
        return f"unknown key {names}", hint
    if validator == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else error.message
        return f"missing required key '{missing}'", _field_description(schema, missing)
    if validator == "type":
        expected = schema.get("type")
        return f"{_show(instance)} is not {_type_phrase(expected)}", _type_hint(instance, expected)
    if validator == "enum":
        options = ", ".join(str(option) for option in schema["enum"])
        close = (
            difflib.get_close_matches(str(instance), [str(o) for o in schema["enum"]], n=1)
            if isinstance(instance, str)
            else []
        )
        hint = f"did you mean '{close[0]}'?" if close else ""
        return f"{_show(instance)} is not one of: {options}", hint
    if validator == "pattern":
        return f"{_show(instance)} has the wrong form", _pattern_hint(schema)
    if validator in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        return f"{_show(instance)} is out of range ({validator} {error.validator_value})", ""
    if validator in ("minLength", "maxLength", "minItems", "maxItems"):
        return str(error.message), ""
    if validator == "uniqueItems":
        return "the list repeats an item", "remove the repeated item"
    return str(error.message), ""


def _field_description(schema: dict[str, Any], key: str) -> str:
    described = schema.get("properties", {}).get(key, {})
    return str(described.get("description", ""))


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_phrase(expected: Any) -> str:
    names = {
        "string": "text",
        "number": "a number",
        "integer": "a whole number",
        "boolean": "true or false",
        "object": "a mapping (key: value lines)",
        "array": "a list",
        "null": "empty",
    }
    if isinstance(expected, list):
        return " or ".join(names.get(str(item), str(item)) for item in expected)
    return names.get(str(expected), str(expected))


def _type_hint(instance: Any, expected: Any) -> str:
    expected_set = set(expected) if isinstance(expected, list) else {expected}
    if isinstance(instance, bool) and "string" in expected_set:
        return "YAML 1.1 reads yes/no/on/off/true/false as booleans; quote the text"
    if isinstance(instance, str) and expected_set & {"number", "integer"}:
        return "write a plain number such as 30500000000 or 30.5e+9, without quotes or units"
    if isinstance(instance, float) and "integer" in expected_set:
        return "write a whole number without a decimal point"
    if isinstance(instance, (int, float)) and "string" in expected_set:
        return "quote the value to keep it as text"
    return ""


def _pattern_hint(schema: dict[str, Any]) -> str:
    pattern = schema.get("pattern", "")
    if pattern.startswith("^https?://"):
        return "only http:// and https:// addresses are accepted"
    if "a-z0-9" in pattern:
        return "use lowercase letters, digits, dots and hyphens"
    if "\\d{4}" in pattern:
        return 'write the date as "YYYY-MM-DD", quoted'
    if ":" in pattern:
        return 'write a ratio such as "5:1", quoted'
    return f"it must match {pattern}"
