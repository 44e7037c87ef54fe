"""Helpers for the deep-learning course notebooks.

The package only exports names: nothing runs on import, TensorFlow is never
imported here, and each submodule is loaded the first time it is used, so
``import course_utils`` stays well under a second.

Submodules
----------
runtime   seeds, quiet TensorFlow, device/GPU handling, fast mode, plot style
data      checksummed datasets with an offline mirror, deterministic subsets
plotting  routine figures (histories, decision boundaries, image grids)
checks    exercise checks and gradient checking
models    GPU-ready Keras model builders
widgets   interactive demos that still work headless
datesets  synthetic date-translation data (human-written dates -> ISO) for notebook 08
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBMODULES = ("runtime", "data", "plotting", "checks", "models", "widgets", "datesets")
__all__ = list(_SUBMODULES) + ["__version__"]


def __getattr__(name):
    if name in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
