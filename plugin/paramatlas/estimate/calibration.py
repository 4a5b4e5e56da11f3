"""Fitting the speed model to published llama-bench results, and measuring it honestly.

Every row of data/measurements.yaml becomes an `Observation`: what one decoding step of that model,
format and context reads from the device (and from the host, with offload), the number of layers,
and the measured speed. Per group (backend, multi-die chips apart) the decode coefficients are the
non-negative least-squares fit of relative error:

    measured seconds ≈ weight bytes/bandwidth × (1 + u) + KV bytes/bandwidth × (1 + v)
                       + layers × k + MoE layers × m,        u, v, k, m ≥ 0

so that each efficiency 1/(1 + u) never exceeds 1 and no estimate exceeds its bound. Weights and
KV cache have efficiencies of their own: attention kernels read a long cache less efficiently
than matrix-vector products read weights, which is why decode slows faster with depth than the
bytes alone say. The KV efficiency and the DeltaNet and latent-attention layer costs are shared
by every group and fitted jointly with each group's own unknowns (`_shared_fit`). Each device
counts about equally (rows weighted by 1/√rows of their device). A group needs
`MIN_GROUP_ROWS` rows on `MIN_GROUP_DEVICES` devices; otherwise it borrows the pooled fit.

The range printed with an estimate is the 10th–90th percentile of measured ÷ estimated when each
device is predicted by a fit that never saw it (leave one device out). `cross_validate` repeats
the whole procedure — coefficients and ranges — with each device (or each source) held out, which
is the accuracy the Methodology page publishes.
"""

from __future__ import annotations

import math
import operator
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, cached_property, lru_cache
from typing import Literal

from ..data.records import (
    Dataset,
    DecodeCoefficients,
    Measurement,
    OffloadCalibration,
    SpeedGroup,
    SpeedModel,
    Spread,
)
from .memory import kv_cache_bytes, weight_bytes
from .nnls import gauss, nonnegative_least_squares
from .parameters import count_parameters, delta_layer_count, mla_layer_count, moe_layer_count
from .plan import make_plan, quantizations_by_id
from .prefill import PrefillSample, fit_prefill
from .speed import (
    GB,
    DecodeWork,
    PrefillWork,
    core_factor,
    decode_seconds,
    decode_speed_range,
    device_seconds,
    prefill_device_group,
    prefill_group_name,
    prefill_seconds,
    speed_group,
    spread_from_ratios,
)

MIN_GROUP_ROWS = 6
MIN_GROUP_DEVICES = 2
# How many devices' worth of weight the range of every group gives to all groups' results.
PRIOR_DEVICES = 6
POOLED = "pooled"
UNKNOWNS = 6


@dataclass(frozen=True)
class Observation:
    """One published result, priced: the work it asked of the hardware and what it measured."""

    measurement: Measurement
    group: str
    device_kind: str
    work: DecodeWork | None
    """None when the row cannot be priced (offload to a host the dataset does not describe)."""
    prefill: PrefillWork | None
    """What one prompt token asks of the device, for a pp512 result on the device alone."""
    prefill_group: str

    @property
    def device(self) -> str:
        return self.measurement.hardware

    @property
    def source(self) -> str:
        return self.measurement.source.url.split("#")[0]

    @property
    def offloaded(self) -> bool:
        return self.work is not None and self.work.host_seconds_at_peak > 0

    @property
    def decode_bound(self) -> float | None:
        if self.work is None:
            return None
        return 1 / self.work.seconds_at_peak

    @property
    def fits_decode(self) -> bool:
        """Used to fit decode coefficients: measured, priced, all on one device, not excluded."""
        return (
            self.measurement.tg128 is not None
            and self.work is not None
            and not self.offloaded
            and self.measurement.excluded is None
        )


@cache
def observations(dataset: Dataset) -> tuple[Observation, ...]:
    return tuple(_observe(dataset, measurement) for measurement in dataset.measurements)


