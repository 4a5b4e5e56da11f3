"""Reading a Hugging Face `config.json` into the dataset's architecture fields.

Config names vary by architecture (`num_experts`, `n_routed_experts`, `num_local_experts` all count
routed experts); this module knows the variants of the architectures in the dataset and says which
key is missing when a config lacks one it needs.
"""

from __future__ import annotations

from typing import Any

from ..data.build import architecture
from ..data.records import Count, Model, ParameterCounts
from .parameters import count_parameters

# Architectures whose configs leave `tie_word_embeddings` out because their class defaults it.
_TIED_BY_DEFAULT = {"gemma", "gemma2", "gemma3", "gemma3_text", "gemma3n", "gemma3n_text"}
# Architectures with biases on the Q, K and V projections.
_QKV_BIAS = {"qwen2", "qwen2_moe"}
# Architectures that normalise queries and keys per head.
_QK_NORM = {"qwen3", "qwen3_moe", "gemma3", "gemma3_text", "gemma3n", "gemma3n_text", "olmo2"}
_OUTPUT_GATE = {"qwen3_next"}
# Llama 4 runs one shared expert, as wide as a routed one, in every MoE layer; its config does
# not say so (no shared-expert key), the model class does.
_ALWAYS_ONE_SHARED_EXPERT = {"llama4", "llama4_text"}
# Llama 4's local layers attend within chunks; every this-many-th layer is global (NoPE).
_LLAMA4_GLOBAL_EVERY = 4


class ConfigError(ValueError):
    """The config lacks a key, or has a value, that the counter cannot do without."""


def text_config(config: dict[str, Any]) -> dict[str, Any]:
    """The language model's part of a (possibly multimodal) config."""
    nested = config.get("text_config")
    if isinstance(nested, dict):
        merged = {key: value for key, value in config.items() if key != "text_config"}
        merged.update(nested)
        return merged
    return config


def _first(config: dict[str, Any], *keys: str, default: Any = None, required: bool = True) -> Any:
    for key in keys:
        if config.get(key) is not None:
            return config[key]
    if required and default is None:
        raise ConfigError(f"config.json has no {' or '.join(repr(key) for key in keys)}")
    return default


def _ratio_from_layer_types(layer_types: list[str]) -> tuple[int, int] | None:
    """Count local and global layers from Gemma/gpt-oss style `layer_types`."""
    local = sum("sliding" in kind for kind in layer_types)
    global_ = len(layer_types) - local
    if not local or not global_:
        return None
    if local % global_ == 0:
        return local // global_, 1
    return local, global_


def architecture_from_config(config: dict[str, Any]) -> dict[str, Any]:
    """The `architecture` block of a model entry, from a config.json object."""
    config = text_config(config)
    model_type = str(config.get("model_type", ""))
    hidden = int(_first(config, "hidden_size", "d_model", "n_embd"))
    heads = int(_first(config, "num_attention_heads", "n_head", "n_heads"))
    layers = int(_first(config, "num_hidden_layers", "n_layer", "n_layers"))
    arch: dict[str, Any] = {
        "type": "dense",
        "layers": layers,
        "hidden_size": hidden,
        "vocab_size": int(_first(config, "vocab_size")),
        "tie_word_embeddings": bool(
            config.get("tie_word_embeddings", model_type in _TIED_BY_DEFAULT)
        ),
    }
    arch["attention"] = _attention(config, model_type, hidden, heads)
    experts = _experts(config, model_type)
    intermediate = config.get("intermediate_size")
    dense_width = config.get("intermediate_size_mlp", intermediate) or 0
    if experts is not None:
        arch["type"] = "moe"
        arch["experts"] = experts
        if experts.get("dense_layers") or experts.get("moe_layer_interval", 1) > 1:
            arch["ffn"] = {"activation": "gated", "intermediate_size": int(dense_width)}
    elif intermediate is not None:
        arch["ffn"] = {"activation": "gated", "intermediate_size": int(intermediate)}
    else:
        raise ConfigError("config.json has no 'intermediate_size'")
    linear = _linear_attention(config)
    if linear is not None:
        arch["linear_attention"] = linear
    if config.get("hidden_size_per_layer_input"):
        ple: dict[str, Any] = {"dim": int(config["hidden_size_per_layer_input"])}
        if config.get("vocab_size_per_layer_input"):
            ple["vocab_size"] = int(config["vocab_size_per_layer_input"])
        arch["per_layer_embeddings"] = ple
    mtp = config.get("num_nextn_predict_layers") or config.get("mtp_num_hidden_layers")
    if mtp:
        arch["mtp_layers"] = int(mtp)
    return arch


