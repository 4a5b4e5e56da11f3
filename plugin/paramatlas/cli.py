"""The `paramatlas` command line: an adapter over the dataset and the estimation engine.

Exit codes: 0 success, 1 the data (or a requested estimate) has problems, 2 the command was used
wrongly. Errors never show a traceback; they say what is wrong and what to do.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from . import __version__
from .data.dataset import bundled_data_dir, load_dataset
from .data.problems import DatasetError, Severity
from .data.records import Dataset, Hardware, Model, Quantization
from .data.suggest import closest
from .estimate.calibration import calibrate
from .estimate.fit import has_separate_host
from .estimate.from_hf import ConfigError, model_entry, model_from_config
from .estimate.plan import DEFAULT_CONTEXT, DEFAULT_KV_QUANT, DEFAULT_QUANT, default_host
from .estimate.report import Estimate, estimate, max_context, model_max_context
from .render.abbreviations import abbreviation_block
from .render.api import export as export_dataset
from .render.assets import asset_files
from .render.guidance import Guide
from .render.pages import Site, SiteOptions
from .render.review import as_json as review_json
from .render.review import as_markdown as review_markdown
from .render.review import as_text as review_text
from .render.review import review
from .render.skeleton import model_skeleton
from .render.speed_model import speed_model_yaml
from .validation import (
    check_dataset,
    entry_problems,
    load_dataset_cached,
    load_entry_file,
)

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        sys.exit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="paramatlas",
        description="Validate and query the paramatlas dataset of LLM architectures.",
    )
    parser.add_argument("--version", action="version", version=f"paramatlas {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    validate = commands.add_parser(
        "validate",
        help="check every data file against the schemas and the consistency rules",
        description="Check a dataset folder. Prints one line per problem as "
        "path:line:column: message, and exits 1 if there are errors.",
    )
    validate.add_argument(
        "data_dir",
        nargs="?",
        type=Path,
        metavar="DATA_DIR",
        help="the dataset folder, data in a checkout (default: the bundled dataset, which in "
        "an editable install of a checkout is that checkout's data folder)",
    )
    validate.add_argument(
        "--quiet", "-q", action="store_true", help="print errors only, not warnings or the summary"
    )
    _add_estimate(commands)
    _add_from_hf(commands)
    new = commands.add_parser(
        "new",
        help="a new model entry to fill in, in the right folder",
        description="Write models/FAMILY/ID.yaml in the data folder: a schema-valid skeleton "
        "whose every value to fill is marked FILL-IN; validate refuses it until none is left. "
        "Never overwrites a file.",
    )
    new.add_argument("model_id", metavar="ID", help="the model id (lowercase slug)")
    new.add_argument("--family", required=True, help="the family id (from families.yaml)")
    new.add_argument("--kind", choices=("dense", "dense-ple", "moe"), default="dense")
    new.add_argument("--data", type=Path, default=Path("data"), help="the data folder (./data)")
    diff = commands.add_parser(
        "diff",
        help="what a change to the data does: entries, values and consequences",
        description="Compare two data folders (BASE HEAD), or a git ref's data folder with the "
        "working one (--git REF [DATA_DIR]): entries added, removed and renamed, each changed "
        "value old -> new, and the consequences for derived counts, memory and guidance.",
    )
    diff.add_argument("folders", nargs="*", type=Path, metavar="FOLDER")
    diff.add_argument("--git", metavar="REF", help="compare with the data folder at this git ref")
    output = diff.add_mutually_exclusive_group()
    output.add_argument("--markdown", action="store_true", help="Markdown, for a PR comment")
    output.add_argument("--json", action="store_true", help="one JSON object")
    calibrate = commands.add_parser(
        "calibrate",
        help="fit the speed model to the published measurements",
        description="Fit decode and prefill coefficients to DATA_DIR/measurements.yaml (and "
        "measurements/*.yaml) and print "
        "them as speed-model.yaml; --write stores them, --check exits 1 if the stored file "
        "differs from a fresh fit.",
    )
    calibrate.add_argument(
        "data_dir", nargs="?", type=Path, metavar="DATA_DIR", help="the dataset folder"
    )
    mode = calibrate.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="write DATA_DIR/speed-model.yaml")
    mode.add_argument("--check", action="store_true", help="compare with the stored file")
    export = commands.add_parser(
        "export",
        help="the whole dataset with derived values as JSON",
        description="Print (or write) the dataset as one JSON object with the lists models, "
        "hardware, quantizations and glossary.",
    )
    export.add_argument("--out", type=Path, help="write to this file instead of stdout")
    export.add_argument("--data", type=Path, help="the dataset folder (default: bundled)")
    render = commands.add_parser(
        "render",
        help="the generated pages as plain Markdown files",
        description="Write every generated page (and the JSON API files) into a folder, for "
        "site generators that run no MkDocs plugin.",
    )
    render.add_argument("--out", type=Path, required=True, help="the folder to write into")
    render.add_argument("--data", type=Path, help="the dataset folder (default: bundled)")
    render.add_argument(
        "--cache-dir",
        type=Path,
        help="keep the Methodology page's cross-validation in this folder between runs, as the "
        "MkDocs plugin's cache_dir does (default: recomputed on every run)",
    )
    render.add_argument(
        "--no-directory-urls",
        dest="directory_urls",
        action="store_false",
        help="link pages as page.html, for sites built with use_directory_urls: false",
    )
    return parser


def _add_estimate(commands: Any) -> None:
    command = commands.add_parser(
        "estimate",
        help="memory, fit and speed of a model on a device",
        description="Estimate the memory a model needs at a quantization and context, whether it "
        "fits a device, and its decode and prefill speed. Sizes are bytes in --json; GiB "
        "(2^30 bytes) otherwise.",
    )
    command.add_argument(
        "model", metavar="MODEL", help="a model id, a model YAML file or a config.json file"
    )
    command.add_argument(
        "--quant", default=DEFAULT_QUANT, help=f"weights (default {DEFAULT_QUANT})"
    )
    command.add_argument(
        "--context",
        type=_positive_int,
        default=DEFAULT_CONTEXT,
        help=f"context length in tokens (default {DEFAULT_CONTEXT})",
    )
    command.add_argument(
        "--kv-quant", default=DEFAULT_KV_QUANT, help=f"KV cache type (default {DEFAULT_KV_QUANT})"
    )
    command.add_argument("--hardware", metavar="HW", help="a device id or a hardware YAML file")
    command.add_argument(
        "--host",
        metavar="HW",
        help="the system RAM behind a discrete GPU, for offload "
        "(default: a desktop with dual-channel DDR5-5600)",
    )
    command.add_argument(
        "--gpus",
        type=_positive_int,
        default=1,
        help="identical GPUs, split by layer as llama.cpp does by default (default 1): they add "
        "memory, not single-stream decode speed",
    )
    command.add_argument(
        "--max-context",
        action="store_true",
        help="price the longest context that fits fully on the device (needs --hardware)",
    )
    command.add_argument("--data", type=Path, help="the dataset folder (default: bundled)")
    command.add_argument("--json", action="store_true", help="print one JSON object")


def _add_from_hf(commands: Any) -> None:
    command = commands.add_parser(
        "from-hf",
        help="a model entry from a Hugging Face config.json",
        description="Print a model entry derived from a config.json, counts marked derived.",
    )
    command.add_argument("config", type=Path, metavar="CONFIG_JSON")
    command.add_argument("--id", dest="model_id", help="the entry's id (default: from the repo)")
    command.add_argument("--name", help="the model's name (default: from the repo)")
    command.add_argument("--family", help="the family id (default: the config's model_type)")
    command.add_argument(
        "--repo", help="the Hugging Face repo, OWNER/NAME (default: the config's _name_or_path)"
    )
    command.add_argument("--released", help="release date, YYYY-MM-DD")
    command.add_argument(
        "--out",
        type=Path,
        help="write the entry as <id>.yaml into this folder, the family's folder such as "
        "data/models/qwen3, never over an existing file, instead of printing it",
    )
    command.add_argument("--license", dest="license_name", help="licence (SPDX id or name)")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


class UsageError(Exception):
    """The command line names something that does not exist; exit 2."""


def _closest(word: str, options: list[str]) -> str:
    close = closest(word, options)
    return f" (closest: {', '.join(close)})" if close else ""


def _resolve_quant(dataset: Dataset, quant_id: str, *, kv: bool = False) -> Quantization:
    quantizations = {quant.id.lower(): quant for quant in dataset.quantizations}
    quant = quantizations.get(quant_id.lower())
    if quant is None or (kv and not quant.kv_cache):
        options = [q.id for q in dataset.quantizations if q.kv_cache or not kv]
        what = "KV cache type" if kv else "quantization"
        raise UsageError(f"unknown {what} '{quant_id}'; one of: {', '.join(options)}")
    return quant


def _resolve_model(dataset: Dataset, reference: str) -> Model:
    path = Path(reference)
    if path.suffix == ".json" and path.is_file():
        return _model_from_config(path)
    return _resolve_entry(dataset, reference, "model", "models", dataset.model)  # type: ignore[no-any-return]


def _resolve_hardware(dataset: Dataset, reference: str) -> Hardware:
    return _resolve_entry(dataset, reference, "hardware", "hardware", dataset.device)  # type: ignore[no-any-return]


def _resolve_entry(
    dataset: Dataset, reference: str, kind: str, collection: str, lookup: Any
) -> Any:
    """A dataset id, or a YAML file of that kind checked like one inside the dataset."""
    path = Path(reference)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        entry, problems = load_entry_file(path, kind, dataset)
        if entry is None:
            raise DatasetError(problems)
        return entry
    if reference in dataset.ids(collection):
        return lookup(reference)
    what = "model" if kind == "model" else "device"
    raise UsageError(
        f"no {what} '{reference}' in the dataset, and no such file"
        + _closest(reference, dataset.ids(collection))
    )


MAX_CONFIG_BYTES = 4 * 2**20
_SLUG = re.compile(r"^[a-z0-9][a-z0-9.-]{0,79}$")
_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _read_config(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
        if len(data) > MAX_CONFIG_BYTES:
            raise UsageError(f"{path} is larger than a config.json can be ({MAX_CONFIG_BYTES:,} B)")
        config = json.loads(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {path}: {error}") from None
    except RecursionError:
        raise UsageError(f"{path}: the JSON is nested too deeply to be a config.json") from None
    except json.JSONDecodeError as error:
        raise UsageError(
            f"{path}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}"
        ) from None
    if not isinstance(config, dict):
        raise UsageError(f"{path}: a config.json holds one JSON object")
    return config


def _model_from_config(path: Path) -> Model:
    return model_from_config(_read_config(path), path.stem, str(path))


def _validate(args: argparse.Namespace) -> int:
    root: Path = args.data_dir if args.data_dir is not None else bundled_data_dir()
    if not root.is_dir():
        sys.stderr.write(f"paramatlas: no data folder at {root}\n")
        return EXIT_USAGE
    dataset, problems = check_dataset(root)
    shown = [p for p in problems if not args.quiet or p.severity is Severity.ERROR]
    for problem in shown:
        sys.stderr.write(problem.format() + "\n")
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = len(problems) - errors
    if dataset is None:
        sys.stderr.write(f"{errors} error(s), {warnings} warning(s) in {root}\n")
        return EXIT_PROBLEMS
    if not args.quiet:
        print(
            f"{root}: {len(dataset.models)} models, {len(dataset.hardware)} devices, "
            f"{len(dataset.quantizations)} quantizations, {len(dataset.glossary)} glossary terms: "
            f"valid ({warnings} warning(s))"
        )
    return EXIT_OK


def _estimate(args: argparse.Namespace) -> int:
    dataset = _data(args.data)
    model = _resolve_model(dataset, args.model)
    quant = _resolve_quant(dataset, args.quant)
    kv_quant = _resolve_quant(dataset, args.kv_quant, kv=True)
    device = _resolve_hardware(dataset, args.hardware) if args.hardware else None
    kind = device.kind if device else None
    host = _resolve_hardware(dataset, args.host) if args.host else default_host(dataset, kind)
    if host is not None and host.kind != "cpu":
        raise UsageError(f"--host must be a CPU with system RAM; '{host.id}' is a {host.kind}")
    if args.gpus > 1 and kind not in ("discrete-gpu", "datacenter"):
        raise UsageError("--gpus needs --hardware naming a discrete GPU or accelerator")
    if args.max_context and device is None:
        raise UsageError("--max-context needs --hardware: the longest context that fits where?")
    if quant.applies_to == "experts" and model.architecture.experts is None:
        raise UsageError(f"{quant.id} quantizes expert weights only, and {model.name} has none")
    longest = model_max_context(model)
    if args.context > longest and not args.max_context:
        said = "supports at most" if model.context_length else "states no maximum; priced up to"
        raise UsageError(
            f"{model.name} {said} {longest:,} tokens of context; "
            f"--context {args.context:,} is beyond it"
        )
    fitting = None
    if device is not None:
        fitting = max_context(dataset, model, quant, kv_quant, device, host, args.gpus)
    context = max(1, fitting or 1) if args.max_context else args.context
    result = estimate(dataset, model, quant, context, kv_quant, device, host, gpus=args.gpus)
    data = result.as_json() | {"max_context": fitting}
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        instead = None
        if data["fit"] == "no":
            instead = _what_runs(dataset, model, context, kv_quant, device, host, args.gpus)
        print(_describe(result, data, instead))
    return EXIT_OK


def _what_runs(
    dataset: Dataset,
    model: Model,
    context: int,
    kv_quant: Quantization,
    device: Hardware | None,
    host: Hardware | None,
    gpus: int,
) -> str:
    """For a "no": the most precise of the formats the pages offer that does run there."""
    for quant in Guide(dataset).candidates(model):
        placement = estimate(
            dataset, model, quant, context, kv_quant, device, host, gpus=gpus
        ).plan.placement
        if placement is not None and placement.fit != "no":
            how = "fits" if placement.fit == "fits" else f"runs with {placement.offload} offloaded"
            return f"at {quant.id} it {how}"
    return "no format runs there at this context; try a shorter --context or more --gpus"


def _gib(value: int | None) -> str:
    return "–" if value is None else f"{value / 2**30:.2f} GiB"


def _speed(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def _describe(result: Estimate, data: dict[str, Any], instead: str | None = None) -> str:
    """Everything the JSON says, for a reader: memory, where it sits, verdict, speeds."""
    memory = data["memory"]
    plan = result.plan
    lines = [
        f"{plan.model.name} at {data['quant']}, {data['context']:,} tokens of context "
        f"(KV cache {data['kv_quant']}); sizes in GiB (2^30 bytes), estimates:",
        f"  weights       {_gib(memory['weights_bytes'])}",
        f"  KV cache      {_gib(memory['kv_cache_bytes'])}",
        f"  overhead      {_gib(memory['overhead_bytes'])}"
        + (f" (compute buffers on each of {plan.gpus} GPUs)" if plan.gpus > 1 else ""),
        f"  total         {_gib(memory['total_bytes'])}",
    ]
    device = plan.device
    if device is None:
        return "\n".join(lines)
    cards = f"{plan.gpus} × {device.name} (split by layer)" if plan.gpus > 1 else device.name
    lines.append(f"on {cards}: {data['fit']} (usable {_gib(memory['usable_bytes'])})")
    if data["fit"] == "offload" and plan.host is not None:
        lines.append(f"  on the GPU    {_gib(memory['accelerator_bytes'])}")
        lines.append(
            f"  in system RAM {_gib(memory['host_bytes'])}: {data['offload']}, on "
            f"{plan.host.name} ({plan.host.bandwidth_gb_s:g} GB/s, assumed; --host for another)"
        )
    if data["fit"] == "no":
        lines.append(
            f"  needs {_gib(memory['total_bytes'])}, more than the device"
            + (" and system RAM hold" if has_separate_host(device) else " holds")
            + (f"; {instead}" if instead else "")
        )
    if data["max_context"]:
        lines.append(f"  longest context that fits fully: {data['max_context']:,} tokens")
    elif data["max_context"] == 0 and data["fit"] == "offload":
        lines.append("  fits fully at no context length: the offload above is needed")
    if data["decode_tokens_per_s"] is not None:
        low, high = data["decode_tokens_per_s_range"]
        calibration = data["speed_calibration"]
        lines.append(
            f"  decode        ~{_speed(data['decode_tokens_per_s'])} tokens/s at "
            f"{data['context']:,} tokens of context (range {_speed(low)}–{_speed(high)}; "
            f"bound {_speed(data['decode_tokens_per_s_bound'])} from {data['decode_bound_by']})"
        )
        if data["decode_cpu_cores_gb_s"]:
            lines.append(
                f"                paced by the CPU cores, which read about "
                f"{_speed(data['decode_cpu_cores_gb_s'])} GB/s of it (see Methodology)"
            )
        if not calibration["calibrated"]:
            lines.append(
                f"                uncalibrated: the {calibration['group']} backend has "
                f"{calibration['rows']} published results; the range is wider"
            )
    if data["prefill_not_estimated"]:
        lines.append(f"  prefill       not estimated: {data['prefill_not_estimated']}")
    if data["prefill_tokens_per_s"] is not None:
        prefill = f"  prefill       ~{_speed(data['prefill_tokens_per_s'])} tokens/s"
        if data["prefill_tokens_per_s_range"] is not None:
            low, high = data["prefill_tokens_per_s_range"]
            prefill += f" (range {_speed(low)}–{_speed(high)})"
        calibration = data["prefill_calibration"]
        prefill += f", against the device's {calibration['peak']} peak"
        lines.append(prefill)
        if not calibration["calibrated"]:
            lines.append(
                f"                uncalibrated: {calibration['group']} has "
                f"{calibration['devices']} device(s) with published prompt speeds; the range "
                "is the pooled, wider one"
            )
    return "\n".join(lines)


def _from_hf(args: argparse.Namespace) -> int:
    config = _read_config(args.config)
    repo = args.repo or str(config.get("_name_or_path") or "")
    if args.repo and not _REPO.match(args.repo):
        raise UsageError(f"--repo must be OWNER/NAME, such as Qwen/Qwen3-8B; got '{args.repo}'")
    if not _REPO.match(repo):
        raise UsageError(
            "the config names no Hugging Face repo; give --repo OWNER/NAME so the entry can "
            "cite its config.json"
        )
    name = args.name or repo.split("/")[1]
    model_id = args.model_id or name.lower().replace("_", "-")
    missing = [
        flag
        for flag, value in (("--released", args.released), ("--license", args.license_name))
        if not value
    ]
    if missing:
        raise UsageError(
            f"config.json does not say {' or '.join(missing)}; give them from the model card"
        )
    family = args.family or str(config.get("model_type", "")).replace("_", "-")
    entry = model_entry(
        config,
        model_id=model_id,
        name=name,
        family=family,
        repo=repo,
        released=args.released,
        license_name=args.license_name,
    )
    problems = entry_problems(entry, f"{model_id}.yaml", "model")
    if problems:
        sys.stderr.write("paramatlas from-hf: the entry would not validate:\n")
        for problem in problems:
            sys.stderr.write(
                f"  {problem.message}" + (f" ({problem.hint})" if problem.hint else "")
            )
            sys.stderr.write("\n")
        return EXIT_PROBLEMS
    schema_line = (
        "# yaml-language-server: $schema=../../../plugin/paramatlas/schemas/model.schema.json"
    )
    text = (
        schema_line + "\n" + yaml.safe_dump(entry, sort_keys=False, allow_unicode=True, width=100)
    )
    if args.out is None:
        print(text, end="")
        return EXIT_OK
    target = args.out / f"{model_id}.yaml"
    if target.exists():
        raise UsageError(f"{target} exists already; edit it, or choose another --id")
    _write(target, text)
    print(f"wrote {target}: replace the derived counts with the card's where it gives them")
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    root: Path = args.data
    if not root.is_dir():
        raise UsageError(f"no data folder at {root}; run from the repository root or give --data")
    if not _SLUG.match(args.model_id):
        raise UsageError(f"'{args.model_id}' is not an id: lowercase letters, digits, . and -")
    families = yaml.safe_load((root / "families.yaml").read_text(encoding="utf-8")) or {}
    known = [family["id"] for family in families.get("families", [])]
    if args.family not in known:
        raise UsageError(
            f"no family '{args.family}' in {root / 'families.yaml'}"
            + _closest(args.family, known)
            + "; add it there first"
        )
    target = root / "models" / args.family / f"{args.model_id}.yaml"
    if target.exists():
        raise UsageError(f"{target} exists already; edit it instead")
    _write(target, model_skeleton(args.model_id, args.family, args.kind))
    print(f"wrote {target}: fill every FILL-IN, then run paramatlas validate {root}")
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    if args.git:
        if len(args.folders) > 1:
            raise UsageError("with --git REF, give at most one data folder (default: data)")
        head_dir = args.folders[0] if args.folders else Path("data")
        with tempfile.TemporaryDirectory() as scratch:
            base_dir = _data_at_ref(args.git, head_dir, Path(scratch))
            result = review(_data(base_dir), _data(head_dir))
    else:
        if len(args.folders) != 2:
            raise UsageError("give two data folders, BASE and HEAD, or --git REF")
        result = review(_data(args.folders[0]), _data(args.folders[1]))
    if args.json:
        print(json.dumps(review_json(result), indent=1, ensure_ascii=False))
    else:
        print(review_markdown(result) if args.markdown else review_text(result))
    return EXIT_OK


def _data_at_ref(ref: str, data_dir: Path, scratch: Path) -> Path:
    """The data folder as it was at git `ref`, extracted under `scratch`."""

    def git(*arguments: str, cwd: Path) -> bytes:
        try:
            return subprocess.run(
                ["git", *arguments], cwd=cwd, capture_output=True, check=True
            ).stdout
        except FileNotFoundError:
            raise UsageError("--git needs git on the PATH") from None
        except subprocess.CalledProcessError as error:
            message = error.stderr.decode("utf-8", "replace").strip().splitlines()
            raise UsageError(
                f"git {arguments[0]}: {message[-1] if message else 'failed'}"
            ) from None

    folder = data_dir.resolve()
    if not folder.is_dir():
        raise UsageError(f"no data folder at {data_dir}")
    top = Path(git("rev-parse", "--show-toplevel", cwd=folder).decode().strip())
    relative = folder.relative_to(top).as_posix()
    archive = git("archive", "--format=tar", ref, relative, cwd=top)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(scratch, filter="data")
    return scratch / relative


def _calibrate(args: argparse.Namespace) -> int:
    root = args.data_dir or bundled_data_dir()
    if not Path(root).is_dir():
        raise UsageError(f"no data folder at {root}")
    # The stored fit is what this command replaces: one of an older format must not block it.
    dataset = load_dataset(Path(root), skip=frozenset({"speed-model"}))
    if not dataset.measurements:
        raise UsageError(f"{root} has no measurements.yaml to fit")
    text = speed_model_yaml(calibrate(dataset))
    target = Path(root) / "speed-model.yaml"
    if args.write:
        _write(target, text)
        print(f"wrote {target}")
    elif args.check:
        stored = target.read_text(encoding="utf-8") if target.is_file() else ""
        if stored != text:
            sys.stderr.write(
                f"{target}:1:1: the speed model does not match measurements.yaml "
                "(hint: run paramatlas calibrate --write)\n"
            )
            return EXIT_PROBLEMS
        print(f"{target}: matches a fresh fit")
    else:
        print(text, end="")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    text = json.dumps(export_dataset(_data(args.data)), indent=1, ensure_ascii=False)
    if args.out is None:
        print(text)
    else:
        _write(args.out, text + "\n")
    return EXIT_OK


def _render(args: argparse.Namespace) -> int:
    options = SiteOptions(directory_urls=args.directory_urls, cache_dir=args.cache_dir)
    site = Site(_data(args.data), options)
    # Tooltips need the abbreviations on every page; the MkDocs plugin appends them at build.
    abbreviations = abbreviation_block(site.dataset)
    pages = {path: f"{text}\n{abbreviations}\n" for path, text in site.pages().items()}
    # The stylesheet and scripts the pages' HTML uses: link them from the site's layout.
    files = {**pages, **site.api_files(), **asset_files()}
    for relative, text in sorted(files.items()):
        _write(args.out / relative, text)
    print(f"wrote {len(files)} files to {args.out}")
    return EXIT_OK


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror}") from None


def _tolerant_output() -> None:
    """Characters the terminal cannot show (–, ×, ≈) become '?' instead of a crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def _data(path: Path | None) -> Dataset:
    """The dataset in `path` (default: bundled); a missing folder is a usage error."""
    if path is not None and not path.is_dir():
        raise UsageError(f"no data folder at {path}")
    return load_dataset_cached(path or bundled_data_dir())


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_output()
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    handlers = {
        "validate": _validate,
        "estimate": _estimate,
        "from-hf": _from_hf,
        "new": _new,
        "calibrate": _calibrate,
        "diff": _diff,
        "export": _export,
        "render": _render,
    }
    try:
        return handlers[args.command](args)
    except UsageError as error:
        sys.stderr.write(f"paramatlas {args.command}: {error}\n")
        return EXIT_USAGE
    except ConfigError as error:
        sys.stderr.write(f"paramatlas {args.command}: {error}\n")
        return EXIT_PROBLEMS
    except DatasetError as error:
        for problem in error.problems:
            sys.stderr.write(problem.format() + "\n")
        return EXIT_PROBLEMS
    except BrokenPipeError:
        # The reader went away (`paramatlas export | head`): stop quietly, as cat would.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
