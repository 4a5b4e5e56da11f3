"""The Jinja environment for generated pages: package templates a site can override.

Autoescaping is on, and every `{{ }}` output passes through `inert.plain`: a data string reaches a
page as text under any Markdown extension (see `inert`). Filters: `prose`, `inline_prose`, `cell`
and `url` for the places where data is prose, a table cell or a link target.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined
from markupsafe import Markup

from . import numbers
from .abbreviations import Abbreviator
from .deferred import DeferredHtml
from .inert import cell, inline_prose, plain, prose, url

_YAML_BREAKS = re.compile("[\x7f-\x9f\u2028\u2029]")


def link(text: str, target: str) -> Markup:
    """A Markdown link whose text comes from data: the text is inert, the link is kept."""
    return Markup(f"[{plain(text)}]({plain(target)})")


def external_link(text: str, address: str) -> Markup:
    """A Markdown link to a source: inert text, an http(s) target with its `)` encoded."""
    return Markup(f"[{plain(text)}]({url(address)})")


def _finalize(value: Any) -> Any:
    """Every `{{ }}` output: plain strings from data are made inert; Markup passes through."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return plain(value)
    return value


_RIGHT = ' style="text-align: right;"'


def linked_table(
    columns: list[dict[str, Any]],
    rows: list[dict[str, Any]],
    abbreviator: Abbreviator | None = None,
) -> Markup:
    """An HTML table whose first cell links each row to `row["href"]`.

    `columns`: `{"title", "key", "right", "source"}` each; the first column shows `row["name"]`;
    a column with `source` links its cell to the http(s) address in `row[source]`. The
    guidance matrix and the device tables repeat for every model and device: as HTML they skip
    Markdown's per-cell parsing, the largest cost of building a large dataset. `abbreviator`
    gives the cells the tooltips Markdown's `abbr` extension gives the rest of the page.
    """
    mark = abbreviator.mark if abbreviator is not None else Markup
    head = "".join(
        f"<th{_RIGHT if column.get('right') else ''}>{plain(column['title'])}</th>"
        for column in columns
    )
    # data-label names each cell's column: on a phone the rows stack as cards (paramatlas.css).
    cells = [
        (
            column["key"],
            column.get("source"),
            (_RIGHT if column.get("right") else "") + f' data-label="{plain(column["title"])}"',
        )
        for column in columns[1:]
    ]

    def content(row: dict[str, Any], key: str, source: str | None) -> str:
        value = mark(_finalize(row[key]))
        return f'<a href="{plain(url(row[source]))}">{value}</a>' if source else value

    body = "\n".join(
        f'<tr><td><a href="{plain(row["href"])}">{mark(_finalize(row["name"]))}</a></td>'
        + "".join(
            f"<td{attributes}>{content(row, key, source)}</td>" for key, source, attributes in cells
        )
        + "</tr>"
        for row in rows
    )
    return Markup(
        f"<table data-pa-stack>\n<thead>\n<tr>{head}</tr>\n</thead>\n<tbody>\n{body}\n"
        "</tbody>\n</table>"
    )


def _frontmatter(value: str) -> Markup:
    """A front-matter value as a YAML double-quoted string (JSON is valid YAML).

    The value stays HTML-escaped: MkDocs themes print titles and descriptions without escaping.
    Control and line-separator characters (DEL, U+0085, U+2028) are written as escapes, which
    JSON leaves raw and YAML reads as line breaks that would end the front matter early.
    """
    quoted = json.dumps(str(value), ensure_ascii=False)
    return Markup(_YAML_BREAKS.sub(lambda match: f"\\u{ord(match[0]):04x}", quoted))


def _number(value: float) -> str:
    return f"{value:g}"


def environment(
    override_dir: Path | None = None,
    deferred: DeferredHtml | None = None,
    abbreviator: Abbreviator | None = None,
) -> Environment:
    """The template environment; with `deferred`, `linked_table` leaves a placeholder."""
    loaders: list[Any] = []
    if override_dir is not None and override_dir.is_dir():
        loaders.append(FileSystemLoader(str(override_dir)))
    loaders.append(PackageLoader("paramatlas", "render/templates"))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        finalize=_finalize,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
    )

    def table(columns: list[dict[str, Any]], rows: list[dict[str, Any]]) -> Markup:
        html = linked_table(columns, rows, abbreviator)
        return html if deferred is None else deferred.defer(html)

    env.globals["linked_table"] = table
    env.globals["breadcrumbs"] = breadcrumbs
    env.filters.update(
        prose=prose,
        inline_prose=inline_prose,
        cell=cell,
        url=url,
        number=_number,
        frontmatter=_frontmatter,
        context=numbers.context,
        params=numbers.params,
        gib=numbers.gib,
        figure_status=figure_status,
    )
    return env


def breadcrumbs(*trail: tuple[str, str]) -> Markup:
    """Where an entry page sits, for a reader who arrived from search: (title, page) pairs,
    the pages being this site's own (built from ids, never from data text).

    The links are Markdown inside the element (md_in_html), so MkDocs resolves them like any other.
    """
    links = Markup(" &rsaquo; ").join(
        Markup("[{}]({})").format(plain(title), target) for title, target in trail
    )
    return Markup(
        '<nav class="pa-breadcrumbs" aria-label="Breadcrumb" markdown="span">{}</nav>'
    ).format(links)


def figure_status(status: str) -> Markup:
    """How a device page marks a figure the vendor does not state (nothing when it does)."""
    if status == "official":
        return Markup("")
    return Markup(" ({}, see [notes](#notes))").format(status)
