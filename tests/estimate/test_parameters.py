"""Parameter counts from hyperparameters, checked against sums worked out by hand."""

from __future__ import annotations

from paramatlas.estimate.parameters import active_variants, count_parameters, pattern_split
from tests.estimate.tiny import TINY_COMPRESSED, TINY_MLA, TINY_MOE, tiny_architecture


def test_dense_gqa_model_by_hand() -> None:
    counts = count_parameters(tiny_architecture())
    # embedding 100*64; head the same (untied); attention per layer: Q 64*4*16, K and V 2*64*2*16,
    # O 4*16*64 = 12288; gated FFN 3*64*128 = 24576; norms 2*64 per layer plus a final 64.
    assert counts.embedding == 6400
    assert counts.head == 6400
    assert counts.attention == 2 * 12288
    assert counts.dense_ffn == 2 * 24576
    assert counts.norms == 320
    assert counts.total == counts.effective == counts.active == 86848


def test_tied_head_and_biases() -> None:
    counts = count_parameters(
        tiny_architecture(tie_word_embeddings=True, attention={"qkv_bias": True, "qk_norm": True})
    )
    assert counts.head == 0
    # biases: Q 4*16 + K, V 2*2*16 = 128; QK norm: 2*16 = 32, per layer
    assert counts.attention == 2 * (12288 + 128 + 32)


def test_qk_norm_over_the_whole_projection_by_hand() -> None:
    # OLMo's norms span all query channels (4 heads × 16) and all key channels (2 × 16):
    # 96 weights per layer instead of the 32 of one head-wide pair.
    per_head = count_parameters(tiny_architecture(attention={"qk_norm": True}))
    whole = count_parameters(
        tiny_architecture(attention={"qk_norm": True, "qk_norm_scope": "projection"})
    )
    assert per_head.attention == 2 * (12288 + 32)
    assert whole.attention == 2 * (12288 + 96)


def test_moe_with_shared_expert_by_hand() -> None:
    counts = count_parameters(tiny_architecture(**TINY_MOE))
    # one expert: 3*64*32 = 6144; 4 routed, 2 per token, 1 shared, router 64*4, 2 layers
    assert counts.routed_experts == 2 * 4 * 6144
    assert counts.routed_experts_active == 2 * 2 * 6144
    assert counts.shared_experts == 2 * 6144
    assert counts.router == 2 * 256
    assert counts.dense_ffn == 0
    assert counts.total == 99648
    assert counts.active == 99648 - 49152 + 24576
    assert active_variants(counts) == {
        "with input embedding and output head": 75072,
        "without the input embedding": 75072 - 6400,
        "without input embedding and output head": 75072 - 12800,
    }


def test_dense_first_and_interleaved_moe_layers() -> None:
    moe = {**TINY_MOE, "layers": 4, "ffn": {"intermediate_size": 128}}
    first_dense = count_parameters(tiny_architecture(**moe | {"experts": {"dense_layers": 1}}))
    assert first_dense.dense_ffn == 24576  # one dense layer
    assert first_dense.routed_experts == 3 * 4 * 6144  # three MoE layers
    interleaved = count_parameters(
        tiny_architecture(**moe | {"experts": {"moe_layer_interval": 2}})
    )
    assert interleaved.dense_ffn == 2 * 24576
    assert interleaved.routed_experts == 2 * 4 * 6144


def test_latent_attention_by_hand() -> None:
    mla = TINY_MLA
    counts = count_parameters(tiny_architecture(attention=mla))
    # Q: 64*8 + 8 (norm) + 8*2*(6+2); KV down: 64*(4+2) + 4; KV up: 4*2*(6+5); O: 2*5*64
    assert counts.attention == 2 * (648 + 388 + 88 + 640)


def test_low_rank_query_grouped_output_compressors_and_indexer_by_hand() -> None:
    counts = count_parameters(tiny_architecture(attention=TINY_COMPRESSED))
    # per layer: Q 64*8 + 8 (norm) + 8*4*16 = 1032; one K=V projection 64*16 = 1024;
    # grouped output: 4*16*4 to the two group ranks, then 2*4*64 back = 768
    per_layer = 1032 + 1024 + 768
    # compressors: ratio 4 overlaps, so its width is 2*16: 2*64*32 + 4*32 + 16 = 4240;
    # ratio 16: 2*64*16 + 16*16 + 16 = 2320
    compressors = 4240 + 2320
    # indexer in the ratio-4 layer: query 8*2*4 + weights 64*2, keys from a compressor of
    # width 2*4: 2*64*8 + 4*8 + 4
    indexer = 64 + 128 + 1060
    assert counts.attention == 2 * per_layer + compressors + indexer


