"""Usable memory, fit verdicts and offload placement, with byte counts chosen to check by hand."""

from __future__ import annotations

from dataclasses import replace

import pytest

from paramatlas import load_dataset
from paramatlas.estimate.fit import Placement, place, usable_memory
from paramatlas.estimate.memory import GIB, WeightBytes
from paramatlas.estimate.plan import default_host, make_plan
from tests.estimate.tiny import device, tiny_architecture, tiny_model

HOST = device("cpu", 64, bandwidth=80)


@pytest.mark.parametrize(
    ("kind", "gib", "vendor", "usable_gib"),
    [
        ("discrete-gpu", 24, "NVIDIA", 23.5),
        ("datacenter", 80, "NVIDIA", 80),
        ("unified-memory", 36, "Apple", 24),
        ("unified-memory", 128, "Apple", 96),
        ("unified-memory", 128, "AMD", 120),
        ("unified-memory", 8, "NVIDIA", 6),
        ("cpu", 64, "AMD", 57.6),
        ("cpu", 16, "Intel", 12),
        ("edge-soc", 12, "Qualcomm", 7.2),
    ],
)
def test_usable_memory_by_kind(kind: str, gib: float, vendor: str, usable_gib: float) -> None:
    assert usable_memory(device(kind, gib, vendor=vendor)).bytes == pytest.approx(
        usable_gib * GIB, abs=1
    )


# 1 GiB input embedding, 2 GiB PLE tables, 8 GiB routed experts (1 GiB read per token),
# 4 GiB of everything else; 1 GiB of KV cache and 1 GiB overhead: 17 GiB in all.
WEIGHTS = WeightBytes(
    embedding=GIB,
    ple_tables=2 * GIB,
    routed_experts=8 * GIB,
    active_routed_experts=GIB,
    dense=4 * GIB,
)


def _place(memory_gib: float, kind: str = "discrete-gpu") -> Placement:
    return place(WEIGHTS, GIB, GIB, 10, 8, device(kind, memory_gib), HOST)


def test_fits_when_everything_fits() -> None:
    placement = _place(24)
    assert (placement.fit, placement.offload) == ("fits", None)
    assert placement.accelerator_bytes == 17 * GIB
    assert placement.accelerator_read_per_token == 6 * GIB  # 4 dense + 1 active experts + 1 KV


def test_lookup_tables_go_to_host_ram_first() -> None:
    placement = _place(16)  # 15.5 usable: 17 does not fit, 14 does
    assert (placement.fit, placement.offload_kind) == ("offload", "lookup-tables")
    assert placement.offload == "per-layer embedding tables"
    assert (placement.accelerator_bytes, placement.host_bytes) == (14 * GIB, 3 * GIB)
    assert placement.host_read_per_token == 0


def test_experts_of_whole_moe_layers_go_next() -> None:
    placement = _place(12)  # 11.5 usable: 6 fixed, 1 GiB of experts per MoE layer -> keep 5
    assert (placement.fit, placement.offload) == ("offload", "routed experts of 3 of 8 MoE layers")
    assert placement.accelerator_bytes == 11 * GIB
    assert placement.host_bytes == 6 * GIB  # 3 layers of experts and the lookup tables
    assert placement.accelerator_read_per_token == 6 * GIB - 3 * GIB // 8
    assert placement.host_read_per_token == 3 * GIB // 8


def test_whole_layers_go_last() -> None:
    placement = _place(4)  # 3.5 usable: 1.3 GiB per layer after 1 GiB overhead -> keep 1
    assert (placement.fit, placement.offload) == ("offload", "9 of 10 layers")
    assert placement.host_bytes == round(9 * 1.3 * GIB) + 3 * GIB
    assert placement.accelerator_read_per_token == round(0.6 * GIB)
    assert placement.host_read_per_token == round(5.4 * GIB)


