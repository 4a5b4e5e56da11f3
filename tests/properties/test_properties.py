"""Properties over generated input: the loader, from-hf and the estimator either answer or say
clearly why not, and estimates behave as physics says they must."""

from __future__ import annotations

import math
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paramatlas import load_dataset
from paramatlas.data.problems import Problem
from paramatlas.data.records import Dataset
from paramatlas.data.yaml_source import parse_yaml
from paramatlas.estimate.from_hf import ConfigError, architecture_from_config, model_from_config
from paramatlas.estimate.report import estimate

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DATASET: Dataset = load_dataset()

# YAML text built from fragments that exercise the reader's traps.
_SCALARS = st.sampled_from(
    [
        "1",
        "040",
        "0x8",
        "0b1",
        "1:30",
        ".nan",
        "-.inf",
        "5.1e9",
        "5.1e+9",
        "yes",
        "no",
        "~",
        "2025-02-30",
        "'quoted'",
        '"esc\\u202e"',
        "!!python/name:os.system",
        "&a 1",
        "*a",
        "{{ x }}",
        "<b>",
        "[1, 2",
        "9" * 400,
        "",
        "- a",
        "{a: b}",
        "|\n  block",
    ]
)
_KEYS = st.sampled_from(["id", "name", "layers", "a", "b", "a"])


@st.composite
def yaml_text(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 8))):
        indent = "  " * draw(st.integers(0, 3))
        lines.append(f"{indent}{draw(_KEYS)}: {draw(_SCALARS)}")
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n---\n", "\t"]))


@SETTINGS
@given(st.one_of(yaml_text(), st.text(max_size=300)))
def test_the_loader_answers_or_explains(text: str) -> None:
    document, problems = parse_yaml(text, "generated.yaml")
    assert all(isinstance(problem, Problem) for problem in problems)
    assert document is not None or problems
    for problem in problems:
        assert problem.line >= 1 and problem.column >= 1 and problem.message


_CONFIG_VALUES = st.one_of(
    st.integers(-10, 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.lists(st.integers(0, 4), max_size=3),
    st.none(),
    st.booleans(),
)
_CONFIG_KEYS = (
    "hidden_size",
    "num_attention_heads",
    "num_key_value_heads",
    "num_hidden_layers",
    "vocab_size",
    "intermediate_size",
    "head_dim",
    "num_local_experts",
    "num_experts_per_tok",
    "moe_intermediate_size",
    "sliding_window",
    "max_position_embeddings",
    "kv_lora_rank",
    "first_k_dense_replace",
    "n_shared_experts",
    "full_attention_interval",
)
_VALID = {
    "model_type": "llama",
    "hidden_size": 256,
    "num_attention_heads": 8,
    "num_key_value_heads": 2,
    "num_hidden_layers": 4,
    "vocab_size": 1000,
    "intermediate_size": 512,
    "max_position_embeddings": 4096,
}


@SETTINGS
@given(st.dictionaries(st.sampled_from(_CONFIG_KEYS), _CONFIG_VALUES, max_size=6))
def test_from_hf_answers_or_explains(changes: dict[str, Any]) -> None:
    config = {**_VALID, **changes}
    try:
        arch = architecture_from_config(config)
    except ConfigError as error:
        assert str(error).startswith(("config.json", "config.json's")) or "heads" in str(error)
        return
    assert arch["layers"] >= 1 and arch["hidden_size"] >= 1


def _model() -> Any:
    return model_from_config(_VALID | {"num_hidden_layers": 8}, "generated", "generated.json")


QUANTS = {quant.id: quant for quant in DATASET.quantizations}
DEVICES = st.sampled_from(DATASET.hardware)
MODELS = st.sampled_from(DATASET.models)


@SETTINGS
@given(MODELS, DEVICES, st.integers(1, 2**17), st.sampled_from(["Q4_K_M", "Q8_0", "BF16"]))
def test_estimates_are_finite_positive_and_never_beat_the_bound(
    model: Any, device: Any, context: int, quant_id: str
) -> None:
    result = estimate(DATASET, model, QUANTS[quant_id], context, QUANTS["F16"], device, None)
    memory = result.as_json()["memory"]
    assert all(value is None or value >= 0 for value in memory.values())
    assert memory["weights_bytes"] > 0 and memory["total_bytes"] > memory["weights_bytes"]
    if result.decode_tokens_per_s is not None:
        bound = result.plan.decode_tokens_per_s_bound
        assert bound is not None and math.isfinite(result.decode_tokens_per_s)
        assert 0 < result.decode_tokens_per_s <= bound * (1 + 1e-9)
        low, high = result.decode_range or (0.0, 0.0)
        assert 0 < low <= high <= bound * (1 + 1e-9)


@SETTINGS
@given(MODELS, DEVICES, st.integers(1, 2**16), st.integers(1, 2**16))
def test_more_context_never_needs_less_memory_or_decodes_faster(
    model: Any, device: Any, first: int, second: int
) -> None:
    short, long = sorted((first, second))
    quant = QUANTS["Q4_K_M"]
    a = estimate(DATASET, model, quant, short, QUANTS["F16"], device, None)
    b = estimate(DATASET, model, quant, long, QUANTS["F16"], device, None)
    assert a.plan.total_bytes <= b.plan.total_bytes
    same_place = (
        a.plan.placement
        and b.plan.placement
        and (
            a.plan.placement.fit,
            a.plan.placement.offload,
        )
        == (b.plan.placement.fit, b.plan.placement.offload)
    )
    if same_place and a.decode_tokens_per_s and b.decode_tokens_per_s:
        assert b.decode_tokens_per_s <= a.decode_tokens_per_s * (1 + 1e-9)


@SETTINGS
@given(MODELS, st.integers(1, 2**16))
def test_more_bits_per_weight_never_need_less_memory(model: Any, context: int) -> None:
    ordered = sorted(
        (q for q in DATASET.quantizations if q.applies_to == "all"),
        key=lambda quant: quant.bits_per_weight,
    )
    sizes = [
        estimate(DATASET, model, quant, context, QUANTS["F16"], None, None).plan.weights.total
        for quant in ordered
    ]
    assert sizes == sorted(sizes)


def test_generated_yaml_round_trips_through_pyyaml_when_valid() -> None:
    document, problems = parse_yaml("id: x\nlayers: 4\n", "x.yaml")
    assert document is not None and not problems
    assert document.value == yaml.safe_load("id: x\nlayers: 4\n")
