"""Margin study: does every number a notebook asserts hold on other seeds, modes and CPUs?

Each notebook is executed several times in a fresh kernel:

* ``default:S``  default mode with ``COURSE_SEED=S`` (S = 0 is the committed run);
* ``fast:S``     fast mode (``COURSE_FAST=1``) with ``COURSE_SEED=S``;
* ``onednn:S``   default mode with ``TF_ENABLE_ONEDNN_OPTS=0``: TensorFlow's plain Eigen kernels instead
                 of oneDNN's, a different floating-point path, as on another CPU;
* ``loaded:S``   default mode with two CPU-burning processes running beside the kernel, for the timing
                 claims (``loadedfast:S``: the same in fast mode).

Before a run, every ``assert`` statement of every code cell is rewritten (on a copy; the notebook is
not changed) so that it *records* instead of raising: each conjunct of ``assert a and b`` is recorded
separately, and for a comparison ``x >= bound`` (also chained, ``lo < x < hi``) both sides are recorded.
A failing assert therefore does not stop the run: the study sees every asserted quantity of every run.

The raw results go to ``benchmarks/margins/NN_topic.json`` (one file per notebook, so a change to one
notebook re-runs that notebook's study alone); ``benchmarks/MARGINS.md`` is then rebuilt from all of them:
notebook, asserted quantity, bound, min / median / max per mode, the margin of the worst run and a
verdict. A numeric bound is **robust** when it held in every run and the worst run's margin is at least
a third of the spread observed within its mode (default or fast), and, for an accuracy, at least half a
percentage point.

Usage (from the repository root, with the course's virtual environment; the datasets must be reachable,
e.g. ``export COURSE_OFFLINE=1 COURSE_DATA_DIR=../shared/data``)::

    .venv/bin/python benchmarks/margin_study.py                      # every notebook, all runs
    .venv/bin/python benchmarks/margin_study.py notebooks/06_rnns.ipynb
    .venv/bin/python benchmarks/margin_study.py --runs default:0,fast:0 notebooks/00_welcome.ipynb
    .venv/bin/python benchmarks/margin_study.py --report               # rebuild MARGINS.md only

The study of all notebooks takes a little over an hour on a 2-core CPU.
"""
from __future__ import annotations

import argparse
import ast
import datetime as _dt
import hashlib
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "benchmarks" / "margins"
REPORT = ROOT / "benchmarks" / "MARGINS.md"
DEFAULT_RUNS = "default:0,default:1,default:2,fast:0,fast:1,onednn:0"
LOADED_RUN = "loaded:0"   # added for notebooks that assert a timing
TIMING_FACTOR = 1.5   # a timing claim must hold with this factor to spare in every run, loaded ones too
KINDS = ("default", "fast", "onednn", "loaded", "loadedfast")
RECORDER = "__margin_check"
OPS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
       ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}
ORDER_OPS = {"<", "<=", ">", ">="}
TIMING = re.compile(r"seconds|_ms\b|speedup", re.IGNORECASE)
ACCURACY = re.compile(r"acc|exact|match", re.IGNORECASE)


# --------------------------------------------------------------------------- finding asserts
def conjuncts(test: ast.expr) -> list[ast.expr]:
    """Split ``a and b and c`` into its parts (nested ``and`` too)."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return [part for value in test.values for part in conjuncts(value)]
    return [test]


def claims_of(conjunct: ast.expr) -> list[dict]:
    """The claims one conjunct makes: one per adjacent pair of a comparison, else one boolean claim."""
    if isinstance(conjunct, ast.Compare):
        operands = [conjunct.left, *conjunct.comparators]
        return [{"pair": i, "op": OPS[type(op)],
                 "text": f"{ast.unparse(operands[i])} {OPS[type(op)]} {ast.unparse(operands[i + 1])}"}
                for i, op in enumerate(conjunct.ops)]
    return [{"pair": None, "op": None, "text": ast.unparse(conjunct)}]


def cell_source_for_ast(source: str) -> str:
    """Cell source as plain Python (IPython magics turned into calls) for parsing."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
        return TransformerManager().transform_cell(source)
    except Exception:  # pragma: no cover - IPython missing
        return source


def asserts_in_source(source: str) -> list[ast.Assert]:
    try:
        tree = ast.parse(cell_source_for_ast(source))
    except SyntaxError:
        return []
    return [node for node in ast.walk(tree) if isinstance(node, ast.Assert)]


