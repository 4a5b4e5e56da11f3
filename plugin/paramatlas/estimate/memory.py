"""Memory a model needs: weights in a quantization, KV cache at a context length, runtime overhead.

Everything is in bytes. Weights are sized per component, so formats that quantize only some tensors
(MXFP4 on gpt-oss experts) and components a runtime keeps apart (per-layer embedding tables,
routed experts) are handled where they are, not as one lump.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..data.records import Architecture, Attention, LinearAttention, Model, Quantization
from .parameters import (
    COMPRESS_OVERLAP_RATIO,
    ParameterBreakdown,
    count_parameters,
    mamba_inner_width,
    pattern_split,
    tied_head_parameters,
)

GIB = 2**30
# Recurrent state of linear-attention layers is kept in F32 by llama.cpp.
STATE_BYTES_PER_ELEMENT = 4
# llama.cpp processes prompts in micro-batches of 512 tokens by default (-ub 512).
MICRO_BATCH_TOKENS = 512
# The runtime's own allocations (CUDA/Metal context, graph, scratch) before any model tensor.
RUNTIME_BASE_BYTES = 300 * 2**20


@dataclass(frozen=True)
class WeightBytes:
    """Weight bytes by where a runtime may place them and what decoding one token reads."""

    embedding: int
    """The input embedding table: a lookup reads one row per token."""
    ple_tables: int
    """Per-layer embedding tables: lookups, kept in system RAM by llama.cpp."""
    routed_experts: int
    """All routed experts; only the top-k of each layer are read per token."""
    active_routed_experts: int
    """The routed experts one token reads (top-k per MoE layer)."""
    dense: int
    """Everything else: attention, dense FFN, shared experts, router, norms, output head."""
    tied_head: int = 0
    """The output head when tied to the embedding table: the same bytes, not counted again in
    `total`, but read in full every token, and kept on the GPU (llama.cpp loads a copy with the
    output layer) when the table itself sits in system RAM."""

    @property
    def total(self) -> int:
        return self.embedding + self.ple_tables + self.routed_experts + self.dense

    @property
    def read_per_token(self) -> int:
        """Bytes one decoding step reads: lookups read a row, not a table, but a tied output
        head multiplies by the whole of it."""
        return self.dense + self.active_routed_experts + self.tied_head


def bits_for_rest(
    model: Model, quant: Quantization, quantizations: dict[str, Quantization]
) -> float:
    """Bits per weight of the tensors a format leaves alone (MXFP4 quantizes experts only)."""
    if quant.applies_to == "all":
        return quant.bits_per_weight
    if quant.other_weights in quantizations:
        return quantizations[quant.other_weights].bits_per_weight
    native = quantizations.get(model.native_precision or "")
    if native is not None and native.applies_to == "all":
        return native.bits_per_weight
    return 16.0  # checkpoints whose own format is expert-only keep the rest in BF16


def weight_bytes(
    model: Model,
    quant: Quantization,
    quantizations: dict[str, Quantization],
    breakdown: ParameterBreakdown | None = None,
) -> WeightBytes:
    parts = breakdown or count_parameters(model.architecture)
    expert_bits = quant.bits_per_weight
    rest_bits = bits_for_rest(model, quant, quantizations)

    def size(params: int, bits: float) -> int:
        return round(params * bits / 8)

    dense_params = parts.effective - parts.embedding - parts.routed_experts
    return WeightBytes(
        embedding=size(parts.embedding, rest_bits),
        ple_tables=size(parts.ple_tables, rest_bits),
        routed_experts=size(parts.routed_experts, expert_bits),
        active_routed_experts=size(parts.routed_experts_active, expert_bits),
        dense=size(dense_params, rest_bits),
        tied_head=size(tied_head_parameters(model.architecture), rest_bits),
    )


@dataclass(frozen=True)
class CompressedLayers:
    """Layers that also cache one compressed entry per `ratio` tokens (DeepSeek-V4)."""

    ratio: int
    layers: int
    elements_per_entry: int


@dataclass(frozen=True)
class CacheLayout:
    """How many layers of each kind hold what per token, for the KV cache."""

    global_layers: int
    local_layers: int
    window: int | None
    global_elements_per_token: int
    local_elements_per_token: int
    recurrent_layers: int
    recurrent_state_elements: int
    compressed: tuple[CompressedLayers, ...] = ()


def cache_layout(arch: Architecture) -> CacheLayout:
    """Count the cache-holding layers: KV-shared layers add nothing, linear layers hold a state."""
    attention = arch.attention
    if arch.linear_attention is not None:
        recurrent, attention_layers = pattern_split(
            arch.layers, arch.linear_attention.layer_pattern
        )
    else:
        recurrent, attention_layers = 0, arch.layers
    caching_layers = attention_layers - attention.kv_shared_layers
    if attention.layer_pattern is not None and attention.sliding_window is not None:
        local, global_ = pattern_split(caching_layers, attention.layer_pattern)
    elif attention.sliding_window is not None:
        local, global_ = caching_layers, 0  # every layer uses the window (Mistral 7B)
    else:
        local, global_ = 0, caching_layers

    if attention.mla is not None:
        # MLA caches the compressed latent and the shared rotary key, not per-head K and V.
        per_token = attention.mla.kv_lora_rank + attention.mla.qk_rope_head_dim
        local_per_token = global_per_token = per_token
    else:
        local_per_token = _kv_tensors(attention) * attention.kv_heads * attention.head_dim
        global_per_token = local_per_token
        override = attention.global_layers
        if override is not None:
            kv_heads = override.kv_heads or attention.kv_heads
            head_dim = override.head_dim or attention.head_dim
            global_per_token = (
                (1 if override.k_equals_v else _kv_tensors(attention)) * kv_heads * head_dim
            )
    return CacheLayout(
        global_layers=global_,
        local_layers=local,
        window=attention.sliding_window,
        global_elements_per_token=global_per_token,
        local_elements_per_token=local_per_token,
        recurrent_layers=recurrent,
        recurrent_state_elements=_recurrent_state_elements(arch.linear_attention, arch.hidden_size),
        compressed=compressed_groups(attention),
    )


def _kv_tensors(attention: Attention) -> int:
    """Cached tensors per KV head: K and V, or one when a single projection serves as both."""
    return 1 if attention.k_equals_v else 2


def compressed_groups(attention: Attention) -> tuple[CompressedLayers, ...]:
    """DeepSeek-V4's compressed caches, grouped by ratio, on top of every layer's window.

    A layer of ratio r holds one entry per r tokens; a ratio-4 layer with an indexer also holds one
    indexer key per entry.
    """
    entry = _kv_tensors(attention) * attention.kv_heads * attention.head_dim
    index_key = attention.indexer.head_dim if attention.indexer is not None else 0
    return tuple(
        CompressedLayers(
            ratio=ratio,
            layers=attention.compress_ratios.count(ratio),
            elements_per_entry=entry + (index_key if ratio == COMPRESS_OVERLAP_RATIO else 0),
        )
        for ratio in sorted(set(attention.compress_ratios) - {0})
    )


def _recurrent_state_elements(linear: LinearAttention | None, hidden: int) -> int:
    """Elements of one linear layer's fixed state: the recurrent matrix plus the conv window."""
    if linear is None:
        return 0
    kernel = (linear.conv_kernel or 4) - 1
    if linear.kind == "mamba2":
        inner = mamba_inner_width(linear, hidden)
        heads = linear.value_heads or 1
        state = linear.state_size or 128
        conv_width = inner + 2 * (linear.groups or 1) * state
        return heads * (inner // heads) * state + conv_width * kernel
    key_width = (linear.key_heads or 0) * (linear.key_head_dim or 0)
    value_heads = linear.value_heads or 0
    value_dim = linear.value_head_dim or 0
    recurrent = value_heads * (linear.key_head_dim or 0) * value_dim
    conv_width = 2 * key_width + value_heads * value_dim
    return recurrent + conv_width * kernel


def kv_cache_bytes(arch: Architecture, context: int, kv_quant: Quantization) -> int:
    """KV cache for `context` tokens of one sequence, in bytes.

    Sliding-window layers hold at most the window; K = V global layers hold one tensor; layers that
    reuse another layer's KV hold nothing; linear-attention layers hold a fixed F32 state.
    """
    layout = cache_layout(arch)
    bytes_per_element = kv_quant.bits_per_weight / 8
    local_tokens = min(context, layout.window) if layout.window else context
    elements = (
        layout.global_layers * layout.global_elements_per_token * context
        + layout.local_layers * layout.local_elements_per_token * local_tokens
        + sum(
            group.layers * (context // group.ratio) * group.elements_per_entry
            for group in layout.compressed
        )
    )
    state = layout.recurrent_layers * layout.recurrent_state_elements * STATE_BYTES_PER_ELEMENT
    return round(elements * bytes_per_element) + state


def overhead_bytes(arch: Architecture, context: int) -> int:
    """Runtime overhead: the runtime's context plus compute buffers for one micro-batch.

    With flash attention the buffers hold the micro-batch's activations and its logits; the
    attention mask grows with context. Estimated, not measured: see the Methodology page.
    """
    micro_batch = min(MICRO_BATCH_TOKENS, context)
    widest = max(
        arch.hidden_size,
        arch.intermediate_size or 0,
        arch.experts.expert_intermediate_size * arch.experts.routed_per_token
        if arch.experts
        else 0,
    )
    activations = micro_batch * widest * 4 * 2
    logits = micro_batch * arch.vocab_size * 4
    mask = micro_batch * context * 2
    return RUNTIME_BASE_BYTES + activations + logits + mask
