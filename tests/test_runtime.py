"""Tests for course_utils.runtime: fast mode, seeding, quiet TensorFlow, devices, report."""
from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from course_utils import runtime


@pytest.fixture(autouse=True)
def _restore_runtime_state(monkeypatch):
    monkeypatch.delenv("COURSE_FAST", raising=False)
    monkeypatch.setattr(runtime, "_fast_override", None)
    yield
    import keras
    keras.mixed_precision.set_global_policy("float32")


# --------------------------------------------------------------------------- fast mode
@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), ("YES", True),
                                             ("0", False), ("", False), ("off", False)])
def test_is_fast_reads_environment(monkeypatch, value, expected):
    monkeypatch.setenv("COURSE_FAST", value)
    assert runtime.is_fast() is expected


def test_invalid_fast_variable_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "maybe")
    with pytest.raises(ValueError, match="COURSE_FAST"):
        runtime.is_fast()


def test_pick_follows_fast_mode(monkeypatch):
    assert runtime.pick(1000, 10) == 1000
    monkeypatch.setenv("COURSE_FAST", "1")
    assert runtime.pick(1000, 10) == 10
    assert runtime.pick(0.5, 1) == 1  # int and float mix is fine


def test_setup_fast_argument_overrides_environment(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_FAST", "0")
    info = runtime.setup(seed=0, fast=True)
    assert info.fast and runtime.is_fast()
    assert "fast mode" in capsys.readouterr().out


def test_pick_rejects_mismatched_types():
    with pytest.raises(TypeError, match="default and fast"):
        runtime.pick(10, "10")
    with pytest.raises(TypeError):
        runtime.pick(True, 1)


# --------------------------------------------------------------------------- setup
def test_setup_prints_one_line_and_returns_info(capsys):
    info = runtime.setup(seed=3)
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    for word in ("Python", "TensorFlow", "Keras", "mixed precision off", "full mode", "seed 3"):
        assert word in out[0]
    assert str(info) == out[0]
    assert info.seed == 3 and info.deterministic and not info.mixed_precision


def test_setup_seeds_numpy_and_keras(capsys):
    import keras

    runtime.setup(seed=7)
    first = (np.random.rand(3), keras.random.uniform((3,)).numpy(), keras.layers.Dense(2).build((None, 2)))
    runtime.setup(seed=7)
    second = (np.random.rand(3), keras.random.uniform((3,)).numpy())
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    runtime.setup(seed=8)
    assert not np.array_equal(np.random.rand(3), second[0])


def test_setup_gives_identical_training_runs(capsys):
    import keras

    def train_once():
        runtime.setup(seed=0, verbose=False)
        keras.backend.clear_session()
        x = np.random.default_rng(0).standard_normal((64, 3)).astype("float32")
        y = (x.sum(axis=1) > 0).astype("float32")
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy")
        history = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
        return history.history["loss"]

    assert train_once() == train_once()


def test_setup_enables_op_determinism(capsys):
    runtime.setup(seed=0)
    assert runtime._op_determinism_enabled()
    assert runtime.xla_helps() is False


def test_setup_presentation_style_changes_fonts(capsys):
    import matplotlib as mpl

    runtime.setup(seed=0, style="presentation")
    big = mpl.rcParams["font.size"]
    runtime.setup(seed=0, style="notebook")
    assert big > mpl.rcParams["font.size"]


@pytest.mark.parametrize("kwargs, error, match", [
    ({"seed": -1}, ValueError, "seed"),
    ({"seed": "0"}, TypeError, "seed"),
    ({"seed": 1.5}, TypeError, "seed"),
    ({"fast": "yes"}, TypeError, "fast"),
    ({"style": "huge"}, ValueError, "style"),
    ({"mixed": "maybe"}, ValueError, "mixed"),
    ({"deterministic": 1}, TypeError, "deterministic"),
])
def test_setup_validates_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        runtime.setup(**kwargs)


# --------------------------------------------------------------------------- quiet TF
def test_silence_fd2_hides_c_level_stderr(capfd):
    with runtime._silence_fd2():
        os.write(2, b"I0000 absl start-up line\n")
    os.write(2, b"visible\n")
    err = capfd.readouterr().err
    assert "absl" not in err and "visible" in err


def test_tensorflow_import_writes_nothing_to_stderr():
    code = "from course_utils import runtime; tf = runtime.import_tensorflow(); print(tf.__version__)"
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert result.stderr == "", f"TensorFlow start-up lines leaked: {result.stderr[:500]}"


def test_package_import_is_light():
    code = ("import sys, course_utils; "
            "heavy = [m for m in ('tensorflow', 'keras', 'matplotlib', 'sklearn') if m in sys.modules]; "
            "print(','.join(heavy))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"import course_utils pulled in {result.stdout.strip()}"


def test_submodules_are_loaded_lazily():
    import course_utils

    assert course_utils.runtime is runtime
    with pytest.raises(AttributeError, match="no attribute"):
        course_utils.not_a_module  # noqa: B018
    assert "checks" in dir(course_utils)


# --------------------------------------------------------------------------- devices
@pytest.mark.parametrize("capabilities, expected", [
    ([], False), ([(7, 0)], True), ([(9, 0)], True), ([(6, 1)], False),
    ([(8, 0), (6, 0)], False), ([None], False), ([(8, 6), (7, 5)], True),
])
def test_mixed_precision_only_where_tensor_cores_help(capabilities, expected):
    assert runtime._mixed_precision_helps(capabilities) is expected


@pytest.mark.parametrize("num_gpus, kind", [(0, "default"), (1, "default"), (2, "mirrored"), (8, "mirrored")])
def test_strategy_kind(num_gpus, kind):
    assert runtime._strategy_kind(num_gpus) == kind


def test_cpu_device_path():
    import keras

    assert runtime.gpu_details() == [] or all("name" in g for g in runtime.gpu_details())
    if not runtime.gpu_details():
        assert runtime.device_summary().startswith("CPU")
        assert runtime.mixed_precision("auto") is False
        assert keras.mixed_precision.global_policy().name == "float32"
        assert runtime.strategy().num_replicas_in_sync == 1
        assert runtime.enable_memory_growth() == 0


def test_forcing_mixed_precision_on_cpu_warns():
    import keras

    if runtime.gpu_details():
        pytest.skip("this machine has a GPU")
    with pytest.warns(RuntimeWarning, match="slower"):
        assert runtime.mixed_precision(True) is True
    assert keras.mixed_precision.global_policy().name == "mixed_float16"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert runtime.mixed_precision("off") is False
    assert keras.mixed_precision.global_policy().name == "float32"


def test_mixed_precision_rejects_unknown_mode():
    with pytest.raises(ValueError, match="mode"):
        runtime.mixed_precision("fp8")


def test_report_lists_environment(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "1")
    text = runtime.report()
    for word in ("Python", "tensorflow", "keras", "GPU", "Mixed prec.", "Fast mode   True",
                 "COURSE_DATA_DIR", "Datasets", "mnist"):
        assert word in text, word
    with pytest.raises(TypeError, match="include_data"):
        runtime.report(include_data="yes")


def test_report_shows_no_absolute_path_of_this_machine(monkeypatch, tmp_path):
    """Notebook 00 commits the report as output: no path of the machine that executed it."""
    root = Path(runtime.__file__).resolve().parent.parent
    mirror = root.parent / "some_mirror"
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    text = runtime.report(include_tensorflow=False)
    assert str(root) not in text and str(Path.home()) + "/" not in text.replace("~/", "")
    assert "COURSE_DATA_DIR  ../some_mirror" in text


def test_display_path():
    root = Path(runtime.__file__).resolve().parent.parent
    assert runtime.display_path(root / "data" / "mnist.npz") == "data/mnist.npz"
    assert runtime.display_path(root.parent / "shared" / "data") == "../shared/data"
    assert runtime.display_path(Path.home() / "far" / "away" / "x") in ("~/far/away/x",
                                                                      "../far/away/x", "../../far/away/x")
    assert runtime.display_path("/usr/bin/python3") in ("/usr/bin/python3", "../../usr/bin/python3")


# --------------------------------------------------------------------------- COURSE_SEED
@pytest.fixture
def seed_shift(monkeypatch):
    """Run a test with COURSE_SEED set; put the original seeding functions back afterwards."""
    def set_offset(offset):
        monkeypatch.setenv("COURSE_SEED", str(offset))
    yield set_offset
    monkeypatch.delenv("COURSE_SEED", raising=False)
    runtime._uninstall_seed_shift()
    runtime.setup(seed=0, verbose=False)


def test_seed_offset_reads_environment(monkeypatch):
    monkeypatch.delenv("COURSE_SEED", raising=False)
    assert runtime.seed_offset() == 0 and runtime.shift_seed(5) == 5
    monkeypatch.setenv("COURSE_SEED", "2")
    assert runtime.seed_offset() == 2
    assert runtime.shift_seed(5) == 5 + 2 * runtime.SEED_STRIDE
    assert runtime.shift_seed(np.int64(5)) == 5 + 2 * runtime.SEED_STRIDE
    assert runtime.shift_seed(2**32 - 1) == (2**32 - 1 + 2 * runtime.SEED_STRIDE) % 2**32
    assert runtime.shift_seed(None) is None and runtime.shift_seed(True) is True


@pytest.mark.parametrize("raw", ["-1", "one", "1.5"])
def test_invalid_seed_variable_is_a_clear_error(monkeypatch, raw):
    monkeypatch.setenv("COURSE_SEED", raw)
    with pytest.raises(ValueError, match="COURSE_SEED"):
        runtime.seed_offset()
    with pytest.raises(ValueError, match="COURSE_SEED"):
        runtime.setup(seed=0, verbose=False)


def test_course_seed_zero_changes_nothing(monkeypatch):
    monkeypatch.setenv("COURSE_SEED", "0")
    info = runtime.setup(seed=3, verbose=False)
    assert info.seed == 3 and info.seed_offset == 0
    assert np.random.default_rng is not None and not hasattr(np.random.default_rng, "__wrapped__")


def _draws_after_setup():
    """Numbers from every seeded source a notebook uses, right after runtime.setup."""
    import random

    import keras
    from sklearn.datasets import make_moons

    draws = {
        "rng": np.random.default_rng(0).normal(size=3),
        "global": np.random.rand(3),
        "random_state": np.random.RandomState(0).rand(3),
        "sklearn": make_moons(20, random_state=0)[0],
        "python": random.random(),
        "keras": keras.ops.convert_to_numpy(keras.layers.Dense(3)(np.ones((1, 2), "float32"))),
    }
    keras.utils.set_random_seed(1)
    draws["dropout"] = keras.ops.convert_to_numpy(
        keras.layers.Dropout(0.5, seed=0)(np.ones((1, 50), "float32"), training=True))
    return draws


def test_course_seed_shifts_every_seed_a_notebook_uses(seed_shift, capsys):
    runtime._uninstall_seed_shift()
    runtime.setup(seed=0, verbose=False)
    baseline = _draws_after_setup()

    seed_shift(1)
    info = runtime.setup(seed=0)
    assert info.seed == runtime.SEED_STRIDE and info.seed_offset == 1
    assert "COURSE_SEED=1" in capsys.readouterr().out
    shifted = _draws_after_setup()
    for name in baseline:
        assert not np.allclose(baseline[name], shifted[name]), f"{name} did not move with COURSE_SEED"
    # the same shifted seed gives the same numbers, and it is the seed N * SEED_STRIDE would give
    assert np.allclose(np.random.default_rng(0).normal(size=3), shifted["rng"])
    assert np.allclose(np.random.default_rng.__wrapped__(runtime.SEED_STRIDE).normal(size=3), shifted["rng"])
    # isinstance checks of scikit-learn and NumPy keep working with the wrapped RandomState
    assert isinstance(np.random.mtrand._rand, np.random.RandomState)
    assert isinstance(np.random.RandomState(0), np.random.RandomState.__mro__[1])


def test_uninstall_restores_the_original_functions(seed_shift):
    original = np.random.default_rng
    seed_shift(3)
    runtime.setup(seed=0, verbose=False)
    assert np.random.default_rng is not original
    runtime._uninstall_seed_shift()
    assert np.random.default_rng is original
