"""Tiny architectures whose counts and bytes can be worked out by hand in the tests."""

from __future__ import annotations

from typing import Any

from paramatlas.data.build import architecture
from paramatlas.data.records import Architecture, Count, Hardware, Model, ParameterCounts


def tiny_architecture(**changes: Any) -> Architecture:
    """h=64, 4 query heads and 2 KV heads of 16, vocabulary 100, 2 layers, gated FFN of 128."""
    data: dict[str, Any] = {
        "type": "dense",
        "layers": 2,
        "hidden_size": 64,
        "vocab_size": 100,
        "ffn": {"intermediate_size": 128},
        "attention": {"kind": "gqa", "heads": 4, "kv_heads": 2, "head_dim": 16},
    }
    if changes.get("type") == "moe":
        data["experts"] = dict(TINY_MOE["experts"])
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return architecture(data)


TINY_MOE = {
    "type": "moe",
    "ffn": {},
    "experts": {
        "routed": 4,
        "routed_per_token": 2,
        "shared": 1,
        "expert_intermediate_size": 32,
    },
}


def tiny_model(arch: Architecture, native_precision: str = "BF16") -> Model:
    count = Count(1, False, "official", None)
    return Model(
        id="tiny",
        name="Tiny",
        family="tiny",
        vendor="Test",
        released="2026-01-01",
        license="MIT",
        modalities=("text",),
        context_length=4096,
        architecture=arch,
        parameters=ParameterCounts(total=count, effective=count, active=count),
        sources=(),
        path="tiny.yaml",
        native_precision=native_precision,
    )


def device(kind: str, gib: float, bandwidth: float = 100.0, vendor: str = "Test") -> Hardware:
    return Hardware(
        id=f"test-{kind}",
        name=f"Test {kind}",
        vendor=vendor,
        kind=kind,  # type: ignore[arg-type]
        released=2026,
        memory_gib=gib,
        bandwidth_gb_s=bandwidth,
        sources=(),
        path="test.yaml",
    )


TINY_MLA = {
    "kind": "mla",
    "heads": 2,
    "mla": {
        "q_lora_rank": 8,
        "kv_lora_rank": 4,
        "qk_nope_head_dim": 6,
        "qk_rope_head_dim": 2,
        "v_head_dim": 5,
    },
}


TINY_COMPRESSED = {
    "kind": "mqa",
    "heads": 4,
    "kv_heads": 1,
    "head_dim": 16,
    "k_equals_v": True,
    "q_lora_rank": 8,
    "o_groups": 2,
    "o_lora_rank": 4,
    "sliding_window": 8,
    "compress_ratios": [4, 16],
    "indexer": {"heads": 2, "head_dim": 4},
}
"""DeepSeek-V4 in miniature: low-rank query and grouped output, one ratio-4 layer (with the
indexer) and one ratio-16 layer."""
