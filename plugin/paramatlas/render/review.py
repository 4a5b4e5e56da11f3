"""What a change to the data does, for a reviewer: `paramatlas diff BASE HEAD`.

Entries added, removed and renamed; every changed value, old → new; and the consequences a
reader would see — the counts the engine derives, the memory at Q4_K_M and the guidance
verdicts that change on each device ("now fits on rtx-4090 at Q4_K_M"). Written as plain text,
as Markdown for a pull-request comment, or as JSON for tools.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..data.records import Dataset, Hardware, Model
from . import api, numbers
from .guidance import GUIDANCE_CONTEXT, Guide

MEMORY_QUANT = "Q4_K_M"
COLLECTIONS = ("models", "hardware", "quantizations", "glossary")
# Fields that change on every edit without meaning anything to a reader.
_IGNORED = {"file", "path"}


@dataclass
class EntryChange:
    collection: str
    id: str
    values: list[tuple[str, Any, Any]] = field(default_factory=list)
    """(dotted field, old, new) for every value that differs."""
    consequences: list[str] = field(default_factory=list)


@dataclass
class Review:
    added: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)
    renamed: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    changed: list[EntryChange] = field(default_factory=list)
    consequences: list[str] = field(default_factory=list)
    """Consequences of added entries and of changes that are not one entry's."""

    @property
    def empty(self) -> bool:
        return not (
            any(self.added.values())
            or any(self.removed.values())
            or any(self.renamed.values())
            or self.changed
        )


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            if key in _IGNORED:
                continue
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        flat = {}
        for index, item in enumerate(value):
            name = item.get("id", index) if isinstance(item, dict) else index
            flat.update(_flatten(item, f"{prefix}[{name}]"))
        return flat
    return {prefix: value}


def _entries(dataset: Dataset) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        name: {item["id"]: item for item in items}
        for name, items in api.collections(dataset).items()
    }


def _same_but_id(old: dict[str, Any], new: dict[str, Any]) -> bool:
    strip = {"id", "file", "path", "derived"}
    return {k: v for k, v in old.items() if k not in strip} == {
        k: v for k, v in new.items() if k not in strip
    }


def review(base: Dataset, head: Dataset) -> Review:
    """Compare two datasets, entry by entry, and work out what readers would see differently."""
    result = Review()
    old, new = _entries(base), _entries(head)
    for name in COLLECTIONS:
        added = sorted(set(new[name]) - set(old[name]))
        removed = sorted(set(old[name]) - set(new[name]))
        renames = [
            (gone, came)
            for gone in removed
            for came in added
            if _same_but_id(old[name][gone], new[name][came])
        ]
        for gone, came in renames:
            removed.remove(gone)
            added.remove(came)
        result.added[name], result.removed[name], result.renamed[name] = added, removed, renames
        for entry_id in sorted(set(old[name]) & set(new[name])):
            before, after = _flatten(old[name][entry_id]), _flatten(new[name][entry_id])
            values = [
                (key, before.get(key), after.get(key))
                for key in sorted(set(before) | set(after))
                if before.get(key) != after.get(key)
            ]
            if values:
                result.changed.append(EntryChange(name, entry_id, values))
    _consequences(base, head, result)
    return result


def _consequences(base: Dataset, head: Dataset, result: Review) -> None:
    before, after = Guide(base), Guide(head)
    for change in result.changed:
        if change.collection == "models":
            change.consequences = _model_effects(
                before, after, base.model(change.id), head.model(change.id)
            )
        elif change.collection == "hardware":
            change.consequences = _device_effects(
                before, after, base.device(change.id), head.device(change.id)
            )
    for model_id in result.added["models"]:
        model = head.model(model_id)
        fits = [d.id for d in head.hardware if after.best(model, d).fit == "fits"]
        result.consequences.append(
            f"new model {model_id}: {_memory(after, model)} at {MEMORY_QUANT} and "
            f"{numbers.context(GUIDANCE_CONTEXT)} tokens of context; fits fully on "
            f"{len(fits)} of {len(head.hardware)} devices"
        )
    if not result.changed and base.speed_model != head.speed_model:
        result.consequences.append("the fitted speed model changed: every speed estimate moves")


def _memory(guide: Guide, model: Model) -> str:
    quant = guide.quantizations.get(MEMORY_QUANT) or guide.candidates(model)[0]
    plan = guide.estimate(model, quant, GUIDANCE_CONTEXT, None).plan
    return f"{numbers.gib(plan.total_bytes)} GiB"


