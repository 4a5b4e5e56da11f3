"""Finding, reading and validating every file of a dataset folder.

Layout (see data/FORMAT.md): `families.yaml`, `quantizations.yaml`, `models/<family>/<id>.yaml`,
`hardware/<vendor>/<id>.yaml`, `glossary/<id>.yaml`. Every file is read and checked even when others
fail, so one run reports every problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from . import build
from .problems import DatasetError, Problem, errors_in
from .records import Dataset, SpeedModel
from .rules import Rule, check_documents
from .schemas import schema_problems
from .yaml_source import YamlDocument, read_yaml

# Which schema each place in the folder follows.
_PLACES: tuple[tuple[str, str], ...] = (
    ("families.yaml", "families"),
    ("quantizations.yaml", "quantizations"),
    ("models/*/*.yaml", "model"),
    ("hardware/*/*.yaml", "hardware"),
    ("glossary/*.yaml", "glossary"),
    ("measurements.yaml", "measurements"),
    ("measurements/*.yaml", "measurements"),
    ("speed-model.yaml", "speed-model"),
)
_REQUIRED_FILES = ("families.yaml", "quantizations.yaml")


def bundled_data_dir() -> Path:
    """The dataset shipped with the package (or the checkout's `data/` in development)."""
    packaged = Path(str(resources.files("paramatlas"))) / "_data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "data"


@dataclass
class Documents:
    """The parsed, schema-valid files of a dataset, grouped by kind."""

    root: Path
    by_kind: dict[str, list[YamlDocument]] = field(default_factory=dict)
    unreadable: dict[str, set[str]] = field(default_factory=dict)
    """Ids (file names) of entries whose files exist but failed to read or validate."""

    def of(self, kind: str) -> list[YamlDocument]:
        return self.by_kind.get(kind, [])


def check_dataset(
    root: Path, extra_rules: Sequence[Rule] = (), skip: frozenset[str] = frozenset()
) -> tuple[Dataset | None, list[Problem]]:
    """Validate the dataset in `root`. Returns the dataset (None if any error) and all problems.

    `extra_rules` run after the data's own (see `paramatlas.validation`); files of the kinds in
    `skip` (say `speed-model`, which `calibrate` is about to rewrite) are not read."""
    root = Path(root)
    if not root.is_dir():
        return None, [Problem(str(root), 1, 1, "no such data folder")]
    documents, problems = _read_all(root, skip)
    problems += check_documents(documents.by_kind, documents.unreadable, extra_rules)
    if errors_in(problems):
        return None, sorted(problems)
    return _assemble(root, documents), sorted(problems)


_CHECKED: dict[str, tuple[tuple[tuple[str, float], ...], Dataset | None, list[Problem]]] = {}


def check_dataset_cached(
    root: Path, extra_rules: Sequence[Rule] = ()
) -> tuple[Dataset | None, list[Problem]]:
    """`check_dataset`, remembered until a data file changes (by path and modification time).

    The MkDocs plugin and the macros pluglet share it, so a build reads the data once, and
    `mkdocs serve` reads it again only after an edit.
    """
    signature = tuple((str(path), _modified(path)) for path in data_files(root))
    cached = _CHECKED.get(str(root))
    if cached is None or cached[0] != signature:
        dataset, problems = check_dataset(root, extra_rules)
        cached = (signature, dataset, problems)
        _CHECKED[str(root)] = cached
    return cached[1], cached[2]


def bundled_speed_model() -> SpeedModel | None:
    """The speed model fitted to the bundled measurements: what a dataset without its own uses."""
    path = bundled_data_dir() / "speed-model.yaml"
    document, problems = read_yaml(path, str(path))
    if document is None or errors_in(problems) or schema_problems(document, "speed-model"):
        return None
    return build.speed_model(document.value)


def _modified(path: Path) -> float:
    """The file's modification time; its link's, for a link that leads nowhere."""
    try:
        return path.stat().st_mtime
    except OSError:
        return path.lstat().st_mtime


def load_dataset(
    root: Path | None = None, extra_rules: Sequence[Rule] = (), skip: frozenset[str] = frozenset()
) -> Dataset:
    """The validated dataset in `root` (default: the bundled one); raises DatasetError."""
    dataset, problems = check_dataset(
        root if root is not None else bundled_data_dir(), extra_rules, skip
    )
    if dataset is None:
        raise DatasetError(errors_in(problems))
    return dataset


def data_files(root: Path) -> list[Path]:
    """Every file the dataset is made of; what `mkdocs serve` watches."""
    return sorted(path for pattern, _ in _PLACES for path in root.glob(pattern))


def _display_path(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _read_all(root: Path, skip: frozenset[str]) -> tuple[Documents, list[Problem]]:
    documents = Documents(root)
    problems: list[Problem] = []
    for name in _REQUIRED_FILES:
        if not (root / name).exists() and not (root / name).is_symlink():
            problems.append(
                Problem(_display_path(root, root / name), 1, 1, "required file missing")
            )
    problems += _stray_files(root)
    for pattern, kind in _PLACES:
        if kind in skip:
            continue
        for path in sorted(root.glob(pattern)):
            display = _display_path(root, path)
            document, read_problems = read_yaml(path, display, root)
            problems += read_problems
            if document is None:
                documents.unreadable.setdefault(kind, set()).add(path.stem)
                continue
            # A value the loader already refused (say 5.1e9, read as text) is not reported twice.
            flagged = {(problem.line, problem.column) for problem in read_problems}
            found = [
                problem
                for problem in schema_problems(document, kind)
                if (problem.line, problem.column) not in flagged
            ]
            problems += found
            if not found and not errors_in(read_problems):
                documents.by_kind.setdefault(kind, []).append(document)
            else:
                documents.unreadable.setdefault(kind, set()).add(path.stem)
    return documents, problems


def _stray_files(root: Path) -> list[Problem]:
    """YAML files the loader would silently skip: a misplaced or misnamed entry."""
    known = {path for pattern, _ in _PLACES for path in root.glob(pattern)}
    problems = []
    for path in sorted(root.rglob("*")):
        if path.suffix in (".yaml", ".yml") and path not in known and not path.name.startswith("_"):
            hint = (
                "rename it to .yaml"
                if path.suffix == ".yml"
                else "models go in models/<family>/, hardware in hardware/<vendor>/, "
                "glossary terms in glossary/, extra measurement files in measurements/"
            )
            problems.append(
                Problem(
                    _display_path(root, path), 1, 1, "this file is not part of any collection", hint
                )
            )
    return problems


def _assemble(root: Path, documents: Documents) -> Dataset:
    families = sorted(
        (build.family(item) for doc in documents.of("families") for item in doc.value["families"]),
        key=lambda f: f.id,
    )
    vendors = {family.id: family.vendor for family in families}
    models = [
        build.model(doc.value, doc.path, vendors[doc.value["family"]])
        for doc in documents.of("model")
    ]
    hardware = [build.hardware(doc.value, doc.path) for doc in documents.of("hardware")]
    quantizations = [
        build.quantization(item)
        for doc in documents.of("quantizations")
        for item in doc.value["quantizations"]
    ]
    glossary = [build.glossary_term(doc.value, doc.path) for doc in documents.of("glossary")]
    measurements = [
        build.measurement(item)
        for doc in documents.of("measurements")
        for item in doc.value["measurements"]
    ]
    speed_models = [build.speed_model(doc.value) for doc in documents.of("speed-model")]
    return Dataset(
        root=str(root),
        models=tuple(sorted(models, key=lambda m: m.id)),
        families=tuple(families),
        hardware=tuple(sorted(hardware, key=lambda h: h.id)),
        quantizations=tuple(quantizations),
        glossary=tuple(sorted(glossary, key=lambda t: t.id)),
        measurements=tuple(measurements),
        speed_model=speed_models[0] if speed_models else None,
    )


def load_entry_file(
    path: Path, kind: str, dataset: Dataset, extra_rules: Sequence[Rule] = ()
) -> tuple[Any, list[Problem]]:
    """Read one model or hardware file from outside the dataset, checked like one inside it.

    Returns the record (None on errors) and the problems. Its family, if it is one the dataset
    knows, gives the model its vendor.
    """
    display = _display_path(path.parent, path)
    document, problems = read_yaml(path, display)
    if document is None:
        return None, problems
    problems += schema_problems(document, kind)
    if errors_in(problems):
        return None, problems
    problems += check_documents({kind: [document]}, extra_rules=extra_rules)
    if errors_in(problems):
        return None, problems
    if kind == "hardware":
        return build.hardware(document.value, display), problems
    family = next((f for f in dataset.families if f.id == document.value["family"]), None)
    vendor = family.vendor if family else document.value["family"]
    return build.model(document.value, display, vendor), problems


def entry_problems(
    value: dict[str, Any], path: str, kind: str, extra_rules: Sequence[Rule] = ()
) -> list[Problem]:
    """The errors a generated entry (from-hf) would meet in the dataset: schema and rules."""
    document = YamlDocument(path, value)
    problems = schema_problems(document, kind)
    if not errors_in(problems):
        problems += check_documents({kind: [document]}, extra_rules=extra_rules)
    return errors_in(problems)
