"""How numbers read on pages: parameter counts in B/M with `~` for approximations, memory in GiB.

Pages state their unit convention once; these functions never mix GB and GiB.
"""

from __future__ import annotations

from ..data.records import Count

GIB = 2**30


def params(value: float, approximate: bool = False) -> str:
    """`30.5B`, `~2.3B`, `800M`, `1.04T`: three significant figures, trailing zeros dropped."""
    if value >= 1e12:
        text = f"{value / 1e12:.3g}T"
    elif value >= 1e9:
        text = f"{value / 1e9:.3g}B"
    elif value >= 1e6:
        text = f"{value / 1e6:.3g}M"
    else:
        text = f"{value:,.0f}"
    return f"~{text}" if approximate else text


def count(value: Count) -> str:
    return params(value.value, value.approximate)


def gib(value: float | None, digits: int = 1) -> str:
    """Bytes as GiB (2^30 bytes), e.g. `17.4`; the unit is stated in the column heading."""
    if value is None:
        return "–"
    return f"{value / GIB:.{digits}f}"


def tokens_per_s(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.0f}"
    return f"{value:.1f}"


def speed_range(low: float, high: float) -> str:
    return f"{tokens_per_s(low)}–{tokens_per_s(high)}"


def context_floor(tokens: int) -> str:
    """A longest context as readers set one: whole K (1024 tokens) at most `tokens`."""
    return context(tokens - tokens % 1024 if tokens >= 1024 else tokens)


def context(tokens: int) -> str:
    """`4K`, `128K`, `1M` as model cards write context lengths (K = 1024 tokens)."""
    if tokens >= 2**20 and tokens % 2**20 == 0:
        return f"{tokens // 2**20}M"
    if tokens >= 1024 and tokens % 1024 == 0:
        return f"{tokens // 1024}K"
    return f"{tokens:,}"
