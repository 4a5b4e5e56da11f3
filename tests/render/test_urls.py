"""Relative links between generated pages, as MkDocs would resolve them."""

from __future__ import annotations

import pytest

from paramatlas.render.urls import relative_url

CASES = [
    ("models/a.md", "hardware/b.md", True, "../../hardware/b/"),
    ("models/a.md", "hardware/b.md", False, "../hardware/b.html"),
    ("hardware/b.md", "models/a.md", True, "../../models/a/"),
    ("models/index.md", "models/a.md", True, "a/"),
    ("models/index.md", "models/a.md", False, "a.html"),
    ("index.md", "models/a.md", True, "models/a/"),
    ("models/a.md", "models/index.md", True, "../"),
    ("models/a.md", "methodology.md", False, "../methodology.html"),
    ("index.md", "hardware/index.md", False, "hardware/index.html"),
]


@pytest.mark.parametrize(("source", "target", "directory_urls", "expected"), CASES)
def test_relative_url_matches_hand_written_links(
    source: str, target: str, directory_urls: bool, expected: str
) -> None:
    assert relative_url(source, target, directory_urls) == expected
