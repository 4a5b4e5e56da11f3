"""Building real sites in temporary folders, the way `mkdocs build` does."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]


def run_tool(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a site generator (or the CLI) in `cwd` as a subprocess, capturing its output."""
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


@cache
def _shared_cache() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="paramatlas-test-cache-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def build_site(site_dir: Path, strict: bool = True) -> subprocess.CompletedProcess[str]:
    """Run `mkdocs build` in `site_dir` as a subprocess; output goes to site_dir/site.

    The site's default cache folder leads to one shared by the whole test session, so the
    Methodology page's cross-validation of a dataset is computed once, not once per site (it
    is kept under a fingerprint of the data and code, so every site still gets its own)."""
    cache = site_dir / ".cache/plugin/paramatlas"
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.symlink_to(_shared_cache(), target_is_directory=True)
    command = [sys.executable, "-m", "mkdocs", "build", "-d", str(site_dir / "site")]
    if strict:
        command.append("--strict")
    return run_tool(command, site_dir)


def copy_project_site(target: Path, data: Path | None = None) -> Path:
    """This repository's site (mkdocs.yml and docs/) in `target`, with its data or `data`."""
    shutil.copytree(ROOT / "docs", target / "docs")
    shutil.copytree(ROOT / "overrides", target / "overrides")
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(data or ROOT / "data", target / "data")
    return target


def write_site(target: Path, config: dict, pages: dict[str, str]) -> Path:  # type: ignore[type-arg]
    (target / "docs").mkdir(parents=True, exist_ok=True)
    (target / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    for name, text in pages.items():
        path = target / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return target


def page(site_dir: Path, url: str) -> BeautifulSoup:
    path = site_dir / "site" / url
    if not url.endswith(".html"):
        path = path / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def table_rows(table: object) -> list[list[str]]:
    return [
        [" ".join(cell.get_text().split()) for cell in row.find_all(["td", "th"])]
        for row in table.find_all("tr")  # type: ignore[attr-defined]
    ]


def broken_links(built: Path, pages: list[Path]) -> list[str]:
    """Relative `<a href>` links on `pages` (HTML files under `built`) that lead to no file."""
    broken = []
    for html_file in pages:
        soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
        for anchor in soup.find_all("a", href=True):
            href = urlsplit(anchor["href"])
            if href.scheme or href.netloc or not href.path:
                continue  # external, or a fragment on the same page
            target = (html_file.parent / unquote(href.path)).resolve()
            if href.path.endswith("/"):
                target = target / "index.html"
            if not target.is_relative_to(built.resolve()) or not target.exists():
                broken.append(f"{html_file.relative_to(built)}: {anchor['href']}")
    return broken


RAW_MARKDOWN = re.compile(r"^\s*(\*\[[A-Za-z]|!!! )", re.MULTILINE)


def raw_markdown(built: Path) -> list[str]:
    """Pages that show Markdown a bare site left unconverted (abbreviations, admonitions)."""
    found = []
    for html_file in built.rglob("*.html"):
        text = re.sub(r"<[^>]+>", "", html_file.read_text(encoding="utf-8"))
        if RAW_MARKDOWN.search(text):
            found.append(str(html_file.relative_to(built)))
    return found
