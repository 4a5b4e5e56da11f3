"""The whole validation: the data's own rules, and the rules that need the estimation engine.

The data layer knows nothing of the engine (data → estimate → render, one way). Comparing a
published count with the count recomputed from the hyperparameters needs both, so that rule lives
here, a layer above, and these functions are what the CLI, the MkDocs plugin and the macros call.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .data import build
from .data import dataset as data
from .data.problems import DatasetError, Problem, Severity, errors_in
from .data.records import Dataset
from .data.rules import Documents, Rule, billions, problem_at
from .estimate.parameters import active_variants, count_parameters

# A derived count within these bounds of a declared one is agreement; beyond is a warning.
DERIVED_TOLERANCE = 0.02
DERIVED_APPROXIMATE_TOLERANCE = 0.06


def _derived_agreement(by_kind: Documents) -> Iterator[Problem]:
    """Counts recomputed from hyperparameters agree with the declared ones (warnings for now)."""
    for document in by_kind.get("model", []):
        data = document.value
        try:
            arch = build.architecture(data["architecture"])
        except (KeyError, TypeError, ValueError, ZeroDivisionError):
            continue  # the shape rules report what is missing
        breakdown = count_parameters(arch)
        params = data["parameters"]
        encoders = sum(
            encoder["params"]["value"] for encoder in data["architecture"].get("encoders", [])
        )
        total_derived = breakdown.total
        if params.get("includes_encoders"):
            total_derived += encoders
        if params.get("includes_mtp"):
            total_derived += breakdown.mtp
        checks: list[tuple[str, dict[str, Any] | None, dict[str, int]]] = [
            ("total", params["total"], {"": total_derived}),
            ("ple", params.get("ple"), _ple_variants(breakdown.ple_tables, params, encoders)),
            ("active", params.get("active"), active_variants(breakdown)),
        ]
        for name, declared, derived in checks:
            if declared is None or (declared["status"] == "derived" and not derived):
                continue
            tolerance = (
                max(DERIVED_APPROXIMATE_TOLERANCE, rounding_tolerance(declared["value"]))
                if declared.get("approximate")
                else DERIVED_TOLERANCE
            )
            gaps = {
                convention: (value - declared["value"]) / declared["value"]
                for convention, value in derived.items()
            }
            if any(abs(gap) <= tolerance for gap in gaps.values()):
                continue
            convention, gap = min(gaps.items(), key=lambda item: abs(item[1]))
            value = derived[convention]
            yield problem_at(
                document,
                ("parameters", name, "value"),
                f"{name} {billions(declared['value'])} disagrees with {billions(value)} "
                f"derived from the hyperparameters"
                f"{' (' + convention + ')' if convention else ''}: {gap:+.1%}",
                "check the hyperparameters against config.json, or explain the difference in notes",
                Severity.WARNING,
            )


def rounding_tolerance(value: float) -> float:
    """Half a unit of the last digit a rounded figure is written with, as a share of it.

    A card's "3B" stands for anything from 2.5B to 3.5B; "30.5B" for 30.45B to 30.55B. The
    figure is read in the unit it would be written in (M, B or T), so "10B" has two digits.
    """
    scale = 1e12 if value >= 1e12 else 1e9 if value >= 1e9 else 1e6
    written = f"{value / scale:g}"
    decimals = len(written.split(".")[1]) if "." in written else 0
    return 0.5 * scale / (10.0**decimals * value)


def _ple_variants(tables: int, params: dict[str, Any], encoders: int) -> dict[str, int]:
    """Vendors giving only total and effective leave "PLE" = total − effective, encoders in it."""
    variants = {"": tables}
    if params.get("includes_encoders") and encoders:
        variants["PLE tables plus the encoders"] = tables + encoders
    return variants


ENGINE_RULES: tuple[Rule, ...] = (_derived_agreement,)


def check_dataset(root: Path) -> tuple[Dataset | None, list[Problem]]:
    """Validate the dataset in `root`: the dataset (None on any error) and every problem."""
    return data.check_dataset(root, ENGINE_RULES)


def check_dataset_cached(root: Path) -> tuple[Dataset | None, list[Problem]]:
    """`check_dataset`, remembered until a data file changes."""
    return data.check_dataset_cached(root, ENGINE_RULES)


def load_dataset_cached(root: Path) -> Dataset:
    """`load_dataset`, remembered until a data file changes: for callers that load repeatedly."""
    dataset, problems = check_dataset_cached(root)
    if dataset is None:
        raise DatasetError(errors_in(problems))
    return dataset


def load_dataset(root: Path | None = None) -> Dataset:
    """The validated dataset in `root` (default: the bundled one); raises DatasetError."""
    return data.load_dataset(root, ENGINE_RULES)


def load_entry_file(path: Path, kind: str, dataset: Dataset) -> tuple[Any, list[Problem]]:
    """One model or hardware file from outside the dataset, checked like one inside it."""
    return data.load_entry_file(path, kind, dataset, ENGINE_RULES)


def entry_problems(value: dict[str, Any], path: str, kind: str) -> list[Problem]:
    """The errors a generated entry would meet in the dataset."""
    return data.entry_problems(value, path, kind, ENGINE_RULES)
