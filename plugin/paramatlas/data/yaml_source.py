"""Reading one YAML file safely while remembering where every value came from.

The composer builds PyYAML's node tree (never Python objects from tags), and we turn nodes into
plain values ourselves. That lets us:

* keep the line and column of every key and value, so a problem points at `file:line:column`;
* refuse what a data file never needs and an attacker might use: explicit tags (`!!python/...`),
  anchors and aliases (the "billion laughs" bomb), duplicate keys (PyYAML silently keeps the last);
* turn YAML 1.1 surprises into clear errors: `5.1e9` is a string to PyYAML, `no` is a boolean,
  and an unquoted date would become a date object (we keep its text instead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 32

JsonPath = tuple[str | int, ...]

# Numbers as YAML 1.2 and JSON read them; PyYAML (YAML 1.1) reads some of them, like 5.1e9 or
# 1e+9, as strings.
_YAML12_NUMBER = re.compile(r"^[-+]?(\.\d+|\d+(\.\d*)?)([eE][-+]?\d+)?$")
_YAML11_BOOLEAN = re.compile(r"^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$")
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_STRING_TAG = "tag:yaml.org,2002:str"
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


@dataclass(frozen=True)
class Position:
    line: int
    column: int


@dataclass
class YamlDocument:
    """A parsed file: its plain value and where each part of it stands in the file."""

    path: str
    value: Any
    value_positions: dict[JsonPath, Position] = field(default_factory=dict)
    key_positions: dict[JsonPath, Position] = field(default_factory=dict)

    def position_of(self, json_path: JsonPath) -> Position:
        """The position of the value at `json_path`, or of its nearest present ancestor."""
        path = tuple(json_path)
        while path:
            if path in self.value_positions:
                return self.value_positions[path]
            path = path[:-1]
        return self.value_positions.get((), Position(1, 1))

    def key_position_of(self, json_path: JsonPath) -> Position:
        """The position of the key that names `json_path` (falls back to the value)."""
        return self.key_positions.get(tuple(json_path)) or self.position_of(json_path)


def _position(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


class _CheckingComposer(yaml.SafeLoader):
    """A composer that records anchors, aliases and explicit tags instead of honouring them."""

    def __init__(self, stream: str, report: list[tuple[Position, str, str]]) -> None:
        super().__init__(stream)
        self._report = report

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        position = Position(event.start_mark.line + 1, event.start_mark.column + 1)
        if isinstance(event, yaml.AliasEvent):
            self.get_event()  # type: ignore[no-untyped-call]
            self._report.append(
                (
                    position,
                    f"alias *{event.anchor} is not allowed",
                    "anchors and aliases can blow up in size; write the value out in full",
                )
            )
            mark = event.start_mark
            return yaml.ScalarNode("tag:yaml.org,2002:null", "", mark, mark)  # type: ignore[arg-type]
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self._report.append(
                (
                    position,
                    f"anchor &{anchor} is not allowed",
                    "anchors and aliases can blow up in size; write the value out in full",
                )
            )
            event.anchor = None
        tag = getattr(event, "tag", None)
        if tag not in (None, "!") and _is_explicit(event):
            self._report.append(
                (
                    position,
                    f"the YAML tag {tag.replace('tag:yaml.org,2002:', '!!')} is not allowed",
                    "data files hold plain values; remove the tag",
                )
            )
            event.tag = None
        return super().compose_node(parent, index)


def _is_explicit(event: Any) -> bool:
    implicit = getattr(event, "implicit", True)
    if isinstance(implicit, tuple):  # scalars: (plain-implicit, quoted-implicit)
        return not any(implicit)
    return not implicit


def read_yaml(path: Path, display_path: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one file. Returns the document (None when it cannot be read) and every problem."""
    try:
        size = path.stat().st_size
    except OSError as error:
        return None, [Problem(display_path, 1, 1, f"cannot read the file: {error.strerror}")]
    if size > MAX_FILE_BYTES:
        return None, [
            Problem(
                display_path,
                1,
                1,
                f"the file is {size:,} bytes; data files may be at most {MAX_FILE_BYTES:,} bytes",
                "split the entry or remove what does not belong in it",
            )
        ]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return None, [Problem(display_path, 1, 1, f"the file is not UTF-8 text ({error.reason})")]
    return parse_yaml(text, display_path)


