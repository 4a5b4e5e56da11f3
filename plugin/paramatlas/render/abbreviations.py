"""Abbreviation definitions from the glossary, in the Markdown `abbr` extension's syntax.

Appended to every page, they give each abbreviation (MoE, PLE, KV, GQA, …) a tooltip. Single
letters are left out: a tooltip on every "A" and "E" of the prose would be noise.
"""

from __future__ import annotations

from ..data.records import Dataset

MIN_LENGTH = 2


def abbreviation_block(dataset: Dataset) -> str:
    lines = []
    for term in dataset.glossary:
        abbreviation = term.abbreviation
        if abbreviation is None or len(abbreviation) < MIN_LENGTH:
            continue
        # Validation keeps HTML out of summaries; the abbr extension escapes the title it sets.
        text = " ".join(term.summary.split())
        lines.append(f"*[{abbreviation}]: {term.term}: {text}")
    return "\n".join(lines)