def notebook_claims(path: Path) -> list[dict]:
    """Every claim of every assert in a notebook: cell index, line, conjunct, pair, text."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    claims = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        for node in asserts_in_source(cell.source):
            for k, conjunct in enumerate(conjuncts(node.test)):
                for claim in claims_of(conjunct):
                    claims.append({"cell": index, "line": node.lineno, "conjunct": k, **claim,
                                   "key": f"{index}:{node.lineno}:{k}"})
    return claims


class _Instrument(ast.NodeTransformer):
    """Replace ``assert c1 and c2, msg`` by one recorder call per conjunct (recording, not raising)."""

    def __init__(self, cell_index: int):
        self.cell_index = cell_index

    def visit_Assert(self, node: ast.Assert):
        calls = []
        for k, conjunct in enumerate(conjuncts(node.test)):
            key = f"{self.cell_index}:{node.lineno}:{k}"
            if isinstance(conjunct, ast.Compare):
                operands = ast.Tuple([conjunct.left, *conjunct.comparators], ast.Load())
                ops = ast.Tuple([ast.Constant(OPS[type(op)]) for op in conjunct.ops], ast.Load())
                thunk, ops_arg = operands, ops
            else:
                thunk, ops_arg = conjunct, ast.Constant(None)
            lam = ast.Lambda(ast.arguments([], [], None, [], [], None, []), thunk)
            call = ast.Call(ast.Name(RECORDER, ast.Load()), [ast.Constant(key), lam, ops_arg], [])
            calls.append(ast.copy_location(ast.Expr(call), node))
        return calls


def instrument_source(source: str, cell_index: int) -> str:
    """Return the cell's source with its asserts recording instead of raising (unchanged if none)."""
    python = cell_source_for_ast(source)
    try:
        tree = ast.parse(python)
    except SyntaxError:
        return source
    if not any(isinstance(node, ast.Assert) for node in ast.walk(tree)):
        return source
    tree = ast.fix_missing_locations(_Instrument(cell_index).visit(tree))
    return ast.unparse(tree)


# --------------------------------------------------------------------------- recording (in the kernel)
def slack(left, op: str, right) -> float | None:
    """How far ``left op right`` is from failing (negative: it fails); None when not an order."""
    if op in ("<", "<="):
        return float(right) - float(left)
    if op in (">", ">="):
        return float(left) - float(right)
    return None


def holds(left, op: str, right) -> bool:
    import operator

    table = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
             "==": operator.eq, "!=": operator.ne, "in": lambda a, b: a in b,
             "not in": lambda a, b: a not in b, "is": operator.is_, "is not": operator.is_not}
    result = table[op](left, right)
    try:
        return bool(result)
    except ValueError:  # an array compared elementwise
        import numpy as np
        return bool(np.all(result))


def as_number(value):
    """A finite or infinite real scalar as float, anything else None."""
    import numbers

    import numpy as np
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, numbers.Real) or (isinstance(value, np.ndarray) and value.ndim == 0
                                           and np.issubdtype(value.dtype, np.number)):
        return float(value)
    if hasattr(value, "numpy"):  # a scalar tensor
        try:
            return as_number(value.numpy())
        except Exception:
            return None
    return None


class Recorder:
    """Collects what each assert saw during one run; ``dump`` writes it as JSON."""

    def __init__(self):
        self.records: dict[str, dict] = {}

    def __call__(self, key: str, thunk, ops):
        record = self.records.setdefault(key, {"calls": 0, "failed": 0, "errors": [], "pairs": {}})
        record["calls"] += 1
        try:
            value = thunk()
        except Exception as error:  # the assert's expression itself raised
            record["failed"] += 1
            if len(record["errors"]) < 3:
                record["errors"].append(f"{type(error).__name__}: {error}"[:200])
            return
        if ops is None:
            try:
                ok = bool(value)
            except Exception as error:
                ok = False
                record["errors"].append(f"{type(error).__name__}: {error}"[:200])
            record["failed"] += not ok
            return
        all_ok = True
        for i, op in enumerate(ops):
            left, right = value[i], value[i + 1]
            ok = holds(left, op, right)
            all_ok &= ok
            pair = record["pairs"].setdefault(str(i), {"failed": 0, "worst": None})
            pair["failed"] += not ok
            numbers = as_number(left), as_number(right)
            if op in ORDER_OPS and None not in numbers:
                s = slack(numbers[0], op, numbers[1])
                if pair["worst"] is None or s < pair["worst"][0]:
                    pair["worst"] = [s, numbers[0], numbers[1]]
        record["failed"] += not all_ok

    def dump(self, path):
        Path(path).write_text(json.dumps(self.records))


