"""Strings that slip past validation (a dataset built in code) still reach pages inert."""

from __future__ import annotations

import re

import pytest

from paramatlas.render import snippets
from paramatlas.render.inert import cell, plain, prose, url
from paramatlas.render.pages import Site
from tests.hostile import BLOCK, ONE_LINE, hostile_dataset

# What a line of generated Markdown may not contain if data is to stay text.
ACTIVE = ("<", "{", "}", "](javascript", "![", "$", "\\(")


@pytest.mark.parametrize("text", ONE_LINE + BLOCK)
def test_plain_text_opens_no_construct(text: str) -> None:
    out = str(plain(text))
    for opener in ACTIVE:
        assert opener not in out
    assert "[" not in out and "]" not in out
    assert "\n" not in out and "\u2028" not in out and "\x85" not in out


@pytest.mark.parametrize("text", BLOCK)
def test_prose_never_starts_a_line_with_syntax(text: str) -> None:
    for line in str(prose(f"intro\n\n{text}\n\nend")).split("\n"):
        assert not line or line[0].isalnum() or line.startswith(("&", "[")), line
        for opener in ACTIVE:
            assert opener not in line


def test_prose_keeps_emphasis_and_http_links_with_parentheses() -> None:
    text = "See *the card* and [Wikipedia](https://en.wikipedia.org/wiki/Mixture_(statistics))."
    assert str(prose(text)) == (
        "See *the card* and [Wikipedia](https://en.wikipedia.org/wiki/Mixture_%28statistics%29)."
    )


def test_prose_keeps_no_other_link_or_image() -> None:
    out = str(prose("[x](javascript:alert(1)) ![p](https://remote.invalid/p.png)"))
    assert out == ("&#91;x&#93;(javascript:alert(1)) &#33;[p](https://remote.invalid/p.png)")


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("https://example.com/a_(b)?c=1&d=2", "https://example.com/a_%28b%29?c=1&d=2"),
        ("javascript:alert(1)", "#"),
        ("//remote.invalid/x", "#"),
        ('https://x.test/"><b>', "https://x.test/%22%3E%3Cb%3E"),
    ],
)
def test_url_keeps_only_http_addresses_whole(address: str, expected: str) -> None:
    assert str(url(address)) == expected


def test_table_cells_keep_pipes_inert() -> None:
    assert str(cell("a | b\nc")) == "a &#124; b c"


def test_every_generated_page_is_inert() -> None:
    for name, text in Site(hostile_dataset()).pages().items():
        text = re.sub(
            r'<script type="application/json" class="pa-calculator-model">[^<]*</script>', "", text
        )
        body = text.split("---", 2)[-1]
        assert "<script" not in text and "<svg/" not in text and "<img" not in text, name
        assert "{{" not in body and "{%" not in body, name
        assert "](javascript" not in text, name
        assert "*[MoE]: hijacked" not in text, name
        for line in body.splitlines():
            assert not line.startswith(("!!! danger", "??? ", "=== ", "///", "--8<", "[ref]:")), (
                name,
                line,
            )


def test_front_matter_escapes_line_breaking_characters() -> None:
    text = Site(hostile_dataset()).pages()["models/qwen3-30b-a3b.md"]
    front = text.split("---")[1]
    assert "\x85" not in front and "\u2028" not in front and "\x7f" not in front
    assert "render_macros: false" in front


def test_macro_table_cells_escape_pipes_and_html() -> None:
    site = Site(hostile_dataset())
    table = snippets.model_table(site, lambda target: None, ["qwen3-30b-a3b"], ["model"])
    row = table.splitlines()[2]
    assert row.count("|") == 2  # the pipe in the name is inert
    assert "&lt;svg/onload" in row


def test_links_the_pages_make_themselves_are_not_escaped() -> None:
    from paramatlas import load_dataset

    for name, text in Site(load_dataset()).pages().items():
        assert "&#93;(" not in text, f"{name}: a link of ours was escaped into text"


def test_a_pipe_in_data_never_splits_a_table_cell() -> None:
    for name, text in Site(hostile_dataset()).pages().items():
        for line in text.splitlines():
            if line.startswith("| ") and "Model " in line:
                assert "| pipe |" not in line, (name, line)
