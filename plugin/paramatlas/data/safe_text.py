"""What a data string may contain: text, Markdown emphasis and http(s) links, nothing that acts.

Renderers make every string inert (`render.inert`); refusing active syntax here as well keeps the
data honest for every consumer of the JSON API and `export`, and means one layer failing is not
enough for a string to act. Each check names the construct it refuses and how to write the text
instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .yaml_source import JsonPath

# Keys whose schema type is `prose` (common.schema.json): they may span lines.
PROSE_KEYS = frozenset({"notes", "note", "description", "definition", "example"})
# What `paramatlas new` leaves where a contributor must write something.
UNFINISHED = "FILL-IN"
PLACEHOLDER_ADDRESS = "OWNER/NAME"
_UNFINISHED = re.compile(re.escape(UNFINISHED))
# Keys holding addresses; checked by the schema's URL pattern instead.
ADDRESS_KEYS = frozenset({"url"})


@dataclass(frozen=True)
class TextIssue:
    message: str
    hint: str
    pattern: re.Pattern[str] | None = None
    """What was found, so a report can point at its line in a text that spans lines."""


def _check(
    pattern: str, message: str, hint: str, flags: int = 0
) -> tuple[re.Pattern[str], TextIssue]:
    compiled = re.compile(pattern, flags)
    return compiled, TextIssue(message, hint, compiled)


_EVERYWHERE = (
    _check(
        r"\{\{|\{%|\{#|%\}|#\}",
        "template syntax ({{ }}, {% %} or {# #}) is not allowed in data",
        "write the text without template delimiters",
    ),
    _check(
        r"[{}]",
        "curly braces are not allowed in data: Markdown reads { … } as attributes",
        "use parentheses, or write the value in words",
    ),
    _check(
        r"<\s*/?\s*[A-Za-z!?/]",
        "HTML is not allowed in data: '<' followed by a letter reads as a tag",
        "name a tag in words (the think tags), use Markdown emphasis and links instead of "
        "tags, and write 'less than' as '< ' with a space",
    ),
    _check(
        r"\b(javascript|vbscript|data|file)\s*:",
        "a javascript:, vbscript:, data: or file: address is not allowed in data",
        "links in data must start with https:// or http://",
        re.IGNORECASE,
    ),
)
# Prose keeps inline links, so link-like syntax that is not an inline http(s) link is refused
# there; in one-line fields brackets are always rendered as text.
_PROSE_ONLY = (
    _check(
        r"!\[",
        "images are not allowed in data: a page must load nothing from elsewhere",
        "link to the image instead: [title](https://…)",
    ),
    _check(
        r"\]\s*\[",
        "reference-style links are not allowed in data",
        "write the link inline: [text](https://…)",
    ),
)
# Constructs that a Markdown extension reads at the start of a line of prose.
_LINE_START = _check(
    r"^\s*(\*?\[[^\]\n]*\]:|!!!|\?\?\?|===|///|```|~~~|:::|--8<--|\[TOC\])",
    "Markdown definitions and block syntax are not allowed in data "
    "(abbreviations, link references, footnotes, admonitions, tabs, blocks, fences, snippets)",
    "write plain sentences; emphasis and inline [links](https://…) are the only markup",
    re.MULTILINE,
)
_MARKDOWN_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)")
_LINE_BREAK = re.compile(r"[\n\r\x0b\x0c\x85\u2028\u2029]")
# Format characters that reorder or hide text: look-alike names and misleading notes.
_HIDDEN = {"Cf", "Co", "Cs"}


def text_issues(path: JsonPath, text: str) -> Iterator[TextIssue]:
    """Every reason `text`, found at `path` in a data file, may not be published as it is."""
    key = next((part for part in reversed(path) if isinstance(part, str)), "")
    if key in ADDRESS_KEYS:
        if PLACEHOLDER_ADDRESS in text:
            yield TextIssue(
                f"the address still holds the placeholder {PLACEHOLDER_ADDRESS}",
                "give the real page: https://huggingface.co/<owner>/<name> and its config.json",
            )
        return
    for pattern, issue in _EVERYWHERE:
        if pattern.search(text):
            yield issue
    for match in _MARKDOWN_LINK.finditer(text):
        target = match.group(1)
        if not re.match(r"https?://", target):
            yield TextIssue(
                f"link target '{target[:40]}' is not an http(s) address",
                "links in data must start with https:// or http://",
            )
    if key in PROSE_KEYS:
        for pattern, issue in (*_PROSE_ONLY, _LINE_START):
            if pattern.search(text):
                yield issue
    elif _LINE_BREAK.search(text.rstrip("\n")):
        yield TextIssue(
            f"'{key}' is a one-line field but the text spans lines",
            "write it on one line; in YAML, '>-' folds lines into one",
        )
    if UNFINISHED in text:
        yield TextIssue(
            f"'{key}' still holds the {UNFINISHED} marker of a new entry",
            "replace it with the figure or text from the source, as the comment beside it says",
            _UNFINISHED,
        )
    yield from _character_issues(text)


def _character_issues(text: str) -> Iterator[TextIssue]:
    for character in text:
        category = unicodedata.category(character)
        if category == "Cc" and character not in "\n\r\t":
            yield TextIssue(
                f"control character U+{ord(character):04X} in text",
                "delete it; it is invisible and breaks the page around it",
            )
            return
        if category in _HIDDEN:
            yield TextIssue(
                f"invisible formatting character U+{ord(character):04X} "
                f"({unicodedata.name(character, 'unnamed')}) in text",
                "delete it: it hides or reorders text, which makes look-alike names",
            )
            return


def strings(value: Any, path: JsonPath = ()) -> Iterator[tuple[JsonPath, str]]:
    """Every string in a parsed document, with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, (*path, index))
