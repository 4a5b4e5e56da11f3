"""The plugin and the macros in other people's sites: minimal configurations, broken data.

Every site here imports paramatlas from the built wheel, as a reuser's `pip install` would, not
from this checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, replace_once
from tests.site.building import (
    broken_links,
    build_site,
    page,
    raw_markdown,
    table_rows,
    write_site,
)

pytestmark = pytest.mark.usefixtures("from_wheel")


def test_sites_here_load_the_plugin_and_macros_from_the_wheel(from_wheel: Path) -> None:
    code = (
        "import inspect, paramatlas, paramatlas.macros\n"
        "from mkdocs.plugins import get_plugins\n"
        "print(paramatlas.__file__)\n"
        "print(inspect.getfile(get_plugins()['paramatlas'].load()))\n"
        "print(paramatlas.bundled_data_dir())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=from_wheel
    )
    package, plugin, data = result.stdout.split()
    for path in (package, plugin, data):
        assert Path(path).is_relative_to(from_wheel), path


def test_material_site_with_the_bundled_data(tmp_path: Path) -> None:
    config = {"site_name": "Atlas", "theme": {"name": "material"}, "plugins": ["paramatlas"]}
    site = write_site(tmp_path, config, {"index.md": "# Atlas\n"})
    result = build_site(site)
    assert result.returncode == 0, result.stderr
    model = page(site, "models/gemma-4-26b-a4b")
    assert model.find(class_="pa-calculator") is not None
    assert model.find("abbr", string="MoE") is not None
    assert (site / "site/api/calculator.json").is_file()
    assert raw_markdown(site / "site") == []
    # Methodology's cross-validation is kept for the next build, next to mkdocs.yml.
    assert len(list(site.glob(".cache/plugin/paramatlas/cross-validation-*.json"))) == 2


MACROS_ONLY = {
    "site_name": "Elsewhere",
    "plugins": [{"macros": {"modules": ["paramatlas"], "on_error_fail": True}}],
}


def test_macros_without_the_plugin_use_the_bundled_dataset(tmp_path: Path) -> None:
    site = write_site(
        tmp_path,
        MACROS_ONLY,
        {
            "index.md": '# Models\n\n{{ model_table(["qwen3-30b-a3b", "llama-3.1-8b"], '
            'columns=["model", "total", "active"]) }}\n\n'
            '{{ glossary_term("kv-cache") }}\n',
        },
    )
    result = build_site(site)
    assert result.returncode == 0, result.stderr
    rows = table_rows(page(site, "").find("table"))
    # no model pages in this site, so names are not links
    assert rows == [
        ["Model", "Total", "A (Active)"],
        ["Qwen3-30B-A3B", "30.5B", "3.3B"],
        ["Llama 3.1 8B", "~8B", "~8B"],
    ]
    assert page(site, "").find("table").find("a") is None
    assert raw_markdown(site / "site") == []


def test_two_line_configuration_builds_the_whole_site(tmp_path: Path) -> None:
    config = {
        "site_name": "Atlas",
        "plugins": [
            "search",
            "paramatlas",
            {"macros": {"modules": ["paramatlas"], "on_error_fail": True}},
        ],
    }
    site = write_site(tmp_path, config, {"index.md": "{{ model_card('gemma-4-31b') }}\n"})
    result = build_site(site)
    assert result.returncode == 0, result.stderr
    assert (site / "site/models/gemma-4-31b/index.html").is_file()
    assert (site / "site/api/models.json").is_file()
    assert raw_markdown(site / "site") == []
    link = page(site, "").find("a", string="Gemma 4 31B")
    assert link["href"] == "models/gemma-4-31b/"


def test_unknown_id_fails_the_build_naming_page_and_closest_ids(tmp_path: Path) -> None:
    site = write_site(
        tmp_path,
        MACROS_ONLY,
        {
            "index.md": "# Home\n",
            "notes/compare.md": '{{ model_card("qwen3-30b") }}\n',
        },
    )
    result = build_site(site)
    assert result.returncode != 0
    assert "model_card() in page notes/compare.md" in result.stderr
    assert "unknown model 'qwen3-30b'; closest: qwen3-30b-a3b" in result.stderr


def test_own_dataset_with_a_broken_file_stops_the_build_at_its_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "minimal", data)
    replace_once(data / "models/qwen3/qwen3-30b-a3b.yaml", "layers: 48", "layers: 4.8e1")
    config = {"site_name": "Mine", "plugins": [{"paramatlas": {"data_dir": "data"}}]}
    site = write_site(tmp_path, config, {"index.md": "# Mine\n"})
    result = build_site(site)
    assert result.returncode != 0
    assert "qwen3-30b-a3b.yaml:15:11: '4.8e1' is read as a string" in result.stderr
    assert not (site / "site" / "models").exists()


def test_own_dataset_builds_only_its_models(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "minimal", tmp_path / "data")
    config = {"site_name": "Mine", "plugins": [{"paramatlas": {"data_dir": "data"}}]}
    site = write_site(tmp_path, config, {"index.md": "# Mine\n"})
    result = build_site(site)
    assert result.returncode == 0, result.stderr
    built = sorted(p.name for p in (site / "site/models").iterdir() if p.is_dir())
    assert built == ["gemma-4-e2b", "llama-3.1-8b", "qwen3-30b-a3b"]


def test_a_site_page_replaces_the_generated_one(tmp_path: Path) -> None:
    config = {"site_name": "Atlas", "plugins": ["paramatlas"]}
    site = write_site(
        tmp_path, config, {"index.md": "# Home\n", "models/index.md": "# Our own model list\n"}
    )
    result = build_site(site)
    assert result.returncode == 0, result.stderr
    assert page(site, "models").find("h1").get_text() == "Our own model list"


def test_templates_dir_overrides_a_template(tmp_path: Path) -> None:
    templates = tmp_path / "overrides"
    templates.mkdir()
    (templates / "glossary_index.md.j2").write_text(
        "# Terms\n\n{% for term in terms %}- {{ term.term }}\n{% endfor %}"
    )
    config = {"site_name": "Atlas", "plugins": [{"paramatlas": {"templates_dir": "overrides"}}]}
    site = write_site(tmp_path, config, {"index.md": "# Home\n"})
    result = build_site(site)
    assert result.returncode == 0, result.stderr
    html = page(site, "glossary")
    assert html.find("h1").get_text() == "Terms"
    assert "Active parameters" in html.get_text()


def _navigation_links(site: Path) -> set[str]:
    primary = page(site, "").select_one("nav.md-nav--primary")
    assert primary is not None
    return {a["href"] for a in primary.find_all("a", href=True)}


def test_entry_pages_stay_out_of_the_navigation_unless_asked(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "minimal", tmp_path / "data")
    for entries_in_nav in (False, True):
        site = tmp_path / f"nav-{entries_in_nav}"
        plugin = {"paramatlas": {"data_dir": "../data", "entries_in_nav": entries_in_nav}}
        config = {"site_name": "Mine", "theme": {"name": "material"}, "plugins": [plugin]}
        write_site(site, config, {"index.md": "# Mine\n"})
        result = build_site(site)
        assert result.returncode == 0, result.stderr
        links = _navigation_links(site)
        assert {"models/", "hardware/", "glossary/", "methodology/"} <= links
        assert ("models/qwen3-30b-a3b/" in links) is entries_in_nav
        assert ("hardware/rtx-4090/" in links) is entries_in_nav
        # out of the navigation is not out of the site, and says where it sits
        model = page(site, "models/qwen3-30b-a3b")
        trail = model.select_one('nav.pa-breadcrumbs[aria-label="Breadcrumb"]')
        assert trail is not None
        assert [(a.get_text(), a["href"]) for a in trail.find_all("a")] == [
            ("Models", "../"),
            ("Qwen3", "../../families/qwen3/"),
        ]
        # an empty navigation sidebar is left out; in the navigation, it stays
        sidebar = model.select_one('[data-md-type="navigation"]')
        assert sidebar is not None and sidebar.has_attr("hidden") is not entries_in_nav


def test_table_links_follow_use_directory_urls(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "minimal", tmp_path / "data")
    config = {
        "site_name": "Mine",
        "use_directory_urls": False,
        "plugins": [{"paramatlas": {"data_dir": "data"}}],
    }
    site = write_site(tmp_path, config, {"index.md": "# Mine\n"})
    result = build_site(site)
    assert result.returncode == 0, result.stderr
    built = site / "site"
    model_page = built / "models/qwen3-30b-a3b.html"
    device_page = built / "hardware/rtx-4090.html"
    assert broken_links(built, [model_page, device_page]) == []
    guidance = page(site, "models/qwen3-30b-a3b.html").find("a", string="NVIDIA GeForce RTX 4090")
    assert guidance["href"] == "../hardware/rtx-4090.html"


def test_abbreviations_option_turns_every_tooltip_off(tmp_path: Path) -> None:
    config = {"site_name": "Atlas", "plugins": [{"paramatlas": {"abbreviations": False}}]}
    site = write_site(tmp_path, config, {"index.md": "# Home\n"})
    result = build_site(site)
    assert result.returncode == 0, result.stderr
    for url in ("models/qwen3-30b-a3b", "hardware/rtx-4090"):
        assert page(site, url).find("abbr") is None, url


def test_own_dataset_adds_two_models_and_overrides_one(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "minimal", data)
    llama = data / "models/llama-3/llama-3.1-8b.yaml"
    for new_id, name in (("my-model-a", "My Model A 8B"), ("my-model-b", "My Model B 8B")):
        text = llama.read_text().replace("id: llama-3.1-8b", f"id: {new_id}")
        (data / f"models/llama-3/{new_id}.yaml").write_text(
            text.replace("name: Llama 3.1 8B", f"name: {name}")
        )
    replace_once(
        data / "models/qwen3/qwen3-30b-a3b.yaml",
        "name: Qwen3-30B-A3B",
        "name: Qwen3-30B-A3B (ours)",
    )
    config = {"site_name": "Ours", "plugins": [{"paramatlas": {"data_dir": "data"}}]}
    site = write_site(tmp_path, config, {"index.md": "# Ours\n"})
    result = build_site(site)
    assert result.returncode == 0, result.stderr
    for model_id in ("my-model-a", "my-model-b"):
        assert (site / f"site/models/{model_id}/index.html").is_file()
    names = [row[0] for row in table_rows(page(site, "models").find("table"))[1:]]
    assert "Qwen3-30B-A3B (ours)" in names and "My Model A 8B" in names
    assert len(names) == 5
    assert raw_markdown(site / "site") == []
