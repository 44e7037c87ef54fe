"""Tests for course_utils.data.

Everything here runs offline: an autouse fixture sets COURSE_OFFLINE=1, points
the cache at a temporary folder, clears COURSE_DATA_DIR and makes any network
access fail the test. Download code is tested with a fake ``_download`` that
copies local files. The tests in ``TestRealMirror`` read the real dataset files
from the read-only mirror (``COURSE_TEST_MIRROR``, else ``COURSE_DATA_DIR`` as
set when pytest started, else ``<repo>/../shared/data``) and are skipped when
it is absent.
"""
from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import math
import os
import struct
import subprocess
import sys
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course_utils import data

REPO = Path(__file__).resolve().parents[1]
_REAL_DOWNLOAD = data._download  # the autouse fixture replaces it; kept for one direct test


def _find_real_mirror() -> Path | None:
    candidates = [os.environ.get("COURSE_TEST_MIRROR"), os.environ.get("COURSE_DATA_DIR"),
                  str(Path(__file__).resolve().parents[2] / "shared" / "data")]
    for candidate in candidates:
        if candidate and (Path(candidate) / "mnist" / "mnist.npz").is_file():
            return Path(candidate)
    return None


REAL_MIRROR = _find_real_mirror()
needs_real_mirror = pytest.mark.skipif(
    REAL_MIRROR is None,
    reason="real dataset mirror not found (set COURSE_TEST_MIRROR or COURSE_DATA_DIR to a folder "
           "holding mnist/mnist.npz etc., e.g. shared/data next to the repository)")

fuzz = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


