"""Placeholders for HTML blocks, restored once the page is HTML."""

from __future__ import annotations

from paramatlas.render.deferred import DeferredHtml


def test_placeholders_come_back_as_their_blocks() -> None:
    deferred = DeferredHtml()
    first = deferred.defer("<table>one</table>")
    second = deferred.defer("<table>two</table>")
    html = f"<h2>A</h2>\n{second}\n<p>x</p>\n{first}\n"
    assert (
        deferred.restore(html) == "<h2>A</h2>\n<table>two</table>\n<p>x</p>\n<table>one</table>\n"
    )


def test_a_placeholder_for_no_block_is_left_alone() -> None:
    text = "<!-- paramatlas:block 7 -->"
    assert DeferredHtml().restore(text) == text
