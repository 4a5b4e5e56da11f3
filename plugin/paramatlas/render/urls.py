"""Links between generated pages, for the tables written as HTML.

Markdown links (`[x](../hardware/a.md)`) are resolved by MkDocs; links inside raw HTML are not,
so the largest tables, which are HTML to keep builds fast, need the final relative URL. URLs
follow MkDocs' rules for `use_directory_urls` on and off.
"""

from __future__ import annotations

from mkdocs.utils import get_relative_url


def page_url(src_path: str, directory_urls: bool) -> str:
    """The URL of the page built from `src_path` (`models/a.md` → `models/a/`), site-relative."""
    stem = src_path.removesuffix(".md")
    if not directory_urls:
        return f"{stem}.html"
    if stem == "index":
        return "./"
    if stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/"


def relative_url(from_src: str, to_src: str, directory_urls: bool) -> str:
    """The href, on the page built from `from_src`, of the page built from `to_src`."""
    return get_relative_url(page_url(to_src, directory_urls), page_url(from_src, directory_urls))


def file_url(from_src: str, target: str, directory_urls: bool) -> str:
    """The href, on the page built from `from_src`, of the site file `target` (not a page)."""
    return get_relative_url(target, page_url(from_src, directory_urls))
