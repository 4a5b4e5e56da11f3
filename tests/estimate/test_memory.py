"""Weights, KV cache and overhead in bytes, against hand-computed values and known pitfalls."""

from __future__ import annotations

from dataclasses import replace

import pytest

from paramatlas import load_dataset
from paramatlas.data.records import Dataset, Quantization
from paramatlas.estimate.memory import kv_cache_bytes, overhead_bytes, weight_bytes
from tests.estimate.tiny import (
    TINY_COMPRESSED,
    TINY_MLA,
    TINY_MOE,
    tiny_architecture,
    tiny_model,
)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset()


@pytest.fixture(scope="module")
def quants(dataset: Dataset) -> dict[str, Quantization]:
    return {quant.id: quant for quant in dataset.quantizations}


def test_weights_at_q8_0(quants: dict[str, Quantization]) -> None:
    weights = weight_bytes(tiny_model(tiny_architecture()), quants["Q8_0"], quants)
    # 86848 parameters at 8.5 bits
    assert weights.total == pytest.approx(86848 * 8.5 / 8, abs=2)
    assert weights.embedding == 6400 * 8.5 / 8
    assert weights.read_per_token == weights.total - weights.embedding


def test_a_tied_head_is_stored_once_and_read_every_token(quants: dict[str, Quantization]) -> None:
    """Gemma, Llama 3.2 1B/3B: the output head is the embedding table. The file holds it once
    (86848 less the untied head's 6400), but every token multiplies by all of it."""
    weights = weight_bytes(
        tiny_model(tiny_architecture(tie_word_embeddings=True)), quants["Q8_0"], quants
    )
    assert weights.total == pytest.approx(80448 * 8.5 / 8, abs=2)
    assert weights.tied_head == weights.embedding == 6400 * 8.5 / 8
    # every weight is read once: the table as the head, nothing as the lookup
    assert weights.read_per_token == weights.total


def test_mxfp4_quantizes_experts_only(quants: dict[str, Quantization]) -> None:
    model = tiny_model(tiny_architecture(**TINY_MOE))
    weights = weight_bytes(model, quants["MXFP4"], quants)
    assert weights.routed_experts == 49152 * 4.25 / 8
    assert weights.active_routed_experts == 24576 * 4.25 / 8
    # llama.cpp's MXFP4 files keep the other weights in Q8_0 (other_weights in the data)
    assert weights.embedding == 6400 * 8.5 / 8
    assert weights.dense == (99648 - 6400 - 49152) * 8.5 / 8
    # without that, the other weights keep the checkpoint's own precision (BF16 here)
    plain = weight_bytes(model, replace(quants["MXFP4"], other_weights=None), quants)
    assert plain.dense == (99648 - 6400 - 49152) * 2


def test_q4_k_m_is_not_four_bits(quants: dict[str, Quantization]) -> None:
    """A known calculator mistake: Q4_K_M is a mix averaging about 4.9 bits, not 4.0 or 4.5."""
    assert 4.8 <= quants["Q4_K_M"].bits_per_weight <= 4.9


def test_kv_cache_gqa_by_hand(quants: dict[str, Quantization]) -> None:
    arch = tiny_architecture()
    # K and V, 2 KV heads of 16, 2 layers, 1000 tokens, 2 bytes
    assert kv_cache_bytes(arch, 1000, quants["F16"]) == 2 * 2 * 16 * 2 * 1000 * 2
    # q8_0 stores 8.5 bits per element
    assert kv_cache_bytes(arch, 1000, quants["Q8_0"]) == 128000 * 1.0625


def test_kv_cache_sliding_window_layers_stop_at_the_window(quants: dict[str, Quantization]) -> None:
    half = tiny_architecture(attention={"sliding_window": 100, "layer_pattern": "1:1"})
    assert kv_cache_bytes(half, 1000, quants["F16"]) == (64 * 1000 + 64 * 100) * 2
    every = tiny_architecture(attention={"sliding_window": 100})
    assert kv_cache_bytes(every, 1000, quants["F16"]) == 2 * 64 * 100 * 2


def test_kv_shared_layers_and_k_equals_v(quants: dict[str, Quantization]) -> None:
    shared = tiny_architecture(attention={"kv_shared_layers": 1})
    assert kv_cache_bytes(shared, 1000, quants["F16"]) == 64 * 1000 * 2
    k_is_v = tiny_architecture(
        attention={
            "sliding_window": 100,
            "layer_pattern": "1:1",
            "global_layers": {"kv_heads": 1, "head_dim": 32, "k_equals_v": True},
        }
    )
    assert kv_cache_bytes(k_is_v, 1000, quants["F16"]) == (32 * 1000 + 64 * 100) * 2


