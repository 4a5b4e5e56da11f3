"""The Jinja environment for generated pages: package templates a site can override.

Autoescaping is on: every string from the data reaches a page with `<`, `>` and `&` escaped, so a
data file cannot inject HTML. Markdown-level helpers keep table cells on one line and pipes inert.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from . import numbers


def _prose(value: str) -> Markup:
    """Data prose as Markdown: escaped HTML, Markdown emphasis and http(s) links kept."""
    return Markup(str(escape(value)).strip())


def _cell(value: Any) -> Markup:
    """A Markdown table cell: escaped, on one line, with pipes made inert."""
    text = str(escape(value)).replace("|", "&#124;")
    return Markup(" ".join(text.split()))


def _frontmatter(value: str) -> Markup:
    """A front-matter value as a YAML double-quoted string (JSON is valid YAML).

    The filtered block is already autoescaped text; unescape it first so the title reads as
    written, then let the theme escape it where it shows it.
    """
    return Markup(json.dumps(Markup(value).unescape(), ensure_ascii=False))


def _number(value: float) -> str:
    return f"{value:g}"


def environment(override_dir: Path | None = None) -> Environment:
    loaders: list[Any] = []
    if override_dir is not None and override_dir.is_dir():
        loaders.append(FileSystemLoader(str(override_dir)))
    loaders.append(PackageLoader("paramatlas", "render/templates"))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
    )
    env.filters.update(
        prose=_prose,
        cell=_cell,
        number=_number,
        frontmatter=_frontmatter,
        context=numbers.context,
        params=numbers.params,
        gib=numbers.gib,
    )
    return env
