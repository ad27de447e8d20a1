"""Rank-to-normal correlation conversion and the nearest valid correlation matrix."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from belwar.core import copula


@given(st.floats(-1, 1))
def test_spearman_pearson_round_trip(rho: float) -> None:
    assert copula.spearman_from_pearson(copula.pearson_from_spearman(rho)) == pytest.approx(
        rho, abs=1e-12
    )


def test_conversion_endpoints() -> None:
    assert copula.pearson_from_spearman(1.0) == pytest.approx(1.0)
    assert copula.pearson_from_spearman(0.0) == 0.0


def test_nearest_correlation_repairs_an_inconsistent_matrix() -> None:
    names = ["a", "b", "c"]
    matrix = copula.normal_matrix(names, [("a", "b", 0.9), ("a", "c", 0.9), ("b", "c", -0.9)])
    assert not copula.is_positive_definite(matrix)
    fixed = copula.nearest_correlation(matrix)
    assert copula.is_positive_definite(fixed)
    np.testing.assert_allclose(np.diag(fixed), 1.0)
    np.testing.assert_allclose(fixed, fixed.T)
    # nearest: a valid matrix that moved less than the identity would be worse than useless
    assert np.linalg.norm(fixed - matrix) < np.linalg.norm(np.eye(3) - matrix)


def test_consistent_matrix_is_left_alone() -> None:
    matrix = copula.normal_matrix(["a", "b"], [("a", "b", 0.3)])
    assert copula.is_positive_definite(matrix)
    np.testing.assert_allclose(copula.nearest_correlation(matrix), matrix, atol=1e-9)
