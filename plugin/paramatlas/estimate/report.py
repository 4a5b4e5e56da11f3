"""The estimate for one model, quantization, context and device, as the CLI and the pages show it.

`as_json` is the contract of `paramatlas estimate --json` (see PRODUCT.md): bytes, not GB.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from ..data.dataset import bundled_speed_model
from ..data.records import (
    Dataset,
    Hardware,
    Model,
    PrefillGroup,
    Quantization,
    SpeedGroup,
    SpeedModel,
)
from .calibration import calibrate
from .fit import usable_memory
from .parameters import (
    ParameterBreakdown,
    count_parameters,
    delta_layer_count,
    mla_layer_count,
    moe_layer_count,
)
from .plan import Plan, longest_context, make_plan
from .speed import (
    GB,
    DecodeWork,
    cores_gb_s,
    decode_seconds,
    decode_speed_range,
    device_backend,
    prefill_group_name,
    prefill_seconds,
    speed_group,
)


@dataclass(frozen=True)
class Estimate:
    plan: Plan
    decode_tokens_per_s: float | None
    decode_range: tuple[float, float] | None
    prefill_tokens_per_s: float | None
    prefill_range: tuple[float, float] | None
    speed: SpeedGroup | None = None
    """The calibration group the decode speed comes from."""
    prefill_calibration: PrefillGroup | None = None
    prefill_peak: str | None = None
    """Which matrix figure prefill is priced against: `INT8` or `FP16`."""
    prefill_not_estimated: str | None = None
    """Why a plan with a decode speed has no prefill speed, in words for readers."""
    cpu_cores_gb_s: float | None = None
    """What the CPU cores can read when they, not the memory, set the decode pace."""

    def as_json(self) -> dict[str, Any]:
        """Speeds unrounded: pages round for display, and compare the same numbers."""
        plan = self.plan
        placement = plan.placement
        device = plan.device
        return {
            "model": plan.model.id,
            "quant": plan.quant.id,
            "kv_quant": plan.kv_quant.id,
            "context": plan.context,
            "hardware": device.id if device else None,
            "gpus": plan.gpus,
            "host": plan.host.id if placement and placement.host_bytes and plan.host else None,
            "memory": {
                "weights_bytes": plan.weights.total,
                "kv_cache_bytes": plan.kv_cache,
                "overhead_bytes": plan.overhead,
                "total_bytes": plan.total_bytes,
                "accelerator_bytes": placement.accelerator_bytes if placement else None,
                "host_bytes": placement.host_bytes if placement else None,
                "usable_bytes": usable_memory(device).bytes if device else None,
            },
            "fit": placement.fit if placement else None,
            "offload": placement.offload if placement else None,
            "decode_tokens_per_s": self.decode_tokens_per_s,
            "decode_tokens_per_s_range": _pair(self.decode_range),
            "decode_tokens_per_s_bound": plan.decode_tokens_per_s_bound,
            "decode_bound_by": plan.bound_by,
            "decode_cpu_cores_gb_s": self.cpu_cores_gb_s,
            "prefill_tokens_per_s": self.prefill_tokens_per_s,
            "prefill_tokens_per_s_range": _pair(self.prefill_range),
            "prefill_not_estimated": self.prefill_not_estimated,
            "speed_calibration": _calibration_json(self.speed),
            "prefill_calibration": _prefill_calibration_json(
                self.prefill_calibration, self.prefill_peak
            ),
            "parameters": plan.breakdown.as_dict()
            | {
                "total": plan.breakdown.total,
                "effective": plan.breakdown.effective,
                "active": plan.breakdown.active,
            },
        }


def _calibration_json(group: SpeedGroup | PrefillGroup | None) -> dict[str, Any] | None:
    if group is None:
        return None
    return {
        "group": group.name,
        "calibrated": group.calibrated,
        "rows": group.rows,
        "devices": group.devices,
    }


def _prefill_calibration_json(
    group: PrefillGroup | None, peak: str | None
) -> dict[str, Any] | None:
    data = _calibration_json(group)
    return None if data is None else data | {"peak": peak}


def _pair(pair: tuple[float, float] | None) -> list[float] | None:
    return None if pair is None else [pair[0], pair[1]]


@cache
def speed_model_of(dataset: Dataset) -> SpeedModel:
    """The dataset's stored speed model, else the bundled one, else one fitted on the spot."""
    return dataset.speed_model or bundled_speed_model() or calibrate(dataset)


