"""Abbreviations from the glossary, with their tooltips.

Markdown pages get them as definitions in the `abbr` extension's syntax, appended to every page.
The tables written as HTML (see `templating.linked_table`) never pass through that extension, so
`Abbreviator` marks them up the same way. Single letters are left out: a tooltip on every "A"
and "E" of the prose would be noise.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from ..data.records import Dataset

MIN_LENGTH = 2


def abbreviation_titles(dataset: Dataset) -> dict[str, str]:
    """`{"MoE": "Mixture of experts: <summary>", …}`."""
    return {
        term.abbreviation: f"{term.term}: {' '.join(term.summary.split())}"
        for term in dataset.glossary
        if term.abbreviation is not None and len(term.abbreviation) >= MIN_LENGTH
    }


def abbreviation_block(dataset: Dataset) -> str:
    # Validation keeps HTML out of summaries; the abbr extension escapes the title it sets.
    titles = abbreviation_titles(dataset)
    return "\n".join(f"*[{abbreviation}]: {title}" for abbreviation, title in titles.items())


class Abbreviator:
    """Wraps whole-word abbreviations in escaped HTML text in `<abbr title="…">`, as the
    Markdown `abbr` extension does."""

    def __init__(self, titles: dict[str, str]) -> None:
        self._titles = {abbreviation: str(escape(title)) for abbreviation, title in titles.items()}
        longest_first = sorted(titles, key=len, reverse=True)
        self._pattern = (
            re.compile(r"\b(" + "|".join(map(re.escape, longest_first)) + r")\b")
            if titles
            else None
        )

    def mark(self, html: Markup) -> Markup:
        if self._pattern is None:
            return html
        return Markup(
            self._pattern.sub(
                lambda match: f'<abbr title="{self._titles[match[1]]}">{match[1]}</abbr>', html
            )
        )
