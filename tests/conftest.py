"""Shared fixtures: copies of datasets that a test may break without touching the originals."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DATA = ROOT / "data"


@pytest.fixture
def minimal_data(tmp_path: Path) -> Path:
    """A writable copy of the small, valid fixture dataset."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURES / "minimal", target)
    return target


@pytest.fixture
def full_data(tmp_path: Path) -> Path:
    """A writable copy of the real dataset."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def replace_once(path: Path, old: str, new: str) -> None:
    """Replace `old` by `new` in `path`, insisting that `old` occurs exactly once."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