def _observe(dataset: Dataset, measurement: Measurement) -> Observation:
    quantizations = quantizations_by_id(dataset)
    model = dataset.model(measurement.model)
    device = dataset.device(measurement.hardware)
    arch = model.architecture
    breakdown = count_parameters(arch)
    # A decode test's average context is the filled depth plus half the tokens it generates.
    context = measurement.depth + measurement.generated // 2
    weights = weight_bytes(model, quantizations[measurement.quant], quantizations, breakdown)
    kv = kv_cache_bytes(arch, context, quantizations["F16"])
    read = weights.read_per_token + kv
    moe_layers = moe_layer_count(arch)
    host_read = 0
    if measurement.offload_experts is not None and moe_layers:
        moved = moe_layers if measurement.offload_experts == "all" else measurement.offload_experts
        host_read = round(weights.active_routed_experts * min(moved, moe_layers) / moe_layers)
    elif measurement.gpu_layers is not None:
        host_read = round(read * max(0, arch.layers - measurement.gpu_layers) / arch.layers)
    host = dataset.device(measurement.host) if measurement.host else None
    work = None
    if not host_read or host is not None:
        device_rate = device.bandwidth_gb_s * GB
        work = DecodeWork(
            (weights.read_per_token - host_read) / device_rate,
            kv / device_rate,
            host_read / (host.bandwidth_gb_s * GB) if host is not None else 0.0,
            arch.layers,
            moe_layers,
            delta_layer_count(arch),
            device.cpu_cores if measurement.backend == "CPU" else None,
            device.bandwidth_gb_s,
            mla_layer_count(arch),
        )
    prefill = None
    if not host_read:
        plan = make_plan(
            dataset,
            model,
            quantizations[measurement.quant],
            measurement.depth + 256,  # pp512 attends over half its prompt on average
            quantizations["F16"],
            None,
            None,
            breakdown,
        )
        prefill = plan.prefill_work(device, measurement.backend)
    return Observation(
        measurement,
        speed_group(measurement.backend, device),
        device.kind,
        work,
        prefill,
        prefill_group_name(measurement.backend, device, prefill.peak)
        if prefill is not None
        else prefill_device_group(measurement.backend, device),
    )


# -- fitting ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sums:
    """Normal-equation sums of weighted relative-error terms: additive over rows.

    Unknowns, all ≥ 0: the weights' and the KV cache's excess time over their bandwidth bound
    (1/efficiency − 1), seconds per layer, per MoE layer, per gated-DeltaNet layer and per
    latent-attention layer. Held flat
    (the Gram matrix row by row, then the right-hand side) so that adding two is one `map`:
    cross-validation adds and subtracts them hundreds of thousands of times per build.
    """

    values: tuple[float, ...] = (0.0,) * (UNKNOWNS * UNKNOWNS + UNKNOWNS)

    def __add__(self, other: _Sums) -> _Sums:
        return _Sums(tuple(map(operator.add, self.values, other.values)))

    def __sub__(self, other: _Sums) -> _Sums:
        return _Sums(tuple(map(operator.sub, self.values, other.values)))

    def times(self, weight: float) -> _Sums:
        return _Sums(tuple(weight * value for value in self.values))

    @property
    def matrix(self) -> tuple[tuple[float, ...], ...]:
        return tuple(self.values[i * UNKNOWNS : (i + 1) * UNKNOWNS] for i in range(UNKNOWNS))

    @property
    def vector(self) -> tuple[float, ...]:
        return self.values[UNKNOWNS * UNKNOWNS :]


def _features(observation: Observation, stretch: float = 1.0) -> tuple[float, ...]:
    """What each unknown contributes to the row's time, over its measured time; `stretch`
    lengthens the time its bytes take at peak (the CPU core limit)."""
    work = observation.work
    assert work is not None and observation.measurement.tg128 is not None
    seconds = 1 / observation.measurement.tg128
    return (
        stretch * work.device_weight_seconds_at_peak / seconds,
        stretch * work.device_kv_seconds_at_peak / seconds,
        work.layers / seconds,
        work.moe_layers / seconds,
        work.delta_layers / seconds,
        work.mla_layers / seconds,
    )


def _target(features: tuple[float, ...]) -> float:
    """Measured time less the bytes at peak, over measured time: what the unknowns must make."""
    return 1 - features[0] - features[1]


