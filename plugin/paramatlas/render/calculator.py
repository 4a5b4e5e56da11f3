"""What the calculator on a model page needs to compute exactly what `paramatlas estimate` does.

The engine stays in Python; the browser script (`assets/paramatlas-calculator.js`) evaluates the
same formulas on numbers exported here: per model, its parameters by component, cache layout and
overhead terms; for the site, the formats, devices, hosts, usable-memory rules and the fitted
speed model. A test drives the page over hundreds of inputs and compares every output with
`paramatlas estimate --json`, so the two cannot drift apart.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from ..data.records import Hardware, Model, PrefillGroup, PrefillModel, SpeedGroup
from ..estimate import fit, memory
from ..estimate.parameters import (
    delta_layer_count,
    mla_layer_count,
    moe_layer_count,
    recurrent_layer_count,
    tied_head_parameters,
)
from ..estimate.plan import DEFAULT_CONTEXT, DEFAULT_KV_QUANT, DEFAULT_QUANT
from ..estimate.report import model_max_context
from ..estimate.speed import (
    GB,
    INTEGER_MATMUL_BACKENDS,
    INTEGER_MATMUL_KINDS,
    device_backend,
    prefill_device_group,
    speed_group,
)
from .describe import architecture_phrase
from .guidance import (
    GUIDANCE_CONTEXT,
    MIN_RECOMMENDED_BITS,
    OFFLOAD_QUANTS,
    RECOMMENDED_OFFLOAD,
    USABLE_TOKENS_PER_S,
    USUAL_FOUR_BITS,
    Guide,
)
from .inert import plain

CALCULATOR_FILE = "api/calculator.json"
MODELS_FILE = "api/calculator-models.json"
# Context lengths the calculator offers in its list (any other can be typed).
CONTEXT_CHOICES = (2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576)


def _group(group: SpeedGroup) -> dict[str, Any]:
    return {
        "calibrated": group.calibrated,
        "rows": group.rows,
        "devices": group.devices,
        "efficiency": group.decode.efficiency,
        "kv_efficiency": group.decode.kv_efficiency,
        "layer_seconds": group.decode.layer_seconds,
        "moe_layer_seconds": group.decode.moe_layer_seconds,
        "delta_layer_seconds": group.decode.delta_layer_seconds,
        "mla_layer_seconds": group.decode.mla_layer_seconds,
        "core_gb_s": group.decode.core_gb_s,
        "spread": [group.decode_spread.low, group.decode_spread.high],
    }


def _prefill_group(group: PrefillGroup) -> dict[str, Any]:
    return {
        "calibrated": group.calibrated,
        "utilisation": group.utilisation,
        "spread": [group.spread.low, group.spread.high],
    }


def _prefill(model: PrefillModel | None) -> dict[str, Any] | None:
    if model is None:
        return None
    return {
        "expert_cost": model.expert_cost,
        "recurrent_layer_flops": model.recurrent_layer_flops,
        "groups": {name: _prefill_group(model.group(name)) for name in model.groups},
        "pooled": _prefill_group(model.pooled),
    }


def _device(device: Hardware) -> dict[str, Any]:
    backend = device_backend(device)
    return {
        "id": device.id,
        "name": device.name,
        "kind": device.kind,
        "memory_bytes": device.memory_bytes,
        "usable_bytes": fit.usable_memory(device).bytes,
        "bandwidth_gb_s": device.bandwidth_gb_s,
        "fp16_tflops": device.fp16_tflops,
        "int8_tops": device.int8_tops,
        "cpu_cores": device.cpu_cores,
        "integer_matmul": backend in INTEGER_MATMUL_BACKENDS,
        "cpu_backend": backend == "CPU",
        "group": speed_group(backend, device),
        "prefill_group": prefill_device_group(backend, device),
    }


def calculator_data(guide: Guide) -> dict[str, Any]:
    """Everything the calculator shares across model pages: `api/calculator.json`."""
    model = guide.speed_model
    groups = {name: _group(model.group(name)) for name in model.groups}
    hosts = {"desktop": guide.host, "server": guide.server_host}
    return {
        "constants": {
            "usable_tokens_per_s": USABLE_TOKENS_PER_S,
            "min_recommended_bits": MIN_RECOMMENDED_BITS,
            "usual_four_bits": USUAL_FOUR_BITS,
            "recommended_offload": list(RECOMMENDED_OFFLOAD),
            "offload_quants": list(OFFLOAD_QUANTS),
            "guidance_context": GUIDANCE_CONTEXT,
            "gb": GB,
            "gib": memory.GIB,
            "runtime_base_bytes": memory.RUNTIME_BASE_BYTES,
            "micro_batch_tokens": memory.MICRO_BATCH_TOKENS,
            "state_bytes_per_element": memory.STATE_BYTES_PER_ELEMENT,
            "display_reserve_bytes": fit.DISPLAY_RESERVE_BYTES,
            "unified_fraction": fit.UNIFIED_FRACTION,
            "unified_os_reserve_bytes": fit.UNIFIED_OS_RESERVE_BYTES,
            "cpu_os_reserve_bytes": fit.CPU_OS_RESERVE_BYTES,
            "cpu_os_reserve_fraction": fit.CPU_OS_RESERVE_FRACTION,
            "edge_fraction": fit.EDGE_FRACTION,
            "default_context": DEFAULT_CONTEXT,
            "default_quant": DEFAULT_QUANT,
            "default_kv_quant": DEFAULT_KV_QUANT,
            "context_choices": list(CONTEXT_CHOICES),
        },
        "quantizations": [
            {
                "id": quant.id,
                "bits": quant.bits_per_weight,
                "applies_to": quant.applies_to,
                "other_weights": quant.other_weights,
                "kv_cache": quant.kv_cache,
                "integer_matmul": quant.kind in INTEGER_MATMUL_KINDS,
            }
            for quant in guide.dataset.quantizations
        ],
        "devices": [_device(device) for device in guide.dataset.hardware if device.kind != "cpu"]
        + [_device(device) for device in guide.dataset.hardware if device.kind == "cpu"],
        "hosts": {
            name: {
                "id": host.id,
                "name": host.name,
                "usable_bytes": fit.usable_memory(host).bytes,
                "bandwidth_gb_s": host.bandwidth_gb_s,
            }
            for name, host in hosts.items()
            if host is not None
        },
        "speed": {
            "groups": groups,
            "pooled": _group(model.group("unknown")),
            "host_efficiency": model.host_efficiency,
            "host_spread": [model.host_spread.low, model.host_spread.high],
        },
        "prefill": _prefill(model.prefill),
    }


def calculator_model(guide: Guide, model: Model) -> dict[str, Any]:
    """What one model page's calculator needs of its model."""
    arch = model.architecture
    breakdown = guide.breakdown(model)
    layout = memory.cache_layout(arch)
    experts = arch.experts
    widest = max(
        arch.hidden_size,
        arch.intermediate_size or 0,
        experts.expert_intermediate_size * experts.routed_per_token if experts else 0,
    )
    candidates = [quant.id for quant in guide.candidates(model)]
    has_experts = experts is not None
    return {
        "id": model.id,
        "name": model.name,
        "native_precision": model.native_precision,
        "context_length": model.context_length,
        "max_context": model_max_context(model),
        "formats": [
            quant.id
            for quant in guide.dataset.quantizations
            if quant.applies_to == "all" or has_experts
        ],
        "recommended": candidates,
        "default_quant": DEFAULT_QUANT if DEFAULT_QUANT in candidates else candidates[0],
        "params": {
            "embedding": breakdown.embedding,
            "tied_head": tied_head_parameters(arch),
            "ple_tables": breakdown.ple_tables,
            "routed_experts": breakdown.routed_experts,
            "routed_experts_active": breakdown.routed_experts_active,
            "effective": breakdown.effective,
            "active": breakdown.active,
        },
        "layers": arch.layers,
        "moe_layers": moe_layer_count(arch),
        "delta_layers": delta_layer_count(arch),
        "mla_layers": mla_layer_count(arch),
        "recurrent_layers": recurrent_layer_count(arch),
        "attention_width": arch.attention.heads * arch.attention.head_dim,
        "cache": _cache(layout),
        "overhead": {"widest": widest, "vocab_size": arch.vocab_size},
        "family": model.family,
        "architecture": architecture_phrase(model),
        "counts": {
            "total": model.parameters.total.value,
            "effective": model.parameters.effective.value,
            "active": model.parameters.active.value,
            "ple": model.parameters.ple.value if model.parameters.ple else None,
            "approximate": {
                name: count.approximate
                for name, count in (
                    ("total", model.parameters.total),
                    ("effective", model.parameters.effective),
                    ("active", model.parameters.active),
                )
            },
        },
    }


