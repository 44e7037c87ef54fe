"""Runtime set-up: seeds, a quiet TensorFlow, devices and GPUs, fast mode, plot style.

A notebook starts with one visible call::

    from course_utils import runtime
    runtime.setup(seed=0)

which seeds Python, NumPy and Keras, turns on TensorFlow's op determinism,
imports TensorFlow without its C++ start-up chatter, configures any GPU
(memory growth, mixed precision where it pays off), sets the plot style and
prints one line describing the environment.

Fast mode (``COURSE_FAST=1`` in the environment, or ``setup(fast=True)``)
makes notebooks pick smaller data and fewer epochs along the *same* code
path: write sizes as ``runtime.pick(default, fast)``.

Other seeds (``COURSE_SEED=N`` in the environment, N >= 1) shift every integer
seed the notebook uses by ``N * SEED_STRIDE`` without editing it: the seed of
``setup``, and every seed passed later to ``np.random.default_rng``,
``np.random.seed``, ``np.random.RandomState`` (so scikit-learn's
``random_state`` too), ``random.seed``, ``keras.utils.set_random_seed``,
``tf.random.set_seed`` and Keras seed generators (layers such as
``Dropout(seed=0)``). The margin study (``benchmarks/margin_study.py``) uses it
to check that every asserted number holds under other seeds.

Nothing here imports TensorFlow at module import time.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import platform
import random
import sys
import warnings

import numpy as np

from course_utils._validation import check_choice, check_int, describe

__all__ = [
    "RuntimeInfo",
    "setup",
    "seed_offset",
    "shift_seed",
    "SEED_STRIDE",
    "is_fast",
    "pick",
    "import_tensorflow",
    "gpu_details",
    "enable_memory_growth",
    "mixed_precision",
    "strategy",
    "xla_helps",
    "device_summary",
    "report",
    "display_path",
]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}

# Set by setup(fast=...); None means "read COURSE_FAST from the environment".
_fast_override: bool | None = None
# Minimum CUDA compute capability whose tensor cores make float16 faster (Volta).
MIXED_PRECISION_MIN_CAPABILITY = (7, 0)


@dataclasses.dataclass(frozen=True)
class RuntimeInfo:
    """What :func:`setup` configured; ``str(info)`` is the one-line report."""

    python: str
    tensorflow: str
    keras: str
    device: str
    num_gpus: int
    mixed_precision: bool
    fast: bool
    seed: int
    deterministic: bool
    seed_offset: int = 0

    def __str__(self) -> str:
        return (f"Python {self.python} | TensorFlow {self.tensorflow} | Keras {self.keras} | "
                f"{self.device} | mixed precision {'on' if self.mixed_precision else 'off'} | "
                f"{'fast' if self.fast else 'full'} mode | seed {self.seed}"
                + (f" (COURSE_SEED={self.seed_offset})" if self.seed_offset else ""))

    def _ipython_display_(self):
        """setup() already printed the line; do not echo the object in a notebook."""


# --------------------------------------------------------------------------- fast mode
def _env_flag(name: str) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(f"environment variable {name} must be one of 1/0/true/false/yes/no, got {raw!r}")


def is_fast() -> bool:
    """Return True in fast mode (``setup(fast=True)`` or ``COURSE_FAST=1``)."""
    if _fast_override is not None:
        return _fast_override
    return _env_flag("COURSE_FAST")


def pick(default, fast):
    """Return ``fast`` in fast mode and ``default`` otherwise.

    Use it for sizes only (number of examples, epochs, grid points) so that both
    modes run the same code: ``NUM_EPOCHS = runtime.pick(10, 2)``.
    """
    if type(default) is not type(fast) and not (
            isinstance(default, (int, float)) and isinstance(fast, (int, float))
            and not isinstance(default, bool) and not isinstance(fast, bool)):
        raise TypeError(f"default and fast must have the same type, got {describe(default)} "
                        f"and {describe(fast)}")
    return fast if is_fast() else default


# --------------------------------------------------------------------------- other seeds
SEED_STRIDE = 10_007  # COURSE_SEED=N adds N * SEED_STRIDE to every integer seed (mod 2**32)
_SEED_MODULUS = 2**32
# The functions replaced while COURSE_SEED is set: (owner, attribute) -> original.
_seed_originals: dict = {}
# > 0 while a wrapper runs the original, so seeds set inside it are not shifted twice.
_inside_seed_call = 0


def seed_offset() -> int:
    """Return N from ``COURSE_SEED=N`` (0 when unset): which run of other seeds this is."""
    raw = os.environ.get("COURSE_SEED", "").strip()
    if raw == "":
        return 0
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise ValueError(f"environment variable COURSE_SEED must be a whole number >= 0, got {raw!r}")
    return value


def shift_seed(seed):
    """Return ``seed`` shifted by ``COURSE_SEED`` (unchanged when it is unset or 0).

    Only integer seeds move; None, arrays, ``SeedSequence`` and generator
    objects are returned as they are.
    """
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        return seed
    offset = seed_offset()
    if offset == 0:
        return seed
    return (int(seed) + offset * SEED_STRIDE) % _SEED_MODULUS


@contextlib.contextmanager
def _seeds_as_given():
    """Inside the block the wrappers pass seeds on unshifted (they are shifted already)."""
    global _inside_seed_call
    _inside_seed_call += 1
    try:
        yield
    finally:
        _inside_seed_call -= 1


def _shifting(original):
    """Wrap a seeding function so that its first argument goes through :func:`shift_seed`."""
    @functools.wraps(original)
    def wrapper(seed=None, *args, **kwargs):
        return _call_shifted(original, seed, args, kwargs)
    return wrapper


def _shifting_method(original):
    """Like :func:`_shifting` for a method whose seed follows ``self`` (``SeedGenerator.__init__``)."""
    @functools.wraps(original)
    def wrapper(self, seed=None, *args, **kwargs):
        return _call_shifted(functools.partial(original, self), seed, args, kwargs)
    return wrapper


def _call_shifted(function, seed, args, kwargs):
    if _inside_seed_call == 0:
        seed = shift_seed(seed)
    with _seeds_as_given():
        return function(seed, *args, **kwargs)


def _replace(owner, name, make):
    if (owner, name) in _seed_originals:
        return
    original = getattr(owner, name)
    _seed_originals[(owner, name)] = original
    setattr(owner, name, make(original))


def _shifted_random_state(original):
    """A RandomState whose integer seeds are shifted; isinstance checks still see the original."""
    class _Meta(type):
        def __instancecheck__(cls, obj):
            return isinstance(obj, original)

        def __subclasscheck__(cls, sub):
            return issubclass(sub, original)

    class RandomState(original, metaclass=_Meta):
        def __init__(self, seed=None):
            super().__init__(shift_seed(seed))

    RandomState.__doc__ = original.__doc__
    return RandomState


def _install_seed_shift() -> None:
    """Route the seeding functions through :func:`shift_seed` (only while COURSE_SEED is set)."""
    _replace(np.random, "default_rng", _shifting)
    _replace(np.random, "seed", _shifting)
    _replace(np.random, "RandomState", _shifted_random_state)
    _replace(random, "seed", _shifting)
    tf = import_tensorflow()
    import keras

    _replace(tf.random, "set_seed", _shifting)
    _replace(keras.utils, "set_random_seed", _shifting)
    try:
        from keras.src.random.seed_generator import SeedGenerator
    except ImportError:  # pragma: no cover - Keras moved its internals
        return
    _replace(SeedGenerator, "__init__", _shifting_method)


def _uninstall_seed_shift() -> None:
    """Put the original seeding functions back (used by the tests)."""
    for (owner, name), original in list(_seed_originals.items()):
        setattr(owner, name, original)
    _seed_originals.clear()


# --------------------------------------------------------------------------- quiet TF
@contextlib.contextmanager
def _silence_fd2():
    """Send file descriptor 2 (C/C++ stderr) to /dev/null inside the block.

    TensorFlow's C++ runtime writes absl/cudart start-up lines straight to fd 2,
    which ipykernel forwards into cell outputs; ``TF_CPP_MIN_LOG_LEVEL`` does not
    remove all of them. Python-level ``sys.stderr`` is left alone.
    """
    try:
        sys.stderr.flush()
    except Exception:  # pragma: no cover - exotic streams
        pass
    try:
        saved = os.dup(2)
    except OSError:  # no fd 2 (some embedded interpreters): nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_tensorflow():
    """Import and return TensorFlow without its C++ start-up lines or Python warnings."""
    if "tensorflow" in sys.modules and hasattr(sys.modules["tensorflow"], "config"):
        return sys.modules["tensorflow"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    with _silence_fd2(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import tensorflow as tf
        import keras  # noqa: F401  (Keras 3 registers itself with TF here)
        # Listing devices initialises the CUDA runtime, which logs too.
        tf.config.list_physical_devices()
    tf.get_logger().setLevel("ERROR")
    try:
        import absl.logging
        absl.logging.set_verbosity(absl.logging.ERROR)
    except ImportError:  # pragma: no cover - absl ships with TF
        pass
    return tf


# --------------------------------------------------------------------------- devices
def gpu_details() -> list[dict]:
    """Return one dict per visible GPU: ``name``, ``device_name``, ``compute_capability``.

    ``compute_capability`` is a ``(major, minor)`` tuple or None when TensorFlow
    does not report it. An empty list means the CPU is used.
    """
    tf = import_tensorflow()
    details = []
    for gpu in tf.config.list_physical_devices("GPU"):
        try:
            info = tf.config.experimental.get_device_details(gpu)
        except Exception:  # pragma: no cover - depends on drivers
            info = {}
        details.append({
            "name": gpu.name,
            "device_name": info.get("device_name", "GPU"),
            "compute_capability": info.get("compute_capability"),
        })
    return details


def enable_memory_growth() -> int:
    """Let TensorFlow grow GPU memory on demand instead of reserving it all.

    Returns the number of GPUs configured. Safe to call again after the GPUs
    were initialised (the setting then simply stays as it was).
    """
    tf = import_tensorflow()
    gpus = tf.config.list_physical_devices("GPU")
    for gpu in gpus:
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except (RuntimeError, ValueError):
            pass  # already initialised: memory growth can no longer change
    return len(gpus)


def _mixed_precision_helps(capabilities) -> bool:
    """True when every GPU has tensor cores (compute capability >= 7.0)."""
    capabilities = list(capabilities)
    if not capabilities:
        return False
    return all(cap is not None and tuple(cap) >= MIXED_PRECISION_MIN_CAPABILITY for cap in capabilities)


def mixed_precision(mode="auto") -> bool:
    """Set Keras' global dtype policy and return True when mixed precision is on.

    Parameters
    ----------
    mode : {"auto", True, False, "on", "off"}
        ``"auto"`` turns ``mixed_float16`` on only when every GPU has compute
        capability >= 7.0 (where float16 tensor cores make it faster); on the
        CPU it stays off, because float16 is slower there. ``True``/``"on"``
        forces it (with a warning on the CPU), ``False``/``"off"`` uses float32.
    """
    if mode not in ("auto", "on", "off", True, False):
        raise ValueError(f"mode must be 'auto', 'on', 'off', True or False, got {mode!r}")
    import_tensorflow()
    import keras

    if mode == "auto":
        enabled = _mixed_precision_helps(d["compute_capability"] for d in gpu_details())
    else:
        enabled = mode in (True, "on")
        if enabled and not gpu_details():
            warnings.warn("mixed precision on the CPU is slower than float32; use it on a GPU",
                          RuntimeWarning, stacklevel=2)
    keras.mixed_precision.set_global_policy("mixed_float16" if enabled else "float32")
    return enabled


def _strategy_kind(num_gpus: int) -> str:
    return "mirrored" if num_gpus >= 2 else "default"


def strategy():
    """Return a ``tf.distribute`` strategy: MirroredStrategy on >= 2 GPUs, else the default.

    Build and compile models inside ``with runtime.strategy().scope():`` to use
    every GPU; on one GPU or the CPU the default strategy changes nothing.
    """
    tf = import_tensorflow()
    if _strategy_kind(len(tf.config.list_physical_devices("GPU"))) == "mirrored":
        return tf.distribute.MirroredStrategy()
    return tf.distribute.get_strategy()


def xla_helps() -> bool:
    """Return True when XLA compilation (``jit_compile=True``) is worth using.

    XLA pays off on GPUs. Keras turns it off on the CPU, and TensorFlow's op
    determinism (on by default in :func:`setup`) does not support it.
    """
    tf = import_tensorflow()
    return bool(tf.config.list_physical_devices("GPU")) and not _op_determinism_enabled()


def _op_determinism_enabled() -> bool:
    """Whether ``enable_op_determinism()`` is in force (TF has no public getter)."""
    try:
        from tensorflow.python.framework import config as tf_config
        return bool(tf_config.is_op_determinism_enabled())
    except (ImportError, AttributeError):  # pragma: no cover - private API moved
        return False


def device_summary() -> str:
    """One phrase describing where training runs, e.g. ``"CPU (2 cores), no GPU"``."""
    gpus = gpu_details()
    if not gpus:
        return f"CPU ({os.cpu_count()} cores), no GPU"
    names = ", ".join(
        f"{g['device_name']}" + (f" (cc {g['compute_capability'][0]}.{g['compute_capability'][1]})"
                                 if g["compute_capability"] else "")
        for g in gpus)
    return f"{len(gpus)} GPU{'s' if len(gpus) > 1 else ''}: {names}"


# --------------------------------------------------------------------------- setup
def _seed_everything(seed: int) -> None:
    """Seed Python, NumPy and Keras with ``seed`` exactly (it is already shifted)."""
    import keras

    with _seeds_as_given():
        random.seed(seed)
        np.random.seed(seed)
        keras.utils.set_random_seed(seed)  # Python, NumPy and the backend's RNG


def setup(seed: int = 0, fast: bool | None = None, *, style: str = "notebook",
          mixed: str | bool = "auto", deterministic: bool = True,
          verbose: bool = True) -> RuntimeInfo:
    """Prepare a notebook: seeds, quiet TensorFlow, device, plot style, one report line.

    Parameters
    ----------
    seed : int
        Seed for Python's ``random``, NumPy's global RNG and Keras/TensorFlow.
        ``COURSE_SEED=N`` in the environment shifts it, and every integer seed
        the notebook passes later, by ``N * SEED_STRIDE`` (see :func:`shift_seed`).
    fast : bool or None
        Fast mode (smaller data, fewer epochs via :func:`pick`). None reads the
        ``COURSE_FAST`` environment variable.
    style : {"notebook", "presentation"}
        Plot style; "presentation" uses large fonts for projectors.
    mixed : {"auto", True, False, "on", "off"}
        Mixed precision, see :func:`mixed_precision`.
    deterministic : bool
        Turn on ``tf.config.experimental.enable_op_determinism()`` so reruns on one
        machine give the same numbers (results still differ across machines and
        thread counts: assert with tolerances).
    verbose : bool
        Print the one-line report.

    Returns
    -------
    RuntimeInfo
        What was configured; ``str(info)`` is the printed line.
    """
    global _fast_override
    seed = check_int("seed", seed, minimum=0, maximum=2**32 - 1)
    if fast is not None and not isinstance(fast, bool):
        raise TypeError(f"fast must be True, False or None, got {describe(fast)}")
    check_choice("style", style, {"notebook", "presentation"})
    if mixed not in ("auto", "on", "off", True, False):
        raise ValueError(f"mixed must be 'auto', 'on', 'off', True or False, got {mixed!r}")
    for name, value in (("deterministic", deterministic), ("verbose", verbose)):
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be True or False, got {describe(value)}")

    offset = seed_offset()
    _fast_override = fast
    tf = import_tensorflow()
    import keras

    if offset:
        _install_seed_shift()
    with _silence_fd2():  # device initialisation logs through C++ as well
        num_gpus = enable_memory_growth()
        seed = shift_seed(seed)
        _seed_everything(seed)
        if deterministic:
            tf.config.experimental.enable_op_determinism()
        mixed_on = mixed_precision(mixed)
        device = device_summary()

    from course_utils import plotting
    plotting.set_style(style)

    info = RuntimeInfo(
        python=platform.python_version(), tensorflow=tf.__version__, keras=keras.__version__,
        device=device, num_gpus=num_gpus, mixed_precision=mixed_on, fast=is_fast(), seed=seed,
        deterministic=deterministic, seed_offset=offset)
    if verbose:
        print(info)
    return info


# --------------------------------------------------------------------------- report
def _version(package: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _memory_gib() -> str:
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        return f"{pages / 2**30:.1f} GiB"
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return "unknown"


def display_path(path) -> str:
    """``path`` as it may appear in a committed output: relative to the repository, else ``~/...``.

    Paths near the repository (its folder or a sibling, such as a dataset mirror
    ``../shared/data``) are shown relative to it; paths under the home folder
    start with ``~``; others (``/usr/bin/python3``) are shown as they are.
    """
    path = os.path.abspath(os.fspath(path))
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    base = here if os.path.isfile(os.path.join(here, "pyproject.toml")) else os.getcwd()
    relative = os.path.relpath(path, base)
    if not relative.startswith(os.path.join(os.pardir, os.pardir)) and relative != os.path.join(os.pardir, os.pardir):
        return relative
    home = os.path.expanduser("~")
    if home not in ("", "/") and (path == home or path.startswith(home + os.sep)):
        return "~" + path[len(home):]
    return path


def report(include_tensorflow: bool = True, include_data: bool = True) -> str:
    """Return the multi-line environment report printed by ``make doctor``.

    It lists Python and the course's packages, the CPU and memory, GPUs with
    their compute capability, whether mixed precision and XLA would be used,
    fast mode, the ``COURSE_*`` variables and where every dataset was found.
    """
    for name, value in (("include_tensorflow", include_tensorflow), ("include_data", include_data)):
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be True or False, got {describe(value)}")
    lines = ["Course environment report", "========================="]
    lines.append(f"Python      {platform.python_version()} ({display_path(sys.executable)})")
    lines.append(f"Platform    {platform.platform()}")
    lines.append(f"CPU         {os.cpu_count()} cores, memory {_memory_gib()}")
    packages = ["course-utils", "numpy", "matplotlib", "tensorflow", "keras", "scikit-learn",
                "ipywidgets", "jupyterlab", "jupytext", "nbconvert", "nbval", "pytest"]
    lines.append("Packages    " + ", ".join(f"{p} {_version(p)}" for p in packages))
    if include_tensorflow:
        try:
            gpus = gpu_details()
        except ImportError as error:
            lines.append(f"TensorFlow  cannot be imported: {error}")
        else:
            if gpus:
                for gpu in gpus:
                    cap = gpu["compute_capability"]
                    lines.append(f"GPU         {gpu['device_name']} "
                                 f"(compute capability {'.'.join(map(str, cap)) if cap else 'unknown'})")
            else:
                lines.append("GPU         none found: training runs on the CPU (slower, and every "
                             "notebook is sized for it)")
            helps = _mixed_precision_helps(g["compute_capability"] for g in gpus)
            lines.append(f"Mixed prec. {'would be on (auto)' if helps else 'off (auto: needs a GPU with compute capability >= 7.0)'}")
            lines.append(f"XLA         {'used on GPU unless op determinism is on' if gpus else 'off (Keras does not use XLA on the CPU)'}")
            lines.append(f"Strategy    {_strategy_kind(len(gpus))}")
    try:
        fast = is_fast()
    except ValueError as error:
        fast = f"invalid COURSE_FAST ({error})"
    lines.append(f"Fast mode   {fast}")
    for var in ("COURSE_FAST", "COURSE_SEED", "COURSE_DATA_DIR", "COURSE_CACHE_DIR", "COURSE_OFFLINE",
                "COURSE_HEADLESS"):
        value = os.environ.get(var)
        if value and var in ("COURSE_DATA_DIR", "COURSE_CACHE_DIR"):
            value = display_path(value)
        lines.append(f"{var:<17}{value if value is not None else '(unset)'}")
    if include_data:
        from course_utils import data

        lines.append("Datasets")
        for row in data.dataset_status():
            where = display_path(row["path"]) if row.get("path") else ""
            lines.append(f"  {row['dataset']:<18}{row['file']:<32}{row['where']:<8}{where}")
    return "\n".join(lines)