def _sums(features: tuple[float, ...]) -> _Sums:
    target = _target(features)
    matrix = tuple(a * b for a in features for b in features)
    return _Sums((*matrix, *(a * target for a in features)))


@lru_cache(maxsize=4096)  # bounded: `mkdocs serve` prices new observations on every data change
def _row_sums(observation: Observation) -> _Sums:
    """One row's terms at weight 1 (a row's weight only scales them)."""
    return _sums(_features(observation))


KV = 1  # the index of the KV cache's unknown
DELTA = 4  # the index of the gated-DeltaNet layer's unknown
MLA = 5  # the index of the latent-attention layer's unknown


def _solve(sums: _Sums, shared: DecodeCoefficients | None = None) -> DecodeCoefficients:
    """Non-negative least squares over the unknowns.

    With `shared` (from `_shared_fit`) the KV cache's, the DeltaNet layer's and the latent-attention
    layer's unknowns are held at its values: few groups have enough long-context, DeltaNet or
    latent-attention results to fit them alone.
    """
    fixed = (
        {
            KV: 1 / shared.kv_efficiency - 1,
            DELTA: shared.delta_layer_seconds,
            MLA: shared.mla_layer_seconds,
        }
        if shared is not None
        else {}
    )
    weights, kv, layer, moe_layer, delta_layer, mla_layer = nonnegative_least_squares(
        sums.matrix, sums.vector, fixed
    )
    return DecodeCoefficients(
        1 / (1 + weights),
        1 / (1 + kv),
        layer,
        moe_layer,
        delta_layer,
        mla_layer_seconds=mla_layer,
    )


# The unknowns each group fits for itself (the weights' excess, per layer, per MoE layer) and
# those every group shares.
OWN = (0, 2, 3)
SHARED = (KV, DELTA, MLA)
SHARED_ROUNDS = 6  # at most; on the bundled data the first active sets already hold


def _shared_fit(
    groups: Sequence[_Sums], guess: Sequence[tuple[int, ...]] | None = None
) -> DecodeCoefficients:
    """The coefficients every group shares (the KV cache's efficiency, the DeltaNet and
    latent-attention layer costs), fitted with each group's own efficiency and per-layer costs
    beside them.

    One efficiency for every device would read a slow device's slowness as the cost of the
    layers its models happen to have: the DeltaNet results came mostly from slow devices.
    Each group's own unknowns are eliminated (the Schur complement of those its fit keeps
    above zero), which leaves a problem in the shared unknowns alone; solved, it may change
    which own unknowns are above zero, so it is repeated until they stop changing. `guess`,
    each group's own unknowns above zero in a fit on more data, spares the search when it
    holds (cross-validation refits this thousands of times per build).
    """
    actives = list(guess) if guess is not None else _actives(groups, _solve(sum(groups, _Sums())))
    shared = DecodeCoefficients(1.0, 1.0, 0.0, 0.0, 0.0)
    for _ in range(SHARED_ROUNDS):
        gram = [[0.0] * UNKNOWNS for _ in range(UNKNOWNS)]
        vector = [0.0] * UNKNOWNS
        for sums, active in zip(groups, actives, strict=True):
            part_gram, part_vector = _profiled(sums, active)
            for a, i in enumerate(SHARED):
                vector[i] += part_vector[a]
                for b, j in enumerate(SHARED):
                    gram[i][j] += part_gram[a][b]
        unknowns = nonnegative_least_squares(gram, vector, dict.fromkeys(OWN, 0.0))
        shared = DecodeCoefficients(
            1.0, 1 / (1 + unknowns[KV]), 0.0, 0.0, unknowns[DELTA], mla_layer_seconds=unknowns[MLA]
        )
        if all(
            _optimal(sums, active, unknowns) for sums, active in zip(groups, actives, strict=True)
        ):
            break
        actives = _actives(groups, shared)
    return shared


def _actives(groups: Sequence[_Sums], shared: DecodeCoefficients) -> list[tuple[int, ...]]:
    """Each group's own unknowns that its fit, the shared ones held, keeps above zero."""
    return [_active_own(_solve(sums, shared)) for sums in groups]


