"""Synthetic date-translation data: human-readable dates and their ISO form.

A small sequence-to-sequence task with real structure and no download: an input such as
``"saturday 9 may 2018"``, ``"3/14/21"`` or ``"March 14th, 2021"`` is to be translated into
``"2018-05-09"`` (always 10 characters, ``YYYY-MM-DD``). The dates are drawn uniformly from
1950-01-01 to 2049-12-31 with Python's :mod:`datetime` and written in one of
:data:`DATE_FORMATS` chosen at random, so a model has to learn where the day, the month and
the year sit in each format, and to read month names and two-digit years.

Two-digit years are unambiguous in this range: ``50``-``99`` mean 1950-1999 and ``00``-``49``
mean 2000-2049. Slashed dates are always month first (US style), dotted dates day first.

Everything is deterministic given ``seed``; the train, validation and test inputs never
overlap. This module imports only the standard library and NumPy.
"""
from __future__ import annotations

import datetime

import numpy as np

from course_utils._validation import check_int, describe

__all__ = ["DATE_FORMATS", "format_date", "random_dates", "load_dates"]

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_FIRST = datetime.date(1950, 1, 1)
_NUM_DAYS = (datetime.date(2049, 12, 31) - _FIRST).days + 1


def _ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return f"{day}th"
    return str(day) + {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


#: Name -> function(date) -> str. Every format is lower case except "Month Dth, YYYY" and "DD Mon YYYY".
DATE_FORMATS = {
    "weekday D month YYYY": lambda d: f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}",
    "M/D/YY": lambda d: f"{d.month}/{d.day}/{d.year % 100:02d}",
    "Month Dth, YYYY": lambda d: f"{_MONTHS[d.month - 1].capitalize()} {_ordinal(d.day)}, {d.year}",
    "DD Mon YYYY": lambda d: f"{d.day:02d} {_MONTHS[d.month - 1][:3].capitalize()} {d.year}",
    "D.M.YYYY": lambda d: f"{d.day}.{d.month}.{d.year}",
    "mon D, YY": lambda d: f"{_MONTHS[d.month - 1][:3]} {d.day}, {d.year % 100:02d}",
    "wkd, month D YYYY": lambda d: f"{_DAYS[d.weekday()][:3]}, {_MONTHS[d.month - 1]} {d.day} {d.year}",
    "YYYYMMDD": lambda d: f"{d.year}{d.month:02d}{d.day:02d}",
}


def format_date(date, fmt: str) -> str:
    """Return ``date`` written in the format named ``fmt`` (a key of :data:`DATE_FORMATS`).

    Parameters
    ----------
    date : datetime.date
        A date between 1950-01-01 and 2049-12-31.
    fmt : str
        One of ``DATE_FORMATS``, e.g. ``"M/D/YY"``.

    Returns
    -------
    str
        For example ``format_date(datetime.date(2021, 3, 14), "Month Dth, YYYY") == "March 14th, 2021"``.
    """
    if not isinstance(date, datetime.date):
        raise TypeError(f"date must be a datetime.date, got {describe(date)}")
    if not _FIRST <= date <= datetime.date(2049, 12, 31):
        raise ValueError(f"date must be between 1950-01-01 and 2049-12-31, got {date.isoformat()}")
    if fmt not in DATE_FORMATS:
        raise ValueError(f"fmt must be one of {sorted(DATE_FORMATS)!r}, got {fmt!r}")
    return DATE_FORMATS[fmt](date)


def random_dates(num_examples: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """Return ``(inputs, targets)``: ``num_examples`` random dates, human-readable and ISO.

    Parameters
    ----------
    num_examples : int
        How many pairs to draw (>= 1). Inputs may repeat (use :func:`load_dates` for
        disjoint splits).
    seed : int, default 0
        Seed of ``np.random.default_rng``: the same seed gives the same pairs.

    Returns
    -------
    inputs : list of str
        E.g. ``"saturday 9 may 2018"``, in a format drawn uniformly from ``DATE_FORMATS``.
    targets : list of str
        The same dates as ``"YYYY-MM-DD"`` (10 characters each).
    """
    num_examples = check_int("num_examples", num_examples, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    offsets = rng.integers(0, _NUM_DAYS, size=num_examples)
    formats = rng.integers(0, len(DATE_FORMATS), size=num_examples)
    writers = list(DATE_FORMATS.values())
    inputs, targets = [], []
    for offset, fmt in zip(offsets, formats):
        date = _FIRST + datetime.timedelta(days=int(offset))
        inputs.append(writers[fmt](date))
        targets.append(date.isoformat())
    return inputs, targets


def load_dates(num_train: int = 20_000, num_val: int = 1_000, num_test: int = 2_000, seed: int = 0):
    """Return ``(train, val, test)`` date-translation splits with disjoint inputs.

    Parameters
    ----------
    num_train, num_val, num_test : int
        Sizes of the three splits (each >= 1).
    seed : int, default 0
        Seed of the draw; the same seed gives the same splits.

    Returns
    -------
    tuple of three (inputs, targets) pairs
        Each ``inputs`` is a list of human-readable date strings, each ``targets`` the list of
        their ISO forms ``"YYYY-MM-DD"``. No input string appears in two splits or twice in a split.

    Examples
    --------
    >>> (train_x, train_y), _, _ = load_dates(5, 1, 1)
    >>> len(train_x), len(train_y[0])
    (5, 10)
    """
    sizes = [check_int(name, value, minimum=1)
             for name, value in (("num_train", num_train), ("num_val", num_val), ("num_test", num_test))]
    seed = check_int("seed", seed, minimum=0)
    total = sum(sizes)
    if total > 200_000:
        raise ValueError(f"num_train + num_val + num_test must be <= 200000, got {total}")
    seen, pairs, draw = set(), [], 0
    while len(pairs) < total:
        inputs, targets = random_dates(2 * (total - len(pairs)) + 16, seed=seed * 1_000 + draw)
        draw += 1
        for source, target in zip(inputs, targets):
            if source not in seen and len(pairs) < total:
                seen.add(source)
                pairs.append((source, target))
    splits, start = [], 0
    for size in sizes:
        chunk = pairs[start:start + size]
        splits.append(([source for source, _ in chunk], [target for _, target in chunk]))
        start += size
    return tuple(splits)
