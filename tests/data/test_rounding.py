"""A rounded published count stands for an interval: the recount warning reads it that way."""

from __future__ import annotations

import pytest

from paramatlas.validation import rounding_tolerance


@pytest.mark.parametrize(
    ("value", "tolerance"),
    [
        (3e9, 0.5 / 3),  # "3B": 2.5B to 3.5B
        (10e9, 0.05),  # "10B": 9.5B to 10.5B
        (30.5e9, 0.05 / 30.5),  # "30.5B"
        (1e12, 0.5),  # "1T"
        (350e6, 0.5 / 350),  # "350M"
    ],
)
def test_half_a_unit_of_the_last_written_digit(value: float, tolerance: float) -> None:
    assert rounding_tolerance(value) == pytest.approx(tolerance)
