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
from dataclasses import dataclass, replace
from functools import cached_property

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

    @cached_property
    def implied_terms(self) -> tuple[float, float, float]:
        """The utilisation the measured time implies is `dense + c × experts + r × recurrent`
        in these three terms (each the work's time at full peak, over the measured time): the
        fit evaluates it millions of times per build, so it is computed once."""
        work = self.work
        per_flop = self.measured / work.peak_flops
        return (
            work.dense_flops * per_flop,
            work.expert_flops * per_flop,
            work.recurrent_layers * per_flop,
        )


@dataclass(frozen=True)
class _Fit:
    expert_cost: float
    recurrent_layer_flops: float
    utilisation: dict[str, float]
    """Calibrated groups only."""
    pooled: float

    def of(self, group: str) -> float:
        return self.utilisation.get(group, self.pooled)

    def predict(self, sample: PrefillSample) -> float:
        utilisation = self.of(sample.group)
        seconds = prefill_seconds(
            sample.work, self.expert_cost, self.recurrent_layer_flops, utilisation
        )
        return 1 / seconds


def _median(values: Sequence[float], default: float) -> float:
    return statistics.median(values) if values else default


def _by_group(samples: Sequence[PrefillSample]) -> dict[str, list[PrefillSample]]:
    grouped: dict[str, list[PrefillSample]] = {}
    for sample in samples:
        grouped.setdefault(sample.group, []).append(sample)
    return grouped


def _devices(samples: Sequence[PrefillSample]) -> int:
    return len({sample.device for sample in samples})


def _is_calibrated(samples: Sequence[PrefillSample]) -> bool:
    return len(samples) >= MIN_ROWS and _devices(samples) >= MIN_DEVICES


def _fit(samples: Sequence[PrefillSample]) -> _Fit | None:
    if not samples:
        return None
    by_group = _by_group(samples)
    calibrated = [group for group, rows in by_group.items() if _is_calibrated(rows)]
    with_experts = [
        (s, s.implied_terms) for s in samples if s.work.expert_flops and not s.work.recurrent_layers
    ]
    with_recurrent = [(s, s.implied_terms) for s in samples if s.work.recurrent_layers]
    terms = {group: [sample.implied_terms for sample in rows] for group, rows in by_group.items()}
    fit = _Fit(1.0, 0.0, {}, 1.0)
    for _ in range(ROUNDS):
        cost, recurrent = fit.expert_cost, fit.recurrent_layer_flops
        # The utilisation at which each measured time would be exact: the time the work would
        # take at the full peak, over the measured time.
        implied = {
            group: [dense + experts * cost + layers * recurrent for dense, experts, layers in rows]
            for group, rows in terms.items()
        }
        pooled = _median([u for values in implied.values() for u in values], 1.0)
        utilisation = {group: _median(implied[group], pooled) for group in calibrated}
        fit = _Fit(cost, recurrent, utilisation, pooled)
        # What each result implies for the one unknown left, the others held: from
        # u = dense + c × experts + r × recurrent layers, all in utilisation terms.
        cost = max(
            1.0,
            _median(
                [(fit.of(s.group) - dense) / experts for s, (dense, experts, _) in with_experts],
                1.0,
            ),
        )
        recurrent = max(
            0.0,
            _median(
                [
                    (fit.of(s.group) - dense - experts * cost) / layers
                    for s, (dense, experts, layers) in with_recurrent
                ],
                0.0,
            ),
        )
        if (cost, recurrent) == (fit.expert_cost, fit.recurrent_layer_flops):
            break  # converged: another round would change nothing
        fit = _Fit(cost, recurrent, utilisation, pooled)
    return fit


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
    measured = _devices(samples) >= MIN_DEVICES and by_group
    pooled = PrefillGroup(
        POOLED,
        fit.pooled,
        spread_from_ratios(by_group) if measured else UNMEASURED_SPREAD,
        len(samples),
        _devices(samples),
        True,
    )
    groups = {}
    for name, rows in sorted(_by_group(samples).items()):
        devices = {sample.device for sample in rows}
        if name in fit.utilisation:
            ratios = [(ratio, device) for ratio, device in by_device if device in devices]
            spread = spread_from_ratios(ratios, by_device, PRIOR_DEVICES)
            groups[name] = PrefillGroup(name, fit.of(name), spread, len(rows), len(devices), True)
        else:  # too few devices: the pooled values, said to be so
            groups[name] = replace(
                pooled, name=name, rows=len(rows), devices=len(devices), calibrated=False
            )
    return PrefillModel(fit.expert_cost, fit.recurrent_layer_flops, groups, pooled)
