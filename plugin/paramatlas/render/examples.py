"""Worked examples for glossary terms, computed from the dataset so they never go stale."""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from ..data.records import GlossaryTerm, Hardware, Model
from ..estimate.memory import cache_layout
from . import numbers
from .describe import explain_name
from .diagrams import moe_routing, ple_lookup
from .guidance import Guide
from .inert import plain
from .templating import link

CONTEXT = 32768
Example = dict[str, str]


def worked_example(guide: Guide, term: GlossaryTerm) -> dict[str, Markup] | None:
    """The term's worked example as Markdown; data strings in it are escaped where inserted."""
    if term.example is None or term.example_model is None:
        return None
    model = guide.dataset.model(term.example_model)
    example = _EXAMPLES[term.example](guide, model)
    draw = _PICTURES.get(term.example)
    picture = draw(model, f"{term.id}-picture") if draw else None
    return {
        "title": plain(example["title"]),
        "body": Markup(example["body"]),
        "picture": picture or Markup(""),
    }


def _link(model: Model) -> str:
    return link(model.name, f"../models/{model.id}.md")


def _device_link(device: Hardware) -> str:
    return link(device.name, f"../hardware/{device.id}.md")


def _parameter_split(guide: Guide, model: Model) -> Example:
    counts = model.parameters
    share = counts.active.value / counts.total.value
    return {
        "title": model.name,
        "body": f"{_link(model)} stores **{numbers.count(counts.total)}** parameters "
        "(total). Leaving out per-layer embedding tables gives "
        f"**{numbers.count(counts.effective)}** effective, and one token computes with "
        f"**{numbers.count(counts.active)}** active: "
        f"{share:.0%} of the total. Memory follows the first number, decode speed the last.",
    }


def _ple_split(guide: Guide, model: Model) -> Example:
    counts = model.parameters
    ple = counts.ple
    if ple is None:
        return _parameter_split(guide, model)
    return {
        "title": model.name,
        "body": f"{_link(model)} has **{numbers.count(counts.total)}** parameters in total, of "
        f"which **{numbers.count(ple)}** sit in per-layer embedding tables. Subtracting them "
        f"leaves **{numbers.count(counts.effective)}** effective parameters: the part that "
        "multiplies, and the part that must be in fast memory when the tables stay in system RAM.",
    }


def _expert_split(guide: Guide, model: Model) -> Example:
    experts = model.architecture.experts
    counts = model.parameters
    if experts is None:
        return _parameter_split(guide, model)
    idle = counts.total.value - counts.active.value
    shared = (
        f" plus {experts.shared} shared expert{'s' if experts.shared > 1 else ''}"
        if (experts.shared)
        else ""
    )
    return {
        "title": model.name,
        "body": f"Each MoE layer of {_link(model)} holds {experts.routed} routed experts; the "
        f"router sends every token to {experts.routed_per_token} of them{shared}. So "
        f"**{numbers.count(counts.active)}** of **{numbers.count(counts.total)}** parameters "
        f"work per token, and {numbers.params(idle)} wait for other tokens — but must stay in "
        "memory, because the next token may choose differently.",
    }


def _kv_cache(guide: Guide, model: Model) -> Example:
    quant = guide.candidates(model)[0]
    plan = guide.estimate(model, quant, CONTEXT, None).plan
    layout = cache_layout(model.architecture)
    per_token = plan.kv_cache / CONTEXT
    return {
        "title": f"{model.name} at {numbers.context(CONTEXT)} tokens",
        "body": f"{_link(model)} caches {layout.global_elements_per_token:,} numbers per token in "
        f"each of its {layout.global_layers + layout.local_layers} caching layers. In "
        f"{guide.kv_quant.id} that is about {per_token / 1024:.0f} KiB per token, "
        f"**{numbers.gib(plan.kv_cache, 2)} GiB** for {numbers.context(CONTEXT)} tokens of "
        f"context, on top of {numbers.gib(plan.weights.total)} GiB of {quant.id} weights.",
    }


def _sliding_window(guide: Guide, model: Model) -> Example:
    arch = model.architecture
    layout = cache_layout(arch)
    quant = guide.kv_quant
    actual = guide.estimate(model, guide.candidates(model)[0], CONTEXT, None).plan
    bytes_per = quant.bits_per_weight / 8
    naive = (
        (layout.global_layers + layout.local_layers)
        * max(layout.global_elements_per_token, layout.local_elements_per_token)
        * CONTEXT
        * bytes_per
    )
    return {
        "title": f"{model.name} at {numbers.context(CONTEXT)} tokens",
        "body": f"{_link(model)} has {layout.local_layers} sliding-window layers that keep only "
        f"the last {numbers.context(layout.window or 0)} tokens and {layout.global_layers} global "
        f"layers that keep all of them. Its KV cache at {numbers.context(CONTEXT)} tokens is "
        f"**{numbers.gib(actual.kv_cache, 2)} GiB**; sizing every layer at full context would "
        f"say {numbers.gib(naive, 2)} GiB.",
    }


