"""Hostile data under every Markdown extension a reusing site may enable, checked in the HTML and
in headless Chromium: no injected handler runs, no attribute or element is injected, no request
leaves the site, and no file is included."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser

from paramatlas.render.pages import Site
from tests.browser import launch_browser
from tests.hostile import MARKERS, hostile_dataset
from tests.site.building import build_site, write_site
from tests.site.conftest import QuietHandler

EXTENSIONS = [
    "abbr",
    "admonition",
    "attr_list",
    "def_list",
    "footnotes",
    "md_in_html",
    "tables",
    {"toc": {"permalink": True}},
    {"pymdownx.arithmatex": {"generic": True}},
    "pymdownx.betterem",
    "pymdownx.caret",
    "pymdownx.critic",
    "pymdownx.details",
    "pymdownx.emoji",
    "pymdownx.inlinehilite",
    "pymdownx.keys",
    "pymdownx.magiclink",
    "pymdownx.mark",
    "pymdownx.smartsymbols",
    {"pymdownx.snippets": {"base_path": ["."], "check_paths": False}},
    "pymdownx.superfences",
    {"pymdownx.tabbed": {"alternate_style": True}},
    "pymdownx.tasklist",
    "pymdownx.tilde",
    "pymdownx.blocks.admonition",
    "pymdownx.blocks.details",
    "pymdownx.blocks.html",
]
PAGES = ("models/qwen3-30b-a3b/", "hardware/rtx-4090/", "families/qwen3/", "glossary/")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("hostile")
    (target / "secret.txt").write_text("SNIPPET-SECRET\n")
    pages = dict(Site(hostile_dataset()).pages())
    pages["index.md"] = "# Hostile data\n"
    config = {
        "site_name": "hostile",
        "theme": {"name": "material", "font": False},
        "markdown_extensions": EXTENSIONS,
    }
    write_site(target, config, pages)
    result = build_site(target, strict=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return target


def _html(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / "site" / url / "index.html").read_text("utf-8"), "html.parser")


@pytest.mark.parametrize("url", PAGES)
def test_no_element_or_attribute_is_injected(hostile_site: Path, url: str) -> None:
    soup = _html(hostile_site, url)
    article = soup.find("article")
    assert article is not None
    for element in article.find_all(True):
        handlers = [name for name in element.attrs if name.lower().startswith("on")]
        assert not handlers, f"{element.name} carries {handlers}"
        assert "autofocus" not in element.attrs
        ours = (element.name == "svg" and "pa-chart" in element.get("class", [])) or (
            element.name == "script"
            and element.get("type") == "application/json"
            and json.loads(element.string)  # data, never run: still one JSON document
        )
        assert element.name not in ("script", "svg", "img", "iframe", "object") or ours, str(
            element
        )[:200]
        href = str(element.get("href", ""))
        assert not href.lower().startswith(("javascript:", "//")), href
    text = article.get_text(" ")
    assert "SNIPPET-SECRET" not in text  # pymdownx.snippets included no file
    for marker in ("pwned", "hijacked"):
        # The words appear as text, never as an element the construct would make.
        for element in article.find_all(["h1", "h2", "h3", "details", "abbr", "dt", "dd", "pre"]):
            assert marker not in element.get_text() or element.name == "h1", str(element)[:200]
    for admonition in article.select(".admonition, details, .tabbed-set"):
        assert not any(marker in admonition.get_text() for marker in MARKERS), str(admonition)


def test_links_keep_their_whole_address(hostile_site: Path) -> None:
    soup = _html(hostile_site, "models/qwen3-30b-a3b/")
    addresses = {a["href"] for a in soup.select("article a[href]")}
    assert "https://example.com/a_%28b%29?c=1&d=%3C2%3E" in addresses  # the sources
    assert "https://example.com/a_(b" not in addresses  # not cut short at the `)`


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launch_browser()


@pytest.fixture(scope="module")
def served(hostile_site: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(hostile_site / "site"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("url", PAGES)
def test_nothing_runs_in_the_browser(browser: Browser, served: str, url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    foreign: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "request",
        lambda request: None if request.url.startswith(served) else foreign.append(request.url),
    )
    page.goto(f"{served}/{url}")
    page.wait_for_load_state("networkidle")
    for _ in range(5):  # focus handlers (`autofocus`, `onfocus`) would fire here
        page.keyboard.press("Tab")
    handlers = page.evaluate(
        """() => [...document.querySelectorAll('article *')]
                .flatMap(el => [...el.attributes].map(a => a.name))
                .filter(name => name.startsWith('on'))"""
    )
    context.close()
    assert dialogs == []
    assert handlers == []
    assert [address for address in foreign if not address.startswith("data:")] == []