# --------------------------------------------------------------------------
# Fixtures and helpers
# --------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """Offline, empty private cache, no mirror, and no network access at all."""
    def no_network(*args, **kwargs):
        pytest.fail(f"test tried to use the network: {args!r}")

    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    monkeypatch.setattr(data, "_download", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    return tmp_path / "cache"


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _remote(subdir: str, filename: str, content: bytes) -> data.RemoteFile:
    return data.RemoteFile(subdir, filename, f"https://example.invalid/{subdir}/{filename}",
                           _sha256(content), len(content))


def _write(root: Path, remote: data.RemoteFile, content: bytes) -> Path:
    path = root / remote.subdir / remote.filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


TINY_A = b"alpha\nbeta\n"
TINY_B = b"0123456789" * 10


@pytest.fixture
def tiny(monkeypatch, tmp_path):
    """Replace the registry with one small two-file dataset 'tiny'; return it and a mirror folder."""
    dataset = data.Dataset(
        name="tiny",
        files=(_remote("tiny", "a.txt", TINY_A), _remote("tiny", "b.bin", TINY_B)),
        description="test data", license="CC0", citation="nobody", loader="none")
    monkeypatch.setattr(data, "DATASETS", {"tiny": dataset})
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    return dataset, mirror


def _write_idx(path: Path, array: np.ndarray, *, compress: bool = True) -> bytes:
    codes = {np.dtype(np.uint8): 0x08, np.dtype(np.int8): 0x09, np.dtype(np.int16): 0x0B,
             np.dtype(np.int32): 0x0C, np.dtype(np.float32): 0x0D, np.dtype(np.float64): 0x0E}
    header = bytes([0, 0, codes[array.dtype], array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    raw = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    content = gzip.compress(raw) if compress else raw
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return content


def _fake_image_data(seed: int, num_train: int, num_test: int):
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 256, (num_train, 28, 28), dtype=np.uint8), np.arange(num_train, dtype=np.uint8) % 10,
            rng.integers(0, 256, (num_test, 28, 28), dtype=np.uint8), np.arange(num_test, dtype=np.uint8) % 10)


@pytest.fixture
def fake_fashion(monkeypatch, tmp_path):
    """A mirror holding four tiny Fashion-MNIST IDX files, registered with their real checksums."""
    mirror = tmp_path / "fake-mirror"
    arrays = _fake_image_data(1, 12, 7)
    names = [name for name, _, _ in data._FASHION_FILES]
    files = []
    for name, array in zip(names, arrays):
        content = _write_idx(mirror / "fashion-mnist" / name, array)
        files.append(_remote("fashion-mnist", name, content))
    monkeypatch.setitem(data.DATASETS, "fashion_mnist",
                        dataclasses.replace(data.DATASETS["fashion_mnist"], files=tuple(files)))
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    return arrays


def _fake_mnist(monkeypatch, tmp_path, arrays: dict) -> Path:
    mirror = tmp_path / "fake-mnist-mirror"
    path = mirror / "mnist" / "mnist.npz"
    path.parent.mkdir(parents=True)
    np.savez_compressed(path, **arrays)
    remote = _remote("mnist", "mnist.npz", path.read_bytes())
    monkeypatch.setitem(data.DATASETS, "mnist", dataclasses.replace(data.DATASETS["mnist"], files=(remote,)))
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    return path


@pytest.fixture
def use_real_mirror(monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(REAL_MIRROR))
    return REAL_MIRROR


def _balanced(labels: np.ndarray, num_classes: int) -> bool:
    counts = np.bincount(labels, minlength=num_classes)
    return len(counts) == num_classes and counts.max() - counts.min() <= 1


# --------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------
@pytest.mark.slow
def test_import_is_cheap_and_never_loads_tensorflow():
    code = ("import sys, course_utils.data; "
            "loaded = [m for m in ('tensorflow', 'keras', 'sklearn', 'PIL', 'urllib.request') if m in sys.modules]; "
            "assert not loaded, loaded")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_public_api_is_exported():
    for name in data.__all__:
        assert hasattr(data, name), name
    assert data.dataset_names() == ["mnist", "fashion_mnist", "tiny_shakespeare", "names",
                                    "irish_songs", "imdb_word_index"]
    assert len(data.FASHION_MNIST_CLASSES) == 10 and data.FASHION_MNIST_CLASSES[9] == "Ankle boot"


def test_registry_entries_are_well_formed():
    for name, dataset in data.DATASETS.items():
        assert dataset.name == name and dataset.files and dataset.license and dataset.citation
        assert callable(getattr(data, dataset.loader))
        for remote in dataset.files:
            assert remote.url.startswith("https://")
            assert len(remote.sha256) == 64 and int(remote.sha256, 16) >= 0
            assert remote.size > 0
    assert data.DATASETS["mnist"].files[0].relative_path == "mnist/mnist.npz"
    assert {remote.filename for remote in data.DATASETS["fashion_mnist"].files} == {
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}


# --------------------------------------------------------------------------
# Where files are looked for
# --------------------------------------------------------------------------
def test_cache_dir_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert data.cache_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv("COURSE_CACHE_DIR")
    if (REPO / "data" / "README.md").is_file():
        assert data.cache_dir() == REPO / "data"
    else:
        assert data.cache_dir() == Path.home() / ".cache" / "course_utils"


def test_mirror_dir_is_read_at_call_time(monkeypatch, tmp_path):
    assert data.mirror_dir() is None
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert data.mirror_dir() == tmp_path
    monkeypatch.setenv("COURSE_DATA_DIR", "")
    assert data.mirror_dir() is None


def test_fetch_prefers_the_mirror_and_writes_nothing_to_cache(tiny, offline, monkeypatch):
    dataset, mirror = tiny
    path = _write(mirror, dataset.files[0], TINY_A)
    _write(offline, dataset.files[0], TINY_A)  # a valid cache copy too
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    assert data.fetch("tiny", "a.txt") == path


def test_fetch_falls_back_to_the_cache(tiny, offline, monkeypatch):
    dataset, mirror = tiny
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))  # mirror set, but lacks the file
    cached = _write(offline, dataset.files[1], TINY_B)
    assert data.fetch("tiny", "b.bin") == cached
    assert not (mirror / "tiny").exists()


def test_missing_and_offline_gives_one_clear_error(tiny, offline, monkeypatch):
    dataset, mirror = tiny
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    with pytest.raises(data.DataNotAvailableError) as info:
        data.fetch("tiny", "a.txt")
    message = str(info.value)
    remote = dataset.files[0]
    for needle in ("'tiny'", "a.txt", remote.url, "make data", "python -m course_utils data",
                   "COURSE_DATA_DIR", "COURSE_OFFLINE", str(mirror / "tiny" / "a.txt"),
                   str(offline / "tiny" / "a.txt"), remote.sha256):
        assert needle in message, needle
    assert isinstance(info.value, FileNotFoundError)
    assert info.value.url == remote.url and info.value.dataset == "tiny" and len(info.value.searched) == 2
    assert not offline.exists()  # nothing created in the cache


def test_real_loader_missing_offline_names_dataset_file_url():
    with pytest.raises(data.DataNotAvailableError) as info:
        data.load_names()
    message = str(info.value)
    for needle in ("names", "names.txt", "https://raw.githubusercontent.com/karpathy/makemore/master/names.txt",
                   "make data", "COURSE_DATA_DIR"):
        assert needle in message
    with pytest.raises(FileNotFoundError, match="mnist.npz"):
        data.load_mnist()


