"""Tests for ``course_utils.datesets``: the synthetic date-translation data of notebook 08."""
from __future__ import annotations

import datetime

import pytest

from course_utils import datesets


def test_dates_are_deterministic_and_disjoint():
    first = datesets.load_dates(300, 50, 80, seed=3)
    again = datesets.load_dates(300, 50, 80, seed=3)
    assert first == again
    (train_x, train_y), (val_x, val_y), (test_x, test_y) = first
    assert (len(train_x), len(val_x), len(test_x)) == (300, 50, 80)
    assert len(set(train_x) | set(val_x) | set(test_x)) == 430
    assert all(len(y) == 10 and y[4] == y[7] == "-" for y in train_y + val_y + test_y)
    assert datesets.load_dates(300, 50, 80, seed=4) != first


def test_dates_formats_round_trip():
    date = datetime.date(2021, 3, 14)
    assert datesets.format_date(date, "Month Dth, YYYY") == "March 14th, 2021"
    assert datesets.format_date(date, "M/D/YY") == "3/14/21"
    assert datesets.format_date(datetime.date(2018, 5, 9), "weekday D month YYYY") == "wednesday 9 may 2018"
    assert datesets.format_date(datetime.date(1999, 12, 1), "D.M.YYYY") == "1.12.1999"
    assert datesets.format_date(datetime.date(2001, 1, 2), "Month Dth, YYYY") == "January 2nd, 2001"
    assert datesets.format_date(datetime.date(2001, 1, 12), "Month Dth, YYYY") == "January 12th, 2001"
    assert datesets.format_date(datetime.date(2001, 1, 23), "Month Dth, YYYY") == "January 23rd, 2001"
    inputs, targets = datesets.random_dates(2000, seed=1)
    for text, iso in zip(inputs, targets):
        date = datetime.date.fromisoformat(iso)
        assert text in {fmt(date) for fmt in datesets.DATE_FORMATS.values()}
    assert len({len(text) for text in inputs}) > 10


@pytest.mark.parametrize("call, error", [
    (lambda: datesets.load_dates(0, 1, 1), ValueError),
    (lambda: datesets.load_dates(10.0, 1, 1), TypeError),
    (lambda: datesets.load_dates(300_000, 1, 1), ValueError),
    (lambda: datesets.random_dates(5, seed=-1), ValueError),
    (lambda: datesets.format_date("2020-01-01", "M/D/YY"), TypeError),
    (lambda: datesets.format_date(
        datetime.date(2020, 1, 1), "YY"), ValueError),
    (lambda: datesets.format_date(
        datetime.date(1900, 1, 1), "M/D/YY"), ValueError),
])
def test_dates_validate_inputs(call, error):
    with pytest.raises(error):
        call()


def test_the_imports_stay_light():
    import subprocess
    import sys
    code = "import sys; import course_utils.datesets; print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
