"""Finding and launching a headless Chromium for the browser tests.

Chromium is taken from `PARAMATLAS_CHROMIUM`, else from the PATH (`chromium`,
`chromium-browser`, `google-chrome`). Without one the browser tests are skipped with the reason,
except under CI (`CI` set), where a missing browser is a failure: `.ci/run` installs Debian's.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def chromium_path() -> str | None:
    explicit = os.environ.get("PARAMATLAS_CHROMIUM")
    if explicit:
        return explicit
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def launch_browser() -> Iterator[Browser]:
    """A module fixture's body: one headless Chromium, closed afterwards."""
    path = chromium_path()
    if path is None:
        reason = "no Chromium: install Debian's chromium or set PARAMATLAS_CHROMIUM"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=ARGS)
        yield launched
        launched.close()
