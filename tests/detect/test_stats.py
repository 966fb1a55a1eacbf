from __future__ import annotations

import math

import pytest

from firewarden.detect.stats import (
    binomial_upper_surprise,
    negbin_pmf,
    negbin_upper_surprise,
    normal_surprise,
    poisson_upper_surprise,
)


def test_normal_surprise_matches_known_tails() -> None:
    assert normal_surprise(0.0) == pytest.approx(math.log10(2))
    assert normal_surprise(3.0) == pytest.approx(-math.log10(0.0013499), rel=1e-3)
    assert normal_surprise(10.0) > normal_surprise(8.0) > normal_surprise(7.9)


def test_poisson_tail_exact() -> None:
    # P(X >= 3 | mean 1) = 1 - e^-1 (1 + 1 + 1/2)
    p = 1 - math.exp(-1) * 2.5
    assert poisson_upper_surprise(3, 1.0) == pytest.approx(-math.log10(p))
    assert poisson_upper_surprise(0, 1.0) == 0.0
    assert poisson_upper_surprise(40, 1.0) > 30 - 1e-9


def test_negative_binomial_is_more_tolerant_than_poisson() -> None:
    assert negbin_upper_surprise(10, 2.0, 8.0) < poisson_upper_surprise(10, 2.0)
    assert negbin_upper_surprise(10, 2.0, 2.0) == poisson_upper_surprise(10, 2.0)


def test_binomial_tail_exact() -> None:
    # P(X >= 1 | n 10, p 0.1) = 1 - 0.9^10; all three of three at p 0.07 is 0.07^3.
    assert binomial_upper_surprise(1, 10, 0.1) == pytest.approx(-math.log10(1 - 0.9**10))
    assert binomial_upper_surprise(3, 3, 0.07) == pytest.approx(-3 * math.log10(0.07))
    assert binomial_upper_surprise(0, 5, 0.1) == 0.0
    assert binomial_upper_surprise(400, 1000, 0.1) == 30.0


@pytest.mark.parametrize(("mean", "variance"), [(0.3, 0.3), (4.0, 4.0), (4.0, 9.0), (30.0, 300.0)])
def test_negbin_pmf_sums_to_one_and_bounds_the_tail(mean: float, variance: float) -> None:
    pmf = [negbin_pmf(k, mean, variance) for k in range(2000)]
    assert math.isclose(sum(pmf), 1.0, rel_tol=1e-6)
    assert math.isclose(sum(k * p for k, p in enumerate(pmf)), mean, rel_tol=1e-4)
    for k in (1, 3, 10, 40, 120):
        tail = 10.0 ** -negbin_upper_surprise(k, mean, variance)
        assert pmf[k] <= tail * (1 + 1e-9)
        assert math.isclose(tail, sum(pmf[k:]), rel_tol=1e-3, abs_tol=1e-12)
