"""`paramatlas validate`: exit codes, problems at file:line:column, never a traceback."""

from __future__ import annotations

from pathlib import Path

from tests.cli.runner import run_cli
from tests.conftest import replace_once


def test_shipped_dataset_is_valid() -> None:
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout
    assert "Traceback" not in result.stderr


def test_shipped_dataset_meets_the_coverage_the_project_promises() -> None:
    from paramatlas import load_dataset

    dataset = load_dataset()
    assert len(dataset.models) >= 60
    assert len({model.family for model in dataset.models}) >= 15
    assert len(dataset.hardware) >= 40
    kinds = {model.architecture.type for model in dataset.models}
    assert kinds == {"dense", "moe"}
    assert any(model.architecture.has_ple for model in dataset.models)
    assert any(model.architecture.linear_attention for model in dataset.models)
    assert any(model.architecture.attention.kind == "mla" for model in dataset.models)
    for entry in (*dataset.models, *dataset.hardware):
        assert entry.sources, f"{entry.id} cites no source"
        assert all(source.url.startswith(("https://", "http://")) for source in entry.sources)
    named = {
        "F32",
        "F16",
        "BF16",
        "Q8_0",
        "Q6_K",
        "Q5_K_M",
        "Q4_K_M",
        "Q4_0",
        "IQ4_XS",
        "Q3_K_M",
        "Q2_K",
        "MXFP4",
        "FP8",
        "INT4",
    }
    assert named <= {quant.id for quant in dataset.quantizations}


def test_seeded_mistakes_in_the_real_dataset_are_all_reported_at_their_lines(
    full_data: Path,
) -> None:
    qwen = full_data / "models/qwen3/qwen3-30b-a3b.yaml"
    gemma = full_data / "models/gemma-4/gemma-4-31b.yaml"
    gpu = full_data / "hardware/nvidia/rtx-4090.yaml"
    replace_once(qwen, "routed_per_token: 8", "routed_per_token: 800")
    replace_once(gemma, "layers: 60", "layers: 6o")
    replace_once(gpu, "bandwidth_gb_s: 1008", "bandwidth_gb_s: 1.008e3")
    result = run_cli("validate", full_data)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert any(
        line.startswith(f"{qwen}:30:23: ") and "exceeds the routed" in line for line in lines
    )
    assert any(
        line.startswith(f"{gemma}:") and '"6o" is not a whole number' in line for line in lines
    )
    assert any(
        line.startswith(f"{gpu}:10:19: ") and "'1.008e3' is read as a string" in line
        for line in lines
    )
    assert lines[-1].startswith("3 error(s)")
    assert "Traceback" not in result.stderr


def test_quiet_prints_errors_only(minimal_data: Path) -> None:
    result = run_cli("validate", "--quiet", minimal_data)
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr == ""


def test_relative_paths_in_messages(minimal_data: Path) -> None:
    replace_once(minimal_data / "families.yaml", "name: Qwen3", "name: Q")
    result = run_cli("validate", "data", cwd=minimal_data.parent)
    assert result.returncode == 1
    assert result.stderr.startswith("data/families.yaml:14:11: families[2].name:")


def test_usage_errors_exit_2() -> None:
    for args in (("validate", "/no/such/folder"), ("frobnicate",), ()):
        result = run_cli(*args)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("paramatlas ")