def test_sparse_attention_indexer_in_every_layer_by_hand() -> None:
    plain = count_parameters(tiny_architecture(attention=TINY_MLA))
    indexed = count_parameters(
        tiny_architecture(attention={**TINY_MLA, "indexer": {"heads": 2, "head_dim": 4}})
    )
    # per layer: query from the MLA query rank 8*2*4, weights 64*2, key 64*4 and its LayerNorm 2*4
    assert indexed.attention - plain.attention == 2 * (64 + 128 + 256 + 8)


def test_per_layer_embeddings_count_toward_total_not_effective() -> None:
    counts = count_parameters(tiny_architecture(per_layer_embeddings={"dim": 8}))
    assert counts.ple_tables == 100 * 2 * 8
    # per layer: gate 64*8 and projection 8*64 and a norm of 64; model projection 64*(2*8) + 8
    assert counts.ple_projections == 2 * (1024 + 64) + 1024 + 8
    assert counts.total - counts.effective == 1600
    assert counts.active == counts.effective


def test_altup_and_laurel_count_toward_every_total() -> None:
    counts = count_parameters(tiny_architecture(altup={"streams": 4}, laurel_rank=8))
    # AltUp per layer: output scale and router norm 2*64, router 64*4, correction 4*4,
    # prediction 4*16 = 464; the model's 3 projections in and 3 out, 6*64*64 = 24576.
    # LAuReL per layer: 64*8 + 8*64 and a norm of 64 = 1088. Two layers.
    assert counts.residual_blocks == 2 * 464 + 24576 + 2 * 1088
    assert counts.total - count_parameters(tiny_architecture()).total == 27680
    assert counts.active == counts.effective == counts.total


def test_global_layers_with_shared_k_and_v() -> None:
    attention = {
        "sliding_window": 32,
        "layer_pattern": "1:1",
        "global_layers": {"kv_heads": 1, "head_dim": 32, "k_equals_v": True},
    }
    counts = count_parameters(tiny_architecture(attention=attention))
    local = 12288
    # global: Q 64*4*32, one K=V projection 64*1*32, O 4*32*64
    assert counts.attention == local + (8192 + 2048 + 8192)


def test_pattern_split_puts_the_second_kind_last_in_each_group() -> None:
    assert pattern_split(62, (5, 1)) == (52, 10)  # Gemma 3 27B: 52 local, 10 global
    assert pattern_split(35, (4, 1)) == (28, 7)
    assert pattern_split(48, (3, 1)) == (36, 12)  # Qwen3-Next: 36 linear, 12 full
    assert pattern_split(5, (5, 1)) == (5, 0)


def test_only_gated_deltanet_layers_count_as_delta_layers() -> None:
    from paramatlas import load_dataset
    from paramatlas.estimate.parameters import delta_layer_count

    dataset = load_dataset()
    # Qwen3-Next: 48 layers, 3 gated-DeltaNet to 1 full-attention
    assert delta_layer_count(dataset.model("qwen3-next-80b-a3b").architecture) == 36
    # Mamba-2 hybrids and plain transformers have none
    assert delta_layer_count(dataset.model("granite-4.0-h-tiny").architecture) == 0
    assert delta_layer_count(dataset.model("llama-3.1-8b").architecture) == 0


def test_every_attention_layer_of_a_latent_attention_model_counts_as_mla() -> None:
    from paramatlas import load_dataset
    from paramatlas.estimate.parameters import mla_layer_count

    dataset = load_dataset()
    assert mla_layer_count(dataset.model("deepseek-v3").architecture) == 61
    assert mla_layer_count(dataset.model("glm-4.7-flash").architecture) == 47
    assert mla_layer_count(dataset.model("llama-3.1-8b").architecture) == 0
    assert mla_layer_count(dataset.model("qwen3-next-80b-a3b").architecture) == 0