def _optimal(sums: _Sums, active: tuple[int, ...], unknowns: Sequence[float]) -> bool:
    """Whether, the shared unknowns at their values, the group's best own unknowns are those
    in `active` above zero and the others at zero (the Karush–Kuhn–Tucker conditions)."""
    matrix, values = sums.matrix, sums.vector
    block = [[matrix[a][b] for b in active] for a in active]
    right = [values[a] - sum(matrix[a][j] * unknowns[j] for j in SHARED) for a in active]
    own = gauss(block, right)
    if own is None or any(value <= 0 for value in own):
        return False
    full = dict(zip(active, own, strict=True)) | {j: unknowns[j] for j in SHARED}
    for n in OWN:
        if n in active or matrix[n][n] <= 0:
            continue
        gradient = values[n] - sum(matrix[n][j] * value for j, value in full.items())
        if gradient / math.sqrt(matrix[n][n]) > 1e-9:
            return False
    return True


def _active_own(coefficients: DecodeCoefficients) -> tuple[int, ...]:
    """The group's own unknowns its fit keeps above zero."""
    unknowns = _unknowns(coefficients)
    return tuple(n for n in OWN if unknowns[n] > 0)


@lru_cache(maxsize=4096)
def _profiled(
    sums: _Sums, active: tuple[int, ...]
) -> tuple[tuple[tuple[float, ...], ...], tuple[float, ...]]:
    """One group's terms in the shared unknowns, its own `active` unknowns at their best for any
    value of the shared ones: G_ss − G_sa·G_aa⁻¹·G_as and b_s − G_sa·G_aa⁻¹·b_a. Remembered:
    holding one device out changes one group's sums, and every other group's are reused."""
    matrix, values = sums.matrix, sums.vector
    block = [[matrix[a][b] for b in active] for a in active]
    # The active set of a non-negative least-squares fit has independent columns, so `block`
    # is invertible; were it not, the group's own unknowns would simply not be profiled out.
    columns = [gauss(block, [matrix[a][j] for a in active]) or [] for j in SHARED]
    through = gauss(block, [values[a] for a in active]) or []
    gram = []
    vector = []
    for i in SHARED:
        coupling = [matrix[i][a] for a in active]
        vector.append(values[i] - sum(map(operator.mul, coupling, through)))
        gram.append(
            tuple(
                matrix[i][j] - sum(map(operator.mul, coupling, column))
                for column, j in zip(columns, SHARED, strict=True)
            )
        )
    return tuple(gram), tuple(vector)


def _shared_without(
    pools: dict[str, _Pool],
    guess: dict[str, tuple[int, ...]],
    without: Callable[[str], bool] = lambda device: False,
) -> DecodeCoefficients:
    """`_shared_fit` over the groups' pools, the devices `without` picks left out."""
    return _shared_fit(
        [pool.sums(without) for pool in pools.values()], [guess[name] for name in pools]
    )


@dataclass(frozen=True)
class _Pool:
    """The decode rows of one fitting set, with their sums per device for quick hold-outs."""

    rows: tuple[Observation, ...]
    by_device: dict[str, _Sums]

    @classmethod
    def of(cls, rows: Iterable[Observation]) -> _Pool:
        chosen = tuple(row for row in rows if row.fits_decode)
        counts: dict[str, int] = defaultdict(int)
        for row in chosen:
            counts[row.device] += 1
        unweighted: dict[str, _Sums] = defaultdict(_Sums)
        for row in chosen:
            unweighted[row.device] = unweighted[row.device] + _row_sums(row)
        by_device = {
            device: sums.times(1 / math.sqrt(counts[device])) for device, sums in unweighted.items()
        }
        return cls(chosen, by_device)

    def sums(self, without: Callable[[str], bool] = lambda device: False) -> _Sums:
        # The sums of all devices less those held out: one subtraction per held-out device
        # instead of adding up every other device for every hold-out.
        total = self.total
        for device, sums in self.by_device.items():
            if without(device):
                total = total - sums
        return total

    def fit(
        self,
        without: Callable[[str], bool] = lambda device: False,
        shared: DecodeCoefficients | None = None,
    ) -> DecodeCoefficients:
        return _solve(self.sums(without), shared)

    @cached_property
    def total(self) -> _Sums:
        total = _Sums()
        for sums in self.by_device.values():
            total = total + sums
        return total

    @property
    def devices(self) -> int:
        return len(self.by_device)


