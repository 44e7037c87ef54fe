"""Datasets for the course: synthetic, embedded and checksummed real files.

Every loader returns NumPy arrays (float32 features/images, int64 labels) and
draws subsets with ``np.random.default_rng(seed)``, so every learner and CI run
gets the same rows.

Three kinds of data live here:

* **Synthetic** (``load_xor``, ``load_blobs``, ``load_moons``, ``load_circles``,
  ``load_spirals``): generated on the fly, always available.
* **Embedded** (``load_digits``, ``load_sample_photo``): files that ship inside
  scikit-learn, always available, no download.
* **Real datasets** (``load_mnist``, ``load_fashion_mnist``,
  ``load_shakespeare``, ``load_names``, ``load_irish_songs``,
  ``load_imdb_word_index``): the original files, listed in ``DATASETS`` with
  their official URL, size and sha256.

Each real file is looked up in this order:

1. the read-only **mirror** named by the environment variable
   ``COURSE_DATA_DIR`` (same ``<subdir>/<filename>`` layout),
2. the **cache**, :func:`cache_dir` (``COURSE_CACHE_DIR``, else the checkout's
   ``data/`` folder, else ``~/.cache/course_utils``),
3. a **download** into the cache (sha256-checked, written atomically), unless
   ``COURSE_OFFLINE=1``.

A file whose sha256 does not match raises :class:`ChecksumError`; it is never
used and never deleted. A file that cannot be found or fetched raises
:class:`DataNotAvailableError`, whose message says how to provide it
(``make data``, ``COURSE_DATA_DIR``, or a manual download).

This module imports only NumPy and the standard library; scikit-learn and
Pillow are imported inside the functions that need them. It never imports
TensorFlow or Keras.
"""
from __future__ import annotations

import dataclasses
import functools
import gzip
import hashlib
import json
import math
import os
import re
import shutil
import struct
import tempfile
import threading
import zlib
from pathlib import Path

import numpy as np

from ._validation import check_choice, check_float, check_int, describe

__all__ = [
    "ChecksumError",
    "DataNotAvailableError",
    "RemoteFile",
    "Dataset",
    "DATASETS",
    "FASHION_MNIST_CLASSES",
    "SAMPLE_PHOTOS",
    "cache_dir",
    "mirror_dir",
    "dataset_names",
    "dataset_status",
    "fetch",
    "prepare",
    "load_xor",
    "load_blobs",
    "load_moons",
    "load_circles",
    "load_spirals",
    "load_digits",
    "load_sample_photo",
    "load_mnist",
    "load_fashion_mnist",
    "load_shakespeare",
    "load_names",
    "load_irish_songs",
    "load_imdb_word_index",
]

#: Environment variables read at call time (never at import time).
DATA_DIR_ENV = "COURSE_DATA_DIR"
CACHE_DIR_ENV = "COURSE_CACHE_DIR"
OFFLINE_ENV = "COURSE_OFFLINE"

_DOWNLOAD_TIMEOUT_S = 60.0
_MAX_SAMPLES = 10_000_000  # guards against typos such as num_samples=3e9
_MAX_SEED = 2**32 - 1  # the range scikit-learn accepts for random_state
_PREPARE_HINT = "`make data` (or `python -m course_utils data`)"


# --------------------------------------------------------------------------
# Errors and the registry
# --------------------------------------------------------------------------
class ChecksumError(ValueError):
    """A data file's sha256 differs from the registered one.

    The file is never used and never deleted. Attributes: ``path``,
    ``expected`` and ``actual`` (hex sha256 strings).
    """

    def __init__(self, message: str, *, path: Path, expected: str, actual: str):
        super().__init__(message)
        self.path = Path(path)
        self.expected = expected
        self.actual = actual


class DataNotAvailableError(FileNotFoundError):
    """A data file is in neither the mirror nor the cache and cannot be downloaded.

    Attributes: ``dataset``, ``filename``, ``url`` and ``searched`` (the paths
    looked at, in order).
    """

    def __init__(self, message: str, *, dataset: str, filename: str, url: str,
                 searched: tuple[str, ...] = ()):
        super().__init__(message)
        self.dataset = dataset
        self.filename = filename
        self.url = url
        self.searched = tuple(searched)

    def __str__(self) -> str:
        # OSError.__str__ would print "[Errno None] None: '<filename>'" once filename is set.
        return self.args[0]


@dataclasses.dataclass(frozen=True)
class RemoteFile:
    """One file of a dataset: where it lives locally and where it comes from.

    Parameters
    ----------
    subdir : str
        Sub-folder inside the mirror or cache, for example ``"mnist"``.
    filename : str
        File name inside ``subdir``.
    url : str
        Official download URL.
    sha256 : str
        Expected sha256 of the file, lower-case hex.
    size : int
        Expected size in bytes.
    """

    subdir: str
    filename: str
    url: str
    sha256: str
    size: int

    @property
    def relative_path(self) -> str:
        """``"<subdir>/<filename>"``, the same in the mirror and in the cache."""
        return f"{self.subdir}/{self.filename}"


@dataclasses.dataclass(frozen=True)
class Dataset:
    """A real dataset: its files, terms of use and the loader that reads it.

    Parameters
    ----------
    name : str
        Registry key, for example ``"mnist"``.
    files : tuple of RemoteFile
        The files the loader needs.
    description : str
        One line on what the data is.
    license : str
        Terms of use as stated by the publisher.
    citation : str
        Whom to credit.
    loader : str
        Name of the ``course_utils.data`` function that loads it.
    homepage : str
        Page of the original publisher.
    """

    name: str
    files: tuple[RemoteFile, ...]
    description: str
    license: str
    citation: str
    loader: str
    homepage: str = ""

    @property
    def size(self) -> int:
        """Total size of the dataset's files in bytes."""
        return sum(remote.size for remote in self.files)


