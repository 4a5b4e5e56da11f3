"""Where a model's bytes go on a device: usable memory, the fit verdict and what is offloaded.

Verdicts:
* `fits` — weights, KV cache and overhead fit in the device's usable memory;
* `offload` — it fits only by keeping something in the host's system RAM: the lookup tables
  (per-layer embeddings and the input embedding: cheap, a row per token), then routed-expert
  weights of whole MoE layers (llama.cpp `--n-cpu-moe`), then whole layers (slowest);
* `no` — not even that fits.
Devices whose accelerator shares one memory with the CPU (unified memory, CPUs, phones) have no
separate host to offload to, and their memory is counted once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..data.records import Hardware
from .memory import GIB, WeightBytes

Verdict = Literal["fits", "offload", "no"]
OffloadKind = Literal["lookup-tables", "experts", "layers"]

DISPLAY_RESERVE_BYTES = GIB // 2
APPLE_SMALL_FRACTION = 2 / 3  # macOS lets the GPU wire about 2/3 of 36 GB or less by default
APPLE_LARGE_FRACTION = 3 / 4  # and about 3/4 of larger memories
APPLE_SMALL_LIMIT_GIB = 36
UNIFIED_FRACTION = 0.75
UNIFIED_OS_RESERVE_BYTES = 8 * GIB
CPU_OS_RESERVE_BYTES = 4 * GIB
CPU_OS_RESERVE_FRACTION = 0.10
EDGE_FRACTION = 0.6  # a phone's OS and apps keep a large share of its RAM


@dataclass(frozen=True)
class UsableMemory:
    bytes: int
    rule: str


def usable_memory(device: Hardware) -> UsableMemory:
    """Memory a model may use on `device` by default, and the rule that gave it."""
    installed = device.memory_bytes
    if device.usable_memory_gib is not None:
        return UsableMemory(round(device.usable_memory_gib * GIB), "stated in the device entry")
    if device.kind == "discrete-gpu":
        return UsableMemory(installed - DISPLAY_RESERVE_BYTES, "installed less 0.5 GiB for display")
    if device.kind == "datacenter":
        return UsableMemory(installed, "all installed memory (no display)")
    if device.kind == "unified-memory":
        if device.vendor.lower() == "apple":
            small = device.memory_gib <= APPLE_SMALL_LIMIT_GIB
            fraction = APPLE_SMALL_FRACTION if small else APPLE_LARGE_FRACTION
            return UsableMemory(
                round(installed * fraction),
                f"macOS GPU limit: about {'two thirds' if small else 'three quarters'} "
                "of unified memory",
            )
        usable = max(round(installed * UNIFIED_FRACTION), installed - UNIFIED_OS_RESERVE_BYTES)
        return UsableMemory(usable, "unified memory less the operating system's share")
    if device.kind == "cpu":
        reserve = max(CPU_OS_RESERVE_BYTES, round(installed * CPU_OS_RESERVE_FRACTION))
        return UsableMemory(installed - reserve, "system RAM less 4 GiB or 10% for the OS")
    return UsableMemory(round(installed * EDGE_FRACTION), "60% of RAM; the OS and apps keep 40%")


def has_separate_host(device: Hardware) -> bool:
    return device.kind in ("discrete-gpu", "datacenter")


@dataclass(frozen=True)
class Placement:
    """Bytes in accelerator memory and in host RAM, and what one decoding step reads from each."""

    fit: Verdict
    offload_kind: OffloadKind | None
    offload: str | None
    """What sits in system RAM, in words: `routed experts of 9 of 30 MoE layers`."""
    accelerator_bytes: int
    host_bytes: int
    accelerator_read_per_token: int
    host_read_per_token: int
    moved_layers: tuple[int, int] | None = None
    """With expert or layer offload: how many of how many layers have a part in system RAM."""

    @property
    def short(self) -> str:
        """The verdict in a few words, for a table cell: `fits`, `experts of 9/30 layers in RAM`."""
        if self.fit != "offload":
            return self.fit
        if self.moved_layers is None:
            return "embeddings in RAM"
        moved, layers = self.moved_layers
        what = "experts of " if self.offload_kind == "experts" else ""
        return f"{what}{moved}/{layers} layers in RAM"


def place(
    weights: WeightBytes,
    kv_cache: int,
    overhead: int,
    layers: int,
    moe_layers: int,
    device: Hardware,
    host: Hardware | None,
    gpus: int = 1,
) -> Placement:
    """Decide the verdict for one model, quantization and context on `gpus` of `device`."""
    usable = usable_memory(device).bytes * gpus
    everything = weights.total + kv_cache + overhead
    read = weights.read_per_token + kv_cache
    if everything <= usable:
        return Placement("fits", None, None, everything, 0, read, 0)
    if not has_separate_host(device) or host is None:
        return Placement("no", None, None, everything, 0, read, 0)

    host_usable = usable_memory(host).bytes
    lookups = weights.embedding + weights.ple_tables
    on_device = everything - lookups + weights.tied_head
    if on_device <= usable and lookups <= host_usable:
        what = "per-layer embedding tables" if weights.ple_tables else "input embedding table"
        return Placement("offload", "lookup-tables", what, on_device, lookups, read, 0)

    if moe_layers and weights.routed_experts:
        placement = _offload_experts(weights, kv_cache, overhead, moe_layers, usable, host_usable)
        if placement is not None:
            return placement
    return _offload_layers(weights, kv_cache, overhead, layers, usable, host_usable)


def _offload_experts(
    weights: WeightBytes,
    kv_cache: int,
    overhead: int,
    moe_layers: int,
    usable: int,
    host_usable: int,
) -> Placement | None:
    """Keep attention, shared weights and KV on the device; move experts of whole MoE layers."""
    lookups = weights.embedding + weights.ple_tables
    fixed = weights.dense + weights.tied_head + kv_cache + overhead
    per_layer = weights.routed_experts / moe_layers
    kept_layers = min(moe_layers, int((usable - fixed) // per_layer)) if usable > fixed else -1
    if kept_layers < 0:
        return None
    moved_layers = moe_layers - kept_layers
    moved = round(per_layer * moved_layers)
    if moved + lookups > host_usable:
        return None
    active_per_layer = weights.active_routed_experts / moe_layers
    return Placement(
        "offload",
        "experts",
        f"routed experts of {moved_layers} of {moe_layers} MoE layers",
        fixed + round(per_layer * kept_layers),
        moved + lookups,
        weights.dense + weights.tied_head + kv_cache + round(active_per_layer * kept_layers),
        round(active_per_layer * moved_layers),
        (moved_layers, moe_layers),
    )


def _offload_layers(
    weights: WeightBytes,
    kv_cache: int,
    overhead: int,
    layers: int,
    usable: int,
    host_usable: int,
) -> Placement:
    """Move whole layers (weights and their KV) to the host, as llama.cpp's `-ngl` does."""
    lookups = weights.embedding + weights.ple_tables
    per_layer = (weights.dense + weights.tied_head + weights.routed_experts + kv_cache) / layers
    read_per_layer = (weights.read_per_token + kv_cache) / layers
    kept = min(layers, int((usable - overhead) // per_layer)) if usable > overhead else 0
    moved = layers - kept
    host_bytes = round(per_layer * moved) + lookups
    if kept < 1 or host_bytes > host_usable:
        total = weights.total + kv_cache + overhead
        return Placement("no", None, None, total, 0, weights.read_per_token + kv_cache, 0)
    return Placement(
        "offload",
        "layers",
        f"{moved} of {layers} layers",
        overhead + round(per_layer * kept),
        host_bytes,
        round(read_per_layer * kept),
        round(read_per_layer * moved),
        (moved, layers),
    )