def test_kv_cache_of_latent_attention_is_the_latent(quants: dict[str, Quantization]) -> None:
    mla = TINY_MLA
    arch = tiny_architecture(attention=mla)
    assert kv_cache_bytes(arch, 1000, quants["F16"]) == (4 + 2) * 2 * 1000 * 2


def test_compressed_layers_add_one_entry_per_ratio_tokens(quants: dict[str, Quantization]) -> None:
    arch = tiny_architecture(attention=TINY_COMPRESSED)
    # both layers keep an 8-token window of one 16-wide K=V head: 2*8*16 = 256;
    # ratio 4: 100 // 4 = 25 entries of 16 plus a 4-wide indexer key = 500;
    # ratio 16: 100 // 16 = 6 entries of 16 = 96
    assert kv_cache_bytes(arch, 100, quants["F16"]) == (256 + 500 + 96) * 2


def test_deepseek_v4_flash_cache_at_a_million_tokens(
    dataset: Dataset, quants: dict[str, Quantization]
) -> None:
    arch = dataset.model("deepseek-v4-flash").architecture
    context = 2**20
    window = 43 * 128 * 512
    csa = 21 * (context // 4) * (512 + 128)
    hca = 20 * (context // 128) * 512
    assert kv_cache_bytes(arch, context, quants["F16"]) == (window + csa + hca) * 2


def test_linear_attention_layers_hold_a_fixed_state(quants: dict[str, Quantization]) -> None:
    arch = tiny_architecture(
        layers=4,
        linear_attention={
            "kind": "gated-deltanet",
            "layer_pattern": "3:1",
            "key_heads": 2,
            "value_heads": 4,
            "key_head_dim": 8,
            "value_head_dim": 8,
            "conv_kernel": 4,
        },
    )
    # 3 linear layers: state 4*8*8 plus a conv window of (2*16 + 32) * 3, in F32
    state = 3 * (256 + 64 * 3) * 4
    assert kv_cache_bytes(arch, 10, quants["F16"]) == 64 * 10 * 2 + state
    assert kv_cache_bytes(arch, 10_000, quants["F16"]) == 64 * 10_000 * 2 + state


def test_overhead_grows_with_context() -> None:
    arch = tiny_architecture()
    assert overhead_bytes(arch, 100_000) > overhead_bytes(arch, 1000) > 300 * 2**20


# -- the real dataset: the mistakes other calculators make ----------------------------------


def test_llama_kv_cache_uses_kv_heads_not_hidden_size(
    dataset: Dataset, quants: dict[str, Quantization]
) -> None:
    arch = dataset.model("llama-3.1-8b").architecture
    # 32 layers * 2 (K, V) * 8 KV heads * 128 * 2 bytes * 8192 tokens = 1 GiB; hidden-size
    # sizing (4096 wide) would say 4 GiB.
    assert kv_cache_bytes(arch, 8192, quants["F16"]) == 2**30


def test_gemma_3_sliding_window_layers_are_not_sized_at_full_context(
    dataset: Dataset, quants: dict[str, Quantization]
) -> None:
    arch = dataset.model("gemma-3-27b").architecture
    context = 131072
    actual = kv_cache_bytes(arch, context, quants["F16"])
    naive = arch.layers * 2 * arch.attention.kv_heads * arch.attention.head_dim * 2 * context
    # 10 global layers at full context, 52 local layers at 1024 tokens
    assert actual == (10 * context + 52 * 1024) * 2 * 16 * 128 * 2
    assert naive / actual == pytest.approx(62 / (10 + 52 * 1024 / context))  # about 6x


def test_deepseek_v3_caches_the_latent_not_full_k_and_v(
    dataset: Dataset, quants: dict[str, Quantization]
) -> None:
    arch = dataset.model("deepseek-v3").architecture
    # 61 layers * (512 + 64) * 2 bytes per token
    assert kv_cache_bytes(arch, 1, quants["F16"]) == 61 * 576 * 2


def test_overhead_by_hand() -> None:
    arch = tiny_architecture()
    # 300 MiB base; a 512-token micro-batch of the widest layer (128) in F32, twice; logits for
    # 100 tokens of vocabulary in F32; a 512 x 4096 F16 mask.
    expected = 300 * 2**20 + 512 * 128 * 4 * 2 + 512 * 100 * 4 + 512 * 4096 * 2
    assert overhead_bytes(arch, 4096) == expected
