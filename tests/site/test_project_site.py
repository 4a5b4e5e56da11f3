"""The published site, built for real from this repository and read back as HTML."""

from __future__ import annotations

import json
from pathlib import Path

from paramatlas import load_dataset
from paramatlas.render.numbers import context_floor
from tests.cli.runner import run_cli
from tests.site.building import broken_links, page, table_rows


def test_one_page_per_model_device_term_and_family(site: Path) -> None:
    dataset = load_dataset()
    built = site / "site"
    for model in dataset.models:
        assert (built / "models" / model.id / "index.html").is_file(), model.id
    for device in dataset.hardware:
        assert (built / "hardware" / device.id / "index.html").is_file(), device.id
    for term in dataset.glossary:
        assert (built / "glossary" / term.id / "index.html").is_file(), term.id
    model_pages = [p for p in (built / "models").iterdir() if (p / "index.html").is_file()]
    assert len(model_pages) == len(dataset.models)
    for name in ("methodology", "reference/schema", "guide", "contributing", "plugin", "about"):
        assert (built / name / "index.html").is_file(), name


def test_home_reproduces_the_gemma_4_table(site: Path) -> None:
    home = page(site, "")
    heading = home.find(id="gemma-4-the-full-picture")
    rows = table_rows(heading.find_next("table"))
    assert rows == [
        ["Model", "Total", "E (Effective)", "A (Active)", "Architecture"],
        ["Gemma 4 E2B", "5.1B", "~2.3B", "~2.3B", "Dense + PLE (PLE ~2.8B)"],
        ["Gemma 4 E4B", "~8B", "~4B", "~4B", "Dense + PLE (PLE ~4B)"],
        ["Gemma 4 31B", "31B", "31B", "31B", "Dense"],
        [
            "Gemma 4 26B-A4B",
            "25.2B",
            "25.2B",
            "3.8B",
            "MoE: 128 experts + 1 shared; 8 + 1 shared active per token",
        ],
    ]


def _estimate(*args: str) -> dict:  # type: ignore[type-arg]
    return json.loads(run_cli("estimate", *args, "--json").stdout)  # type: ignore[no-any-return]


def test_model_page_numbers_equal_the_cli(site: Path) -> None:
    html = page(site, "models/gemma-4-26b-a4b")
    guidance = html.find(id="will-it-run-on-my-hardware").find_next("table")
    rows = {row[0]: row for row in table_rows(guidance)[1:]}
    row = rows["NVIDIA GeForce RTX 4060 Ti (16 GB)"]
    assert row[1] == "Q4_K_M · fits"  # Q5_K_M does not fit; Q4_K_M does, fully
    data = _estimate(
        "gemma-4-26b-a4b",
        "--hardware",
        "rtx-4060-ti-16gb",
        "--quant",
        "Q4_K_M",
        "--context",
        "8192",
    )
    assert data["fit"] == "fits"
    assert row[2].startswith(f"~{data['decode_tokens_per_s']:.0f} ")
    assert row[3] == context_floor(data["max_context"])
    memory = html.find(id="memory").find_next("table")
    q4 = next(r for r in table_rows(memory) if r[0] == "Q4_K_M")
    cli = _estimate("gemma-4-26b-a4b", "--quant", "Q4_K_M", "--context", "4096")
    assert q4[2] == f"{cli['memory']['weights_bytes'] / 2**30:.1f}"
    assert q4[3] == f"{cli['memory']['total_bytes'] / 2**30:.1f}"


def test_a_moe_on_a_small_card_is_recommended_at_4_bits_with_experts_offloaded(
    site: Path,
) -> None:
    html = page(site, "models/gemma-4-26b-a4b")
    guidance = html.find(id="will-it-run-on-my-hardware").find_next("table")
    row = {row[0]: row for row in table_rows(guidance)[1:]}["NVIDIA GeForce RTX 3060 (12 GB)"]
    data = _estimate("gemma-4-26b-a4b", "--hardware", "rtx-3060-12gb", "--quant", "Q4_K_M")
    assert data["fit"] == "offload" and data["offload"].startswith("routed experts of ")
    moved, layers = data["offload"].split()[3], data["offload"].split()[5]
    assert row[1] == f"Q4_K_M · experts of {moved}/{layers} layers in RAM"
    assert row[2].startswith(f"~{data['decode_tokens_per_s']:.0f} ")
    assert not row[4].startswith("Q4_K_M")  # the best full fit is a smaller format


def test_device_page_lists_every_model_once(site: Path) -> None:
    html = page(site, "hardware/m3-max-36gb")
    # the guidance tables under "What runs on it", not the published results after them
    guidance = [
        table
        for table in html.find_all("table")[1:]
        if table.find_previous("h2").get("id") == "what-runs-on-it"
    ]
    names = [row[0] for table in guidance for row in table_rows(table)[1:]]
    assert sorted(names) == sorted(model.name for model in load_dataset().models)
    published = html.find(id="published-results").find_next("table")
    assert table_rows(published)[1:]  # the M3 Max's own results follow


