"""Checks for notebook 00 (welcome: vectorization and broadcasting).

Each ``reference_*`` function is the answer, usable by later notebooks instead of a
learner's stub; each check runs the learner's function against it on the same inputs.
"""
from __future__ import annotations

import numpy as np

from course_utils._validation import check_array
from course_utils.checks.core import CheckResult, check_function

__all__ = [
    "column_percentages", "reference_column_percentages",
    "normalize_rows", "reference_normalize_rows",
    "pairwise_sq_distances", "reference_pairwise_sq_distances",
    "standardize_columns", "reference_standardize_columns",
]

def reference_column_percentages(a) -> np.ndarray:
    """Each entry as a percentage of its column's total.

    The "calories" example from the lecture: rows are nutrients, columns are
    foods, and the result says which share of each food's total comes from
    each nutrient.

    Parameters
    ----------
    a : array_like, shape (m, n)
        Non-negative numbers; every column must have a positive total.

    Returns
    -------
    ndarray of float, shape (m, n)
        ``100 * a / a.sum(axis=0)``; every column sums to 100.
    """
    a = check_array("a", a, ndim=2)
    return 100 * a / a.sum(axis=0, keepdims=True)  # (m, n) / (1, n)


def reference_normalize_rows(x) -> np.ndarray:
    """Scale every row to unit Euclidean (L2) norm.

    Parameters
    ----------
    x : array_like, shape (m, n)
        One example per row; rows must not be all zeros (they would give NaN).

    Returns
    -------
    ndarray of float, shape (m, n)
        ``x / ||x_i||`` row by row, the same as ``tf.math.l2_normalize(x, axis=1)``.
    """
    x = check_array("x", x, ndim=2)
    norms = np.linalg.norm(x, axis=1, keepdims=True)  # (m, 1): one norm per row
    return x / norms


def reference_pairwise_sq_distances(x, y) -> np.ndarray:
    """Squared Euclidean distances between every row of ``x`` and every row of ``y``.

    Parameters
    ----------
    x : array_like, shape (m, d)
    y : array_like, shape (k, d)

    Returns
    -------
    ndarray of float, shape (m, k)
        Entry ``[i, j]`` is ``||x[i] - y[j]||**2``.

    Raises
    ------
    ValueError
        If ``x`` and ``y`` have a different number of columns ``d``.
    """
    x = check_array("x", x, ndim=2)
    y = check_array("y", y, ndim=2)
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"x and y must have the same number of columns, got shapes {x.shape} and {y.shape}")
    differences = x[:, None, :] - y[None, :, :]  # (m, k, d)
    return np.sum(differences**2, axis=-1)


def reference_standardize_columns(x) -> np.ndarray:
    """Give every column mean 0 and (population) standard deviation 1.

    Parameters
    ----------
    x : array_like, shape (m, n)
        One example per row, at least two rows; no column may be constant.

    Returns
    -------
    ndarray of float, shape (m, n)
        ``(x - x.mean(axis=0)) / x.std(axis=0)``, with ``ddof=0`` (NumPy's default;
        pandas' ``.std()`` uses ``ddof=1``).
    """
    x = check_array("x", x, ndim=2)
    return (x - x.mean(axis=0)) / x.std(axis=0)


def _column_percentages_cases() -> list[tuple]:
    rng = np.random.default_rng(0)
    calories = np.array([[56.0, 0.0, 4.4, 68.0],    # carbohydrate; columns: apples, beef, eggs, potatoes
                         [1.2, 104.0, 52.0, 8.0],   # protein
                         [1.8, 135.0, 99.0, 0.9]])  # fat
    return [
        (calories,),
        (rng.uniform(0.5, 50.0, size=(3, 3)),),    # square: a row/column mix-up gives no shape error
        (rng.uniform(1.0, 10.0, size=(1, 5)),),    # a single row: every entry is 100
        (rng.uniform(0.1, 5.0, size=(4, 1)),),     # a single column
        (rng.integers(1, 100, size=(5, 2)),),      # integer counts
    ]


