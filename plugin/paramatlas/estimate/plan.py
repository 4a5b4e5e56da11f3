"""One model, quantization, context and device: the memory it needs, where it goes, its speed bound.

Everything here follows from the data and the formulas on the Methodology page; nothing is fitted.
Calibrated estimates build on it in `calibration` and `report`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..data.records import Dataset, Hardware, Model, Quantization
from .fit import Placement, place
from .memory import WeightBytes, kv_cache_bytes, overhead_bytes, weight_bytes
from .parameters import (
    ParameterBreakdown,
    count_parameters,
    moe_layer_count,
    recurrent_layer_count,
    tied_head_parameters,
)
from .speed import PrefillWork, prefill_peak

# The context pages and the CLI quote by default: long enough for a real conversation.
DEFAULT_CONTEXT = 8192
DEFAULT_QUANT = "Q4_K_M"
DEFAULT_KV_QUANT = "F16"
# The host assumed behind a discrete GPU: a desktop with 64 GB of dual-channel DDR5-5600; behind
# a datacenter accelerator, a server with twelve channels of DDR5-4800.
DEFAULT_HOST = "ryzen-9-9950x-ddr5-5600"
DEFAULT_SERVER_HOST = "epyc-9654-ddr5-4800"
GB = 10**9


@dataclass(frozen=True)
class Plan:
    model: Model
    quant: Quantization
    kv_quant: Quantization
    context: int
    breakdown: ParameterBreakdown
    weights: WeightBytes
    kv_cache: int
    overhead: int
    device: Hardware | None
    host: Hardware | None
    placement: Placement | None
    gpus: int = 1
    """Identical cards the model is split over by layer (llama.cpp's default split)."""

    @property
    def total_bytes(self) -> int:
        return self.weights.total + self.kv_cache + self.overhead

    @property
    def decode_seconds_bound(self) -> float | None:
        """The least time one decoding step can take: every byte read at peak bandwidth."""
        if self.device is None or self.placement is None or self.placement.fit == "no":
            return None
        seconds = self.placement.accelerator_read_per_token / (self.device.bandwidth_gb_s * GB)
        if self.placement.host_read_per_token:
            assert self.host is not None
            seconds += self.placement.host_read_per_token / (self.host.bandwidth_gb_s * GB)
        return seconds

    @property
    def decode_tokens_per_s_bound(self) -> float | None:
        seconds = self.decode_seconds_bound
        return 1 / seconds if seconds else None

    @property
    def bound_by(self) -> str | None:
        """Which memory's bandwidth dominates the bound."""
        if self.placement is None or self.device is None or self.placement.fit == "no":
            return None
        device_time = self.placement.accelerator_read_per_token / self.device.bandwidth_gb_s
        if self.placement.host_read_per_token and self.host is not None:
            host_time = self.placement.host_read_per_token / self.host.bandwidth_gb_s
            if host_time > device_time:
                return f"host RAM bandwidth ({self.host.bandwidth_gb_s:g} GB/s)"
        return f"memory bandwidth ({self.device.bandwidth_gb_s:g} GB/s)"

    @property
    def prefill_flops_per_token(self) -> float:
        """2 FLOPs per active weight that multiplies (a tied head multiplies the embedding
        table, which is otherwise only looked up), plus attention over half the context."""
        arch = self.model.architecture
        multiplied = self.breakdown.active - self.breakdown.embedding + tied_head_parameters(arch)
        attention_width = arch.attention.heads * arch.attention.head_dim
        attention = 2 * 2 * arch.layers * attention_width * (self.context / 2)
        return 2 * multiplied + attention

    def prefill_work(self, device: Hardware, backend: str) -> PrefillWork | None:
        """What one prompt token asks of `device`, if it has a published matrix peak."""
        peak = prefill_peak(device, backend, self.quant.kind)
        if peak is None:
            return None
        experts = 2 * self.breakdown.routed_experts_active
        return PrefillWork(
            self.prefill_flops_per_token - experts,
            experts,
            recurrent_layer_count(self.model.architecture),
            *peak,
        )


def quantizations_by_id(dataset: Dataset) -> dict[str, Quantization]:
    return {quant.id: quant for quant in dataset.quantizations}


def default_host(dataset: Dataset, device_kind: str | None = None) -> Hardware | None:
    """The system RAM offloaded parts go to: a server's behind a datacenter accelerator, a
    desktop's otherwise (either falls back to the other where the dataset lacks it)."""
    wanted = (DEFAULT_SERVER_HOST, DEFAULT_HOST)
    if device_kind != "datacenter":
        wanted = wanted[::-1]
    hosts = {host.id: host for host in dataset.hardware if host.id in wanted}
    return next((hosts[host_id] for host_id in wanted if host_id in hosts), None)


def longest_context(fits: Callable[[int], bool], maximum: int) -> int:
    """The largest context in [1, maximum] for which `fits` holds, 0 if none; `fits` must be
    monotone (memory only grows with context)."""
    if not fits(1):
        return 0
    low, high = 1, maximum
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def make_plan(
    dataset: Dataset,
    model: Model,
    quant: Quantization,
    context: int,
    kv_quant: Quantization,
    device: Hardware | None,
    host: Hardware | None,
    breakdown: ParameterBreakdown | None = None,
    gpus: int = 1,
) -> Plan:
    breakdown = breakdown or count_parameters(model.architecture)
    return plan_from_parts(
        model,
        quant,
        kv_quant,
        context,
        breakdown,
        weight_bytes(model, quant, quantizations_by_id(dataset), breakdown),
        kv_cache_bytes(model.architecture, context, kv_quant),
        overhead_bytes(model.architecture, context),
        device,
        host,
        gpus,
    )


def plan_from_parts(
    model: Model,
    quant: Quantization,
    kv_quant: Quantization,
    context: int,
    breakdown: ParameterBreakdown,
    weights: WeightBytes,
    kv_cache: int,
    overhead: int,
    device: Hardware | None,
    host: Hardware | None,
    gpus: int = 1,
) -> Plan:
    """A plan from memory already computed: what pages showing many devices reuse.

    With several GPUs, weights and KV cache are spread by layer and every card keeps its own
    compute buffers, so the overhead counts once per card.
    """
    overhead *= gpus
    placement = None
    if device is not None:
        moe_layers = moe_layer_count(model.architecture)
        placement = place(
            weights, kv_cache, overhead, model.architecture.layers, moe_layers, device, host, gpus
        )
    return Plan(
        model,
        quant,
        kv_quant,
        context,
        breakdown,
        weights,
        kv_cache,
        overhead,
        device,
        host,
        placement,
        gpus,
    )
