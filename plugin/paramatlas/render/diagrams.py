"""Two pictures of the ideas people misread, drawn from a model's own numbers at build time.

A per-layer-embedding model stores tables that each token only reads a row of; a
mixture-of-experts model stores experts that each token mostly skips. Areas and counts in the
pictures come from the dataset, so they change when the entry does.
"""

from __future__ import annotations

import math

from markupsafe import Markup

from ..data.records import Experts, Model
from ..estimate.parameters import moe_layer_count
from . import numbers
from .charts import WIDTH, svg_figure
from .inert import plain

SIDE = 150  # the larger of the two blocks in the PLE picture, in SVG units
TOP = 44


def _text(x: float, y: float, words: str, *, css: str = "pa-tick", anchor: str = "start") -> str:
    return (
        f'<text class="{css}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{plain(words)}</text>'
    )


def ple_lookup(model: Model, chart_id: str) -> Markup | None:
    """Per-layer embedding tables beside the weights that multiply, areas to scale."""
    counts = model.parameters
    if counts.ple is None:
        return None
    ple, effective = counts.ple.value, counts.effective.value
    largest = max(ple, effective)
    table_side = SIDE * math.sqrt(ple / largest)
    matrix_side = SIDE * math.sqrt(effective / largest)
    height = TOP + SIDE + 70
    table_x, matrix_x = 60.0, WIDTH / 2 + 60
    rows = 12
    row = table_side / rows
    body = [
        _text(table_x, 24, "Per-layer embedding tables: looked up", css="pa-label"),
        _text(matrix_x, 24, "Transformer weights: multiplied", css="pa-label"),
        f'<rect class="pa-block pa-idle-block" x="{table_x}" y="{TOP}" '
        f'width="{table_side:.1f}" height="{table_side:.1f}"/>',
        *(
            f'<line class="pa-grid" x1="{table_x}" y1="{TOP + i * row:.1f}" '
            f'x2="{table_x + table_side:.1f}" y2="{TOP + i * row:.1f}"/>'
            for i in range(1, rows)
        ),
        f'<rect class="pa-block pa-ple-row" x="{table_x}" y="{TOP + 4 * row:.1f}" '
        f'width="{table_side:.1f}" height="{row:.1f}"/>',
        _text(table_x + table_side + 8, TOP + 4.7 * row, "← one row per token"),
        _text(table_x + table_side + 8, TOP + 4.7 * row + 15, "per layer: a copy"),
        f'<rect class="pa-block pa-used-block" x="{matrix_x}" y="{TOP}" '
        f'width="{matrix_side:.1f}" height="{matrix_side:.1f}"/>',
        _text(matrix_x + matrix_side + 8, TOP + 14, "every weight"),
        _text(matrix_x + matrix_side + 8, TOP + 29, "multiplies"),
        _text(matrix_x + matrix_side + 8, TOP + 44, "every token"),
        _text(table_x, TOP + SIDE + 24, f"{numbers.count(counts.ple)} stored", css="pa-label"),
        _text(table_x, TOP + SIDE + 42, "memory, little compute"),
        _text(
            matrix_x,
            TOP + SIDE + 24,
            f"{numbers.count(counts.effective)} effective",
            css="pa-label",
        ),
        _text(matrix_x, TOP + SIDE + 42, "memory and compute"),
        _text(
            WIDTH / 2,
            height - 6,
            f"{model.name}: {numbers.count(counts.total)} total. Areas to scale.",
            css="pa-note",
            anchor="middle",
        ),
    ]
    description = (
        f"{model.name} stores {numbers.count(counts.total)} parameters. "
        f"{numbers.count(counts.ple)} sit in per-layer embedding tables: each token reads one row "
        f"of them per layer, a copy rather than a multiplication. The other "
        f"{numbers.count(counts.effective)} (effective) are matrices every token multiplies, so "
        f"the model computes like a {numbers.count(counts.effective)} model but stores "
        f"{numbers.count(counts.total)}."
    )
    return svg_figure(
        height, f"Why {model.name} stores more than it computes", description, body, chart_id
    )


