"""Generated Markdown for the fixture dataset, compared with files kept next to this test.

A change to a template or a formula shows up here as a readable diff. After checking the diff,
regenerate with `UPDATE_GOLDEN=1 python -m pytest tests/render`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from paramatlas import load_dataset
from paramatlas.render.pages import Site
from tests.conftest import FIXTURES

GOLDEN = Path(__file__).parent / "golden"
PAGES = [
    "models/qwen3-30b-a3b.md",
    "glossary/active-parameters.md",
    "hardware/rtx-4090.md",
    "families/gemma-4.md",
]


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return Site(load_dataset(FIXTURES / "minimal")).pages()


@pytest.mark.parametrize("name", PAGES)
def test_generated_page_matches_golden_file(pages: dict[str, str], name: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(pages[name], encoding="utf-8")
    assert pages[name] == golden.read_text(encoding="utf-8")
