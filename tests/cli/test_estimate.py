"""`paramatlas estimate` and `paramatlas from-hf` as a user runs them."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import yaml

from paramatlas import load_dataset
from paramatlas.data.build import architecture
from paramatlas.estimate.from_hf import architecture_from_config
from paramatlas.estimate.parameters import count_parameters
from tests.cli.runner import ROOT, run_cli

JSON_KEYS = {
    "model",
    "quant",
    "context",
    "hardware",
    "memory",
    "fit",
    "offload",
    "decode_tokens_per_s",
    "decode_tokens_per_s_bound",
    "prefill_tokens_per_s",
}
MEMORY_KEYS = {
    "weights_bytes",
    "kv_cache_bytes",
    "overhead_bytes",
    "total_bytes",
    "accelerator_bytes",
    "host_bytes",
}


def _estimate_json(*args: str) -> dict:  # type: ignore[type-arg]
    result = run_cli("estimate", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_json_contract_and_hand_checked_values() -> None:
    data = _estimate_json(
        "llama-3.1-8b", "--quant", "Q8_0", "--context", "8192", "--hardware", "rtx-4090"
    )
    assert set(data) >= JSON_KEYS
    assert set(data["memory"]) >= MEMORY_KEYS
    assert all(isinstance(data["memory"][key], int) for key in MEMORY_KEYS)
    params = count_parameters(load_dataset().model("llama-3.1-8b").architecture).total
    assert data["memory"]["weights_bytes"] == round(params * 8.5 / 8)
    assert data["memory"]["kv_cache_bytes"] == 2**30  # 32 layers * 2 * 8 * 128 * 2 B * 8192
    assert data["fit"] == "fits"
    assert data["offload"] is None
    memory = data["memory"]
    assert memory["total_bytes"] == (
        memory["weights_bytes"] + memory["kv_cache_bytes"] + memory["overhead_bytes"]
    )
    assert data["decode_tokens_per_s_bound"] > 0


def test_without_hardware_fit_is_null() -> None:
    data = _estimate_json("qwen3-30b-a3b")
    assert data["hardware"] is None
    assert data["fit"] is None
    assert data["decode_tokens_per_s"] is None


def test_moe_offloads_experts_on_a_small_gpu() -> None:
    data = _estimate_json("qwen3-30b-a3b", "--hardware", "rtx-4060-ti-16gb")
    assert data["fit"] == "offload"
    assert "routed experts" in data["offload"]
    assert data["memory"]["host_bytes"] > 0
    # Experts in system RAM are copied to the GPU for each prompt batch: no prefill estimate,
    # and the reason is given, in the JSON and in the text.
    assert data["prefill_tokens_per_s"] is None
    assert "copied to the GPU" in data["prefill_not_estimated"]
    text = run_cli("estimate", "qwen3-30b-a3b", "--hardware", "rtx-4060-ti-16gb").stdout
    assert "prefill       not estimated: weights in system RAM are copied" in text
    # On the device alone there is an estimate and no reason.
    alone = _estimate_json("qwen3-30b-a3b", "--hardware", "rtx-4090")
    assert alone["prefill_tokens_per_s"] > 0
    assert alone["prefill_not_estimated"] is None


def test_no_prefill_estimate_on_the_cpu_backend() -> None:
    # Lunar Lake decodes on its CPU; its FP16 figure is its GPU's, so no prompt speed is priced.
    data = _estimate_json("llama-3.1-8b", "--hardware", "core-ultra-7-258v-32gb")
    assert data["decode_tokens_per_s"] > 0
    assert data["prefill_tokens_per_s"] is None
    assert "CPU backend computes prompts on the CPU cores" in data["prefill_not_estimated"]


def test_cpu_cores_that_set_the_pace_are_named() -> None:
    # Lunar Lake: 4 performance cores read 4 × the fitted rate, less than its 136.5 GB/s.
    rate = load_dataset().speed_model.groups["CPU"].decode.core_gb_s
    args = ("llama-3.1-8b", "--hardware", "core-ultra-7-258v-32gb")
    data = _estimate_json(*args)
    assert 0 < 4 * rate < 136.5
    assert data["decode_cpu_cores_gb_s"] == 4 * rate
    text = run_cli("estimate", *args).stdout
    assert f"paced by the CPU cores, which read about {4 * rate:.0f} GB/s" in text
    # A GPU, and a CPU whose cores outrun its memory: no such line.
    for device in ("rtx-4090", "ryzen-9-9950x-ddr5-5600"):
        other = _estimate_json("llama-3.1-8b", "--hardware", device)
        assert other["decode_cpu_cores_gb_s"] is None


def test_files_instead_of_ids(tmp_path: Path) -> None:
    model = tmp_path / "my-model.yaml"
    text = (ROOT / "data/models/qwen3/qwen3-8b.yaml").read_text()
    model.write_text(text.replace("id: qwen3-8b", "id: my-model"))
    device = tmp_path / "rtx-4090.yaml"
    shutil.copy(ROOT / "data/hardware/nvidia/rtx-4090.yaml", device)
    from_files = _estimate_json(str(model), "--hardware", str(device))
    from_ids = _estimate_json("qwen3-8b", "--hardware", "rtx-4090")
    assert from_files["memory"] == from_ids["memory"]
    assert from_files["model"] == "my-model"


def test_broken_model_file_reports_its_line(tmp_path: Path) -> None:
    model = tmp_path / "broken.yaml"
    text = (ROOT / "data/models/qwen3/qwen3-8b.yaml").read_text()
    model.write_text(text.replace("id: qwen3-8b", "id: broken").replace("layers: 36", "layers: x"))
    result = run_cli("estimate", model)
    assert result.returncode == 1
    assert f"{model.name}:" in result.stderr
    assert "architecture.layers" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_names_exit_2_with_suggestions() -> None:
    result = run_cli("estimate", "qwen3-30b")
    assert result.returncode == 2
    assert "closest: qwen3-30b-a3b" in result.stderr
    result = run_cli("estimate", "qwen3-8b", "--hardware", "rtx4090")
    assert result.returncode == 2
    assert "rtx-4090" in result.stderr
    result = run_cli("estimate", "qwen3-8b", "--kv-quant", "Q4_K_M")
    assert result.returncode == 2
    assert "unknown KV cache type" in result.stderr
    result = run_cli("estimate", "qwen3-8b", "--context", "0")
    assert result.returncode == 2
    for output in (result.stderr,):
        assert "Traceback" not in output


def test_text_output_states_its_units() -> None:
    result = run_cli("estimate", "gemma-4-26b-a4b", "--hardware", "rtx-4060-ti-16gb")
    assert result.returncode == 0
    assert "GiB (2^30 bytes)" in result.stdout
    assert "on NVIDIA GeForce RTX 4060 Ti" in result.stdout


def test_from_hf_needs_what_config_json_cannot_say(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"model_type": "llama", "hidden_size": 64}))
    result = run_cli("from-hf", config)
    assert result.returncode == 2
    assert "--repo" in result.stderr


def test_from_hf_names_a_missing_key(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {
                "_name_or_path": "org/model",
                "model_type": "llama",
                "hidden_size": 64,
                "num_attention_heads": 4,
            }
        )
    )
    result = run_cli("from-hf", config, "--released", "2026-01-01", "--license", "MIT")
    assert result.returncode == 1
    assert "'num_hidden_layers'" in result.stderr


def _from_hf(config: Path, model_id: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """`from-hf` with what config.json cannot say filled in, for an entry in the qwen3 family
    of the minimal fixture."""
    facts = ["--family", "qwen3", "--released", "2026-01-01", "--license", "Apache-2.0"]
    return run_cli("from-hf", config, "--id", model_id, *facts, *extra)


def test_from_hf_entry_validates(tmp_path: Path) -> None:
    config = {
        "_name_or_path": "example/Tiny-MoE",
        "model_type": "qwen3_moe",
        "hidden_size": 256,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 64,
        "num_hidden_layers": 4,
        "vocab_size": 1000,
        "intermediate_size": 512,
        "moe_intermediate_size": 128,
        "num_experts": 8,
        "num_experts_per_tok": 2,
        "max_position_embeddings": 4096,
        "tie_word_embeddings": False,
    }
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    result = _from_hf(path, "tiny-moe", "--name", "Tiny-MoE")
    assert result.returncode == 0, result.stderr
    entry = yaml.safe_load(result.stdout)
    assert entry["parameters"]["total"]["status"] == "derived"
    assert entry["architecture"]["experts"]["routed"] == 8
    data = tmp_path / "data"
    shutil.copytree(ROOT / "tests/fixtures/minimal", data)
    (data / "models/qwen3/tiny-moe.yaml").write_text(result.stdout)
    check = run_cli("validate", "--quiet", data)
    assert check.returncode == 0, check.stderr


REAL_CONFIGS = ROOT / "tests/estimate/configs"


def test_from_hf_on_every_real_config_prints_entries_that_validate(tmp_path: Path) -> None:
    """The command a contributor runs, on each verbatim config.json the engine is tested with:
    the entry validates, and its counts are the engine's (test_published ties those to the
    published figures)."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "tests/fixtures/minimal", data)
    shutil.copy(ROOT / "data/quantizations.yaml", data)  # every native precision: FP8, MXFP4…
    sources = yaml.safe_load((REAL_CONFIGS / "SOURCES.yaml").read_text())
    for source in sources:
        repo = source["official"].removeprefix("https://huggingface.co/").split("/blob/")[0]
        config = REAL_CONFIGS / f"{source['id']}.json"
        result = _from_hf(config, f"{source['id']}-from-hf", "--repo", repo)
        assert result.returncode == 0, f"{source['id']}: {result.stderr}"
        entry = yaml.safe_load(result.stdout)
        breakdown = count_parameters(
            architecture(architecture_from_config(json.loads(config.read_text())))
        )
        assert entry["parameters"]["total"]["value"] == breakdown.total, source["id"]
        assert entry["parameters"]["total"]["status"] == "derived"
        (data / "models/qwen3" / f"{source['id']}-from-hf.yaml").write_text(result.stdout)
    check = run_cli("validate", "--quiet", data)
    assert check.returncode == 0, check.stdout + check.stderr


