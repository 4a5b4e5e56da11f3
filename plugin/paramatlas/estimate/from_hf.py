"""Reading a Hugging Face `config.json` into the dataset's architecture fields.

Config names vary by architecture (`num_experts`, `n_routed_experts`, `num_local_experts` all count
routed experts); this module knows the variants of the architectures in the dataset and says which
key is missing when a config lacks one it needs.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ..data.build import architecture
from ..data.records import Count, Model, ParameterCounts
from .parameters import count_parameters

# Architectures whose configs leave `tie_word_embeddings` out because their class defaults it
# to true (transformers' GemmaConfig and successors, SmolLM3Config).
_TIED_BY_DEFAULT = {
    "gemma",
    "gemma2",
    "gemma3",
    "gemma3_text",
    "gemma3n",
    "gemma3n_text",
    "smollm3",
}
# Architectures with biases on the Q, K and V projections.
_QKV_BIAS = {"qwen2", "qwen2_moe"}
# Architectures that normalise queries and keys per head.
_QK_NORM = {
    "qwen3",
    "qwen3_moe",
    "qwen3_next",
    "qwen3_5_text",
    "qwen3_5_moe_text",
    "gemma3",
    "gemma3_text",
    "gemma3n",
    "gemma3n_text",
    "gemma4_text",
    "olmo2",
    "olmo3",
    "olmoe",
}
# Architectures whose QK norm spans the whole query and key projections, not one head; MiniMax
# says so with `qk_norm_type: per_layer`.
_QK_NORM_PROJECTION = {"olmo2", "olmo3", "olmoe"}
# Architectures whose attention output is gated (doubling q_proj) without an `attn_output_gate`
# key saying so; configs that have the key are read from it.
_OUTPUT_GATE = {"qwen3_next"}
# Hybrids whose layers are not a repeating pattern the format can hold: they are written by hand.
_UNSUPPORTED = {
    "hybrid_layer_pattern": "a per-layer sliding/full attention list with its own KV heads (MiMo)",
}
# DeepSeek-V4's single KV head comes from one projection that serves as both key and value.
_K_EQUALS_V = {"deepseek_v4"}
# Llama 4 runs one shared expert, as wide as a routed one, in every MoE layer; its config does
# not say so (no shared-expert key), the model class does.
_ALWAYS_ONE_SHARED_EXPERT = {"llama4", "llama4_text"}
# Llama 4's local layers attend within chunks; every this-many-th layer is global (NoPE).
_LLAMA4_GLOBAL_EVERY = 4


class ConfigError(ValueError):
    """The config lacks a key, or has a value, that the counter cannot do without."""


# Keys some vendors leave out of config.json because the model class defaults them: Google's
# Gemma 3 files name only what differs from Gemma3TextConfig (transformers,
# models/gemma3/configuration_gemma3.py), so the 27B's has no vocabulary size and the 4B's no
# head counts. Only the keys that change a count or a cache size are filled in.
_GEMMA3_TEXT_DEFAULTS = {
    "vocab_size": 262_208,
    "hidden_size": 2304,
    "intermediate_size": 9216,
    "num_hidden_layers": 26,
    "num_attention_heads": 8,
    "num_key_value_heads": 4,
    "head_dim": 256,
    "max_position_embeddings": 131_072,
    "sliding_window": 4096,
    "sliding_window_pattern": 6,
}
_CLASS_DEFAULTS = {"gemma3": _GEMMA3_TEXT_DEFAULTS, "gemma3_text": _GEMMA3_TEXT_DEFAULTS}


# DBRX nests its attention and FFN fields in sub-objects with names of their own
# (transformers' DbrxConfig: `attn_config`, `ffn_config`); they are read as the usual keys.
_NESTED_KEYS = {
    "dbrx": {
        "attn_config": {"kv_n_heads": "num_key_value_heads", "rope_theta": "rope_theta"},
        "ffn_config": {
            "ffn_hidden_size": "moe_intermediate_size",
            "moe_num_experts": "moe_num_experts",
            "moe_top_k": "moe_top_k",
        },
    }
}


def _lift_nested(config: dict[str, Any]) -> dict[str, Any]:
    lifted = dict(config)
    for block, names in _NESTED_KEYS.get(str(config.get("model_type", "")), {}).items():
        nested = config.get(block)
        if not isinstance(nested, dict):
            raise ConfigError(f"config.json's {block!r} must be an object")
        lifted.update({names[key]: value for key, value in nested.items() if key in names})
    return lifted


def text_config(config: dict[str, Any]) -> dict[str, Any]:
    """The language model's part of a (possibly multimodal) config, with the keys its model
    class defaults filled in where the file leaves them out."""
    merged = _lift_nested(config)
    nested = config.get("text_config")
    if isinstance(nested, dict):
        merged = {key: value for key, value in config.items() if key != "text_config"}
        merged.update(nested)
    defaults = _CLASS_DEFAULTS.get(str(merged.get("model_type", "")), {})
    return {**defaults, **{key: value for key, value in merged.items() if value is not None}}


# Far beyond any real model: a config past these is a typo or an attempt to overflow.
MAX_DIMENSION = 10**7
# Contexts are longer than any width: Llama 4 Scout's is 10,485,760 (the schema's limit, 2^27).
MAX_CONTEXT = 2**27


def _first(config: dict[str, Any], *keys: str, default: Any = None, required: bool = True) -> Any:
    for key in keys:
        if config.get(key) is not None:
            return config[key]
    if required and default is None:
        raise ConfigError(f"config.json has no {' or '.join(repr(key) for key in keys)}")
    return default


def _maybe_int(config: dict[str, Any], *keys: str) -> int | None:
    """`_int` of the first of `keys` present, or None when none is."""
    if all(config.get(key) is None for key in keys):
        return None
    return _int(config, *keys)


def _int(
    config: dict[str, Any],
    *keys: str,
    minimum: int = 1,
    maximum: int = MAX_DIMENSION,
    default: int | None = None,
    per_layer: bool = False,
) -> int:
    """A whole number from the first of `keys` present, checked: not text, finite, at least
    `minimum` and at most `maximum`. Where a config may give one value per layer (`per_layer`:
    Hunyuan's `moe_topk`), a list is accepted when every layer agrees: the format holds one."""
    value = _first(config, *keys, default=default)
    key = next((k for k in keys if config.get(k) is not None), keys[0])
    if per_layer and isinstance(value, list) and value:
        if any(item != value[0] for item in value):
            raise ConfigError(
                f"config.json's {key!r} differs from layer to layer "
                f"({json.dumps(sorted(set(map(str, value))))[:60]}); the format holds one value"
            )
        value = value[0]
    whole = isinstance(value, int) and not isinstance(value, bool)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value, whole = int(value), True
    if not whole:
        raise ConfigError(f"config.json's {key!r} is {json.dumps(value)[:40]}, not a whole number")
    if not minimum <= value <= maximum:
        raise ConfigError(
            f"config.json's {key!r} is {value}; it must be between {minimum} and {maximum:,}"
        )
    return int(value)


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
    for key, what in _UNSUPPORTED.items():
        if config.get(key):
            raise ConfigError(
                f"config.json's {key!r} describes {what}, which from-hf cannot count; "
                "write the entry by hand from a sibling with the same design"
            )
    hidden = _int(config, "hidden_size", "d_model", "n_embd")
    heads = _int(config, "num_attention_heads", "n_head", "n_heads")
    layers = _int(config, "num_hidden_layers", "n_layer", "n_layers")
    arch: dict[str, Any] = {
        "type": "dense",
        "layers": layers,
        "hidden_size": hidden,
        "vocab_size": _int(config, "vocab_size"),
        "tie_word_embeddings": bool(
            config.get("tie_word_embeddings", model_type in _TIED_BY_DEFAULT)
        ),
    }
    arch["attention"] = _attention(config, model_type, hidden, heads, layers)
    experts = _experts(config, model_type)
    intermediate = _maybe_int(config, "intermediate_size")
    dense_width = _maybe_int(config, "intermediate_size_mlp", "intermediate_size")
    if experts is not None:
        arch["type"] = "moe"
        arch["experts"] = experts
        if experts.get("dense_layers") or experts.get("moe_layer_interval", 1) > 1:
            if dense_width is None:
                raise ConfigError("config.json has dense layers but no 'intermediate_size'")
            arch["ffn"] = {"activation": "gated", "intermediate_size": dense_width}
    elif intermediate is not None:
        arch["ffn"] = {"activation": "gated", "intermediate_size": intermediate}
    else:
        raise ConfigError("config.json has no 'intermediate_size'")
    _double_wide_kv_shared_layers(config, arch)
    linear = _linear_attention(config)
    if linear is not None:
        arch["linear_attention"] = linear
    if config.get("hidden_size_per_layer_input"):
        ple: dict[str, Any] = {"dim": _int(config, "hidden_size_per_layer_input")}
        if config.get("vocab_size_per_layer_input"):
            ple["vocab_size"] = _int(config, "vocab_size_per_layer_input")
        arch["per_layer_embeddings"] = ple
    if config.get("altup_num_inputs"):
        arch["altup"] = {"streams": _int(config, "altup_num_inputs")}
    if config.get("laurel_rank"):
        arch["laurel_rank"] = _int(config, "laurel_rank")
    mtp = _int(config, "num_nextn_predict_layers", "mtp_num_hidden_layers", minimum=0, default=0)
    if mtp:
        arch["mtp_layers"] = mtp
    if config.get("hybrid_override_pattern"):
        _block_hybrid(config, arch)
    return arch


def _double_wide_kv_shared_layers(config: dict[str, Any], arch: dict[str, Any]) -> None:
    """Gemma 4 E2B's `use_double_wide_mlp`: the layers that reuse another layer's KV cache
    have an FFN twice as wide (transformers' Gemma4TextMLP)."""
    ffn = arch.get("ffn")
    shared = arch["attention"].get("kv_shared_layers")
    if config.get("use_double_wide_mlp") and shared and ffn and ffn["intermediate_size"]:
        ffn["kv_shared_layers_intermediate_size"] = 2 * ffn["intermediate_size"]


def _block_hybrid(config: dict[str, Any], arch: dict[str, Any]) -> None:
    """Nemotron-H lists one block per position: M (Mamba-2 mixer), * (attention mixer), E (MoE
    FFN), - (MLP). The format's layer is a mixer with the FFN after it, so layers are the M and
    * blocks; with MoE blocks, the mixers without one are dense layers with no FFN (width 0)."""
    pattern = str(config["hybrid_override_pattern"])
    if set(pattern) - set("M*E-"):
        raise ConfigError(
            f"config.json's 'hybrid_override_pattern' has blocks other than M, *, E and -: "
            f"{''.join(sorted(set(pattern) - set('M*E-')))[:10]}"
        )
    mamba, attention, moe, mlp = (pattern.count(block) for block in "M*E-")
    layers = mamba + attention
    if not layers or (moe and mlp) or (mlp and mlp != layers) or moe > layers:
        raise ConfigError(
            f"config.json's 'hybrid_override_pattern' pairs {layers} mixers with {moe} MoE and "
            f"{mlp} MLP blocks, which the format cannot hold (one FFN kind after each mixer)"
        )
    arch["layers"] = layers
    arch["linear_attention"] = {
        "kind": "mamba2",
        "layer_pattern": f"{mamba}:{attention}",
        "value_heads": _int(config, "mamba_num_heads"),
        "value_head_dim": _int(config, "mamba_head_dim"),
        "state_size": _int(config, "ssm_state_size"),
        "expand": _int(config, "expand", default=2),
        "groups": _int(config, "n_groups", default=1),
        "conv_kernel": _int(config, "conv_kernel", default=4),
    }
    plain = config.get("mlp_hidden_act") == "relu2"  # squared ReLU: two matrices, not gated
    if moe:
        arch["experts"]["dense_layers"] = layers - moe
        if plain:
            arch["experts"]["expert_activation"] = "plain"
        arch["ffn"] = {"activation": "plain" if plain else "gated", "intermediate_size": 0}
    else:
        arch["ffn"] = {
            "activation": "plain" if plain else "gated",
            "intermediate_size": _int(config, "intermediate_size"),
        }


def _attention(
    config: dict[str, Any], model_type: str, hidden: int, heads: int, layers: int
) -> dict[str, Any]:
    attention: dict[str, Any] = {"heads": heads}
    if config.get("kv_lora_rank"):
        attention["kind"] = "mla"
        attention["mla"] = {
            "q_lora_rank": _int(config, "q_lora_rank") if config.get("q_lora_rank") else None,
            "kv_lora_rank": _int(config, "kv_lora_rank"),
            "qk_nope_head_dim": _int(config, "qk_nope_head_dim"),
            "qk_rope_head_dim": _int(config, "qk_rope_head_dim"),
            "v_head_dim": _int(config, "v_head_dim"),
        }
        attention["head_dim"] = (
            attention["mla"]["qk_nope_head_dim"] + attention["mla"]["qk_rope_head_dim"]
        )
        attention.update(_indexer(config))
        return attention
    kv_heads = _int(config, "num_key_value_heads", default=heads)
    if heads % kv_heads:
        raise ConfigError(f"{heads} attention heads cannot be grouped over {kv_heads} KV heads")
    attention["kind"] = "mha" if kv_heads == heads else "mqa" if kv_heads == 1 else "gqa"
    attention["kv_heads"] = kv_heads
    attention["head_dim"] = _int(config, "head_dim", default=max(1, hidden // heads))
    attention["qkv_bias"] = bool(
        _first(config, "attention_bias", "use_qkv_bias", default=model_type in _QKV_BIAS)
    )
    # Hunyuan and Ling say so with `use_qk_norm`: per-head query and key RMSNorm with weights.
    if model_type in _QK_NORM or config.get("use_qk_norm"):
        attention["qk_norm"] = True
        if model_type in _QK_NORM_PROJECTION or config.get("qk_norm_type") == "per_layer":
            attention["qk_norm_scope"] = "projection"
    if config.get("attn_output_gate", model_type in _OUTPUT_GATE):
        attention["output_gate"] = True
    chunk = config.get("attention_chunk_size")
    if chunk and model_type in _ALWAYS_ONE_SHARED_EXPERT:
        # Chunked attention holds at most one chunk of KV, like a window of that size.
        attention["sliding_window"] = _int(config, "attention_chunk_size")
        every = _int(config, "no_rope_layer_interval", minimum=2, default=_LLAMA4_GLOBAL_EVERY)
        attention["layer_pattern"] = f"{every - 1}:1"
    window = config.get("sliding_window")
    if window and config.get("use_sliding_window", True):
        attention["sliding_window"] = _int(config, "sliding_window")
        pattern = None
        if isinstance(config.get("layer_types"), list):
            pattern = _ratio_from_layer_types(config["layer_types"])
        elif config.get("sliding_window_pattern"):
            every = _int(config, "sliding_window_pattern", minimum=2)
            pattern = (every - 1, 1)
        if pattern is not None:
            attention["layer_pattern"] = f"{pattern[0]}:{pattern[1]}"
    if config.get("num_kv_shared_layers"):
        attention["kv_shared_layers"] = _int(config, "num_kv_shared_layers")
    global_layers = _global_layers(config)
    if global_layers:
        attention["global_layers"] = global_layers
    attention.update(_low_rank_and_compressed(config, model_type, layers))
    return attention


def _global_layers(config: dict[str, Any]) -> dict[str, Any]:
    """Gemma 4's global layers: fewer, wider KV heads, with K and V from one projection."""
    fields: dict[str, Any] = {}
    if config.get("num_global_key_value_heads"):
        fields["kv_heads"] = _int(config, "num_global_key_value_heads")
    if config.get("global_head_dim"):
        fields["head_dim"] = _int(config, "global_head_dim")
    if config.get("attention_k_eq_v"):
        fields["k_equals_v"] = True
    return fields


def _low_rank_and_compressed(
    config: dict[str, Any], model_type: str, layers: int
) -> dict[str, Any]:
    """DeepSeek-V4's low-rank query and output, per-layer compression and indexer."""
    fields: dict[str, Any] = {}
    if model_type in _K_EQUALS_V:
        fields["k_equals_v"] = True
    for key in ("q_lora_rank", "o_groups", "o_lora_rank"):
        if config.get(key):
            fields[key] = _int(config, key)
    ratios = config.get("compress_ratios")
    if ratios is not None:
        if not isinstance(ratios, list) or len(ratios) < layers:
            raise ConfigError(
                f"'compress_ratios' must list at least one ratio for each of {layers} layers"
            )
        # Entries past the decoder layers belong to MTP layers.
        fields["compress_ratios"] = [
            _int({"compress_ratios": ratio}, "compress_ratios", minimum=0)
            for ratio in ratios[:layers]
        ]
    fields.update(_indexer(config))
    return fields


def _indexer(config: dict[str, Any]) -> dict[str, Any]:
    if not config.get("index_n_heads"):
        return {}
    return {
        "indexer": {
            "heads": _int(config, "index_n_heads"),
            "head_dim": _int(config, "index_head_dim"),
        }
    }


_SHARED_EXPERT_KEYS = (
    "n_shared_experts",
    "num_shared_expert",
    "num_shared_experts",
    "moe_num_shared_experts",  # ERNIE 4.5
)


def _experts(config: dict[str, Any], model_type: str) -> dict[str, Any] | None:
    keys = ("n_routed_experts", "num_local_experts", "num_experts", "moe_num_experts")
    if not _first(config, *keys, required=False):
        return None
    routed = _int(config, *keys)
    if routed < 2:
        return None
    top_k = _int(
        config,
        "num_experts_per_tok",
        "num_experts_per_token",
        "moe_top_k",
        "top_k_experts",
        "moe_topk",
        "moe_k",
        per_layer=True,
    )
    if top_k > routed:
        raise ConfigError(f"config.json routes each token to {top_k} of only {routed} experts")
    experts: dict[str, Any] = {
        "routed": routed,
        "routed_per_token": top_k,
        "expert_intermediate_size": _int(
            config, "moe_intermediate_size", "intermediate_size", per_layer=True
        ),
        "shared": 0,
    }
    if model_type in _ALWAYS_ONE_SHARED_EXPERT:
        experts["shared"] = 1
    elif _first(config, *_SHARED_EXPERT_KEYS, required=False):
        experts["shared"] = _int(config, *_SHARED_EXPERT_KEYS, per_layer=True)
    elif config.get("shared_expert_intermediate_size"):
        experts["shared"] = 1
        experts["shared_intermediate_size"] = _int(config, "shared_expert_intermediate_size")
    if experts["shared"] and config.get("moe_shared_expert_intermediate_size"):
        width = _int(config, "moe_shared_expert_intermediate_size")
        experts["shared_intermediate_size"] = width
    elif config.get("enable_moe_block") and config.get("intermediate_size"):
        # Gemma 4 runs a dense MLP beside the experts in every layer: an always-on shared expert.
        experts["shared"] = 1
        experts["shared_intermediate_size"] = _int(config, "intermediate_size")
    dense = _int(config, "first_k_dense_replace", "moe_layer_start_index", minimum=0, default=0)
    if dense:
        experts["dense_layers"] = dense
    _check_moe_runs_to_the_last_layer(config)
    interval = _int(
        config,
        "interleave_moe_layer_step",
        "decoder_sparse_step",
        "moe_layer_interval",
        minimum=0,
        default=1,
    )
    if interval > 1:
        experts["moe_layer_interval"] = interval
    return experts


def _check_moe_runs_to_the_last_layer(config: dict[str, Any]) -> None:
    """ERNIE 4.5 may end its MoE layers early (`moe_layer_end_index`); the format's dense layers
    come first, so only MoE layers that run to the last layer can be held."""
    end = config.get("moe_layer_end_index")
    layers = config.get("num_hidden_layers")
    if end is None or end == -1 or not isinstance(layers, int):
        return
    if end != layers - 1:
        raise ConfigError(
            f"config.json's 'moe_layer_end_index' is {json.dumps(end)[:20]}: MoE layers that stop "
            f"before the last of {layers} layers leave dense layers at the end, which the format "
            "cannot hold (its dense layers come first)"
        )


def _linear_attention(config: dict[str, Any]) -> dict[str, Any] | None:
    if not config.get("full_attention_interval") or not config.get("linear_num_value_heads"):
        return None
    interval = _int(config, "full_attention_interval", minimum=2)
    return {
        "kind": "gated-deltanet",
        "layer_pattern": f"{interval - 1}:1",
        "key_heads": _int(config, "linear_num_key_heads"),
        "value_heads": _int(config, "linear_num_value_heads"),
        "key_head_dim": _int(config, "linear_key_head_dim"),
        "value_head_dim": _int(config, "linear_value_head_dim"),
        "conv_kernel": _int(config, "linear_conv_kernel_dim", default=4),
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
        "context_length": _int(
            text, "max_position_embeddings", "max_seq_len", "n_ctx", maximum=MAX_CONTEXT
        ),
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
        "notes": "Counts derived from config.json by paramatlas from-hf. Where the model card "
        "gives a figure, record it as the official count with the card as its source; where the "
        "card and the derived count differ, say so here.",
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
        # 0: the config states no maximum, and nothing refuses a long context for it.
        context_length=_int(
            text, "max_position_embeddings", minimum=0, maximum=MAX_CONTEXT, default=0
        ),
        architecture=arch,
        parameters=ParameterCounts(
            total=derived(counts.total),
            effective=derived(counts.effective),
            active=derived(counts.active),
        ),
        sources=(),
        path=path,
    )