def _attention(config: dict[str, Any], model_type: str, hidden: int, heads: int) -> dict[str, Any]:
    attention: dict[str, Any] = {"heads": heads}
    if config.get("kv_lora_rank"):
        attention["kind"] = "mla"
        attention["mla"] = {
            "q_lora_rank": config.get("q_lora_rank"),
            "kv_lora_rank": int(config["kv_lora_rank"]),
            "qk_nope_head_dim": int(_first(config, "qk_nope_head_dim")),
            "qk_rope_head_dim": int(_first(config, "qk_rope_head_dim")),
            "v_head_dim": int(_first(config, "v_head_dim")),
        }
        attention["head_dim"] = (
            attention["mla"]["qk_nope_head_dim"] + attention["mla"]["qk_rope_head_dim"]
        )
        return attention
    kv_heads = int(config.get("num_key_value_heads") or heads)
    attention["kind"] = "mha" if kv_heads == heads else "mqa" if kv_heads == 1 else "gqa"
    attention["kv_heads"] = kv_heads
    attention["head_dim"] = int(config.get("head_dim") or hidden // heads)
    attention["qkv_bias"] = bool(config.get("attention_bias", model_type in _QKV_BIAS))
    if model_type in _QK_NORM:
        attention["qk_norm"] = True
    if model_type in _OUTPUT_GATE:
        attention["output_gate"] = True
    chunk = config.get("attention_chunk_size")
    if chunk and model_type in _ALWAYS_ONE_SHARED_EXPERT:
        # Chunked attention holds at most one chunk of KV, like a window of that size.
        attention["sliding_window"] = int(chunk)
        every = int(config.get("no_rope_layer_interval") or _LLAMA4_GLOBAL_EVERY)
        attention["layer_pattern"] = f"{every - 1}:1"
    window = config.get("sliding_window")
    if window and config.get("use_sliding_window", True):
        attention["sliding_window"] = int(window)
        pattern = None
        if isinstance(config.get("layer_types"), list):
            pattern = _ratio_from_layer_types(config["layer_types"])
        elif config.get("sliding_window_pattern"):
            every = int(config["sliding_window_pattern"])
            pattern = (every - 1, 1)
        if pattern is not None:
            attention["layer_pattern"] = f"{pattern[0]}:{pattern[1]}"
    if config.get("num_kv_shared_layers"):
        attention["kv_shared_layers"] = int(config["num_kv_shared_layers"])
    return attention


def _experts(config: dict[str, Any], model_type: str) -> dict[str, Any] | None:
    routed = _first(config, "n_routed_experts", "num_local_experts", "num_experts", required=False)
    if not routed or int(routed) < 2:
        return None
    top_k = _first(config, "num_experts_per_tok", "num_experts_per_token", "moe_top_k")
    width = _first(config, "moe_intermediate_size", "intermediate_size")
    experts: dict[str, Any] = {
        "routed": int(routed),
        "routed_per_token": int(top_k),
        "expert_intermediate_size": int(width),
        "shared": 0,
    }
    if model_type in _ALWAYS_ONE_SHARED_EXPERT:
        experts["shared"] = 1
    elif config.get("n_shared_experts"):
        experts["shared"] = int(config["n_shared_experts"])
    elif config.get("shared_expert_intermediate_size"):
        experts["shared"] = 1
        experts["shared_intermediate_size"] = int(config["shared_expert_intermediate_size"])
    if config.get("first_k_dense_replace"):
        experts["dense_layers"] = int(config["first_k_dense_replace"])
    interval = config.get("interleave_moe_layer_step") or config.get("decoder_sparse_step")
    if interval and int(interval) > 1:
        experts["moe_layer_interval"] = int(interval)
    return experts


def _linear_attention(config: dict[str, Any]) -> dict[str, Any] | None:
    interval = config.get("full_attention_interval")
    if not interval or not config.get("linear_num_value_heads"):
        return None
    return {
        "kind": "gated-deltanet",
        "layer_pattern": f"{int(interval) - 1}:1",
        "key_heads": int(config["linear_num_key_heads"]),
        "value_heads": int(config["linear_num_value_heads"]),
        "key_head_dim": int(config["linear_key_head_dim"]),
        "value_head_dim": int(config["linear_value_head_dim"]),
        "conv_kernel": int(config.get("linear_conv_kernel_dim", 4)),
    }


def model_entry(
    config: dict[str, Any],
    *,
    model_id: str,
    name: str,
    family: str,
    repo: str,
    released: str,
    license_name: str,
) -> dict[str, Any]:
    """A complete model entry whose counts are derived from `config` and marked as such."""
    arch = architecture_from_config(config)
    breakdown = count_parameters(architecture(arch))
    text = text_config(config)

    def derived(value: int) -> dict[str, Any]:
        return {"value": value, "approximate": False, "status": "derived", "source": "config"}

    parameters: dict[str, Any] = {"total": derived(breakdown.total)}
    if breakdown.ple_tables:
        parameters["ple"] = derived(breakdown.ple_tables)
    if arch["type"] == "moe":
        parameters["active"] = derived(breakdown.active)
    entry: dict[str, Any] = {
        "id": model_id,
        "name": name,
        "family": family,
        "released": released,
        "license": license_name,
        "modalities": ["text"],
        "context_length": int(_first(text, "max_position_embeddings", "max_seq_len", "n_ctx")),
        "open_weights": True,
        "native_precision": _precision(config),
        "architecture": arch,
        "parameters": parameters,
        "sources": [
            {
                "id": "config",
                "title": f"{repo} config.json",
                "url": f"https://huggingface.co/{repo}/blob/main/config.json",
            }
        ],
        "notes": "Counts derived from config.json by paramatlas from-hf; "
        "replace them with the model card's figures where it gives them.",
    }
    return entry


def _precision(config: dict[str, Any]) -> str:
    quantization = config.get("quantization_config") or {}
    method = str(quantization.get("quant_method", "")).lower()
    if method == "mxfp4":
        return "MXFP4"
    if method == "fp8":
        return "FP8"
    dtype = str(config.get("torch_dtype") or config.get("dtype") or "bfloat16")
    return {"float16": "F16", "float32": "F32"}.get(dtype, "BF16")


def model_from_config(config: dict[str, Any], model_id: str, path: str) -> Model:
    """A model record straight from a config.json, for estimates of models not in the dataset."""
    arch = architecture(architecture_from_config(config))
    counts = count_parameters(arch)

    def derived(value: int) -> Count:
        return Count(value, False, "derived", None, derived_from="config.json")

    text = text_config(config)
    return Model(
        id=model_id,
        name=str(config.get("_name_or_path") or model_id),
        family="",
        vendor="",
        released="",
        license="",
        modalities=("text",),
        context_length=int(_first(text, "max_position_embeddings", default=4096)),
        architecture=arch,
        parameters=ParameterCounts(
            total=derived(counts.total),
            effective=derived(counts.effective),
            active=derived(counts.active),
        ),
        sources=(),
        path=path,
    )
