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

import math
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 32
# No figure in the dataset comes near this (parameter counts stop at 10^14): a larger number
# is a typo, or an attempt to overflow the arithmetic downstream.
MAX_MAGNITUDE = 10**15
SHOWN_CHARACTERS = 40

JsonPath = tuple[str | int, ...]

# Numbers as YAML 1.2 and JSON read them; PyYAML (YAML 1.1) reads some of them, like 5.1e9 or
# 1e+9, as strings.
_YAML12_NUMBER = re.compile(r"^[-+]?(\.\d+|\d+(\.\d*)?)([eE][-+]?\d+)?$")
_YAML11_BOOLEAN = re.compile(r"^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$")
# What an integer or float may look like: decimal digits, underscores between them, and for a
# float a point and a signed exponent. YAML 1.1 also reads 040 as octal 32, 0x8 as hex and
# 36:24:32 as base 60; those are refused rather than silently reinterpreted.
_DECIMAL_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_DECIMAL_FLOAT = re.compile(r"^[-+]?([0-9][0-9_]*)?\.?[0-9_]*([eE][-+][0-9]+)?$")
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
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
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
    text: str = ""
    """The file as written, comments included."""

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


_ANCHOR_HINT = "anchors and aliases can blow up in size; write the value out in full"
# libyaml's parser when PyYAML was built with it (its wheels are): the same events, much faster.
_EVENT_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = yaml.resolver.Resolver()
Report = list[tuple[Position, str, str]]