def test_device_page_says_what_a_model_that_does_not_fit_would_need(site: Path) -> None:
    html = page(site, "hardware/m3-max-36gb")
    heading = html.find(id=lambda value: bool(value and value.startswith("does-not-fit")))
    rows = {row[0]: row for row in table_rows(heading.find_next("table"))[1:]}
    cli = json.loads(
        run_cli("estimate", "deepseek-v3", "--quant", "Q2_K", "--context", "8192", "--json").stdout
    )
    assert rows["DeepSeek-V3"][3] == f"needs {cli['memory']['total_bytes'] / 2**30:.1f} GiB (Q2_K)"


def test_every_link_on_every_page_leads_to_a_built_file(site: Path) -> None:
    built = site / "site"
    pages = [path for path in sorted(built.rglob("*.html")) if path.name != "404.html"]
    assert broken_links(built, pages) == []  # 404.html links from the site root


def test_no_placeholder_is_left_in_a_page(site: Path) -> None:
    leftovers = [
        path.name
        for path in (site / "site").rglob("*.html")
        if "paramatlas:block" in path.read_text()
    ]
    assert leftovers == []


def test_json_api(site: Path) -> None:
    built = site / "site" / "api"
    models = json.loads((built / "models.json").read_text())
    assert [m["id"] for m in models] == [m.id for m in load_dataset().models]
    e2b = json.loads((built / "models" / "gemma-4-e2b.json").read_text())
    assert e2b["parameters"]["total"]["value"] == 5_100_000_000
    hardware = json.loads((built / "hardware.json").read_text())
    assert all(isinstance(item["usable_memory_bytes"], int) for item in hardware)
    for name in ("quantizations", "glossary"):
        assert json.loads((built / f"{name}.json").read_text())


def test_no_request_leaves_the_site(site: Path) -> None:
    for html_file in (site / "site").rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        for marker in ("fonts.googleapis", "fonts.gstatic", "cdn.jsdelivr", "unpkg.com", "cdnjs"):
            assert marker not in text, f"{html_file}: {marker}"
    home = page(site, "")
    for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src")):
        for element in home.find_all(tag):
            value = element.get(attribute) or ""
            assert not value.startswith(("http://", "https://", "//")), value


def test_abbreviations_have_tooltips_site_wide(site: Path) -> None:
    html = page(site, "models/qwen3-30b-a3b")
    titles = {abbr.get_text(): abbr["title"] for abbr in html.find_all("abbr")}
    assert titles["MoE"].startswith("Mixture of experts")
    assert "KV" in titles
    # the device tables are HTML, out of Markdown's reach: they get the same tooltips
    device = page(site, "hardware/rtx-4090")
    cells = [abbr.parent for abbr in device.find_all("abbr", string="MoE")]
    assert any(cell.name == "td" for cell in cells)


def test_methodology_reports_the_calibration_error(site: Path) -> None:
    html = page(site, "methodology")
    text = html.get_text(" ", strip=True)
    assert "Device held out" in text and "Source held out" in text
    assert "No published measurement exceeds its computed bound" in text


def test_charts_are_inline_svg_with_text_alternatives(site: Path) -> None:
    index = page(site, "models")
    chart = index.find("svg", class_="pa-chart")
    assert chart is not None and chart["role"] == "group"  # its points are links
    assert chart.find("title").get_text() == "Total against active parameters"
    assert len(chart.find_all("circle", class_="pa-point")) >= len(load_dataset().models)
    model = page(site, "models/gemma-4-e2b")
    titles = [svg.find("title").get_text() for svg in model.find_all("svg", class_="pa-chart")]
    assert titles == ["Parameters of Gemma 4 E2B", "Memory of Gemma 4 E2B against context length"]


def test_guide_and_glossary_picture_ple_and_moe_from_the_data(site: Path) -> None:
    pictures = {
        "guide": [
            "Why Gemma 4 E2B stores more than it computes",
            "How Gemma 4 26B-A4B routes a token",
        ],
        "glossary/per-layer-embeddings": ["Why Gemma 4 E2B stores more than it computes"],
        "glossary/mixture-of-experts": ["How Gemma 4 26B-A4B routes a token"],
    }
    for path, expected in pictures.items():
        svgs = page(site, path).find_all("svg", class_="pa-chart")
        assert [svg.find("title").get_text() for svg in svgs] == expected, path
        assert all(svg.find("desc").get_text() for svg in svgs)


def test_model_page_links_to_its_data_file_and_json(site: Path) -> None:
    html = page(site, "models/gemma-4-e2b")
    edit = html.find("a", string="Edit this model's data file")
    assert edit["href"] == (
        "https://github.com/paramatlas/paramatlas/edit/main/data/models/gemma-4/gemma-4-e2b.yaml"
    )
    download = html.find("a", string="Download this model as JSON")
    assert (site / "site/models/gemma-4-e2b" / download["href"]).resolve().is_file()
