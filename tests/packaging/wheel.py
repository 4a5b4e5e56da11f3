"""Building this project's wheel, as `pip install paramatlas` would install it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def build_wheel(out: Path) -> Path:
    """The wheel built from this checkout into `out`, without its dependencies."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(out),
        ],
        check=True,
        timeout=300,
    )
    (built,) = out.glob("paramatlas-*.whl")
    return built


def unpack(wheel: Path, target: Path) -> Path:
    """The wheel's files in `target`, which on PYTHONPATH shadows the checkout's package."""
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target