def _cache(layout: memory.CacheLayout) -> dict[str, Any]:
    """The cache layout; DeepSeek-V4's compressed layers only where a model has them."""
    cache: dict[str, Any] = {
        "global_layers": layout.global_layers,
        "local_layers": layout.local_layers,
        "window": layout.window,
        "global_elements_per_token": layout.global_elements_per_token,
        "local_elements_per_token": layout.local_elements_per_token,
        "recurrent_layers": layout.recurrent_layers,
        "recurrent_state_elements": layout.recurrent_state_elements,
    }
    if layout.compressed:
        cache["compressed"] = [
            {
                "ratio": group.ratio,
                "layers": group.layers,
                "elements_per_entry": group.elements_per_entry,
            }
            for group in layout.compressed
        ]
    return cache


def calculator_models(guide: Guide) -> list[dict[str, Any]]:
    """Every model's block, for the pages that compare models or list what runs on a device."""
    return [calculator_model(guide, model) for model in guide.dataset.models]


_KIND_GROUPS = (
    ("discrete-gpu", "Graphics cards"),
    ("unified-memory", "Unified memory (Apple, AMD, NVIDIA)"),
    ("datacenter", "Datacenter accelerators"),
    ("edge-soc", "Phones and boards"),
    ("cpu", "CPUs with system RAM"),
)
# What the results show: the `estimate --json` key each output carries, and its label.
OUTPUTS = (
    ("fit", "Verdict"),
    ("offload", "In system RAM"),
    ("weights_bytes", "Weights"),
    ("kv_cache_bytes", "KV cache"),
    ("overhead_bytes", "Overhead"),
    ("total_bytes", "Total"),
    ("accelerator_bytes", "On the device"),
    ("host_bytes", "In system RAM"),
    ("max_context", "Longest context that fits fully"),
    ("decode_tokens_per_s", "Decode (tokens/s)"),
    ("decode_tokens_per_s_bound", "Decode bound (tokens/s)"),
    ("prefill_tokens_per_s", "Prefill (tokens/s)"),
)


