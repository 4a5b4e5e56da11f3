"""Words for records: a model's architecture in one phrase, and what its name says."""

from __future__ import annotations

from ..data.names import NameClaim, read_name
from ..data.records import Model
from ..estimate.parameters import COMPRESS_OVERLAP_RATIO
from . import numbers


def architecture_phrase(model: Model) -> str:
    """`Dense`, `Dense + PLE (PLE ~2.8B)` or `MoE: 128 experts + 1 shared; 8 + 1 shared active
    per token`, as the seed table writes them."""
    arch = model.architecture
    hybrid = ""
    if arch.linear_attention is not None:
        kind = {"gated-deltanet": "Gated DeltaNet", "mamba2": "Mamba-2"}.get(
            arch.linear_attention.kind, "linear attention"
        )
        hybrid = f" + {kind} hybrid"
    if arch.experts is None:
        ple = model.parameters.ple
        if ple is not None:
            return f"Dense + PLE (PLE {numbers.count(ple)}){hybrid}"
        return f"Dense{hybrid}"
    experts = arch.experts
    routed = f"{experts.routed} experts"
    active = f"{experts.routed_per_token}"
    if experts.shared:
        routed += f" + {experts.shared} shared"
        active += f" + {experts.shared} shared"
    return f"MoE{hybrid}: {routed}; {active} active per token"


def attention_phrase(model: Model) -> str:
    attention = model.architecture.attention
    names = {
        "mha": "multi-head attention",
        "gqa": f"grouped-query attention ({attention.heads} query heads, "
        f"{attention.kv_heads} KV heads)",
        "mqa": f"multi-query attention ({attention.heads} query heads, one KV head)",
        "mla": "multi-head latent attention",
    }
    phrase = names[attention.kind] + _projections_phrase(model)
    if attention.sliding_window:
        if attention.layer_pattern:
            local, global_ = attention.layer_pattern
            phrase += (
                f"; {local} sliding-window layer{'s' if local > 1 else ''} "
                f"({numbers.context(attention.sliding_window)} tokens) per {global_} global"
            )
        elif attention.compress_ratios:
            phrase += (
                f"; every layer keeps a {numbers.context(attention.sliding_window)}-token window"
            )
        else:
            phrase += f"; every layer sees a {numbers.context(attention.sliding_window)} window"
    if attention.kv_shared_layers:
        phrase += f"; the last {attention.kv_shared_layers} layers reuse earlier KV"
    phrase += _compression_phrase(model)
    if attention.indexer is not None and not attention.compress_ratios:
        phrase += (
            f"; a lightning indexer ({attention.indexer.heads} heads × "
            f"{attention.indexer.head_dim}) picks the cached tokens each layer reads"
        )
    return phrase


def _projections_phrase(model: Model) -> str:
    """Low-rank query and output projections, and a shared K/V projection (DeepSeek-V4)."""
    attention = model.architecture.attention
    parts = []
    if attention.q_lora_rank:
        parts.append(f"low-rank query (rank {attention.q_lora_rank:,})")
    if attention.o_groups and attention.o_lora_rank:
        parts.append(f"output in {attention.o_groups} groups of rank {attention.o_lora_rank:,}")
    if attention.k_equals_v:
        parts.append("one projection serves as key and value")
    return f", {', '.join(parts)}" if parts else ""


def _compression_phrase(model: Model) -> str:
    """Which layers add compressed KV entries on top of their window (DeepSeek-V4)."""
    attention = model.architecture.attention
    ratios = attention.compress_ratios
    if not ratios:
        return ""
    groups = []
    for ratio in sorted(set(ratios) - {0}):
        layers = ratios.count(ratio)
        text = f"{layers} layer{'s' if layers > 1 else ''} add one entry per {ratio} tokens"
        if attention.indexer is not None and ratio == COMPRESS_OVERLAP_RATIO:
            text += (
                f", read through an indexer ({attention.indexer.heads} heads × "
                f"{attention.indexer.head_dim})"
            )
        groups.append(text)
    return "; " + "; ".join(groups)


def explain_claim(claim: NameClaim) -> str:
    """One sentence on what a size token in a name means."""
    size = numbers.params(claim.value)
    if claim.kind == "effective":
        return (
            f"**{claim.token}**: about {size} *effective* parameters: the total minus the "
            "per-layer embedding tables, which are looked up rather than multiplied."
        )
    if claim.kind == "active":
        return (
            f"**{claim.token}**: about {size} *active* parameters: the weights that compute for "
            "one token."
        )
    if claim.kind == "experts":
        return f"**{claim.token}**: {int(claim.value)} routed experts per MoE layer."
    if claim.kind == "expert-size":
        return (
            f"**{claim.token}**: experts of about {size} each, counted with the attention and "
            "embeddings they share — so the total is less than the product."
        )
    return f"**{claim.token}**: about {size} parameters in total."


def explain_name(name: str) -> list[str]:
    """Sentences explaining each size claim in `name` (empty when it makes none)."""
    return [explain_claim(claim) for claim in read_name(name)]