_KERAS_BUCKET = "https://storage.googleapis.com/tensorflow/tf-keras-datasets"
_FASHION_FILES = (
    ("train-images-idx3-ubyte.gz", "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", 26_421_880),
    ("train-labels-idx1-ubyte.gz", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", 29_515),
    ("t10k-images-idx3-ubyte.gz", "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", 4_422_102),
    ("t10k-labels-idx1-ubyte.gz", "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5", 5_148),
)

#: The real datasets, by name. Values come from ``shared/data/SOURCES.md``.
DATASETS: dict[str, Dataset] = {
    dataset.name: dataset
    for dataset in (
        Dataset(
            name="mnist",
            files=(RemoteFile("mnist", "mnist.npz", f"{_KERAS_BUCKET}/mnist.npz",
                              "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
                              11_490_434),),
            description="70,000 handwritten digits, 28x28 grayscale (the Keras mnist.npz)",
            license="CC BY-SA 3.0 (Yann LeCun and Corinna Cortes, derived from NIST data)",
            citation="Y. LeCun, C. Cortes, C. J. C. Burges: The MNIST database of handwritten digits",
            loader="load_mnist",
            homepage="http://yann.lecun.com/exdb/mnist/",
        ),
        Dataset(
            name="fashion_mnist",
            files=tuple(RemoteFile("fashion-mnist", filename, f"{_KERAS_BUCKET}/{filename}", sha256, size)
                        for filename, sha256, size in _FASHION_FILES),
            description="70,000 Zalando article images in 10 classes, 28x28 grayscale (IDX files)",
            license="MIT (Copyright 2017 Zalando SE)",
            citation="H. Xiao, K. Rasul, R. Vollgraf: Fashion-MNIST, arXiv:1708.07747 (2017)",
            loader="load_fashion_mnist",
            homepage="https://github.com/zalandoresearch/fashion-mnist",
        ),
        Dataset(
            name="tiny_shakespeare",
            files=(RemoteFile("tinyshakespeare", "input.txt",
                              "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt",
                              "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
                              1_115_394),),
            description="1.1 million characters of Shakespeare plays (char-rnn's tiny Shakespeare)",
            license="Text public domain; char-rnn repository MIT",
            citation="A. Karpathy, char-rnn (2015)",
            loader="load_shakespeare",
            homepage="https://github.com/karpathy/char-rnn",
        ),
        Dataset(
            name="names",
            files=(RemoteFile("makemore", "names.txt",
                              "https://raw.githubusercontent.com/karpathy/makemore/master/names.txt",
                              "0a30b5557f192f32ab962680889aac5f6fda0f4cecf40a6d0b5694f58ea8cc4d",
                              228_145),),
            description="32,033 common US first names (ssa.gov, 2018), one per line",
            license="makemore repository MIT; names from US Social Security Administration public data",
            citation="A. Karpathy, makemore (2022)",
            loader="load_names",
            homepage="https://github.com/karpathy/makemore",
        ),
        Dataset(
            name="irish_songs",
            files=(RemoteFile("mit6s191", "irish.abc",
                              "https://raw.githubusercontent.com/aamini/introtodeeplearning/master/mitdeeplearning/data/irish.abc",
                              "df3782d5f7b5a2f4c66aa7c13f13008d5f48757b3f5f51620cd6c1ceb2c53023",
                              197_618),),
            description="Irish folk tunes in ABC notation (MIT 6.S191 lab 1)",
            license="MIT (MIT Introduction to Deep Learning)",
            citation="A. Amini, A. Soleimany: MIT 6.S191 Introduction to Deep Learning, lab 1",
            loader="load_irish_songs",
            homepage="https://github.com/aamini/introtodeeplearning",
        ),
        Dataset(
            name="imdb_word_index",
            files=(RemoteFile("imdb", "imdb_word_index.json", f"{_KERAS_BUCKET}/imdb_word_index.json",
                              "027313fe9a320280f3bf0fac5baf58c4a683cf39a7ed9c3d3d3912bde4284cf6",
                              1_641_221),),
            description="Keras word -> index mapping for the IMDB movie-review dataset (88,584 words)",
            license="IMDB Large Movie Review Dataset terms: cite Maas et al. (2011)",
            citation="A. L. Maas et al.: Learning Word Vectors for Sentiment Analysis, ACL 2011",
            loader="load_imdb_word_index",
            homepage="https://ai.stanford.edu/~amaas/data/sentiment/",
        ),
    )
}

#: Fashion-MNIST class names, indexed by label.
FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)

#: Photos that ship with scikit-learn, for :func:`load_sample_photo`.
SAMPLE_PHOTOS = ("china", "flower")


# --------------------------------------------------------------------------
# Where files live
# --------------------------------------------------------------------------
def _env_path(variable: str) -> Path | None:
    value = os.environ.get(variable, "").strip()
    return Path(value).expanduser() if value else None


def mirror_dir() -> Path | None:
    """Return the read-only mirror folder named by ``COURSE_DATA_DIR``, or None.

    Returns
    -------
    pathlib.Path or None
        The folder (which may not exist), or None when the variable is unset
        or empty. Read at call time.
    """
    return _env_path(DATA_DIR_ENV)


def cache_dir() -> Path:
    """Return the folder where downloaded data files are kept.

    Returns
    -------
    pathlib.Path
        ``COURSE_CACHE_DIR`` if set; otherwise the repository's ``data/``
        folder when the package sits in a checkout (the folder holds
        ``README.md``); otherwise ``~/.cache/course_utils``. Files live under
        ``<cache>/<subdir>/<filename>``. The folder may not exist yet.
    """
    from_env = _env_path(CACHE_DIR_ENV)
    if from_env is not None:
        return from_env
    checkout_data = Path(__file__).resolve().parents[1] / "data"
    if (checkout_data / "README.md").is_file():
        return checkout_data
    return Path("~/.cache/course_utils").expanduser()


