"""The files a pull request and a release rely on parse, and say what they must."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


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