def test_corrupt_cache_file_raises_and_is_left_untouched(tiny, offline):
    dataset, _ = tiny
    path = _write(offline, dataset.files[0], b"alpha\nbetA\n")
    before = path.stat()
    with pytest.raises(data.ChecksumError) as info:
        data.fetch("tiny", "a.txt")
    error = info.value
    assert isinstance(error, ValueError)
    assert error.path == path and error.expected == dataset.files[0].sha256
    assert error.actual == _sha256(b"alpha\nbetA\n")
    for needle in (str(path), error.expected, error.actual, "make data", "Delete it"):
        assert needle in str(error)
    assert path.read_bytes() == b"alpha\nbetA\n"
    assert path.stat().st_mtime_ns == before.st_mtime_ns


def test_corrupt_mirror_file_is_an_error_even_with_a_good_cache_copy(tiny, offline, monkeypatch):
    dataset, mirror = tiny
    bad = _write(mirror, dataset.files[1], TINY_B[:-1])
    _write(offline, dataset.files[1], TINY_B)
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    with pytest.raises(data.ChecksumError, match="mirror") as info:
        data.fetch("tiny", "b.bin")
    assert "fix the mirror" in str(info.value).lower() and str(bad) in str(info.value)
    assert bad.read_bytes() == TINY_B[:-1]


def test_corrupt_real_dataset_file_raises_checksum_error(offline):
    path = offline / "makemore" / "names.txt"
    path.parent.mkdir(parents=True)
    path.write_text("emma\nolivia\n")
    with pytest.raises(data.ChecksumError, match="0a30b5557f192f32ab962680889aac5f6fda0f4cecf40a6d0b5694f58ea8cc4d"):
        data.load_names()
    assert path.read_text() == "emma\nolivia\n"


def test_checksums_are_computed_once_per_file_version(tiny, offline, monkeypatch):
    dataset, _ = tiny
    path = _write(offline, dataset.files[1], TINY_B)
    calls = []
    real_hash = data._sha256_file

    def counting(file_path):
        calls.append(file_path)
        return real_hash(file_path)

    monkeypatch.setattr(data, "_sha256_file", counting)
    for _ in range(3):
        data.fetch("tiny", "b.bin")
    assert len(calls) == 1
    # A changed file (new content and mtime) is hashed again, and rejected.
    path.write_bytes(TINY_B.upper() + b"!")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    with pytest.raises(data.ChecksumError):
        data.fetch("tiny", "b.bin")
    assert len(calls) == 2


def test_fetch_validates_arguments(tiny):
    with pytest.raises(ValueError, match="name"):
        data.fetch("nope")
    with pytest.raises(TypeError, match="name"):
        data.fetch(3)
    with pytest.raises(ValueError, match="filename"):
        data.fetch("tiny")  # two files: filename needed
    with pytest.raises(ValueError, match="filename"):
        data.fetch("tiny", "c.txt")
    with pytest.raises(TypeError, match="filename"):
        data.fetch("tiny", 1)


# --------------------------------------------------------------------------
# Downloads (with a fake _download; never the network)
# --------------------------------------------------------------------------
@pytest.fixture
def online_fake(monkeypatch, tmp_path):
    """Enable downloads, served by a fake _download from a dict url -> bytes; returns (sources, calls)."""
    sources, calls = {}, []

    def fake_download(url, destination):
        calls.append((url, Path(destination)))
        Path(destination).write_bytes(sources[url])

    monkeypatch.setenv("COURSE_OFFLINE", "0")
    monkeypatch.setattr(data, "_download", fake_download)
    return sources, calls


def test_download_is_verified_and_written_atomically(tiny, offline, online_fake):
    dataset, _ = tiny
    sources, calls = online_fake
    remote = dataset.files[0]
    sources[remote.url] = TINY_A
    path = data.fetch("tiny", "a.txt")
    assert path == offline / "tiny" / "a.txt" and path.read_bytes() == TINY_A
    # Written to a temporary file in the same folder, then renamed.
    (url, temporary), = calls
    assert url == remote.url and temporary.parent == path.parent and temporary != path
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.txt"]
    assert path.stat().st_mode & 0o777 == 0o644  # readable by everyone sharing the cache
    data.fetch("tiny", "a.txt")  # now cached: no second download
    assert len(calls) == 1


def test_corrupt_download_is_rejected_and_leaves_nothing(tiny, offline, online_fake):
    dataset, _ = tiny
    sources, _ = online_fake
    remote = dataset.files[0]
    sources[remote.url] = b"<html>rate limited</html>"
    with pytest.raises(data.ChecksumError) as info:
        data.fetch("tiny", "a.txt")
    assert remote.url in str(info.value) and remote.sha256 in str(info.value)
    assert list((offline / "tiny").iterdir()) == []


