"""`paramatlas render`: the generated pages as files, for site generators without the plugin."""

from __future__ import annotations

from pathlib import Path

import pytest

from paramatlas import load_dataset
from tests.cli.runner import ROOT, run_cli

DATA = ROOT / "data"


@pytest.mark.parametrize(
    ("flags", "href"),
    [([], "../../hardware/rtx-4090/"), (["--no-directory-urls"], "../hardware/rtx-4090.html")],
)
def test_render_writes_every_page_with_links_for_the_url_style(
    tmp_path: Path, flags: list[str], href: str
) -> None:
    result = run_cli("render", "--data", DATA, "--out", tmp_path, *flags)
    assert result.returncode == 0, result.stderr
    dataset = load_dataset(DATA)
    for model in dataset.models:
        assert (tmp_path / "models" / f"{model.id}.md").is_file()
        assert (tmp_path / "api/models" / f"{model.id}.json").is_file()
    for device in dataset.hardware:
        assert (tmp_path / "hardware" / f"{device.id}.md").is_file()
    page = (tmp_path / "models/qwen3-30b-a3b.md").read_text()
    assert f'<a href="{href}">' in page  # the guidance table is HTML, linked for this URL style
    assert "paramatlas:block" not in page  # written out, not deferred
    assert "*[MoE]: Mixture of experts" in page  # tooltips for the Markdown around it
    # the stylesheet and scripts the HTML in the pages uses, and the calculator's numbers
    for asset in ("paramatlas.css", "paramatlas.js", "paramatlas-calculator.js"):
        assert (tmp_path / "assets/paramatlas" / asset).is_file()
    assert (tmp_path / "api/calculator.json").is_file()
    assert 'class="pa-calculator"' in page
