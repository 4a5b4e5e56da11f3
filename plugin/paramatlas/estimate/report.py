"""The estimate for one model, quantization, context and device, as the CLI and the pages show it.

`as_json` is the contract of `paramatlas estimate --json` (see PRODUCT.md): bytes, not GB.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..data.records import Dataset, Hardware, Model, Quantization
from .calibration import Calibration, calibrate, prefill_peak
from .fit import usable_memory
from .parameters import ParameterBreakdown
from .plan import Plan, make_plan


@dataclass(frozen=True)
class Estimate:
    plan: Plan
    decode_tokens_per_s: float | None
    decode_range: tuple[float, float] | None
    prefill_tokens_per_s: float | None
    prefill_range: tuple[float, float] | None

    def as_json(self) -> dict[str, Any]:
        plan = self.plan
        placement = plan.placement
        device = plan.device
        return {
            "model": plan.model.id,
            "quant": plan.quant.id,
            "kv_quant": plan.kv_quant.id,
            "context": plan.context,
            "hardware": device.id if device else None,
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
            "decode_tokens_per_s": _round(self.decode_tokens_per_s),
            "decode_tokens_per_s_range": _round_pair(self.decode_range),
            "decode_tokens_per_s_bound": _round(plan.decode_tokens_per_s_bound),
            "decode_bound_by": plan.bound_by,
            "prefill_tokens_per_s": _round(self.prefill_tokens_per_s),
            "prefill_tokens_per_s_range": _round_pair(self.prefill_range),
            "parameters": plan.breakdown.as_dict()
            | {
                "total": plan.breakdown.total,
                "effective": plan.breakdown.effective,
                "active": plan.breakdown.active,
            },
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _round_pair(pair: tuple[float, float] | None) -> list[float] | None:
    return None if pair is None else [round(pair[0], 1), round(pair[1], 1)]


def estimate(
    dataset: Dataset,
    model: Model,
    quant: Quantization,
    context: int,
    kv_quant: Quantization,
    device: Hardware | None,
    host: Hardware | None,
    calibration: Calibration | None = None,
    breakdown: ParameterBreakdown | None = None,
) -> Estimate:
    plan = make_plan(dataset, model, quant, context, kv_quant, device, host, breakdown)
    return calibrated(plan, calibration or calibrate(dataset))


def calibrated(plan: Plan, calibration: Calibration) -> Estimate:
    """The plan's bound turned into an estimate with the range its device kind's data gives."""
    device = plan.device
    if device is None or plan.decode_tokens_per_s_bound is None:
        return Estimate(plan, None, None, None, None)
    bound = plan.decode_tokens_per_s_bound
    decode = calibration.decode_ratios(device.kind)
    decode_estimate = decode_range = None
    if decode is not None:
        decode_estimate = min(bound, bound * decode.median)
        decode_range = (bound * decode.low, min(bound, bound * decode.high))
    peak = prefill_peak(plan)
    prefill = calibration.prefill_ratios(device.kind)
    prefill_estimate = prefill_range = None
    if peak is not None and prefill is not None:
        prefill_estimate = peak * prefill.median
        prefill_range = (peak * prefill.low, peak * prefill.high)
    return Estimate(plan, decode_estimate, decode_range, prefill_estimate, prefill_range)