def test_interrupted_download_leaves_no_partial_file(tiny, offline, monkeypatch):
    def broken_download(url, destination):
        Path(destination).write_bytes(TINY_A[:3])
        raise ConnectionResetError("connection reset by peer")

    monkeypatch.setenv("COURSE_OFFLINE", "0")
    monkeypatch.setattr(data, "_download", broken_download)
    with pytest.raises(data.DataNotAvailableError, match="connection reset") as info:
        data.fetch("tiny", "a.txt")
    assert isinstance(info.value.__cause__, ConnectionResetError)
    assert "make data" in str(info.value)
    assert list((offline / "tiny").iterdir()) == []


def test_offline_mode_never_calls_download(tiny, monkeypatch):
    calls = []
    monkeypatch.setattr(data, "_download", lambda url, destination: calls.append(url))
    for value in ("1", "true", "YES"):
        monkeypatch.setenv("COURSE_OFFLINE", value)
        with pytest.raises(data.DataNotAvailableError):
            data.fetch("tiny", "a.txt")
    assert calls == []


def test_real_download_function_streams_the_response(monkeypatch, tmp_path):
    requests = []

    class FakeResponse(io.BytesIO):
        def __enter__(self):
            return self

    def fake_urlopen(request, timeout):
        requests.append((request.full_url, timeout))
        return FakeResponse(b"payload" * 1000)

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    destination = tmp_path / "file.part"
    _REAL_DOWNLOAD("https://example.invalid/file", destination)
    assert destination.read_bytes() == b"payload" * 1000
    assert requests == [("https://example.invalid/file", data._DOWNLOAD_TIMEOUT_S)]


# --------------------------------------------------------------------------
# prepare() and dataset_status()
# --------------------------------------------------------------------------
def test_prepare_and_status_with_a_temporary_mirror(tiny, offline, monkeypatch):
    dataset, mirror = tiny
    a, b = dataset.files
    _write(mirror, a, TINY_A)
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))

    status = {row["file"]: row for row in data.dataset_status()}
    assert status["a.txt"]["where"] == "mirror" and status["a.txt"]["ok"] is True
    assert status["a.txt"]["size"] == len(TINY_A) == status["a.txt"]["expected_size"]
    assert status["a.txt"]["path"] == str(mirror / "tiny" / "a.txt")
    assert status["b.bin"]["where"] == "missing" and status["b.bin"]["size"] is None
    assert status["b.bin"]["path"] == str(offline / "tiny" / "b.bin")
    assert set(status["a.txt"]) >= {"dataset", "file", "where", "path", "size"}

    # Offline with one file missing: reported, or re-raised after trying everything with strict=True.
    assert data.prepare() == [("tiny", "a.txt", "mirror ok"), ("tiny", "b.bin", "failed: not available")]
    with pytest.raises(data.DataNotAvailableError, match="b.bin"):
        data.prepare(strict=True)

    _write(offline, b, TINY_B)
    assert data.prepare(["tiny"]) == [("tiny", "a.txt", "mirror ok"), ("tiny", "b.bin", "cache ok")]
    assert [row["where"] for row in data.dataset_status("tiny")] == ["mirror", "cache"]


def test_prepare_downloads_what_is_missing(tiny, offline, online_fake, capsys):
    dataset, _ = tiny
    sources, calls = online_fake
    for remote, content in zip(dataset.files, (TINY_A, TINY_B)):
        sources[remote.url] = content
    assert data.prepare(verbose=True) == [("tiny", "a.txt", "downloaded"), ("tiny", "b.bin", "downloaded")]
    assert "tiny/b.bin" in capsys.readouterr().out
    assert data.prepare() == [("tiny", "a.txt", "cache ok"), ("tiny", "b.bin", "cache ok")]
    assert len(calls) == 2


def test_prepare_reports_corrupt_files(tiny, offline):
    dataset, _ = tiny
    _write(offline, dataset.files[0], b"bad")
    _write(offline, dataset.files[1], TINY_B)
    assert data.prepare() == [("tiny", "a.txt", "failed: corrupt file"), ("tiny", "b.bin", "cache ok")]
    with pytest.raises(data.ChecksumError):
        data.prepare(strict=True)
    assert (offline / "tiny" / "a.txt").read_bytes() == b"bad"
    assert data.dataset_status()[0]["ok"] is False


def test_prepare_validates_names(tiny):
    with pytest.raises(ValueError, match="name"):
        data.prepare(["tiny", "nope"])
    with pytest.raises(TypeError, match="names"):
        data.prepare(5)