def _offline() -> bool:
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


# --------------------------------------------------------------------------
# Checksums
# --------------------------------------------------------------------------
_verified: dict[tuple[str, int, int], str] = {}  # (path, size, mtime_ns) -> actual sha256
_verified_lock = threading.Lock()


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _actual_sha256(path: Path) -> str:
    """sha256 of ``path``, remembered per (path, size, mtime) so big files are hashed once."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    with _verified_lock:
        known = _verified.get(key)
    if known is None:
        known = _sha256_file(path)
        with _verified_lock:
            _verified[key] = known
    return known


def _verify(dataset: Dataset, remote: RemoteFile, path: Path, where: str) -> Path:
    """Return ``path`` if its sha256 is the registered one, else raise ChecksumError."""
    actual = _actual_sha256(path)
    if actual == remote.sha256:
        return path
    size = path.stat().st_size
    if where == "mirror":
        advice = (f"The mirror ({DATA_DIR_ENV}={mirror_dir()}) holds a bad copy. Fix the mirror: copy the "
                  f"original file from {remote.url} into it (or ask whoever maintains it), or unset "
                  f"{DATA_DIR_ENV} to use the cache instead.")
    else:
        advice = (f"Delete it and run {_PREPARE_HINT} to download it again, or copy a good file from "
                  f"{remote.url} to that path.")
    message = (
        f"Checksum mismatch for {path} (dataset {dataset.name!r}, file {remote.filename!r}, {where} copy):\n"
        f"  expected sha256 {remote.sha256} ({remote.size:,} bytes)\n"
        f"  actual   sha256 {actual} ({size:,} bytes)\n"
        f"The file is corrupt or incomplete, so it was not used; it was left in place.\n"
        f"{advice}"
    )
    raise ChecksumError(message, path=path, expected=remote.sha256, actual=actual)


# --------------------------------------------------------------------------
# Finding and downloading files
# --------------------------------------------------------------------------
def _download(url: str, destination: Path) -> None:
    """Download ``url`` to the file ``destination`` (no checks; the caller verifies).

    The single place where this module touches the network; tests replace it.
    """
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "course_utils"})
    with urllib.request.urlopen(request, timeout=_DOWNLOAD_TIMEOUT_S) as response, \
            open(destination, "wb") as stream:
        shutil.copyfileobj(response, stream, length=1 << 20)


def _download_verified(dataset: Dataset, remote: RemoteFile, target: Path) -> None:
    """Download into a temporary file next to ``target``, check sha256, then rename atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary_name = tempfile.mkstemp(dir=target.parent, prefix=f".{remote.filename}.",
                                              suffix=".part")
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        _download(remote.url, temporary)
        actual = _sha256_file(temporary)
        if actual != remote.sha256:
            size = temporary.stat().st_size
            raise ChecksumError(
                f"The download of {remote.url} (dataset {dataset.name!r}) has the wrong checksum:\n"
                f"  expected sha256 {remote.sha256} ({remote.size:,} bytes)\n"
                f"  actual   sha256 {actual} ({size:,} bytes)\n"
                f"It was discarded and nothing was written to {target}. Try again later; if it keeps "
                f"failing, the server's copy has changed: provide the original file through "
                f"{DATA_DIR_ENV} or copy it to {target} by hand.",
                path=target, expected=remote.sha256, actual=actual)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; a shared cache should stay readable
        os.replace(temporary, target)
        stat = target.stat()
        with _verified_lock:  # just hashed: no need to hash it again on first use
            _verified[(str(target.resolve()), stat.st_size, stat.st_mtime_ns)] = actual
    finally:
        if temporary.exists():
            temporary.unlink()


def _locate(remote: RemoteFile) -> tuple[str, Path, list[str]]:
    """Return (where, path, searched) for a file: where is "mirror", "cache" or "missing".

    For "missing", ``path`` is where a download would go.
    """
    searched = []
    mirror = mirror_dir()
    if mirror is None:
        searched.append(f"mirror: {DATA_DIR_ENV} is not set")
    else:
        candidate = mirror / remote.subdir / remote.filename
        if candidate.is_file():
            return "mirror", candidate, searched
        note = "not found" if mirror.is_dir() else "the folder does not exist"
        searched.append(f"mirror: {candidate} ({note})")
    cached = cache_dir() / remote.subdir / remote.filename
    if cached.is_file():
        return "cache", cached, searched
    searched.append(f"cache:  {cached} (not found)")
    return "missing", cached, searched


def _not_available(dataset: Dataset, remote: RemoteFile, target: Path, searched: list[str],
                   reason: str) -> DataNotAvailableError:
    lines = "\n".join(f"  - {entry}" for entry in searched)
    message = (
        f"Dataset {dataset.name!r}: file {remote.filename!r} is not available ({reason}).\n"
        f"Searched:\n{lines}\n"
        f"Provide it in one of these ways:\n"
        f"  1. run {_PREPARE_HINT} on a machine that is online, which downloads and checks every dataset;\n"
        f"  2. set {DATA_DIR_ENV} to a folder (for example a shared read-only mirror) holding "
        f"{remote.relative_path};\n"
        f"  3. download {remote.url}\n"
        f"     by hand and save it as {target}\n"
        f"     (expected sha256 {remote.sha256}, {remote.size:,} bytes)."
    )
    return DataNotAvailableError(message, dataset=dataset.name, filename=remote.filename,
                                 url=remote.url, searched=tuple(searched))


def _resolve(dataset: Dataset, remote: RemoteFile) -> tuple[str, Path]:
    """Return (where, verified path), downloading into the cache if needed and allowed."""
    where, path, searched = _locate(remote)
    if where != "missing":
        return where, _verify(dataset, remote, path, where)
    if _offline():
        raise _not_available(dataset, remote, path, searched,
                             f"downloads are disabled because {OFFLINE_ENV}={os.environ.get(OFFLINE_ENV)}")
    try:
        _download_verified(dataset, remote, path)
    except ChecksumError:
        raise
    except OSError as error:  # URLError, timeouts, unwritable cache, ...
        raise _not_available(dataset, remote, path, searched,
                             f"the download failed: {type(error).__name__}: {error}") from error
    return "downloaded", path


