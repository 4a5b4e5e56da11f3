"""Words for records: a model's architecture in one phrase, and what its name says."""

from __future__ import annotations

from ..data.names import NameClaim, read_name
from ..data.records import Model
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
    phrase = names[attention.kind]
    if attention.sliding_window:
        if attention.layer_pattern:
            local, global_ = attention.layer_pattern
            phrase += (
                f"; {local} sliding-window layer{'s' if local > 1 else ''} "
                f"({numbers.context(attention.sliding_window)} tokens) per {global_} global"
            )
        else:
            phrase += f"; every layer sees a {numbers.context(attention.sliding_window)} window"
    if attention.kv_shared_layers:
        phrase += f"; the last {attention.kv_shared_layers} layers reuse earlier KV"
    return phrase


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
