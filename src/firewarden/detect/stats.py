"""Tail probabilities the detector turns departures into (pure math, no dependencies).

Scores are surprises: ``-log10`` of the probability of seeing something at least as far from
the expected level. Dense series use a normal tail on a robust z; sparse counts use Poisson
(or negative-binomial when over-dispersed) tails, because a few mentions a day are not
normally distributed and a z-score would cry wolf on every second mention.
"""

from __future__ import annotations

import math

_SQRT2 = math.sqrt(2.0)
_LOG10E = math.log10(math.e)
#: Surprises are capped so one absurd point cannot dominate an average.
MAX_SURPRISE = 30.0


def normal_surprise(z: float) -> float:
    """``-log10 P(Z >= z)`` for a standard normal Z (upper tail; z may be negative)."""
    if z < 8.0:
        p = 0.5 * math.erfc(z / _SQRT2)
        return min(MAX_SURPRISE, -math.log10(p)) if p > 0.0 else MAX_SURPRISE
    # Asymptotic tail: log p ~ -z^2/2 - log(z sqrt(2 pi)).
    log_p = -0.5 * z * z - math.log(z * math.sqrt(2.0 * math.pi))
    return min(MAX_SURPRISE, -log_p * _LOG10E)


def poisson_upper_surprise(k: int, mean: float) -> float:
    """``-log10 P(X >= k)`` for X ~ Poisson(mean)."""
    if k <= 0:
        return 0.0
    mean = max(mean, 1e-6)
    # Sum the lower tail P(X <= k-1) when it is the small side, else the upper tail directly.
    log_term = -mean  # log P(X = 0)
    if k - 1 < mean:
        cdf = 0.0
        for i in range(k):
            if i:
                log_term += math.log(mean) - math.log(i)
            cdf += math.exp(log_term)
        p = max(1.0 - cdf, 0.0)
        if p > 1e-12:
            return min(MAX_SURPRISE, -math.log10(p))
    # Upper tail from k on, starting at log P(X = k).
    log_pk = -mean + k * math.log(mean) - math.lgamma(k + 1)
    total = 0.0
    term = 1.0
    i = k
    while term > 1e-12 and i < k + 1000:
        total += term
        i += 1
        term *= mean / i
    log_p = log_pk + math.log(total)
    return min(MAX_SURPRISE, max(0.0, -log_p * _LOG10E))


def negbin_pmf(k: int, mean: float, variance: float) -> float:
    """``P(X = k)`` for the negative binomial (Poisson when not over-dispersed) with this
    mean and variance, as :func:`negbin_upper_surprise` parametrises it: one term of its
    tail, a cheap lower bound on ``P(X >= k)``."""
    if k < 0:
        return 0.0
    mean = max(mean, 1e-6)
    if variance <= mean * 1.01:
        return math.exp(-mean + k * math.log(mean) - math.lgamma(k + 1))
    r = mean * mean / (variance - mean)
    q = mean / (r + mean)
    log_p = (
        math.lgamma(r + k)
        - math.lgamma(r)
        - math.lgamma(k + 1)
        + r * math.log1p(-q)
        + k * math.log(q)
    )
    return math.exp(log_p)


def negbin_upper_surprise(k: int, mean: float, variance: float) -> float:
    """``-log10 P(X >= k)`` for a negative binomial with this mean and variance.

    Falls back to Poisson when the variance does not exceed the mean.
    """
    if k <= 0:
        return 0.0
    mean = max(mean, 1e-6)
    if variance <= mean * 1.01:
        return poisson_upper_surprise(k, mean)
    r = mean * mean / (variance - mean)  # size
    q = mean / (r + mean)  # success-side probability in the pmf r+i choose i (1-q)^r q^i
    log_q = math.log(q)
    log_1q = math.log1p(-q)
    log_p0 = r * log_1q
    # Lower tail P(X <= k-1) by recurrence when k is not far in the tail, else upper tail.
    if k <= mean * 3 + 10:
        cdf = 0.0
        log_term = log_p0
        for i in range(k):
            if i:
                log_term += math.log((r + i - 1) / i) + log_q
            cdf += math.exp(log_term)
        p = max(1.0 - cdf, 0.0)
        if p > 1e-12:
            return min(MAX_SURPRISE, -math.log10(p))
    log_pk = math.lgamma(r + k) - math.lgamma(r) - math.lgamma(k + 1) + log_p0 + k * log_q
    total = 0.0
    term = 1.0
    i = k
    while term > 1e-12 and i < k + 5000:
        total += term
        term *= (r + i) / (i + 1) * q
        i += 1
    log_p = log_pk + math.log(total)
    return min(MAX_SURPRISE, max(0.0, -log_p * _LOG10E))


def binomial_upper_surprise(k: int, n: int, p: float) -> float:
    """``-log10 P(X >= k)`` for X ~ Binomial(n, p): a share of a few trials (3 replies out
    of 3 mentions is not rare when replies are 7 % of mentions; a normal tail says it is)."""
    if k <= 0:
        return 0.0
    if k > n:
        return MAX_SURPRISE
    p = min(max(p, 1e-9), 1.0 - 1e-9)
    log_pk = (
        math.lgamma(n + 1)
        - math.lgamma(k + 1)
        - math.lgamma(n - k + 1)
        + k * math.log(p)
        + (n - k) * math.log1p(-p)
    )
    odds = p / (1.0 - p)
    total = 0.0
    term = 1.0
    i = k
    while i <= n and term > 1e-12 * total:
        total += term
        term *= (n - i) / (i + 1) * odds
        i += 1
    log_p = log_pk + math.log(total)
    return min(MAX_SURPRISE, max(0.0, -log_p * _LOG10E))


def rate_surprise(k: int, uses: float, exposure: float, window: float) -> float:
    """``-log10 P(K >= k)`` for a count K in a window of ``window`` units (mentions, say)
    when the thing was seen ``uses`` times (prior pseudo-count included) in ``exposure``
    units before: the gamma-Poisson predictive, a negative binomial with size ``uses``.

    A thing seen once in 5,000 mentions can turn up twice in the next 20 without much
    surprise if ``uses`` is small (the rate itself is uncertain); the same count for a thing
    seen a hundred times is judged by its well-known rate.
    """
    if k <= 0 or window <= 0.0:
        return 0.0
    exposure = max(exposure, 1e-9)
    uses = max(uses, 1e-9)
    q = window / (exposure + window)
    mean = uses * q / (1.0 - q)
    return negbin_upper_surprise(k, mean, mean / (1.0 - q))