def _dataset(name) -> Dataset:
    if not isinstance(name, str):
        raise TypeError(f"name must be a str naming a dataset, got {describe(name)}")
    check_choice("name", name, DATASETS)
    return DATASETS[name]


def fetch(name: str, filename: str | None = None) -> Path:
    """Return the path of a verified data file, downloading it if needed.

    Looks in the mirror (``COURSE_DATA_DIR``), then the cache
    (:func:`cache_dir`), then downloads into the cache unless
    ``COURSE_OFFLINE=1``. The file's sha256 is always checked.

    Parameters
    ----------
    name : str
        Dataset name, one of :func:`dataset_names`.
    filename : str, optional
        File of that dataset; may be left out when the dataset has one file.

    Returns
    -------
    pathlib.Path
        Path of the file (treat it as read-only: it may be in a shared mirror).

    Raises
    ------
    ChecksumError
        The file found (or downloaded) has the wrong sha256.
    DataNotAvailableError
        The file is missing and cannot be downloaded.
    """
    dataset = _dataset(name)
    choices = [remote.filename for remote in dataset.files]
    if filename is None:
        if len(choices) != 1:
            raise ValueError(f"filename must be given for dataset {name!r}, which has files {choices!r}")
        filename = choices[0]
    elif not isinstance(filename, str):
        raise TypeError(f"filename must be a str, got {describe(filename)}")
    check_choice("filename", filename, choices)
    remote = dataset.files[choices.index(filename)]
    return _resolve(dataset, remote)[1]


def dataset_names() -> list[str]:
    """Return the names of the real (file-backed) datasets.

    Returns
    -------
    list of str
        Keys of ``DATASETS``, for example ``["mnist", "fashion_mnist", ...]``.
    """
    return list(DATASETS)


def _selected(names) -> list[Dataset]:
    if names is None:
        return list(DATASETS.values())
    if isinstance(names, str):
        names = [names]
    try:
        names = list(names)
    except TypeError:
        raise TypeError(f"names must be None, a str or a list of str, got {describe(names)}") from None
    return [_dataset(name) for name in names]


def dataset_status(names=None, *, verify: bool = True) -> list[dict]:
    """Report where each file of the real datasets is, without downloading.

    Parameters
    ----------
    names : str or list of str, optional
        Datasets to report; all of them by default.
    verify : bool, default True
        Also check each present file's sha256 (hashed once per file version).

    Returns
    -------
    list of dict
        One dict per file with keys ``dataset``, ``file``, ``where``
        (``"mirror"``, ``"cache"`` or ``"missing"``), ``path`` (str; for a
        missing file, where a download would go), ``size`` (int bytes or
        None), ``expected_size`` (int), ``ok`` (True/False after checking the
        sha256, None when missing or not verified) and ``url``.
    """
    rows = []
    for dataset in _selected(names):
        for remote in dataset.files:
            where, path, _ = _locate(remote)
            present = where != "missing"
            ok = None
            if present and verify:
                ok = _actual_sha256(path) == remote.sha256
            rows.append({
                "dataset": dataset.name,
                "file": remote.filename,
                "where": where,
                "path": str(path),
                "size": path.stat().st_size if present else None,
                "expected_size": remote.size,
                "ok": ok,
                "url": remote.url,
            })
    return rows


def prepare(names=None, *, strict: bool = False, verbose: bool = False) -> list[tuple[str, str, str]]:
    """Make every file of the given datasets available and verified (``make data``).

    Files already valid in the mirror or cache are left alone; the others are
    downloaded into :func:`cache_dir`. Works offline when everything is
    already in the mirror or cache.

    Parameters
    ----------
    names : str or list of str, optional
        Datasets to prepare; all of them by default.
    strict : bool, default False
        With True, re-raise the first failure after trying every file. By
        default failures are only reported in the returned statuses (the
        ``make data`` command prints them and exits with status 1).
    verbose : bool, default False
        Print one line per file as it is handled.

    Returns
    -------
    list of (str, str, str)
        ``(dataset, file, status)`` per file; status is ``"mirror ok"``,
        ``"cache ok"``, ``"downloaded"`` or ``"failed: <reason>"``.

    Raises
    ------
    ChecksumError, DataNotAvailableError
        Only with ``strict=True``: the first file that failed.
    """
    datasets = _selected(names)
    results, failures = [], []
    for dataset in datasets:
        for remote in dataset.files:
            try:
                where, _ = _resolve(dataset, remote)
                status = "downloaded" if where == "downloaded" else f"{where} ok"
            except (ChecksumError, DataNotAvailableError) as error:
                failures.append(error)
                reason = "corrupt file" if isinstance(error, ChecksumError) else "not available"
                status = f"failed: {reason}"
            results.append((dataset.name, remote.filename, status))
            if verbose:
                print(f"{dataset.name:16s} {remote.relative_path:42s} {status}", flush=True)
    if failures and strict:
        raise failures[0]
    return results


