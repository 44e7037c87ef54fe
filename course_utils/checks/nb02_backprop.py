"""Checks for notebook 02_backprop.

Each ``reference_*`` function is the answer, usable by later notebooks instead of a
learner's stub; each check runs the learner's function against it on the same inputs.
"""
from __future__ import annotations

__all__: list[str] = []
