"""What a model's name claims about its size: `E2B`, `26B-A4B`, `30B-A3B`, `8x7B`, `17B-16E`.

Names are marketing: they round, and conventions differ by vendor. This module reads the claims; the
validator compares them with the counts (tolerating rounding, catching a swapped or wrong figure),
and the site explains them to readers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

ClaimKind = Literal["total", "effective", "active", "experts", "expert-size"]

_UNIT = {"b": 1e9, "m": 1e6, "t": 1e12}
# A size token stands alone between separators: "Qwen3-30B-A3B", "Gemma 4 E2B", "gpt-oss-20b".
_TOKEN = re.compile(
    r"(?<![A-Za-z0-9.])"
    r"(?:(?P<experts>\d+)x(?P<expert_size>\d+(?:\.\d+)?)(?P<eunit>[BbMm])"
    r"|(?P<prefix>[EeAa])?(?P<number>\d+(?:\.\d+)?)(?P<unit>[BbMmTt])"
    r"|(?P<count>\d+)E)"
    r"(?![A-Za-z0-9])"
)


@dataclass(frozen=True)
class NameClaim:
    """One size claim read from a name, e.g. `A3B` -> active ≈ 3e9."""

    kind: ClaimKind
    token: str
    value: float

    def describe(self) -> str:
        if self.kind == "experts":
            return f"{self.token}: {int(self.value)} experts"
        if self.kind == "expert-size":
            return f"{self.token}: experts of about {self.value / 1e9:g}B parameters each"
        return f"{self.token}: about {_short(self.value)} {self.kind} parameters"


def _short(value: float) -> str:
    if value >= 1e12:
        return f"{value / 1e12:g}T"
    if value >= 1e9:
        return f"{value / 1e9:g}B"
    return f"{value / 1e6:g}M"


def read_name(name: str) -> list[NameClaim]:
    """Every size claim in `name`, in order of appearance."""
    claims: list[NameClaim] = []
    plain: list[NameClaim] = []
    has_expert_count = False
    for match in _TOKEN.finditer(name):
        token = match.group(0)
        numbers = [match.group(g) for g in ("experts", "expert_size", "count", "number")]
        if any(number is not None and float(number) == 0 for number in numbers):
            continue  # "0B" or "0x7B" claims no size: nothing to check it against
        if match.group("experts"):
            claims.append(NameClaim("experts", token, float(match.group("experts"))))
            size = float(match.group("expert_size")) * _UNIT[match.group("eunit").lower()]
            claims.append(NameClaim("expert-size", token, size))
        elif match.group("count"):
            claims.append(NameClaim("experts", token, float(match.group("count"))))
            has_expert_count = True
        else:
            value = float(match.group("number")) * _UNIT[match.group("unit").lower()]
            prefix = (match.group("prefix") or "").upper()
            if prefix == "E":
                claims.append(NameClaim("effective", token, value))
            elif prefix == "A":
                claims.append(NameClaim("active", token, value))
            else:
                plain.append(NameClaim("total", token, value))
    claims.extend(_plain_sizes(plain, has_expert_count, claims))
    return claims


def _plain_sizes(
    plain: list[NameClaim], has_expert_count: bool, others: list[NameClaim]
) -> list[NameClaim]:
    """Give bare sizes their meaning from the naming scheme around them."""
    if has_expert_count and len(plain) == 1:
        # Llama 4 "17B-16E": the size is the active count, the E-number counts experts.
        return [NameClaim("active", plain[0].token, plain[0].value)]
    if len(plain) == 2 and not any(claim.kind == "active" for claim in others):
        # OLMoE "1B-7B": active first, total second.
        small, large = sorted(plain, key=lambda claim: claim.value)
        return [
            NameClaim("active", small.token, small.value),
            NameClaim("total", large.token, large.value),
        ]
    return plain