def parse_yaml(text: str, display_path: str) -> tuple[YamlDocument | None, list[Problem]]:
    reported: list[tuple[Position, str, str]] = []
    composer = _CheckingComposer(text, reported)
    try:
        root = composer.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(part for part in (error.context, error.problem) if part)
        return None, [
            Problem(
                display_path,
                line,
                column,
                f"invalid YAML: {message}",
                "check indentation and quoting around this place (tabs are not allowed)",
            )
        ]
    except yaml.YAMLError as error:
        return None, [Problem(display_path, 1, 1, f"invalid YAML: {error}")]
    finally:
        composer.dispose()

    problems = [
        Problem(display_path, pos.line, pos.column, msg, hint) for pos, msg, hint in reported
    ]
    if root is None:
        return None, [*problems, Problem(display_path, 1, 1, "the file is empty")]
    document = YamlDocument(display_path, None)
    document.value = _to_value(root, (), document, problems, depth=0)
    return document, problems


def _to_value(
    node: yaml.Node,
    json_path: JsonPath,
    document: YamlDocument,
    problems: list[Problem],
    depth: int,
) -> Any:
    document.value_positions[json_path] = _position(node)
    if depth > MAX_DEPTH:
        position = _position(node)
        problems.append(
            Problem(document.path, position.line, position.column, "the data is nested too deeply")
        )
        return None
    if isinstance(node, yaml.MappingNode):
        return _mapping(node, json_path, document, problems, depth)
    if isinstance(node, yaml.SequenceNode):
        return [
            _to_value(item, (*json_path, index), document, problems, depth + 1)
            for index, item in enumerate(node.value)
        ]
    assert isinstance(node, yaml.ScalarNode)
    return _scalar(node, document, problems)


def _mapping(
    node: yaml.MappingNode,
    json_path: JsonPath,
    document: YamlDocument,
    problems: list[Problem],
    depth: int,
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key_position = _position(key_node)
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(
                Problem(
                    document.path,
                    key_position.line,
                    key_position.column,
                    "a key must be a plain word, not a list or mapping",
                )
            )
            continue
        key = str(key_node.value)
        if key in result:
            first = document.key_positions[(*json_path, key)]
            problems.append(
                Problem(
                    document.path,
                    key_position.line,
                    key_position.column,
                    f"duplicate key '{key}' (first at line {first.line})",
                    "YAML would silently keep only the last value; remove one of them",
                )
            )
            continue
        document.key_positions[(*json_path, key)] = key_position
        result[key] = _to_value(value_node, (*json_path, key), document, problems, depth + 1)
    return result


def _scalar(node: yaml.ScalarNode, document: YamlDocument, problems: list[Problem]) -> Any:
    text = node.value
    plain = node.style is None
    position = _position(node)

    def complain(message: str, hint: str) -> None:
        problems.append(Problem(document.path, position.line, position.column, message, hint))

    if plain and node.tag == _STRING_TAG and _YAML12_NUMBER.match(text):
        complain(
            f"'{text}' is read as a string, not a number",
            f"PyYAML (YAML 1.1) needs a dot and a signed exponent: write {_yaml11_number(text)}",
        )
        return text
    if plain and _YAML11_BOOLEAN.match(text):
        complain(
            f"'{text}' is ambiguous: YAML 1.1 reads it as a boolean, YAML 1.2 as a string",
            "write true or false for a yes/no value, or quote it for text",
        )
        return text
    if node.tag == _TIMESTAMP_TAG:
        return text  # an unquoted date keeps its text rather than becoming a date object
    construct = yaml.SafeLoader.yaml_constructors.get(node.tag)
    if node.tag not in _STANDARD_TAGS or construct is None:
        return text
    try:
        return construct(_CONSTRUCTOR, node)
    except (yaml.YAMLError, ValueError):
        complain(f"cannot read '{text}' as {node.tag.rsplit(':', 1)[-1]}", "quote it")
        return text


def _yaml11_number(text: str) -> str:
    mantissa, _, exponent = text.replace("E", "e").partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    if mantissa.startswith("."):
        mantissa = "0" + mantissa
    if not exponent:
        return mantissa
    sign = "" if exponent[0] in "+-" else "+"
    return f"{mantissa}e{sign}{exponent}"
