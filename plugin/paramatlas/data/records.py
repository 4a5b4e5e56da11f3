"""Typed, immutable records built from validated data files.

Records hold what the files say plus the counts the rules derive (effective and active where a file
leaves them out), each count keeping its provenance so a page can say where a number comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

CountStatus = Literal["official", "derived", "estimated"]
CountName = Literal["total", "ple", "effective", "active"]
HardwareKind = Literal["discrete-gpu", "unified-memory", "cpu", "edge-soc", "datacenter"]


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str


@dataclass(frozen=True)
class Count:
    """A parameter count. `derived_from` names the rule when the file did not state it."""

    value: int
    approximate: bool
    status: CountStatus
    source: str | None
    derived_from: str | None = None

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Count:
        return cls(
            value=round(data["value"]),
            approximate=bool(data.get("approximate", False)),
            status=data["status"],
            source=data["source"],
        )


@dataclass(frozen=True)
class AlsoReported:
    count: CountName
    value: int
    approximate: bool
    source: str
    note: str


@dataclass(frozen=True)
class ParameterCounts:
    total: Count
    effective: Count
    active: Count
    ple: Count | None = None
    includes_encoders: bool = False
    includes_mtp: bool = False
    also_reported: tuple[AlsoReported, ...] = ()


@dataclass(frozen=True)
class GlobalLayers:
    kv_heads: int | None = None
    head_dim: int | None = None
    k_equals_v: bool = False


@dataclass(frozen=True)
class LatentAttention:
    q_lora_rank: int | None
    kv_lora_rank: int
    qk_nope_head_dim: int
    qk_rope_head_dim: int
    v_head_dim: int


@dataclass(frozen=True)
class Indexer:
    """A lightning indexer: scores cached entries so the attention reads only the best ones."""

    heads: int
    head_dim: int


@dataclass(frozen=True)
class Attention:
    kind: Literal["mha", "gqa", "mqa", "mla"]
    heads: int
    kv_heads: int
    head_dim: int
    qkv_bias: bool = False
    output_gate: bool = False
    qk_norm: bool = False
    qk_norm_scope: Literal["head", "projection"] = "head"
    k_equals_v: bool = False
    q_lora_rank: int | None = None
    o_groups: int | None = None
    o_lora_rank: int | None = None
    sliding_window: int | None = None
    layer_pattern: tuple[int, int] | None = None
    global_layers: GlobalLayers | None = None
    kv_shared_layers: int = 0
    compress_ratios: tuple[int, ...] = ()
    indexer: Indexer | None = None
    mla: LatentAttention | None = None


@dataclass(frozen=True)
class LinearAttention:
    kind: str
    layer_pattern: tuple[int, int]
    key_heads: int | None = None
    value_heads: int | None = None
    key_head_dim: int | None = None
    value_head_dim: int | None = None
    conv_kernel: int | None = None
    state_size: int | None = None
    expand: int | None = None
    groups: int | None = None


@dataclass(frozen=True)
class Experts:
    routed: int
    routed_per_token: int
    expert_intermediate_size: int
    shared: int = 0
    shared_intermediate_size: int | None = None
    dense_layers: int = 0
    moe_layer_interval: int = 1
    gated: bool = True


@dataclass(frozen=True)
class Encoder:
    modality: str
    params: Count
    name: str | None = None


@dataclass(frozen=True)
class Architecture:
    type: Literal["dense", "moe"]
    layers: int
    hidden_size: int
    vocab_size: int
    attention: Attention
    tie_word_embeddings: bool = False
    ffn_gated: bool = True
    intermediate_size: int | None = None
    kv_shared_intermediate_size: int | None = None
    linear_attention: LinearAttention | None = None
    experts: Experts | None = None
    ple_dim: int | None = None
    ple_vocab_size: int | None = None
    altup_streams: int | None = None
    laurel_rank: int | None = None
    mtp_layers: int = 0
    encoders: tuple[Encoder, ...] = ()

    @property
    def is_moe(self) -> bool:
        return self.type == "moe"

    @property
    def has_ple(self) -> bool:
        return self.ple_dim is not None


@dataclass(frozen=True)
class Model:
    id: str
    name: str
    family: str
    vendor: str
    released: str
    license: str
    modalities: tuple[str, ...]
    context_length: int
    architecture: Architecture
    parameters: ParameterCounts
    sources: tuple[Source, ...]
    path: str
    context_length_extended: int | None = None
    open_weights: bool = True
    native_precision: str | None = None
    notes: str = ""

    def source(self, source_id: str | None) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)


@dataclass(frozen=True)
class Family:
    id: str
    name: str
    vendor: str
    url: str
    description: str = ""


@dataclass(frozen=True)
class Hardware:
    id: str
    name: str
    vendor: str
    kind: HardwareKind
    released: int
    memory_gib: float
    bandwidth_gb_s: float
    sources: tuple[Source, ...]
    path: str
    memory_type: str | None = None
    bus_width_bits: int | None = None
    fp16_tflops: float | None = None
    fp16_tflops_note: str | None = None
    int8_tops: float | None = None
    int8_tops_note: str | None = None
    cpu_cores: int | None = None
    """The CPU cores llama.cpp's threads run on by default (performance cores on hybrids)."""
    cpu_cores_note: str | None = None
    usable_memory_gib: float | None = None
    backend: str | None = None
    gpu_dies: int = 1
    notes: str = ""
    bandwidth_status: CountStatus = "official"
    memory_size_status: CountStatus = "official"
    fp16_status: CountStatus = "official"
    int8_status: CountStatus = "official"
    usable_memory_status: CountStatus = "official"

    @property
    def memory_bytes(self) -> int:
        return round(self.memory_gib * 2**30)