def _predicted(row: Observation, coefficients: DecodeCoefficients) -> float:
    assert row.work is not None
    group = SpeedGroup("", coefficients, Spread(1, 1), 0, 0, True)
    return 1 / decode_seconds(row.work, group, 1.0)


def _held_out_ratios(
    pool: _Pool, pools: dict[str, _Pool], guess: dict[str, tuple[int, ...]]
) -> list[tuple[float, str]]:
    """measured ÷ estimated for every row, each device predicted by a fit without it (the KV
    efficiency and the DeltaNet and latent-attention layer costs, shared by every group,
    refitted without it too)."""
    ratios = []
    for device in pool.by_device:

        def without(other: str, held: str = device) -> bool:
            return other == held

        coefficients = pool.fit(without, _shared_without(pools, guess, without))
        for row in pool.rows:
            if row.device == device:
                assert row.measurement.tg128 is not None
                ratios.append((row.measurement.tg128 / _predicted(row, coefficients), row.device))
    return ratios


def _prefill_samples(rows: Sequence[Observation]) -> list[PrefillSample]:
    """The pp512 results of models run on the device alone, whose device has a matrix peak."""
    return [
        PrefillSample(row.prefill, row.measurement.pp512, row.device, row.prefill_group)
        for row in rows
        if row.prefill is not None
        and row.measurement.pp512 is not None
        and row.measurement.excluded is None
    ]


CPU_GROUP = "CPU"  # `speed_group`'s name for the CPU backend
# The rates per CPU core tried (GB/s): a geometric grid wide enough for phone cores and
# server cores alike. 0 is "no limit", the plain bandwidth model.
CORE_RATES = (0.0, *(round(2.0 * 1.1**step, 3) for step in range(42)))


def _at_core_rate(row: Observation, rate: float) -> Observation:
    """The row with its device's time at peak stretched by the core limit at `rate`, and the
    cores dropped so that nothing stretches it again."""
    work = row.work
    if work is None or not work.cpu_cores:
        return row
    factor = core_factor(work, rate)
    return replace(
        row,
        work=replace(
            work,
            device_weight_seconds_at_peak=work.device_weight_seconds_at_peak * factor,
            device_kv_seconds_at_peak=work.device_kv_seconds_at_peak * factor,
            cpu_cores=None,
        ),
    )


def _unknowns(coefficients: DecodeCoefficients) -> tuple[float, ...]:
    """The coefficients as `_solve`'s unknowns (the inverse of its last line)."""
    return (
        1 / coefficients.efficiency - 1,
        1 / coefficients.kv_efficiency - 1,
        coefficients.layer_seconds,
        coefficients.moe_layer_seconds,
        coefficients.delta_layer_seconds,
        coefficients.mla_layer_seconds,
    )


def _device_weights(rows: Iterable[Observation]) -> dict[str, float]:
    """Each device's rows weigh 1/√rows, as in `_Pool.of`."""
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.device] += 1
    return {device: 1 / math.sqrt(count) for device, count in counts.items()}


