"""The numbers the Methodology page shows: assumptions, the fitted speed model and its accuracy.

Accuracy is measured as an outsider would check it: every published result is predicted by a
speed model fitted without its device (and, separately, without its source), ranges included.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..data.records import PrefillGroup, PrefillModel, SpeedGroup, SpeedModel, Spread
from ..estimate import fit, memory, prefill
from ..estimate.calibration import (
    CPU_GROUP,
    MIN_GROUP_DEVICES,
    MIN_GROUP_ROWS,
    Observation,
    Prediction,
    observations,
    predict,
)
from ..estimate.speed import DecodeWork
from ..estimate.validation_store import cross_validated
from . import charts, numbers
from .guidance import GUIDANCE_CONTEXT, USABLE_TOKENS_PER_S, Guide


@dataclass(frozen=True)
class Accuracy:
    """Summary of held-out predictions: median and 90th-percentile absolute error, range hits."""

    rows: int
    median: float | None
    p90: float | None
    in_range: float | None

    @classmethod
    def of(cls, errors: Sequence[float], hits: Sequence[bool]) -> Accuracy:
        absolute = sorted(abs(error) for error in errors)
        return cls(
            len(absolute),
            statistics.median(absolute) if absolute else None,
            _percentile(absolute, 0.9) if absolute else None,
            sum(hits) / len(hits) if hits else None,
        )

    def cells(self) -> dict[str, str]:
        return {
            "rows": str(self.rows),
            "median": _percent(self.median),
            "p90": _percent(self.p90),
            "in_range": _percent(self.in_range),
        }


def _percentile(ordered: list[float], q: float) -> float:
    position = q * (len(ordered) - 1)
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _counted(predictions: Sequence[Prediction]) -> list[Prediction]:
    """Rows that count toward accuracy: excluded results are listed apart, with their reason."""
    return [p for p in predictions if p.observation.measurement.excluded is None]


def decode_accuracy(predictions: Sequence[Prediction]) -> Accuracy:
    counted = _counted(predictions)
    errors = [p.decode_error for p in counted if p.decode_error is not None]
    hits = [p.decode_in_range for p in counted if p.decode_in_range is not None]
    return Accuracy.of(errors, hits)


def prefill_accuracy(predictions: Sequence[Prediction]) -> Accuracy:
    counted = _counted(predictions)
    errors = [p.prefill_error for p in counted if p.prefill_error is not None]
    hits = [p.prefill_in_range for p in counted if p.prefill_in_range is not None]
    return Accuracy.of(errors, hits)


def _by(
    predictions: Sequence[Prediction], key: Callable[[Prediction], str]
) -> list[tuple[str, list[Prediction]]]:
    grouped: dict[str, list[Prediction]] = {}
    for prediction in predictions:
        grouped.setdefault(key(prediction), []).append(prediction)
    return sorted(grouped.items())


def _spread(spread: Spread) -> str:
    return f"×{spread.low:.2f}–{spread.high:.2f}"


def _counts(group: PrefillGroup | SpeedGroup, fallback: str) -> dict[str, str]:
    return {
        "name": group.name,
        "rows": str(group.rows),
        "devices": str(group.devices),
        "calibrated": "yes" if group.calibrated else f"no: uses the pooled {fallback}",
    }


def _prefill_row(group: PrefillGroup) -> dict[str, str]:
    return _counts(group, "values") | {
        "utilisation": f"{group.utilisation:.0%}",
        "range": _spread(group.spread),
    }


def _prefill(model: PrefillModel | None) -> dict[str, Any] | None:
    if model is None:
        return None
    return {
        "expert_cost": f"{model.expert_cost:.2f}",
        "recurrent_layer_gflops": f"{model.recurrent_layer_flops / 1e9:.2f}",
        "groups": [_prefill_row(group) for group in model.groups.values()],
        "pooled": _prefill_row(model.pooled),
        "min_rows": prefill.MIN_ROWS,
        "min_devices": prefill.MIN_DEVICES,
    }


def _group_row(group: SpeedGroup) -> dict[str, str]:
    return _counts(group, "fit") | {
        "efficiency": f"{group.decode.efficiency:.0%}",
        "kv_efficiency": f"{group.decode.kv_efficiency:.0%}",
        "layer_us": f"{group.decode.layer_seconds * 1e6:.1f}",
        "moe_layer_us": f"{group.decode.moe_layer_seconds * 1e6:.1f}",
        "range": _spread(group.decode_spread),
    }


def accuracy_points(predictions: Sequence[Prediction]) -> list[charts.Point]:
    """One point per counted decode result: measured against its device-held-out estimate."""
    return [
        charts.Point(
            p.observation.measurement.tg128 or 0,
            p.decode or 0,
            f"{p.observation.measurement.model} on {p.observation.device} "
            f"({p.observation.measurement.backend})",
            p.observation.group.split()[0].lower(),
        )
        for p in predictions
        if p.decode is not None
        and p.observation.measurement.tg128
        and p.observation.measurement.excluded is None
    ]


def worst_estimates(points: Sequence[charts.Point]) -> list[dict[str, str]]:
    """The chart's numbered points, for the list under it."""
    return [
        {
            "label": point.label,
            "measured": f"{point.x:.1f}",
            "estimated": f"{point.y:.1f}",
            "error": f"{point.y / point.x - 1:+.0%}",
        }
        for point in charts.worst_estimates(points)
    ]