def _gqa(guide: Guide, model: Model) -> Example:
    attention = model.architecture.attention
    plan = guide.estimate(model, guide.candidates(model)[0], CONTEXT, None).plan
    ratio = attention.heads / attention.kv_heads
    return {
        "title": model.name,
        "body": f"{_link(model)} has {attention.heads} query heads sharing {attention.kv_heads} "
        f"key/value heads. Its KV cache at {numbers.context(CONTEXT)} tokens is "
        f"**{numbers.gib(plan.kv_cache, 2)} GiB**; with one KV head per query head it would be "
        f"{ratio:g} times larger, {numbers.gib(plan.kv_cache * ratio, 1)} GiB.",
    }


def _mla(guide: Guide, model: Model) -> Example:
    attention = model.architecture.attention
    mla = attention.mla
    if mla is None:
        return _kv_cache(guide, model)
    latent = mla.kv_lora_rank + mla.qk_rope_head_dim
    full = 2 * attention.heads * (mla.qk_nope_head_dim + mla.qk_rope_head_dim)
    return {
        "title": model.name,
        "body": f"Per token and layer, {_link(model)} caches one latent vector of {latent} "
        f"numbers ({mla.kv_lora_rank} compressed plus {mla.qk_rope_head_dim} rotary) instead of "
        f"keys and values for {attention.heads} heads, about {full:,} numbers: "
        f"**{full / latent:.0f} times less** cache.",
    }


def _quantization(guide: Guide, model: Model) -> Example:
    lines = []
    for quant_id in ("BF16", "Q8_0", "Q4_K_M", "Q2_K"):
        quant = guide.quantizations.get(quant_id)
        if quant is None:
            continue
        plan = guide.estimate(model, quant, 4096, None).plan
        lines.append(
            f"| {quant.id} | {quant.bits_per_weight:g} | {numbers.gib(plan.weights.total)} |"
        )
    table = "| Format | Bits per weight | Weights (GiB) |\n| --- | ---: | ---: |\n" + "\n".join(
        lines
    )
    return {"title": f"{model.name}'s weights", "body": f"{_link(model)}:\n\n{table}"}


def _decode_bound(guide: Guide, model: Model) -> Example:
    hardware = guide.dataset.hardware
    device = next((d for d in hardware if d.id == "rtx-4090"), hardware[0])
    result = guide.estimate(model, guide.quantizations["Q4_K_M"], 4096, device)
    plan = result.plan
    placement = plan.placement
    assert placement is not None
    read = placement.accelerator_read_per_token + placement.host_read_per_token
    verdict = placement.fit + (f", offloading {placement.offload}" if placement.offload else "")
    return {
        "title": f"{model.name} on {device.name}",
        "body": f"At Q4_K_M, each token of {_link(model)} reads about {numbers.gib(read, 2)} GiB "
        f"of weights and cache. At the {device.bandwidth_gb_s:g} GB/s of {_device_link(device)} "
        "that allows at most "
        f"**{numbers.tokens_per_s(plan.decode_tokens_per_s_bound)} tokens/s** ({verdict}).",
    }


def _prefill(guide: Guide, model: Model) -> Example:
    plan = guide.estimate(model, guide.quantizations["Q4_K_M"], 4096, None).plan
    return {
        "title": model.name,
        "body": f"Processing a prompt costs about 2 FLOPs per active weight per token: for "
        f"{_link(model)} about **{plan.prefill_flops_per_token / 1e9:.0f} GFLOPs per token** at "
        "4K context. A GPU with 100 TFLOPS of FP16 could at best process "
        f"{100e12 / plan.prefill_flops_per_token:,.0f} prompt tokens per second.",
    }


def _offload(guide: Guide, model: Model) -> Example:
    for device in sorted(guide.dataset.hardware, key=lambda d: d.memory_gib):
        guidance = guide.best(model, device)
        if guidance.fit == "offload" and guidance.result and guidance.result.plan.placement:
            placement = guidance.result.plan.placement
            return {
                "title": f"{model.name} on {device.name}",
                "body": f"{_link(model)} does not fit in the {device.memory_gib:g} GiB of "
                f"{_device_link(device)}. Keeping "
                f"{placement.offload} in system RAM "
                f"({numbers.gib(placement.host_bytes)} GiB) leaves "
                f"{numbers.gib(placement.accelerator_bytes)} GiB on the GPU, for an estimated "
                f"**{numbers.tokens_per_s(guidance.result.decode_tokens_per_s)} tokens/s**.",
            }
    return _parameter_split(guide, model)


def _name_decoding(guide: Guide, model: Model) -> Example:
    lines = explain_name(model.name) or [f"*{plain(model.name)}* makes no size claim."]
    return {"title": model.name, "body": "\n".join(f"- {line}" for line in lines)}


_EXAMPLES: dict[str, Callable[[Guide, Model], Example]] = {
    "parameter-split": _parameter_split,
    "ple-split": _ple_split,
    "expert-split": _expert_split,
    "kv-cache": _kv_cache,
    "sliding-window": _sliding_window,
    "gqa": _gqa,
    "mla": _mla,
    "quantization": _quantization,
    "decode-bound": _decode_bound,
    "prefill": _prefill,
    "offload": _offload,
    "name-decoding": _name_decoding,
}

_PICTURES: dict[str, Callable[[Model, str], Markup | None]] = {
    "ple-split": ple_lookup,
    "expert-split": moe_routing,
}
