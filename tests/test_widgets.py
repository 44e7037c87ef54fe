"""Tests for course_utils.widgets: headless calls, validation, kernel mode faked."""
import matplotlib

matplotlib.use("Agg")

import ipywidgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from course_utils import widgets  # noqa: E402


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    yield
    plt.close("all")


@pytest.fixture
def fake_kernel(monkeypatch):
    """Make interact take its notebook branch outside a real kernel."""
    monkeypatch.setattr(widgets, "in_notebook", lambda: True)


class Recorder:
    """A demo function that records its calls and draws a small figure."""

    def __init__(self):
        self.calls = []

    def __call__(self, rows=3, cols=4):
        self.calls.append({"rows": rows, "cols": cols})
        fig, ax = plt.subplots()
        ax.plot(range(rows * cols))
        return rows * cols


# ----------------------------------------------------------------- in_notebook

def test_in_notebook_is_false_under_pytest():
    assert widgets.in_notebook() is False
    assert widgets._kernel_present() is False


@pytest.mark.parametrize("value, expected", [("1", False), ("true", False), ("0", True),
                                             ("", True), (None, True)])
def test_course_headless_overrides_a_kernel(monkeypatch, value, expected):
    monkeypatch.setattr(widgets, "_kernel_present", lambda: True)
    if value is not None:
        monkeypatch.setenv("COURSE_HEADLESS", value)
    assert widgets.in_notebook() is expected


# ----------------------------------------------------------------- headless interact

def test_headless_interact_calls_fn_once_with_its_defaults(capsys):
    demo = Recorder()
    result = widgets.interact(demo, rows=(1, 6), cols=(1, 8))
    assert demo.calls == [{"rows": 3, "cols": 4}]
    assert result == 12
    assert capsys.readouterr().out == ""


def test_headless_interact_uses_control_start_values_without_defaults():
    seen = []

    def demo(count, scale, activation, options, flag, text, fixed, widget, log_rate):
        seen.append(dict(count=count, scale=scale, activation=activation, options=options,
                         flag=flag, text=text, fixed=fixed, widget=widget, log_rate=log_rate))
        return "done"

    result = widgets.interact(
        demo, count=(1, 6), scale=(0.0, 1.0, 0.25), activation=["relu", "tanh"],
        options={"small": 8, "large": 64}, flag=True, text="hi", fixed=ipywidgets.fixed([1, 2]),
        widget=widgets.int_slider(5, 0, 10), log_rate=widgets.log_slider(0.01, 1e-4, 1.0))
    assert result == "done"
    assert seen == [dict(count=3, scale=0.5, activation="relu", options=8, flag=True,
                         text="hi", fixed=[1, 2], widget=5, log_rate=pytest.approx(0.01))]


def test_headless_interact_step_grid_and_dropdown_default():
    seen = []

    def demo(size, activation="tanh"):
        seen.append((size, activation))

    widgets.interact(demo, size=(0, 10, 3), activation=["relu", "tanh"])
    assert seen == [(3, "tanh")]  # midpoint 5 snapped down to the step grid 0, 3, 6, 9


def test_headless_interact_accepts_kwargs_functions_and_builtin_defaults():
    def demo(**kwargs):
        return kwargs

    assert widgets.interact(demo, anything=(1, 3)) == {"anything": 2}


# ----------------------------------------------------------------- validation

def test_interact_rejects_unknown_controls_listing_parameters():
    with pytest.raises(ValueError, match=r"\['colz'\].*show_broadcast.*\['rows', 'cols'\]"):
        def show_broadcast(rows=3, cols=4):
            pass
        widgets.interact(show_broadcast, rows=(1, 6), colz=(1, 8))


@pytest.mark.parametrize("controls, pattern", [
    ({"rows": (1, 2, 3, 4)}, "rows.*tuple"),
    ({"rows": (6, 1)}, "rows.*min must be < max"),
    ({"rows": (1, 6, 0)}, "rows.*step"),
    ({"rows": (4, 8)}, "rows.*default 3.*outside"),
    ({"rows": (1.0, 6.0), "cols": ["a", "b"]}, "cols.*default 4.*not one of the options"),
    ({"rows": ("a", "b")}, "rows.*tuple"),
    ({"rows": None}, "rows.*cannot make a widget"),
    ({"rows": []}, "rows.*empty"),
])
def test_interact_rejects_bad_controls(controls, pattern):
    def demo(rows=3, cols=4):
        pass

    with pytest.raises(ValueError, match=pattern):
        widgets.interact(demo, **controls)


def test_interact_rejects_int_slider_for_float_default_and_missing_values():
    def demo(rate=0.5, steps=10):
        pass

    with pytest.raises(ValueError, match="rate.*integer slider"):
        widgets.interact(demo, rate=(0, 1))

    def needs_data(data, rows=3):
        pass

    with pytest.raises(ValueError, match=r"\['data'\].*no default"):
        widgets.interact(needs_data, rows=(1, 6))


def test_interact_rejects_non_callables_and_non_value_widgets():
    with pytest.raises(TypeError, match="fn"):
        widgets.interact("show_broadcast", rows=(1, 6))

    def demo(rows=3):
        pass

    with pytest.raises(TypeError, match="rows.*value widget"):
        widgets.interact(demo, rows=ipywidgets.Button())


def test_validation_also_runs_in_a_kernel(fake_kernel):
    def demo(rows=3):
        pass

    with pytest.raises(ValueError, match="colz"):
        widgets.interact(demo, colz=(1, 8))


# ----------------------------------------------------------------- control helpers

