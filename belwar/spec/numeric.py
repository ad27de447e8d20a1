"""Problems only the numbers show: a ``ci90`` that cannot be fitted, a range that holds no
probability, correlations that are not mutually consistent, and the limits of
:mod:`belwar.spec.limits` (:mod:`belwar.spec.limit_checks`).
"""

from __future__ import annotations

from collections.abc import Sequence

from belwar.core import copula, distributions
from belwar.spec import limit_checks
from belwar.spec.compile import resolve
from belwar.spec.entries import entries
from belwar.spec.scenario import Correlation, Scenario
from belwar.spec.words import number


def numeric_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """Problems only the numbers show: a ``ci90`` that cannot be fitted, a range that holds no
    probability, correlations that are not mutually consistent."""
    problems: list[tuple[str, str]] = limit_checks.problems(scenario)
    for entry in entries(scenario):
        try:
            resolve(entry.dist, entry.bounds)
        except distributions.FitError as exc:
            problems.append((entry.dist_path, str(exc)))
    problems += correlation_problems(scenario.correlations)
    return problems


def correlation_problems(correlations: Sequence[Correlation]) -> list[tuple[str, str]]:
    """Whether the correlations can hold together; only asked of distinct pairs of two drivers
    (a repeated or self pair is reported on its own)."""
    pairs = {frozenset(c.between) for c in correlations}
    if not correlations or len(pairs) < len(correlations) or any(len(p) < 2 for p in pairs):
        return []
    names = sorted({n for c in correlations for n in c.between})
    matrix = copula.normal_matrix(
        names, [(c.between[0], c.between[1], c.rho) for c in correlations]
    )
    if copula.is_positive_definite(matrix):
        return []
    return [("correlations", _inconsistent(names, correlations, matrix))]


def _inconsistent(
    names: list[str], correlations: Sequence[Correlation], matrix: copula.Matrix
) -> str:
    nearest = copula.nearest_correlation(matrix)
    index = {n: i for i, n in enumerate(names)}
    changes = []
    for corr in correlations:
        a, b = corr.between
        suggested = copula.spearman_from_pearson(float(nearest[index[a], index[b]]))
        if abs(suggested - corr.rho) >= 0.005:
            changes.append(f"[{a}, {b}] {number(corr.rho)} -> {suggested:.2f}")
    return (
        "these correlations cannot hold together (the matrix is not positive definite); "
        "the nearest set that can changes " + "; ".join(changes)
    )