_COLUMN_PERCENTAGES_HINTS = (
    (lambda a: 100 * a / a.sum(axis=1, keepdims=True),
     "these are percentages of each *row's* total. Sum down the columns with `a.sum(axis=0)`."),
    (lambda a: 100 * a / a.sum(axis=1),
     "`a.sum(axis=1)` gives one total per row; you need one per column, `a.sum(axis=0)`."),
    (lambda a: a / a.sum(axis=0, keepdims=True),
     "these are fractions between 0 and 1; multiply by 100 to get percentages."),
    (lambda a: 100 * a / a.sum(),
     "you divided by the grand total of the whole array; divide by each column's total, `a.sum(axis=0)`."),
)


def column_percentages(student_fn, strict: bool = False) -> CheckResult:
    """Check ``column_percentages(a)`` against :func:`reference_column_percentages`.

    Parameters
    ----------
    student_fn : callable
        The learner's ``column_percentages(a)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_column_percentages, _column_percentages_cases(),
                          name="column_percentages", strict=strict, hints=_COLUMN_PERCENTAGES_HINTS)


def _normalize_rows_cases() -> list[tuple]:
    rng = np.random.default_rng(1)
    return [
        (np.array([[0.0, 3.0, 4.0], [1.0, 6.0, 4.0]]),),
        (rng.normal(size=(4, 3)),),
        (rng.normal(size=(3, 3)),),                 # square: broadcasting the wrong way gives no error
        (rng.normal(size=(1, 5)),),                 # a single row
        (rng.normal(size=(5, 1)),),                 # a single column: every entry becomes ±1
        (rng.uniform(0.0, 100.0, size=(6, 4)),),
    ]


_NORMALIZE_ROWS_HINTS = (
    (lambda x: x / np.linalg.norm(x, axis=0, keepdims=True),
     "you normalised the columns. Each *row* should have length 1: `np.linalg.norm(x, axis=1, keepdims=True)`."),
    (lambda x: x / np.linalg.norm(x, axis=1),
     "the row norms have shape (m,), which broadcasts along the wrong axis. Keep them as a column of "
     "shape (m, 1) with `keepdims=True`."),
    (lambda x: x / np.sum(x**2, axis=1, keepdims=True),
     "you divided by the sum of squares; the Euclidean norm is its square root."),
    (lambda x: x / np.sum(np.abs(x), axis=1, keepdims=True),
     "you divided by the sum of absolute values (the L1 norm); use the Euclidean norm, "
     "the square root of the sum of squares."),
)


def normalize_rows(student_fn, strict: bool = False) -> CheckResult:
    """Check ``normalize_rows(x)`` against :func:`reference_normalize_rows`.

    Parameters
    ----------
    student_fn : callable
        The learner's ``normalize_rows(x)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_normalize_rows, _normalize_rows_cases(),
                          name="normalize_rows", strict=strict, hints=_NORMALIZE_ROWS_HINTS)


def _pairwise_sq_distances_cases() -> list[tuple]:
    rng = np.random.default_rng(2)
    points = rng.normal(size=(5, 2))
    return [
        (rng.normal(size=(4, 3)), rng.normal(size=(5, 3))),
        (rng.normal(size=(1, 2)), rng.normal(size=(3, 2))),    # a single x point
        (rng.normal(size=(3, 4)), rng.normal(size=(1, 4))),    # a single y point
        (points, points.copy()),                               # distances of a set to itself: zero diagonal
        (rng.normal(loc=5.0, scale=3.0, size=(6, 2)), rng.normal(size=(2, 2))),
    ]


def _expansion_without_two(x, y):
    return np.sum(x**2, axis=1)[:, None] - x @ y.T + np.sum(y**2, axis=1)[None, :]


def _expansion_wrong_sign(x, y):
    return np.sum(x**2, axis=1)[:, None] + 2 * x @ y.T + np.sum(y**2, axis=1)[None, :]


