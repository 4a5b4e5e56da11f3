"""The speed model: how long one decoding step and one prompt token take on a device.

Decode is memory-bound, but no runtime reaches its bound:

    seconds per token = device bytes / (device bandwidth × efficiency)
                      + host bytes / (host bandwidth × CPU efficiency)
                      + layers × seconds per layer + MoE layers × seconds per MoE layer
                      + gated-DeltaNet layers × seconds per DeltaNet layer
                      + latent-attention layers × seconds per MLA layer

On the CPU backend the device bandwidth is at most cores × a fitted rate per core: a chip whose
memory outruns its cores (Apple's, whose GPU sets the memory's width) decodes at what its
cores can work through, not at what its memory can deliver.

The efficiency is the share of peak bandwidth the backend's kernels reach on the bytes a token
reads (weights and KV cache); the per-layer costs are what every token pays whatever the model's
size (kernel launches, synchronisation, expert dispatch). Prefill is compute-bound:

    seconds per prompt token = (dense FLOPs + expert FLOPs × expert cost
                                + recurrent layers × FLOPs per recurrent layer)
                               / (peak × utilisation)

where the peak is the device's dense INT8 figure when the backend multiplies integer-quantized
weights with integer kernels (CUDA), its dense FP16 figure otherwise; the utilisation belongs to
the backend and device kind (a datacenter GPU reaches a smaller share of its peak than a
GeForce), and on Vulkan, which drives every vendor's GPUs with other kernels, to the vendor too;
on CUDA to the peak as well (integer kernels and FP16 matrix libraries reach different shares).

Each backend (CUDA, Metal, Vulkan, ROCm, SYCL, CPU; multi-die chips apart) has its own
coefficients, fitted from published llama-bench results by `calibration` and stored in
`data/speed-model.yaml`. A backend with too few results borrows the coefficients fitted on all
of them, with a wider range, and says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..data.records import DecodeCoefficients, Hardware, SpeedGroup, Spread

GB = 10**9
BACKENDS = ("CUDA", "Metal", "Vulkan", "ROCm", "SYCL", "CPU")
MULTI_DIE = " multi-die"
DATACENTER = " datacenter"
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
    """The calibration group: the backend, with chips of several GPU dies kept apart, datacenter
    accelerators apart (llama.cpp reaches a smaller share of HBM bandwidth than of a GeForce
    card's), and Intel GPUs on Vulkan apart (their drivers reach half the share of bandwidth)."""
    if backend != "CPU" and device.gpu_dies > 1:
        return backend + MULTI_DIE
    if backend != "CPU" and device.kind == "datacenter":
        return backend + DATACENTER
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
    cpu_cores: int | None = None
    """The device's CPU cores, when its CPU does the work (the CPU backend) and they are known."""
    bandwidth_gb_s: float = 0.0
    """The device's memory bandwidth, which the cores' rate is compared with."""
    mla_layers: int = 0
    """Multi-head-latent-attention layers, which pay a fixed cost of their own."""

    @property
    def seconds_at_peak(self) -> float:
        """The bound: every byte read at peak bandwidth, nothing else."""
        return (
            self.device_weight_seconds_at_peak
            + self.device_kv_seconds_at_peak
            + self.host_seconds_at_peak
        )


def core_factor(work: DecodeWork, core_gb_s: float) -> float:
    """How much longer the device's bytes take when its CPU cores, not its memory, set the pace:
    bandwidth ÷ (cores × rate per core), and 1 when the memory is the slower or no rate is
    fitted (0)."""
    if not core_gb_s or not work.cpu_cores or not work.bandwidth_gb_s:
        return 1.0
    return max(1.0, work.bandwidth_gb_s / (work.cpu_cores * core_gb_s))


def cores_gb_s(work: DecodeWork, coefficients: DecodeCoefficients) -> float | None:
    """What the CPU cores can read, in GB/s, when that and not the memory sets the pace."""
    if core_factor(work, coefficients.core_gb_s) <= 1 or work.cpu_cores is None:
        return None
    return work.cpu_cores * coefficients.core_gb_s


def device_seconds(work: DecodeWork, group: SpeedGroup) -> float:
    """The part of a decoding step spent on the device, fixed costs included."""
    coefficients = group.decode
    cores = core_factor(work, coefficients.core_gb_s)
    return (
        cores * work.device_weight_seconds_at_peak / coefficients.efficiency
        + cores * work.device_kv_seconds_at_peak / coefficients.kv_efficiency
        + work.layers * coefficients.layer_seconds
        + work.moe_layers * coefficients.moe_layer_seconds
        + work.delta_layers * coefficients.delta_layer_seconds
        + work.mla_layers * coefficients.mla_layer_seconds
    )


def decode_seconds(work: DecodeWork, group: SpeedGroup, host_efficiency: float) -> float:
    return device_seconds(work, group) + work.host_seconds_at_peak / host_efficiency


def decode_speed_range(
    work: DecodeWork, group: SpeedGroup, host_efficiency: float, host_spread: Spread
) -> tuple[float, float]:
    """The 10th–90th percentile range of a decode estimate, never above the bound.

    Each part of the step varies as its own calibration measured: the device's part by its
    group's held-out spread, the part offloaded to system RAM by the CPU backend's (how well an
    unseen machine's CPU share of its RAM bandwidth is predicted). On the device alone this is
    the estimate times the group's spread."""
    device_part = device_seconds(work, group)
    host_part = work.host_seconds_at_peak / host_efficiency
    spread = group.decode_spread
    slow = device_part / spread.low + host_part / host_spread.low
    fast = device_part / spread.high + host_part / host_spread.high
    bound = 1 / work.seconds_at_peak
    return min(bound, 1 / slow), min(bound, 1 / fast)


# llama.cpp's CUDA backend multiplies weights of these formats with 8-bit integer kernels (MMQ);
# float weights go through FP16 matrix products.
INTEGER_MATMUL_BACKENDS = ("CUDA",)
INTEGER_MATMUL_KINDS = ("gguf-legacy", "gguf-k", "gguf-i", "microscaling")


@dataclass(frozen=True)
class PrefillWork:
    """What one prompt token asks of the hardware, before any utilisation."""

    dense_flops: float
    """Every multiply-add outside the routed experts, attention included, as 2 FLOPs."""
    expert_flops: float
    """The routed experts' share: the few experts each token is routed to."""
    recurrent_layers: int
    peak_flops: float
    """The matrix throughput the backend runs on, in operations per second."""
    peak: str = "FP16"
    """Which figure that is: `INT8` or `FP16`."""


def prefill_peak(device: Hardware, backend: str, quant_kind: str) -> tuple[float, str] | None:
    """Operations per second the prompt's matrix products run on at best, and which figure
    that is, if the device has one: INT8 for integer-quantized weights on CUDA, else FP16.
    None on the CPU backend: it computes on the CPU cores, and a device's published matrix
    figures are its GPU's or accelerator's."""
    if backend == "CPU":
        return None
    integer = backend in INTEGER_MATMUL_BACKENDS and quant_kind in INTEGER_MATMUL_KINDS
    if integer and device.int8_tops:
        return device.int8_tops * 1e12, "INT8"
    if device.fp16_tflops:
        return device.fp16_tflops * 1e12, "FP16"
    return None


def prefill_device_group(backend: str, device: Hardware) -> str:
    """`CUDA discrete-gpu`, `Metal unified-memory`; `Vulkan Intel discrete-gpu`: Vulkan's
    kernels reach very different shares of NVIDIA, AMD and Intel GPUs."""
    vendor = f" {device.vendor}" if backend == "Vulkan" else ""
    return f"{backend}{vendor} {device.kind}"


def prefill_group_name(backend: str, device: Hardware, peak: str) -> str:
    """The prefill calibration group: the device's, and on a backend with integer kernels the
    peak too (`CUDA datacenter INT8`, `CUDA datacenter FP16`): integer kernels written for
    llama.cpp and vendor FP16 matrix libraries reach very different shares of their peaks."""
    base = prefill_device_group(backend, device)
    return f"{base} {peak}" if backend in INTEGER_MATMUL_BACKENDS else base


def prefill_seconds(
    work: PrefillWork, expert_cost: float, recurrent_layer_flops: float, utilisation: float
) -> float:
    operations = (
        work.dense_flops
        + work.expert_flops * expert_cost
        + work.recurrent_layers * recurrent_layer_flops
    )
    return operations / (work.peak_flops * utilisation)


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