def estimate(
    dataset: Dataset,
    model: Model,
    quant: Quantization,
    context: int,
    kv_quant: Quantization,
    device: Hardware | None,
    host: Hardware | None,
    speed_model: SpeedModel | None = None,
    breakdown: ParameterBreakdown | None = None,
    gpus: int = 1,
) -> Estimate:
    plan = make_plan(dataset, model, quant, context, kv_quant, device, host, breakdown, gpus)
    return calibrated(plan, speed_model or speed_model_of(dataset))


def max_context(
    dataset: Dataset,
    model: Model,
    quant: Quantization,
    kv_quant: Quantization,
    device: Hardware,
    host: Hardware | None,
    gpus: int = 1,
) -> int:
    """The longest context, up to the model's maximum, at which the model fits fully."""
    breakdown = count_parameters(model.architecture)

    def fits(context: int) -> bool:
        plan = make_plan(dataset, model, quant, context, kv_quant, device, host, breakdown, gpus)
        return plan.placement is not None and plan.placement.fit == "fits"

    return longest_context(fits, model_max_context(model))


# The longest context priced for a model whose config states none.
UNSTATED_MAX_CONTEXT = 2**24


def model_max_context(model: Model) -> int:
    """The longest context the model supports: with its documented extension, if any."""
    return model.context_length_extended or model.context_length or UNSTATED_MAX_CONTEXT


def decode_work(plan: Plan) -> DecodeWork | None:
    """What one decoding step reads from the device and the host, and its layer counts."""
    placement = plan.placement
    device = plan.device
    if device is None or placement is None or placement.fit == "no":
        return None
    host_seconds = 0.0
    if placement.host_read_per_token:
        assert plan.host is not None
        host_seconds = placement.host_read_per_token / (plan.host.bandwidth_gb_s * GB)
    arch = plan.model.architecture
    device_rate = device.bandwidth_gb_s * GB
    # The KV cache stays with the layers on the device unless whole layers are offloaded.
    kv_on_device = min(plan.kv_cache, placement.accelerator_read_per_token)
    return DecodeWork(
        (placement.accelerator_read_per_token - kv_on_device) / device_rate,
        kv_on_device / device_rate,
        host_seconds,
        arch.layers,
        moe_layer_count(arch),
        delta_layer_count(arch),
        device.cpu_cores if device_backend(device) == "CPU" else None,
        device.bandwidth_gb_s,
        mla_layer_count(arch),
    )


def _prefill_gap(plan: Plan, has_peak: bool, speed_model: SpeedModel) -> str | None:
    """Why no prefill speed can be given for a plan that decodes, or None when one can.

    With experts or layers in system RAM, llama.cpp copies those weights to the GPU for every
    batch of prompt tokens: prompt speed then follows the PCIe link, which the speed model
    does not describe."""
    placement = plan.placement
    if placement is not None and placement.offload_kind in ("experts", "layers"):
        return "weights in system RAM are copied to the GPU for each batch of prompt tokens"
    if plan.device is not None and device_backend(plan.device) == "CPU":
        return (
            "llama.cpp's CPU backend computes prompts on the CPU cores, "
            "for which the data has no matrix figure"
        )
    if not has_peak:
        return "the device has no published FP16 or INT8 matrix figure"
    if speed_model.prefill is None:
        return "the dataset has no published prompt speeds to calibrate against"
    return None


def calibrated(plan: Plan, speed_model: SpeedModel) -> Estimate:
    """Decode and prefill speeds for the plan, from its device's calibration group."""
    device = plan.device
    work = decode_work(plan)
    if device is None or work is None:
        return Estimate(plan, None, None, None, None)
    backend = device_backend(device)
    group = speed_model.group(speed_group(backend, device))
    bound = 1 / work.seconds_at_peak
    host_efficiency = speed_model.host_efficiency
    decode = min(bound, 1 / decode_seconds(work, group, host_efficiency))
    decode_range = decode_speed_range(work, group, host_efficiency, speed_model.host_spread)
    prefill = prefill_range = prefill_group = peak = None
    prefill_work = plan.prefill_work(device, backend)
    gap = _prefill_gap(plan, prefill_work is not None, speed_model)
    if prefill_work is not None and speed_model.prefill is not None and gap is None:
        prefill_group = speed_model.prefill.group(
            prefill_group_name(backend, device, prefill_work.peak)
        )
        utilisation = prefill_group.utilisation
        fitted = speed_model.prefill
        prefill = 1 / prefill_seconds(
            prefill_work, fitted.expert_cost, fitted.recurrent_layer_flops, utilisation
        )
        prefill_range = (prefill * prefill_group.spread.low, prefill * prefill_group.spread.high)
        peak = prefill_work.peak
    return Estimate(
        plan,
        decode,
        decode_range,
        prefill,
        prefill_range,
        group,
        prefill_group,
        peak,
        gap,
        cores_gb_s(work, group.decode),
    )
