"""Non-negative least squares on normal equations, by Lawson and Hanson's active-set method.

The speed model is fitted thousands of times per build (once per held-out device inside each
held-out device or source), so the solver works on the small Gram matrix `G = AᵀA` and vector
`b = Aᵀy` that the rows add up to, never on the rows: minimise xᵀGx − 2bᵀx with x ≥ 0.

The unknowns differ by orders of magnitude (an efficiency excess near 0.3, a per-layer cost near
10⁻⁵ s), so each is first scaled to a unit diagonal; the tolerances then mean the same for all.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

Matrix = Sequence[Sequence[float]]
_TOLERANCE = 1e-10
_MAX_ITERATIONS = 100


def nonnegative_least_squares(
    gram: Matrix, vector: Sequence[float], fixed: Mapping[int, float] | None = None
) -> tuple[float, ...]:
    """The x ≥ 0 minimising xᵀ·gram·x − 2·vectorᵀx, with the unknowns in `fixed` held at their
    values. An unknown whose column is all zero (no row exercises it) stays at 0."""
    fixed = dict(fixed or {})
    free = [i for i in range(len(vector)) if i not in fixed and gram[i][i] > 0]
    # The free unknowns' problem once the fixed ones are moved to the right-hand side.
    reduced = [vector[i] - sum(gram[i][j] * value for j, value in fixed.items()) for i in free]
    scale = [1 / math.sqrt(gram[i][i]) for i in free]
    scaled_gram = [
        [gram[i][j] * scale[a] * scale[b] for b, j in enumerate(free)] for a, i in enumerate(free)
    ]
    scaled_vector = [value * scale[a] for a, value in enumerate(reduced)]
    solution = _lawson_hanson(scaled_gram, scaled_vector)
    result = [0.0] * len(vector)
    for index, value in fixed.items():
        result[index] = value
    for a, i in enumerate(free):
        result[i] = solution[a] * scale[a]
    return tuple(result)


def _lawson_hanson(gram: list[list[float]], vector: list[float]) -> list[float]:
    size = len(vector)
    tolerance = _TOLERANCE * max([1.0, *(abs(value) for value in vector)])
    x = [0.0] * size
    passive: list[int] = []
    dependent: set[int] = set()
    for _ in range(_MAX_ITERATIONS):
        gradient = _descent(gram, vector, x)
        candidates = [
            i
            for i in range(size)
            if i not in passive and i not in dependent and gradient[i] > tolerance
        ]
        if not candidates:
            break
        entering = max(candidates, key=lambda i: gradient[i])
        passive.append(entering)
        while passive:
            z = _solve_on(gram, vector, passive)
            if z is None:  # a column dependent on those already in: it adds nothing
                passive = [i for i in passive if i != entering]
                dependent.add(entering)
                break
            if all(z[i] > 0 for i in passive):
                x = z
                break
            # Step from x toward z until the first passive unknown reaches zero; drop it.
            step = min(x[i] / (x[i] - z[i]) for i in passive if z[i] <= 0)
            x = [xi + step * (zi - xi) for xi, zi in zip(x, z, strict=True)]
            passive = [i for i in passive if x[i] > tolerance]
            x = [xi if i in passive else 0.0 for i, xi in enumerate(x)]
    return x


def _descent(gram: list[list[float]], vector: list[float], x: list[float]) -> list[float]:
    """b − Gx: minus half the objective's gradient."""
    return [
        b - sum(g * xj for g, xj in zip(row, x, strict=True))
        for row, b in zip(gram, vector, strict=True)
    ]


def _solve_on(
    gram: list[list[float]], vector: list[float], chosen: list[int]
) -> list[float] | None:
    """The unconstrained minimum over the `chosen` unknowns, the others at zero."""
    values = gauss([[gram[i][j] for j in chosen] for i in chosen], [vector[i] for i in chosen])
    if values is None:
        return None
    z = [0.0] * len(vector)
    for index, value in zip(chosen, values, strict=True):
        z[index] = value
    return z


def gauss(matrix: list[list[float]], vector: list[float]) -> list[float] | None:
    """Solve matrix · x = vector by Gauss–Jordan elimination with partial pivoting; None if
    the matrix is singular."""
    size = len(vector)
    rows = [[*row, value] for row, value in zip(matrix, vector, strict=True)]
    for column in range(size):
        pivot = max(range(column, size), key=lambda r: abs(rows[r][column]))
        if abs(rows[pivot][column]) < 1e-12:
            return None
        rows[column], rows[pivot] = rows[pivot], rows[column]
        for other in range(size):
            if other != column:
                factor = rows[other][column] / rows[column][column]
                pivot_row = rows[column]
                rows[other] = [a - factor * b for a, b in zip(rows[other], pivot_row, strict=True)]
    return [rows[i][size] / rows[i][i] for i in range(size)]
