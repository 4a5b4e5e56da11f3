"""The speed model: how long one decoding step and one prompt token take on a device.

Decode is memory-bound, but no runtime reaches its bound:

    seconds per token = device bytes / (device bandwidth × efficiency)
                      + host bytes / (host bandwidth × CPU efficiency)
                      + layers × seconds per layer + MoE layers × seconds per MoE layer
                      + gated-DeltaNet layers × seconds per DeltaNet layer

The efficiency is the share of peak bandwidth the backend's kernels reach on the bytes a token
reads (weights and KV cache); the per-layer costs are what every token pays whatever the model's
size (kernel launches, synchronisation, expert dispatch). Prefill is compute-bound: FLOPs per
token against the device's dense FP16 peak times a utilisation.

Each backend (CUDA, Metal, Vulkan, ROCm, SYCL, CPU; multi-die chips apart) has its own
coefficients, fitted from published llama-bench results by `calibration` and stored in
`data/speed-model.yaml`. A backend with too few results borrows the coefficients fitted on all
of them, with a wider range, and says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..data.records import Hardware, SpeedGroup, Spread

GB = 10**9
BACKENDS = ("CUDA", "Metal", "Vulkan", "ROCm", "SYCL", "CPU")
MULTI_DIE = " multi-die"
INTEL = " Intel"


# A GPU of no vendor we know (a custom device in the calculator) has no backend of its own: it
# takes the pooled coefficients and the pooled, wider range, and is shown as uncalibrated.
UNKNOWN_BACKEND = "unknown"
_GPU_KINDS = ("discrete-gpu", "datacenter", "unified-memory")


def device_backend(device: Hardware) -> str:
    """The llama.cpp backend readers use on `device`: its entry's, else the vendor's usual one."""
    if device.backend is not None:
        return device.backend
    vendor = device.vendor.lower()
    if device.kind == "cpu":
        return "CPU"
    if vendor not in ("nvidia", "apple", "amd", "intel", "qualcomm", "raspberry pi"):
        return UNKNOWN_BACKEND if device.kind in _GPU_KINDS else "CPU"
    if vendor == "nvidia":
        return "CUDA"
    if vendor == "apple":
        return "Metal"
    if vendor == "amd":
        return "ROCm" if device.kind == "datacenter" else "Vulkan"
    if vendor == "intel" and device.kind == "discrete-gpu":
        return "Vulkan"
    return "CPU"  # phones and boards run llama.cpp on their CPU cores


def speed_group(backend: str, device: Hardware) -> str:
    """The calibration group: the backend, with chips of several GPU dies kept apart, and Intel
    GPUs on Vulkan apart from the others (their drivers reach half the share of bandwidth)."""
    if backend != "CPU" and device.gpu_dies > 1:
        return backend + MULTI_DIE
    if backend == "Vulkan" and device.vendor.lower() == "intel":
        return backend + INTEL
    return backend


@dataclass(frozen=True)
class DecodeWork:
    """What one decoding step asks of the hardware, before any efficiency."""

    device_weight_seconds_at_peak: float
    device_kv_seconds_at_peak: float
    host_seconds_at_peak: float
    layers: int
    moe_layers: int
    delta_layers: int = 0

    @property
    def seconds_at_peak(self) -> float:
        """The bound: every byte read at peak bandwidth, nothing else."""
        return (
            self.device_weight_seconds_at_peak
            + self.device_kv_seconds_at_peak
            + self.host_seconds_at_peak
        )


def device_seconds(work: DecodeWork, group: SpeedGroup) -> float:
    """The part of a decoding step spent on the device, fixed costs included."""
    coefficients = group.decode
    return (
        work.device_weight_seconds_at_peak / coefficients.efficiency
        + work.device_kv_seconds_at_peak / coefficients.kv_efficiency
        + work.layers * coefficients.layer_seconds
        + work.moe_layers * coefficients.moe_layer_seconds
        + work.delta_layers * coefficients.delta_layer_seconds
    )


def decode_seconds(work: DecodeWork, group: SpeedGroup, host_efficiency: float) -> float:
    return device_seconds(work, group) + work.host_seconds_at_peak / host_efficiency


Ratios = list[tuple[float, str]]
"""measured ÷ estimated, with the device (or group) each belongs to."""


def spread_from_ratios(ratios: Ratios, prior: Ratios = (), prior_weight: float = 0) -> Spread:  # type: ignore[assignment]
    """The 10th and 90th percentile of measured ÷ estimated ratios, each device weighing the
    same however many results it has (a device with sixty results would otherwise set the
    range for every other). `prior` ratios add `prior_weight` devices' worth, shared evenly."""
    weighted = _device_weights(ratios, 1.0)
    if prior and prior_weight:
        keys = len({key for _, key in prior})
        weighted += _device_weights(prior, prior_weight / keys)
    weighted.sort()
    return Spread(math.exp(_quantile(weighted, 0.1)), math.exp(_quantile(weighted, 0.9)))


def _device_weights(ratios: Ratios, per_device: float) -> list[tuple[float, float]]:
    counts: dict[str, int] = {}
    for _, key in ratios:
        counts[key] = counts.get(key, 0) + 1
    return [(math.log(ratio), per_device / counts[key]) for ratio, key in ratios]


def _quantile(weighted: list[tuple[float, float]], q: float) -> float:
    """The weighted quantile of sorted (value, weight) pairs, by the midpoint rule."""
    total = sum(weight for _, weight in weighted)
    cumulative = 0.0
    previous = weighted[0]
    for value, weight in weighted:
        position = (cumulative + weight / 2) / total
        if position >= q:
            if previous is (value, weight) or position == q:
                return value
            before = (cumulative - previous[1] / 2) / total
            if position == before:
                return value
            share = max(0.0, (q - before) / (position - before))
            return previous[0] + (value - previous[0]) * share
        cumulative += weight
        previous = (value, weight)
    return weighted[-1][0]