def _json_for_script(value: Any) -> str:
    """JSON that nothing between the data and the browser can act on: inside strings every
    character but letters, digits and spaces is a \\u escape, so it cannot end the <script>
    element, and no Markdown preprocessor (critic marks, snippets) finds its syntax in it."""
    if isinstance(value, str):
        return (
            '"' + "".join(c if c.isalnum() or c == " " else f"\\u{ord(c):04x}" for c in value) + '"'
        )
    if isinstance(value, dict):
        items = ",".join(
            f"{_json_for_script(str(k))}:{_json_for_script(v)}" for k, v in value.items()
        )
        return "{" + items + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_json_for_script(item) for item in value) + "]"
    return json.dumps(value)


def _options(items: list[tuple[str, str]], selected: str | None = None) -> str:
    return "".join(
        f'<option value="{plain(value)}"{" selected" if value == selected else ""}>'
        f"{plain(label)}</option>"
        for value, label in items
    )


def calculator_html(guide: Guide, model: Model, api_href: str) -> Markup:
    """The calculator's form and outputs; hidden until its script has loaded the numbers, so a
    page without JavaScript shows only the static tables above it."""
    data = calculator_model(guide, model)
    kv_formats = [(q.id, q.id) for q in guide.dataset.quantizations if q.kv_cache]
    formats = [(q, q) for q in data["formats"]]
    outputs = "".join(
        f'<dt>{plain(label)}</dt><dd data-pa-output="{key}" data-value="">—</dd>'
        for key, label in OUTPUTS
    )
    contexts = "".join(f'<option value="{c}"></option>' for c in CONTEXT_CHOICES)
    return Markup(
        f'<div class="pa-calculator" data-api="{plain(api_href)}" hidden>'
        '<form class="pa-calculator-form" aria-label="Calculator inputs">'
        f'<label>Device <select name="device"><option value="">No device: memory only</option>'
        f'{_device_options(guide)}<option value="custom">Custom device…</option></select></label>'
        f"{_custom_fields()}"
        '<label>GPUs <input name="gpus" type="number" min="1" max="16" value="1"></label>'
        f'<label>Weights <select name="quant">{_options(formats, data["default_quant"])}'
        "</select></label>"
        f'<label>Context (tokens) <input name="context" type="number" min="1" '
        f'max="{data["max_context"]}" value="{DEFAULT_CONTEXT}" list="pa-contexts">'
        f'<datalist id="pa-contexts">{contexts}</datalist></label>'
        f'<label>KV cache <select name="kv">{_options(kv_formats, DEFAULT_KV_QUANT)}'
        "</select></label></form>"
        '<div class="pa-calculator-results" aria-live="polite">'
        '<p class="pa-calculator-message"></p>'
        f'<dl class="pa-calculator-outputs">{outputs}</dl>'
        '<p class="pa-calculator-note"></p></div>'
        f'<script type="application/json" class="pa-calculator-model">{_json_for_script(data)}'
        "</script></div>"
    )