# --------------------------------------------------------------------------
# File formats
# --------------------------------------------------------------------------
_IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def _read_idx(path) -> np.ndarray:
    """Read an IDX file (optionally gzip-compressed) into a read-only native-endian array.

    Raises ValueError, naming the file, when the gzip stream, the magic
    number, the dimensions or the byte count are wrong.
    """
    path = Path(path)
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as error:
            raise ValueError(f"{path} is not a valid gzip file: {error}") from None
    if len(raw) < 4:
        raise ValueError(f"{path} is not an IDX file: only {len(raw)} bytes")
    zero_a, zero_b, type_code, ndim = raw[:4]
    if zero_a != 0 or zero_b != 0 or type_code not in _IDX_DTYPES or ndim == 0:
        raise ValueError(f"{path} is not an IDX file: bad magic number 0x{raw[:4].hex()} "
                         f"(expected 0x0000TTNN with type TT in "
                         f"{sorted(f'{code:02x}' for code in _IDX_DTYPES)} and NN >= 1 dimensions)")
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise ValueError(f"{path} is truncated: the header needs {header_size} bytes, the file has {len(raw)}")
    shape = struct.unpack(f">{ndim}I", raw[4:header_size])
    dtype = _IDX_DTYPES[type_code]
    expected = math.prod(shape) * dtype.itemsize
    if len(raw) - header_size != expected:
        raise ValueError(f"{path} has {len(raw) - header_size} data bytes, but its header "
                         f"(shape {shape}, dtype {dtype}) needs {expected}")
    array = np.frombuffer(raw, dtype=dtype, offset=header_size).reshape(shape)
    array = array.astype(dtype.newbyteorder("="), copy=False)
    array.flags.writeable = False
    return array


def _file_key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path.resolve()), stat.st_size, stat.st_mtime_ns


def _check_image_arrays(source, images, labels, what: str) -> None:
    if images.ndim != 3 or images.shape[1:] != (28, 28) or images.dtype != np.uint8:
        raise ValueError(f"{source}: {what} images must be uint8 with shape (n, 28, 28), got {describe(images)}")
    if labels.ndim != 1 or labels.shape[0] != images.shape[0] or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"{source}: {what} labels must be integers with shape ({images.shape[0]},), "
                         f"got {describe(labels)}")


@functools.lru_cache(maxsize=2)
def _parse_mnist_npz(path: str, size: int, mtime_ns: int):
    """Full MNIST arrays (read-only) from the Keras npz; keyed by file version."""
    with np.load(path, allow_pickle=False) as archive:
        missing = {"x_train", "y_train", "x_test", "y_test"} - set(archive.files)
        if missing:
            raise ValueError(f"{path} is not the Keras mnist.npz: missing arrays {sorted(missing)}")
        arrays = [np.asarray(archive[key]) for key in ("x_train", "y_train", "x_test", "y_test")]
    _check_image_arrays(path, arrays[0], arrays[1], "training")
    _check_image_arrays(path, arrays[2], arrays[3], "test")
    for array in arrays:
        array.flags.writeable = False
    return tuple(arrays)


@functools.lru_cache(maxsize=2)
def _parse_fashion_idx(paths: tuple[tuple[str, int, int], ...]):
    """Full Fashion-MNIST arrays (read-only) from the four IDX files; keyed by file versions."""
    train_images, train_labels, test_images, test_labels = (_read_idx(path) for path, _, _ in paths)
    _check_image_arrays(paths[0][0], train_images, train_labels, "training")
    _check_image_arrays(paths[2][0], test_images, test_labels, "test")
    return train_images, train_labels, test_images, test_labels


def _subset_indices(available: int, count: int | None, rng: np.random.Generator | None,
                    name: str) -> np.ndarray | slice:
    if count is not None and count > available:
        raise ValueError(f"{name} must be <= {available} (the number of rows available), got {count}")
    count = available if count is None else count
    if rng is None:
        return slice(0, count)
    return rng.permutation(available)[:count]


def _image_split(images, labels, indices, scale: float):
    subset = np.divide(images[indices], scale, dtype=np.float32)
    return subset, labels[indices].astype(np.int64)


def _load_image_dataset(full_arrays, num_train, num_test, seed, scale=255.0):
    num_train = check_int("num_train", num_train, minimum=1, allow_none=True)
    num_test = check_int("num_test", num_test, minimum=1, allow_none=True)
    seed = check_int("seed", seed, minimum=0, maximum=_MAX_SEED, allow_none=True)
    train_images, train_labels, test_images, test_labels = full_arrays()
    rng = None if seed is None else np.random.default_rng(seed)
    # Full permutations, train first: neither subset depends on the other's size.
    train_indices = _subset_indices(len(train_images), num_train, rng, "num_train")
    test_indices = _subset_indices(len(test_images), num_test, rng, "num_test")
    return (_image_split(train_images, train_labels, train_indices, scale),
            _image_split(test_images, test_labels, test_indices, scale))


# --------------------------------------------------------------------------
# Real-data loaders
# --------------------------------------------------------------------------
def _mnist_arrays():
    return _parse_mnist_npz(*_file_key(fetch("mnist", "mnist.npz")))


def _fashion_arrays():
    keys = tuple(_file_key(fetch("fashion_mnist", filename)) for filename, _, _ in _FASHION_FILES)
    return _parse_fashion_idx(keys)


def load_mnist(num_train: int | None = 5_000, num_test: int | None = 1_000, seed: int | None = 0):
    """Return (train_images, train_labels), (test_images, test_labels) from MNIST.

    Images are float32 in [0, 1] with shape (n, 28, 28). The subset is
    drawn with ``seed``, so every learner and CI run gets the same rows.

    Parameters
    ----------
    num_train : int or None, default 5000
        Number of training images, at most 60000; None means all of them.
    num_test : int or None, default 1000
        Number of test images, at most 10000; None means all of them.
    seed : int or None, default 0
        Training rows are the first ``num_train`` of a permutation drawn from
        ``np.random.default_rng(seed)`` (test rows: the first ``num_test`` of
        the generator's next permutation), so a smaller subset is a prefix of
        a larger one. None keeps the original file order.

    Returns
    -------
    (train_images, train_labels) : tuple of ndarray
        float32 array of shape (num_train, 28, 28) and int64 array of shape
        (num_train,) with digits 0-9.
    (test_images, test_labels) : tuple of ndarray
        Same for the test set, shapes (num_test, 28, 28) and (num_test,).

    Raises
    ------
    DataNotAvailableError
        ``mnist/mnist.npz`` is missing and cannot be downloaded.
    ChecksumError
        The file found has the wrong sha256.
    """
    return _load_image_dataset(_mnist_arrays, num_train, num_test, seed)