def _core_rate(rows: Sequence[Observation]) -> float:
    """The CPU backend's rate per core: of CORE_RATES, the one whose CPU fit leaves the least
    error (0, no limit, unless a limit fits better), each tried as the whole fit would use it,
    the shared KV, DeltaNet and latent-attention coefficients refitted. Only rows whose devices
    state cores move."""
    fitting = [row for row in rows if row.fits_decode]
    cpu = [row for row in fitting if row.group == CPU_GROUP]
    if not any(row.work is not None and row.work.cpu_cores for row in cpu):
        return 0.0
    # The other backends' sums are the same for every rate, so they are added up once. A rate
    # only stretches the CPU rows' bytes, so their features are scaled, not re-derived.
    cpu_weight = _device_weights(cpu)
    by_group: dict[str, list[Observation]] = defaultdict(list)
    for row in fitting:
        by_group[row.group].append(row)
    others = [_Pool.of(group).total for name, group in by_group.items() if name != CPU_GROUP]

    @cache
    def error(rate: float) -> float:
        """The CPU fit's objective at `rate`: weighted squared relative error of time per
        token, with the shared KV, DeltaNet and latent-attention coefficients refitted as the
        whole fit would."""
        features = [_features(row, core_factor(row.work, rate) if row.work else 1.0) for row in cpu]
        group = _Sums()
        for row, terms in zip(cpu, features, strict=True):
            group = group + _sums(terms).times(cpu_weight[row.device])
        unknowns = _unknowns(_solve(group, _shared_fit([*others, group])))
        return float(
            sum(
                cpu_weight[row.device]
                * (sum(map(operator.mul, terms, unknowns)) - _target(terms)) ** 2
                for row, terms in zip(cpu, features, strict=True)
            )
        )

    # Every fourth rate, then the rates around the best of those: a fit is refitted hundreds
    # of times per build by the cross-validation. This assumes the error has one valley in the
    # rate, as it has on the bundled data (every rate printed once, by hand).
    coarse = CORE_RATES.index(min(CORE_RATES[::4], key=error))
    return min(CORE_RATES[max(0, coarse - 3) : coarse + 4], key=error)


def fit_speed_model(rows: Sequence[Observation]) -> SpeedModel:
    """Coefficients and ranges for every group the rows cover, and the pooled fallback."""
    core_rate = _core_rate(rows)
    # The CPU rows priced at that rate from here on: every fit below sees the limit.
    rows = [_at_core_rate(row, core_rate) if row.group == CPU_GROUP else row for row in rows]
    by_group: dict[str, list[Observation]] = defaultdict(list)
    for row in rows:
        by_group[row.group].append(row)
    pools = {name: _Pool.of(by_group[name]) for name in sorted(by_group)}
    totals = [pool.total for pool in pools.values()]
    shared = _shared_fit(totals)
    # Which own unknowns each group keeps above zero: the first guess of every refit below.
    guess = dict(zip(pools, _actives(totals, shared), strict=True))
    pooled = _pooled_group(pools, _Pool.of(rows), shared, guess)
    calibrated_groups = {
        name
        for name, pool in pools.items()
        if len(pool.rows) >= MIN_GROUP_ROWS and pool.devices >= MIN_GROUP_DEVICES
    }
    held_out = {name: _held_out_ratios(pools[name], pools, guess) for name in calibrated_groups}
    # What an unseen device of any calibrated backend faces: the prior each group's range
    # is shrunk toward, so a backend of few devices does not print a range they happen to fit.
    prior = [ratio for name in sorted(held_out) for ratio in held_out[name]]
    groups = {}
    for name, pool in pools.items():
        calibrated = name in calibrated_groups
        coefficients = pool.fit(shared=shared) if calibrated else pooled.decode
        if name == CPU_GROUP:
            coefficients = replace(coefficients, core_gb_s=core_rate)
        groups[name] = SpeedGroup(
            name,
            coefficients,
            spread_from_ratios(held_out[name], prior, PRIOR_DEVICES)
            if calibrated
            else pooled.decode_spread,
            len(pool.rows),
            pool.devices,
            calibrated,
        )
    model = SpeedModel(groups, pooled, prefill=fit_prefill(_prefill_samples(rows)))
    return replace(model, offload=_offload(rows, model))


def _offload(rows: Sequence[Observation], model: SpeedModel) -> OffloadCalibration | None:
    """The CPU's share of system-RAM bandwidth on offloaded weights: for each result with
    offload, the host's bytes at peak over the time the device's part leaves; the median."""
    implied = []
    for row in rows:
        work = row.work
        measured = row.measurement.tg128
        if not row.offloaded or work is None or measured is None or row.measurement.excluded:
            continue
        left = 1 / measured - device_seconds(work, model.group(row.group))
        if left > work.host_seconds_at_peak:  # efficiency ≤ 1, as everywhere
            implied.append((row.device, work.host_seconds_at_peak / left))
    if not implied:
        return None
    return OffloadCalibration(
        statistics.median(value for _, value in implied),
        len(implied),
        len({device for device, _ in implied}),
    )


