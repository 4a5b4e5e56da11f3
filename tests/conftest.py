"""Shared fixtures: copies of datasets that a test may break without touching the originals."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from paramatlas import load_dataset
from paramatlas.data.records import Dataset

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


# Devices whose published results make a dataset that cross-validates in a second or two.
FIVE_DEVICES = {"rtx-4090", "rtx-3090", "m2-ultra-192gb", "m1-max-64gb", "radeon-rx-7900-xtx"}


@pytest.fixture(scope="session")
def five_device_dataset() -> Dataset:
    """The bundled data with the published results of five devices only."""
    dataset = load_dataset()
    chosen = tuple(m for m in dataset.measurements if m.hardware in FIVE_DEVICES)
    return replace(dataset, measurements=chosen)