def load_fashion_mnist(num_train: int | None = 5_000, num_test: int | None = 1_000, seed: int | None = 0):
    """Return (train_images, train_labels), (test_images, test_labels) from Fashion-MNIST.

    Images are float32 in [0, 1] with shape (n, 28, 28); labels index
    ``FASHION_MNIST_CLASSES``. Subsets are drawn exactly as in
    :func:`load_mnist`.

    Parameters
    ----------
    num_train : int or None, default 5000
        Number of training images, at most 60000; None means all of them.
    num_test : int or None, default 1000
        Number of test images, at most 10000; None means all of them.
    seed : int or None, default 0
        Seed of the row permutation; None keeps the original file order.

    Returns
    -------
    (train_images, train_labels) : tuple of ndarray
        float32 (num_train, 28, 28) and int64 (num_train,) with classes 0-9.
    (test_images, test_labels) : tuple of ndarray
        float32 (num_test, 28, 28) and int64 (num_test,).

    Raises
    ------
    DataNotAvailableError
        One of the four ``fashion-mnist/*.gz`` files is missing and cannot be downloaded.
    ChecksumError
        A file found has the wrong sha256.
    """
    return _load_image_dataset(_fashion_arrays, num_train, num_test, seed)


def _read_text(name: str) -> str:
    return fetch(name).read_bytes().decode("utf-8")


def load_shakespeare() -> str:
    """Return the tiny Shakespeare corpus (char-rnn's ``input.txt``) as one string.

    Returns
    -------
    str
        1,115,394 characters from a 65-symbol vocabulary, starting
        ``"First Citizen:"``.
    """
    return _read_text("tiny_shakespeare")


def load_names() -> list[str]:
    """Return makemore's list of 32,033 lower-case first names.

    Returns
    -------
    list of str
        The names in file order (most common first), without blank lines.
    """
    return [line for line in _read_text("names").splitlines() if line.strip()]


def load_irish_songs() -> list[str]:
    """Return the Irish folk songs (ABC notation) of MIT 6.S191 lab 1.

    Songs are cut exactly as the lab's ``extract_song_snippet`` does it
    (``regex.findall('(^|\\n\\n)(.*?)\\n\\n', text, overlapped=True)``),
    written with the standard ``re`` module: 817 songs, as the lab prints.
    Because the search is overlapped, a few entries start with a blank line
    or are fragments of a tune; they are kept so counts match the lab.

    Returns
    -------
    list of str
        One string per song, each starting (mostly) with ``"X:"``.
    """
    text = _read_text("irish_songs")
    # A zero-width lookahead makes findall try every position: the overlapped search.
    matches = re.findall(r"(?=(^|\n\n)(.*?)\n\n)", text, flags=re.DOTALL)
    return [match[1] for match in matches]


@functools.lru_cache(maxsize=1)
def _parse_word_index(path: str, size: int, mtime_ns: int) -> dict[str, int]:
    with open(path, encoding="utf-8") as stream:
        index = json.load(stream)
    if not isinstance(index, dict):
        raise ValueError(f"{path} must hold a JSON object mapping words to indices")
    return index


def load_imdb_word_index() -> dict[str, int]:
    """Return the Keras IMDB word index, mapping each word to its frequency rank.

    Returns
    -------
    dict of str to int
        88,584 words; ``"the"`` maps to 1. Index ``i`` in Keras's IMDB
        sequences is word rank ``i - 3`` (0-2 are reserved for padding, start
        and unknown tokens). A fresh copy on every call.
    """
    return dict(_parse_word_index(*_file_key(fetch("imdb_word_index"))))


# --------------------------------------------------------------------------
# Embedded datasets (ship with scikit-learn)
# --------------------------------------------------------------------------
_DIGITS_TEST_SIZE = 360  # 20 % of 1797, rounded down


@functools.lru_cache(maxsize=1)
def _digits_split():
    from sklearn.datasets import load_digits as sklearn_load_digits

    bunch = sklearn_load_digits()
    images = bunch.images.astype(np.uint8)  # 0..16 stored as float64 by sklearn
    labels = bunch.target.astype(np.int64)
    order = np.random.default_rng(0).permutation(len(images))  # fixed split, independent of `seed`
    test, train = order[:_DIGITS_TEST_SIZE], order[_DIGITS_TEST_SIZE:]
    arrays = (images[train], labels[train], images[test], labels[test])
    for array in arrays:
        array.flags.writeable = False
    return arrays


def load_digits(num_train: int | None = None, num_test: int | None = None, seed: int | None = 0):
    """Return (train_images, train_labels), (test_images, test_labels) of sklearn's 8x8 digits.

    The 1797 images that ship with scikit-learn (no download) are split once,
    with a fixed seed, into 1437 training and 360 test images; ``seed`` then
    orders/subsets each part as in :func:`load_mnist`, so training and test
    rows never overlap whatever the seed.

    Parameters
    ----------
    num_train : int or None, default None
        Number of training images, at most 1437; None means all of them.
    num_test : int or None, default None
        Number of test images, at most 360; None means all of them.
    seed : int or None, default 0
        Seed of the row permutation; None keeps the fixed split's order.

    Returns
    -------
    (train_images, train_labels) : tuple of ndarray
        float32 (num_train, 8, 8) in [0, 1] (pixel values divided by 16) and
        int64 (num_train,) with digits 0-9.
    (test_images, test_labels) : tuple of ndarray
        float32 (num_test, 8, 8) and int64 (num_test,).
    """
    return _load_image_dataset(_digits_split, num_train, num_test, seed, scale=16.0)


