"""paramatlas where other people's sites are going: ProperDocs (MkDocs 1.x continued) runs the
plugin; Zensical runs no MkDocs plugin but does run the macros pluglet, with the pages from
`paramatlas render`. Each site is built in a temporary folder and its HTML checked, including
for Markdown left raw (abbreviation definitions, admonitions) that a bare site would show."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.site.building import page, raw_markdown, run_tool

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.usefixtures("from_wheel")


def test_properdocs_builds_the_whole_site_with_the_plugin(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text("# Elsewhere\n")
    # The plain theme and no markdown_extensions: the plugin adds what its pages need.
    (tmp_path / "properdocs.yml").write_text(
        "site_name: Elsewhere\ntheme:\n  name: mkdocs\nplugins:\n  - paramatlas\n"
    )
    result = run_tool([str(BIN / "properdocs"), "build", "--strict"], tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    site = tmp_path / "site"
    html = page(tmp_path, "models/qwen3-30b-a3b")
    assert html.find(class_="pa-calculator") is not None
    assert html.find("abbr", string="MoE") is not None
    assert (site / "api/calculator.json").is_file()
    assert raw_markdown(site) == []


def test_zensical_builds_rendered_pages_and_runs_the_macros(tmp_path: Path) -> None:
    zensical = BIN / "zensical"
    if not zensical.exists():
        pytest.skip("zensical is not installed in this environment")
    rendered = run_tool(
        [sys.executable, "-m", "paramatlas", "render", "--out", str(tmp_path / "docs")], tmp_path
    )
    assert rendered.returncode == 0, rendered.stderr
    (tmp_path / "docs/index.md").write_text(
        "# Home\n\n"
        '{{ model_table(["qwen3-30b-a3b", "gemma-4-e2b"], columns=["model", "total"]) }}\n'
    )
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Zen\nplugins:\n  - macros:\n      modules: [paramatlas]\n"
        "markdown_extensions:\n  - abbr\n  - admonition\n  - tables\n  - md_in_html\n"
    )
    shutil.rmtree(tmp_path / ".cache", ignore_errors=True)
    result = run_tool([str(zensical), "build"], tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    site = tmp_path / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Macro Rendering Error" not in home
    assert "30.5B" in home and "5.1B" in home
    model = page(tmp_path, "models/qwen3-30b-a3b")
    assert model.find("abbr", string="MoE") is not None
    assert model.find(class_="pa-calculator") is not None
    assert raw_markdown(site) == []
