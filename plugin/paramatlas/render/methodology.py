"""The numbers the Methodology page shows: assumptions, calibration and measured accuracy."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..estimate import fit, memory
from ..estimate.calibration import Calibration, CheckedMeasurement
from . import numbers

if TYPE_CHECKING:
    from .pages import Site


@dataclass(frozen=True)
class AccuracyRow:
    measurement: CheckedMeasurement
    estimate: float
    held_out_estimate: float

    @property
    def error(self) -> float:
        return (self.estimate - self.measured) / self.measured

    @property
    def held_out_error(self) -> float:
        return (self.held_out_estimate - self.measured) / self.measured

    @property
    def measured(self) -> float:
        value = self.measurement.measurement.tg128
        assert value is not None
        return value


def decode_accuracy(calibration: Calibration) -> list[AccuracyRow]:
    """Each published tg128 against the calibrated estimate for it, in-sample and held out.

    The held-out estimate uses the median ratio of the other measurements of the same device
    kind (of all kinds when it is the only one): how the method does on a device it has not seen.
    """
    measured = [
        (item, item.measurement.tg128 / item.decode_bound)
        for item in calibration.checked
        if item.measurement.tg128 and item.decode_bound
    ]
    rows = []
    for item, _ in measured:
        assert item.decode_bound is not None
        ratios = calibration.decode_ratios(item.kind)
        assert ratios is not None
        same_kind = [r for other, r in measured if other is not item and other.kind == item.kind]
        anywhere = [r for other, r in measured if other is not item]
        held_out = statistics.median(same_kind or anywhere or [ratios.median])
        rows.append(
            AccuracyRow(item, item.decode_bound * ratios.median, item.decode_bound * held_out)
        )
    return rows


def median_absolute_error(rows: list[AccuracyRow], *, held_out: bool = False) -> float | None:
    if not rows:
        return None
    return statistics.median(abs(r.held_out_error if held_out else r.error) for r in rows)


def methodology_context(site: Site) -> dict[str, Any]:
    calibration = site.guide.calibration
    rows = decode_accuracy(calibration)
    kinds = []
    for kind, ratios in sorted(calibration.decode.items()):
        if kind == "all":
            continue
        kind_rows = [r for r in rows if r.measurement.kind == kind]
        kinds.append(
            {
                "kind": kind,
                "count": len(ratios.values),
                "median": f"{ratios.median:.0%}",
                "range": f"{ratios.low:.0%}–{ratios.high:.0%}",
                "error": f"{median_absolute_error(kind_rows) or 0:.0%}",
                "held_out": f"{median_absolute_error(kind_rows, held_out=True) or 0:.0%}",
            }
        )
    prefill = [
        {
            "kind": kind,
            "count": len(r.values),
            "median": f"{r.median:.0%}",
            "range": f"{r.low:.0%}–{r.high:.0%}",
        }
        for kind, r in sorted(calibration.prefill.items())
        if kind != "all"
    ]
    host = site.guide.host
    error = median_absolute_error(rows)
    held_out = median_absolute_error(rows, held_out=True)
    return {
        "measurement_count": len(calibration.checked),
        "decode_rows": [
            {
                "model": r.measurement.measurement.model,
                "hardware": r.measurement.measurement.hardware,
                "quant": r.measurement.measurement.quant,
                "backend": r.measurement.measurement.backend,
                "measured": f"{r.measured:.1f}",
                "bound": f"{r.measurement.decode_bound:.1f}",
                "estimate": f"{r.estimate:.1f}",
                "error": f"{r.error:+.0%}",
                "held_out_error": f"{r.held_out_error:+.0%}",
                "source": r.measurement.measurement.source,
                "ratio": f"{r.measured / (r.measurement.decode_bound or 1):.0%}",
            }
            for r in rows
        ],
        "kinds": kinds,
        "prefill_kinds": prefill,
        "median_error": f"{error:.0%}" if error is not None else "n/a",
        "held_out_median_error": f"{held_out:.0%}" if held_out is not None else "n/a",
        "bound_violations": [r for r in rows if r.measured > (r.measurement.decode_bound or 0)],
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
