"""The speed model: its formula by hand, the fit recovering known coefficients, the honesty of the
cross-validation, and the stored coefficients matching the measurements."""

from __future__ import annotations

import statistics
from dataclasses import replace

import pytest

from paramatlas import load_dataset
from paramatlas.data.records import Dataset, DecodeCoefficients, SpeedGroup, SpeedModel, Spread
from paramatlas.estimate.calibration import (
    CORE_RATES,
    MIN_GROUP_DEVICES,
    Observation,
    calibrate,
    cross_validate,
    fit_speed_model,
    observations,
)
from paramatlas.estimate.speed import (
    DecodeWork,
    decode_seconds,
    decode_speed_range,
    device_backend,
    speed_group,
)
from paramatlas.render.methodology import decode_accuracy
from paramatlas.render.speed_model import speed_model_yaml
from tests.conftest import DATA


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset()


def _group(
    efficiency: float, kv: float, layer: float, moe: float, delta: float = 0.0
) -> SpeedGroup:
    return SpeedGroup(
        "test",
        DecodeCoefficients(efficiency, kv, layer, moe, delta),
        Spread(0.8, 1.2),
        1,
        1,
        True,
    )


def test_decode_seconds_by_hand() -> None:
    # 4 GB of weights at 1000 GB/s = 4 ms at peak; 1 GB of KV = 1 ms; 0.5 GB on a 100 GB/s host.
    # 24 of the 32 layers are gated DeltaNet, at 300 µs each.
    work = DecodeWork(0.004, 0.001, 0.005, layers=32, moe_layers=16, delta_layers=24)
    device = _group(0.8, 0.5, 20e-6, 10e-6, 300e-6)
    cpu = _group(0.5, 0.5, 0, 0)
    expected = 0.004 / 0.8 + 0.001 / 0.5 + 0.005 / 0.5 + 32 * 20e-6 + 16 * 10e-6 + 24 * 300e-6
    assert decode_seconds(work, device, cpu.decode.efficiency) == pytest.approx(expected)
    assert expected == pytest.approx(0.025)
    # The other 8 as latent attention at 125 µs each: 1 ms more.
    latent = replace(work, mla_layers=8)
    with_mla = replace(device, decode=replace(device.decode, mla_layer_seconds=125e-6))
    assert decode_seconds(latent, with_mla, 0.5) == pytest.approx(0.026)


def test_decode_range_by_hand() -> None:
    device = _group(0.8, 0.5, 0, 0)  # spread 0.8–1.2
    alone = DecodeWork(0.004, 0.0, 0.0, layers=0, moe_layers=0)
    # On the device alone: the estimate (1 / 5 ms = 200 t/s) times the group's spread.
    assert decode_speed_range(alone, device, 0.5, Spread(0.5, 1.5)) == pytest.approx((160, 240))
    # 5 ms on the device and 10 ms in system RAM (5 ms at peak, host efficiency 0.5): the host
    # part varies by the CPU's spread (0.5–1.5), the device part by its own.
    offloaded = DecodeWork(0.004, 0.0, 0.005, layers=0, moe_layers=0)
    low, high = decode_speed_range(offloaded, device, 0.5, Spread(0.5, 1.5))
    assert low == pytest.approx(1 / (0.005 / 0.8 + 0.010 / 0.5))
    assert high == pytest.approx(1 / (0.005 / 1.2 + 0.010 / 1.5))
    # Never above the bound: every byte at peak bandwidth (1 / 9 ms).
    assert decode_speed_range(offloaded, device, 0.5, Spread(5, 9))[1] == pytest.approx(1 / 0.009)


def test_cpu_cores_slower_than_the_memory_stretch_its_part() -> None:
    # 4 GB at 400 GB/s = 10 ms at peak, 0.4 GB of KV = 1 ms. Eight cores at 20 GB/s each work
    # through 160 GB/s: 2.5 times as long as the memory would take.
    cpu = _group(0.5, 0.5, 10e-6, 0)
    cpu = replace(cpu, decode=replace(cpu.decode, core_gb_s=20.0))
    work = DecodeWork(0.010, 0.001, 0.0, 32, 0, cpu_cores=8, bandwidth_gb_s=400)
    assert decode_seconds(work, cpu, 1.0) == pytest.approx(
        2.5 * (0.010 / 0.5 + 0.001 / 0.5) + 32 * 10e-6
    )
    # Cores that outrun the memory (32 × 20 = 640 GB/s), unknown cores or no fitted rate:
    # the memory sets the pace.
    plain = 0.010 / 0.5 + 0.001 / 0.5 + 32 * 10e-6
    assert decode_seconds(replace(work, cpu_cores=32), cpu, 1.0) == pytest.approx(plain)
    assert decode_seconds(replace(work, cpu_cores=None), cpu, 1.0) == pytest.approx(plain)
    unlimited = replace(cpu, decode=replace(cpu.decode, core_gb_s=0.0))
    assert decode_seconds(work, unlimited, 1.0) == pytest.approx(plain)


