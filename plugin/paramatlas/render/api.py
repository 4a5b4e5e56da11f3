"""The dataset with derived values as JSON: `api/*.json` on the site and `paramatlas export`."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from .. import __version__
from ..data.records import Dataset, GlossaryTerm, Hardware, Model, Quantization
from ..estimate.fit import usable_memory
from ..estimate.parameters import active_variants, count_parameters

API_VERSION = 1


def _plain(record: Any) -> dict[str, Any]:
    data: dict[str, Any] = dataclasses.asdict(record)
    data.pop("path", None)
    return data


def relative_path(dataset: Dataset, path: str) -> str:
    try:
        return Path(path).resolve().relative_to(Path(dataset.root).resolve()).as_posix()
    except ValueError:
        return Path(path).name


def model_json(dataset: Dataset, model: Model) -> dict[str, Any]:
    data = _plain(model)
    breakdown = count_parameters(model.architecture)
    data["family_name"] = dataset.family(model.family).name
    data["file"] = relative_path(dataset, model.path)
    data["derived"] = {
        **breakdown.as_dict(),
        "total": breakdown.total,
        "effective": breakdown.effective,
        "active": breakdown.active,
        "active_by_convention": active_variants(breakdown),
    }
    return data


def hardware_json(device: Hardware) -> dict[str, Any]:
    data = _plain(device)
    usable = usable_memory(device)
    data["memory_bytes"] = device.memory_bytes
    data["usable_memory_bytes"] = usable.bytes
    data["usable_memory_rule"] = usable.rule
    return data


def quantization_json(quant: Quantization) -> dict[str, Any]:
    return _plain(quant)


def glossary_json(term: GlossaryTerm) -> dict[str, Any]:
    return _plain(term)


def collections(dataset: Dataset) -> dict[str, list[dict[str, Any]]]:
    """Every collection, each entry carrying its `id`, sorted by id."""
    return {
        "models": [model_json(dataset, model) for model in dataset.models],
        "hardware": [hardware_json(device) for device in dataset.hardware],
        "quantizations": [quantization_json(quant) for quant in dataset.quantizations],
        "glossary": [glossary_json(term) for term in dataset.glossary],
    }


def export(dataset: Dataset) -> dict[str, Any]:
    return {"api_version": API_VERSION, "paramatlas_version": __version__} | collections(dataset)
