"""Which models show a glossary term: chosen by what the architecture records, not by hand."""

from __future__ import annotations

from collections.abc import Callable

from ..data.records import Dataset, GlossaryTerm, Model

MAX_EXEMPLARS = 12

_PREDICATES: dict[str, Callable[[Model], bool]] = {
    "per-layer-embeddings": lambda m: m.architecture.has_ple,
    "effective-parameters": lambda m: m.architecture.has_ple,
    "mixture-of-experts": lambda m: m.architecture.is_moe,
    "active-parameters": lambda m: m.architecture.is_moe,
    "expert": lambda m: m.architecture.is_moe,
    "router": lambda m: m.architecture.is_moe,
    "top-k": lambda m: m.architecture.is_moe,
    "shared-expert": lambda m: bool(m.architecture.experts and m.architecture.experts.shared),
    "dense-model": lambda m: not m.architecture.is_moe and not m.architecture.has_ple,
    "multi-head-attention": lambda m: m.architecture.attention.kind == "mha",
    "grouped-query-attention": lambda m: m.architecture.attention.kind == "gqa",
    "multi-query-attention": lambda m: m.architecture.attention.kind == "mqa",
    "multi-head-latent-attention": lambda m: m.architecture.attention.kind == "mla",
    "sliding-window-attention": lambda m: m.architecture.attention.sliding_window is not None,
    "linear-attention": lambda m: m.architecture.linear_attention is not None,
    "multi-token-prediction": lambda m: m.architecture.mtp_layers > 0,
    "tied-embeddings": lambda m: m.architecture.tie_word_embeddings,
}


def exemplars(dataset: Dataset, term: GlossaryTerm) -> list[Model]:
    """Models that show `term`: every model the architecture says qualifies (the largest first,
    at most a dozen), or else the term's worked-example model."""
    predicate = _PREDICATES.get(term.id)
    if predicate is not None:
        chosen = [model for model in dataset.models if predicate(model)]
        chosen.sort(key=lambda m: (-m.parameters.total.value, m.id))
        return chosen[:MAX_EXEMPLARS]
    if term.example_model:
        return [dataset.model(term.example_model)]
    return []
