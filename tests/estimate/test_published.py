"""The engine against published reality: real config.json files, GGUF file sizes, llama-bench.

Sources: tests/estimate/configs/SOURCES.yaml, the comments in tests/estimate/gguf_sizes.yaml, and
data/measurements.yaml.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml

from paramatlas import load_dataset
from paramatlas.data.build import architecture
from paramatlas.data.records import AlsoReported, Count, Dataset
from paramatlas.estimate.calibration import observations
from paramatlas.estimate.from_hf import ConfigError, architecture_from_config
from paramatlas.estimate.memory import weight_bytes
from paramatlas.estimate.parameters import active_variants, count_parameters

HERE = Path(__file__).parent
CONFIGS = sorted((HERE / "configs").glob("*.json"))


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset()


def _tolerance(value: float, approximate: bool) -> float:
    """1%, or one unit in the last digit a vendor published ("3.3B" may be 3.25–3.35 rounded,
    or up to 3.4 truncated; "1T" anything that rounds to it), whichever is looser."""
    if not approximate and value % 1e8:
        return 0.01
    digits = len(str(round(value)).rstrip("0")) or 1  # 13_000_000_000 was published as "13B"
    unit = 10 ** (math.floor(math.log10(value)) - max(digits, 2) + 1)
    return max(0.01, unit / value)


def _published(dataset: Dataset, model_id: str, count: str) -> list[Count | AlsoReported]:
    model = dataset.model(model_id)
    primary = getattr(model.parameters, count)
    # A dense model's active count is its total: the total's other published figures hold too.
    counts = {count, "total"} if model.architecture.type == "dense" else {count}
    others = [item for item in model.parameters.also_reported if item.count in counts]
    return [primary, *others]


def test_real_configs_cover_a_dozen_models_of_many_architectures() -> None:
    recorded = {
        entry["id"] for entry in yaml.safe_load((HERE / "configs/SOURCES.yaml").read_text())
    }
    assert {path.stem for path in CONFIGS} == recorded  # every fixture says where it came from
    model_types = {json.loads(path.read_text())["model_type"] for path in CONFIGS}
    assert len(CONFIGS) >= 12
    assert len(model_types) >= 9


# Published figures that name a size rather than count it, held to one unit of their only digit:
# Qwen and Z.ai call 3.25B and 3.26B active parameters "3B" (each entry's notes give the recount).
NAMED_SIZES = {("qwen3-next-80b-a3b", "active"), ("glm-4.7-flash", "active")}
# A total that includes a vision or audio encoder of unrecorded size, which the text config does
# not describe: the text decoder may be smaller by what an encoder weighs, a few percent.
ENCODER_SHARE = 0.05


@pytest.mark.parametrize("path", CONFIGS, ids=[p.stem for p in CONFIGS])
def test_counts_from_real_configs_match_published_figures(dataset: Dataset, path: Path) -> None:
    config = json.loads(path.read_text())
    breakdown = count_parameters(architecture(architecture_from_config(config)))
    derived = {"total": [breakdown.total], "active": list(active_variants(breakdown).values())}
    model = dataset.model(path.stem)
    # What the entry says its encoders weigh (Gemma 3's report: a 417M SigLIP tower); a config's
    # text part has none of it.
    encoders = sum(encoder.params.value for encoder in model.architecture.encoders)
    for count, candidates in derived.items():
        published = _published(dataset, path.stem, count)
        with_encoders = model.parameters.includes_encoders and (
            count == "total" or model.architecture.type == "dense"
        )
        if with_encoders and not encoders:
            assert any(
                item.value * (1 - ENCODER_SHARE) <= value <= item.value
                for item in published
                for value in candidates
            ), f"{path.stem}: text decoder {candidates} against {published} with encoders"
            continue
        named = (path.stem, count) in NAMED_SIZES
        subtracted = encoders if with_encoders else 0
        gaps = [
            abs(value - (item.value - subtracted)) / (item.value - subtracted)
            - (
                _unit_of_only_digit(item.value)
                if named
                else _tolerance(item.value, item.approximate)
            )
            for item in published
            for value in candidates
        ]
        assert min(gaps) <= 0, f"{path.stem} {count}: derived {candidates}, published {published}"


def _unit_of_only_digit(value: float) -> float:
    return 10 ** math.floor(math.log10(value)) / value


@pytest.mark.parametrize("path", CONFIGS, ids=[p.stem for p in CONFIGS])
def test_from_hf_reads_every_config_as_the_entry_records_it(dataset: Dataset, path: Path) -> None:
    """The entry written by hand and the one derived from the real config count the same."""
    from_config = count_parameters(
        architecture(architecture_from_config(json.loads(path.read_text())))
    )
    entry = count_parameters(dataset.model(path.stem).architecture)
    assert from_config.total == pytest.approx(entry.total, rel=0.002)
    assert from_config.active == pytest.approx(entry.active, rel=0.002)


def test_block_hybrids_pair_each_mixer_with_the_ffn_after_it() -> None:
    # Nemotron-H lists a Mamba, MoE or attention block per position; counting every position as
    # attention plus MoE gave 3x the real total. 6 Mamba and 2 attention mixers, 6 MoE blocks.
    config = {
        "model_type": "nemotron_h",
        "hidden_size": 2688,
        "num_hidden_layers": 52,
        "num_attention_heads": 32,
        "num_key_value_heads": 2,
        "vocab_size": 131072,
        "intermediate_size": 1856,
        "hybrid_override_pattern": "MEMEM*EMEMEM*E",
        "n_routed_experts": 128,
        "num_experts_per_tok": 6,
        "moe_intermediate_size": 1856,
        "mamba_num_heads": 64,
        "mamba_head_dim": 64,
        "ssm_state_size": 128,
        "n_groups": 8,
        "mlp_hidden_act": "relu2",
    }
    arch = architecture_from_config(config)
    assert arch["layers"] == 8
    assert arch["linear_attention"]["layer_pattern"] == "6:2"
    assert arch["experts"]["dense_layers"] == 2  # the attention mixers: no FFN, width 0
    assert arch["ffn"] == {"activation": "plain", "intermediate_size": 0}
    assert arch["experts"]["expert_activation"] == "plain"
    mixed = config | {"hybrid_override_pattern": "M-M-E*E"}
    with pytest.raises(ConfigError, match="cannot hold"):
        architecture_from_config(mixed)


# Published sizes the estimate is not expected to match, and why.
SIZE_EXCEPTIONS = {
    # gpt-oss files labelled F16/Q*_K keep the experts in MXFP4 whatever the label; the site
    # offers gpt-oss in MXFP4 only.
    ("gpt-oss-20b", "unsloth/gpt-oss-20b-GGUF"): "label applies to non-expert tensors only",
    ("gpt-oss-20b", "DevQuasar/openai.gpt-oss-20b-GGUF"): "label applies to non-expert tensors",
    ("gpt-oss-120b", "unsloth/gpt-oss-120b-GGUF"): "label applies to non-expert tensors only",
    # December 2023 files from an early k-quant recipe (Q4_K_M as large as Q4_0).
    ("mixtral-8x7b", "TheBloke/Mixtral-8x7B-Instruct-v0.1-GGUF"): "early k-quant recipe",
    # Expert width 1408 is not a multiple of 256, so k-quants fall back to other types there.
    ("deepseek-v2-lite", "second-state/DeepSeek-V2-Lite-Chat-GGUF"): "k-quant fallback",
    ("deepseek-v2-lite", "mradermacher/DeepSeek-V2-Lite-GGUF"): "k-quant fallback",
}
# Q2_K's recipe changed between llama.cpp versions (the same model's file differs by 13%).
LOOSE_QUANTS = {"Q2_K": 0.10}


def _sizes() -> list[tuple[str, str, str, float]]:
    entries = yaml.safe_load((HERE / "gguf_sizes.yaml").read_text())
    return [
        (entry["model"], entry["repo"], quant, size)
        for entry in entries
        for quant, size in entry["sizes"].items()
        if (entry["model"], entry["repo"]) not in SIZE_EXCEPTIONS
    ]


def test_weight_sizes_match_published_gguf_files(dataset: Dataset) -> None:
    quants = {quant.id: quant for quant in dataset.quantizations}
    within: set[str] = set()
    misses = []
    for model_id, repo, quant, size_gb in _sizes():
        estimate = weight_bytes(dataset.model(model_id), quants[quant], quants).total / 1e9
        gap = abs(estimate - size_gb) / size_gb
        if gap <= LOOSE_QUANTS.get(quant, 0.05):
            within.add(model_id)
        else:
            misses.append(f"{model_id} {quant} ({repo}): {estimate:.2f} GB vs {size_gb} GB")
    assert misses == []
    assert len(within) >= 8


def test_no_published_decode_speed_exceeds_its_bound(dataset: Dataset) -> None:
    checked = [row for row in observations(dataset) if row.measurement.tg128]
    assert len(checked) >= 200
    above = [
        f"{row.measurement.model} on {row.device}: {row.measurement.tg128} > {row.decode_bound}"
        for row in checked
        if row.decode_bound is not None and row.measurement.tg128 > row.decode_bound  # type: ignore[operator]
    ]
    assert above == []


# Llama 4's config keys as Meta publishes them (text_config of Scout and Maverick; Scout's
# verbatim file is also a fixture above, Maverick's was not found): no key names the shared
# expert, and Maverick alternates dense and MoE layers.
LLAMA_4_TEXT = {
    "model_type": "llama4_text",
    "hidden_size": 5120,
    "num_attention_heads": 40,
    "num_key_value_heads": 8,
    "head_dim": 128,
    "num_hidden_layers": 48,
    "vocab_size": 202048,
    "intermediate_size": 8192,
    "intermediate_size_mlp": 16384,
    "num_experts_per_tok": 1,
    "attention_chunk_size": 8192,
    "tie_word_embeddings": False,
    "max_position_embeddings": 10485760,
}


@pytest.mark.parametrize(
    ("model_id", "routed", "interval", "total", "active"),
    [
        # Meta: 109B total with the vision encoder (text decoder about 107.8B), 17B active.
        ("llama-4-scout-17b-16e", 16, 1, 107.8e9, 17e9),
        ("llama-4-maverick-17b-128e", 128, 2, 400e9, 17e9),
    ],
)
def test_llama_4_configs_give_the_shared_expert_and_interleaved_layers(
    dataset: Dataset, model_id: str, routed: int, interval: int, total: float, active: float
) -> None:
    config = {
        "model_type": "llama4",
        "text_config": LLAMA_4_TEXT
        | {"num_local_experts": routed, "interleave_moe_layer_step": interval},
    }
    arch = architecture_from_config(config)
    assert arch["experts"]["shared"] == 1
    assert arch["experts"].get("moe_layer_interval", 1) == interval
    assert arch["attention"]["sliding_window"] == 8192
    assert arch["attention"]["layer_pattern"] == "3:1"
    breakdown = count_parameters(architecture(arch))
    assert breakdown.total == pytest.approx(total, rel=0.01)
    assert breakdown.active == pytest.approx(active, rel=0.02)
    entry = count_parameters(dataset.model(model_id).architecture)
    assert breakdown.total == pytest.approx(entry.total, rel=1e-6)


# DeepSeek-V4-Flash's config keys as published (config.json of deepseek-ai/DeepSeek-V4-Flash):
# compress_ratios carries one more entry than there are layers, for the MTP block.
DEEPSEEK_V4_FLASH = {
    "model_type": "deepseek_v4",
    "hidden_size": 4096,
    "num_hidden_layers": 43,
    "num_attention_heads": 64,
    "num_key_value_heads": 1,
    "head_dim": 512,
    "qk_rope_head_dim": 64,
    "q_lora_rank": 1024,
    "o_groups": 8,
    "o_lora_rank": 1024,
    "sliding_window": 128,
    "vocab_size": 129280,
    "tie_word_embeddings": False,
    "n_routed_experts": 256,
    "n_shared_experts": 1,
    "num_experts_per_tok": 6,
    "moe_intermediate_size": 2048,
    "index_n_heads": 64,
    "index_head_dim": 128,
    "index_topk": 512,
    "num_nextn_predict_layers": 1,
    "compress_ratios": [0, 0] + [4, 128] * 20 + [4, 0],
}


def test_deepseek_v4_config_gives_low_rank_attention_and_the_official_counts(
    dataset: Dataset,
) -> None:
    arch = architecture_from_config(DEEPSEEK_V4_FLASH)
    attention = arch["attention"]
    assert attention["k_equals_v"] is True
    assert (attention["q_lora_rank"], attention["o_groups"], attention["o_lora_rank"]) == (
        1024,
        8,
        1024,
    )
    assert len(attention["compress_ratios"]) == 43  # the MTP entry is left out
    assert attention["indexer"] == {"heads": 64, "head_dim": 128}
    breakdown = count_parameters(architecture(arch))
    # DeepSeek: 284B total, 13B activated (its convention leaves the input embedding out).
    assert breakdown.total == pytest.approx(284e9, rel=0.005)
    assert breakdown.active - breakdown.embedding == pytest.approx(13e9, rel=0.03)
    entry = count_parameters(dataset.model("deepseek-v4-flash").architecture)
    assert breakdown.total == entry.total


def test_gemma_3n_altup_and_laurel_keys_are_read() -> None:
    # The keys as Gemma 3n's text_config spells them (no verbatim file was found to copy).
    config = {
        "model_type": "gemma3n_text",
        "hidden_size": 2048,
        "num_hidden_layers": 35,
        "num_attention_heads": 8,
        "num_key_value_heads": 2,
        "head_dim": 256,
        "intermediate_size": 16384,
        "vocab_size": 262400,
        "hidden_size_per_layer_input": 256,
        "vocab_size_per_layer_input": 262144,
        "altup_num_inputs": 4,
        "laurel_rank": 64,
    }
    arch = architecture_from_config(config)
    assert arch["altup"] == {"streams": 4}
    assert arch["laurel_rank"] == 64
    assert count_parameters(architecture(arch)).residual_blocks == 34_845_424


def test_a_per_layer_list_is_read_only_when_every_layer_agrees() -> None:
    config = json.loads((HERE / "configs/hunyuan-a13b.json").read_text())
    assert architecture_from_config(config)["experts"]["routed_per_token"] == 8
    config["moe_topk"] = [8] * 31 + [4]
    with pytest.raises(ConfigError, match="'moe_topk' differs from layer to layer"):
        architecture_from_config(config)


def test_keys_a_model_class_defaults_are_filled_only_for_that_class() -> None:
    # Google's Gemma 3 27B config.json has no vocabulary size: Gemma3TextConfig's 262,208 holds.
    config = json.loads((HERE / "configs/gemma-3-27b.json").read_text())
    assert "vocab_size" not in config["text_config"]
    assert architecture_from_config(config)["vocab_size"] == 262_208
    # The 4B's leaves out the head counts too: the class's 8 query and 4 KV heads of 256.
    attention = architecture_from_config(
        json.loads((HERE / "configs/gemma-3-4b.json").read_text())
    )["attention"]
    assert (attention["heads"], attention["kv_heads"], attention["head_dim"]) == (8, 4, 256)
    # Another architecture missing the same key is still refused, the key named.
    llama = json.loads((HERE / "configs/llama-3.1-8b.json").read_text())
    del llama["vocab_size"]
    with pytest.raises(ConfigError, match="'vocab_size'"):
        architecture_from_config(llama)


def test_ling_spells_its_shared_expert_qk_norm_and_biases_its_own_way() -> None:
    arch = architecture_from_config(json.loads((HERE / "configs/ling-flash-2.0.json").read_text()))
    assert (arch["experts"]["shared"], arch["experts"]["shared_intermediate_size"]) == (1, 1024)
    assert arch["attention"]["qk_norm"] is True
    assert arch["attention"]["qkv_bias"] is False


def test_ernie_spells_its_experts_with_a_moe_prefix() -> None:
    # Read as dense, Baidu's 21B-A3B counted 3.35B: its active size, not its 21.8B total.
    config = json.loads((HERE / "configs/ernie-4.5-21b-a3b.json").read_text())
    experts = architecture_from_config(config)["experts"]
    assert (experts["routed"], experts["routed_per_token"], experts["shared"]) == (64, 6, 2)
    assert (experts["expert_intermediate_size"], experts["dense_layers"]) == (1536, 1)
    # 1 dense layer (3 × 2560 × 12288) and 27 MoE layers of 66 experts (64 routed + 2 shared,
    # 3 × 2560 × 1536 each, with a 2560 × 64 router), plus attention, norms and the tied table.
    ffn = 3 * 2560 * 12288 + 27 * (66 * 3 * 2560 * 1536 + 2560 * 64)
    attention = 28 * (2560 * 20 * 128 * 2 + 2560 * 4 * 128 * 2)
    norms = 28 * 2 * 2560 + 2560
    embedding = 103424 * 2560
    breakdown = count_parameters(architecture(architecture_from_config(config)))
    assert breakdown.total == ffn + attention + norms + embedding == 21_825_436_160
    # MoE layers that stop before the last layer leave dense layers at the end: refused.
    config["moe_layer_end_index"] = 26
    with pytest.raises(ConfigError, match="'moe_layer_end_index' is 26"):
        architecture_from_config(config)


def test_dbrx_nests_its_attention_and_experts() -> None:
    # Databricks' file keeps the KV heads and the experts in `attn_config` and `ffn_config`.
    config = json.loads((HERE / "configs/dbrx.json").read_text())
    arch = architecture_from_config(config)
    assert arch["attention"]["kv_heads"] == 8
    experts = arch["experts"]
    assert (experts["routed"], experts["routed_per_token"]) == (16, 4)
    assert experts["expert_intermediate_size"] == 10752
    # 40 layers of attention (Q and O 6144 × 6144, K and V 6144 × 1024) and 16 GLU experts
    # (3 × 6144 × 10752) with a 6144 × 16 router; two norms a layer and a final one; untied tables.
    attention = 40 * 6144 * (6144 + 1024 + 1024 + 6144)
    norms = 40 * 2 * 6144 + 6144
    embeddings = 2 * 100352 * 6144
    breakdown = count_parameters(architecture(arch))
    total = 40 * (16 * 3 * 6144 * 10752 + 6144 * 16) + attention + norms + embeddings
    active = 40 * (4 * 3 * 6144 * 10752 + 6144 * 16) + attention + norms + embeddings
    assert breakdown.total == total == 131_596_523_520
    assert max(active_variants(breakdown).values()) == active == 36_469_708_800
    config["ffn_config"] = "16 experts"
    with pytest.raises(ConfigError, match="'ffn_config' must be an object"):
        architecture_from_config(config)


def test_gemma_4_e2b_doubles_the_ffn_of_its_kv_shared_layers() -> None:
    config = json.loads((HERE / "configs/gemma-4-e2b.json").read_text())
    ffn = architecture_from_config(config)["ffn"]
    assert ffn == {
        "activation": "gated",
        "intermediate_size": 6144,
        "kv_shared_layers_intermediate_size": 12288,
    }
    # Without the flag the 20 shared layers are as wide as the rest: 20 × 3 × 1536 × 6144 fewer.
    doubled = count_parameters(architecture(architecture_from_config(config))).total
    config["text_config"]["use_double_wide_mlp"] = False
    plain = architecture_from_config(config)
    assert "kv_shared_layers_intermediate_size" not in plain["ffn"]
    assert doubled - count_parameters(architecture(plain)).total == 20 * 3 * 1536 * 6144
