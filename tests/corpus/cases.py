"""Applying the corpus cases (data_cases.yaml, config_cases.yaml) to copies of the fixtures."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import FIXTURES, replace_once

HERE = Path(__file__).parent
SHORT_NAMES = {
    "Q": "models/qwen3/qwen3-30b-a3b.yaml",
    "G": "hardware/nvidia/rtx-4090.yaml",
}


@dataclass(frozen=True)
class DataCase:
    id: str
    file: str
    change: dict[str, Any]
    expect: str

    def apply(self, root: Path) -> None:
        """Make the change in `root`, a copy of the minimal fixture."""
        path = root / self.file
        change = self.change
        if "replace" in change:
            old, new = change["replace"]
            replace_once(path, old, new)
            if "rename" in change:
                path.rename(root / change["rename"])
        elif "append" in change:
            path.write_text(path.read_text(encoding="utf-8") + change["append"], encoding="utf-8")
        elif "append_repeat" in change:
            text, times = change["append_repeat"]
            path.write_text(path.read_text(encoding="utf-8") + text * times + "\n")
        elif "write" in change:
            path.write_text(change["write"], encoding="utf-8")
        elif "write_bytes" in change:
            path.write_bytes(bytes.fromhex(change["write_bytes"]))
        elif "copy" in change:
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(root / SHORT_NAMES.get(change["copy"], change["copy"]), path)
        elif change.get("make") == "folder":
            if path.exists():
                path.unlink()
            path.mkdir(parents=True)
        elif change.get("make") == "link":
            path.symlink_to(change["target"])
        elif change.get("make") == "fifo":
            os.mkfifo(path)
        else:
            raise ValueError(f"{self.id}: no change to make")


def data_cases() -> list[DataCase]:
    document = yaml.safe_load((HERE / "data_cases.yaml").read_text(encoding="utf-8"))
    cases = []
    for item in document["cases"]:
        item = dict(item)
        case_id = item.pop("id")
        file = item.pop("file")
        file = SHORT_NAMES.get(file, file)
        cases.append(DataCase(case_id, file, item, item.pop("expect", "")))
    return cases


def fixture_copy(target: Path) -> Path:
    shutil.copytree(FIXTURES / "minimal", target)
    return target
