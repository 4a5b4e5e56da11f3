"""Suggesting the ids a mistyped one was probably meant to be."""

from __future__ import annotations

import difflib


def closest(word: str, options: list[str], count: int = 3) -> list[str]:
    """Ids that extend `word` first (`qwen3-30b` -> `qwen3-30b-a3b`), then similar spellings."""
    lowered = word.lower()
    extending = sorted(option for option in options if option.lower().startswith(lowered))
    similar = difflib.get_close_matches(word, options, n=count, cutoff=0.5)
    ordered = extending + [option for option in similar if option not in extending]
    return ordered[:count]
