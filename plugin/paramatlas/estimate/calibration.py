"""Calibrating bounds against published llama-bench results.

A runtime reaches a fraction of the bandwidth bound that depends on the device and its backend.
For each device kind the fraction is the median of measured/bound over the published tg128 results
in data/measurements.yaml; the spread of those ratios becomes the range shown with every estimate.
Prefill is calibrated the same way against pp512 and the device's FP16 throughput.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from ..data.records import Dataset, Measurement
from .plan import Plan, default_host, make_plan

# tg128 generates 128 tokens from an empty context; its average context is 64 tokens.
TG128_CONTEXT = 64
# pp512 processes a 512-token prompt.
PP512_CONTEXT = 512
# Quantiles of the ratios that bound the range shown with an estimate.
RANGE_QUANTILES = (0.1, 0.9)


@dataclass(frozen=True)
class Ratios:
    """measured / computed ratios for one device kind, with their median and spread."""

    values: tuple[float, ...]
    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: tuple[float, ...]) -> Ratios:
        return cls(
            values,
            statistics.median(values),
            _quantile(values, RANGE_QUANTILES[0]),
            _quantile(values, RANGE_QUANTILES[1]),
        )


def _quantile(values: tuple[float, ...], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = q * (len(ordered) - 1)
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


@dataclass(frozen=True)
class CheckedMeasurement:
    measurement: Measurement
    kind: str
    decode_bound: float | None
    prefill_peak: float | None


@dataclass(frozen=True)
class Calibration:
    decode: dict[str, Ratios] = field(default_factory=dict)
    prefill: dict[str, Ratios] = field(default_factory=dict)
    checked: tuple[CheckedMeasurement, ...] = ()

    def decode_ratios(self, kind: str) -> Ratios | None:
        return self.decode.get(kind) or self.decode.get("all")

    def prefill_ratios(self, kind: str) -> Ratios | None:
        return self.prefill.get(kind) or self.prefill.get("all")


def measurement_plan(dataset: Dataset, measurement: Measurement, context: int) -> Plan:
    quantizations = {quant.id: quant for quant in dataset.quantizations}
    return make_plan(
        dataset,
        dataset.model(measurement.model),
        quantizations[measurement.quant],
        context,
        quantizations["F16"],
        dataset.device(measurement.hardware),
        default_host(dataset),
    )


def prefill_peak(plan: Plan) -> float | None:
    """Tokens/s if the device ran its dense FP16 peak on nothing but this model's FLOPs."""
    if plan.device is None or plan.device.fp16_tflops is None:
        return None
    return plan.device.fp16_tflops * 1e12 / plan.prefill_flops_per_token


@cache
def calibrate(dataset: Dataset) -> Calibration:
    checked: list[CheckedMeasurement] = []
    for measurement in dataset.measurements:
        decode_plan = measurement_plan(dataset, measurement, TG128_CONTEXT)
        prefill_plan = measurement_plan(dataset, measurement, PP512_CONTEXT)
        assert decode_plan.device is not None
        # A CPU-backend run on an SoC measures its CPU cores, not its GPU: calibrate it as a CPU.
        kind = "cpu" if measurement.backend == "CPU" else decode_plan.device.kind
        checked.append(
            CheckedMeasurement(
                measurement,
                kind,
                decode_plan.decode_tokens_per_s_bound,
                prefill_peak(prefill_plan),
            )
        )
    decode = _ratios(
        (item.kind, item.measurement.tg128 / item.decode_bound)
        for item in checked
        if item.measurement.tg128 and item.decode_bound
    )
    prefill = _ratios(
        (item.kind, item.measurement.pp512 / item.prefill_peak)
        for item in checked
        if item.measurement.pp512 and item.prefill_peak
    )
    return Calibration(decode, prefill, tuple(checked))


def _ratios(pairs: Iterable[tuple[str, float]]) -> dict[str, Ratios]:
    grouped: dict[str, list[float]] = {}
    for kind, ratio in pairs:
        grouped.setdefault(kind, []).append(ratio)
        grouped.setdefault("all", []).append(ratio)
    return {kind: Ratios.of(tuple(values)) for kind, values in grouped.items()}
