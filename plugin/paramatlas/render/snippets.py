"""What each macro returns: Markdown built from the dataset, every data string escaped.

The functions take the `Site` (dataset, estimates, templates) and the macro's arguments; they
know nothing of mkdocs-macros. `link` turns a generated page's path (`models/x.md`) into a link
from the calling page, or returns None where the site has no such pages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..data.records import Hardware, Model, Quantization
from ..data.suggest import closest
from . import diagrams, numbers
from .describe import architecture_phrase, explain_name
from .guidance import GUIDANCE_CONTEXT, MEMORY_TABLE_CONTEXTS, decode_text
from .inert import cell
from .pages import Site

Linker = Callable[[str], str | None]

COLUMNS: dict[str, str] = {
    "model": "Model",
    "family": "Family",
    "vendor": "Vendor",
    "total": "Total",
    "effective": "E (Effective)",
    "active": "A (Active)",
    "ple": "PLE",
    "architecture": "Architecture",
    "layers": "Layers",
    "context": "Context",
    "released": "Released",
    "license": "Licence",
}
DEFAULT_COLUMNS = ("model", "total", "effective", "active", "architecture")


class UnknownId(LookupError):
    """A macro named something the dataset does not have."""


class BadArgument(ValueError):
    """A macro was given a value of the wrong kind (a number as text, a context of 0 …)."""


# Longer than any model's context: a number beyond it is a typo.
MAX_CONTEXT_TOKENS = 2**25


def _text(kind: str, value: object) -> str:
    if not isinstance(value, str):
        raise BadArgument(f"{kind} must be an id in quotes, such as 'qwen3-30b-a3b'; got {value!r}")
    return value


def _texts(kind: str, value: object) -> list[str]:
    """One id, or a list of them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [_text(kind, item) for item in value]
    raise BadArgument(f"{kind} must be an id or a list of ids; got {value!r}")


def _tokens(value: object, default: int) -> int:
    """A context length from a macro argument: a whole number of tokens."""
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadArgument(f"context must be a whole number of tokens, such as 8192; got {value!r}")
    if not 1 <= value <= MAX_CONTEXT_TOKENS:
        raise BadArgument(
            f"context must be between 1 and {MAX_CONTEXT_TOKENS:,} tokens; got {value}"
        )
    return value


def _lookup(kind: str, wanted: str, options: Sequence[str]) -> None:
    _text(kind, wanted)
    if wanted not in options:
        suggestions = closest(wanted, list(options))
        hint = f"; closest: {', '.join(suggestions)}" if suggestions else ""
        raise UnknownId(f"unknown {kind} '{wanted}'{hint}")


def _model(site: Site, model_id: str) -> Model:
    _lookup("model", model_id, site.dataset.ids("models"))
    return site.dataset.model(model_id)


def _device(site: Site, hardware_id: str) -> Hardware:
    _lookup("device", hardware_id, site.dataset.ids("hardware"))
    return site.dataset.device(hardware_id)


def _quant(site: Site, quant_id: str) -> Quantization:
    _lookup("quantization", quant_id, list(site.guide.quantizations))
    return site.guide.quantizations[quant_id]


def select_models(site: Site, models: str | Sequence[str] | None) -> list[Model]:
    """All models, one family (by id or name), one model id, or a list of ids in that order."""
    if models is None:
        return list(site.dataset.models)
    if not isinstance(models, (str, list, tuple)):
        raise BadArgument(f"models must be an id, a family or a list of ids; got {models!r}")
    if isinstance(models, str):
        family = next((f for f in site.dataset.families if models in (f.id, f.name)), None)
        if family is not None:
            members = [m for m in site.dataset.models if m.family == family.id]
            return sorted(members, key=lambda m: (m.parameters.total.value, m.id))
        models = [models]
    options = site.dataset.ids("models") + [f.id for f in site.dataset.families]
    for model_id in models:
        _lookup("model or family", model_id, options)
    return [site.dataset.model(model_id) for model_id in models]


def _cell_for(site: Site, model: Model, column: str, link: Linker) -> str:
    counts = model.parameters
    values: dict[str, Callable[[], str]] = {
        "model": lambda: model.name,
        "family": lambda: site.dataset.family(model.family).name,
        "vendor": lambda: model.vendor,
        "total": lambda: numbers.count(counts.total),
        "effective": lambda: numbers.count(counts.effective),
        "active": lambda: numbers.count(counts.active),
        "ple": lambda: numbers.count(counts.ple) if counts.ple else "—",
        "architecture": lambda: architecture_phrase(model),
        "layers": lambda: str(model.architecture.layers),
        "context": lambda: numbers.context(model.context_length),
        "released": lambda: model.released,
        "license": lambda: model.license,
    }
    text = cell(values[column]())
    if column == "model":
        target = link(f"models/{model.id}.md")
        if target:
            return f"[{text}]({target})"
    return text


def _table(headings: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    align = ["---:" if index in right else "---" for index in range(len(headings))]
    lines = ["| " + " | ".join(headings) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def model_table(
    site: Site, link: Linker, models: Any = None, columns: Sequence[str] | None = None
) -> str:
    chosen = _texts("columns", columns) if columns else list(DEFAULT_COLUMNS)
    for column in chosen:
        _lookup("column", column, list(COLUMNS))
    rows = [[_cell_for(site, m, c, link) for c in chosen] for m in select_models(site, models)]
    numeric = {"total", "effective", "active", "ple", "layers"}
    right = {index for index, column in enumerate(chosen) if column in numeric}
    return _table([COLUMNS[c] for c in chosen], rows, right)


def model_card(site: Site, link: Linker, model: str) -> str:
    record = _model(site, model)
    counts = record.parameters
    name = cell(record.name)
    target = link(f"models/{record.id}.md")
    title = f"[{name}]({target})" if target else name
    ple = f" · PLE {numbers.count(counts.ple)}" if counts.ple else ""
    return (
        f'!!! abstract "{cell(record.name)}"\n'
        f"    {title}: {cell(architecture_phrase(record))}.\n"
        f"    **Total {numbers.count(counts.total)}** · E {numbers.count(counts.effective)} · "
        f"A {numbers.count(counts.active)}{ple} · context "
        f"{numbers.context(record.context_length)} · {cell(record.vendor)}, {record.released}\n"
    )


def memory_table(
    site: Site,
    link: Linker,
    model: str,
    quants: Sequence[str] | None = None,
    contexts: Sequence[int] | None = None,
) -> str:
    record = _model(site, model)
    formats = (
        [_quant(site, q) for q in _texts("quants", quants)]
        if quants
        else site.guide.candidates(record)
    )
    if contexts is not None and not isinstance(contexts, (list, tuple)):
        raise BadArgument(f"contexts must be a list of token counts; got {contexts!r}")
    lengths = [_tokens(c, 0) for c in contexts] if contexts else list(MEMORY_TABLE_CONTEXTS)
    headings = ["Quantization", "Weights (GiB)"] + [
        f"Total at {numbers.context(c)} (GiB)" for c in lengths
    ]
    rows = []
    for quant in formats:
        plans = [site.guide.estimate(record, quant, c, None).plan for c in lengths]
        rows.append(
            [quant.id, numbers.gib(plans[0].weights.total)]
            + [numbers.gib(plan.total_bytes) for plan in plans]
        )
    return _table(headings, rows, set(range(1, len(headings))))


def hardware_guidance(
    site: Site,
    link: Linker,
    model: str,
    hardware: str | Sequence[str] | None = None,
    quant: str | None = None,
    context: int | None = None,
) -> str:
    record = _model(site, model)
    if hardware is None:
        devices = list(site.dataset.hardware)
    else:
        devices = [_device(site, h) for h in _texts("hardware", hardware)]
    length = _tokens(context, GUIDANCE_CONTEXT)
    chosen = _quant(site, quant) if quant else None
    rows = []
    for device in devices:
        if chosen is None:
            guidance = site.guide.best(record, device, length)
            fmt, result = guidance.quant, guidance.result
        else:
            fmt, result = chosen, site.guide.estimate(record, chosen, length, device)
        rows.append(_guidance_cells(device, fmt, result, link))
    headings = ["Device", "Verdict", "Quantization", "Memory (GiB)", "Decode tokens/s", "Bound"]
    return _table(headings, rows, {3, 4, 5}) + (
        f"\n\n*At {numbers.context(length)} tokens of context; estimates.*"
    )


def _guidance_cells(
    device: Hardware, quant: Quantization | None, result: Any, link: Linker
) -> list[str]:
    target = link(f"hardware/{device.id}.md")
    name = f"[{cell(device.name)}]({target})" if target else cell(device.name)
    placement = result.plan.placement if result is not None else None
    if quant is None or placement is None or placement.fit == "no":
        return [name, "no", quant.id if quant else "—", "—", "—", "—"]
    verdict = placement.fit + (f" ({placement.offload})" if placement.offload else "")
    speed = decode_text(result)
    return [
        name,
        verdict,
        quant.id,
        numbers.gib(placement.accelerator_bytes),
        speed,
        numbers.tokens_per_s(result.plan.decode_tokens_per_s_bound),
    ]


def runs_on(
    site: Site, link: Linker, hardware: str, quant: str | None = None, context: int | None = None
) -> str:
    device = _device(site, hardware)
    length = _tokens(context, GUIDANCE_CONTEXT)
    chosen = _quant(site, quant) if quant else None
    rows = []
    for model in sorted(site.dataset.models, key=lambda m: (-m.parameters.total.value, m.id)):
        if chosen is None:
            guidance = site.guide.best(model, device, length)
            fmt, result = guidance.quant, guidance.result
        else:
            fmt, result = chosen, site.guide.estimate(model, chosen, length, device)
        if fmt is None or result is None or result.plan.placement is None:
            continue
        if result.plan.placement.fit == "no":
            continue
        cells = _guidance_cells(device, fmt, result, link)
        target = link(f"models/{model.id}.md")
        cells[0] = f"[{cell(model.name)}]({target})" if target else cell(model.name)
        rows.append(cells)
    headings = ["Model", "Verdict", "Quantization", "Memory (GiB)", "Decode tokens/s", "Bound"]
    return _table(headings, rows, {3, 4, 5}) + (
        f"\n\n*{cell(device.name)}, {numbers.context(length)} tokens of context; estimates.*"
    )


def glossary_term(site: Site, link: Linker, term: str) -> str:
    _lookup("glossary term", term, site.dataset.ids("glossary"))
    record = site.dataset.term(term)
    target = link(f"glossary/{record.id}.md")
    name = f"[{cell(record.term)}]({target})" if target else f"**{cell(record.term)}**"
    return f"{name}: {cell(record.summary)}"


def explain_name_snippet(site: Site, link: Linker, name: str) -> str:
    lines = explain_name(name)
    if not lines:
        return f"*{cell(name)}* makes no size claim."
    return "\n".join(f"- {line.replace(name, cell(name))}" for line in lines)


def param_count(site: Site, link: Linker, model: str, count: str = "total") -> str:
    record = _model(site, model)
    _lookup("count", count, ["total", "effective", "active", "ple"])
    value = getattr(record.parameters, count)
    return numbers.count(value) if value is not None else "—"


def parameter_picture(site: Site, link: Linker, model: str) -> str:
    """The experts of a mixture-of-experts model, or the tables of a per-layer-embedding one."""
    record = _model(site, model)
    picture = diagrams.parameter_picture(record, site.unique_id(f"picture-{record.id}"))
    if picture is None:
        raise BadArgument(
            f"{model} is dense: every weight works for every token, so there is no split to "
            "draw; name a model with experts or per-layer embeddings"
        )
    return f'<div class="pa-figure">{picture}</div>'