def test_new_writes_a_schema_valid_skeleton_that_validate_refuses(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "tests/fixtures/minimal", data)
    result = run_cli("new", "qwen3-4b", "--family", "qwen3", "--kind", "moe", "--data", data)
    assert result.returncode == 0, result.stderr
    written = data / "models/qwen3/qwen3-4b.yaml"
    assert written.is_file()
    from paramatlas.data.schemas import schema_problems
    from paramatlas.data.yaml_source import read_yaml

    document, problems = read_yaml(written, str(written))
    assert document is not None and problems == []
    assert schema_problems(document, "model") == []  # an editor completes it from the start
    check = run_cli("validate", data)
    assert check.returncode == 1
    assert f"{written}:6:8: 'name' still holds the FILL-IN marker" in check.stderr
    assert "the address still holds the placeholder OWNER/NAME" in check.stderr
    # numbers cannot hold the marker, so their comments do: each is reported at its line
    layers = next(
        number
        for number, line in enumerate(written.read_text().splitlines(), start=1)
        if line.startswith("  layers:")
    )
    assert f"{written}:{layers}:" in check.stderr
    assert "a FILL-IN comment of a new entry is left" in check.stderr
    again = run_cli("new", "qwen3-4b", "--family", "qwen3", "--data", data)
    assert again.returncode == 2 and "exists already" in again.stderr
    unknown = run_cli("new", "x-1b", "--family", "qwen-3", "--data", data)
    assert unknown.returncode == 2 and "closest: qwen3" in unknown.stderr