def _chosen(experts: Experts) -> set[int]:
    """Which routed experts the pictured token uses: scattered, as a router's choice looks.

    Stepping by a stride coprime to the expert count visits distinct experts.
    """
    stride = next(
        n
        for n in range(experts.routed * 3 // 8, 2 * experts.routed + 2)
        if math.gcd(n, experts.routed) == 1
    )
    return {(5 + i * stride) % experts.routed for i in range(experts.routed_per_token)}


def moe_routing(model: Model, chart_id: str) -> Markup | None:
    """One token routed through one mixture-of-experts layer: chosen, skipped and shared experts."""
    experts = model.architecture.experts
    if experts is None:
        return None
    counts = model.parameters
    columns = 16 if experts.routed <= 128 else 32
    grid_rows = math.ceil(experts.routed / columns)
    grid_x, grid_width = 170.0, WIDTH - 190.0
    cell = grid_width / columns
    height = int(TOP + grid_rows * cell + 96)
    middle = TOP + grid_rows * cell / 2
    chosen = _chosen(experts)
    body = [
        _text(
            20,
            24,
            f"One token through one of {moe_layer_count(model.architecture)} MoE layers",
            css="pa-label",
        ),
        _text(20, middle - 4, "token"),
        f'<line class="pa-arrow" x1="62" y1="{middle - 8:.1f}" x2="96" y2="{middle - 8:.1f}"/>',
        f'<rect class="pa-block pa-router" x="98" y="{middle - 26:.1f}" width="56" height="36" '
        'rx="4"/>',
        _text(126, middle - 3, "router", anchor="middle"),
    ]
    for index in range(experts.routed):
        x = grid_x + (index % columns) * cell
        y = TOP + (index // columns) * cell
        kind = "pa-used-block" if index in chosen else "pa-idle-block"
        body.append(
            f'<rect class="pa-block {kind}" x="{x + 1:.1f}" y="{y + 1:.1f}" '
            f'width="{cell - 2:.1f}" height="{cell - 2:.1f}"/>'
        )
    legend_y = TOP + grid_rows * cell + 22
    idle = experts.routed - len(chosen)
    legend = [
        ("pa-used-block", f"{len(chosen)} routed experts chosen for this token"),
        ("pa-idle-block", f"{idle} skipped for this token, still in memory"),
    ]
    if experts.shared:
        legend.append(("pa-shared-block", f"{experts.shared} shared, used by every token"))
        body.append(
            f'<rect class="pa-block pa-shared-block" x="98" y="{middle + 20:.1f}" width="56" '
            f'height="{cell - 2:.1f}"/>'
        )
        body.append(_text(126, middle + 20 + cell + 12, "shared", anchor="middle"))
    for row, (kind, words) in enumerate(legend):
        y = legend_y + row * 18
        body.append(f'<rect class="pa-block {kind}" x="20" y="{y - 10}" width="12" height="12"/>')
        body.append(_text(40, y, words))
    totals = (
        f"memory: {numbers.count(counts.total)}",
        f"read per token: {numbers.count(counts.active)}",
    )
    for row, words in enumerate(totals):
        body.append(_text(WIDTH - 20, legend_y + row * 18, words, css="pa-label", anchor="end"))
    shared = f" plus {experts.shared} shared" if experts.shared else ""
    description = (
        f"In each mixture-of-experts layer of {model.name} a router sends the token to "
        f"{experts.routed_per_token} of {experts.routed} routed experts{shared}; the other "
        f"{idle} are skipped for this token but stay in memory for the next, which may choose "
        f"differently. So the model needs memory for {numbers.count(counts.total)} parameters "
        f"and reads {numbers.count(counts.active)} per token."
    )
    return svg_figure(height, f"How {model.name} routes a token", description, body, chart_id)


def parameter_picture(model: Model, chart_id: str) -> Markup | None:
    """The picture that explains a model's name: its experts, else its embedding tables."""
    return moe_routing(model, chart_id) or ple_lookup(model, chart_id)
