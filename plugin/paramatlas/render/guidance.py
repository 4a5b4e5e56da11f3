"""Hardware guidance: for a model and a device, which setting to run and what to expect of it.

Two settings per device, as the Methodology page states:
* the **best quality that fits**: the most precise format that fits fully;
* the **recommended** setting: the most precise format of at least 4 bits that fits fully at a
  usable decode speed; else the usual 4-bit file (Q4_K_M) running at a usable speed with lookup
  tables or experts in system RAM (what people do with a large MoE on a small card: every
  offloaded bit is read at system-RAM speed); where none is usable, the best fit; where nothing
  fits, the most precise 4-bit-or-smaller format that runs with offload.
Each comes with the longest context that still fits the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..data.records import Dataset, Hardware, Model, Quantization, SpeedGroup, SpeedModel
from ..estimate.memory import WeightBytes, kv_cache_bytes, overhead_bytes, weight_bytes
from ..estimate.parameters import ParameterBreakdown, count_parameters
from ..estimate.plan import (
    DEFAULT_KV_QUANT,
    Plan,
    default_host,
    longest_context,
    plan_from_parts,
)
from ..estimate.report import Estimate, calibrated, model_max_context, speed_model_of
from ..estimate.speed import device_backend, speed_group
from . import numbers

GUIDANCE_CONTEXT = 8192
# Slower than this, interactive use is painful: about a word every 0.1 s.
USABLE_TOKENS_PER_S = 10.0
# Below 4 bits per weight quality drops quickly; the recommendation does not go there by choice.
MIN_RECOMMENDED_BITS = 4.0
# With offload, the recommendation is the smallest format of at least this many bits: Q4_K_M
# (~4.9), the file people download; IQ4_XS (~4.5) and Q4_0 only where nothing else runs.
USUAL_FOUR_BITS = 4.6
# Offload kinds a recommendation may use: both keep the slow part small.
RECOMMENDED_OFFLOAD = ("lookup-tables", "experts")
MEMORY_TABLE_CONTEXTS = (4096, 32768, 131072)
# Formats a reader can download for almost any model, most precise first.
COMMON_QUANTS = ("BF16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M", "Q2_K")
OFFLOAD_QUANTS = ("Q4_K_M", "IQ4_XS", "Q3_K_M", "Q2_K")


@dataclass(frozen=True)
class Setting:
    """A format on a device, its estimate, and the longest context that fits the same way."""

    quant: Quantization
    result: Estimate
    longest_context: int


@dataclass(frozen=True)
class Guidance:
    """What to run on a device: the recommended setting (`quant`, `result`) and the best
    quality that fits fully."""

    model: Model
    device: Hardware
    quant: Quantization | None
    result: Estimate | None
    longest_context: int | None = None
    best_fit: Setting | None = None

    @property
    def fit(self) -> str:
        if self.result is None or self.result.plan.placement is None:
            return "no"
        return self.result.plan.placement.fit

    @property
    def below_four_bits(self) -> bool:
        return self.quant is not None and self.quant.bits_per_weight < MIN_RECOMMENDED_BITS


def decode_text(result: Estimate | None) -> str:
    """`~42 (30–55)`: the calibrated decode estimate with its range, or a dash."""
    if result is None or result.decode_tokens_per_s is None or result.decode_range is None:
        return "—"
    low, high = result.decode_range
    estimate_text = numbers.tokens_per_s(result.decode_tokens_per_s)
    uncalibrated = result.speed is not None and not result.speed.calibrated
    return f"~{estimate_text} ({numbers.speed_range(low, high)})" + (
        " uncalibrated" if uncalibrated else ""
    )


class Guide:
    """Estimates for one dataset, computed once each and shared by every page that shows them."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.quantizations = {quant.id: quant for quant in dataset.quantizations}
        self.kv_quant = self.quantizations[DEFAULT_KV_QUANT]
        self.host = default_host(dataset)
        self.server_host = default_host(dataset, "datacenter")
        self._estimates: dict[tuple[str, str, int, str | None], Estimate] = {}
        self._breakdowns: dict[str, ParameterBreakdown] = {}
        self._weight_cache: dict[tuple[str, str], WeightBytes] = {}
        self._context_cache: dict[tuple[str, int], tuple[int, int]] = {}
        self._candidates: dict[str, list[Quantization]] = {}
        self._best: dict[tuple[str, str, int], Guidance] = {}

    def breakdown(self, model: Model) -> ParameterBreakdown:
        if model.id not in self._breakdowns:
            self._breakdowns[model.id] = count_parameters(model.architecture)
        return self._breakdowns[model.id]

    @cached_property
    def speed_model(self) -> SpeedModel:
        return speed_model_of(self.dataset)

    def estimate(
        self, model: Model, quant: Quantization, context: int, device: Hardware | None
    ) -> Estimate:
        key = (model.id, quant.id, context, device.id if device else None)
        if key not in self._estimates:
            plan = self._plan(model, quant, context, device)
            self._estimates[key] = calibrated(plan, self.speed_model)
        return self._estimates[key]

    def _plan(
        self, model: Model, quant: Quantization, context: int, device: Hardware | None
    ) -> Plan:
        """Memory and placement from the cached parts: what every estimate and search reuses."""
        return plan_from_parts(
            model,
            quant,
            self.kv_quant,
            context,
            self.breakdown(model),
            self._weights(model, quant),
            *self._context_memory(model, context),
            device,
            self.host_for(device),
        )

    def speed_group(self, device: Hardware) -> SpeedGroup:
        return self.speed_model.group(speed_group(device_backend(device), device))

    def host_for(self, device: Hardware | None) -> Hardware | None:
        return self.server_host if device is not None and device.kind == "datacenter" else self.host

    def _weights(self, model: Model, quant: Quantization) -> WeightBytes:
        key = (model.id, quant.id)
        if key not in self._weight_cache:
            self._weight_cache[key] = weight_bytes(
                model, quant, self.quantizations, self.breakdown(model)
            )
        return self._weight_cache[key]

    def _context_memory(self, model: Model, context: int) -> tuple[int, int]:
        """KV cache and overhead bytes: they depend on the context, not on the format."""
        key = (model.id, context)
        if key not in self._context_cache:
            arch = model.architecture
            self._context_cache[key] = (
                kv_cache_bytes(arch, context, self.kv_quant),
                overhead_bytes(arch, context),
            )
        return self._context_cache[key]

    def candidates(self, model: Model) -> list[Quantization]:
        if model.id not in self._candidates:
            self._candidates[model.id] = self._formats_for(model)
        return self._candidates[model.id]

    def _formats_for(self, model: Model) -> list[Quantization]:
        """Formats worth showing for `model`, most precise first.

        A format never claims more precision than the released checkpoint has: a model released
        in FP8 or INT4 is offered its own format and smaller ones, and one whose experts ship in
        MXFP4 is offered that format alone, since llama.cpp keeps those experts as they are
        (Kimi's INT4 experts are converted instead, so GGUF formats are offered beside them).
        """
        native = self.quantizations.get(model.native_precision or "")
        if native is not None and native.applies_to == "experts" and native.kind == "microscaling":
            return [native]
        quants = [self.quantizations[q] for q in COMMON_QUANTS if q in self.quantizations]
        if native is not None:
            # Half a bit of slack for block scales: Q8_0 (8.5) keeps what an FP8 release has.
            quants = [q for q in quants if q.bits_per_weight <= native.bits_per_weight + 0.5]
            if native not in quants:
                quants.append(native)
        return sorted(quants, key=lambda quant: quant.bits_per_weight, reverse=True)

    def best(self, model: Model, device: Hardware, context: int = GUIDANCE_CONTEXT) -> Guidance:
        """The most precise format that fits, else one that runs with offload (cached: the
        model page, the device page and the device index all ask)."""
        key = (model.id, device.id, context)
        if key not in self._best:
            self._best[key] = self._choose(model, device, context)
        return self._best[key]

    def _choose(self, model: Model, device: Hardware, context: int) -> Guidance:
        candidates = self.candidates(model)
        best_fit = next(
            (
                Setting(quant, result, self.longest_context(model, quant, device, ("fits",)))
                for quant in candidates
                if _fits_fully(result := self.estimate(model, quant, context, device))
            ),
            None,
        )
        four_bits = [q for q in candidates if q.bits_per_weight >= MIN_RECOMMENDED_BITS]
        results = [(quant, self.estimate(model, quant, context, device)) for quant in four_bits]
        usable = [(quant, result) for quant, result in results if self._usable(result)]
        fitting = [(quant, result) for quant, result in usable if _fits_fully(result)]
        # Most precise that fits fully; else, with offload, the smallest usual 4-bit file.
        smallest_first = sorted(usable, key=lambda pair: pair[0].bits_per_weight)
        usual = [pair for pair in smallest_first if pair[0].bits_per_weight >= USUAL_FOUR_BITS]
        for quant, result in (fitting or usual or smallest_first)[:1]:
            kinds = self._same_way(result)
            longest = self.longest_context(model, quant, device, kinds)
            return Guidance(model, device, quant, result, longest, best_fit)
        if best_fit is not None:
            return Guidance(
                model, device, best_fit.quant, best_fit.result, best_fit.longest_context, best_fit
            )
        offload_order = [q for q in candidates if q.id in OFFLOAD_QUANTS] or candidates[-1:]
        for quant in offload_order:
            result = self.estimate(model, quant, context, device)
            if result.plan.placement and result.plan.placement.fit == "offload":
                longest = self.longest_context(model, quant, device, ("fits", "offload"))
                return Guidance(model, device, quant, result, longest)
        return Guidance(model, device, None, None)

    @staticmethod
    def _usable(result: Estimate) -> bool:
        placement = result.plan.placement
        if placement is None or placement.fit == "no":
            return False
        if placement.fit == "offload" and placement.offload_kind not in RECOMMENDED_OFFLOAD:
            return False
        speed = result.decode_tokens_per_s
        return speed is not None and speed >= USABLE_TOKENS_PER_S

    @staticmethod
    def _same_way(result: Estimate) -> tuple[str, ...]:
        placement = result.plan.placement
        return (
            ("fits",) if placement is not None and placement.fit == "fits" else ("fits", "offload")
        )

    def longest_context(
        self, model: Model, quant: Quantization, device: Hardware, verdicts: tuple[str, ...]
    ) -> int:
        """The longest context (up to the model's maximum) whose verdict is one of `verdicts`;
        memory grows with context, so a binary search finds it."""
        return longest_context(
            lambda context: self._verdict(model, quant, context, device) in verdicts,
            model_max_context(model),
        )

    def _verdict(self, model: Model, quant: Quantization, context: int, device: Hardware) -> str:
        placement = self._plan(model, quant, context, device).placement
        return placement.fit if placement is not None else "no"


def _fits_fully(result: Estimate) -> bool:
    placement = result.plan.placement
    return placement is not None and placement.fit == "fits"
