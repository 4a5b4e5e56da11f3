"""The project site, built once per test session and served on localhost for the browser tests."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.packaging.wheel import build_wheel, unpack
from tests.site.building import build_site, copy_project_site


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = copy_project_site(tmp_path_factory.mktemp("project"))
    result = build_site(target)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "WARNING" not in result.stderr
    return target


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def served(site: Path) -> Iterator[str]:
    """The built site on a free loopback port."""
    handler = functools.partial(QuietHandler, directory=str(site / "site"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This project's wheel, unpacked where PYTHONPATH puts it ahead of the checkout."""
    wheel = build_wheel(tmp_path_factory.mktemp("wheel"))
    return unpack(wheel, tmp_path_factory.mktemp("installed"))


@pytest.fixture
def from_wheel(installed_wheel: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every site generator and CLI run by the test imports paramatlas from the wheel."""
    monkeypatch.setenv("PYTHONPATH", str(installed_wheel))
    return installed_wheel