def decode_results(
    in_sample: Sequence[Prediction], by_device: Sequence[Prediction]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One row per published decode result: measured, the published coefficients' estimate
    and the estimate of the fit without the result's device; and the results left out of the
    fit, with why."""
    held_out = {id(p.observation): p for p in by_device}
    rows = []
    excluded = []
    for prediction in in_sample:
        row = prediction.observation
        measurement = row.measurement
        if measurement.tg128 is None or prediction.decode is None:
            continue
        if measurement.excluded is not None:
            excluded.append(
                {
                    "model": measurement.model,
                    "hardware": measurement.hardware,
                    "quant": measurement.quant,
                    "backend": measurement.backend,
                    "depth": numbers.context(measurement.depth) if measurement.depth else "0",
                    "measured": f"{measurement.tg128:.1f}",
                    "estimate": f"{prediction.decode:.1f}",
                    "reason": measurement.excluded,
                    "source": measurement.source,
                }
            )
            continue
        other = held_out[id(row)]
        rows.append(
            {
                "model": measurement.model,
                "hardware": measurement.hardware,
                "quant": measurement.quant,
                # Several cards split by layer: said, since they read no faster than one.
                "backend": measurement.backend
                + (f" ×{measurement.gpus}" if measurement.gpus > 1 else ""),
                "depth": numbers.context(measurement.depth) if measurement.depth else "0",
                "offload": _offload_text(row),
                "measured": f"{measurement.tg128:.1f}",
                "bound": f"{row.decode_bound or 0:.1f}",
                "estimate": f"{prediction.decode:.1f}",
                "held_out": f"{other.decode:.1f}" if other.decode else "—",
                "held_out_error": f"{other.decode_error:+.0%}"
                if other.decode_error is not None
                else "—",
                "in_range": "yes" if other.decode_in_range else "no",
                "source": measurement.source,
            }
        )
    return rows, excluded


@dataclass(frozen=True)
class PublishedResults:
    """The published decode results of one device or one model, and how the fits that never
    saw each result's device did on them."""

    rows: list[dict[str, Any]]
    held_out: dict[str, str]
    """`Accuracy.cells()` of the fits without each result's device."""
    excluded: list[dict[str, Any]]
    """Its results left out of the fit, each with why: readers of the page still see them."""


ResultKey = Literal["hardware", "model"]


@dataclass(frozen=True)
class MeasuredResults:
    """Every published result priced twice: with the published coefficients (in sample) and
    by the fit without its device. Computed once per site; Methodology and the device and model
    pages all show it."""

    in_sample: list[Prediction]
    by_device: tuple[Prediction, ...]
    decode_rows: list[dict[str, Any]]
    excluded_rows: list[dict[str, Any]]

    @classmethod
    def of(cls, guide: Guide, cache_dir: Path | None = None) -> MeasuredResults:
        in_sample = [predict(row, guide.speed_model) for row in observations(guide.dataset)]
        by_device = cross_validated(guide.dataset, "device", cache_dir)
        return cls(in_sample, by_device, *decode_results(in_sample, by_device))

    def by(self, key: ResultKey) -> dict[str, PublishedResults]:
        """What a device page (`key="hardware"`) or a model page (`key="model"`) shows of
        its own results."""
        grouped: dict[str, list[dict[str, Any]]] = {}
        for row in self.decode_rows:
            grouped.setdefault(row[key], []).append(row)
        left_out: dict[str, list[dict[str, Any]]] = {}
        for row in self.excluded_rows:
            left_out.setdefault(row[key], []).append(row)
        held_out = dict(_by(self.by_device, lambda p: getattr(p.observation.measurement, key)))
        return {
            name: PublishedResults(
                grouped.get(name, []),
                decode_accuracy(held_out.get(name, [])).cells(),
                left_out.get(name, []),
            )
            for name in grouped.keys() | left_out.keys()
        }


def _core_rate_text(model: SpeedModel) -> str | None:
    """The CPU backend's fitted rate per core, for the page: None when it sets no limit."""
    cpu = model.groups.get(CPU_GROUP)
    return f"{cpu.decode.core_gb_s:.1f}" if cpu is not None and cpu.decode.core_gb_s else None


def _fitted_with(
    rows: Sequence[Observation], layers: Callable[[DecodeWork], int]
) -> tuple[int, int]:
    """How many decode results, on how many devices, a shared per-layer cost is fitted from:
    those whose model has such layers."""
    chosen = [row for row in rows if row.fits_decode and row.work and layers(row.work)]
    return len(chosen), len({row.device for row in chosen})


def methodology_context(
    guide: Guide, measured: MeasuredResults, cache_dir: Path | None = None
) -> dict[str, Any]:
    """The page's figures; the cross-validation, most of a build's time, is kept in `cache_dir`
    between builds (see `estimate.validation_store`)."""
    dataset = guide.dataset
    model = guide.speed_model
    rows = observations(dataset)
    by_device = measured.by_device
    points = accuracy_points(by_device)
    by_source = cross_validated(dataset, "source", cache_dir)
    in_sample = measured.in_sample
    decode_rows, excluded_rows = measured.decode_rows, measured.excluded_rows
    violations = [
        row
        for row in rows
        if row.measurement.tg128 and row.decode_bound and row.measurement.tg128 > row.decode_bound
    ]
    host = guide.host
    delta_rows, delta_devices = _fitted_with(rows, lambda work: work.delta_layers)
    mla_rows, mla_devices = _fitted_with(rows, lambda work: work.mla_layers)
    return {
        "delta_layer_us": f"{model.pooled.decode.delta_layer_seconds * 1e6:.0f}",
        "mla_layer_us": f"{model.pooled.decode.mla_layer_seconds * 1e6:.0f}",
        "mla_rows": mla_rows,
        "mla_devices": mla_devices,
        "core_rate": _core_rate_text(model),
        "delta_rows": delta_rows,
        "delta_devices": delta_devices,
        "measurement_count": len(rows),
        "device_count": len({row.device for row in rows}),
        "source_count": len({row.source for row in rows}),
        "groups": [_group_row(group) for group in model.groups.values()],
        "pooled": _group_row(model.pooled),
        "prefill": _prefill(model.prefill),
        "offload": {
            "efficiency": f"{model.offload.host_efficiency:.0%}",
            "rows": model.offload.rows,
            "devices": model.offload.devices,
        }
        if model.offload
        else None,
        "min_group_rows": MIN_GROUP_ROWS,
        "min_group_devices": MIN_GROUP_DEVICES,
        "decode_by_device": decode_accuracy(by_device).cells(),
        "decode_by_source": decode_accuracy(by_source).cells(),
        "decode_in_sample": decode_accuracy(in_sample).cells(),
        "prefill_by_device": prefill_accuracy(by_device).cells(),
        "prefill_by_source": prefill_accuracy(by_source).cells(),
        "decode_by_kind": [
            {"name": kind} | decode_accuracy(group).cells()
            for kind, group in _by(by_device, lambda p: p.observation.device_kind)
        ],
        "decode_by_group": [
            {"name": name} | decode_accuracy(group).cells()
            for name, group in _by(by_device, lambda p: p.observation.group)
        ],
        "prefill_by_kind": [
            {"name": kind} | prefill_accuracy(group).cells()
            for kind, group in _by(by_device, lambda p: p.observation.prefill_group)
            if prefill_accuracy(group).rows
        ],
        "accuracy_chart": charts.estimate_vs_measured(points, "decode-accuracy"),
        "worst_estimates": worst_estimates(points),
        "decode_rows": decode_rows,
        "excluded_rows": excluded_rows,
        "guidance_context": numbers.context(GUIDANCE_CONTEXT),
        "usable_speed": f"{USABLE_TOKENS_PER_S:g}",
        "bound_violations": violations,
        "host": host,
        "display_reserve": numbers.gib(fit.DISPLAY_RESERVE_BYTES, 1),
        "runtime_base_mib": memory.RUNTIME_BASE_BYTES // 2**20,
        "micro_batch": memory.MICRO_BATCH_TOKENS,
        "edge_fraction": f"{fit.EDGE_FRACTION:.0%}",
        "unified_fraction": f"{fit.UNIFIED_FRACTION:.0%}",
        "unified_reserve": numbers.gib(fit.UNIFIED_OS_RESERVE_BYTES, 0),
        "cpu_reserve": numbers.gib(fit.CPU_OS_RESERVE_BYTES, 0),
        "cpu_fraction": f"{fit.CPU_OS_RESERVE_FRACTION:.0%}",
    }


def _offload_text(row: Any) -> str:
    measurement = row.measurement
    if measurement.offload_experts is not None:
        return f"experts of {measurement.offload_experts} layers"
    if measurement.gpu_layers is not None:
        return f"{measurement.gpu_layers} layers on GPU"
    return "—"
