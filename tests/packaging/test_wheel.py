"""The built wheel works with no checkout: it carries the schemas and a snapshot of the dataset."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.packaging.wheel import ROOT, build_wheel, unpack


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def test_wheel_contains_schemas_data_and_entry_points(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        entry_text = archive.read(entry_points).decode()
    assert "paramatlas/py.typed" in names
    for schema in ("common", "model", "hardware", "quantizations", "glossary", "families"):
        assert f"paramatlas/schemas/{schema}.schema.json" in names
    assert "paramatlas/_data/models/gemma-4/gemma-4-e2b.yaml" in names
    assert "paramatlas/_data/quantizations.yaml" in names
    shipped_models = [n for n in names if n.startswith("paramatlas/_data/models/")]
    assert len(shipped_models) == len(list((ROOT / "data/models").glob("*/*.yaml")))
    assert "paramatlas = paramatlas.mkdocs_plugin:ParamatlasPlugin" in entry_text
    assert "paramatlas = paramatlas.cli:main" in entry_text


def test_unpacked_wheel_validates_its_bundled_data(wheel: Path, tmp_path: Path) -> None:
    unpack(wheel, tmp_path)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    where = subprocess.run(
        [sys.executable, "-c", "import paramatlas; print(paramatlas.bundled_data_dir())"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    )
    assert where.stdout.strip() == str(tmp_path / "paramatlas" / "_data")
    result = subprocess.run(
        [sys.executable, "-m", "paramatlas", "validate"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout
