"""Tests for ``course_utils.checks``: the check framework, gradient checking and the notebook-00 checks."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course_utils import checks

# --------------------------------------------------------------------------- learner functions used below


def not_attempted(*args):
    # YOUR CODE HERE
    raise NotImplementedError


def returns_none(*args):
    pass


def returns_string(*args):
    return "I am not an array"


# name -> (check, reference)
CHECKS = {
    "column_percentages": (checks.column_percentages, checks.reference_column_percentages),
    "normalize_rows": (checks.normalize_rows, checks.reference_normalize_rows),
    "pairwise_sq_distances": (checks.pairwise_sq_distances, checks.reference_pairwise_sq_distances),
    "standardize_columns": (checks.standardize_columns, checks.reference_standardize_columns),
}

# name -> typical mistakes as (label, learner function, expected status, words in the message)
MISTAKES = {
    "column_percentages": [
        ("row totals, keepdims", lambda a: 100 * a / a.sum(axis=1, keepdims=True), "failed", ["row", "axis=0"]),
        ("row totals", lambda a: 100 * a / a.sum(axis=1), "error", ["ValueError", "axis=0"]),
        ("forgot the 100", lambda a: a / a.sum(axis=0), "failed", ["expected 94.9153", "multiply by 100"]),
        ("grand total", lambda a: 100 * a / a.sum(), "failed", ["grand total"]),
    ],
    "normalize_rows": [
        ("columns", lambda x: x / np.linalg.norm(x, axis=0, keepdims=True), "failed", ["columns", "axis=1"]),
        ("no keepdims", lambda x: x / np.linalg.norm(x, axis=1), "error", ["broadcast", "keepdims=True"]),
        ("squared norm", lambda x: x / np.sum(x**2, axis=1, keepdims=True), "failed", ["square root"]),
        ("transposed", lambda x: checks.reference_normalize_rows(x).T, "failed", ["shape", "transposed"]),
    ],
    "pairwise_sq_distances": [
        ("sqrt", lambda x, y: np.sqrt(checks.reference_pairwise_sq_distances(x, y)), "failed", ["squared"]),
        ("transposed", lambda x, y: checks.reference_pairwise_sq_distances(y, x), "failed",
         ["expected shape (4, 5), got (5, 4)", "transposed"]),
        ("no new axes", lambda x, y: np.sum((x - y) ** 2, axis=1), "error", ["broadcast", "x[:, None, :]"]),
        ("no sum", lambda x, y: (x[:, None, :] - y[None, :, :]) ** 2, "failed", ["shape", "axis=-1"]),
        ("expansion without 2",
         lambda x, y: np.sum(x**2, 1)[:, None] - x @ y.T + np.sum(y**2, 1)[None, :], "failed", ["twice"]),
    ],
    "standardize_columns": [
        ("rows, keepdims", lambda x: (x - x.mean(axis=1, keepdims=True)) / x.std(axis=1, keepdims=True),
         "failed", ["rows", "axis=0"]),
        ("rows", lambda x: (x - x.mean(axis=1)) / x.std(axis=1), "error", ["ValueError", "axis=0"]),
        ("ddof=1", lambda x: (x - x.mean(axis=0)) / x.std(axis=0, ddof=1), "failed", ["ddof", "convention"]),
        ("no centring", lambda x: x / x.std(axis=0), "failed", ["subtract each column's mean"]),
        ("variance", lambda x: (x - x.mean(axis=0)) / x.var(axis=0), "failed", ["variance"]),
    ],
}


def _correct_alternatives():
    """Other correct solutions a learner might write (loops, the expansion, ...)."""

    def normalize_rows_loop(x):
        result = np.empty_like(x, dtype=float)
        for i in range(x.shape[0]):
            result[i] = x[i] / np.sqrt(np.sum(x[i] ** 2))
        return result

    def pairwise_expansion(x, y):
        return np.sum(x**2, axis=1)[:, None] - 2 * x @ y.T + np.sum(y**2, axis=1)[None, :]

    return [
        ("column_percentages", lambda a: (100 * a / a.sum(axis=0)).tolist()),  # a nested list is accepted
        ("column_percentages", lambda a: 100 * a / a.sum(axis=0).reshape(1, -1)),
        ("normalize_rows", normalize_rows_loop),
        ("normalize_rows", lambda x: (x.T / np.linalg.norm(x, axis=1)).T),
        ("normalize_rows", lambda x: x.astype(np.float32) / np.linalg.norm(x, axis=1, keepdims=True)),
        ("pairwise_sq_distances", pairwise_expansion),
        ("standardize_columns", lambda x: (x - np.mean(x, 0)) / np.sqrt(np.mean((x - np.mean(x, 0)) ** 2, 0))),
    ]


# --------------------------------------------------------------------------- exercise checks


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_reference_passes(name, capsys):
    check, reference = CHECKS[name]
    result = check(reference)
    out = capsys.readouterr().out
    assert result.status == "passed" and result.passed and bool(result)
    assert out.startswith(f"✅ {name}: passed (") and "test cases)" in out
    assert out.strip() == result.message


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_reference_passes_strict(name, capsys):
    check, reference = CHECKS[name]
    assert check(reference, strict=True).passed
    assert "passed" in capsys.readouterr().out


@pytest.mark.parametrize("name, alternative", _correct_alternatives(),
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(_correct_alternatives())])
def test_other_correct_solutions_pass(name, alternative, capsys):
    result = CHECKS[name][0](alternative)
    assert result.status == "passed", result.message


@pytest.mark.parametrize("name, label, mistake, status, words",
                         [(name, label, fn, status, words) for name, items in MISTAKES.items()
                          for label, fn, status, words in items],
                         ids=[f"{name}-{label}" for name, items in MISTAKES.items() for label, *_ in items])
def test_typical_mistakes_are_rejected_with_a_hint(name, label, mistake, status, words, capsys):
    result = CHECKS[name][0](mistake)
    out = capsys.readouterr().out
    assert result.status == status, result.message
    assert out.strip() == result.message
    assert out.startswith(f"❌ {name}: ")
    for word in words:
        assert word in result.message, (word, result.message)
    if label != "transposed" or name == "pairwise_sq_distances":
        assert "💡 hint:" in result.message
    assert len(result.message.splitlines()) <= 4  # one short message


@pytest.mark.parametrize("name, label, mistake, status, words",
                         [(name, label, fn, status, words) for name, items in MISTAKES.items()
                          for label, fn, status, words in items][::3])
def test_typical_mistakes_raise_when_strict(name, label, mistake, status, words, capsys):
    with pytest.raises(AssertionError) as info:
        CHECKS[name][0](mistake, strict=True)
    assert str(info.value).startswith(f"❌ {name}:")
    assert capsys.readouterr().out == ""  # the message is in the exception, not printed twice


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_nan_result_is_reported(name, capsys):
    reference = CHECKS[name][1]
    result = CHECKS[name][0](lambda *args: np.full_like(reference(*args), np.nan))
    assert result.status == "failed"
    assert "NaN at index [0, 0]" in result.message


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_inf_result_is_reported(name, capsys):
    reference = CHECKS[name][1]

    def with_inf(*args):
        result = reference(*args).copy()
        result[0, 0] = np.inf
        return result

    result = CHECKS[name][0](with_inf)
    assert result.status == "failed" and "inf at index [0, 0]" in result.message


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_changing_the_input_in_place_fails_even_with_the_right_result(name, capsys):
    reference = CHECKS[name][1]

    def right_but_mutating(*args):
        result = reference(*args)
        for arg in args:
            arg[...] = 0.0  # corrupts the learner's copy only
        return result

    result = CHECKS[name][0](right_but_mutating)
    assert result.status == "failed"
    assert "your result is right, but your function changed its input" in result.message
    assert "in place" in result.message


def test_in_place_division_is_reported(capsys):
    def normalize_rows(x):
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        return x

    result = checks.normalize_rows(normalize_rows)
    assert result.status == "failed" and "`x`" in result.message and "x /= ..." in result.message


def test_learner_cannot_corrupt_the_inputs_of_the_reference(capsys):
    case = np.arange(1.0, 7.0).reshape(2, 3)
    pristine = case.copy()
    seen_by_reference = []

    def reference(x):
        seen_by_reference.append(x.copy())
        return 2 * x

    def learner(x):
        answer = 2 * x
        x[...] = -1.0  # vandalises its input after computing the answer
        return answer

    # the learner runs on its own copy: the right answer passes when in-place changes are allowed
    for _ in range(2):
        result = checks.check_function(learner, reference, [(case,), (case,)], name="double",
                                       allow_input_mutation=True)
        assert result.passed, result.message
    assert all(np.array_equal(seen, pristine) for seen in seen_by_reference)
    np.testing.assert_array_equal(case, pristine)  # the case stored by the check is untouched too
    assert not checks.check_function(learner, reference, [(case,)], name="double")


def test_check_result_displays_nothing_more_and_has_a_short_repr(capsys):
    result = checks.normalize_rows(checks.reference_normalize_rows)
    capsys.readouterr()
    assert result._ipython_display_() is None
    assert capsys.readouterr().out == ""
    assert repr(result) == "CheckResult(name='normalize_rows', status='passed')"
    assert str(result) == result.message
    with pytest.raises(ValueError, match="status"):
        checks.CheckResult("x", "great", "")


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_exercise_checks_validate_their_arguments(name):
    check, reference = CHECKS[name]
    with pytest.raises(TypeError, match="student_fn"):
        check(np.zeros(3))
    with pytest.raises(TypeError, match="strict"):
        check(reference, strict="yes")
    with pytest.raises(TypeError, match="strict"):
        check(reference, strict=1)


def test_every_exercise_check_has_a_documented_reference():
    from course_utils.checks import nb00_welcome

    exercises = [n for n in nb00_welcome.__all__ if f"reference_{n}" in nb00_welcome.__all__]
    assert sorted(exercises) == sorted(CHECKS)  # notebook 00's checks are the ones tested here
    assert set(nb00_welcome.__all__) <= set(checks.__all__)  # and re-exported by the package
    for name in checks.__all__:
        assert getattr(checks, name) is not None
        if callable(getattr(checks, name)):
            assert getattr(checks, name).__doc__, name


def test_references_validate_input():
    with pytest.raises(ValueError, match="same number of columns"):
        checks.reference_pairwise_sq_distances(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="dimension"):
        checks.reference_normalize_rows(np.ones(3))
    with pytest.raises(TypeError):
        checks.reference_column_percentages("abc")


def test_reference_values_on_small_examples():
    np.testing.assert_allclose(checks.reference_normalize_rows([[0.0, 3.0, 4.0], [1.0, 6.0, 4.0]]),
                               [[0.0, 0.6, 0.8], [1 / np.sqrt(53), 6 / np.sqrt(53), 4 / np.sqrt(53)]])
    calories = np.array([[56.0, 0.0, 4.4, 68.0], [1.2, 104.0, 52.0, 8.0], [1.8, 135.0, 99.0, 0.9]])
    np.testing.assert_allclose(checks.reference_column_percentages(calories).sum(axis=0), 100.0)
    np.testing.assert_allclose(checks.reference_column_percentages(calories)[0, 0], 94.91525, rtol=1e-6)
    np.testing.assert_allclose(checks.reference_pairwise_sq_distances([[0.0, 0.0], [1.0, 1.0]], [[3.0, 4.0]]),
                               [[25.0], [13.0]])
    standardized = checks.reference_standardize_columns(np.array([[1.0, 10.0], [3.0, 30.0], [5.0, 20.0]]))
    np.testing.assert_allclose(standardized.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(standardized.std(axis=0), 1.0)


# --------------------------------------------------------------------------- check_function


def test_check_function_reports_the_first_failing_case_with_input_shapes(capsys):
    cases = [(np.ones((2, 3)),), (np.ones((1, 4)),), (np.ones((5, 5)),)]
    result = checks.check_function(lambda x: x * (x.shape[0] == 2), lambda x: x, cases, name="identity")
    assert result.status == "failed"
    assert "test case 2 of 3 (x: float64 array of shape (1, 4))" in result.message
    assert "expected 1, got 0" in result.message and "rtol=1e-05, atol=1e-08" in result.message


def test_check_function_accepts_keyword_cases_and_tuple_results(capsys):
    def reference(a, b=1.0):
        return a + b, a - b

    cases = [{"a": np.arange(3.0), "b": 2.0}, (np.ones((2, 2)),)]
    assert checks.check_function(reference, reference, cases, name="pair").passed
    result = checks.check_function(lambda a, b=1.0: (a + b, a + b), reference, cases, name="pair")
    assert result.status == "failed" and "your result[1]: values differ at index [0]" in result.message
    assert "a: float64 array of shape (3,), b: 2.0" in result.message
    result = checks.check_function(lambda a, b=1.0: a + b, reference, cases, name="pair")
    assert "expected a tuple of 2 values" in result.message


def test_check_function_hints_pairs_dict_and_callable(capsys):
    def reference(x):
        return x.sum(axis=0)

    def mistake(x):
        return x.sum(axis=1)

    cases = [(np.arange(6.0).reshape(2, 3),)]
    for hints in ([(mistake, "use axis=0")], {mistake: "use axis=0"}):
        result = checks.check_function(mistake, reference, cases, name="sums", hints=hints)
        assert "💡 hint: use axis=0" in result.message
    calls = []

    def hint_fn(*, got, expected, error, inputs):
        calls.append((got, error, inputs))
        return "callable hint"

    result = checks.check_function(mistake, reference, cases, name="sums", hints=hint_fn)
    assert "💡 hint: callable hint" in result.message and set(calls[0][2]) == {"x"}
    # a hint function that itself fails is ignored
    result = checks.check_function(mistake, reference, cases, name="sums", hints=lambda **kw: 1 / 0)
    assert result.status == "failed" and "hint" not in result.message
    # no hint for an unrelated wrong answer
    result = checks.check_function(lambda x: x, reference, cases, name="sums", hints=[(mistake, "use axis=0")])
    assert "hint" not in result.message and "expected shape (3,), got (2, 3)" in result.message


def test_check_function_reports_where_the_learner_code_failed(capsys):
    def learner(x):
        count = len(x)
        return x * (1 / (count - len(x)))  # ZeroDivisionError inside the learner's own line

    result = checks.check_function(learner, lambda x: x, [(np.ones(3),)], name="loc")
    assert result.status == "error"
    assert "ZeroDivisionError" in result.message
    assert "of learner: `return x * (1 / (count - len(x)))" in result.message


def test_check_function_not_attempted_even_when_raised_later(capsys):
    def partly(x):
        if x.size > 3:
            raise NotImplementedError("big inputs")
        return x

    result = checks.check_function(partly, lambda x: x, [(np.ones(2),), (np.ones(5),)], name="partly")
    assert result.status == "not attempted"


def test_check_function_reference_failure_is_a_course_bug():
    with pytest.raises(RuntimeError, match="bug in course_utils"):
        checks.check_function(lambda x: x, lambda x: 1 / 0, [(1.0,)], name="broken")


@pytest.mark.parametrize("kwargs, error, word", [
    ({"student_fn": "not a function"}, TypeError, "student_fn"),
    ({"student_fn": None}, TypeError, "student_fn"),
    ({"reference_fn": 3}, TypeError, "reference_fn"),
    ({"strict": "yes"}, TypeError, "strict"),
    ({"strict": None}, TypeError, "strict"),
    ({"name": ""}, TypeError, "name"),
    ({"name": 3}, TypeError, "name"),
    ({"cases": []}, ValueError, "cases"),
    ({"cases": "abc"}, TypeError, "cases"),
    ({"cases": [np.ones(3)]}, TypeError, r"cases\[0\]"),
    ({"rtol": -1.0}, ValueError, "rtol"),
    ({"atol": "0.1"}, TypeError, "atol"),
    ({"hints": "axis=0"}, TypeError, "hints"),
    ({"hints": [("not callable", "text")]}, TypeError, r"hints\[0\]"),
    ({"allow_input_mutation": "no"}, TypeError, "allow_input_mutation"),
])
def test_check_function_validates_its_own_arguments(kwargs, error, word):
    arguments = {"student_fn": abs, "reference_fn": abs, "cases": [(1.0,)], "name": "abs"}
    arguments.update(kwargs)
    with pytest.raises(error, match=word):
        checks.check_function(arguments.pop("student_fn"), arguments.pop("reference_fn"),
                              arguments.pop("cases"), **arguments)


# --------------------------------------------------------------------------- compare


def test_compare_messages():
    expected = np.arange(12.0).reshape(4, 3)
    assert checks.compare("r", expected.copy(), expected)[0]
    ok, message = checks.compare("r", expected.T, expected)
    assert not ok and message == "r: expected shape (4, 3), got (3, 4) (transposed?)"
    got = expected.copy()
    got[1, 2] = 99.0
    ok, message = checks.compare("r", got, expected, rtol=0.0, atol=0.5)
    assert not ok
    assert "values differ at index [1, 2]: expected 5, got 99 (tolerance rtol=0, atol=0.5)" in message
    assert "1 of 12 values differ" in message
    ok, message = checks.compare("r", np.full((4, 3), np.nan), expected)
    assert "contains NaN at index [0, 0] (12 of 12 values are NaN)" in message
    assert checks.compare("r", np.array([np.nan, 1.0]), np.array([np.nan, 1.0]))[0]  # NaN where expected
    ok, message = checks.compare("r", np.array([1.0, -np.inf]), np.array([1.0, 2.0]))
    assert "contains -inf at index [1]" in message
    ok, message = checks.compare("r", expected.astype(int) // 2, expected / 2)
    assert not ok and "integer dtype" in message
    ok, message = checks.compare("r", 0.25, 0.5)
    assert message == "r: expected 0.5, got 0.25 (tolerance rtol=1e-05, atol=1e-08)"
    ok, message = checks.compare("r", np.array([1.0]), 1.0)
    assert not ok and "expected shape () (a single number), got (1,)" in message
    ok, message = checks.compare("r", np.array([1 + 2j, 3]), np.array([1.0, 3.0]))
    assert not ok and "complex" in message
    assert checks.compare("r", np.array([1 + 0j, 3]), np.array([1.0, 3.0]))[0]
    assert checks.compare("r", [1, 2], np.array([1, 2]))[0]
    ok, message = checks.compare("r", np.array([1, 3]), np.array([1, 2]))
    assert not ok and "exact match required" in message
    assert checks.compare("r", np.array([True, False]), np.array([1.0, 0.0]))[0]


def test_compare_tuples_and_dicts():
    expected = (np.zeros(2), 1.0)
    assert checks.compare("r", [np.zeros(2), 1.0], expected)[0]
    assert "expected a tuple of 2 values, got 3 values" in checks.compare("r", (1, 2, 3), expected)[1]
    assert "r[0]: expected shape (2,), got (3,)" in checks.compare("r", (np.zeros(3), 1.0), expected)[1]
    expected = {"dW": np.ones((2, 2)), "db": 0.5}
    assert checks.compare("grads", {"db": 0.5, "dW": np.ones((2, 2))}, expected)[0]
    assert "missing keys ['db']" in checks.compare("grads", {"dW": np.ones((2, 2))}, expected)[1]
    assert "grads['db']: expected 0.5, got 0.4" in checks.compare("grads", {"dW": np.ones((2, 2)), "db": 0.4},
                                                                      expected)[1]


class _Hostile:
    """An object that breaks every protocol NumPy or a message could touch."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array for you")

    def __len__(self):
        raise RuntimeError("no len")

    def __repr__(self):
        raise RuntimeError("no repr")

    __str__ = __repr__


