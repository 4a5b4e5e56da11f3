"""Parameter counts derived from hyperparameters, with a breakdown by component.

Convention for derived counts (documented on the Methodology page): *active* counts every weight
that takes part in computing one token — input embedding row and output head included, as Mistral
and Qwen count — plus the top-k routed experts and the shared experts of every MoE layer. Per-layer
embedding tables are looked up, not multiplied, so they count toward total only; multi-token
prediction layers are not used for ordinary decoding and count toward neither unless stated.
Vendors who leave the embedding (OpenAI, DeepSeek) or the embedding and head (Zhipu) out of
"active" are matched by :func:`active_variants`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..data.records import Architecture, Attention, Experts, LinearAttention


@dataclass(frozen=True)
class ParameterBreakdown:
    """Parameters of the text model by component, and what one token uses of each."""

    embedding: int
    head: int
    attention: int
    linear_attention: int
    dense_ffn: int
    routed_experts: int
    routed_experts_active: int
    shared_experts: int
    router: int
    norms: int
    ple_tables: int
    ple_projections: int
    mtp: int
    residual_blocks: int = 0
    """AltUp's stream predictors and projections and LAuReL's low-rank residuals (Gemma 3n)."""

    @property
    def total(self) -> int:
        """Every text-model weight in the checkpoint, without MTP layers."""
        return (
            self.embedding
            + self.head
            + self.attention
            + self.linear_attention
            + self.dense_ffn
            + self.routed_experts
            + self.shared_experts
            + self.router
            + self.norms
            + self.ple_tables
            + self.ple_projections
            + self.residual_blocks
        )

    @property
    def effective(self) -> int:
        return self.total - self.ple_tables

    @property
    def active(self) -> int:
        return self.effective - self.routed_experts + self.routed_experts_active

    def as_dict(self) -> dict[str, int]:
        return {item.name: getattr(self, item.name) for item in fields(self)}


def active_variants(breakdown: ParameterBreakdown) -> dict[str, int]:
    """Derived active counts under each vendor convention, keyed by a phrase describing it."""
    return {
        "with input embedding and output head": breakdown.active,
        "without the input embedding": breakdown.active - breakdown.embedding,
        "without input embedding and output head": breakdown.active
        - breakdown.embedding
        - breakdown.head,
    }


def pattern_split(layers: int, pattern: tuple[int, int]) -> tuple[int, int]:
    """Split `layers` by an `a:b` pattern, the `b` kind closing each group of a+b layers.

    Gemma 3's 62 layers at 5:1 give 52 local and 10 global layers (layers 6, 12, … 60 are global).
    """
    first, second = pattern
    group = first + second
    whole, rest = divmod(layers, group)
    second_count = whole * second + max(0, rest - first)
    return layers - second_count, second_count


def count_parameters(arch: Architecture) -> ParameterBreakdown:
    hidden = arch.hidden_size
    layers = arch.layers
    attention_layers, linear_layers = _attention_layer_counts(arch)
    local_layers, global_layers = _local_global_counts(arch.attention, attention_layers)

    attention = local_layers * _attention_params(arch.attention, hidden, is_global=False)
    attention += global_layers * _attention_params(arch.attention, hidden, is_global=True)
    attention += _compressor_params(arch.attention, hidden) + _indexer_params(arch, hidden)
    linear = linear_layers * _linear_attention_params(arch.linear_attention, hidden)

    moe_layers = moe_layer_count(arch)
    dense_layers = layers - moe_layers
    ffn_matrices = 3 if arch.ffn_gated else 2
    dense_ffn = dense_layers * ffn_matrices * hidden * (arch.intermediate_size or 0)
    if arch.kv_shared_intermediate_size is not None:
        widening = arch.kv_shared_intermediate_size - (arch.intermediate_size or 0)
        dense_ffn += arch.attention.kv_shared_layers * ffn_matrices * hidden * widening

    routed = routed_active = shared = router = 0
    if arch.experts is not None:
        experts = arch.experts
        per_expert = _expert_params(experts, hidden, experts.expert_intermediate_size)
        routed = moe_layers * experts.routed * per_expert
        routed_active = moe_layers * experts.routed_per_token * per_expert
        shared_width = experts.shared_intermediate_size or experts.expert_intermediate_size
        shared = moe_layers * experts.shared * _expert_params(experts, hidden, shared_width)
        router = moe_layers * hidden * experts.routed

    norms = layers * 2 * hidden + hidden
    embedding = arch.vocab_size * hidden
    head = 0 if arch.tie_word_embeddings else arch.vocab_size * hidden

    ple_tables = ple_projections = 0
    if arch.ple_dim is not None:
        ple_vocab = arch.ple_vocab_size or arch.vocab_size
        ple_tables = ple_vocab * layers * arch.ple_dim
        # per layer: input gate (hidden -> dim), projection (dim -> hidden), norm; plus the
        # model-level projection of the main embedding into every layer's slice.
        ple_projections = layers * (2 * hidden * arch.ple_dim + hidden)
        ple_projections += hidden * layers * arch.ple_dim + arch.ple_dim

    mtp = 0
    if arch.mtp_layers:
        layer_params = (attention + linear + dense_ffn + routed + shared + router) // layers
        mtp = arch.mtp_layers * (layer_params + 2 * hidden * hidden + 3 * hidden)

    return ParameterBreakdown(
        embedding=embedding,
        head=head,
        attention=attention,
        linear_attention=linear,
        dense_ffn=dense_ffn,
        routed_experts=routed,
        routed_experts_active=routed_active,
        shared_experts=shared,
        router=router,
        norms=norms,
        ple_tables=ple_tables,
        ple_projections=ple_projections,
        mtp=mtp,
        residual_blocks=_residual_block_params(arch),
    )


def _residual_block_params(arch: Architecture) -> int:
    """Gemma 3n's extras around each layer. AltUp with n streams: per layer a router (hidden ->
    n) and its norm, an n x n correction and n -> n² prediction map, and an output scale; for the
    model, n - 1 projections into the extra streams and n - 1 back out. LAuReL of rank r: per
    layer hidden -> r -> hidden and a norm."""
    hidden, layers = arch.hidden_size, arch.layers
    total = 0
    if arch.altup_streams:
        n = arch.altup_streams
        total += layers * (2 * hidden + hidden * n + n * n + n**3)
        total += 2 * (n - 1) * hidden * hidden
    if arch.laurel_rank:
        total += layers * (2 * hidden * arch.laurel_rank + hidden)
    return total


def _attention_layer_counts(arch: Architecture) -> tuple[int, int]:
    """(full-attention layers, linear-attention layers)."""
    if arch.linear_attention is None:
        return arch.layers, 0
    linear, full = pattern_split(arch.layers, arch.linear_attention.layer_pattern)
    return full, linear


def _local_global_counts(attention: Attention, attention_layers: int) -> tuple[int, int]:
    if attention.layer_pattern is None:
        return 0, attention_layers
    return pattern_split(attention_layers, attention.layer_pattern)


def _attention_params(attention: Attention, hidden: int, *, is_global: bool) -> int:
    if attention.mla is not None:
        return _latent_attention_params(attention, hidden)
    heads = attention.heads
    head_dim = attention.head_dim
    kv_heads = attention.kv_heads
    separate_v = True
    if is_global and attention.global_layers is not None:
        override = attention.global_layers
        head_dim = override.head_dim or head_dim
        kv_heads = override.kv_heads or kv_heads
        separate_v = not override.k_equals_v
    separate_v = separate_v and not attention.k_equals_v
    query_width = heads * head_dim * (2 if attention.output_gate else 1)
    kv_width = kv_heads * head_dim * (2 if separate_v else 1)
    params = _query_params(attention, hidden, query_width) + hidden * kv_width
    params += _output_params(attention, hidden, heads * head_dim)
    if attention.qkv_bias:
        params += query_width + kv_width
    if attention.qk_norm:
        # One weight vector per head width shared by all heads, or one per projection channel.
        whole = attention.qk_norm_scope == "projection"
        params += (heads + kv_heads) * head_dim if whole else 2 * head_dim
    return params


def _query_params(attention: Attention, hidden: int, query_width: int) -> int:
    """A full query projection, or a low-rank one with a norm between its halves (DeepSeek-V4)."""
    rank = attention.q_lora_rank
    if rank is None:
        return hidden * query_width
    return hidden * rank + rank + rank * query_width


def _output_params(attention: Attention, hidden: int, attention_width: int) -> int:
    """The output projection, or a grouped low-rank one: each group of heads to its own rank,
    then all groups together back to the hidden size (DeepSeek-V4)."""
    if attention.o_groups is None or attention.o_lora_rank is None:
        return attention_width * hidden
    grouped_rank = attention.o_groups * attention.o_lora_rank
    return attention_width * attention.o_lora_rank + grouped_rank * hidden


COMPRESS_OVERLAP_RATIO = 4
"""DeepSeek-V4 compresses ratio-4 layers over overlapping windows, which doubles the compressor's
projections; its indexer runs in those layers too (the reference code's rule)."""


def _compressor(hidden: int, head_dim: int, ratio: int) -> int:
    """A KV compressor: gated pooling of `ratio` tokens into one entry of `head_dim`."""
    width = head_dim * (2 if ratio == COMPRESS_OVERLAP_RATIO else 1)
    return 2 * hidden * width + ratio * width + head_dim


def _compressor_params(attention: Attention, hidden: int) -> int:
    return sum(
        _compressor(hidden, attention.head_dim, ratio)
        for ratio in attention.compress_ratios
        if ratio
    )


def _indexer_params(arch: Architecture, hidden: int) -> int:
    """Lightning indexers: a query from the low-rank query, per-head weights and a key source.

    DeepSeek-V4 puts one in each ratio-4 layer, keyed by its own compressor; DeepSeek Sparse
    Attention (V3.2, GLM-5) puts one in every layer, keyed by a projection with a LayerNorm.
    """
    attention = arch.attention
    indexer = attention.indexer
    if indexer is None:
        return 0
    query_rank = attention.q_lora_rank or (attention.mla.q_lora_rank if attention.mla else None)
    scoring = (query_rank or hidden) * indexer.heads * indexer.head_dim + hidden * indexer.heads
    if attention.compress_ratios:
        layers = attention.compress_ratios.count(COMPRESS_OVERLAP_RATIO)
        keys = _compressor(hidden, indexer.head_dim, COMPRESS_OVERLAP_RATIO)
    else:
        layers = arch.layers
        keys = hidden * indexer.head_dim + 2 * indexer.head_dim
    return layers * (scoring + keys)


def _latent_attention_params(attention: Attention, hidden: int) -> int:
    mla = attention.mla
    assert mla is not None
    heads = attention.heads
    query_head = mla.qk_nope_head_dim + mla.qk_rope_head_dim
    if mla.q_lora_rank:
        query = hidden * mla.q_lora_rank + mla.q_lora_rank + mla.q_lora_rank * heads * query_head
    else:
        query = hidden * heads * query_head
    kv_down = hidden * (mla.kv_lora_rank + mla.qk_rope_head_dim) + mla.kv_lora_rank
    kv_up = mla.kv_lora_rank * heads * (mla.qk_nope_head_dim + mla.v_head_dim)
    output = heads * mla.v_head_dim * hidden
    return query + kv_down + kv_up + output


def mamba_inner_width(linear: LinearAttention, hidden: int) -> int:
    """Width of a Mamba-2 layer's inner stream: heads x head width where the config gives them
    (Nemotron-H: 64 x 64 = 4096 on a 2688-wide model), else `expand` x hidden."""
    if linear.value_heads and linear.value_head_dim:
        return linear.value_heads * linear.value_head_dim
    return (linear.expand or 2) * hidden


def _linear_attention_params(linear: LinearAttention | None, hidden: int) -> int:
    if linear is None:
        return 0
    if linear.kind == "mamba2":
        inner = mamba_inner_width(linear, hidden)
        groups_state = 2 * (linear.groups or 1) * (linear.state_size or 128)
        heads = linear.value_heads or 1
        in_proj = hidden * (2 * inner + groups_state + heads)
        conv = (inner + groups_state) * ((linear.conv_kernel or 4) + 1)
        return in_proj + conv + 3 * heads + inner + inner * hidden
    key_width = (linear.key_heads or 0) * (linear.key_head_dim or 0)
    value_heads = linear.value_heads or 0
    value_width = value_heads * (linear.value_head_dim or 0)
    # Gated DeltaNet: q, k, v and the output gate z; beta and alpha per value head.
    in_proj = hidden * (2 * key_width + 2 * value_width + 2 * value_heads)
    conv = (2 * key_width + value_width) * (linear.conv_kernel or 4)
    out_proj = value_width * hidden
    return in_proj + conv + 2 * value_heads + (linear.value_head_dim or 0) + out_proj


def tied_head_parameters(arch: Architecture) -> int:
    """The output head's weights when it is the input embedding table itself (tied): stored
    once, as the embedding, but multiplied by every token like an untied head."""
    return arch.vocab_size * arch.hidden_size if arch.tie_word_embeddings else 0


def delta_layer_count(arch: Architecture) -> int:
    """Gated-DeltaNet layers (Qwen3-Next, Qwen3.5): linear attention with a per-token state
    update that runtimes run as many small kernels. Mamba-2 layers are not counted here."""
    if arch.linear_attention is None or arch.linear_attention.kind != "gated-deltanet":
        return 0
    return _attention_layer_counts(arch)[1]


def mla_layer_count(arch: Architecture) -> int:
    """Layers of multi-head latent attention (DeepSeek, Kimi K2, GLM-4.7-Flash). To decode,
    llama.cpp multiplies the query into the latent and the result out of it, head by head:
    more and smaller kernels per layer than grouped-query attention."""
    return _attention_layer_counts(arch)[0] if arch.attention.kind == "mla" else 0


def recurrent_layer_count(arch: Architecture) -> int:
    """Linear-attention layers of any kind (gated DeltaNet, Mamba-2): a prompt passes through
    them as a scan over its tokens rather than as one matrix product."""
    return _attention_layer_counts(arch)[1]


def moe_layer_count(arch: Architecture) -> int:
    """Layers whose FFN is a mixture of experts."""
    if arch.experts is None:
        return 0
    candidates = arch.layers - arch.experts.dense_layers
    return candidates // arch.experts.moe_layer_interval


def _expert_params(experts: Experts, hidden: int, width: int) -> int:
    return (3 if experts.gated else 2) * hidden * width
