"""Every case of config_cases.yaml through `from-hf` and `estimate`: a clear message, exit 1 (bad
content) or 2 (unreadable file), never a traceback, never an entry or an estimate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from paramatlas.cli import main
from tests.corpus.cases import HERE

DOCUMENT = yaml.safe_load((HERE / "config_cases.yaml").read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = DOCUMENT["cases"]


def _write(case: dict[str, Any], path: Path) -> Path:
    text = case.get("text")
    if text == "DEEP":
        path.write_text("[" * 100_000 + "]" * 100_000)
    elif text == "NOT_UTF8":
        path.write_bytes(b'{"model_type": "\xff"}')
    elif text is not None:
        path.write_text(text)
    else:
        config = {**DOCUMENT["base"], **case["config"]}
        path.write_text(json.dumps({k: v for k, v in config.items() if v is not None}))
    return path


def test_there_are_cases_of_every_kind() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
@pytest.mark.parametrize(
    "command",
    [
        [
            "from-hf",
            "{path}",
            "--repo",
            "example/model",
            "--released",
            "2025-01-01",
            "--license",
            "MIT",
        ],
        ["estimate", "{path}", "--hardware", "rtx-4090"],
    ],
    ids=["from-hf", "estimate"],
)
def test_config_fails_with_a_clear_message(
    case: dict[str, Any],
    command: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = _write(case, tmp_path / "config.json")
    code = main([part.format(path=path) for part in command])
    output = capsys.readouterr()
    assert code in (1, 2)
    assert output.out == ""
    assert "Traceback" not in output.err
    assert case["expect"] in output.err