@pytest.mark.parametrize("got, word", [
    (None, "None"), ("abc", "str"), (b"abc", "bytes"), ({"a": 1}, "dict"), ({1, 2}, "set"),
    ([[1, 2], [3]], "cannot turn"), ([1, None, 3], "shape"), ([[1, "a"], [2, 3]], "not numbers"),
    (object(), "object"), (print, "did you return it instead of calling it"), (_Hostile(), ""),
    (iter([1, 2]), ""), (np.array(["a", "b"]), "not numbers"), (np.datetime64("2020-01-01"), "not numbers"),
    (lambda: 1, "calling"), (np.ma.masked_array([1.0, 2.0, 3.0]), "shape"),
])
def test_compare_never_raises_on_odd_values(got, word):
    ok, message = checks.compare("your result", got, np.zeros((2, 3)))
    assert ok is False and message.startswith("your result:")
    assert word in message


def test_compare_validates_its_own_arguments():
    with pytest.raises(TypeError, match="name"):
        checks.compare(None, 1.0, 1.0)
    with pytest.raises(ValueError, match="rtol"):
        checks.compare("r", 1.0, 1.0, rtol=-1)


_dtypes = st.one_of(hnp.integer_dtypes(endianness="="), hnp.unsigned_integer_dtypes(endianness="="),
                    hnp.floating_dtypes(endianness="="), hnp.complex_number_dtypes(endianness="="),
                    hnp.boolean_dtypes(), st.just(np.dtype(object)), hnp.unicode_string_dtypes(max_len=3))
_shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
_any_array = _dtypes.flatmap(lambda dtype: hnp.arrays(dtype, _shapes))
_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.complex_numbers(), st.text(max_size=5),
                     st.binary(max_size=3))
_nested = st.recursive(_scalars, lambda children: st.one_of(st.lists(children, max_size=3),
                                                             st.tuples(children, children),
                                                             st.dictionaries(st.text(max_size=2), children,
                                                                             max_size=2)),
                       max_leaves=10)
_anything = st.one_of(_any_array, _nested, st.builds(object), st.sets(st.integers(), max_size=3))
_expected = st.one_of(
    hnp.arrays(np.float64, _shapes, elements=st.floats(-1e6, 1e6)),
    hnp.arrays(np.int64, _shapes, elements=st.integers(-1000, 1000)),
    st.floats(allow_nan=True), st.tuples(hnp.arrays(np.float64, (2, 3)), st.floats(-10, 10)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(got=_anything, expected=_expected, rtol=st.floats(0, 1), atol=st.floats(0, 1))
def test_compare_fuzz_never_raises(got, expected, rtol, atol):
    ok, message = checks.compare("your result", got, expected, rtol=rtol, atol=atol)
    assert isinstance(ok, bool) and isinstance(message, str) and message.startswith("your result")


@settings(max_examples=200, deadline=None)
@given(expected=hnp.arrays(np.float64, _shapes), got_shape=_shapes, dtype=_dtypes)
def test_compare_fuzz_reports_shape_mismatches(expected, got_shape, dtype):
    got = np.zeros(got_shape, dtype=dtype)
    ok, message = checks.compare("r", got, expected)
    if got_shape != expected.shape:
        assert not ok
        if dtype.kind in "biufc":  # numbers of the wrong shape: the message is about the shape
            assert "expected shape" in message and str(got_shape) in message


@settings(max_examples=200, deadline=None)
@given(expected=hnp.arrays(st.one_of(hnp.floating_dtypes(endianness="="), hnp.integer_dtypes(endianness="=")),
                           hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)))
def test_compare_fuzz_accepts_equal_values(expected):
    assert checks.compare("r", expected.copy(), expected)[0]
    assert checks.compare("r", expected.tolist(), expected)[0]


# --------------------------------------------------------------------------- numerical gradients


@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 2, 2)])
def test_numerical_gradient_of_sum_of_cubes(shape):
    x = np.random.default_rng(0).normal(size=shape)
    before = x.copy()
    gradient = checks.numerical_gradient(lambda v: np.sum(v**3), x)
    assert gradient.shape == np.shape(x) and gradient.dtype == np.float64
    np.testing.assert_allclose(gradient, 3 * x**2, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(x, before)


def _logistic_data(seed=0, n=4, m=20):
    rng = np.random.default_rng(seed)
    features = rng.normal(size=(n, m))  # one example per column
    labels = (rng.random((1, m)) > 0.5).astype(float)
    return features, labels


def _logistic_cost(w, b, features, labels):
    probs = 1 / (1 + np.exp(-(w.T @ features + b)))  # (1, m)
    return -np.mean(labels * np.log(probs) + (1 - labels) * np.log(1 - probs))


def _logistic_grads(w, b, features, labels):
    probs = 1 / (1 + np.exp(-(w.T @ features + b)))
    m = features.shape[1]
    return features @ (probs - labels).T / m, np.sum(probs - labels) / m


def test_numerical_gradient_of_logistic_regression_cost():
    features, labels = _logistic_data()
    w = np.random.default_rng(1).normal(size=(4, 1))
    before = w.copy()
    numeric = checks.numerical_gradient(lambda v: _logistic_cost(v, 0.2, features, labels), w)
    analytic, _ = _logistic_grads(w, 0.2, features, labels)
    np.testing.assert_allclose(numeric, analytic, atol=1e-8, rtol=1e-6)
    np.testing.assert_array_equal(w, before)


def test_numerical_gradient_inputs_are_float64_copies():
    x = np.array([1, 2, 3], dtype=np.int64)

    def vandal(v):
        assert v.dtype == np.float64
        value = float(np.sum(v**2))
        v[...] = 0  # may modify its argument: every call gets its own copy
        return value

    np.testing.assert_allclose(checks.numerical_gradient(vandal, x), [2.0, 4.0, 6.0], rtol=1e-6)
    np.testing.assert_array_equal(x, [1, 2, 3])
    x32 = np.array([0.5, 1.5], dtype=np.float32)
    np.testing.assert_allclose(checks.numerical_gradient(lambda v: np.sum(v**2), x32), 2 * x32, rtol=1e-6)


@pytest.mark.parametrize("f, x, eps, error, word", [
    ("f", np.ones(2), 1e-6, TypeError, "f must be callable"),
    (np.sum, "abc", 1e-6, TypeError, "x"),
    (np.sum, [[1.0], [2.0, 3.0]], 1e-6, TypeError, "x"),
    (np.sum, np.zeros(0), 1e-6, ValueError, "x"),
    (np.sum, np.ones(2), 0.0, ValueError, "eps"),
    (np.sum, np.ones(2), -1e-6, ValueError, "eps"),
    (np.sum, np.ones(2), "small", TypeError, "eps"),
    (lambda v: v, np.ones(2), 1e-6, TypeError, "single number"),
    (lambda v: "cost", np.ones(2), 1e-6, TypeError, "single number"),
])
def test_numerical_gradient_validates_arguments(f, x, eps, error, word):
    with pytest.raises(error, match=word):
        checks.numerical_gradient(f, x, eps=eps)


def test_relative_error():
    assert checks.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert checks.relative_error([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert checks.relative_error([1.0, 0.0], [-1.0, 0.0]) == pytest.approx(1.0)
    assert checks.relative_error([2.0], [1.0]) == pytest.approx(1 / 3)
    assert checks.relative_error(np.ones((2, 2)), 1.1 * np.ones((2, 2))) == pytest.approx(0.1 / 2.1)
    assert np.isnan(checks.relative_error([np.nan], [1.0]))
    with pytest.raises(ValueError, match="same shape"):
        checks.relative_error(np.ones(2), np.ones(3))
    with pytest.raises(TypeError):
        checks.relative_error("a", "b")


# --------------------------------------------------------------------------- gradient_check


def _two_layer_problem(seed=0):
    """A small tanh-sigmoid network: cost function, parameters and correct gradients."""
    rng = np.random.default_rng(seed)
    features = rng.normal(size=(3, 5))
    labels = (rng.random((1, 5)) > 0.5).astype(float)
    params = {"W1": rng.normal(size=(4, 3)), "b1": rng.normal(size=(4, 1)),
              "W2": rng.normal(size=(1, 4)), "b2": rng.normal(size=(1, 1))}

    def forward(p):
        a1 = np.tanh(p["W1"] @ features + p["b1"])
        a2 = 1 / (1 + np.exp(-(p["W2"] @ a1 + p["b2"])))
        return a1, a2

    def cost(p):
        _, a2 = forward(p)
        return -np.mean(labels * np.log(a2) + (1 - labels) * np.log(1 - a2))

    a1, a2 = forward(params)
    m = features.shape[1]
    dz2 = (a2 - labels) / m
    dz1 = (params["W2"].T @ dz2) * (1 - a1**2)
    grads = {"dW1": dz1 @ features.T, "db1": dz1.sum(axis=1, keepdims=True),
             "dW2": dz2 @ a1.T, "db2": dz2.sum(axis=1, keepdims=True)}
    return cost, params, grads


def test_gradient_check_accepts_correct_gradients(capsys):
    cost, params, grads = _two_layer_problem()
    before = {key: value.copy() for key, value in params.items()}
    result = checks.gradient_check(cost, params, grads)
    out = capsys.readouterr().out
    assert result.relative_error < 1e-7 and result.verdict == "ok" and result.passed and bool(result)
    assert set(result.per_parameter) == set(params) and max(result.per_parameter.values()) < 1e-6
    assert out.startswith("✅ gradient check: relative error") and out.strip() == result.message
    assert all(np.array_equal(params[key], before[key]) for key in params)
    assert set(result.numerical_gradients) == set(params)
    np.testing.assert_allclose(result.numerical_gradients["W1"], grads["dW1"], atol=1e-7)
    assert repr(result).startswith("GradientCheckResult(relative_error=") and "verdict='ok'" in repr(result)
    assert result._ipython_display_() is None and capsys.readouterr().out == ""


def test_gradient_check_with_same_keys_and_logistic_regression(capsys):
    features, labels = _logistic_data()
    w, b = np.random.default_rng(2).normal(size=(4, 1)), 0.1
    dw, db = _logistic_grads(w, b, features, labels)
    result = checks.gradient_check(lambda p: _logistic_cost(p["w"], p["b"], features, labels),
                                   {"w": w, "b": b}, {"w": dw, "b": db})
    assert result.verdict == "ok", result.message


def test_gradient_check_single_array(capsys):
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    result = checks.gradient_check(lambda v: np.sum(v**3), x, 3 * x**2)
    assert result.verdict == "ok" and set(result.per_parameter) == {"params"}
    assert result.numerical_gradients.shape == x.shape


@pytest.mark.parametrize("bug", ["scaled", "one entry"])
def test_gradient_check_catches_a_planted_bug(bug, capsys):
    cost, params, grads = _two_layer_problem()
    if bug == "scaled":
        grads["dW2"] = 1.1 * grads["dW2"]
    else:
        grads["db1"] = grads["db1"].copy()
        grads["db1"][2, 0] += 0.05
    worst = "W2" if bug == "scaled" else "b1"
    result = checks.gradient_check(cost, params, grads)
    out = capsys.readouterr().out
    assert result.relative_error > 1e-3 and result.verdict == "wrong" and not result
    assert result.worst_parameter == worst
    assert f"worst parameter: {worst!r}" in result.message and "almost certainly wrong" in result.message
    assert out.startswith("❌ gradient check")
    if bug == "one entry":
        assert "largest difference at b1[2, 0]" in result.message
    with pytest.raises(AssertionError, match="almost certainly wrong"):
        checks.gradient_check(cost, params, grads, strict=True)


@pytest.mark.parametrize("scale, verdict, word", [
    (1e-9, "ok", "✅"), (1e-6, "look closer", "look closer"), (1e-4, "suspicious", "suspicious"),
    (1e-1, "wrong", "wrong"),
])
def test_gradient_check_verdict_thresholds(scale, verdict, word, capsys):
    # relative error of (1 + scale) * g against g is scale / (2 + scale)
    x = np.linspace(-2.0, 3.0, 6)
    result = checks.gradient_check(lambda v: np.sum(v**2), x, 2 * x * (1 + scale), verbose=False)
    assert result.relative_error == pytest.approx(scale / (2 + scale), rel=1e-2, abs=1e-8)
    assert result.verdict == verdict and word in result.message
    assert capsys.readouterr().out == ""
    assert list(checks.THRESHOLDS.values()) == sorted(checks.THRESHOLDS.values())
    assert checks.THRESHOLDS["ok"] == 1e-7 and checks.THRESHOLDS["suspicious"] == 1e-3


def test_gradient_check_nan_is_wrong(capsys):
    result = checks.gradient_check(lambda v: np.sum(v**2), np.ones(2), np.array([np.nan, 2.0]))
    assert result.verdict == "wrong" and "NaN" in result.message


def test_gradient_check_validates_keys_and_shapes():
    cost, params, grads = _two_layer_problem()
    missing = dict(grads)
    del missing["db2"]
    with pytest.raises(ValueError, match=r"no gradient for \['b2'\]"):
        checks.gradient_check(cost, params, missing)
    extra = dict(grads, dZ1=np.zeros(3))
    with pytest.raises(ValueError, match="dZ1"):
        checks.gradient_check(cost, params, extra)
    wrong_shape = dict(grads, dW1=grads["dW1"].T)
    with pytest.raises(ValueError, match=r"grads\['dW1'\] has shape \(3, 4\) but params\['W1'\] has shape \(4, 3\)"):
        checks.gradient_check(cost, params, wrong_shape)
    with pytest.raises(ValueError, match=r"grads has shape \(3,\) but params has shape \(2,\)"):
        checks.gradient_check(np.sum, np.ones(2), np.ones(3))
    with pytest.raises(TypeError, match="grads"):
        checks.gradient_check(cost, params, np.ones(3))
    with pytest.raises(TypeError, match="f must be callable"):
        checks.gradient_check("cost", params, grads)
    with pytest.raises(ValueError, match="eps"):
        checks.gradient_check(cost, params, grads, eps=0)
    with pytest.raises(TypeError, match="verbose"):
        checks.gradient_check(cost, params, grads, verbose="no")
    with pytest.raises(TypeError, match=r"params\['W1'\]"):
        checks.gradient_check(cost, dict(params, W1="abc"), grads)


# --------------------------------------------------------------------------- import hygiene


@pytest.mark.slow
def test_import_is_light_and_has_no_side_effects(repo_root):
    code = ("import sys, time; t = time.perf_counter(); from course_utils import checks; "
            "t = time.perf_counter() - t; heavy = [m for m in ('tensorflow', 'keras', 'matplotlib', 'IPython') "
            "if m in sys.modules]; print(heavy, t)")
    output = subprocess.run([sys.executable, "-c", code], cwd=repo_root, capture_output=True, text=True,
                            check=True).stdout
    heavy, seconds = output.rsplit(" ", 1)
    assert heavy == "[]"
    assert float(seconds) < 2.0


# ----------------------------------------------------------------------------- warning_hint
def _stable_exp_ratio(z):
    return np.exp(-np.abs(z))


def _naive_exp_ratio(z):
    return np.where(z >= 0, np.exp(-z), np.exp(z))  # right values, but exp overflows in the unused branch


def test_warning_hint_fails_a_right_answer_that_makes_numpy_warn(capsys):
    cases = [(np.array([-1000.0, 0.0, 1000.0]),)]
    ok = checks.check_function(_stable_exp_ratio, _stable_exp_ratio, cases, name="ratio", warning_hint="be stable")
    assert ok.passed
    bad = checks.check_function(_naive_exp_ratio, _stable_exp_ratio, cases, name="ratio", warning_hint="be stable")
    assert bad.status == "failed"
    assert "your values are right, but NumPy warned" in bad.message and "overflow" in bad.message
    assert "on the input z = " in bad.message and "💡 hint: be stable" in bad.message
    with pytest.raises(AssertionError, match="NumPy warned"):
        checks.check_function(_naive_exp_ratio, _stable_exp_ratio, cases, name="ratio", strict=True,
                              warning_hint="be stable")


def test_without_warning_hint_numpy_warnings_are_ignored(capsys):
    cases = [(np.array([-1000.0, 1000.0]),)]
    assert checks.check_function(_naive_exp_ratio, _stable_exp_ratio, cases, name="ratio").passed


def test_warning_hint_must_be_text():
    with pytest.raises(TypeError, match="warning_hint"):
        checks.check_function(_stable_exp_ratio, _stable_exp_ratio, [(np.zeros(2),)], name="r", warning_hint=1)


# --------------------------------------------------------------------------- mistake_hints

def _twice(x):
    return 2 * x


def test_mistake_hints_names_the_matching_mistake():
    hint = checks.mistake_hints([(lambda x: x + 1, "off by one"), (lambda x: 3 * x, "tripled")])
    inputs = {"x": np.array([1.0, 2.0])}
    assert hint(got=np.array([3.0, 6.0]), expected=np.array([2.0, 4.0]), error=None, inputs=inputs) == "tripled"
    assert hint(got=np.array([2.0, 3.0]), expected=np.array([2.0, 4.0]), error=None, inputs=inputs) == "off by one"
    assert hint(got=np.array([9.0, 9.0]), expected=np.array([2.0, 4.0]), error=None, inputs=inputs) is None


def test_mistake_hints_matches_the_same_exception_and_a_missing_return():
    def bad_shape(x):
        raise ValueError("operands could not be broadcast")

    hint = checks.mistake_hints([(bad_shape, "check the shapes")])
    inputs = {"x": np.ones(2)}
    assert hint(got=None, expected=np.ones(2), error=ValueError("operands could not be broadcast"),
                inputs=inputs) == "check the shapes"
    assert hint(got=None, expected=np.ones(2), error=ValueError("something else"), inputs=inputs) is None
    assert "return" in hint(got=None, expected=np.ones(2), error=None, inputs=inputs)


def test_mistake_hints_fallback_and_first_item():
    calls = []

    def fallback(got, expected, error, inputs):
        calls.append((got, expected, error, sorted(inputs)))
        return "fallback text"

    hint = checks.mistake_hints([(lambda x: (x + 1, "cache"), "off by one")], fallback, first_item=True)
    inputs = {"x": np.ones(2)}
    assert hint(got=(np.full(2, 2.0), "other cache"), expected=(np.ones(2), "cache"), error=None,
                inputs=inputs) == "off by one"                       # first items match
    assert hint(got=(np.zeros(2), None), expected=(np.ones(2), "cache"), error=None, inputs=inputs) == "fallback text"
    assert calls[-1][3] == ["x"] and calls[-1][2] is None
    without_first_item = checks.mistake_hints([(lambda x: (x + 1, "cache"), "off by one")])
    assert without_first_item(got=(np.full(2, 2.0), "other"), expected=None, error=None, inputs=inputs) is None


def test_mistake_hints_in_check_function(capsys):
    result = checks.check_function(lambda x: 3 * x, _twice, [(np.ones(2),)], name="double",
                                   hints=checks.mistake_hints([(lambda x: 3 * x, "you multiplied by 3")]))
    assert result.status == "failed" and "💡 hint: you multiplied by 3" in result.message
    capsys.readouterr()


def test_a_missing_return_gets_a_hint_without_any_hints(capsys):
    result = checks.check_function(lambda x: None, _twice, [(np.ones(2),)], name="double")
    assert result.status == "failed" and "forget the `return`" in result.message
    capsys.readouterr()


@pytest.mark.parametrize("kwargs, match", [
    (dict(pairs="abc"), "pairs must be a sequence"),
    (dict(pairs=[(1, "text")]), r"pairs\[0\] must be a \(mistake_fn, text\) pair"),
    (dict(pairs=[(_twice, 3)]), r"pairs\[0\]"),
    (dict(pairs=[], fallback="not callable"), "fallback"),
    (dict(pairs=[], rtol=-1.0), "rtol"),
    (dict(pairs=[], first_item="yes"), "first_item"),
])
def test_mistake_hints_rejects_bad_arguments(kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        checks.mistake_hints(**kwargs)


def test_check_bool_names_the_argument():
    from course_utils._validation import check_bool

    assert check_bool("strict", True) is True and check_bool("strict", np.bool_(False)) is False
    for bad in ("yes", 1, None):
        with pytest.raises(TypeError, match=r"strict must be True or False, got"):
            check_bool("strict", bad)


def test_report_prints_or_raises(capsys):
    passed = checks.CheckResult("x", "passed", "✅ x: passed")
    failed = checks.CheckResult("x", "failed", "❌ x: wrong")
    assert checks.report(passed) is passed and capsys.readouterr().out == "✅ x: passed\n"
    assert checks.report(failed) is failed and capsys.readouterr().out == "❌ x: wrong\n"
    with pytest.raises(AssertionError, match="wrong"):
        checks.report(failed, strict=True)
    assert capsys.readouterr().out == ""
    with pytest.raises(TypeError, match="result must be a CheckResult"):
        checks.report("✅ x: passed")
    with pytest.raises(TypeError, match="strict"):
        checks.report(passed, strict="yes")


def test_run_quietly_discards_printing(capsys):
    assert checks.run_quietly(lambda a, b=0: print("noise") or a + b, 2, b=3) == 5
    assert capsys.readouterr().out == ""
    with pytest.raises(TypeError, match="function"):
        checks.run_quietly("not callable")