def _pooled_group(
    pools: dict[str, _Pool],
    pool: _Pool,
    shared: DecodeCoefficients,
    guess: dict[str, tuple[int, ...]],
) -> SpeedGroup:
    """One fit over every group, the shared coefficients held; its range is measured with
    whole groups held out (from the shared coefficients too), which is what a device of an
    uncalibrated group faces."""
    group_of = {row.device: row.group for row in pool.rows}
    ratios: list[tuple[float, str]] = []
    for name in pools:
        others = {other: group for other, group in pools.items() if other != name}
        coefficients = pool.fit(
            without=lambda device, held=name: group_of[device] == held,  # type: ignore[misc]
            shared=_shared_without(others, guess),
        )
        for row in pool.rows:
            if row.group == name:
                assert row.measurement.tg128 is not None
                # Each group weighs the same: the range is for a group the fit has not seen.
                ratios.append((row.measurement.tg128 / _predicted(row, coefficients), row.group))
    return SpeedGroup(
        POOLED,
        pool.fit(shared=shared),
        spread_from_ratios(ratios) if ratios else Spread(0.5, 1.0),
        len(pool.rows),
        pool.devices,
        True,
    )


def calibrate(dataset: Dataset) -> SpeedModel:
    """The speed model fitted to the dataset's measurements (what `calibrate --write` stores)."""
    return fit_speed_model(observations(dataset))


# -- honest validation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Prediction:
    """A measured result against the estimate of a model that never saw its device (or source)."""

    observation: Observation
    decode: float | None
    decode_range: tuple[float, float] | None
    prefill: float | None
    prefill_range: tuple[float, float] | None
    calibrated: bool

    @property
    def decode_error(self) -> float | None:
        return _relative_error(self.decode, self.observation.measurement.tg128)

    @property
    def decode_in_range(self) -> bool | None:
        return _inside(self.decode_range, self.observation.measurement.tg128)

    @property
    def prefill_error(self) -> float | None:
        return _relative_error(self.prefill, self.observation.measurement.pp512)

    @property
    def prefill_in_range(self) -> bool | None:
        return _inside(self.prefill_range, self.observation.measurement.pp512)


def _relative_error(estimate: float | None, measured: float | None) -> float | None:
    if estimate is None or measured is None:
        return None
    return (estimate - measured) / measured


def _inside(bounds: tuple[float, float] | None, measured: float | None) -> bool | None:
    if bounds is None or measured is None:
        return None
    return bounds[0] <= measured <= bounds[1]


HoldOut = Literal["device", "source"]


@cache
def cross_validate(dataset: Dataset, by: HoldOut) -> tuple[Prediction, ...]:
    """Every measurement predicted by a speed model fitted with its device (or source) left out:
    coefficients, ranges and the choice of fallback are all refitted without it.

    Remembered per dataset: it refits the model once per device or source, the slowest part of
    a build, and `mkdocs serve` keeps the dataset (and so this) until a data file changes."""
    rows = observations(dataset)

    def key(row: Observation) -> str:
        return row.device if by == "device" else row.source

    predictions = []
    for held in sorted({key(row) for row in rows}):
        model = fit_speed_model([row for row in rows if key(row) != held])
        for row in rows:
            if key(row) == held:
                predictions.append(predict(row, model))
    return tuple(predictions)


def predict(row: Observation, model: SpeedModel) -> Prediction:
    group = model.group(row.group)
    decode = decode_range = prefill = prefill_range = None
    if row.work is not None and row.measurement.tg128 is not None:
        decode = 1 / decode_seconds(row.work, group, model.host_efficiency)
        decode_range = decode_speed_range(row.work, group, model.host_efficiency, model.host_spread)
    if row.prefill is not None and model.prefill is not None:
        prefill_group = model.prefill.group(row.prefill_group)
        fitted = model.prefill
        prefill = 1 / prefill_seconds(
            row.prefill,
            fitted.expert_cost,
            fitted.recurrent_layer_flops,
            prefill_group.utilisation,
        )
        spread = prefill_group.spread
        prefill_range = (prefill * spread.low, prefill * spread.high)
    return Prediction(row, decode, decode_range, prefill, prefill_range, group.calibrated)
