"""Methodology's cross-validation, kept between builds: the same numbers, or none at all."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from paramatlas.data.records import Dataset
from paramatlas.estimate import validation_store
from paramatlas.estimate.calibration import Prediction, cross_validate
from paramatlas.estimate.validation_store import cross_validated


@pytest.fixture(autouse=True)
def forget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a new process would: nothing in memory."""
    monkeypatch.setattr(validation_store, "_memory", {})


def _numbers(predictions: tuple[Prediction, ...]) -> list[tuple[object, ...]]:
    return [
        (
            p.observation.measurement,
            p.decode,
            p.decode_range,
            p.prefill,
            p.prefill_range,
            p.calibrated,
        )
        for p in predictions
    ]


def _refuse(dataset: Dataset, by: str) -> tuple[Prediction, ...]:
    raise AssertionError("recomputed although a valid copy was kept")


def test_a_kept_copy_gives_the_computed_numbers_to_the_last_bit(
    five_device_dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed = cross_validate(five_device_dataset, "device")
    assert _numbers(cross_validated(five_device_dataset, "device", tmp_path)) == _numbers(computed)
    assert len(list(tmp_path.glob("cross-validation-device-*.json"))) == 1
    # A new process (nothing in memory) reads the file instead of refitting.
    monkeypatch.setattr(validation_store, "_memory", {})
    monkeypatch.setattr(validation_store, "cross_validate", _refuse)
    again = cross_validated(five_device_dataset, "device", tmp_path)
    assert _numbers(again) == _numbers(computed)
    # Its observations are the dataset's own: pages join them to in-sample rows by identity.
    rows = {id(row) for row in validation_store.observations(five_device_dataset)}
    assert all(id(p.observation) in rows for p in again)


def test_an_edit_that_prices_no_measurement_differently_keeps_the_copy(
    five_device_dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cross_validated(five_device_dataset, "device", tmp_path)
    monkeypatch.setattr(validation_store, "_memory", {})
    monkeypatch.setattr(validation_store, "cross_validate", _refuse)
    unmeasured = next(
        m
        for m in five_device_dataset.models
        if m.id not in {x.model for x in five_device_dataset.measurements}
    )
    edited = replace(
        five_device_dataset,
        models=tuple(
            replace(m, name="Renamed") if m.id == unmeasured.id else m
            for m in five_device_dataset.models
        ),
    )
    cross_validated(edited, "device", tmp_path)


def test_a_changed_result_is_recomputed_and_replaces_the_old_copy(
    five_device_dataset: Dataset, tmp_path: Path
) -> None:
    cross_validated(five_device_dataset, "device", tmp_path)
    (old,) = tmp_path.glob("cross-validation-device-*.json")
    doubled = tuple(
        replace(m, tg128=m.tg128 * 2) if m.hardware == "rtx-3090" and m.tg128 else m
        for m in five_device_dataset.measurements
    )
    changed = replace(five_device_dataset, measurements=doubled)
    assert _numbers(cross_validated(changed, "device", tmp_path)) == _numbers(
        cross_validate(changed, "device")
    )
    (new,) = tmp_path.glob("cross-validation-device-*.json")
    assert new != old


@pytest.mark.parametrize(
    "content",
    ["", "{not json", "[]", '[[0, "fast", null, null, null, true]]', '{"rows": 1}'],
)
def test_a_broken_copy_is_recomputed_not_trusted(
    five_device_dataset: Dataset, tmp_path: Path, content: str
) -> None:
    cross_validated(five_device_dataset, "device", tmp_path)
    (kept,) = tmp_path.glob("cross-validation-device-*.json")
    kept.write_text(content)
    validation_store._memory.clear()
    assert _numbers(cross_validated(five_device_dataset, "device", tmp_path)) == _numbers(
        cross_validate(five_device_dataset, "device")
    )
    assert kept.read_text() != content  # rewritten


def test_a_folder_that_cannot_be_written_only_costs_time(
    five_device_dataset: Dataset, tmp_path: Path
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    predictions = cross_validated(five_device_dataset, "source", blocked / "cache")
    assert _numbers(predictions) == _numbers(cross_validate(five_device_dataset, "source"))
    assert list(tmp_path.iterdir()) == [blocked]