# --------------------------------------------------------------------------
# File formats
# --------------------------------------------------------------------------
@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("array", [
    np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4),
    np.array([-5, 0, 70000], dtype=np.int32),
    np.linspace(-1, 1, 6).reshape(3, 2),
    np.array([[1, -2]], dtype=np.int16),
])
def test_idx_round_trip(tmp_path, array, compress):
    path = tmp_path / "x.idx"
    _write_idx(path, array, compress=compress)
    loaded = data._read_idx(path)
    assert loaded.shape == array.shape and loaded.dtype == array.dtype.newbyteorder("=")
    np.testing.assert_array_equal(loaded, array)


@pytest.mark.parametrize("raw, message", [
    (b"\x08\x01\x00\x00" + bytes(8), "magic"),        # little-endian int read as magic
    (b"\x00\x00\x07\x01" + bytes(8), "magic"),        # unknown type code
    (b"\x00\x00\x08\x00", "magic"),                   # zero dimensions
    (b"\x00\x00", "only 2 bytes"),
    (b"\x00\x00\x08\x03\x00\x00\x00\x02", "truncated"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x05abc", "data bytes"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x02abc", "data bytes"),
])
def test_idx_rejects_malformed_files(tmp_path, raw, message):
    for name, content in (("plain.idx", raw), ("packed.gz", gzip.compress(raw))):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ValueError, match=message):
            data._read_idx(path)