PRELUDE = """\
import importlib.util as _margin_util, os as _margin_os
_margin_spec = _margin_util.spec_from_file_location("_margin_study", _margin_os.environ["MARGIN_STUDY_SCRIPT"])
_margin_module = _margin_util.module_from_spec(_margin_spec)
_margin_spec.loader.exec_module(_margin_module)
__margin_check = _margin_module.Recorder()
"""
EPILOGUE = "__margin_check.dump(_margin_os.environ['MARGIN_RECORD_FILE'])"


# --------------------------------------------------------------------------- running
def parse_runs(text: str) -> list[tuple[str, int]]:
    runs = []
    for item in text.split(","):
        kind, _, seed = item.strip().partition(":")
        if kind not in KINDS or not seed.isdigit():
            raise SystemExit(f"error: a run is KIND:SEED with KIND one of {'/'.join(KINDS)}, got {item!r}")
        runs.append((kind, int(seed)))
    return runs


def run_environment(kind: str, seed: int) -> dict:
    env = {"COURSE_SEED": str(seed), "COURSE_FAST": "1" if mode_of(kind) == "fast" else "0",
           "COURSE_HEADLESS": "1", "PYTHONHASHSEED": "0"}
    env["TF_ENABLE_ONEDNN_OPTS"] = "0" if kind == "onednn" else "1"
    return env


def execute_instrumented(path: Path, kind: str, seed: int, record_file: Path, timeout: int) -> dict:
    """Run one instrumented copy of the notebook; return seconds and the first error, if any."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            cell.source = instrument_source(cell.source, index)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(PRELUDE))
    notebook.cells.append(nbformat.v4.new_code_cell(EPILOGUE))
    saved = {name: os.environ.get(name) for name in
             ("COURSE_SEED", "COURSE_FAST", "COURSE_HEADLESS", "TF_ENABLE_ONEDNN_OPTS",
              "PYTHONHASHSEED", "MARGIN_STUDY_SCRIPT", "MARGIN_RECORD_FILE")}
    os.environ.update(run_environment(kind, seed))
    os.environ["MARGIN_STUDY_SCRIPT"] = str(Path(__file__).resolve())
    os.environ["MARGIN_RECORD_FILE"] = str(record_file)
    burners = []
    if kind.startswith("loaded"):
        burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    error = ""
    try:
        client.execute()
    except Exception as exc:  # a dead kernel or a timeout: the run is incomplete
        error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:200]}"
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    seconds = time.perf_counter() - start
    if not error:
        for index, cell in enumerate(notebook.cells[1:-1], start=0):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    error = f"cell {index}: {output.get('ename')}: {str(output.get('evalue'))[:200]}"
                    break
            if error:
                break
    return {"seconds": round(seconds, 1), "error": error}


def machine() -> dict:
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    flags = ""
    try:
        text = Path("/proc/cpuinfo").read_text()
        flags = "AVX-512" if "avx512f" in text else ("AVX2" if "avx2" in text else "no AVX2")
    except OSError:
        pass
    try:
        from importlib import metadata
        tf_version = metadata.version("tensorflow")
    except Exception:
        tf_version = "unknown"
    return {"cpu": model, "cores": os.cpu_count(), "vector": flags, "tensorflow": tf_version,
            "python": platform.python_version(), "load_before": round(os.getloadavg()[0], 2)}


def code_cells(path: Path) -> dict[str, str]:
    """The notebook's code cells by index (the index is the one in the study's keys)."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    return {str(i): c.source for i, c in enumerate(notebook.cells) if c.cell_type == "code"}


