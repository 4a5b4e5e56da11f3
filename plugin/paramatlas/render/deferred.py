"""HTML blocks kept out of a page's Markdown until the page is HTML.

MkDocs parses every raw HTML block of a page (to find anchors), and so does Python-Markdown's
`md_in_html`; for the tables that repeat on every model and device page, that parsing is the
largest cost of building a large dataset. The MkDocs plugin therefore puts a placeholder
comment in the Markdown and the block back into the page's HTML (`on_page_content`), before
search and the theme see it. Pages written to disk (`paramatlas render`) keep the HTML inline.
"""

from __future__ import annotations

import re

from markupsafe import Markup

_PLACEHOLDER = re.compile(r"<!-- paramatlas:block (\d+) -->")


class DeferredHtml:
    def __init__(self) -> None:
        self._blocks: list[str] = []

    def defer(self, html: str) -> Markup:
        """A placeholder for `html`, to stand in the page's Markdown."""
        self._blocks.append(html)
        return Markup(f"<!-- paramatlas:block {len(self._blocks) - 1} -->")

    def restore(self, html: str) -> str:
        """`html` with every placeholder replaced by its block; unknown numbers stay as they are."""

        def block(match: re.Match[str]) -> str:
            index = int(match[1])
            return self._blocks[index] if index < len(self._blocks) else match[0]

        return _PLACEHOLDER.sub(block, html)