@functools.lru_cache(maxsize=len(SAMPLE_PHOTOS))
def _sample_photo_uint8(name: str) -> np.ndarray:
    from sklearn.datasets import load_sample_image

    image = np.asarray(load_sample_image(f"{name}.jpg"), dtype=np.uint8)
    image.flags.writeable = False
    return image


def _check_size(size) -> tuple[int, int] | None:
    if size is None:
        return None
    if isinstance(size, (str, bytes)) or not hasattr(size, "__len__"):
        raise TypeError(f"size must be None or a (height, width) pair of ints, got {describe(size)}")
    if len(size) != 2:
        raise ValueError(f"size must be a (height, width) pair, got {describe(size)}")
    return (check_int("size[0] (height)", size[0], minimum=1, maximum=8192),
            check_int("size[1] (width)", size[1], minimum=1, maximum=8192))


def load_sample_photo(name: str = "china", grayscale: bool = False, size=None) -> np.ndarray:
    """Return one of scikit-learn's sample photos as a float32 image in [0, 1].

    Parameters
    ----------
    name : {"china", "flower"}, default "china"
        ``"china"`` is a temple in China, ``"flower"`` a close-up of a flower;
        both are 427 x 640 pixels and ship with scikit-learn.
    grayscale : bool, default False
        Return the luminance ``0.299 R + 0.587 G + 0.114 B`` instead of RGB.
    size : (int, int), optional
        Target ``(height, width)``. The photo is first cropped around its
        centre to the target's aspect ratio, then resized with bilinear
        filtering (deterministic). None keeps the original size.

    Returns
    -------
    ndarray
        float32 array of shape (H, W, 3), or (H, W) when ``grayscale``.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {describe(name)}")
    check_choice("name", name, SAMPLE_PHOTOS)
    if not isinstance(grayscale, (bool, np.bool_)):
        raise TypeError(f"grayscale must be a bool, got {describe(grayscale)}")
    size = _check_size(size)
    image = _sample_photo_uint8(name)
    if size is not None:
        from PIL import Image

        height, width = image.shape[:2]
        target_height, target_width = size
        # Largest centred crop with the target's aspect ratio.
        if width * target_height > height * target_width:  # too wide: crop columns
            crop_width = max(1, round(height * target_width / target_height))
            left = (width - crop_width) // 2
            image = image[:, left:left + crop_width]
        else:  # too tall: crop rows
            crop_height = max(1, round(width * target_height / target_width))
            top = (height - crop_height) // 2
            image = image[top:top + crop_height]
        resized = Image.fromarray(np.ascontiguousarray(image)).resize(
            (target_width, target_height), Image.Resampling.BILINEAR)
        image = np.asarray(resized)
    photo = np.divide(image, 255.0, dtype=np.float32)
    if grayscale:
        photo = photo @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
        photo = np.clip(photo, 0.0, 1.0).astype(np.float32)
    return photo


# --------------------------------------------------------------------------
# Synthetic datasets
# --------------------------------------------------------------------------
def _check_common(num_samples, noise, seed) -> tuple[int, float, int]:
    return (check_int("num_samples", num_samples, minimum=1, maximum=_MAX_SAMPLES),
            check_float("noise", noise, minimum=0.0),
            check_int("seed", seed, minimum=0, maximum=_MAX_SEED))


def _balanced_labels(num_samples: int, num_classes: int, rng: np.random.Generator) -> np.ndarray:
    """Labels 0..num_classes-1 whose counts differ by at most one, in shuffled order."""
    return rng.permutation(np.arange(num_samples) % num_classes).astype(np.int64)


def load_xor(num_samples: int = 200, noise: float = 0.1, seed: int = 0):
    """Return an XOR problem: four Gaussian clusters around (+-1, +-1).

    The label is the XOR of the cluster centre's signs: 1 for (1, -1) and
    (-1, 1), 0 for (1, 1) and (-1, -1). No straight line separates the
    classes, which is why a hidden layer is needed.

    Parameters
    ----------
    num_samples : int, default 200
        Number of points, at least 1. The clusters get equal shares (within one).
    noise : float, default 0.1
        Standard deviation of each cluster, >= 0.
    seed : int, default 0
        Seed of ``np.random.default_rng``; the same seed gives the same data.

    Returns
    -------
    X : ndarray
        float32 array of shape (num_samples, 2).
    y : ndarray
        int64 array of shape (num_samples,) with values in {0, 1}.
    """
    num_samples, noise, seed = _check_common(num_samples, noise, seed)
    rng = np.random.default_rng(seed)
    centers = np.array([[-1.0, -1.0], [1.0, -1.0], [1.0, 1.0], [-1.0, 1.0]])  # cluster k has label k % 2
    cluster = _balanced_labels(num_samples, 4, rng)
    X = centers[cluster] + noise * rng.standard_normal((num_samples, 2))
    return X.astype(np.float32), (cluster % 2).astype(np.int64)


def load_blobs(num_samples: int = 300, num_classes: int = 3, num_features: int = 2,
               spread: float = 1.0, seed: int = 0):
    """Return isotropic Gaussian blobs, one per class.

    The centres sit evenly on a circle in the first two features (rotated by
    a seeded random angle; the other features are 0), far enough apart that
    blobs with ``spread=1`` barely overlap. With one feature they sit on a line.

    Parameters
    ----------
    num_samples : int, default 300
        Number of points, at least ``num_classes``; classes get equal shares (within one).
    num_classes : int, default 3
        Number of blobs, from 1 to 100.
    num_features : int, default 2
        Dimension of each point, from 1 to 1000.
    spread : float, default 1.0
        Standard deviation of each blob, >= 0.
    seed : int, default 0
        Seed of ``np.random.default_rng``.

    Returns
    -------
    X : ndarray
        float32 array of shape (num_samples, num_features).
    y : ndarray
        int64 array of shape (num_samples,) with values 0 .. num_classes - 1.
    """
    num_samples = check_int("num_samples", num_samples, minimum=1, maximum=_MAX_SAMPLES)
    num_classes = check_int("num_classes", num_classes, minimum=1, maximum=100)
    num_features = check_int("num_features", num_features, minimum=1, maximum=1000)
    spread = check_float("spread", spread, minimum=0.0)
    seed = check_int("seed", seed, minimum=0, maximum=_MAX_SEED)
    if num_samples < num_classes:
        raise ValueError(f"num_samples must be >= num_classes ({num_classes}) so every class has a point, "
                         f"got {num_samples}")
    if num_samples * num_features > 10 * _MAX_SAMPLES:
        raise ValueError(f"num_samples * num_features must be <= {10 * _MAX_SAMPLES}, "
                         f"got {num_samples} * {num_features}")
    rng = np.random.default_rng(seed)
    centers = np.zeros((num_classes, num_features))
    if num_classes > 1:
        if num_features == 1:
            centers[:, 0] = 5.0 * (np.arange(num_classes) - (num_classes - 1) / 2)
        else:
            # adjacent centres are 2 r sin(pi / k) >= 5 apart
            radius = max(3.0, 2.5 / math.sin(math.pi / num_classes))
            angles = rng.uniform(0.0, 2 * math.pi) + 2 * math.pi * np.arange(num_classes) / num_classes
            centers[:, 0], centers[:, 1] = radius * np.cos(angles), radius * np.sin(angles)
    y = _balanced_labels(num_samples, num_classes, rng)
    X = centers[y] + spread * rng.standard_normal((num_samples, num_features))
    return X.astype(np.float32), y


def load_moons(num_samples: int = 300, noise: float = 0.1, seed: int = 0):
    """Return two interleaving half circles (scikit-learn's ``make_moons``).

    Parameters
    ----------
    num_samples : int, default 300
        Number of points, at least 2; each moon gets half (within one).
    noise : float, default 0.1
        Standard deviation of Gaussian noise added to the points, >= 0.
    seed : int, default 0
        Seed passed to scikit-learn as ``random_state``.

    Returns
    -------
    X : ndarray
        float32 array of shape (num_samples, 2).
    y : ndarray
        int64 array of shape (num_samples,) with values in {0, 1}.
    """
    num_samples, noise, seed = _check_common(num_samples, noise, seed)
    if num_samples < 2:
        raise ValueError(f"num_samples must be >= 2 so both moons have a point, got {num_samples}")
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples=num_samples, noise=noise, random_state=seed)
    return X.astype(np.float32), y.astype(np.int64)


def load_circles(num_samples: int = 300, noise: float = 0.05, factor: float = 0.5, seed: int = 0):
    """Return a small circle inside a large one (scikit-learn's ``make_circles``).

    Parameters
    ----------
    num_samples : int, default 300
        Number of points, at least 2; each circle gets half (within one).
    noise : float, default 0.05
        Standard deviation of Gaussian noise added to the points, >= 0.
    factor : float, default 0.5
        Radius of the inner circle relative to the outer one (radius 1),
        0 <= factor < 1.
    seed : int, default 0
        Seed passed to scikit-learn as ``random_state``.

    Returns
    -------
    X : ndarray
        float32 array of shape (num_samples, 2).
    y : ndarray
        int64 array of shape (num_samples,): 0 for the outer circle, 1 for the inner one.
    """
    num_samples, noise, seed = _check_common(num_samples, noise, seed)
    factor = check_float("factor", factor, minimum=0.0)
    if factor >= 1.0:
        raise ValueError(f"factor must be < 1 (the inner circle's relative radius), got {factor}")
    if num_samples < 2:
        raise ValueError(f"num_samples must be >= 2 so both circles have a point, got {num_samples}")
    from sklearn.datasets import make_circles

    X, y = make_circles(n_samples=num_samples, noise=noise, factor=factor, random_state=seed)
    return X.astype(np.float32), y.astype(np.int64)


def load_spirals(num_samples: int = 300, num_classes: int = 3, noise: float = 0.2, seed: int = 0):
    """Return the CS231n spiral: ``num_classes`` arms winding out from the origin.

    Arm ``j`` has radius ``r`` from 0 to 1 and angle ``4 j + 4 r`` (radians)
    plus Gaussian noise of standard deviation ``noise``; points are
    ``(r sin t, r cos t)``. Rows are shuffled.

    Parameters
    ----------
    num_samples : int, default 300
        Number of points, at least ``num_classes``; arms get equal shares (within one).
    num_classes : int, default 3
        Number of arms, from 1 to 100.
    noise : float, default 0.2
        Standard deviation of the angle noise, >= 0.
    seed : int, default 0
        Seed of ``np.random.default_rng``.

    Returns
    -------
    X : ndarray
        float32 array of shape (num_samples, 2), inside the unit disc.
    y : ndarray
        int64 array of shape (num_samples,) with values 0 .. num_classes - 1.
    """
    num_samples, noise, seed = _check_common(num_samples, noise, seed)
    num_classes = check_int("num_classes", num_classes, minimum=1, maximum=100)
    if num_samples < num_classes:
        raise ValueError(f"num_samples must be >= num_classes ({num_classes}) so every arm has a point, "
                         f"got {num_samples}")
    rng = np.random.default_rng(seed)
    counts = np.full(num_classes, num_samples // num_classes)
    counts[: num_samples % num_classes] += 1
    points, labels = [], []
    for arm, count in enumerate(counts):
        radius = np.linspace(0.0, 1.0, count)
        theta = np.linspace(4.0 * arm, 4.0 * (arm + 1), count) + noise * rng.standard_normal(count)
        points.append(np.column_stack([radius * np.sin(theta), radius * np.cos(theta)]))
        labels.append(np.full(count, arm, dtype=np.int64))
    order = rng.permutation(num_samples)
    return np.concatenate(points)[order].astype(np.float32), np.concatenate(labels)[order]