class _Composer:
    """Builds PyYAML nodes from parser events, recording anchors, aliases and explicit tags
    instead of honouring them (PyYAML's own composer would expand aliases and keep tags)."""

    def __init__(self, text: str, report: Report) -> None:
        self._events: Iterator[Any] = iter(yaml.parse(text, Loader=_EVENT_LOADER))
        self._report = report

    def single_document(self) -> yaml.Node | None:
        root = None
        documents = 0
        for event in self._events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    self._complain(
                        event,
                        "a data file holds one YAML document, not several",
                        "remove the second '---' and what follows it",
                    )
                    break
                root = self._node(next(self._events), 0)
        return root

    def _skip_nested(self, event: Any) -> yaml.Node:
        """Past MAX_DEPTH: report once and consume the collection without recursing."""
        self._complain(
            event,
            f"the data is nested more than {MAX_DEPTH} levels deep",
            "data files are flat: an entry, its blocks, their fields",
        )
        open_collections = 1
        for child in self._events:
            if isinstance(child, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                open_collections += 1
            elif isinstance(child, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                open_collections -= 1
                if not open_collections:
                    break
        return yaml.ScalarNode("tag:yaml.org,2002:null", "", event.start_mark, event.end_mark)

    def _complain(self, event: Any, message: str, hint: str) -> None:
        mark = event.start_mark
        self._report.append((Position(mark.line + 1, mark.column + 1), message, hint))

    def _node(self, event: Any, depth: int) -> yaml.Node:
        # libyaml's marks are its own type; nodes only need their line and column.
        start: Any = event.start_mark
        end: Any = event.end_mark
        if isinstance(event, yaml.AliasEvent):
            self._complain(event, f"alias *{event.anchor} is not allowed", _ANCHOR_HINT)
            return yaml.ScalarNode("tag:yaml.org,2002:null", "", start, end)
        if event.anchor is not None:
            self._complain(event, f"anchor &{event.anchor} is not allowed", _ANCHOR_HINT)
        tag = event.tag
        if tag not in (None, "!") and _is_explicit(event):
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            self._complain(
                event,
                f"the YAML tag {shown} is not allowed",
                "data files hold plain values; remove the tag",
            )
        if isinstance(event, yaml.ScalarEvent):
            implicit = (event.implicit[0], False)
            resolved = _RESOLVER.resolve(yaml.ScalarNode, event.value, implicit)  # type: ignore[no-untyped-call]
            style = event.style or None  # libyaml reports plain scalars as '', PyYAML as None
            return yaml.ScalarNode(resolved, event.value, start, end, style)
        if depth >= MAX_DEPTH:
            return self._skip_nested(event)
        if isinstance(event, yaml.SequenceStartEvent):
            items = []
            for child in self._events:
                if isinstance(child, yaml.SequenceEndEvent):
                    break
                items.append(self._node(child, depth + 1))
            return yaml.SequenceNode("tag:yaml.org,2002:seq", items, start)
        pairs = []
        for child in self._events:
            if isinstance(child, yaml.MappingEndEvent):
                break
            pairs.append((self._node(child, depth + 1), self._node(next(self._events), depth + 1)))
        return yaml.MappingNode("tag:yaml.org,2002:map", pairs, start)


def _is_explicit(event: Any) -> bool:
    implicit = getattr(event, "implicit", True)
    if isinstance(implicit, tuple):  # scalars: (plain-implicit, quoted-implicit)
        return not any(implicit)
    return not implicit


def read_yaml(
    path: Path, display_path: str, root: Path | None = None
) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one file. Returns the document (None when it cannot be read) and every problem.

    Only regular files are read, and at most MAX_FILE_BYTES + 1 bytes of them: a FIFO would
    block, a device such as /dev/zero never ends, and a size from stat() can lie. A link that
    leaves `root` is refused without reading what it points to.
    """
    refusal = _refuse_unreadable(path, root)
    if refusal is not None:
        message, hint = refusal
        return None, [Problem(display_path, 1, 1, message, hint)]
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return None, [Problem(display_path, 1, 1, f"cannot read the file: {error.strerror}")]
    if len(data) > MAX_FILE_BYTES:
        return None, [
            Problem(
                display_path,
                1,
                1,
                f"the file is larger than {MAX_FILE_BYTES:,} bytes, the most a data file may be",
                "split the entry or remove what does not belong in it",
            )
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, [Problem(display_path, 1, 1, f"the file is not UTF-8 text ({error.reason})")]
    return parse_yaml(text, display_path)


def _refuse_unreadable(path: Path, root: Path | None) -> tuple[str, str] | None:
    """Why `path` may not be read as a data file, or None."""
    try:
        if root is not None and path.is_symlink():
            target = path.resolve(strict=True)
            if not target.is_relative_to(root.resolve()):
                return (
                    "this link points outside the data folder",
                    "commit the file itself, not a link to one elsewhere",
                )
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "this link points to nothing", "remove the link or the name it points to"
    except RuntimeError:  # Path.resolve on a loop, in older Pythons
        return "this link leads round in a loop", "remove the link"
    except OSError as error:
        if error.errno == 40:  # ELOOP
            return "this link leads round in a loop", "remove the link"
        return f"cannot read the file: {error.strerror}", ""
    if stat.S_ISDIR(mode):
        return "this is a folder where a data file belongs", "rename or remove the folder"
    if not stat.S_ISREG(mode):
        return "this is not a regular file (a device, pipe or socket)", "commit a plain file"
    return None


def parse_yaml(text: str, display_path: str) -> tuple[YamlDocument | None, list[Problem]]:
    reported: Report = []
    try:
        root = _Composer(text, reported).single_document()
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

    problems = [
        Problem(display_path, pos.line, pos.column, msg, hint) for pos, msg, hint in reported
    ]
    if root is None:
        return None, [*problems, Problem(display_path, 1, 1, "the file is empty")]
    document = YamlDocument(display_path, None, text=text)
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

    shown = text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 1] + "…"
    if plain and node.tag == _STRING_TAG and _YAML12_NUMBER.match(text):
        complain(
            f"'{shown}' is read as a string, not a number",
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
    number = _number_problem(node, text, shown)
    if number is not None:
        complain(*number)
        return text
    construct = yaml.SafeLoader.yaml_constructors.get(node.tag)
    if node.tag not in _STANDARD_TAGS or construct is None:
        return text
    try:
        return construct(_CONSTRUCTOR, node)
    except (yaml.YAMLError, ValueError):
        complain(f"cannot read '{shown}' as {node.tag.rsplit(':', 1)[-1]}", "quote it")
        return text


def _number_problem(node: yaml.ScalarNode, text: str, shown: str) -> tuple[str, str] | None:
    """Why a plain number may not be used as YAML 1.1 reads it, or None."""
    if node.style is not None or node.tag not in (_INT_TAG, _FLOAT_TAG):
        return None
    if node.tag == _FLOAT_TAG and text.lower().lstrip("+-") in (".nan", ".inf"):
        return (f"'{shown}' is not a finite number", "write the figure itself")
    decimal = _DECIMAL_INT if node.tag == _INT_TAG else _DECIMAL_FLOAT
    if not decimal.match(text):
        return (
            f"'{shown}' is not a decimal number: YAML 1.1 reads it as octal, hexadecimal, "
            "binary or base 60",
            "write the number in decimal without a leading zero, or quote it for text",
        )
    value = float(text.replace("_", ""))
    if not math.isfinite(value) or abs(value) >= MAX_MAGNITUDE:
        return (f"'{shown}' is too large to be a real figure", "check the number of digits")
    return None


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