def test_from_hf_writes_the_entry_into_a_folder_once(tmp_path: Path) -> None:
    config = ROOT / "tests/estimate/configs/qwen3-8b.json"
    args = ("from-hf", config, "--repo", "Qwen/Qwen3-8B", "--released", "2025-04-29")
    first = run_cli(*args, "--license", "Apache-2.0", "--out", tmp_path)
    assert first.returncode == 0, first.stderr
    entry = yaml.safe_load((tmp_path / "qwen3-8b.yaml").read_text())
    assert entry["id"] == "qwen3-8b" and entry["parameters"]["total"]["status"] == "derived"
    again = run_cli(*args, "--license", "Apache-2.0", "--out", tmp_path)
    assert again.returncode == 2 and "exists already" in again.stderr


def test_diff_shows_changed_values_and_their_consequences(tmp_path: Path) -> None:
    base = tmp_path / "base"
    shutil.copytree(ROOT / "tests/fixtures/minimal", base)
    head = tmp_path / "head"
    shutil.copytree(base, head)
    gpu = head / "hardware/nvidia/rtx-4090.yaml"
    gpu.write_text(gpu.read_text().replace("size_gib: 24", "size_gib: 48"))
    shutil.copy(
        head / "models/llama-3/llama-3.1-8b.yaml", head / "models/llama-3/llama-3.1-8b-copy.yaml"
    )
    copy = head / "models/llama-3/llama-3.1-8b-copy.yaml"
    copy.write_text(copy.read_text().replace("id: llama-3.1-8b", "id: llama-3.1-8b-copy"))
    text = run_cli("diff", base, head)
    assert text.returncode == 0, text.stderr
    assert "~ hardware/rtx-4090" in text.stdout
    assert "    memory_gib: 24 → 48" in text.stdout
    # 48 GiB hold Q8_0 (8.5 bits, 32 GB) but not BF16 (61 GB) of Qwen3-30B-A3B
    assert "=> qwen3-30b-a3b: fits at Q4_K_M → now fits at Q8_0" in text.stdout
    assert "+ models/llama-3.1-8b-copy" in text.stdout
    markdown = run_cli("diff", base, head, "--markdown").stdout
    assert "| `memory_gib` | 24 | 48 |" in markdown
    data = json.loads(run_cli("diff", base, head, "--json").stdout)
    assert data["added"]["models"] == ["llama-3.1-8b-copy"]
    same = run_cli("diff", base, base)
    assert same.stdout.strip() == "No change to the data."


def test_diff_against_a_git_ref(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "tests/fixtures/minimal", repo / "data")

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@t", "add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base")
    gpu = repo / "data/hardware/nvidia/rtx-4090.yaml"
    gpu.write_text(gpu.read_text().replace("bandwidth_gb_s: 1008", "bandwidth_gb_s: 1100"))
    result = run_cli("diff", "--git", "HEAD", repo / "data")
    assert result.returncode == 0, result.stderr
    assert "memory.bandwidth_gb_s" not in result.stdout  # flattened as the API names it
    assert "bandwidth_gb_s: 1008 → 1100" in result.stdout
    missing = run_cli("diff", "--git", "no-such-ref", repo / "data")
    assert missing.returncode == 2 and "git archive" in missing.stderr
