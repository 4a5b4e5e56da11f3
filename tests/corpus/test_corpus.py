"""Every case of data_cases.yaml through the three doors a dataset enters by: the validator, a
strict MkDocs build with the plugin, and the macros pluglet on its own. Each must name the same
problem at the same place, with no traceback and, for the build, nothing written."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from paramatlas import macros
from paramatlas.cli import main
from tests.corpus.cases import DataCase, data_cases, fixture_copy

CASES = data_cases()


def _expected(case: DataCase, root: Path) -> str:
    return f"{root}/{case.expect}"


def test_the_corpus_covers_every_kind_of_input() -> None:
    assert len(CASES) >= 80
    assert len({case.id for case in CASES}) == len(CASES)
    assert all(case.expect for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_validate_names_the_problem_at_its_place(
    case: DataCase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = fixture_copy(tmp_path / "data")
    case.apply(root)
    code = main(["validate", str(root)])
    output = capsys.readouterr()
    assert "Traceback" not in output.err
    if case.expect == "valid":
        assert code == 0, output.err
        return
    assert code == 1
    assert _expected(case, root) in output.err, output.err


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_strict_build_stops_before_writing_anything(
    case: DataCase, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = fixture_copy(tmp_path / "data")
    case.apply(root)
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(
        f"site_name: corpus\nplugins:\n  - paramatlas:\n      data_dir: {root}\n"
    )
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text("# Corpus\n")
    site = tmp_path / "site"
    config = load_config(str(config_file), site_dir=str(site), strict=True)
    if case.expect == "valid":
        build(config)
        assert (site / "index.html").is_file()
        return
    with pytest.raises(Abort):
        build(config)
    assert _expected(case, root) in caplog.text  # MkDocs logs the plugin's error, then aborts
    assert "Traceback" not in caplog.text
    assert not site.exists()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_macros_pluglet_alone_reports_it_too(case: DataCase, tmp_path: Path) -> None:
    root = fixture_copy(tmp_path / "data")
    case.apply(root)
    env = SimpleNamespace(
        conf={"extra": {"paramatlas": {"data_dir": str(root)}}},
        variables={},
        macro=lambda function, name: None,
    )
    if case.expect == "valid":
        macros.define_env(env)
        assert "paramatlas" in env.variables
        return
    with pytest.raises(PluginError) as raised:
        macros.define_env(env)
    assert _expected(case, root) in str(raised.value)
