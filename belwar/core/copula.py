"""Rank correlations between drivers, and the Gaussian copula's correlation matrix.

Analysts state Spearman rank correlations; the copula works on the normal scale, where the
Pearson correlation that yields Spearman ``rho`` is ``2 sin(pi rho / 6)``. A set of pairwise
correlations only makes sense if the matrix is positive definite; when it is not,
:func:`nearest_correlation` finds the closest one that is (Higham 2002).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

Matrix = NDArray[np.float64]
MIN_EIGENVALUE = 1e-8


def pearson_from_spearman(rho: float) -> float:
    """The normal-scale correlation whose Gaussian copula has Spearman correlation ``rho``."""
    return 2 * math.sin(math.pi * rho / 6)


def spearman_from_pearson(r: float) -> float:
    """Inverse of :func:`pearson_from_spearman`."""
    return 6 / math.pi * math.asin(r / 2)


def normal_matrix(names: Sequence[str], pairs: Sequence[tuple[str, str, float]]) -> Matrix:
    """The normal-scale correlation matrix of ``names`` from Spearman ``(a, b, rho)`` pairs."""
    index = {name: i for i, name in enumerate(names)}
    matrix = np.eye(len(names))
    for a, b, rho in pairs:
        matrix[index[a], index[b]] = matrix[index[b], index[a]] = pearson_from_spearman(rho)
    return matrix


def is_positive_definite(matrix: Matrix) -> bool:
    """Whether ``matrix`` is a usable correlation matrix (smallest eigenvalue clear of zero)."""
    return bool(np.linalg.eigvalsh(matrix).min() > MIN_EIGENVALUE)


def nearest_correlation(matrix: Matrix, *, floor: float = 0.01, iterations: int = 500) -> Matrix:
    """The nearest correlation matrix with eigenvalues at least ``floor`` (Higham's alternating
    projections with Dykstra's correction, in the Frobenius norm)."""
    y = matrix.copy()
    correction = np.zeros_like(matrix)
    for _ in range(iterations):
        r = y - correction
        values, vectors = np.linalg.eigh(r)
        x = (vectors * np.maximum(values, floor)) @ vectors.T
        correction = x - r
        y_next = x.copy()
        np.fill_diagonal(y_next, 1.0)
        if np.linalg.norm(y_next - y) < 1e-12:
            y = y_next
            break
        y = y_next
    return (y + y.T) / 2
