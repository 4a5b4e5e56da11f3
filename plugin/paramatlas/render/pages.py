"""Generated pages: the data each page shows, put through its template.

`Site.pages()` returns every page as `{path: markdown}`, with paths relative to the docs folder
(`models/qwen3-30b-a3b.md`); the MkDocs plugin adds them as virtual files and `paramatlas render`
writes them to a folder. Generation is sorted by id, so output never depends on file order.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..data.records import Dataset, Hardware, Model
from ..estimate.fit import usable_memory
from ..estimate.parameters import active_variants
from . import api, charts, numbers
from .abbreviations import Abbreviator, abbreviation_titles
from .calculator import (
    CALCULATOR_FILE,
    MODEL_PLACEHOLDER,
    MODELS_FILE,
    calculator_data,
    calculator_html,
    calculator_models,
    compare_html,
    runner_html,
)
from .deferred import DeferredHtml
from .describe import architecture_phrase, attention_phrase, explain_name
from .examples import worked_example
from .exemplars import exemplars
from .guidance import (
    GUIDANCE_CONTEXT,
    MEMORY_TABLE_CONTEXTS,
    USABLE_TOKENS_PER_S,
    Guidance,
    Guide,
    decode_text,
)
from .methodology import MeasuredResults, PublishedResults, methodology_context
from .schema_reference import schema_sections
from .templating import environment, external_link, link
from .urls import file_url, relative_url

KIND_PHRASES = {
    "discrete-gpu": "Discrete GPU",
    "unified-memory": "Unified-memory SoC",
    "cpu": "CPU with system RAM",
    "edge-soc": "Phone or edge SoC",
    "datacenter": "Datacenter accelerator",
}
MEMORY_CHART_QUANTS = ("BF16", "Q8_0", "Q4_K_M")
# Installed sizes of common devices, drawn on memory charts (binary GiB, sold as "GB").
DEVICE_SIZES = (
    ("8 GB", 8),
    ("12 GB", 12),
    ("16 GB", 16),
    ("24 GB", 24),
    ("32 GB", 32),
    ("48 GB", 48),
    ("80 GB", 80),
    ("128 GB", 128),
    ("192 GB", 192),
    ("512 GB", 512),
)
DERIVED_WARNING_GAP = 0.06
# The generated pages a navigation lists; the one-per-entry pages (models, devices, terms,
# families) are reached from these indexes, which sort and filter them.
INDEX_PAGES = (
    "what-can-i-run.md",
    "compare.md",
    "models/index.md",
    "hardware/index.md",
    "glossary/index.md",
    "methodology.md",
    "reference/schema.md",
)


@dataclass(frozen=True)
class SiteOptions:
    override_dir: Path | None = None
    edit_url_base: str | None = None
    """Prefix for "edit this file" links: a repository URL up to the data folder."""
    directory_urls: bool = True
    """MkDocs' `use_directory_urls`, for the links inside tables written as HTML."""
    defer_tables: bool = False
    """Leave placeholders for the HTML tables, to be restored by `Site.deferred` (see there)."""
    abbreviations: bool = True
    """Give abbreviations in the HTML tables the glossary's tooltips."""
    cache_dir: Path | None = None
    """Where results that outlive a build (Methodology's cross-validation) are kept."""


