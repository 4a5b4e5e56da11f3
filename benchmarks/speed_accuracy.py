"""Accuracy of the speed model as an outsider would measure it (run by hand, report in notes).

Every published result in data/measurements.yaml is predicted by a speed model fitted without
its device (and, separately, without its source): coefficients, fallbacks and ranges refitted.
Prints median and 90th-percentile absolute error and how often the stated range holds, overall,
per device kind and per backend, against the targets, and the worst predictions.
Run: `python benchmarks/speed_accuracy.py [--data DATA_DIR] [--worst 15]`.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

from paramatlas import load_dataset
from paramatlas.estimate.calibration import Prediction, cross_validate
from paramatlas.render.methodology import Accuracy, decode_accuracy, prefill_accuracy

TARGETS = {"median": 0.08, "p90": 0.30, "in_range": 0.80}


def _line(label: str, accuracy: Accuracy) -> str:
    def cell(value: float | None) -> str:
        return "   —" if value is None else f"{value:4.0%}"

    return (
        f"{label:28} {accuracy.rows:4d}  {cell(accuracy.median)}  {cell(accuracy.p90)}"
        f"  {cell(accuracy.in_range)}"
    )


def _verdict(accuracy: Accuracy) -> str:
    parts = []
    for target, goal in TARGETS.items():
        value = getattr(accuracy, target) or 0.0
        met = value >= goal if target == "in_range" else value <= goal
        parts.append(f"{target} {value:.0%} ({'met' if met else 'not met'}; target {goal:.0%})")
    return ", ".join(parts)


def _groups(predictions: Sequence[Prediction], key: str) -> dict[str, list[Prediction]]:
    grouped: dict[str, list[Prediction]] = {}
    for prediction in predictions:
        name = getattr(prediction.observation, key)
        grouped.setdefault(name, []).append(prediction)
    return dict(sorted(grouped.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="dataset folder (default: bundled)")
    parser.add_argument("--worst", type=int, default=15, help="worst predictions to list")
    args = parser.parse_args()
    started = time.perf_counter()
    dataset = load_dataset(args.data)
    devices = {measurement.hardware for measurement in dataset.measurements}
    print(f"{len(dataset.measurements)} results, {len(devices)} devices")
    print(f"{'':28} rows  median   p90  in range")
    for by in ("device", "source"):
        predictions = cross_validate(dataset, by)  # type: ignore[arg-type]
        decode = decode_accuracy(predictions)
        print(_line(f"decode, {by} held out", decode))
        print(_line(f"prefill, {by} held out", prefill_accuracy(predictions)))
        if by == "device":
            for name, group in _groups(predictions, "device_kind").items():
                print(_line(f"  kind {name}", decode_accuracy(group)))
            for name, group in _groups(predictions, "group").items():
                print(_line(f"  backend {name}", decode_accuracy(group)))
            print(f"  targets: {_verdict(decode)}")
            worst = sorted(
                (
                    p
                    for p in predictions
                    if p.decode_error is not None and not p.observation.measurement.excluded
                ),
                key=lambda p: -abs(p.decode_error or 0),
            )[: args.worst]
            for p in worst:
                m = p.observation.measurement
                print(
                    f"    {m.model:24} {m.hardware:28} {m.backend:7} {m.quant:7} depth {m.depth:6}"
                    f" measured {m.tg128:7.1f} estimated {p.decode:7.1f} ({p.decode_error:+.0%})"
                )
    print(f"({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