def _device_options(guide: Guide) -> str:
    return "".join(
        f'<optgroup label="{plain(label)}">'
        + _options([(d.id, d.name) for d in guide.dataset.hardware if d.kind == kind])
        + "</optgroup>"
        for kind, label in _KIND_GROUPS
        if any(device.kind == kind for device in guide.dataset.hardware)
    )


def _custom_fields() -> str:
    kinds = _options([(kind, label) for kind, label in _KIND_GROUPS])
    return (
        '<fieldset class="pa-custom" hidden><legend>Custom device</legend>'
        '<label>Memory (GiB) <input name="mem" type="number" min="0.5" step="any"></label>'
        '<label>Bandwidth (GB/s) <input name="bw" type="number" min="1" step="any"></label>'
        f'<label>Kind <select name="kind">{kinds}</select></label></fieldset>'
    )


MODEL_PLACEHOLDER = "MODELID"
"""Stands for a model id in the link pattern the tools' pages carry (`data-model-link`)."""


def runner_html(guide: Guide, api_href: str, models_href: str, model_link: str) -> Markup:
    """The "what can I run" tool: a device, GPUs and a context in; every model that runs out."""
    contexts = "".join(f'<option value="{c}"></option>' for c in CONTEXT_CHOICES)
    return Markup(
        f'<div class="pa-runner" data-api="{plain(api_href)}" data-models="{plain(models_href)}"'
        f' data-model-link="{plain(model_link)}"'
        ' hidden><form class="pa-calculator-form" aria-label="Your hardware">'
        # No device is preselected: the first in the list would be an arbitrary answer.
        '<label>Device <select name="device"><option value="">Choose a device…</option>'
        f'{_device_options(guide)}<option value="custom">Custom device…</option></select></label>'
        f"{_custom_fields()}"
        '<label>GPUs <input name="gpus" type="number" min="1" max="16" value="1"></label>'
        f'<label>Context (tokens) <input name="context" type="number" min="1" '
        f'value="{GUIDANCE_CONTEXT}" list="pa-runner-contexts">'
        f'<datalist id="pa-runner-contexts">{contexts}</datalist></label></form>'
        '<p class="pa-calculator-message" aria-live="polite"></p>'
        '<form class="pa-tools" role="search" aria-label="Filter the models">'
        '<label>Name contains <input name="filter" type="search"></label>'
        '<label>Verdict <select name="verdict"><option value="">All</option>'
        '<option value="fits">fits</option><option value="offload">offload</option></select>'
        '</label><output aria-live="polite"></output></form>'
        # No class: Material styles and wraps the table like every other; `data-pa-stack` turns
        # its rows into cards on a phone, as on the device and model pages.
        "<table data-pa-stack><thead><tr><th>Model</th>"
        "<th>Total</th><th>Active</th><th>Recommended</th><th>Verdict</th>"
        "<th>Decode tokens/s</th><th>Longest context</th></tr></thead><tbody></tbody></table>"
        "</div>"
    )


def compare_html(guide: Guide, api_href: str, models_href: str, model_link: str) -> Markup:
    """The comparison tool: two to four models side by side, on a device of the reader's."""
    models = _options([(m.id, m.name) for m in guide.dataset.models])
    return Markup(
        f'<div class="pa-compare" data-api="{plain(api_href)}" data-models="{plain(models_href)}"'
        f' data-model-link="{plain(model_link)}"'
        ' hidden><form class="pa-calculator-form" aria-label="Models and hardware to compare">'
        f'<label>Add a model <select name="add"><option value="">Choose…</option>{models}'
        "</select></label>"
        f'<label>Device <select name="device"><option value="">No device: memory only</option>'
        f"{_device_options(guide)}</select></label>"
        '<label>Weights <select name="quant"><option value="recommended">Recommended per model'
        f"</option>{_options([(q.id, q.id) for q in guide.dataset.quantizations])}</select>"
        "</label>"
        f'<label>Context (tokens) <input name="context" type="number" min="1" '
        f'value="{GUIDANCE_CONTEXT}"></label></form>'
        '<p class="pa-calculator-message" aria-live="polite"></p>'
        '<div class="pa-compare-table"></div></div>'
    )