def test_idx_rejects_broken_gzip(tmp_path):
    path = tmp_path / "broken.gz"
    path.write_bytes(gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x01x")[:-6])
    with pytest.raises(ValueError, match="gzip"):
        data._read_idx(path)


def test_fashion_loader_on_a_tiny_fake_mirror(fake_fashion, offline):
    train_x, train_y, test_x, test_y = fake_fashion
    (train_images, train_labels), (test_images, test_labels) = data.load_fashion_mnist(
        num_train=None, num_test=None, seed=None)
    assert train_images.shape == (12, 28, 28) and train_images.dtype == np.float32
    assert test_images.shape == (7, 28, 28) and test_labels.dtype == np.int64
    np.testing.assert_allclose(train_images, train_x / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(test_labels, test_y)
    (subset, labels), _ = data.load_fashion_mnist(num_train=5, num_test=3, seed=4)
    order = np.random.default_rng(4).permutation(12)[:5]
    np.testing.assert_array_equal(labels, train_y[order])
    with pytest.raises(ValueError, match="num_train must be <= 12"):
        data.load_fashion_mnist(num_train=13)
    assert not offline.exists()  # served from the mirror


def test_mnist_loader_on_a_tiny_fake_npz(monkeypatch, tmp_path):
    train_x, train_y, test_x, test_y = _fake_image_data(2, 9, 4)
    _fake_mnist(monkeypatch, tmp_path, {"x_train": train_x, "y_train": train_y, "x_test": test_x, "y_test": test_y})
    (images, labels), (test_images, _) = data.load_mnist(num_train=None, num_test=2, seed=None)
    np.testing.assert_array_equal(labels, train_y)
    np.testing.assert_array_equal(test_images, test_x[:2] / np.float32(255))


def test_mnist_npz_with_wrong_contents_is_refused(monkeypatch, tmp_path):
    train_x, train_y, test_x, test_y = _fake_image_data(3, 4, 2)
    _fake_mnist(monkeypatch, tmp_path, {"x_train": train_x, "y_train": train_y[:3], "x_test": test_x,
                                        "y_test": test_y})
    with pytest.raises(ValueError, match="labels"):
        data.load_mnist(num_train=2, num_test=1)


def test_mnist_npz_with_pickled_objects_is_refused(monkeypatch, tmp_path):
    objects = np.array([{"evil": 1}] * 3, dtype=object)
    _fake_mnist(monkeypatch, tmp_path, {"x_train": objects, "y_train": objects, "x_test": objects,
                                        "y_test": objects})
    with pytest.raises(ValueError, match="allow_pickle"):
        data.load_mnist(num_train=1, num_test=1)


# --------------------------------------------------------------------------
# Real files from the read-only mirror
# --------------------------------------------------------------------------
@needs_real_mirror
class TestRealMirror:
    def test_mnist_default_subset(self, use_real_mirror, offline):
        (train_images, train_labels), (test_images, test_labels) = data.load_mnist()
        assert train_images.shape == (5000, 28, 28) and test_images.shape == (1000, 28, 28)
        assert train_images.dtype == test_images.dtype == np.float32
        assert train_labels.dtype == test_labels.dtype == np.int64
        assert train_labels.shape == (5000,) and test_labels.shape == (1000,)
        assert train_images.min() == 0.0 and train_images.max() == 1.0
        assert set(np.unique(train_labels)) == set(range(10))
        assert not offline.exists()  # nothing copied into the cache

    def test_mnist_full_set_in_file_order(self, use_real_mirror):
        (train_images, train_labels), (test_images, test_labels) = data.load_mnist(None, None, seed=None)
        assert train_images.shape == (60000, 28, 28) and test_images.shape == (10000, 28, 28)
        assert train_labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
        assert test_labels[:5].tolist() == [7, 2, 1, 0, 4]
        assert abs(float(train_images.mean()) - 0.1307) < 1e-3

    def test_mnist_subsets_are_deterministic(self, use_real_mirror):
        (first, first_labels), (test_a, _) = data.load_mnist(num_train=300, num_test=50, seed=0)
        (again, again_labels), (test_b, _) = data.load_mnist(num_train=300, num_test=50, seed=0)
        np.testing.assert_array_equal(first, again)
        np.testing.assert_array_equal(first_labels, again_labels)
        np.testing.assert_array_equal(test_a, test_b)
        (other, _), _ = data.load_mnist(num_train=300, num_test=50, seed=1)
        assert not np.array_equal(first, other)
        (prefix, _), (test_prefix, _) = data.load_mnist(num_train=100, num_test=50, seed=0)
        np.testing.assert_array_equal(prefix, first[:100])  # a smaller subset is a prefix
        np.testing.assert_array_equal(test_prefix, test_a)  # test rows do not depend on num_train

    def test_mnist_returns_copies(self, use_real_mirror):
        (images, labels), _ = data.load_mnist(num_train=10, num_test=1, seed=None)
        images[:] = -1.0
        labels[:] = 99
        (fresh, fresh_labels), _ = data.load_mnist(num_train=10, num_test=1, seed=None)
        assert fresh.min() >= 0.0 and fresh_labels[0] == 5

    def test_mnist_too_many_rows(self, use_real_mirror):
        with pytest.raises(ValueError, match="num_train must be <= 60000"):
            data.load_mnist(num_train=60001)
        with pytest.raises(ValueError, match="num_test must be <= 10000"):
            data.load_mnist(num_test=10001)

    def test_fashion_mnist_full_set_is_balanced(self, use_real_mirror):
        (train_images, train_labels), (test_images, test_labels) = data.load_fashion_mnist(None, None)
        assert train_images.shape == (60000, 28, 28) and test_images.shape == (10000, 28, 28)
        assert train_images.dtype == np.float32 and 0.0 <= train_images.min() < train_images.max() <= 1.0
        assert np.bincount(train_labels).tolist() == [6000] * 10
        assert np.bincount(test_labels).tolist() == [1000] * 10
        (_, subset_labels), _ = data.load_fashion_mnist(num_train=500, num_test=10, seed=3)
        assert subset_labels.shape == (500,) and subset_labels.dtype == np.int64

    def test_text_datasets(self, use_real_mirror):
        text = data.load_shakespeare()
        assert len(text) == 1_115_394 and text.startswith("First Citizen:") and len(set(text)) == 65
        names = data.load_names()
        assert len(names) == 32_033 and names[:3] == ["emma", "olivia", "ava"]
        songs = data.load_irish_songs()
        assert len(songs) == 817 and songs[0].startswith("X:1\nT:Alexander's")
        index = data.load_imdb_word_index()
        assert len(index) == 88_584 and index["the"] == 1
        index["the"] = 5
        assert data.load_imdb_word_index()["the"] == 1

    def test_prepare_and_status_offline_with_the_real_mirror(self, use_real_mirror, offline):
        results = data.prepare()
        assert len(results) == 9 and all(status == "mirror ok" for _, _, status in results)
        rows = data.dataset_status()
        assert all(row["where"] == "mirror" and row["ok"] and row["size"] == row["expected_size"] for row in rows)
        assert not offline.exists()


# --------------------------------------------------------------------------
# Synthetic and embedded datasets
# --------------------------------------------------------------------------
SYNTHETIC = [
    (data.load_xor, {}, 200, 2, 2),
    (data.load_blobs, {}, 300, 2, 3),
    (data.load_blobs, {"num_samples": 101, "num_classes": 4, "num_features": 5}, 101, 5, 4),
    (data.load_blobs, {"num_samples": 20, "num_classes": 2, "num_features": 1}, 20, 1, 2),
    (data.load_moons, {}, 300, 2, 2),
    (data.load_moons, {"num_samples": 7}, 7, 2, 2),
    (data.load_circles, {}, 300, 2, 2),
    (data.load_spirals, {}, 300, 2, 3),
    (data.load_spirals, {"num_samples": 50, "num_classes": 5}, 50, 2, 5),
]


@pytest.mark.parametrize("loader, kwargs, num_samples, num_features, num_classes", SYNTHETIC)
def test_synthetic_shapes_dtypes_determinism_balance(loader, kwargs, num_samples, num_features, num_classes):
    X, y = loader(**kwargs)
    assert X.shape == (num_samples, num_features) and X.dtype == np.float32
    assert y.shape == (num_samples,) and y.dtype == np.int64
    assert np.isfinite(X).all()
    assert _balanced(y, num_classes)
    X_again, y_again = loader(**kwargs)
    np.testing.assert_array_equal(X, X_again)
    np.testing.assert_array_equal(y, y_again)
    X_other, _ = loader(**kwargs, seed=1)
    assert not np.array_equal(X, X_other)


def test_xor_labels_follow_the_signs():
    X, y = data.load_xor(num_samples=400, noise=0.1)
    np.testing.assert_array_equal(y, (X[:, 0] > 0) ^ (X[:, 1] > 0))
    assert np.allclose(np.abs(X).mean(), 1.0, atol=0.05)


def test_blobs_are_separated_and_spread_scales():
    X, y = data.load_blobs(num_samples=600, num_classes=3, spread=1.0)
    centers = np.stack([X[y == k].mean(axis=0) for k in range(3)])
    distances = np.linalg.norm(centers[:, None] - centers[None], axis=-1)[np.triu_indices(3, 1)]
    assert distances.min() > 4.0
    assert np.allclose(X[y == 0].std(axis=0), 1.0, atol=0.2)
    X_tight, _ = data.load_blobs(num_samples=600, num_classes=3, spread=0.0)
    assert np.unique(X_tight, axis=0).shape[0] == 3


def test_circles_and_spirals_geometry():
    X, y = data.load_circles(num_samples=200, noise=0.0, factor=0.3)
    radius = np.linalg.norm(X, axis=1)
    assert np.allclose(radius[y == 0], 1.0, atol=1e-5) and np.allclose(radius[y == 1], 0.3, atol=1e-5)
    X, y = data.load_spirals(num_samples=300, noise=0.0)
    assert np.linalg.norm(X, axis=1).max() <= 1.0 + 1e-6
    X, y = data.load_spirals(num_samples=3, num_classes=3)
    assert sorted(y.tolist()) == [0, 1, 2]


def test_digits_split():
    (train_images, train_labels), (test_images, test_labels) = data.load_digits()
    assert train_images.shape == (1437, 8, 8) and test_images.shape == (360, 8, 8)
    assert train_images.dtype == np.float32 and train_labels.dtype == np.int64
    assert train_images.min() == 0.0 and train_images.max() == 1.0
    assert set(np.unique(test_labels)) == set(range(10))
    # Train and test never overlap, whatever the seed: the split itself is fixed.
    (_, labels_seed_1), (test_seed_1, _) = data.load_digits(seed=1)
    assert sorted(map(bytes, test_seed_1)) == sorted(map(bytes, test_images))
    assert np.bincount(labels_seed_1).tolist() == np.bincount(train_labels).tolist()
    (subset, _), (test_subset, _) = data.load_digits(num_train=100, num_test=20, seed=5)
    (again, _), _ = data.load_digits(num_train=100, num_test=20, seed=5)
    assert subset.shape == (100, 8, 8) and test_subset.shape == (20, 8, 8)
    np.testing.assert_array_equal(subset, again)
    with pytest.raises(ValueError, match="num_train must be <= 1437"):
        data.load_digits(num_train=1438)


def test_sample_photo():
    photo = data.load_sample_photo()
    assert photo.shape == (427, 640, 3) and photo.dtype == np.float32
    assert 0.0 <= photo.min() and photo.max() <= 1.0
    gray = data.load_sample_photo("china", grayscale=True)
    assert gray.shape == (427, 640) and gray.dtype == np.float32
    np.testing.assert_allclose(gray, photo @ np.array([0.299, 0.587, 0.114], dtype=np.float32), atol=1e-6)
    small = data.load_sample_photo("flower", size=(64, 96))
    assert small.shape == (64, 96, 3) and small.dtype == np.float32
    np.testing.assert_array_equal(small, data.load_sample_photo("flower", size=[64, 96]))
    assert data.load_sample_photo("flower", grayscale=True, size=(32, 32)).shape == (32, 32)
    photo[:] = 0  # callers get copies
    assert data.load_sample_photo().max() > 0


# --------------------------------------------------------------------------
# Argument validation
# --------------------------------------------------------------------------
NOT_INTS = st.one_of(st.floats(allow_nan=True), st.text(max_size=3), st.none(), st.booleans(),
                     st.lists(st.integers(), max_size=2))
LOADERS_WITH_NUM_SAMPLES = [data.load_xor, data.load_blobs, data.load_moons, data.load_circles, data.load_spirals]


@fuzz
@given(num_samples=st.integers(min_value=3, max_value=400), seed=st.integers(0, 2**32 - 1))
def test_fuzz_valid_sizes(num_samples, seed):
    for loader in LOADERS_WITH_NUM_SAMPLES:
        X, y = loader(num_samples=num_samples, seed=seed)
        assert X.shape == (num_samples, 2) and y.shape == (num_samples,)
    X, y = data.load_xor(num_samples=num_samples, seed=seed)
    assert _balanced(y, 2)


@fuzz
@given(num_samples=st.integers(max_value=0))
def test_fuzz_nonpositive_num_samples(num_samples):
    for loader in LOADERS_WITH_NUM_SAMPLES:
        with pytest.raises(ValueError, match="num_samples"):
            loader(num_samples=num_samples)


@fuzz
@given(value=NOT_INTS)
def test_fuzz_non_int_arguments(value):
    for loader in LOADERS_WITH_NUM_SAMPLES:
        with pytest.raises(TypeError, match="num_samples"):
            loader(num_samples=value)
        with pytest.raises(TypeError, match="seed"):
            loader(seed=value)
    if value is not None:  # None means "all rows" for the image loaders
        with pytest.raises(TypeError, match="num_train"):
            data.load_mnist(num_train=value)
        with pytest.raises(TypeError, match="num_test"):
            data.load_digits(num_test=value)


@fuzz
@given(noise=st.one_of(st.floats(max_value=-1e-12), st.just(math.inf), st.just(math.nan)))
def test_fuzz_bad_noise(noise):
    for loader in (data.load_xor, data.load_moons, data.load_circles, data.load_spirals):
        with pytest.raises(ValueError, match="noise"):
            loader(noise=noise)
    with pytest.raises(ValueError, match="spread"):
        data.load_blobs(spread=noise)


@pytest.mark.parametrize("call, error, name", [
    (lambda: data.load_xor(noise="0.1"), TypeError, "noise"),
    (lambda: data.load_xor(seed=-1), ValueError, "seed"),
    (lambda: data.load_moons(seed=2**32), ValueError, "seed"),
    (lambda: data.load_mnist(seed=2**40), ValueError, "seed"),
    (lambda: data.load_xor(num_samples=10**9), ValueError, "num_samples"),
    (lambda: data.load_blobs(num_classes=0), ValueError, "num_classes"),
    (lambda: data.load_blobs(num_samples=2, num_classes=3), ValueError, "num_samples"),
    (lambda: data.load_blobs(num_features=0), ValueError, "num_features"),
    (lambda: data.load_blobs(num_features=2.0), TypeError, "num_features"),
    (lambda: data.load_moons(num_samples=1), ValueError, "num_samples"),
    (lambda: data.load_circles(factor=1.0), ValueError, "factor"),
    (lambda: data.load_circles(factor=-0.5), ValueError, "factor"),
    (lambda: data.load_circles(factor="half"), TypeError, "factor"),
    (lambda: data.load_spirals(num_classes=0), ValueError, "num_classes"),
    (lambda: data.load_spirals(num_samples=2, num_classes=3), ValueError, "num_samples"),
    (lambda: data.load_mnist(num_train=0), ValueError, "num_train"),
    (lambda: data.load_mnist(num_test=-3), ValueError, "num_test"),
    (lambda: data.load_mnist(seed=-1), ValueError, "seed"),
    (lambda: data.load_fashion_mnist(seed=1.5), TypeError, "seed"),
    (lambda: data.load_digits(num_train=2.5), TypeError, "num_train"),
    (lambda: data.load_sample_photo("moon"), ValueError, "name"),
    (lambda: data.load_sample_photo(3), TypeError, "name"),
    (lambda: data.load_sample_photo(grayscale="yes"), TypeError, "grayscale"),
    (lambda: data.load_sample_photo(size=(0, 10)), ValueError, "size"),
    (lambda: data.load_sample_photo(size=(10,)), ValueError, "size"),
    (lambda: data.load_sample_photo(size=(10, 2.5)), TypeError, "size"),
    (lambda: data.load_sample_photo(size="10x10"), TypeError, "size"),
    (lambda: data.load_sample_photo(size=64), TypeError, "size"),
])
def test_bad_arguments_name_the_argument(call, error, name):
    with pytest.raises(error, match=name):
        call()
