"""Strings that slip past validation (a dataset built in code) still reach pages inert."""

from __future__ import annotations

from dataclasses import replace

from paramatlas import load_dataset
from paramatlas.data.records import Dataset
from paramatlas.render import snippets
from paramatlas.render.pages import Site
from tests.conftest import FIXTURES

HOSTILE = "<script>alert(1)</script> {{ config.site_name }} | [x](javascript:alert(1))"


def _hostile_dataset() -> Dataset:
    dataset = load_dataset(FIXTURES / "minimal")
    models = tuple(
        replace(model, name=f"Qwen {HOSTILE}", notes=HOSTILE, license=HOSTILE)
        if model.id == "qwen3-30b-a3b"
        else model
        for model in dataset.models
    )
    return replace(dataset, models=models)


def test_model_page_escapes_html_and_keeps_tables_intact() -> None:
    text = Site(_hostile_dataset()).pages()["models/qwen3-30b-a3b.md"]
    assert "<script>" not in text  # front matter too: themes print titles unescaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert 'title: "Qwen &lt;script&gt;' in text


def test_generated_pages_are_never_rendered_as_macros() -> None:
    for text in Site(_hostile_dataset()).pages().values():
        if text.startswith("---"):
            assert "render_macros: false" in text.split("---")[1]


def test_macro_table_cells_escape_pipes_and_html() -> None:
    site = Site(_hostile_dataset())
    table = snippets.model_table(site, lambda target: None, ["qwen3-30b-a3b"], ["model"])
    row = table.splitlines()[2]
    assert row.count("|") == 2  # the pipe in the name is inert
    assert "&lt;script&gt;" in row


def test_links_in_data_cannot_point_anywhere_but_http() -> None:
    text = Site(_hostile_dataset()).pages()["models/qwen3-30b-a3b.md"]
    assert "](javascript:" not in text
    assert "&#91;x&#93;(javascript:alert(1))" in text  # in the name: no link at all
    assert "[x](#)" in text  # in notes (prose): the link is kept, its target is not


def test_links_the_pages_make_themselves_are_not_escaped() -> None:
    for name, text in Site(load_dataset()).pages().items():
        assert "&#93;(" not in text, f"{name}: a link of ours was escaped into text"