def test_fit_recovers_the_rate_per_cpu_core(dataset: Dataset) -> None:
    """CPU rows made with a core limit: the fit finds the rate and the other coefficients."""
    rate = CORE_RATES[25]
    truth = DecodeCoefficients(0.6, 0.6, 40e-6, 25e-6, 300e-6, core_gb_s=rate)
    group = SpeedGroup("CPU", truth, Spread(1, 1), 0, 0, True)
    rows = []
    for row in observations(dataset):
        if not row.fits_decode or row.work is None or row.work.host_seconds_at_peak:
            continue
        # Eight cores everywhere: devices above 8 × rate GB/s are held back by them.
        work = replace(row.work, cpu_cores=8)
        measurement = replace(row.measurement, tg128=1 / decode_seconds(work, group, 1.0))
        rows.append(replace(row, work=work, measurement=measurement, group="CPU"))
    assert any(r.work.bandwidth_gb_s > 8 * rate for r in rows if r.work)  # the limit binds
    assert any(r.work.bandwidth_gb_s < 8 * rate for r in rows if r.work)  # and does not
    fitted = fit_speed_model(rows).groups["CPU"].decode
    assert fitted.core_gb_s == rate
    assert fitted.efficiency == pytest.approx(truth.efficiency, rel=1e-6)
    assert fitted.layer_seconds == pytest.approx(truth.layer_seconds, rel=1e-6)


def _synthetic(dataset: Dataset, truth: DecodeCoefficients) -> list[Observation]:
    """The real rows, with tg128 replaced by what `truth` predicts: a fit must recover it."""
    rows = []
    group = SpeedGroup("x", truth, Spread(1, 1), 0, 0, True)
    for row in observations(dataset):
        if not row.fits_decode or row.work is None:
            continue
        measured = 1 / decode_seconds(row.work, group, 1.0)
        measurement = replace(row.measurement, tg128=measured, backend="CUDA")
        rows.append(replace(row, measurement=measurement, group="CUDA"))
    return rows


def test_fit_recovers_the_coefficients_that_made_the_data(dataset: Dataset) -> None:
    truth = DecodeCoefficients(0.85, 0.6, 40e-6, 25e-6, 300e-6, mla_layer_seconds=150e-6)
    fitted = fit_speed_model(_synthetic(dataset, truth)).groups["CUDA"].decode
    assert fitted.efficiency == pytest.approx(truth.efficiency, rel=1e-6)
    assert fitted.kv_efficiency == pytest.approx(truth.kv_efficiency, rel=1e-6)
    assert fitted.layer_seconds == pytest.approx(truth.layer_seconds, rel=1e-6)
    assert fitted.moe_layer_seconds == pytest.approx(truth.moe_layer_seconds, rel=1e-6)
    assert fitted.delta_layer_seconds == pytest.approx(truth.delta_layer_seconds, rel=1e-6)
    assert fitted.mla_layer_seconds == pytest.approx(truth.mla_layer_seconds, rel=1e-6)


def test_shared_costs_are_not_read_from_slow_devices(dataset: Dataset) -> None:
    """Two backends of different efficiency and per-layer cost, one DeltaNet layer cost: the
    fit recovers all of them. A single efficiency for both would charge the slow backend's
    slowness to the DeltaNet layers wherever its DeltaNet results outnumber the other's."""
    fast = DecodeCoefficients(0.9, 0.7, 30e-6, 40e-6, 50e-6, mla_layer_seconds=100e-6)
    slow = replace(fast, efficiency=0.45, layer_seconds=90e-6, moe_layer_seconds=10e-6)
    devices = sorted({row.device for row in observations(dataset)})
    rows = []
    for row in observations(dataset):
        if not row.fits_decode or row.work is None:
            continue
        name, truth = ("Vulkan", slow) if devices.index(row.device) % 2 else ("CUDA", fast)
        group = SpeedGroup(name, truth, Spread(1, 1), 0, 0, True)
        measurement = replace(row.measurement, tg128=1 / decode_seconds(row.work, group, 1.0))
        rows.append(replace(row, measurement=measurement, group=name))
    for name in ("CUDA", "Vulkan"):  # both backends have DeltaNet results, and others
        assert {bool(r.work and r.work.delta_layers) for r in rows if r.group == name} == {
            True,
            False,
        }
    model = fit_speed_model(rows)
    for name, truth in (("CUDA", fast), ("Vulkan", slow)):
        fitted = model.groups[name].decode
        assert fitted.efficiency == pytest.approx(truth.efficiency, rel=1e-6)
        assert fitted.layer_seconds == pytest.approx(truth.layer_seconds, rel=1e-6)
        assert fitted.moe_layer_seconds == pytest.approx(truth.moe_layer_seconds, rel=1e-6)
        assert fitted.delta_layer_seconds == pytest.approx(50e-6, rel=1e-6)
        assert fitted.kv_efficiency == pytest.approx(0.7, rel=1e-6)


