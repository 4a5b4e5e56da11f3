"""Calibrating prompt processing (prefill) from published pp512 results.

Each result gives the measured seconds per prompt token t and the work of one token (`PrefillWork`:
dense and routed-expert FLOPs, recurrent layers, the device's matrix peak). Fitted:

- `expert_cost` c ≥ 1 and `recurrent_layer_flops` r ≥ 0, shared by every backend and kind;
- per group (backend and device kind) a utilisation u, the median over its results of
  (dense + c × experts + r × recurrent layers) / (peak × t).

Each is the median of what the results imply given the others, alternated for a few rounds:
medians, because one odd result (an unusual build, a throttled laptop) must not move a group.
A group needs `MIN_DEVICES` devices with results; otherwise it takes the pooled utilisation.
Ranges are the 10th–90th percentile of measured ÷ estimated with each device held out (for the
pooled fallback, each whole group held out), as for decode.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..data.records import PrefillGroup, PrefillModel, Spread
from .speed import PrefillWork, Ratios, prefill_seconds, spread_from_ratios

MIN_DEVICES = 2
MIN_ROWS = 3
ROUNDS = 4
POOLED = "pooled"
# How many devices' worth of weight every group's range gives to all groups' held-out results.
PRIOR_DEVICES = 6
# A range when too few devices have results to measure one.
UNMEASURED_SPREAD = Spread(0.25, 2.0)


@dataclass(frozen=True)
class PrefillSample:
    work: PrefillWork
    measured: float
    """Tokens per second."""
    device: str
    group: str


@dataclass(frozen=True)
class _Fit:
    expert_cost: float
    recurrent_layer_flops: float
    utilisation: dict[str, float]
    """Calibrated groups only."""
    pooled: float

    def of(self, group: str) -> float:
        return self.utilisation.get(group, self.pooled)

    def model(self, groups: dict[str, PrefillGroup], pooled: PrefillGroup) -> PrefillModel:
        return PrefillModel(self.expert_cost, self.recurrent_layer_flops, groups, pooled)

    def predict(self, sample: PrefillSample) -> float:
        unused = PrefillGroup(POOLED, self.pooled, Spread(1, 1), 0, 0, True)
        return 1 / prefill_seconds(sample.work, self.model({}, unused), self.of(sample.group))


def _operations(sample: PrefillSample, cost: float, recurrent: float) -> float:
    work = sample.work
    return work.dense_flops + work.expert_flops * cost + work.recurrent_layers * recurrent


def _implied_utilisation(sample: PrefillSample, cost: float, recurrent: float) -> float:
    return _operations(sample, cost, recurrent) * sample.measured / sample.work.peak_flops


def _median(values: Sequence[float | None], default: float) -> float:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else default


def _calibrated_groups(samples: Sequence[PrefillSample]) -> set[str]:
    devices: dict[str, set[str]] = {}
    rows: dict[str, int] = {}
    for sample in samples:
        devices.setdefault(sample.group, set()).add(sample.device)
        rows[sample.group] = rows.get(sample.group, 0) + 1
    return {
        group for group in devices if len(devices[group]) >= MIN_DEVICES and rows[group] >= MIN_ROWS
    }


def _fit(samples: Sequence[PrefillSample]) -> _Fit | None:
    if not samples:
        return None
    calibrated = _calibrated_groups(samples)
    cost, recurrent = 1.0, 0.0
    fit = _Fit(cost, recurrent, {}, 1.0)
    for _ in range(ROUNDS):
        implied = [(s, _implied_utilisation(s, cost, recurrent)) for s in samples]
        pooled = _median([u for _, u in implied], 1.0)
        utilisation = {
            group: _median([u for s, u in implied if s.group == group], pooled)
            for group in calibrated
        }
        fit = _Fit(cost, recurrent, utilisation, pooled)
        cost = max(1.0, _median([_implied_cost(s, fit) for s in samples], 1.0))
        fit = _Fit(cost, recurrent, utilisation, pooled)
        recurrent = max(0.0, _median([_implied_recurrent(s, fit) for s in samples], 0.0))
        fit = _Fit(cost, recurrent, utilisation, pooled)
    return fit


def _achieved(sample: PrefillSample, fit: _Fit) -> float:
    """The operations the measured time allows at the group's utilisation."""
    return sample.work.peak_flops * fit.of(sample.group) / sample.measured


def _implied_cost(sample: PrefillSample, fit: _Fit) -> float | None:
    work = sample.work
    if not work.expert_flops or work.recurrent_layers:
        return None
    return (_achieved(sample, fit) - work.dense_flops) / work.expert_flops


def _implied_recurrent(sample: PrefillSample, fit: _Fit) -> float | None:
    work = sample.work
    if not work.recurrent_layers:
        return None
    matrix = work.dense_flops + work.expert_flops * fit.expert_cost
    return (_achieved(sample, fit) - matrix) / work.recurrent_layers


def _held_out(samples: Sequence[PrefillSample], key: Callable[[PrefillSample], str]) -> Ratios:
    """measured ÷ estimated of every sample, fitted without its key (device or group)."""
    ratios: Ratios = []
    for held in sorted({key(sample) for sample in samples}):
        fit = _fit([sample for sample in samples if key(sample) != held])
        if fit is None:
            continue
        ratios += [
            (sample.measured / fit.predict(sample), key(sample))
            for sample in samples
            if key(sample) == held
        ]
    return ratios


def fit_prefill(samples: Sequence[PrefillSample]) -> PrefillModel | None:
    """The prefill calibration, or None without results."""
    fit = _fit(samples)
    if fit is None:
        return None
    by_device = _held_out(samples, lambda sample: sample.device)
    by_group = _held_out(samples, lambda sample: sample.group)
    enough = len({device for _, device in by_device}) >= MIN_DEVICES
    pooled = PrefillGroup(
        POOLED,
        fit.pooled,
        spread_from_ratios(by_group) if enough and len(by_group) > 1 else UNMEASURED_SPREAD,
        len(samples),
        len({sample.device for sample in samples}),
        True,
    )
    groups = {}
    for name in sorted({sample.group for sample in samples}):
        devices = {sample.device for sample in samples if sample.group == name}
        rows = sum(1 for sample in samples if sample.group == name)
        if name in fit.utilisation:
            ratios = [(ratio, device) for ratio, device in by_device if device in devices]
            spread = spread_from_ratios(ratios, by_device, PRIOR_DEVICES)
            groups[name] = PrefillGroup(name, fit.of(name), spread, rows, len(devices), True)
        else:
            groups[name] = PrefillGroup(
                name, pooled.utilisation, pooled.spread, rows, len(devices), False
            )
    return fit.model(groups, pooled)
