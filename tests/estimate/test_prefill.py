"""Prompt processing: the matrix peak each backend runs on, the formula by hand, the fit
recovering known coefficients, and groups without enough devices falling back."""

from __future__ import annotations

import pytest

from paramatlas import load_dataset
from paramatlas.data.records import Dataset
from paramatlas.estimate.calibration import observations
from paramatlas.estimate.prefill import PrefillSample, fit_prefill
from paramatlas.estimate.speed import (
    PrefillWork,
    prefill_group_name,
    prefill_peak,
    prefill_seconds,
)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset()


def test_cuda_prices_quantized_weights_at_the_int8_peak(dataset: Dataset) -> None:
    rtx_4090 = dataset.device("rtx-4090")  # 165.2 TFLOPS FP16 (FP32 accumulate), 660.6 TOPS INT8
    assert prefill_peak(rtx_4090, "CUDA", "gguf-k") == (pytest.approx(660.6e12), "INT8")
    assert prefill_peak(rtx_4090, "CUDA", "microscaling") == (pytest.approx(660.6e12), "INT8")
    # Float weights go through FP16 matrix products; Vulkan has no INT8 path in the model.
    assert prefill_peak(rtx_4090, "CUDA", "float") == (pytest.approx(165.2e12), "FP16")
    assert prefill_peak(rtx_4090, "Vulkan", "gguf-k") == (pytest.approx(165.2e12), "FP16")
    # A device without an INT8 figure keeps its FP16 one; one with neither gets no estimate.
    p100 = dataset.device("tesla-p100-pcie-16gb")
    assert prefill_peak(p100, "CUDA", "gguf-k") == (pytest.approx(18.7e12), "FP16")
    assert prefill_peak(dataset.device("core-i9-14900k-ddr5-5600"), "CPU", "gguf-k") is None
    # The CPU backend never borrows the GPU's figure: Lunar Lake's 32 TFLOPS are its Arc GPU's.
    lunar_lake = dataset.device("core-ultra-7-258v-32gb")
    assert lunar_lake.fp16_tflops == 32
    assert prefill_peak(lunar_lake, "CPU", "gguf-k") is None


def test_vulkan_groups_keep_vendors_apart(dataset: Dataset) -> None:
    rtx_4090 = dataset.device("rtx-4090")
    assert prefill_group_name("Vulkan", rtx_4090, "FP16") == "Vulkan NVIDIA discrete-gpu"
    assert prefill_group_name("Vulkan", dataset.device("arc-b580"), "FP16") == (
        "Vulkan Intel discrete-gpu"
    )
    assert prefill_group_name("Metal", dataset.device("m4-max-128gb"), "FP16") == (
        "Metal unified-memory"
    )


def test_cuda_groups_keep_integer_kernels_and_fp16_libraries_apart(dataset: Dataset) -> None:
    # The same card runs GGUF weights through llama.cpp's INT8 kernels and F16 weights through
    # FP16 matrix products: each has its own utilisation.
    rtx_4090 = dataset.device("rtx-4090")
    assert prefill_group_name("CUDA", rtx_4090, "INT8") == "CUDA discrete-gpu INT8"
    assert prefill_group_name("CUDA", rtx_4090, "FP16") == "CUDA discrete-gpu FP16"
    rows = {
        row.measurement.quant: row.prefill_group
        for row in observations(dataset)
        if row.device == "a100-pcie-80gb" and row.prefill is not None
    }
    assert rows == {"Q4_K_M": "CUDA datacenter INT8", "F16": "CUDA datacenter FP16"}


def test_prefill_seconds_by_hand() -> None:
    # 10 GFLOPs dense, 4 GFLOPs of routed experts at 3x, 12 recurrent layers at 0.5 GFLOPs each:
    # 10 + 12 + 6 = 28 GFLOPs at 40% of 100 TFLOPS = 0.7 ms per token.
    work = PrefillWork(10e9, 4e9, recurrent_layers=12, peak_flops=100e12)
    seconds = prefill_seconds(work, 3.0, 0.5e9, utilisation=0.4)
    assert seconds == pytest.approx(28e9 / 40e12)
    assert 1 / seconds == pytest.approx(1428.57, rel=1e-5)


def _synthetic(
    dataset: Dataset, cost: float, recurrent: float, utilisation: dict[str, float]
) -> list[PrefillSample]:
    """The real prefill rows with pp512 replaced by what the coefficients predict."""
    samples = []
    for row in observations(dataset):
        if row.prefill is None or row.measurement.pp512 is None:
            continue
        group = row.prefill_group
        seconds = prefill_seconds(row.prefill, cost, recurrent, utilisation.get(group, 0.3))
        samples.append(PrefillSample(row.prefill, 1 / seconds, row.device, group))
    return samples


def test_fit_recovers_the_coefficients_that_made_the_data(dataset: Dataset) -> None:
    truth = {
        "CUDA discrete-gpu INT8": 0.25,
        "Metal unified-memory": 0.7,
        "CUDA datacenter FP16": 0.1,
    }
    samples = _synthetic(dataset, cost=2.5, recurrent=0.8e9, utilisation=truth)
    fitted = fit_prefill(samples)
    assert fitted is not None
    assert fitted.expert_cost == pytest.approx(2.5, rel=1e-6)
    assert fitted.recurrent_layer_flops == pytest.approx(0.8e9, rel=1e-6)
    for name, utilisation in truth.items():
        assert fitted.groups[name].utilisation == pytest.approx(utilisation, rel=1e-6)
        assert fitted.groups[name].calibrated
        assert fitted.groups[name].spread.low <= 1 <= fitted.groups[name].spread.high


def test_a_group_of_one_device_takes_the_pooled_values(dataset: Dataset) -> None:
    work = PrefillWork(10e9, 0, 0, 100e12)
    samples = [
        PrefillSample(work, 1000.0, "a", "CUDA discrete-gpu"),
        PrefillSample(work, 2000.0, "b", "CUDA discrete-gpu"),
        PrefillSample(work, 1500.0, "b", "CUDA discrete-gpu"),
        PrefillSample(work, 4000.0, "c", "ROCm datacenter"),
    ]
    fitted = fit_prefill(samples)
    assert fitted is not None
    own = fitted.group("CUDA discrete-gpu")
    assert own.calibrated and own.utilisation == pytest.approx(0.15)  # median of 0.1, 0.2, 0.15
    alone = fitted.group("ROCm datacenter")
    assert not alone.calibrated
    assert alone.utilisation == fitted.pooled.utilisation == pytest.approx(0.175)
    assert fitted.group("SYCL discrete-gpu").utilisation == fitted.pooled.utilisation