@dataclass(frozen=True)
class Quantization:
    id: str
    name: str
    kind: str
    bits_per_weight: float
    applies_to: Literal["all", "experts"]
    description: str
    sources: tuple[Source, ...]
    approximate: bool = False
    kv_cache: bool = False
    other_weights: str | None = None


@dataclass(frozen=True)
class GlossaryTerm:
    id: str
    term: str
    summary: str
    definition: str
    path: str
    abbreviation: str | None = None
    aliases: tuple[str, ...] = ()
    example: str | None = None
    example_model: str | None = None
    related: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Measurement:
    """A published llama-bench result for one model, quantization and device."""

    model: str
    hardware: str
    quant: str
    backend: str
    source: Source
    tg128: float | None = None
    pp512: float | None = None
    depth: int = 0
    generated: int = 128
    gpus: int = 1
    offload_experts: int | Literal["all"] | None = None
    """`--n-cpu-moe`: routed experts of this many MoE layers (or all) computed on the CPU."""
    gpu_layers: int | None = None
    """`-ngl`: layers on the GPU when the rest ran on the CPU."""
    host: str | None = None
    build: str | None = None
    date: str | None = None
    excluded: str | None = None
    """Why the result is left out of calibration and accuracy, if it is."""
    note: str = ""


@dataclass(frozen=True)
class DecodeCoefficients:
    efficiency: float
    """Share of peak bandwidth reached reading the weights one token needs (0–1]."""
    kv_efficiency: float
    """Share of peak bandwidth reached reading the KV cache (0–1]."""
    layer_seconds: float
    """Fixed cost per layer per token."""
    moe_layer_seconds: float
    """Extra fixed cost per mixture-of-experts layer per token (routing and dispatch)."""
    delta_layer_seconds: float = 0.0
    """Extra fixed cost per gated-DeltaNet layer per token (its recurrent state update)."""
    core_gb_s: float = 0.0
    """Bytes per second (in GB) one CPU core works through on the CPU backend; 0: no limit.
    A chip whose memory is faster than its cores can use decodes at cores × this."""
    mla_layer_seconds: float = 0.0
    """Extra fixed cost per multi-head-latent-attention layer per token."""


@dataclass(frozen=True)
class Spread:
    """Measured ÷ estimated at the 10th and 90th percentile of held-out results."""

    low: float
    high: float


@dataclass(frozen=True)
class SpeedGroup:
    name: str
    decode: DecodeCoefficients
    decode_spread: Spread
    rows: int
    devices: int
    calibrated: bool
    """False when the group has too few results of its own and uses the pooled fit."""


