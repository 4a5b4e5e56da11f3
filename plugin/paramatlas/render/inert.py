"""Data text made inert where it meets Markdown.

A data string may reach a page built with any Markdown extension a site enables: `attr_list`
turns `{ onclick=… }` into an attribute, `abbr` and reference links read `*[X]:` and `[x]: url`
definitions, `pymdownx.blocks` and admonitions read `///` and `!!!` at a line start, an image
`![](http://…)` loads a remote resource, and `arithmatex` hands `$…$` and `\\(…\\)` to a maths
renderer. The validator refuses such syntax; these functions are the second layer, so that a
dataset built in code, or a rule that misses a case, still renders as text.

The rule is simple enough to audit: HTML is escaped, and every character that can open one of
those constructs is written as a numeric character reference, which Markdown passes through as
text and the browser shows as the character.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from markupsafe import Markup, escape

# Characters that open Markdown or extension syntax mid-line, and `|`, which ends a table cell;
# `<`, `>`, `&` and quotes are handled by HTML escaping first.
_INLINE_SPECIAL = "[]{}$\\!|"
_INLINE_ENTITIES = {ord(character): f"&#{ord(character)};" for character in _INLINE_SPECIAL}
_NEEDS_WORK = re.compile(r"[<>&'\"\[\]{}$\\!|\x00-\x1f\x7f-\x9f\u2028\u2029]")
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# An http(s) link in prose: `[text](https://…)`, with one level of balanced parentheses in the
# address (Wikipedia-style URLs); anything else that looks like a link stays text.
_PROSE_LINK = re.compile(
    r"\[(?P<text>[^\[\]\n]{1,300})\]\((?P<url>https?://(?:[^\s()<>]|\([^\s()<>]*\))+)\)"
)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def plain(value: object) -> Markup:
    """Data text for one line of Markdown: escaped, with every syntax opener made inert.

    Line breaks become spaces: a one-line field can never start a block of its own.
    """
    text = str(value)
    if not _NEEDS_WORK.search(text):
        return Markup(text)  # the common case, and a hot path: nothing to escape
    text = _CONTROL.sub("", _LINE_BREAKS.sub(" ", text))
    return Markup(str(escape(text)).translate(_INLINE_ENTITIES))


def cell(value: object) -> Markup:
    """A Markdown table cell: inert, on one line, with pipes made inert."""
    text = str(plain(value)).replace("|", "&#124;")
    return Markup(" ".join(text.split()))


def url(value: object) -> Markup:
    """An address for a Markdown link target or an HTML attribute.

    Only http(s) addresses are links; anything else becomes `#`. Characters that could end the
    target early (`)`, spaces, quotes, `<`, `>`) are percent-encoded, which keeps the address.
    """
    address = str(value).strip()
    if not re.match(r"https?://", address, re.IGNORECASE):
        return Markup("#")
    return Markup(quote(address, safe="/:?#@!$&+,;=%~*-._"))


def prose(value: object) -> Markup:
    """Data prose as Markdown: paragraphs of inert text with `*emphasis*`, `` `code` `` and
    http(s) links kept. Each paragraph is one line, so no data line can start a block."""
    paragraphs = [
        " ".join(part.split()) for part in _PARAGRAPH_BREAK.split(str(value).replace("\r", "\n"))
    ]
    return Markup("\n\n".join(_prose_line(p) for p in paragraphs if p))


def inline_prose(value: object) -> Markup:
    """Prose inside a list item or an admonition: one line, paragraphs run together."""
    return Markup(" ".join(str(prose(value)).split("\n\n")))


def _prose_line(paragraph: str) -> str:
    pieces: list[str] = []
    position = 0
    for match in _PROSE_LINK.finditer(paragraph):
        pieces.append(plain(paragraph[position : match.start()]))
        pieces.append(f"[{plain(match['text'])}]({url(match['url'])})")
        position = match.end()
    pieces.append(plain(paragraph[position:]))
    line = "".join(pieces)
    # A paragraph that begins with punctuation could open a block (`#`, `-`, `>`, `:`, `|`,
    # `=`, `+`, `~`, `` ` ``, `*`, `?`, `/`): the first character is written as a reference.
    if line and not line[0].isalnum() and not line.startswith(("&", "[")):
        line = f"&#{ord(line[0])};{line[1:]}"
    return line
