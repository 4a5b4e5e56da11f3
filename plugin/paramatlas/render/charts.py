"""Charts as inline SVG, drawn at build time: no JavaScript needed to see them.

Colours come from Material's CSS variables and `currentColor`, so a chart follows the light or dark
palette. Every chart carries a title and a description for screen readers, and the pages put the
same numbers in a table beside it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from markupsafe import Markup

from . import numbers
from .inert import plain

WIDTH = 640
MARGIN_LEFT = 64
MARGIN_RIGHT = 16
MARGIN_TOP = 16
MARGIN_BOTTOM = 48


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    kind: str
    href: str | None = None


@dataclass(frozen=True)
class Series:
    label: str
    kind: str
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Segment:
    label: str
    value: float
    kind: str
    text: str


def svg_figure(
    height: int,
    title: str,
    description: str,
    body: list[str],
    chart_id: str,
    *,
    links: bool = False,
) -> Markup:
    """The chart's SVG; every text in it is escaped here, so it is safe to embed as it is.

    A chart whose points are links is a group (its links stay reachable by keyboard); an `img`
    may not contain focusable parts.
    """
    role = "group" if links else "img"
    return Markup(
        f'<svg class="pa-chart" viewBox="0 0 {WIDTH} {height}" role="{role}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{plain(title)}</title>'
        f'<desc id="{chart_id}-desc">{plain(description)}</desc>' + "".join(body) + "</svg>"
    )


class _LogAxis:
    def __init__(self, low: float, high: float, start: float, end: float) -> None:
        self.low: float = math.floor(math.log10(low))
        self.high: float = math.ceil(math.log10(high))
        if self.high == self.low:
            self.high += 1
        self.start, self.end = start, end

    def __call__(self, value: float) -> float:
        fraction = (math.log10(value) - self.low) / (self.high - self.low)
        return self.start + fraction * (self.end - self.start)

    def ticks(self) -> list[float]:
        return [10.0**power for power in range(math.ceil(self.low), math.floor(self.high) + 1)]


def total_vs_active(points: Sequence[Point], chart_id: str = "total-vs-active") -> Markup:
    """Log–log scatter of total against active parameters, with the dense diagonal."""
    height = 440
    values = [p.x for p in points] + [p.y for p in points] or [1e9, 1e10]
    x_axis = _LogAxis(min(values), max(values), MARGIN_LEFT, WIDTH - MARGIN_RIGHT)
    y_axis = _LogAxis(min(values), max(values), height - MARGIN_BOTTOM, MARGIN_TOP)
    body = _log_grid(x_axis, y_axis, height)
    low, high = 10.0**x_axis.low, 10.0**x_axis.high
    body.append(
        f'<line class="pa-diagonal" x1="{x_axis(low):.1f}" y1="{y_axis(low):.1f}" '
        f'x2="{x_axis(high):.1f}" y2="{y_axis(high):.1f}"/>'
        f'<text class="pa-note" x="{x_axis(high) - 4:.1f}" y="{y_axis(high) + 14:.1f}" '
        'text-anchor="end">dense: active = total</text>'
    )
    placed = [(point, x_axis(point.x), y_axis(point.y)) for point in points]
    largest_first = sorted(placed, key=lambda item: -item[0].x)
    body.extend(_point_labels(largest_first, placed, height))
    for point in points:
        circle = (
            f'<circle class="pa-point pa-{plain(point.kind)}" cx="{x_axis(point.x):.1f}" '
            f'cy="{y_axis(point.y):.1f}" r="5"><title>{plain(point.label)}: '
            f"{numbers.params(point.x)} total, {numbers.params(point.y)} active</title></circle>"
        )
        if point.href:
            circle = f'<a href="{plain(point.href)}">{circle}</a>'
        body.append(circle)
    body.append(_axis_labels("total parameters (log scale)", "active parameters", height))
    body.append(_legend(["dense", "ple", "moe"], ["dense", "dense + PLE", "mixture of experts"]))
    description = (
        f"{len(points)} models. Dense models lie on the diagonal; mixture-of-experts models lie "
        "below it, by the factor between their total and active parameters."
    )
    return svg_figure(
        height,
        "Total against active parameters",
        description,
        body,
        chart_id,
        links=any(point.href for point in points),
    )


BACKEND_NAMES = {
    "cuda": "CUDA",
    "metal": "Metal",
    "vulkan": "Vulkan",
    "rocm": "ROCm",
    "sycl": "SYCL",
    "cpu": "CPU",
}


def estimate_vs_measured(points: Sequence[Point], chart_id: str) -> Markup:
    """Log–log scatter of estimated against measured tokens/s, with the identity line."""
    height = 440
    values = [p.x for p in points] + [p.y for p in points] or [1.0, 10.0]
    x_axis = _LogAxis(min(values), max(values), MARGIN_LEFT, WIDTH - MARGIN_RIGHT)
    y_axis = _LogAxis(min(values), max(values), height - MARGIN_BOTTOM, MARGIN_TOP)
    body = _log_grid(x_axis, y_axis, height, lambda tick: f"{tick:g}")
    low, high = 10.0**x_axis.low, 10.0**x_axis.high
    body.append(
        f'<line class="pa-diagonal" x1="{x_axis(low):.1f}" y1="{y_axis(low):.1f}" '
        f'x2="{x_axis(high):.1f}" y2="{y_axis(high):.1f}"/>'
        f'<text class="pa-note" x="{x_axis(high) - 4:.1f}" y="{y_axis(high) + 14:.1f}" '
        'text-anchor="end">estimate = measurement</text>'
    )
    placed = [(point, x_axis(point.x), y_axis(point.y)) for point in points]
    numbered = [
        (replace(point, label=str(rank)), x_axis(point.x), y_axis(point.y))
        for rank, point in enumerate(worst_estimates(points), start=1)
    ]
    body.extend(_point_labels(numbered, placed, height))
    for point in points:
        body.append(
            f'<circle class="pa-point pa-{plain(point.kind)}" cx="{x_axis(point.x):.1f}" '
            f'cy="{y_axis(point.y):.1f}" r="4"><title>{plain(point.label)}: measured '
            f"{point.x:.1f}, estimated {point.y:.1f} tokens/s</title></circle>"
        )
    body.append(_axis_labels("measured tokens/s (log scale)", "estimated tokens/s", height))
    shown = [kind for kind in BACKEND_NAMES if any(p.kind == kind for p in points)]
    body.append(_legend(shown, [BACKEND_NAMES[kind] for kind in shown]))
    description = (
        f"{len(points)} published decode results, each estimated by a speed model fitted without "
        "its device. Points on the diagonal are exact; above it the estimate is too high. The "
        "worst estimates are numbered and listed under the chart; the table of every result "
        "lists each point."
    )
    return svg_figure(
        height, "Estimated against measured decode speed", description, body, chart_id
    )


NAMED_MISSES = 10
"""How many of the worst estimates the accuracy chart numbers; the page lists them by number."""
LABEL_CHAR_WIDTH = 6.0
LABEL_HEIGHT = 12.0
Box = tuple[float, float, float, float]


def worst_estimates(points: Sequence[Point], count: int = NAMED_MISSES) -> list[Point]:
    """The estimate-vs-measured points furthest from the diagonal, worst first."""
    return sorted(points, key=lambda point: -abs(math.log(point.y / point.x)))[:count]


def _point_labels(
    named: Sequence[tuple[Point, float, float]],
    placed: Sequence[tuple[Point, float, float]],
    height: int,
) -> list[str]:
    """Name the `named` points in order, each where its name covers no other name and none of
    the `placed` points.

    Each name goes to the right of its point, or to the left when the right is taken or off the
    plot; a point whose name fits nowhere keeps only its tooltip and the table below the chart.
    """
    taken: list[Box] = [(MARGIN_LEFT, MARGIN_TOP, WIDTH - MARGIN_RIGHT, MARGIN_TOP + 22)]  # legend
    taken += [(x - 5, y - 5, x + 5, y + 5) for _, x, y in placed]
    labels = []
    for point, x, y in named:
        width = LABEL_CHAR_WIDTH * len(point.label)
        for left, anchor in ((x + 7, "start"), (x - 7 - width, "end")):
            box = (left, y - LABEL_HEIGHT / 2, left + width, y + LABEL_HEIGHT / 2)
            inside = box[0] >= MARGIN_LEFT and box[2] <= WIDTH - MARGIN_RIGHT
            inside = inside and box[1] >= MARGIN_TOP and box[3] <= height - MARGIN_BOTTOM
            if inside and not any(_overlap(box, other) for other in taken):
                taken.append(box)
                text_x = box[0] if anchor == "start" else box[2]
                labels.append(
                    f'<text class="pa-point-label" x="{text_x:.1f}" y="{y + 4:.1f}" '
                    f'text-anchor="{anchor}" aria-hidden="true">{plain(point.label)}</text>'
                )
                break
    return labels


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _log_grid(
    x_axis: _LogAxis,
    y_axis: _LogAxis,
    height: int,
    label: Callable[[float], str] = numbers.params,
) -> list[str]:
    body = []
    for tick in x_axis.ticks():
        x = x_axis(tick)
        body.append(
            f'<line class="pa-grid" x1="{x:.1f}" y1="{MARGIN_TOP}" x2="{x:.1f}" '
            f'y2="{height - MARGIN_BOTTOM}"/><text class="pa-tick" x="{x:.1f}" '
            f'y="{height - MARGIN_BOTTOM + 16}" text-anchor="middle">{label(tick)}</text>'
        )
    for tick in y_axis.ticks():
        y = y_axis(tick)
        body.append(
            f'<line class="pa-grid" x1="{MARGIN_LEFT}" y1="{y:.1f}" x2="{WIDTH - MARGIN_RIGHT}" '
            f'y2="{y:.1f}"/><text class="pa-tick" x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{label(tick)}</text>'
        )
    return body


def _axis_labels(x_label: str, y_label: str, height: int) -> str:
    middle = MARGIN_TOP + (height - MARGIN_TOP - MARGIN_BOTTOM) / 2
    return (
        f'<text class="pa-label" x="{(MARGIN_LEFT + WIDTH - MARGIN_RIGHT) / 2:.0f}" '
        f'y="{height - 8}" text-anchor="middle">{plain(x_label)}</text>'
        f'<text class="pa-label" x="14" y="{middle:.0f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {middle:.0f})">{plain(y_label)}</text>'
    )


def _legend(kinds: list[str], labels: list[str]) -> str:
    parts = []
    x = MARGIN_LEFT + 12
    for kind, label in zip(kinds, labels, strict=True):
        parts.append(
            f'<circle class="pa-point pa-{kind}" cx="{x}" cy="{MARGIN_TOP + 10}" r="5"/>'
            f'<text class="pa-tick" x="{x + 10}" y="{MARGIN_TOP + 14}">{plain(label)}</text>'
        )
        x += 26 + 8 * len(label)
    return "".join(parts)


def composition(segments: Sequence[Segment], title: str, chart_id: str) -> Markup:
    """One horizontal bar split into the parts of a model's parameters, each labelled."""
    height = 96
    total = sum(segment.value for segment in segments) or 1
    left, right = 8, WIDTH - 8
    body = []
    x = float(left)
    for index, segment in enumerate(segments):
        width = (right - left) * segment.value / total
        body.append(
            f'<rect class="pa-bar pa-{plain(segment.kind)}" x="{x:.1f}" y="8" '
            f'width="{max(width, 1):.1f}" height="36"><title>{plain(segment.label)}: '
            f"{plain(segment.text)}</title></rect>"
        )
        anchor_x = x + width / 2
        row = 64 + 18 * (index % 2)
        body.append(
            f'<text class="pa-tick" x="{min(max(anchor_x, 60), WIDTH - 60):.1f}" y="{row}" '
            f'text-anchor="middle">{plain(segment.label)} {plain(segment.text)}</text>'
        )
        x += width
    description = "; ".join(f"{s.label}: {s.text}" for s in segments)
    return svg_figure(height, title, description, body, chart_id)