@dataclass(frozen=True)
class PrefillGroup:
    """Prompt processing on one backend and device kind (`CUDA discrete-gpu`, `Metal
    unified-memory`): the share of the matrix peak it reaches, and its held-out range."""

    name: str
    utilisation: float
    spread: Spread
    rows: int
    devices: int
    calibrated: bool
    """False when too few devices of this backend and kind have results: pooled values."""


@dataclass(frozen=True)
class PrefillModel:
    expert_cost: float
    """How many dense FLOPs one routed-expert FLOP costs: experts multiply the few tokens routed
    to them, in smaller batches than the dense layers (≥ 1)."""
    recurrent_layer_flops: float
    """What a recurrent (gated-DeltaNet or Mamba-2) layer's scan costs per prompt token, in
    FLOPs of matrix work: it runs token by token, not as one matrix product."""
    groups: dict[str, PrefillGroup]
    pooled: PrefillGroup

    def group(self, name: str) -> PrefillGroup:
        """The group's own calibration, else the pooled one (marked uncalibrated)."""
        own = self.groups.get(name)
        if own is not None and own.calibrated:
            return own
        return replace(
            self.pooled,
            name=name,
            rows=own.rows if own else 0,
            devices=own.devices if own else 0,
            calibrated=False,
        )


@dataclass(frozen=True)
class OffloadCalibration:
    host_efficiency: float
    rows: int
    devices: int


@dataclass(frozen=True)
class SpeedModel:
    groups: dict[str, SpeedGroup]
    pooled: SpeedGroup
    offload: OffloadCalibration | None = None
    """How fast the CPU works through offloaded weights, where results with offload exist."""
    prefill: PrefillModel | None = None
    """Prompt-processing calibration, where results with prefill speeds exist."""

    @property
    def host_efficiency(self) -> float:
        """Share of system-RAM bandwidth the CPU reaches on offloaded experts or layers: fitted
        from offload results, else the CPU backend's weight efficiency."""
        if self.offload is not None:
            return self.offload.host_efficiency
        return self.group("CPU").decode.efficiency

    @property
    def host_spread(self) -> Spread:
        """How far the offloaded part of a step may differ: the CPU backend's held-out spread."""
        return self.group("CPU").decode_spread

    def group(self, name: str) -> SpeedGroup:
        """The group's own calibration. A group with too few results of its own takes its
        backend's coefficients (a multi-die chip: those of the single-die chips), else the
        pooled ones, with the pooled range, measured on groups held out whole."""
        own = self.groups.get(name)
        if own is not None and own.calibrated:
            return own
        backend = self.groups.get(name.split(" ")[0])
        base = backend if backend is not None and backend.calibrated else self.pooled
        return SpeedGroup(
            name,
            base.decode,
            self.pooled.decode_spread,
            own.rows if own else 0,
            own.devices if own else 0,
            False,
        )


@dataclass(frozen=True, eq=False)
class Dataset:
    """The whole validated dataset, every collection sorted by id.

    Compared and hashed by identity, so per-dataset results (calibration) can be cached cheaply.
    """

    root: str
    models: tuple[Model, ...]
    families: tuple[Family, ...]
    hardware: tuple[Hardware, ...]
    quantizations: tuple[Quantization, ...]
    glossary: tuple[GlossaryTerm, ...]
    measurements: tuple[Measurement, ...] = ()
    speed_model: SpeedModel | None = None
    """Fitted speed coefficients (speed-model.yaml), when the folder has them."""
    _index: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("models", "families", "hardware", "quantizations", "glossary"):
            self._index[name] = {entry.id: entry for entry in getattr(self, name)}

    def model(self, model_id: str) -> Model:
        return self._index["models"][model_id]  # type: ignore[no-any-return]

    def family(self, family_id: str) -> Family:
        return self._index["families"][family_id]  # type: ignore[no-any-return]

    def device(self, hardware_id: str) -> Hardware:
        return self._index["hardware"][hardware_id]  # type: ignore[no-any-return]

    def quantization(self, quant_id: str) -> Quantization:
        return self._index["quantizations"][quant_id]  # type: ignore[no-any-return]

    def term(self, term_id: str) -> GlossaryTerm:
        return self._index["glossary"][term_id]  # type: ignore[no-any-return]

    def ids(self, collection: str) -> list[str]:
        return list(self._index[collection])
