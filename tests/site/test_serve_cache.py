"""What `mkdocs serve` relies on: the data is watched, and rebuilds reuse what has not changed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.structure.files import Files

from tests.conftest import FIXTURES
from tests.site.building import write_site


class _Server:
    def __init__(self) -> None:
        self.watched: list[str] = []

    def watch(self, path: str) -> None:
        self.watched.append(path)


def test_rebuilds_reuse_the_dataset_until_a_data_file_changes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "minimal", data)
    write_site(
        tmp_path,
        {"site_name": "S", "plugins": [{"paramatlas": {"data_dir": "data"}}]},
        {"index.md": "# S\n"},
    )
    config = load_config(str(tmp_path / "mkdocs.yml"))
    plugin = config.plugins["paramatlas"]

    # run the events through the plugin collection, as a build does
    config = config.plugins.on_config(config)
    first = plugin.dataset
    files = config.plugins.on_files(Files([]), config=config)
    assert files.get_file_from_path("models/qwen3-30b-a3b.md") is not None
    generated = plugin._generated

    # serve loads the configuration again for each rebuild; the plugin instance must survive
    config = load_config(str(tmp_path / "mkdocs.yml"))
    assert config.plugins["paramatlas"] is plugin
    config.plugins.on_config(config)
    config.plugins.on_files(Files([]), config=config)
    assert plugin.dataset is first  # nothing changed: no second read, no second render
    assert plugin._generated is generated

    edited = data / "models/qwen3/qwen3-30b-a3b.yaml"
    edited.write_text(edited.read_text().replace("name: Qwen3-30B-A3B", "name: Qwen3 30B-A3B"))
    os.utime(edited, (edited.stat().st_atime, edited.stat().st_mtime + 5))
    config.plugins.on_config(config)
    assert plugin.dataset is not first
    assert plugin.dataset.model("qwen3-30b-a3b").name == "Qwen3 30B-A3B"

    server = _Server()
    plugin.on_serve(server, config=config, builder=None)
    assert server.watched == [str(data)]


def test_cross_validation_is_kept_next_to_mkdocs_yml_unless_the_cache_is_off(
    tmp_path: Path,
) -> None:
    for cache in (True, False):
        site = tmp_path / f"cache-{cache}"
        data = site / "data"
        shutil.copytree(FIXTURES / "minimal", data)
        plugin = {"paramatlas": {"data_dir": "data", "cache": cache}}
        write_site(site, {"site_name": "S", "plugins": [plugin]}, {"index.md": "# S\n"})
        config = load_config(str(site / "mkdocs.yml"))
        config = config.plugins.on_config(config)
        config.plugins.on_files(Files([]), config=config)
        kept = sorted(p.name for p in site.glob(".cache/plugin/paramatlas/*.json"))
        expected = ["cross-validation-device-", "cross-validation-source-"] if cache else []
        assert [name[: name.rindex("-") + 1] for name in kept] == expected