def notebook_hash(path: Path) -> str:
    """Hash of the notebook's code cells (outputs excluded): which version the study ran on."""
    code = "\n# cell\n".join(code_cells(path).values())
    return hashlib.sha256(code.encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- bound-only changes
class _Blank(ast.NodeTransformer):
    """Replace the numbers written as a whole side of an assert's comparison by a placeholder."""

    def visit_Assert(self, node):
        for part in conjuncts(node.test):
            if isinstance(part, ast.Compare):
                part.left = _blank(part.left)
                part.comparators = [_blank(c) for c in part.comparators]
        return node


def _blank(node):
    return ast.Name("__BOUND__", ast.Load()) if _is_literal(node) else node


def _skeleton(source: str) -> str:
    try:
        return ast.dump(_Blank().visit(ast.parse(cell_source_for_ast(source))))
    except SyntaxError:
        return source


def rebound(path: Path, stored: dict) -> dict:
    """Re-evaluate a stored study after a change that only moved asserted bounds.

    Allowed: the notebook's code is the studied code except for numbers written as a whole side of an
    assert's comparison (``x >= 0.95`` -> ``x >= 0.96``). The runs' recorded quantities are unchanged by
    such an edit, so each stored worst observation is compared with the new number. Anything else
    (another expression, a moved cell or line) raises SystemExit: run the study again.
    """
    if "code" not in stored:
        raise SystemExit(f"error: the stored study of {path.name} has no code to compare; run it again")
    now = code_cells(path)
    if set(now) != set(stored["code"]):
        raise SystemExit(f"error: {path.name}: code cells were added, removed or moved; run the study again")
    changed = [i for i in now if now[i] != stored["code"][i]]
    for i in changed:
        if _skeleton(now[i]) != _skeleton(stored["code"][i]):
            raise SystemExit(f"error: {path.name} cell {i} changed beyond assert bounds; run the study again")
    old_claims = {(c["key"], c["pair"]): c for c in stored["claims"]}
    new_claims = notebook_claims(path)
    moved = []
    for claim in new_claims:
        old = old_claims.get((claim["key"], claim["pair"]))
        if old is None:
            raise SystemExit(f"error: {path.name}: new assert {claim['text']!r}; run the study again")
        if old["text"] == claim["text"]:
            continue
        node = ast.parse(claim["text"], mode="eval").body
        sides = [node.left, node.comparators[0]]
        new_bound = {i: float(eval(compile(ast.Expression(side), "<bound>", "eval")))
                     for i, side in enumerate(sides) if _is_literal(side)}
        for run in stored["runs"]:
            pair = run["records"].get(claim["key"], {}).get("pairs", {}).get(str(claim["pair"]))
            if not pair or pair["worst"] is None:
                continue
            _, left, right = pair["worst"]
            left, right = new_bound.get(0, left), new_bound.get(1, right)
            pair["worst"] = [slack(left, claim["op"], right), left, right]
            pair["failed"] = int(not holds(left, claim["op"], right))
            record = run["records"][claim["key"]]
            record["failed"] = max(p["failed"] for p in record["pairs"].values())
        moved.append(f"`{old['text']}` -> `{claim['text']}`")
    stored["claims"] = new_claims
    stored["code"] = now
    stored["code_hash"] = notebook_hash(path)
    stored.setdefault("rebound", []).extend(moved)
    return stored


def has_timing_assert(path: Path) -> bool:
    return any(TIMING.search(claim["text"]) for claim in notebook_claims(path))


def study(path: Path, runs: list[tuple[str, int]], timeout: int) -> dict:
    import tempfile

    result = {"notebook": path.stem, "code_hash": notebook_hash(path), "code": code_cells(path),
              "machine": machine(),
              "date": _dt.date.today().isoformat(), "claims": notebook_claims(path), "runs": []}
    for kind, seed in runs:
        print(f"  {path.stem} {kind}:{seed} ...", end=" ", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            record_file = Path(tmp) / "records.json"
            outcome = execute_instrumented(path, kind, seed, record_file, timeout)
            records = json.loads(record_file.read_text()) if record_file.exists() else {}
        run = {"kind": kind, "seed": seed, "env": run_environment(kind, seed), **outcome, "records": records}
        result["runs"].append(run)
        failing = [key for key, r in records.items() if r["failed"]]
        print(f"{outcome['seconds']:.0f} s, {len(records)} asserts recorded, {len(failing)} failing"
              + (f" (cell:line:conjunct {', '.join(failing)})" if failing else "")
              + (f", ERROR {outcome['error']}" if outcome["error"] else ""), flush=True)
    result["machine"]["load_after"] = round(os.getloadavg()[0], 2)
    return result


# --------------------------------------------------------------------------- analysis
def mode_of(kind: str) -> str:
    return "fast" if kind in ("fast", "loadedfast") else "default"


def _is_literal(node: ast.expr) -> bool:
    """A number written in the code (``0.95``, ``-1e-3``, ``10 * 3``), not a computed quantity."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    if isinstance(node, ast.UnaryOp):
        return _is_literal(node.operand)
    if isinstance(node, ast.BinOp):
        return _is_literal(node.left) and _is_literal(node.right)
    return False


def bound_side(text: str, observations: list) -> str:
    """Which side of ``left op right`` is the asserted quantity: "left", "right", "both" or "none".

    A number written in the code is the bound; otherwise the side that stays the same within each mode
    (a bound may depend on the mode, e.g. ``runtime.pick(0.78, 0.76)``) is the bound.
    """
    try:
        node = ast.parse(text, mode="eval").body
        literal = (_is_literal(node.left), _is_literal(node.comparators[0]))
    except (SyntaxError, AttributeError, IndexError):
        literal = (False, False)
    varies = []
    for position in (3, 4):
        varies.append(any(len({o[position] for o in observations if o[0] == mode}) > 1
                          for mode in ("default", "fast")))
    if literal == (False, True) or (not literal[0] and varies == [True, False]):
        return "left" if varies[0] or literal[1] else "none"
    if literal == (True, False) or varies == [False, True]:
        return "right" if varies[1] or literal[0] else "none"
    if varies == [False, False]:
        return "none"
    return "both"


def analyse_claim(claim: dict, runs: list[dict]) -> dict:
    """Per-mode values, worst margin and verdict of one claim over the runs."""
    key, pair = claim["key"], claim["pair"]
    row = {"text": claim["text"], "cell": claim["cell"], "runs": 0, "failed_runs": [], "values": {},
           "kind": "exact", "bound": None, "worst_margin": None, "verdict": "", "notes": []}
    observations = []   # (mode, kind:seed, slack, left, right)
    for run in runs:
        record = run["records"].get(key)
        label = f"{run['kind']}:{run['seed']}"
        if record is None:
            continue
        row["runs"] += 1
        if pair is None:
            if record["failed"]:
                row["failed_runs"].append(label)
            continue
        info = record["pairs"].get(str(pair))
        if info is None:   # an earlier pair of the chain raised: counted as failed
            row["failed_runs"].append(label)
            continue
        if info["failed"]:
            row["failed_runs"].append(label)
        if info["worst"] is not None:
            observations.append((mode_of(run["kind"]), label, *info["worst"]))
    if claim["op"] in ORDER_OPS and observations:
        row["kind"] = "timing" if TIMING.search(claim["text"]) else "bound"
        side = bound_side(claim["text"], observations)
        index = {"left": 3, "right": 4}.get(side)
        if side == "none":      # a deterministic comparison: show the left side as the quantity
            index = 3
        if index is not None:
            bounds = {o[7 - index] for o in observations}
            row["bound"] = observations[0][7 - index] if len(bounds) == 1 else None
            if len(bounds) > 1:
                row["notes"].append("bound depends on the mode: " + ", ".join(
                    f"{mode} {fmt(next(o[7 - index] for o in observations if o[0] == mode))}"
                    for mode in ("default", "fast") if any(o[0] == mode for o in observations)))
        for mode in ("default", "fast"):
            mode_obs = [o for o in observations if o[0] == mode]
            if not mode_obs:
                continue
            values = [o[index] if index is not None else o[2] for o in mode_obs]
            row["values"][mode] = (min(values), statistics.median(values), max(values))
        if side == "both":
            row["notes"].append("both sides vary: values are the margin")
        elif side == "none":
            row["notes"].append("same value in every run")
        ratios = None
        if all(o[3] > 0 and o[4] > 0 for o in observations):
            ratios = [o[3] / o[4] if claim["op"] in (">", ">=") else o[4] / o[3] for o in observations]
            if row["kind"] == "timing":
                row["notes"].append(f"smallest ratio of the two sides {min(ratios):.3g}")
        worst = min(observations, key=lambda o: o[2])
        row["worst_margin"] = worst[2]
        row["worst_run"] = worst[1]
        robust, reasons = True, []
        if row["failed_runs"]:
            robust, reasons = False, [f"fails in {', '.join(row['failed_runs'])}"]
        for mode in ("default", "fast") if row["kind"] == "bound" else ():
            slacks = [o[2] for o in observations if o[0] == mode]
            if not slacks:
                continue
            quantity = [o[3] if side in ("left", "none") else o[4] for o in observations if o[0] == mode]
            spread = max(quantity) - min(quantity) if side != "both" else max(slacks) - min(slacks)
            if min(slacks) < spread / 3:
                robust = False
                reasons.append(f"{mode}: worst margin {fmt(min(slacks))} < spread/3 = {fmt(spread / 3)}")
        if ACCURACY.search(claim["text"]) and row["kind"] == "bound":
            scale = 100.0 if row["bound"] is not None and abs(row["bound"]) > 1.5 else 1.0
            if worst[2] < 0.005 * scale:
                robust = False
                reasons.append(f"accuracy within 0.5 points of the bound ({fmt(worst[2])})")
        if row["kind"] == "timing":
            # timings jump with load, so the spread rule says little: ask for a factor of 1.5 to spare instead
            if not any(r["kind"].startswith("loaded") for r in runs):
                robust = False
                reasons.append("no run under load")
            if ratios is None or min(ratios) < TIMING_FACTOR:
                robust = False
                reasons.append(f"less than a factor {TIMING_FACTOR} to spare in some run")
        row["verdict"] = "robust" if robust else "TIGHT: " + "; ".join(reasons)
    else:
        if claim["op"] in ORDER_OPS:
            row["kind"] = "bound"
        if row["runs"] == 0:
            row["verdict"] = "not reached"
        elif row["failed_runs"]:
            row["verdict"] = "FAILS in " + ", ".join(row["failed_runs"])
        else:
            row["verdict"] = f"held in {row['runs']}/{row['runs']} runs"
    if row["runs"] and row["runs"] < len(runs) and row["verdict"] != "not reached":
        row["notes"].append(f"reached in {row['runs']} of {len(runs)} runs")
    return row


def fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and (math.isinf(value) or math.isnan(value)):
        return str(value)
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1000 or magnitude < 1e-3:
        return f"{value:.3g}"
    return f"{value:.4g}"


def analyse(result: dict) -> list[dict]:
    return [analyse_claim(claim, result["runs"]) for claim in result["claims"]]


def write_report(results: list[dict], path: Path = REPORT) -> None:
    lines = ["# Margins of every asserted number", "",
             "Written by `benchmarks/margin_study.py` (do not edit by hand; re-run the study of a notebook "
             "after changing it: `.venv/bin/python benchmarks/margin_study.py notebooks/NN_topic.ipynb`).",
             "", "Each notebook ran in a fresh kernel with every `assert` recording instead of raising, in "
             "these runs: `default:S` (default mode, `COURSE_SEED=S`), `fast:S` (`COURSE_FAST=1`), "
             "`onednn:0` (default mode, `TF_ENABLE_ONEDNN_OPTS=0`: another floating-point path, as on "
             "another CPU) and, where the notebook asserts a timing, `loaded:0` (default mode beside two "
             "CPU-burning processes; `loadedfast:0` in fast mode). Each conjunct of `assert a and b` is a row; a chain "
             "`lo < x < hi` gives two. For a numeric bound the table gives the asserted quantity's "
             "min / median / max per mode, the margin of the worst run (how far it was from failing, in "
             "the quantity's units) and the verdict: **robust** when it held in every run, the worst "
             "margin is at least a third of the spread seen in its mode and, for an accuracy, at least "
             "0.5 points. A timing is robust when it held in every run, one of them beside two CPU-burning "
             "processes, with a factor of at least 1.5 to spare (the ratio of the two sides). Exact checks (equalities, `np.allclose`, shapes) are listed with the number of "
             "runs they held in.", ""]
    total = {"robust": 0, "tight": 0, "exact": 0, "bad": 0}
    sections = []
    for result in sorted(results, key=lambda r: r["notebook"]):
        rows = analyse(result)
        m = result["machine"]
        runs = ", ".join(f"`{r['kind']}:{r['seed']}` {r['seconds']:.0f} s" + (" (error)" if r["error"] else "")
                         for r in result["runs"])
        sec = [f"## {result['notebook']}", "",
               f"Run {result['date']} on {m['cpu']} ({m['cores']} cores, {m['vector']}), TensorFlow "
               f"{m['tensorflow']}, load average {m['load_before']} before / {m.get('load_after', '?')} "
               f"after; code hash `{result['code_hash']}`.", "", f"Runs: {runs}.", ""]
        if result.get("rebound"):
            sec += ["Bounds moved after the runs and re-evaluated on their recorded quantities: "
                    + "; ".join(result["rebound"]) + ".", ""]
        errors = [f"`{r['kind']}:{r['seed']}`: {r['error']}" for r in result["runs"] if r["error"]]
        if errors:
            sec += ["**Errors:** " + "; ".join(errors), ""]
        numeric = [r for r in rows if r["kind"] in ("bound", "timing") and r["worst_margin"] is not None]
        exact = [r for r in rows if r not in numeric]
        if numeric:
            sec += ["| cell | assert | bound | default min / median / max | fast min / median / max "
                    "| worst margin (run) | verdict |", "|---|---|---|---|---|---|---|"]
            for r in numeric:
                vals = {mode: " / ".join(fmt(v) for v in r["values"][mode]) if mode in r["values"] else "–"
                        for mode in ("default", "fast")}
                notes = f" ({'; '.join(r['notes'])})" if r["notes"] else ""
                text = r["text"].replace("|", "\\|")
                sec.append(f"| {r['cell']} | `{text}`{notes} | {fmt(r['bound'])} | {vals['default']} | "
                           f"{vals['fast']} | {fmt(r['worst_margin'])} ({r['worst_run']}) | {r['verdict']} |")
                if r["verdict"] == "robust":
                    total["robust"] += 1
                else:
                    total["tight"] += 1
            sec.append("")
        if exact:
            sec += ["Exact checks:", "", "| cell | assert | verdict |", "|---|---|---|"]
            for r in exact:
                text = r["text"].replace("|", "\\|")
                if len(text) > 160:
                    text = text[:157] + "..."
                notes = f" ({'; '.join(r['notes'])})" if r["notes"] else ""
                sec.append(f"| {r['cell']} | `{text}`{notes} | {r['verdict']} |")
                total["exact" if r["verdict"].startswith("held") else "bad"] += 1
            sec.append("")
        sections += sec
    lines += [f"**Summary:** {total['robust']} numeric bounds robust, {total['tight']} tight or failing; "
              f"{total['exact']} exact checks held in every run where reached, {total['bad']} failing or "
              "not reached.", ""]
    path.write_text("\n".join(lines + sections).rstrip() + "\n")


def load_results() -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(RESULTS_DIR.glob("*.json"))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to study (default: every notebooks/NN_*.ipynb)")
    parser.add_argument("--runs", default=None,
                        help=f"comma-separated KIND:SEED runs (default {DEFAULT_RUNS}, plus {LOADED_RUN} "
                             "where the notebook asserts a timing)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell (default 900)")
    parser.add_argument("--report", action="store_true", help="only rebuild MARGINS.md from the results")
    parser.add_argument("--rebound", action="store_true",
                        help="the notebooks changed only in numbers asserted as bounds: re-evaluate their "
                             "stored runs against the new numbers instead of running them again")
    parser.add_argument("--add", action="store_true",
                        help="add these runs to the notebook's stored study (same code only) instead of "
                             "replacing it; a stored run of the same KIND:SEED is replaced")
    args = parser.parse_args(argv)
    if args.rebound:
        for path in args.notebooks:
            target = RESULTS_DIR / f"{path.stem}.json"
            result = rebound(path.resolve(), json.loads(target.read_text()))
            target.write_text(json.dumps(result, indent=1) + "\n")
            print(f"{path.name}: re-evaluated {', '.join(result['rebound']) or 'nothing'}")
    elif not args.report:
        paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
        RESULTS_DIR.mkdir(exist_ok=True)
        for path in paths:
            runs = parse_runs(args.runs or DEFAULT_RUNS)
            if args.runs is None and has_timing_assert(path):
                runs += parse_runs(LOADED_RUN)
            print(f"{path.name}: {len(runs)} runs", flush=True)
            result = study(path.resolve(), runs, args.timeout)
            target = RESULTS_DIR / f"{path.stem}.json"
            if args.add and target.exists():
                stored = json.loads(target.read_text())
                if stored["code_hash"] != result["code_hash"]:
                    raise SystemExit(f"error: {path.name} changed since its stored study; run it without --add")
                new = {(r["kind"], r["seed"]) for r in result["runs"]}
                stored["runs"] = [r for r in stored["runs"] if (r["kind"], r["seed"]) not in new] + result["runs"]
                stored["machine"]["load_after"] = result["machine"]["load_after"]
                result = stored
            target.write_text(json.dumps(result, indent=1) + "\n")
    write_report(load_results())
    print(f"wrote {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