def test_efficiency_never_exceeds_one(dataset: Dataset) -> None:
    model = calibrate(dataset)
    for group in [*model.groups.values(), model.pooled]:
        assert 0 < group.decode.efficiency <= 1
        assert 0 < group.decode.kv_efficiency <= 1
        assert group.decode.layer_seconds >= 0 and group.decode.moe_layer_seconds >= 0


def test_held_out_predictions_never_see_their_device(dataset: Dataset) -> None:
    """Scaling every result of one device must leave that device's held-out estimates alone."""
    held = "rtx-4090"
    before = [
        p.decode
        for p in cross_validate(dataset, "device")
        if p.observation.device == held and p.decode is not None
    ]
    doubled = tuple(
        replace(m, tg128=m.tg128 * 2) if m.hardware == held and m.tg128 else m
        for m in dataset.measurements
    )
    changed = replace(dataset, measurements=doubled)
    after = [
        p.decode
        for p in cross_validate(changed, "device")
        if p.observation.device == held and p.decode is not None
    ]
    assert len(before) >= 3
    assert sorted(before) == pytest.approx(sorted(after))


def test_methodology_figures_are_recomputed_from_the_data(dataset: Dataset) -> None:
    predictions = [
        p for p in cross_validate(dataset, "device") if p.observation.measurement.excluded is None
    ]
    errors = sorted(abs(p.decode_error) for p in predictions if p.decode_error is not None)
    hits = [p.decode_in_range for p in predictions if p.decode_in_range is not None]
    summary = decode_accuracy(cross_validate(dataset, "device"))
    assert summary.median == pytest.approx(statistics.median(errors))
    assert summary.in_range == pytest.approx(sum(hits) / len(hits))
    assert summary.rows == len(errors)


def test_stored_speed_model_matches_the_measurements(dataset: Dataset) -> None:
    stored = (DATA / "speed-model.yaml").read_text(encoding="utf-8")
    assert stored == speed_model_yaml(calibrate(dataset)), "run: paramatlas calibrate --write"


def test_a_backend_without_results_borrows_and_says_so(dataset: Dataset) -> None:
    # SYCL reduced to one device's results: too few to fit on their own.
    rows = [row for row in observations(dataset) if row.group != "SYCL" or row.device == "arc-b580"]
    model = fit_speed_model(rows)
    sycl = model.group("SYCL")
    assert not sycl.calibrated and sycl.devices < MIN_GROUP_DEVICES
    assert sycl.decode == model.pooled.decode
    assert sycl.decode_spread == model.pooled.decode_spread


def test_multi_die_chips_fall_back_to_their_backend() -> None:
    single = _group(0.9, 0.6, 140e-6, 0)
    pooled = replace(_group(0.8, 0.6, 50e-6, 0), name="pooled", decode_spread=Spread(0.5, 1.5))
    model = SpeedModel({"Metal": single}, pooled)
    ultra = model.group("Metal multi-die")
    assert ultra.decode == single.decode and not ultra.calibrated
    assert ultra.decode_spread == Spread(0.5, 1.5)


@pytest.mark.parametrize(
    ("device_id", "backend", "group"),
    [
        ("rtx-4090", "CUDA", "CUDA"),
        ("m4-max-128gb", "Metal", "Metal"),
        ("radeon-rx-7900-xtx", "Vulkan", "Vulkan"),
        ("instinct-mi300x", "ROCm", "ROCm datacenter"),
        ("h100-sxm", "CUDA", "CUDA datacenter"),
        ("arc-b580", "Vulkan", "Vulkan Intel"),
        ("epyc-9654-ddr5-4800", "CPU", "CPU"),
        ("galaxy-s25-ultra", "CPU", "CPU"),
        ("m2-ultra-192gb", "Metal", "Metal multi-die"),
    ],
)
def test_each_device_gets_its_readers_backend_and_group(
    dataset: Dataset, device_id: str, backend: str, group: str
) -> None:
    device = dataset.device(device_id)
    assert device_backend(device) == backend
    assert speed_group(backend, device) == group