_PAIRWISE_SQ_DISTANCES_HINTS = (
    (lambda x, y: np.sqrt(reference_pairwise_sq_distances(x, y)),
     "these are distances; the exercise asks for *squared* distances, so leave out the square root."),
    (lambda x, y: reference_pairwise_sq_distances(x, y).T,
     "your result is transposed: entry [i, j] pairs row i of x with row j of y, so the shape is (m, k)."),
    (lambda x, y: np.sum((x - y) ** 2, axis=1),
     "`x - y` pairs row i of x with row i of y only. Add axes so every pair meets: "
     "`x[:, None, :] - y[None, :, :]` has shape (m, k, d)."),
    (lambda x, y: (x[:, None, :] - y[None, :, :]) ** 2,
     "sum the squared differences over the last axis (`axis=-1`) to get one number per pair."),
    (_expansion_without_two,
     "in the expansion ||x||² − 2 x·y + ||y||², the middle term is *twice* `x @ y.T`."),
    (_expansion_wrong_sign,
     "in the expansion ||x||² − 2 x·y + ||y||², the middle term is subtracted."),
)


def pairwise_sq_distances(student_fn, strict: bool = False) -> CheckResult:
    """Check ``pairwise_sq_distances(x, y)`` against :func:`reference_pairwise_sq_distances`.

    The tolerance (``rtol=1e-5``, ``atol=1e-6``) accepts the expansion
    ``||x||² - 2 x·y + ||y||²``, whose rounding leaves tiny non-zero values
    (even slightly negative ones) where two points coincide.

    Parameters
    ----------
    student_fn : callable
        The learner's ``pairwise_sq_distances(x, y)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_pairwise_sq_distances, _pairwise_sq_distances_cases(),
                          name="pairwise_sq_distances", strict=strict, rtol=1e-5, atol=1e-6,
                          hints=_PAIRWISE_SQ_DISTANCES_HINTS)


def _standardize_columns_cases() -> list[tuple]:
    rng = np.random.default_rng(3)
    return [
        (rng.normal(loc=[0.0, 10.0, -5.0], scale=[1.0, 5.0, 0.1], size=(6, 3)),),
        (rng.normal(size=(4, 4)),),                 # square: a row/column mix-up gives no shape error
        (rng.normal(size=(2, 3)),),                 # two rows: every entry becomes ±1
        (rng.uniform(0.0, 255.0, size=(10, 1)),),   # a single column
        (rng.normal(loc=100.0, scale=20.0, size=(8, 2)),),
    ]


_STANDARDIZE_COLUMNS_HINTS = (
    (lambda x: (x - x.mean(axis=1, keepdims=True)) / x.std(axis=1, keepdims=True),
     "you standardised the rows. Each *column* is a feature: use `axis=0` for the mean and the std."),
    (lambda x: (x - x.mean(axis=1)) / x.std(axis=1),
     "`axis=1` gives one mean per row; each column (feature) needs its own mean and std, `axis=0`."),
    (lambda x: (x - x.mean(axis=0)) / x.std(axis=0, ddof=1),
     "the standard-deviation convention differs: use the population std, `x.std(axis=0)` (ddof=0, "
     "NumPy's default), not the sample std with ddof=1 (pandas' default)."),
    (lambda x: x / x.std(axis=0),
     "subtract each column's mean before dividing by its standard deviation."),
    (lambda x: x - x.mean(axis=0),
     "after subtracting the mean, divide by each column's standard deviation."),
    (lambda x: (x - x.mean(axis=0)) / x.var(axis=0),
     "you divided by the variance; the standard deviation is its square root."),
)


def standardize_columns(student_fn, strict: bool = False) -> CheckResult:
    """Check ``standardize_columns(x)`` against :func:`reference_standardize_columns`.

    Parameters
    ----------
    student_fn : callable
        The learner's ``standardize_columns(x)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_standardize_columns, _standardize_columns_cases(),
                          name="standardize_columns", strict=strict, hints=_STANDARDIZE_COLUMNS_HINTS)
