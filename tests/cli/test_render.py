"""`paramatlas render`: the generated pages as files, for site generators without the plugin."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paramatlas import load_dataset
from tests.cli.runner import ROOT, run_cli

DATA = ROOT / "data"


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cross-validation cache for the renders that do not test it: each would otherwise
    refit the speed model once per device and per source, about a minute."""
    return tmp_path_factory.mktemp("cross-validation")


@pytest.mark.parametrize(
    ("flags", "href"),
    [([], "../../hardware/rtx-4090/"), (["--no-directory-urls"], "../hardware/rtx-4090.html")],
)
def test_render_writes_every_page_with_links_for_the_url_style(
    tmp_path: Path, shared_cache: Path, flags: list[str], href: str
) -> None:
    result = run_cli(
        "render", "--data", DATA, "--out", tmp_path, "--cache-dir", shared_cache, *flags
    )
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


def test_device_figures_that_are_not_official_are_marked(
    tmp_path: Path, shared_cache: Path
) -> None:
    out = tmp_path / "site"
    result = run_cli("render", "--out", out, "--cache-dir", shared_cache)
    assert result.returncode == 0, result.stderr
    page = (out / "hardware" / "ryzen-9-9950x-ddr5-5600.md").read_text(encoding="utf-8")
    # a CPU's bandwidth is computed from its memory channels, not stated by AMD
    assert "| Memory bandwidth | 89.6 GB/s (derived, see [notes](#notes)) |" in page
    # a benchmark host whose RAM its source does not state: the size is the entry's assumption
    host = (out / "hardware" / "xeon-8480-es-ddr5-4800.md").read_text(encoding="utf-8")
    assert "| Memory | 256 GiB DDR5-4800 (estimated, see [notes](#notes)) |" in host
    assert "| Memory | 64 GiB DDR5-5600 |" in page
    index = (out / "hardware" / "index.md").read_text(encoding="utf-8")
    assert "| 89.6 GB/s (derived) |" in index
    assert "| 256 GiB (estimated) |" in index
    assert "| 1008 GB/s |" in index  # the RTX 4090's is NVIDIA's own figure


def test_render_keeps_the_cross_validation_in_a_cache_dir(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = run_cli("render", "--data", DATA, "--out", tmp_path / "a", "--cache-dir", cache)
    assert first.returncode == 0, first.stderr
    kept = sorted(path.name for path in cache.iterdir())
    assert [name.split("-")[2] for name in kept] == ["device", "source"]
    # A run that reads the kept copy writes the same Methodology page as one that computed it.
    second = run_cli("render", "--data", DATA, "--out", tmp_path / "b", "--cache-dir", cache)
    assert second.returncode == 0, second.stderr
    assert sorted(path.name for path in cache.iterdir()) == kept
    page = "methodology.md"
    assert (tmp_path / "a" / page).read_text() == (tmp_path / "b" / page).read_text()
    # And it is read, not recomputed: doubled estimates in the kept copy change the page.
    device_file = cache / kept[0]
    rows = json.loads(device_file.read_text())
    device_file.write_text(json.dumps([[row[0], row[1] and 2 * row[1], *row[2:]] for row in rows]))
    third = run_cli("render", "--data", DATA, "--out", tmp_path / "c", "--cache-dir", cache)
    assert third.returncode == 0, third.stderr
    assert (tmp_path / "c" / page).read_text() != (tmp_path / "a" / page).read_text()
