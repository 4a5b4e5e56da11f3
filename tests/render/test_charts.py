"""Point names on the total-vs-active scatter: readable (never on top of each other or of a
point), inside the plot, and escaped like every other data string."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from paramatlas import load_dataset
from paramatlas.render import charts

SVG = "{http://www.w3.org/2000/svg}"


def _points() -> list[charts.Point]:
    return [
        charts.Point(
            float(m.parameters.total.value),
            float(m.parameters.active.value),
            m.name,
            "moe" if m.architecture.is_moe else "dense",
        )
        for m in load_dataset().models
    ]


def _label_boxes(svg: str) -> list[tuple[float, float, float, float]]:
    boxes = []
    for text in ET.fromstring(svg).iter(f"{SVG}text"):
        if text.get("class") != "pa-point-label":
            continue
        x, y = float(text.get("x", 0)), float(text.get("y", 0)) - 4
        width = charts.LABEL_CHAR_WIDTH * len(text.text or "")
        left = x if text.get("text-anchor") == "start" else x - width
        boxes.append((left, y - 6, left + width, y + 6))
    return boxes


def test_names_never_overlap_and_stay_inside_the_plot() -> None:
    boxes = _label_boxes(str(charts.total_vs_active(_points())))
    assert len(boxes) >= 10
    for index, box in enumerate(boxes):
        assert box[0] >= charts.MARGIN_LEFT and box[2] <= charts.WIDTH - charts.MARGIN_RIGHT
        assert all(not charts._overlap(box, other) for other in boxes[index + 1 :])


def test_names_avoid_the_points() -> None:
    svg = str(charts.total_vs_active(_points()))
    centres = [
        (float(c.get("cx", 0)), float(c.get("cy", 0)))
        for c in ET.fromstring(svg).iter(f"{SVG}circle")
        if c.get("r") == "5"
    ]
    for box in _label_boxes(svg):
        assert not any(charts._overlap(box, (x - 5, y - 5, x + 5, y + 5)) for x, y in centres)


def test_the_largest_model_is_named_and_hostile_names_stay_text() -> None:
    points = [
        charts.Point(1e9, 1e9, "small", "dense"),
        charts.Point(4e11, 4e11, "<b>huge</b>", "dense"),
    ]
    svg = str(charts.total_vs_active(points))
    assert re.search(r'class="pa-point-label"[^>]*>&lt;b&gt;huge&lt;/b&gt;</text>', svg)
    assert "<b>" not in svg


def test_the_accuracy_chart_numbers_its_worst_estimates() -> None:
    points = [charts.Point(100.0, 100.0 * (1 + i / 100), f"close {i}", "cuda") for i in range(30)]
    points += [
        charts.Point(20.0, 80.0, "four times too high", "vulkan"),
        charts.Point(300.0, 100.0, "three times too low", "cuda"),
    ]
    assert [p.label for p in charts.worst_estimates(points)][:2] == [
        "four times too high",
        "three times too low",
    ]
    svg = str(charts.estimate_vs_measured(points, "accuracy"))
    numbers = {
        text.text: (float(text.get("x", 0)), float(text.get("y", 0)))
        for text in ET.fromstring(svg).iter(f"{SVG}text")
        if text.get("class") == "pa-point-label"
    }
    assert {"1", "2"} <= set(numbers)
    assert len(numbers) <= charts.NAMED_MISSES
    # every point keeps a tooltip with both numbers
    assert svg.count("<title>") == len(points)
    assert "four times too high: measured 20.0, estimated 80.0 tokens/s" in svg
    assert ">Vulkan</text>" in svg and ">CUDA</text>" in svg
