"""Hardware guidance: for a model and a device, the best quantization and what to expect of it.

The best quantization is the highest-precision one that fits fully at the chosen context. When
none fits, the guidance shows the most precise of the common 4-bit-and-below formats that runs
with offload, because offloaded speed is what a reader then needs to weigh.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..data.records import Dataset, Hardware, Model, Quantization
from ..estimate.calibration import Calibration, calibrate
from ..estimate.memory import WeightBytes, kv_cache_bytes, overhead_bytes, weight_bytes
from ..estimate.parameters import ParameterBreakdown, count_parameters
from ..estimate.plan import DEFAULT_KV_QUANT, default_host, plan_from_parts
from ..estimate.report import Estimate, calibrated
from . import numbers

GUIDANCE_CONTEXT = 8192
MEMORY_TABLE_CONTEXTS = (4096, 32768, 131072)
# Formats a reader can download for almost any model, most precise first.
COMMON_QUANTS = ("BF16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M", "Q2_K")
OFFLOAD_QUANTS = ("Q4_K_M", "IQ4_XS", "Q3_K_M", "Q2_K")


@dataclass(frozen=True)
class Guidance:
    model: Model
    device: Hardware
    quant: Quantization | None
    result: Estimate | None

    @property
    def fit(self) -> str:
        if self.result is None or self.result.plan.placement is None:
            return "no"
        return self.result.plan.placement.fit


def decode_text(result: Estimate | None) -> str:
    """`~42 (30–55)`: the calibrated decode estimate with its range, or a dash."""
    if result is None or result.decode_tokens_per_s is None or result.decode_range is None:
        return "—"
    low, high = result.decode_range
    estimate_text = numbers.tokens_per_s(result.decode_tokens_per_s)
    return f"~{estimate_text} ({numbers.speed_range(low, high)})"


class Guide:
    """Estimates for one dataset, computed once each and shared by every page that shows them."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.quantizations = {quant.id: quant for quant in dataset.quantizations}
        self.kv_quant = self.quantizations[DEFAULT_KV_QUANT]
        self.host = default_host(dataset)
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
    def calibration(self) -> Calibration:
        return calibrate(self.dataset)

    def estimate(
        self, model: Model, quant: Quantization, context: int, device: Hardware | None
    ) -> Estimate:
        key = (model.id, quant.id, context, device.id if device else None)
        if key not in self._estimates:
            plan = plan_from_parts(
                model,
                quant,
                self.kv_quant,
                context,
                self.breakdown(model),
                self._weights(model, quant),
                *self._context_memory(model, context),
                device,
                self.host,
            )
            self._estimates[key] = calibrated(plan, self.calibration)
        return self._estimates[key]

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
        MXFP4 is offered that format alone, since llama.cpp keeps those experts as they are.
        """
        native = self.quantizations.get(model.native_precision or "")
        if native is not None and native.applies_to == "experts":
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
        for quant in candidates:
            result = self.estimate(model, quant, context, device)
            if result.plan.placement and result.plan.placement.fit == "fits":
                return Guidance(model, device, quant, result)
        offload_order = [q for q in candidates if q.id in OFFLOAD_QUANTS] or candidates[-1:]
        for quant in offload_order:
            result = self.estimate(model, quant, context, device)
            if result.plan.placement and result.plan.placement.fit == "offload":
                return Guidance(model, device, quant, result)
        return Guidance(model, device, None, None)
