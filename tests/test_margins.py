"""The margin study: its assert rewriting and verdicts, and that MARGINS.md covers every notebook assert."""
from __future__ import annotations

import ast
import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _load_study():
    spec = importlib.util.spec_from_file_location("margin_study", ROOT / "benchmarks" / "margin_study.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


study = _load_study()


# --------------------------------------------------------------------------- rewriting
def _run_cell(source, cell_index=0, namespace=None):
    recorder = study.Recorder()
    namespace = {study.RECORDER: recorder, **(namespace or {})}
    exec(compile(study.instrument_source(source, cell_index), "<cell>", "exec"), namespace)
    return recorder.records


def test_instrumented_asserts_record_instead_of_raising():
    records = _run_cell("acc = 0.93\nassert acc >= 0.95 and acc < 1, 'too low'\nassert len('ab') == 2\n")
    assert set(records) == {"0:2:0", "0:2:1", "0:3:0"}
    low = records["0:2:0"]
    assert low["failed"] == 1 and low["pairs"]["0"]["worst"] == pytest.approx([-0.02, 0.93, 0.95])
    assert records["0:2:1"]["failed"] == 0 and records["0:2:1"]["pairs"]["0"]["worst"][0] == pytest.approx(0.07)
    assert records["0:3:0"]["failed"] == 0 and records["0:3:0"]["pairs"]["0"]["worst"] is None


def test_chains_loops_functions_and_errors():
    source = ("def f(x):\n    assert x < 10\n    return x\n"
              "for v in (1, 5, 3):\n    f(v)\n"
              "assert 0.3 < 0.5 < 0.6\n"
              "assert missing_name > 0\n"
              "assert isinstance(3, int)\n")
    records = _run_cell(source)
    loop = records["0:2:0"]
    assert loop["calls"] == 3 and loop["pairs"]["0"]["worst"] == [5.0, 5.0, 10.0]   # the worst call kept
    chain = records["0:6:0"]["pairs"]
    assert chain["0"]["worst"][0] == pytest.approx(0.2) and chain["1"]["worst"][0] == pytest.approx(0.1)
    assert records["0:7:0"]["failed"] == 1 and "NameError" in records["0:7:0"]["errors"][0]
    assert records["0:8:0"]["failed"] == 0


def test_cells_without_asserts_and_magics_are_left_alone():
    assert study.instrument_source("x = 1\n", 0) == "x = 1\n"
    assert study.instrument_source("%timeit 1 + 1\n", 0) == "%timeit 1 + 1\n"
    source = study.instrument_source("%matplotlib inline\nassert 1 < 2\n", 4)
    assert study.RECORDER in source and "run_line_magic" in source
    ast.parse(source)


def test_claims_split_conjuncts_and_chains():
    node = ast.parse("assert a >= 0.95 and 0.3 < b < 0.7 and np.allclose(c, d)").body[0]
    texts = [claim["text"] for part in study.conjuncts(node.test) for claim in study.claims_of(part)]
    assert texts == ["a >= 0.95", "0.3 < b", "b < 0.7", "np.allclose(c, d)"]


# --------------------------------------------------------------------------- verdicts
def _runs(values, bound=0.95, kinds=None, failed=None):
    kinds = kinds or ["default"] * len(values)
    return [{"kind": kind, "seed": i, "records": {"1:1:0": {
        "failed": int(value < bound), "pairs": {"0": {"failed": int(value < bound),
                                                      "worst": [value - bound, value, bound]}}}}}
            for i, (kind, value) in enumerate(zip(kinds, values))]


CLAIM = {"key": "1:1:0", "pair": 0, "op": ">=", "text": "row_accuracy >= 0.95", "cell": 1}


def test_a_bound_with_room_is_robust():
    row = study.analyse_claim(CLAIM, _runs([0.975, 0.972, 0.978, 0.97]))
    assert row["verdict"] == "robust" and row["bound"] == 0.95
    assert row["values"]["default"] == pytest.approx((0.97, 0.9735, 0.978))
    assert row["worst_margin"] == pytest.approx(0.02)


def test_a_failing_run_a_close_accuracy_and_a_small_margin_are_tight():
    failing = study.analyse_claim(CLAIM, _runs([0.958, 0.947, 0.96]))
    assert failing["verdict"].startswith("TIGHT") and "fails in default:1" in failing["verdict"]
    close = study.analyse_claim(CLAIM, _runs([0.953, 0.9535, 0.9533]))
    assert "0.5 points" in close["verdict"]
    spread = study.analyse_claim({**CLAIM, "text": "loss < 2.0", "op": "<"},
                                 [{"kind": "default", "seed": i, "records": {"1:1:0": {"failed": 0, "pairs": {
                                     "0": {"failed": 0, "worst": [2.0 - v, v, 2.0]}}}}}
                                  for i, v in enumerate([1.0, 1.9, 1.5])])
    assert "spread/3" in spread["verdict"]


def test_modes_are_judged_separately():
    row = study.analyse_claim(CLAIM, _runs([0.99, 0.991, 0.97, 0.971], kinds=["default", "default", "fast", "fast"]))
    assert row["verdict"] == "robust" and set(row["values"]) == {"default", "fast"}


def test_exact_checks_count_the_runs_they_held_in():
    claim = {"key": "2:1:0", "pair": None, "op": None, "text": "np.allclose(a, b)", "cell": 2}
    runs = [{"kind": "default", "seed": s, "records": {"2:1:0": {"failed": f, "pairs": {}}}} for s, f in
            enumerate([0, 0, 1])]
    assert study.analyse_claim(claim, runs)["verdict"] == "FAILS in default:2"
    assert study.analyse_claim(claim, runs[:2])["verdict"] == "held in 2/2 runs"
    assert study.analyse_claim(claim, [{"kind": "fast", "seed": 0, "records": {}}])["verdict"] == "not reached"


def test_run_specifications():
    assert study.parse_runs("default:0,fast:1,onednn:0,loaded:2") == [
        ("default", 0), ("fast", 1), ("onednn", 0), ("loaded", 2)]
    with pytest.raises(SystemExit, match="KIND:SEED"):
        study.parse_runs("gpu:0")
    env = study.run_environment("onednn", 2)
    assert env["TF_ENABLE_ONEDNN_OPTS"] == "0" and env["COURSE_SEED"] == "2" and env["COURSE_FAST"] == "0"
    assert study.run_environment("loaded", 0)["COURSE_FAST"] == "0"
    assert study.run_environment("loadedfast", 0)["COURSE_FAST"] == "1"


# --------------------------------------------------------------------------- the committed study
def _result(notebook: Path) -> dict:
    path = ROOT / "benchmarks" / "margins" / f"{notebook.stem}.json"
    assert path.is_file(), f"no margin study for {notebook.name}: run benchmarks/margin_study.py {notebook}"
    return json.loads(path.read_text())


# Notebooks whose margin study has not been run yet (each takes six to eight times the notebook's runtime).
# strict=True: once a study is stored, these tests fail until the notebook is taken off the list.
NOT_YET_STUDIED = {"05_cnns"}


def _unless_pending(paths, pending, reason):
    return [pytest.param(path, marks=pytest.mark.xfail(strict=True, reason=reason(path.stem)))
            if path.stem in pending else path for path in paths]


@pytest.mark.parametrize("notebook", _unless_pending(NOTEBOOKS, NOT_YET_STUDIED, lambda _: "margin study not run yet"),
                         ids=lambda p: p.stem)
def test_margin_study_covers_every_assert(notebook):
    """Every assert of the notebook as it is now was studied: adding or changing a bound needs a re-run."""
    result = _result(notebook)
    studied = Counter(claim["text"] for claim in result["claims"])
    now = Counter(claim["text"] for claim in study.notebook_claims(notebook))
    missing = now - studied
    assert not missing, (f"{notebook.name}: asserts not in the margin study (re-run "
                         f"benchmarks/margin_study.py {notebook.relative_to(ROOT)}): {sorted(missing)}")


# Notebooks whose study still shows bounds that fail or are tight on other seeds (see benchmarks/MARGINS.md):
# their experiments need redesigning, not their bounds loosening. strict=True: once a notebook's study is
# robust, this test fails until the notebook is taken off the list.
NOT_YET_ROBUST: dict[str, str] = {}   # notebook stem -> what fails; empty since 04 and 06 were redesigned


@pytest.mark.parametrize("notebook", _unless_pending(
    NOTEBOOKS, {**NOT_YET_ROBUST, **dict.fromkeys(NOT_YET_STUDIED, "margin study not run yet")},
    lambda stem: NOT_YET_ROBUST.get(stem, "margin study not run yet")), ids=lambda p: p.stem)
def test_every_studied_assert_held_with_margin(notebook):
    result = _result(notebook)
    kinds = {run["kind"] for run in result["runs"]}
    seeds = {run["seed"] for run in result["runs"] if run["kind"] == "default"}
    assert {"default", "fast", "onednn"} <= kinds and len(seeds) >= 3
    assert len({run["seed"] for run in result["runs"] if run["kind"] == "fast"}) >= 2
    assert not [run["error"] for run in result["runs"] if run["error"]]
    if any(study.TIMING.search(claim["text"]) for claim in result["claims"]):
        assert "loaded" in kinds, "a timing assert needs a default-mode run under load"
    bad = [f"cell {row['cell']} `{row['text']}`: {row['verdict']}" for row in study.analyse(result)
           if not (row["verdict"] == "robust" or row["verdict"].startswith("held in"))]
    assert not bad, "\n".join(bad)


def test_margins_report_is_up_to_date(tmp_path):
    report = tmp_path / "MARGINS.md"
    study.write_report(study.load_results(), report)
    assert report.read_text() == (ROOT / "benchmarks" / "MARGINS.md").read_text(), (
        "benchmarks/MARGINS.md is stale: run benchmarks/margin_study.py --report")


# --------------------------------------------------------------------------- bound-only changes
def _notebook(path, code):
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# t"), nbformat.v4.new_code_cell(code)]
    nbformat.write(notebook, path)
    return path


def test_rebound_reevaluates_stored_runs_when_only_a_bound_moved(tmp_path):
    path = _notebook(tmp_path / "nb.ipynb", "acc = 0.97\nassert acc >= 0.95 and acc < 1\n")
    records = _run_cell("acc = 0.97\nassert acc >= 0.95 and acc < 1\n", cell_index=1)
    stored = {"code": study.code_cells(path), "code_hash": study.notebook_hash(path),
              "claims": study.notebook_claims(path), "runs": [{"kind": "default", "seed": 0, "records": records}]}
    _notebook(path, "acc = 0.97\nassert acc >= 0.975 and acc < 1   # a comment may change too\n")
    result = study.rebound(path, json.loads(json.dumps(stored)))
    worst = result["runs"][0]["records"]["1:2:0"]["pairs"]["0"]
    assert worst["worst"] == pytest.approx([-0.005, 0.97, 0.975]) and worst["failed"] == 1
    assert result["rebound"] == ["`acc >= 0.95` -> `acc >= 0.975`"]
    assert result["code_hash"] == study.notebook_hash(path)
    assert study.analyse(result)[0]["verdict"].startswith("TIGHT: fails in default:0")


@pytest.mark.parametrize("changed", ["acc = 0.98\nassert acc >= 0.95 and acc < 1\n",
                                     "acc = 0.97\nassert acc + 0 >= 0.95 and acc < 1\n",
                                     "acc = 0.97\nassert acc >= 0.95 and acc < 1\nassert acc > 0\n"])
def test_rebound_refuses_other_changes(tmp_path, changed):
    path = _notebook(tmp_path / "nb.ipynb", "acc = 0.97\nassert acc >= 0.95 and acc < 1\n")
    stored = {"code": study.code_cells(path), "code_hash": study.notebook_hash(path),
              "claims": study.notebook_claims(path), "runs": []}
    _notebook(path, changed)
    with pytest.raises(SystemExit, match="run the study again"):
        study.rebound(path, stored)