def _verdict(guide: Guide, model: Model, device: Hardware) -> str:
    advice = guide.best(model, device)
    return f"{advice.fit} at {advice.quant.id}" if advice.quant is not None else "no"


def _model_effects(before: Guide, after: Guide, old: Model, new: Model) -> list[str]:
    effects = []
    for count in ("total", "effective", "active"):
        was, now = getattr(old.parameters, count), getattr(new.parameters, count)
        if was.value != now.value:
            effects.append(f"{count}: {numbers.count(was)} → {numbers.count(now)}")
    was_memory, now_memory = _memory(before, old), _memory(after, new)
    if was_memory != now_memory:
        effects.append(
            f"memory at {MEMORY_QUANT}, {numbers.context(GUIDANCE_CONTEXT)} context: "
            f"{was_memory} → {now_memory}"
        )
    for device in after.dataset.hardware:
        if device.id not in before.dataset.ids("hardware"):
            continue
        was_verdict = _verdict(before, old, before.dataset.device(device.id))
        now_verdict = _verdict(after, new, device)
        if was_verdict != now_verdict:
            effects.append(f"on {device.id}: {was_verdict} → now {now_verdict}")
    return effects


def _device_effects(before: Guide, after: Guide, old: Hardware, new: Hardware) -> list[str]:
    effects = []
    for model in after.dataset.models:
        if model.id not in before.dataset.ids("models"):
            continue
        was_verdict = _verdict(before, before.dataset.model(model.id), old)
        now_verdict = _verdict(after, model, new)
        if was_verdict != now_verdict:
            effects.append(f"{model.id}: {was_verdict} → now {now_verdict}")
    return effects


# -- output -----------------------------------------------------------------------------------


def _show(value: Any) -> str:
    text = "—" if value is None else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _membership(result: Review) -> Iterator[tuple[str, str, str | None]]:
    """("added" | "removed" | "renamed", collection/id, the new id of a renamed entry)."""
    for name in COLLECTIONS:
        for entry_id in result.added[name]:
            yield "added", f"{name}/{entry_id}", None
        for entry_id in result.removed[name]:
            yield "removed", f"{name}/{entry_id}", None
        for gone, came in result.renamed[name]:
            yield "renamed", f"{name}/{gone}", came


_TEXT_MARKS = {"added": "+", "removed": "-", "renamed": "~"}


def as_text(result: Review) -> str:
    if result.empty:
        return "No change to the data."
    lines = [
        f"{_TEXT_MARKS[how]} {entry}" + (f" renamed to {came}" if came else "")
        for how, entry, came in _membership(result)
    ]
    for change in result.changed:
        lines.append(f"~ {change.collection}/{change.id}")
        lines += [f"    {key}: {_show(old)} → {_show(new)}" for key, old, new in change.values]
        lines += [f"    => {effect}" for effect in change.consequences]
    lines += [f"=> {effect}" for effect in result.consequences]
    return "\n".join(lines)


def _md(text: str) -> str:
    """Table-cell text: pipes and backticks kept from breaking the cell."""
    return text.replace("|", "\\|").replace("`", "'")


def as_markdown(result: Review) -> str:
    if result.empty:
        return "**paramatlas:** this pull request changes no data."
    lines = ["### What this change does to the data", ""]
    lines += [
        f"- **{how}** `{entry}`" + (f" → `{came}`" if came else "")
        for how, entry, came in _membership(result)
    ]
    lines += [f"- {_md(effect)}" for effect in result.consequences]
    for change in result.changed:
        lines += ["", f"#### `{change.collection}/{change.id}`", "", "| Field | Old | New |"]
        lines.append("| --- | --- | --- |")
        lines += [
            f"| `{_md(key)}` | {_md(_show(old))} | {_md(_show(new))} |"
            for key, old, new in change.values
        ]
        if change.consequences:
            lines += ["", "Consequences:", ""] + [f"- {_md(e)}" for e in change.consequences]
    return "\n".join(lines)


def as_json(result: Review) -> dict[str, Any]:
    return {
        "added": result.added,
        "removed": result.removed,
        "renamed": {name: [list(pair) for pair in pairs] for name, pairs in result.renamed.items()},
        "changed": [
            {
                "collection": change.collection,
                "id": change.id,
                "values": [
                    {"field": key, "old": old, "new": new} for key, old, new in change.values
                ],
                "consequences": change.consequences,
            }
            for change in result.changed
        ],
        "consequences": result.consequences,
    }