def memory_curves(
    series: Sequence[Series],
    device_lines: Sequence[tuple[str, float]],
    title: str,
    chart_id: str,
) -> Markup:
    """Memory (GiB) against context length (log scale) for a few formats, with device sizes."""
    height = 360
    contexts = [x for s in series for x, _ in s.points]
    top_gib = max(y for s in series for _, y in s.points) / numbers.GIB
    lines = [(label, gib) for label, gib in device_lines if gib <= top_gib * 1.15]
    top = max([top_gib, *(gib for _, gib in lines)]) * 1.1
    x_axis = _LogAxis(min(contexts), max(contexts), MARGIN_LEFT, WIDTH - MARGIN_RIGHT - 70)
    x_axis.low, x_axis.high = math.log10(min(contexts)), math.log10(max(contexts))

    def y_of(gib: float) -> float:
        return height - MARGIN_BOTTOM - (height - MARGIN_TOP - MARGIN_BOTTOM) * gib / top

    body = []
    step = _nice_step(top)
    tick = 0.0
    while tick <= top:
        y = y_of(tick)
        body.append(
            f'<line class="pa-grid" x1="{MARGIN_LEFT}" y1="{y:.1f}" '
            f'x2="{WIDTH - MARGIN_RIGHT - 70}" y2="{y:.1f}"/>'
            f'<text class="pa-tick" x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{tick:g}</text>'
        )
        tick += step
    for context in sorted(set(contexts)):
        x = x_axis(context)
        body.append(
            f'<text class="pa-tick" x="{x:.1f}" y="{height - MARGIN_BOTTOM + 16}" '
            f'text-anchor="middle">{numbers.context(int(context))}</text>'
        )
    for label, gib in lines:
        y = y_of(gib)
        body.append(
            f'<line class="pa-device" x1="{MARGIN_LEFT}" y1="{y:.1f}" '
            f'x2="{WIDTH - MARGIN_RIGHT - 70}" y2="{y:.1f}"/><text class="pa-note" '
            f'x="{WIDTH - MARGIN_RIGHT - 66}" y="{y + 4:.1f}">{plain(label)}</text>'
        )
    for index, line in enumerate(series):
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{x_axis(x):.1f},{y_of(y / numbers.GIB):.1f}"
            for i, (x, y) in enumerate(line.points)
        )
        last_x, last_y = line.points[-1]
        body.append(
            f'<path class="pa-line pa-series-{index}" d="{path}"><title>{plain(line.label)}'
            f"</title></path>"
            f'<text class="pa-tick pa-series-label-{index}" x="{x_axis(last_x) + 4:.1f}" '
            f'y="{y_of(last_y / numbers.GIB) - 6:.1f}" text-anchor="end">'
            f"{plain(line.label)}</text>"
        )
    body.append(_axis_labels("context length (tokens, log scale)", "memory (GiB)", height))
    description = "; ".join(
        f"{s.label}: "
        + ", ".join(f"{numbers.gib(y)} GiB at {numbers.context(int(x))}" for x, y in s.points)
        for s in series
    )
    return svg_figure(height, title, description, body, chart_id)


def _nice_step(top: float) -> float:
    raw = top / 5
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)
