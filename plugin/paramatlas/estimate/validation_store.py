"""Cross-validated predictions kept between builds.

Cross-validation refits the speed model once per device and once per source: most of a build's
time. Its result depends only on the priced measurements (`observations`) and on this package's
code, so it is kept under a fingerprint of both: in memory for the builds of one `mkdocs serve`
(an edit to a model page that has no measurement leaves it valid), and in a folder on disk for
the next build. A missing, stale or unreadable file is recomputed and rewritten, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from ..data.records import Dataset
from .calibration import HoldOut, Observation, Prediction, cross_validate, observations

# The package's own sources: a fingerprint must change with any code the fit depends on.
PACKAGE = Path(__file__).resolve().parent.parent
FORMAT = 1
MEMORY_LIMIT = 8
_memory: dict[str, list[list[Any]]] = {}

Range = tuple[float, float] | None


@cache
def _code_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(rows: Sequence[Observation], by: HoldOut) -> str:
    """What the predictions depend on: every priced row (a dataclass repr holds every field,
    floats to the last bit), the hold-out and the code."""
    digest = hashlib.sha256(f"{FORMAT}\n{by}\n{_code_digest()}\n".encode())
    for row in rows:
        digest.update(repr(row).encode())
    return digest.hexdigest()


def cross_validated(
    dataset: Dataset, by: HoldOut, folder: Path | None = None
) -> tuple[Prediction, ...]:
    """`cross_validate(dataset, by)`, from memory or `folder` when the rows and code are the
    same as when it was computed."""
    rows = observations(dataset)
    key = fingerprint(rows, by)
    path = _path(folder, by, key) if folder is not None else None
    stored = _memory.get(key)
    # Whether `folder` already holds a copy: read only when memory has none.
    kept = stored is not None and path is not None and path.is_file()
    if stored is None and path is not None:
        stored = _read(path, len(rows))
        kept = stored is not None
    if stored is None:
        predictions = cross_validate(dataset, by)
        index = {id(row): number for number, row in enumerate(rows)}
        stored = [_numbers(index[id(p.observation)], p) for p in predictions]
    else:
        predictions = tuple(_prediction(rows, item) for item in stored)
    _remember(key, stored)
    if folder is not None and not kept:
        _write(folder, by, key, stored)
    return predictions


def _remember(key: str, numbers: list[list[Any]]) -> None:
    _memory.pop(key, None)
    _memory[key] = numbers
    while len(_memory) > MEMORY_LIMIT:
        _memory.pop(next(iter(_memory)))


def _numbers(row: int, prediction: Prediction) -> list[Any]:
    return [
        row,
        prediction.decode,
        prediction.decode_range,
        prediction.prefill,
        prediction.prefill_range,
        prediction.calibrated,
    ]


def _prediction(rows: Sequence[Observation], item: list[Any]) -> Prediction:
    row, decode, decode_range, prefill, prefill_range, calibrated = item
    return Prediction(
        rows[row], decode, _range(decode_range), prefill, _range(prefill_range), calibrated
    )


def _range(value: Any) -> Range:
    return None if value is None else (value[0], value[1])


def _path(folder: Path, by: HoldOut, key: str) -> Path:
    return folder / f"cross-validation-{by}-{key[:24]}.json"


def _read(path: Path, row_count: int) -> list[list[Any]] | None:
    """The stored numbers, or None when the file is missing or not what this code writes."""
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(items, list) or not all(_well_formed(i, row_count) for i in items):
        return None
    if sorted(item[0] for item in items) != list(range(row_count)):
        return None
    return items


def _well_formed(item: Any, row_count: int) -> bool:
    if not isinstance(item, list) or len(item) != 6:
        return False
    row, decode, decode_range, prefill, prefill_range, calibrated = item
    return (
        type(row) is int
        and 0 <= row < row_count
        and _number_or_none(decode)
        and _pair_or_none(decode_range)
        and _number_or_none(prefill)
        and _pair_or_none(prefill_range)
        and isinstance(calibrated, bool)
    )


def _number_or_none(value: Any) -> bool:
    return value is None or (type(value) is float and math.isfinite(value))


def _pair_or_none(value: Any) -> bool:
    return value is None or (
        isinstance(value, list) and len(value) == 2 and all(map(_number_or_none, value))
    )


def _write(folder: Path, by: HoldOut, key: str, numbers: list[list[Any]]) -> None:
    """Write atomically, and drop older files for the same hold-out. A folder that cannot be
    written only costs the next build the time: it is not an error."""
    target = _path(folder, by, key)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=folder, suffix=".tmp")
    except OSError:
        return
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(numbers, stream)
        os.replace(temporary, target)
        for old in folder.glob(f"cross-validation-{by}-*.json"):
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        temporary.unlink(missing_ok=True)