def test_a_tied_head_stays_on_the_gpu_when_its_table_goes_to_host_ram() -> None:
    """llama.cpp loads a tied head with the output layer: a copy of the table stays on the GPU
    and is read every token, whatever happens to the lookup table."""
    tied = replace(WEIGHTS, tied_head=GIB)
    lookups = place(tied, GIB, GIB, 10, 8, device("discrete-gpu", 17), HOST)
    assert (lookups.fit, lookups.offload_kind) == ("offload", "lookup-tables")
    assert (lookups.accelerator_bytes, lookups.host_bytes) == (15 * GIB, 3 * GIB)
    assert lookups.accelerator_read_per_token == 7 * GIB  # 4 dense + 1 head + 1 experts + 1 KV
    experts = place(tied, GIB, GIB, 10, 8, device("discrete-gpu", 12), HOST)
    # 7 fixed (4 dense, 1 head, 1 KV, 1 overhead) leave 4.5 GiB: 4 MoE layers' experts stay
    assert experts.offload == "routed experts of 4 of 8 MoE layers"
    assert experts.accelerator_bytes == 11 * GIB
    assert experts.accelerator_read_per_token == round(6.5 * GIB)


def test_no_when_not_one_layer_fits() -> None:
    assert _place(1).fit == "no"


def test_unified_memory_has_no_host_to_offload_to_and_counts_memory_once() -> None:
    assert _place(16, "unified-memory").fit == "no"  # 12 usable of 16 for a non-Apple SoC
    placement = _place(32, "unified-memory")
    assert (placement.fit, placement.host_bytes, placement.accelerator_bytes) == (
        "fits",
        0,
        17 * GIB,
    )


# -- the real dataset ---------------------------------------------------------------------


def test_decode_bound_is_bandwidth_over_bytes_read() -> None:
    dataset = load_dataset()
    quants = {quant.id: quant for quant in dataset.quantizations}
    plan = make_plan(
        dataset,
        dataset.model("qwen3-30b-a3b"),
        quants["Q4_K_M"],
        4096,
        quants["F16"],
        dataset.device("rtx-4090"),
        default_host(dataset),
    )
    read = plan.weights.read_per_token + plan.kv_cache
    assert plan.decode_tokens_per_s_bound == pytest.approx(1008e9 / read)
    # MoE speed follows the active experts: 8 of 128 routed experts are read per token.
    assert plan.weights.read_per_token < 0.2 * plan.weights.total


def test_per_layer_embeddings_are_not_forced_onto_the_accelerator() -> None:
    dataset = load_dataset()
    quants = {quant.id: quant for quant in dataset.quantizations}
    model = dataset.model("gemma-4-e2b")
    full = make_plan(dataset, model, quants["BF16"], 4096, quants["F16"], None, None)
    lookups = full.weights.ple_tables + full.weights.embedding
    # a GPU with room for everything but the lookup tables
    gib = (full.total_bytes - lookups / 2) / GIB + 0.5
    plan = make_plan(
        dataset,
        model,
        quants["BF16"],
        4096,
        quants["F16"],
        device("discrete-gpu", gib),
        default_host(dataset),
    )
    assert plan.placement is not None
    assert (plan.placement.fit, plan.placement.offload) == ("offload", "per-layer embedding tables")
    assert plan.decode_tokens_per_s_bound == pytest.approx(
        100e9 / (plan.weights.read_per_token + plan.kv_cache)
    )


def test_prefill_flops_by_hand() -> None:
    dataset = load_dataset()
    quants = {quant.id: quant for quant in dataset.quantizations}
    model = tiny_model(tiny_architecture())
    plan = make_plan(dataset, model, quants["F16"], 1000, quants["F16"], None, None)
    # 2 FLOPs per multiplied weight (86848 less the 6400 embedding) plus attention:
    # 2 * 2 * layers * (4 heads * 16) * half of the context
    assert plan.prefill_flops_per_token == 2 * (86848 - 6400) + 2 * 2 * 2 * 64 * 500
    # tied, the file loses the head's 6400 weights but a prompt token multiplies the same
    tied = tiny_model(tiny_architecture(tie_word_embeddings=True))
    tied_plan = make_plan(dataset, tied, quants["F16"], 1000, quants["F16"], None, None)
    assert tied_plan.prefill_flops_per_token == plan.prefill_flops_per_token