def test_log_slider():
    slider = widgets.log_slider(0.01, 1e-4, 1.0, description="learning rate")
    assert isinstance(slider, ipywidgets.FloatLogSlider)
    assert (slider.base, slider.min, slider.max) == (10, pytest.approx(-4), pytest.approx(0))
    assert slider.value == pytest.approx(0.01)
    assert slider.continuous_update is False
    assert slider.description == "learning rate"


@pytest.mark.parametrize("args, error, name", [
    ((0.1, 0.0, 1.0), ValueError, "min"),
    ((0.1, -1.0, 1.0), ValueError, "min"),
    ((2.0, 1e-3, 1.0), ValueError, "value"),
    ((1e-4, 1e-3, 1.0), ValueError, "value"),
    ((0.1, 1.0, 1e-3), ValueError, "min must be < max"),
    (("0.1", 1e-3, 1.0), TypeError, "value"),
    ((0.1, 1e-3, float("inf")), ValueError, "max"),
])
def test_log_slider_validation(args, error, name):
    with pytest.raises(error, match=name):
        widgets.log_slider(*args)


def test_int_and_float_sliders_and_dropdown():
    rows = widgets.int_slider(3, 1, 6)
    assert isinstance(rows, ipywidgets.IntSlider)
    assert (rows.value, rows.min, rows.max, rows.step) == (3, 1, 6, 1)
    assert rows.continuous_update is False
    scale = widgets.float_slider(0.5, 0.0, 2.0)
    assert isinstance(scale, ipywidgets.FloatSlider)
    assert scale.step == pytest.approx(0.02) and scale.continuous_update is False
    menu = widgets.dropdown(["relu", "tanh"])
    assert isinstance(menu, ipywidgets.Dropdown) and menu.value == "relu"
    assert widgets.dropdown({"small": 8, "large": 64}, value=64).value == 64


@pytest.mark.parametrize("make, error, name", [
    (lambda: widgets.int_slider(3, 1, 6, step=0), ValueError, "step"),
    (lambda: widgets.int_slider(3.5, 1, 6), TypeError, "value"),
    (lambda: widgets.int_slider(9, 1, 6), ValueError, "value"),
    (lambda: widgets.float_slider(0.5, 0.0, 1.0, step=-0.1), ValueError, "step"),
    (lambda: widgets.float_slider(0.5, 1.0, 0.0), ValueError, "min"),
    (lambda: widgets.dropdown("relu"), TypeError, "options"),
    (lambda: widgets.dropdown([]), ValueError, "options"),
    (lambda: widgets.dropdown(["relu"], value="gelu"), ValueError, "value"),
    (lambda: widgets.int_slider(3, 1, 6, description=5), TypeError, "description"),
])
def test_control_helpers_validation(make, error, name):
    with pytest.raises(error, match=name):
        make()


# ----------------------------------------------------------------- kernel mode (faked)

def test_kernel_interact_returns_interactive_with_release_only_sliders(fake_kernel, monkeypatch):
    demo = Recorder()
    shows = []
    monkeypatch.setattr(plt, "show", lambda *a, **k: shows.append(len(plt.get_fignums())))

    def with_extras(rows=3, cols=4, data=None, rate=0.1, speed=1):
        return demo(rows, cols)

    own = ipywidgets.IntSlider(value=1, min=0, max=3, continuous_update=True)
    result = widgets.interact(with_extras, rows=(1, 6), cols=widgets.int_slider(4, 1, 8),
                              rate=widgets.log_slider(0.1, 1e-3, 1.0), speed=own)
    assert isinstance(result, ipywidgets.interactive)
    sliders = {w.description: w for w in result.children
               if isinstance(w, ipywidgets.widgets.widget_int._Int)
               or isinstance(w, ipywidgets.widgets.widget_float._Float)}
    assert set(sliders) == {"rows", "cols", "rate", "speed"}  # data=None is held fixed
    assert all(sliders[name].continuous_update is False for name in ("rows", "cols", "rate"))
    assert own.continuous_update is True  # a widget passed in keeps its settings
    assert demo.calls == [{"rows": 3, "cols": 4}]  # initial draw with the defaults
    assert result.result == 12
    assert shows == [1]  # plt.show() after fn, inside the widget's output area
    sliders["rows"].value = 5  # moving a slider redraws
    assert demo.calls[-1] == {"rows": 5, "cols": 4} and result.result == 20
    assert len(shows) == 2


def test_kernel_interact_auto_widget_for_unlisted_default_is_release_only(fake_kernel):
    def demo(rows=3, num_steps=50):
        return rows

    result = widgets.interact(demo, rows=(1, 6))
    by_name = {w.description: w for w in result.kwargs_widgets}
    assert by_name["num_steps"].value == 50
    assert by_name["num_steps"].continuous_update is False


def test_interactive_is_displayed_once_per_cell(fake_kernel, monkeypatch):
    import IPython
    import IPython.display

    def demo(rows=3):
        return rows

    widget = widgets.interact(demo, rows=(1, 6))
    published = []
    monkeypatch.setattr(IPython.display, "display",
                        lambda data, raw=False, **kw: published.append(data))
    shell = type("Shell", (), {"execution_count": 7})()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    widget._ipython_display_()  # interact's own display call
    widget._ipython_display_()  # the cell's display hook, same cell: skipped
    assert len(published) == 1
    assert "application/vnd.jupyter.widget-view+json" in published[0]
    shell.execution_count = 8  # a later cell may show it again
    widget._ipython_display_()
    assert len(published) == 2
