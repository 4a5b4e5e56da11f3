"""The non-negative least-squares solver against hand-solved problems and an exhaustive search."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paramatlas.estimate.nnls import gauss, nonnegative_least_squares


def _normal_equations(rows: list[list[float]], targets: list[float]) -> tuple[list, list]:
    size = len(rows[0])
    gram = [[sum(r[i] * r[j] for r in rows) for j in range(size)] for i in range(size)]
    vector = [sum(r[i] * t for r, t in zip(rows, targets, strict=True)) for i in range(size)]
    return gram, vector


def _objective(gram: list, vector: list, x: tuple[float, ...]) -> float:
    size = range(len(x))
    return sum(x[i] * gram[i][j] * x[j] for i in size for j in size) - 2 * sum(
        x[i] * vector[i] for i in size
    )


def _exhaustive(gram: list, vector: list) -> tuple[float, ...]:
    """Every active set tried: the unconstrained minimum over each subset, kept if feasible."""
    size = len(vector)
    best, best_x = 0.0, (0.0,) * size
    for chosen in itertools.chain.from_iterable(
        itertools.combinations(range(size), k) for k in range(1, size + 1)
    ):
        values = gauss([[gram[i][j] for j in chosen] for i in chosen], [vector[i] for i in chosen])
        if values is None or min(values) < 0:
            continue
        x = [0.0] * size
        for index, value in zip(chosen, values, strict=True):
            x[index] = value
        if _objective(gram, vector, tuple(x)) < best:
            best, best_x = _objective(gram, vector, tuple(x)), tuple(x)
    return best_x


def test_an_unconstrained_minimum_inside_the_orthant_is_returned() -> None:
    # y = 2·a + 3·b exactly, on three rows.
    gram, vector = _normal_equations([[1, 0], [0, 1], [1, 1]], [2, 3, 5])
    assert nonnegative_least_squares(gram, vector) == pytest.approx((2, 3))


def test_a_negative_coefficient_is_clamped_and_the_rest_refitted() -> None:
    # Unconstrained, y ≈ 1·a − 1·b; with b ≥ 0 the best is b = 0 and a = Σay / Σa² = 4/6.
    rows, targets = [[1, 1], [2, 0], [1, 1]], [0, 2, 0]
    gram, vector = _normal_equations(rows, targets)
    a, b = nonnegative_least_squares(gram, vector)
    assert (a, b) == pytest.approx((4 / 6, 0))


def test_a_fixed_unknown_is_held_and_moved_to_the_right_hand_side() -> None:
    gram, vector = _normal_equations([[1, 0], [0, 1], [1, 1]], [2, 3, 5])
    # With b held at 1: minimise (a−2)² + (1−3)² + (a+1−5)², so a = (2 + 4) / 2.
    assert nonnegative_least_squares(gram, vector, {1: 1.0}) == pytest.approx((3, 1))


def test_an_unknown_no_row_exercises_stays_at_zero() -> None:
    gram, vector = _normal_equations([[1, 0, 0], [2, 0, 1]], [1, 2])
    assert nonnegative_least_squares(gram, vector)[1] == 0


def test_unknowns_of_very_different_scales_are_both_found() -> None:
    # The speed model's unknowns: an efficiency excess near 0.3 and a per-layer cost near 1e-5.
    rows = [[1.0, 32_000.0], [0.5, 64_000.0], [2.0, 10_000.0], [1.5, 80_000.0]]
    targets = [0.3 * a + 1e-5 * b for a, b in rows]
    gram, vector = _normal_equations(rows, targets)
    assert nonnegative_least_squares(gram, vector) == pytest.approx((0.3, 1e-5), rel=1e-9)


_entries = st.floats(-10, 10, allow_nan=False).map(lambda v: round(v, 3))


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda size: st.tuples(
            st.lists(st.lists(_entries, min_size=size, max_size=size), min_size=1, max_size=8),
            st.lists(_entries, min_size=8, max_size=8),
        )
    )
)
def test_the_active_set_method_matches_an_exhaustive_search(problem: tuple) -> None:
    rows, targets = problem
    gram, vector = _normal_equations(rows, targets[: len(rows)])
    solution = nonnegative_least_squares(gram, vector)
    assert min(solution) >= 0
    reference = _exhaustive(gram, vector)
    # Degenerate problems have many minimisers; the objective is what must agree.
    scale = max([1.0, *(abs(v) for v in vector)])
    assert math.isclose(
        _objective(gram, vector, solution),
        _objective(gram, vector, reference),
        rel_tol=1e-6,
        abs_tol=1e-6 * scale,
    )
