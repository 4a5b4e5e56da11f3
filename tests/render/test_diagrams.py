"""The PLE and MoE pictures: drawn from the entry's numbers, so the counts and areas in them are
the dataset's, checked here against the figures of the Gemma 4 model cards."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from paramatlas import load_dataset
from paramatlas.render import diagrams
from paramatlas.render.pages import Site
from paramatlas.render.snippets import BadArgument, parameter_picture

SVG = "{http://www.w3.org/2000/svg}"


def _blocks(svg: str, kind: str) -> list[ET.Element]:
    return [
        rect
        for rect in ET.fromstring(svg).iter(f"{SVG}rect")
        if kind in (rect.get("class") or "").split()
    ]


def test_moe_picture_routes_8_plus_1_of_129_experts() -> None:
    model = load_dataset().model("gemma-4-26b-a4b")
    svg = str(diagrams.moe_routing(model, "moe"))
    # 8 chosen + 1 legend swatch; 120 skipped + 1 swatch; 1 shared + 1 swatch
    assert len(_blocks(svg, "pa-used-block")) == 8 + 1
    assert len(_blocks(svg, "pa-idle-block")) == 120 + 1
    assert len(_blocks(svg, "pa-shared-block")) == 1 + 1
    description = ET.fromstring(svg).find(f"{SVG}desc")
    assert description is not None and description.text is not None
    assert "8 of 128 routed experts plus 1 shared" in description.text
    assert "memory for 25.2B parameters and reads 3.8B per token" in description.text


def test_chosen_experts_are_distinct_for_every_expert_count() -> None:
    for model in load_dataset().models:
        experts = model.architecture.experts
        if experts is not None:
            chosen = diagrams._chosen(experts)
            assert len(chosen) == experts.routed_per_token, model.id
            assert all(0 <= index < experts.routed for index in chosen)


def test_ple_picture_areas_are_to_scale() -> None:
    model = load_dataset().model("gemma-4-e2b")
    svg = str(diagrams.ple_lookup(model, "ple"))
    table = _blocks(svg, "pa-idle-block")[0]
    matrix = _blocks(svg, "pa-used-block")[0]
    area_ratio = float(table.get("width", 0)) ** 2 / float(matrix.get("width", 0)) ** 2
    counts = model.parameters
    assert counts.ple is not None
    assert area_ratio == pytest.approx(counts.ple.value / counts.effective.value, rel=0.01)
    assert "5.1B total" in svg and "2.3B effective" in svg


def test_a_dense_model_has_no_picture_and_the_macro_says_why() -> None:
    model = load_dataset().model("gemma-4-31b")
    assert diagrams.parameter_picture(model, "dense") is None
    site = Site(load_dataset())
    with pytest.raises(BadArgument, match="gemma-4-31b is dense"):
        parameter_picture(site, lambda path: path, "gemma-4-31b")


def test_moe_picture_counts_only_the_layers_that_route() -> None:
    model = load_dataset().model("deepseek-v3")  # 61 layers, the first 3 dense
    svg = str(diagrams.moe_routing(model, "moe"))
    assert "One token through one of 58 MoE layers" in svg


def test_the_same_picture_twice_has_distinct_ids() -> None:
    """aria-labelledby must name one title: a second picture of a model gets ids of its own."""
    site = Site(load_dataset())
    first, second = (
        parameter_picture(site, lambda target: target, "gemma-4-26b-a4b") for _ in range(2)
    )
    ids = [
        element.get("id")
        for html in (first, second)
        for element in ET.fromstring(html).iter()
        if element.get("id")
    ]
    assert ids and len(ids) == len(set(ids))