class Site:
    def __init__(self, dataset: Dataset, options: SiteOptions | None = None) -> None:
        self.dataset = dataset
        self.options = options or SiteOptions()
        self.guide = Guide(dataset)
        self.deferred = DeferredHtml() if self.options.defer_tables else None
        abbreviator = (
            Abbreviator(abbreviation_titles(dataset)) if self.options.abbreviations else None
        )
        self.env = environment(self.options.override_dir, self.deferred, abbreviator)
        self._ids_given: dict[str, int] = {}

    def unique_id(self, prefix: str) -> str:
        """`prefix`, then `prefix-2`, `prefix-3`…: element ids that stay unique however often a
        macro draws the same chart, on one page or across the site."""
        count = self._ids_given.get(prefix, 0) + 1
        self._ids_given[prefix] = count
        return prefix if count == 1 else f"{prefix}-{count}"

    def render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(**context)

    # -- all pages ---------------------------------------------------------------------------

    def pages(self) -> dict[str, str]:
        indexes = (
            self.what_can_i_run,
            self.compare,
            self.models_index,
            self.hardware_index,
            self.glossary_index,
            self.methodology,
            self.schema_reference,
        )
        pages = {path: render() for path, render in zip(INDEX_PAGES, indexes, strict=True)}
        for family in self.dataset.families:
            if any(model.family == family.id for model in self.dataset.models):
                pages[f"families/{family.id}.md"] = self.family_page(family.id)
        for model in self.dataset.models:
            pages[f"models/{model.id}.md"] = self.model_page(model)
        for device in self.dataset.hardware:
            pages[f"hardware/{device.id}.md"] = self.hardware_page(device)
        for term in self.dataset.glossary:
            pages[f"glossary/{term.id}.md"] = self.glossary_page(term.id)
        return pages

    def api_files(self) -> dict[str, str]:
        collections = api.collections(self.dataset)
        files = {
            f"api/{name}.json": json.dumps(items, indent=1, ensure_ascii=False)
            for name, items in collections.items()
        }
        for item in collections["models"]:
            files[f"api/models/{item['id']}.json"] = json.dumps(item, indent=1, ensure_ascii=False)
        files[CALCULATOR_FILE] = json.dumps(calculator_data(self.guide), separators=(",", ":"))
        files[MODELS_FILE] = json.dumps(calculator_models(self.guide), separators=(",", ":"))
        return files

    # -- models ------------------------------------------------------------------------------

    def model_page(self, model: Model) -> str:
        family = self.dataset.family(model.family)
        return self.render(
            "model.md.j2",
            model=model,
            family=family,
            arch_phrase=architecture_phrase(model),
            headline=self._headline(model),
            counts=self._count_rows(model),
            composition_svg=self.composition_svg(model),
            also_reported=[
                {
                    "count": item.count,
                    "value": numbers.params(item.value, item.approximate),
                    "source": self._source_link(model, item.source),
                    "note": item.note,
                }
                for item in model.parameters.also_reported
            ],
            derived=self._derived(model),
            name_lines=explain_name(model.name),
            architecture=self._architecture_rows(model),
            kv_quant=self.guide.kv_quant.id,
            contexts=self._contexts(model),
            memory_rows=self._memory_rows(model),
            kv_sizes=self._kv_sizes(model),
            memory_svg=self.memory_svg(model),
            guidance_context=GUIDANCE_CONTEXT,
            usable_speed=f"{USABLE_TOKENS_PER_S:g}",
            results=self._results_table(
                self._results_by_model.get(model.id),
                f"models/{model.id}.md",
                lambda row: (
                    f"hardware/{row['hardware']}.md",
                    self.dataset.device(row["hardware"]).name,
                ),
            ),
            guidance=[
                self._device_guidance_row(self.guide.best(model, d)) for d in self._devices()
            ],
            edit_url=self._edit_url(model.path),
            compare_href=self._compare_href(model),
            calculator=self._html_block(
                calculator_html(
                    self.guide,
                    model,
                    file_url(f"models/{model.id}.md", CALCULATOR_FILE, self.options.directory_urls),
                )
            ),
        )

    def _devices(self) -> list[Hardware]:
        """Devices in reading order: by kind, then by memory."""
        order = list(KIND_PHRASES)
        return sorted(
            self.dataset.hardware, key=lambda d: (order.index(d.kind), d.memory_gib, d.id)
        )

    def _headline(self, model: Model) -> str:
        counts = model.parameters
        total = numbers.count(counts.total)
        if model.architecture.is_moe:
            share = counts.active.value / counts.total.value
            return (
                f"All {total} parameters must be in fast memory; each token computes with "
                f"{numbers.count(counts.active)} of them ({share:.0%}), so it decodes about as "
                f"fast as a dense model of that size."
            )
        if counts.ple is not None:
            return (
                f"It stores {total} parameters, but {numbers.count(counts.ple)} of them are "
                f"per-layer embedding tables that are looked up, not multiplied: it computes like "
                f"a {numbers.count(counts.effective)} model, and the tables can stay in system RAM."
            )
        return f"Every one of its {total} parameters computes for every token."

    def _source_link(self, model: Model, source_id: str | None) -> str:
        source = model.source(source_id)
        if source is None:
            return "derived"
        return external_link(source.title, source.url)

    def _count_rows(self, model: Model) -> list[dict[str, str]]:
        counts = model.parameters
        rows = [
            ("Total", counts.total),
            ("Effective (E)", counts.effective),
            ("Active (A)", counts.active),
        ]
        if counts.ple is not None:
            rows.insert(1, ("Per-layer embeddings (PLE)", counts.ple))
        result = []
        for label, value in rows:
            if value.derived_from:
                status, source = f"derived: {value.derived_from}", "—"
            elif value.source is None:
                status, source = value.status, "—"
            else:
                status, source = value.status, self._source_link(model, value.source)
            result.append(
                {"label": label, "value": numbers.count(value), "status": status, "source": source}
            )
        return result

    def _derived(self, model: Model) -> dict[str, str]:
        breakdown = self.guide.breakdown(model)
        declared = model.parameters
        warning = ""
        gaps = []
        if declared.total.status != "derived":
            expected = breakdown.total
            if declared.includes_encoders:
                expected += sum(e.params.value for e in model.architecture.encoders)
            if declared.includes_mtp:
                expected += breakdown.mtp
            gaps.append(("total", declared.total.value, expected))
        if model.architecture.is_moe:
            variants = active_variants(breakdown)
            nearest = min(variants.values(), key=lambda v: abs(v - declared.active.value))
            gaps.append(("active", declared.active.value, nearest))
        for name, value, derived in gaps:
            gap = (derived - value) / value
            if abs(gap) > DERIVED_WARNING_GAP:
                warning += (
                    f"The published {name} is {numbers.params(value)}; the hyperparameters give "
                    f"{numbers.params(derived)} ({gap:+.0%}). Estimates on this page use the "
                    "hyperparameters. "
                )
        return {
            "total": numbers.params(breakdown.total),
            "effective": numbers.params(breakdown.effective),
            "active": numbers.params(breakdown.active),
            "warning": warning.strip(),
        }

    def _architecture_rows(self, model: Model) -> list[tuple[str, str]]:
        arch = model.architecture
        rows = [
            ("Type", architecture_phrase(model)),
            ("Layers", str(arch.layers)),
            ("Hidden size", str(arch.hidden_size)),
            ("Attention", attention_phrase(model)),
            ("Head dimension", str(arch.attention.head_dim)),
            ("Vocabulary", f"{arch.vocab_size:,}"),
            (
                "Output head",
                "tied to the input embedding"
                if arch.tie_word_embeddings
                else "separate from the input embedding",
            ),
        ]
        if arch.intermediate_size:
            rows.append(("Dense FFN width", f"{arch.intermediate_size:,}"))
        if arch.experts is not None:
            experts = arch.experts
            rows.append(("Expert FFN width", f"{experts.expert_intermediate_size:,}"))
            if experts.dense_layers:
                rows.append(("Dense layers first", str(experts.dense_layers)))
            if experts.moe_layer_interval > 1:
                rows.append(("MoE layers", f"every {experts.moe_layer_interval} layers"))
        if arch.attention.mla is not None:
            mla = arch.attention.mla
            rows.append(("Latent KV rank", f"{mla.kv_lora_rank} (+ {mla.qk_rope_head_dim} rotary)"))
        if arch.linear_attention is not None:
            linear, full = arch.linear_attention.layer_pattern
            rows.append(
                (
                    "Linear attention",
                    f"{arch.linear_attention.kind}, {linear} linear "
                    f"layers per {full} full-attention layer",
                )
            )
        if arch.ple_dim is not None:
            rows.append(("Per-layer embedding width", str(arch.ple_dim)))
        if arch.mtp_layers:
            rows.append(("Multi-token prediction layers", str(arch.mtp_layers)))
        for encoder in arch.encoders:
            label = f"{encoder.modality.capitalize()} encoder"
            name = f"{encoder.name}, " if encoder.name else ""
            rows.append((label, f"{name}{numbers.count(encoder.params)} parameters"))
        return rows

    def _contexts(self, model: Model) -> list[int]:
        longest = model.context_length_extended or model.context_length
        return [context for context in MEMORY_TABLE_CONTEXTS if context <= longest] or [
            model.context_length
        ]

    def _memory_rows(self, model: Model) -> list[dict[str, Any]]:
        rows = []
        for quant in self.guide.candidates(model):
            results = [self.guide.estimate(model, quant, c, None) for c in self._contexts(model)]
            rows.append(
                {
                    "quant": quant.id,
                    "bits": f"{'~' if quant.approximate else ''}{quant.bits_per_weight:g}"
                    + (" (experts)" if quant.applies_to == "experts" else ""),
                    "weights": numbers.gib(results[0].plan.weights.total),
                    "totals": [numbers.gib(result.plan.total_bytes) for result in results],
                }
            )
        return rows

    def _kv_sizes(self, model: Model) -> list[tuple[int, str]]:
        quant = self.guide.candidates(model)[0]
        return [
            (
                context,
                numbers.gib(self.guide.estimate(model, quant, context, None).plan.kv_cache, 2),
            )
            for context in self._contexts(model)
        ]

    def _compare_href(self, model: Model) -> str | None:
        """`../compare.md?models=…`: this model and up to three family neighbours by size."""
        family = [m for m in self.dataset.models if m.family == model.family and m is not model]
        if not family:
            return None
        size = model.parameters.total.value
        nearest = sorted(family, key=lambda m: (abs(m.parameters.total.value - size), m.id))[:3]
        return "../compare.md?models=" + ",".join([model.id, *(m.id for m in nearest)])

    def _html_block(self, html: Markup) -> Markup:
        """An HTML block kept out of Markdown's reach when the plugin restores it afterwards."""
        return html if self.deferred is None else self.deferred.defer(html)

    def _href(self, from_src: str, to_src: str) -> str:
        return relative_url(from_src, to_src, self.options.directory_urls)

    def _device_guidance_row(self, guidance: Guidance) -> dict[str, str]:
        """A model page's row for one device."""
        device = guidance.device
        return self._verdict_cells(guidance) | {
            "href": self._href(f"models/{guidance.model.id}.md", f"hardware/{device.id}.md"),
            "name": device.name,
        }

    def _verdict_cells(self, guidance: Guidance) -> dict[str, str]:
        """The cells a model page and a device page share: the recommended setting and its
        speed and context, the best quality that fits, and the bound."""
        best_fit = guidance.best_fit
        best = "—"
        if best_fit is not None:
            best = f"{best_fit.quant.id} up to {numbers.context_floor(best_fit.longest_context)}"
        if guidance.result is None or guidance.quant is None:
            return {"setting": "does not fit", "speed": "—", "context": "—", "best_fit": best}
        plan = guidance.result.plan
        placement = plan.placement
        assert placement is not None
        setting = f"{guidance.quant.id} · {placement.short}"
        if guidance.below_four_bits:
            setting += " · below 4 bits: quality drops"
        return {
            "setting": setting,
            "speed": decode_text(guidance.result),
            "bound": numbers.tokens_per_s(plan.decode_tokens_per_s_bound),
            "context": numbers.context_floor(guidance.longest_context or 0),
            "best_fit": best,
        }

    def composition_svg(self, model: Model) -> Markup:
        counts = model.parameters
        segments = [
            charts.Segment("active", counts.active.value, "active", numbers.count(counts.active))
        ]
        idle = counts.effective.value - counts.active.value
        if idle > 0:
            segments.append(
                charts.Segment(
                    "idle experts",
                    idle,
                    "idle",
                    numbers.params(idle, counts.effective.approximate or counts.active.approximate),
                )
            )
        if counts.ple is not None:
            segments.append(
                charts.Segment("PLE tables", counts.ple.value, "ple", numbers.count(counts.ple))
            )
        return charts.composition(
            segments, f"Parameters of {model.name}", f"composition-{model.id}"
        )

    def memory_svg(self, model: Model) -> Markup:
        longest = model.context_length_extended or model.context_length
        contexts = [
            c for c in (1024, 4096, 16384, 32768, 65536, 131072, 262144, 1048576) if c <= longest
        ]
        # The same formats the memory table offers: never more precise than the checkpoint.
        offered = self.guide.candidates(model)
        quants = [q for q in offered if q.id in MEMORY_CHART_QUANTS] or offered[:1]
        series = [
            charts.Series(
                quant.id,
                quant.id,
                tuple(
                    (float(c), float(self.guide.estimate(model, quant, c, None).plan.total_bytes))
                    for c in contexts
                ),
            )
            for quant in quants
        ]
        return charts.memory_curves(
            series,
            [(label, float(size)) for label, size in DEVICE_SIZES],
            f"Memory of {model.name} against context length",
            f"memory-{model.id}",
        )

    def _edit_url(self, path: str) -> str | None:
        if not self.options.edit_url_base:
            return None
        relative = api.relative_path(self.dataset, path)
        return f"{self.options.edit_url_base.rstrip('/')}/{relative}"

    # -- indexes and families ----------------------------------------------------------------

    def _summary_row(self, model: Model) -> dict[str, Any]:
        counts = model.parameters
        return {
            "id": model.id,
            "name": model.name,
            "family": self.dataset.family(model.family).name,
            "family_id": model.family,
            "vendor": model.vendor,
            "kind": "MoE"
            if model.architecture.is_moe
            else ("Dense + PLE" if counts.ple is not None else "Dense"),
            "arch": architecture_phrase(model),
            "total": numbers.count(counts.total),
            "effective": numbers.count(counts.effective),
            "active": numbers.count(counts.active),
            "released": model.released,
            "layers": model.architecture.layers,
            "context": numbers.context(model.context_length),
        }

    def models_index(self) -> str:
        families = [
            {
                "id": f.id,
                "name": f.name,
                "vendor": f.vendor,
                "count": sum(m.family == f.id for m in self.dataset.models),
            }
            for f in self.dataset.families
        ]
        points = [
            charts.Point(
                float(m.parameters.total.value),
                float(m.parameters.active.value),
                m.name,
                "moe" if m.architecture.is_moe else "ple" if m.parameters.ple else "dense",
                f"{m.id}/",
            )
            for m in self.dataset.models
        ]
        return self.render(
            "models_index.md.j2",
            models=self.dataset.models,
            families=[f for f in families if f["count"]],
            rows=[self._summary_row(m) for m in self.dataset.models],
            scatter_svg=charts.total_vs_active(points),
        )

    def family_page(self, family_id: str) -> str:
        family = self.dataset.family(family_id)
        members = sorted(
            (m for m in self.dataset.models if m.family == family_id),
            key=lambda m: (m.parameters.total.value, m.id),
        )
        rows = [
            self._summary_row(m) | {"composition_svg": self.composition_svg(m)} for m in members
        ]
        return self.render("family.md.j2", family=family, rows=rows)

    # -- hardware ----------------------------------------------------------------------------

    def hardware_page(self, device: Hardware) -> str:
        usable = usable_memory(device)
        groups: dict[str, list[dict[str, str]]] = {"fits": [], "offload": [], "no": []}
        for model in sorted(self.dataset.models, key=lambda m: (-m.parameters.total.value, m.id)):
            guidance = self.guide.best(model, device)
            row = self._verdict_cells(guidance) | {
                "href": self._href(f"hardware/{device.id}.md", f"models/{model.id}.md"),
                "name": model.name,
                "arch": architecture_phrase(model),
                "memory": self._device_memory_text(guidance),
            }
            groups[guidance.fit].append(row)
        host = self.guide.host
        host_note = None
        if device.kind in ("discrete-gpu", "datacenter") and host is not None:
            host_note = (
                link(host.name, f"../hardware/{host.id}.md") + f": {host.memory_gib:g} GiB at "
                f"{host.bandwidth_gb_s:g} GB/s (assumed)"
            )
        return self.render(
            "hardware.md.j2",
            device=device,
            kind_phrase=KIND_PHRASES[device.kind],
            usable=numbers.gib(usable.bytes),
            usable_rule=usable.rule,
            host_note=host_note,
            context=GUIDANCE_CONTEXT,
            usable_speed=f"{USABLE_TOKENS_PER_S:g}",
            speed_note=self._speed_note(device),
            kv_quant=self.guide.kv_quant.id,
            results=self._results_table(
                self._results_by_device.get(device.id),
                f"hardware/{device.id}.md",
                lambda row: (f"models/{row['model']}.md", self.dataset.model(row["model"]).name),
            ),
            groups=[
                {"title": "Fits fully", "rows": groups["fits"]},
                {"title": "Runs with offload to system RAM", "rows": groups["offload"]},
                {"title": "Does not fit", "rows": groups["no"]},
            ],
        )

    @cached_property
    def _measured(self) -> MeasuredResults:
        return MeasuredResults.of(self.guide, self.options.cache_dir)

    @cached_property
    def _results_by_device(self) -> dict[str, PublishedResults]:
        return self._measured.by("hardware")

    @cached_property
    def _results_by_model(self) -> dict[str, PublishedResults]:
        return self._measured.by("model")

    def _results_table(
        self,
        results: PublishedResults | None,
        here: str,
        other: Callable[[dict[str, Any]], tuple[str, str]],
    ) -> dict[str, Any] | None:
        """A device's or a model's published results as rows of a linked table (cards on a
        phone); `other` gives, for a row, the page its first cell links to and the name shown."""
        if results is None:
            return None

        def linked(row: dict[str, Any]) -> dict[str, Any]:
            target, name = other(row)
            return row | {
                "href": self._href(here, target),
                "name": name,
                "source_url": row["source"].url,
            }

        rows = [
            linked(row) | {"held_out": f"{row['held_out']} ({row['held_out_error']})"}
            for row in results.rows
        ]
        excluded = [linked(row) for row in results.excluded]
        return {"rows": rows, "held_out": results.held_out, "excluded": excluded}

    def _speed_note(self, device: Hardware) -> str | None:
        group = self.guide.speed_group(device)
        if group.calibrated:
            return None
        return (
            f"Its backend ({group.name}) has too few published results of its own "
            f"({group.rows} on {group.devices} devices): its speeds are **uncalibrated**, taken "
            "from the other backends, with the wider range measured on backends held out."
        )

    def _device_memory_text(self, guidance: Guidance) -> str:
        """What the model takes on the device, or, where it does not fit, what its smallest
        format would need in all."""
        if guidance.result is not None and guidance.result.plan.placement is not None:
            return f"{numbers.gib(guidance.result.plan.placement.accelerator_bytes)} GiB"
        smallest = self.guide.candidates(guidance.model)[-1]
        plan = self.guide.estimate(guidance.model, smallest, GUIDANCE_CONTEXT, None).plan
        return f"needs {numbers.gib(plan.total_bytes)} GiB ({smallest.id})"

    def hardware_index(self) -> str:
        rows = []
        for device in self._devices():
            verdicts = [self.guide.best(model, device).fit for model in self.dataset.models]
            rows.append(
                {
                    "id": device.id,
                    "name": device.name,
                    "kind": KIND_PHRASES[device.kind],
                    "memory": f"{device.memory_gib:g} GiB"
                    + _unless_official(device.memory_size_status),
                    "usable": f"{numbers.gib(usable_memory(device).bytes)} GiB",
                    "bandwidth": f"{device.bandwidth_gb_s:g} GB/s"
                    + _unless_official(device.bandwidth_status),
                    "fits": verdicts.count("fits"),
                    "offload": verdicts.count("offload"),
                }
            )
        return self.render("hardware_index.md.j2", rows=rows, context=GUIDANCE_CONTEXT)

    # -- glossary, methodology, schema -------------------------------------------------------

    def glossary_page(self, term_id: str) -> str:
        term = self.dataset.term(term_id)
        return self.render(
            "glossary.md.j2",
            term=term,
            example=worked_example(self.guide, term),
            models=exemplars(self.dataset, term),
            related=[self.dataset.term(other) for other in term.related],
        )

    def glossary_index(self) -> str:
        return self.render("glossary_index.md.j2", terms=self.dataset.glossary)

    def _tool_links(self, page: str) -> tuple[str, str, str]:
        directory_urls = self.options.directory_urls
        return (
            file_url(page, CALCULATOR_FILE, directory_urls),
            file_url(page, MODELS_FILE, directory_urls),
            self._href(page, f"models/{MODEL_PLACEHOLDER}.md"),
        )

    def what_can_i_run(self) -> str:
        tool = runner_html(self.guide, *self._tool_links("what-can-i-run.md"))
        return self.render("what_can_i_run.md.j2", tool=self._html_block(tool))

    def compare(self) -> str:
        tool = compare_html(self.guide, *self._tool_links("compare.md"))
        return self.render("compare.md.j2", tool=self._html_block(tool))

    def methodology(self) -> str:
        return self.render(
            "methodology.md.j2",
            **methodology_context(self.guide, self._measured, self.options.cache_dir),
        )

    def schema_reference(self) -> str:
        return self.render("schema.md.j2", sections=schema_sections())


def _unless_official(status: str) -> str:
    """` (derived)` after a figure the vendor does not state, nothing after one it does."""
    return "" if status == "official" else f" ({status})"
