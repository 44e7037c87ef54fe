# Course commands. Every target creates the virtual environment first if needed.
#   make lab      open JupyterLab on notebooks/
#   make test     unit tests + jupytext pairing check + every notebook under nbval
#                 (COURSE_HEADLESS=1: each widget demo draws its figure once instead of a live
#                 ipywidgets.interactive, which can stall headless kernels for minutes)
#   make slides   reveal.js slides of every notebook into build/slides/
#   make execute  re-run every notebook in place, print a timing table
#   make student  student copies without Solutions into build/student/
#   make data     pre-download every dataset into data/ (offline classrooms)
#   make doctor   print the environment report

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
# Extra JupyterLab options, e.g. `make lab LAB_ARGS="--no-browser --port 8890"`.
# Containers often run as root, which JupyterLab refuses without --allow-root.
LAB_ARGS ?=
ROOT_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test unit nbval slides execute student data doctor clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python >= 3.10 is required, found " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/ $(ROOT_ARGS) $(LAB_ARGS)

test: $(STAMP)
	COURSE_HEADLESS=1 $(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-current-env --nbval-cell-timeout=300

unit: $(STAMP)
	$(BIN)/python -m pytest tests

nbval: $(STAMP)
	COURSE_HEADLESS=1 $(BIN)/python -m pytest notebooks --nbval-lax --nbval-current-env --nbval-cell-timeout=300

slides: $(STAMP)
	mkdir -p build/slides
	$(BIN)/jupyter nbconvert --to slides --output-dir build/slides \
	    --SlidesExporter.reveal_scroll=True $(NOTEBOOKS)

execute: $(STAMP)
	$(BIN)/python -m course_utils execute $(NOTEBOOKS)

student: $(STAMP)
	$(BIN)/python -m course_utils student --output build/student $(NOTEBOOKS)

data: $(STAMP)
	$(BIN)/python -m course_utils data

doctor: $(STAMP)
	$(BIN)/python -m course_utils doctor

clean:
	rm -rf build .pytest_cache
