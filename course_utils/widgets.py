"""Interactive demos that still work headless.

A widget demo is a plain function plus :func:`interact`::

    def show_broadcast(rows=3, cols=4):
        ...draw a figure...

    show_broadcast()                                    # static figure for readers and CI
    widgets.interact(show_broadcast, rows=(1, 6), cols=(1, 8));

In a Jupyter kernel :func:`interact` shows sliders (which redraw when
released, not on every pixel). Headless (a plain script, a unit test, or
the environment variable ``COURSE_HEADLESS=1``) it calls the function once
with the controls' default values and returns its result, so notebooks
run unchanged under CI.

``ipywidgets`` and ``IPython`` are imported only when needed.
"""
from __future__ import annotations

import functools
import inspect
import math
import numbers
import os
import sys
from collections.abc import Iterable, Mapping

from ._validation import check_callable, check_float, check_int, describe

__all__ = ["in_notebook", "interact", "log_slider", "int_slider", "float_slider", "dropdown"]

_HEADLESS_OFF = ("", "0", "false", "no", "off")


def _headless_env() -> bool:
    """True when the environment variable COURSE_HEADLESS asks for headless mode."""
    return os.environ.get("COURSE_HEADLESS", "").strip().lower() not in _HEADLESS_OFF


def _kernel_present() -> bool:
    """True inside an IPython kernel (Jupyter, Colab, VS Code), ignoring COURSE_HEADLESS."""
    ipython = sys.modules.get("IPython")  # never imported -> not running under IPython
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def in_notebook() -> bool:
    """Return True in a Jupyter kernel, unless ``COURSE_HEADLESS`` is set.

    ``COURSE_HEADLESS=1`` (any value but empty, ``0``, ``false``, ``no``,
    ``off``) forces headless behaviour even inside a kernel, e.g. for CI.
    A terminal IPython session is not a notebook.
    """
    return _kernel_present() and not _headless_env()


# --------------------------------------------------------------------------
# Control helpers
# --------------------------------------------------------------------------

def _check_description(description):
    if description is not None and not isinstance(description, str):
        raise TypeError(f"description must be a str or None, got {describe(description)}")
    return description or ""  # empty: interact fills in the parameter name


def _check_range(value, minimum, maximum, *, kind):
    """Validate min < max and min <= value <= max with clear messages."""
    checker = check_int if kind == "int" else check_float
    minimum = checker("min", minimum)
    maximum = checker("max", maximum)
    value = checker("value", value)
    if not minimum < maximum:
        raise ValueError(f"min must be < max, got min={minimum!r} and max={maximum!r}")
    if not minimum <= value <= maximum:
        raise ValueError(f"value must be between min={minimum!r} and max={maximum!r}, got {value!r}")
    return value, minimum, maximum


def log_slider(value, min, max, description=None):  # noqa: A002 (names match ipywidgets)
    """Return a base-10 logarithmic float slider, e.g. for a learning rate.

    Parameters
    ----------
    value : float
        Initial value, with ``min <= value <= max``.
    min, max : float
        Range as actual values (not exponents), ``0 < min < max``.
    description : str, optional
        Label; default: the parameter name, filled in by :func:`interact`.

    Returns
    -------
    ipywidgets.FloatLogSlider
        With ``continuous_update=False`` (the figure redraws on release) and
        ten steps per decade.

    Examples
    --------
    >>> widgets.interact(show_step_size, learning_rate=widgets.log_slider(0.1, 1e-4, 1.0))
    """
    value, minimum, maximum = _check_range(value, min, max, kind="float")
    if minimum <= 0:
        raise ValueError(f"min must be > 0 for a log slider, got {minimum!r}")
    import ipywidgets

    return ipywidgets.FloatLogSlider(value=value, base=10, min=math.log10(minimum),
                                     max=math.log10(maximum), step=0.1, readout_format=".3g",
                                     continuous_update=False,
                                     description=_check_description(description))


def int_slider(value, min, max, step=1, description=None):  # noqa: A002
    """Return an integer slider that updates on release.

    Parameters
    ----------
    value : int
        Initial value, ``min <= value <= max``.
    min, max : int
        Range, ``min < max``.
    step : int, default 1
        Step, >= 1.
    description : str, optional
        Label; default: the parameter name, filled in by :func:`interact`.

    Returns
    -------
    ipywidgets.IntSlider
        With ``continuous_update=False``.
    """
    value, minimum, maximum = _check_range(value, min, max, kind="int")
    step = check_int("step", step, minimum=1)
    import ipywidgets

    return ipywidgets.IntSlider(value=value, min=minimum, max=maximum, step=step,
                                continuous_update=False,
                                description=_check_description(description))


def float_slider(value, min, max, step=None, description=None):  # noqa: A002
    """Return a float slider that updates on release.

    Parameters
    ----------
    value : float
        Initial value, ``min <= value <= max``.
    min, max : float
        Range, ``min < max``.
    step : float, optional
        Step, > 0; default ``(max - min) / 100``.
    description : str, optional
        Label; default: the parameter name, filled in by :func:`interact`.

    Returns
    -------
    ipywidgets.FloatSlider
        With ``continuous_update=False`` and a 3-significant-digit readout.
    """
    value, minimum, maximum = _check_range(value, min, max, kind="float")
    if step is None:
        step = (maximum - minimum) / 100
    step = check_float("step", step)
    if step <= 0:
        raise ValueError(f"step must be > 0, got {step!r}")
    import ipywidgets

    return ipywidgets.FloatSlider(value=value, min=minimum, max=maximum, step=step,
                                  readout_format=".3g", continuous_update=False,
                                  description=_check_description(description))


def _option_values(options):
    """Values a Dropdown would return for ``options`` (list, tuple, dict; (label, value) pairs)."""
    if isinstance(options, Mapping):
        return list(options.values())
    return [item[1] if isinstance(item, tuple) and len(item) == 2 else item for item in options]


def dropdown(options, value=None, description=None):
    """Return a drop-down menu.

    Parameters
    ----------
    options : list, tuple or dict
        The choices: values, ``(label, value)`` pairs, or a dict label -> value.
    value : optional
        Initial value (one of the option values); default the first one.
    description : str, optional
        Label; default: the parameter name, filled in by :func:`interact`.

    Returns
    -------
    ipywidgets.Dropdown
    """
    if isinstance(options, (str, bytes)) or not isinstance(options, (list, tuple, Mapping)):
        raise TypeError(f"options must be a list, tuple or dict, got {describe(options)}")
    values = _option_values(options)
    if not values:
        raise ValueError("options must not be empty")
    if value is None:
        value = values[0]
    elif not any(value == option for option in values):
        raise ValueError(f"value must be one of the options {values!r}, got {value!r}")
    import ipywidgets

    return ipywidgets.Dropdown(options=options, value=value,
                               description=_check_description(description))


# --------------------------------------------------------------------------
# interact
# --------------------------------------------------------------------------

_EMPTY = inspect.Parameter.empty


def _widget_types():
    """(ValueWidget, Widget, fixed) if ipywidgets is loaded, else None.

    A control can only be a widget if ipywidgets was already imported, so
    headless calls with plain abbreviations never import it.
    """
    if "ipywidgets" not in sys.modules:
        return None
    import ipywidgets

    return ipywidgets.ValueWidget, ipywidgets.Widget, ipywidgets.fixed


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _control_default(name, control, default):
    """Value the widget built from ``control`` starts at (what fn gets called with).

    Mirrors ipywidgets: a widget instance or ``fixed`` gives its own value; a
    (min, max[, step]) tuple the function's default or else the midpoint on
    the step grid; a list/dict (drop-down) the function's default or else
    the first option; a bool/str/number itself. Raises ValueError for
    controls ipywidgets cannot turn into a widget and for function defaults
    outside the control's range.
    """
    types = _widget_types()
    if types is not None:
        value_widget, widget, fixed = types
        if isinstance(control, fixed):
            return control.value
        if isinstance(control, value_widget):
            return control.get_interact_value()
        if isinstance(control, widget):
            raise TypeError(f"control {name!r} must be a value widget (slider, dropdown, ...), "
                            f"got {describe(control)}")
    if isinstance(control, tuple):
        if len(control) not in (2, 3) or not all(_is_real(part) for part in control):
            raise ValueError(f"control {name!r}: a tuple must be (min, max) or (min, max, step) "
                             f"numbers for a slider (use a list for a drop-down), got {control!r}")
        low, high = control[0], control[1]
        step = control[2] if len(control) == 3 else None
        if not low < high:
            raise ValueError(f"control {name!r}: min must be < max, got {control!r}")
        if step is not None and step <= 0:
            raise ValueError(f"control {name!r}: step must be > 0, got {control!r}")
        integer = all(isinstance(part, numbers.Integral) for part in control)
        if default is not _EMPTY:
            if not _is_real(default) or not low <= default <= high:
                raise ValueError(f"control {name!r}: the function's default {default!r} is outside "
                                 f"the slider range {control!r}")
            if integer and not isinstance(default, numbers.Integral):
                raise ValueError(f"control {name!r}: {control!r} makes an integer slider but the "
                                 f"function's default is {default!r}; use float bounds")
            return default
        diff = high - low
        value = low + diff // 2 if integer else low + diff / 2
        if step is not None:
            value = low + int((value - low) / step) * step
        return value
    if isinstance(control, (bool, str)) or _is_real(control):
        return control
    if isinstance(control, type):
        starts = {str: "", bool: False, int: 0, float: 0.0}
        if control in starts:
            return starts[control]
        raise ValueError(f"control {name!r}: cannot make a widget from the type {control!r}")
    if isinstance(control, Iterable) and not isinstance(control, (bytes, bytearray)):
        if not isinstance(control, (list, Mapping)):
            raise ValueError(f"control {name!r}: options for a drop-down must be a list or dict, "
                             f"got {describe(control)}")
        values = _option_values(control)
        if not values:
            raise ValueError(f"control {name!r}: the list of options is empty")
        if default is not _EMPTY:
            if not any(default == option for option in values):
                raise ValueError(f"control {name!r}: the function's default {default!r} is not "
                                 f"one of the options {values!r}")
            return default
        return values[0]
    raise ValueError(f"control {name!r}: cannot make a widget from {describe(control)}; use a "
                     "(min, max[, step]) tuple, a list of options, a bool, a str or a widget")


def _resolve(fn, controls):
    """Validate ``controls`` against ``fn``'s signature; return the headless call kwargs."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # some builtins: nothing to check against
        return {name: _control_default(name, control, _EMPTY) for name, control in controls.items()}
    parameters = signature.parameters
    accepts_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    keyword_names = [name for name, p in parameters.items()
                     if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    fn_name = getattr(fn, "__name__", type(fn).__name__)
    unknown = [name for name in controls if name not in keyword_names and not accepts_any]
    if unknown:
        raise ValueError(f"controls {unknown!r} are not parameters of {fn_name}; "
                         f"its parameters are {keyword_names!r}")
    missing = [name for name in keyword_names
               if name not in controls and parameters[name].default is _EMPTY]
    missing += [name for name, p in parameters.items()
                if p.kind is p.POSITIONAL_ONLY and p.default is _EMPTY]
    if missing:
        raise ValueError(f"parameters {missing!r} of {fn_name} have no default value and no "
                         "control; give them a default or a control (ipywidgets.fixed(value) "
                         "for a constant)")
    return {name: _control_default(name, control,
                                   parameters[name].default if name in parameters else _EMPTY)
            for name, control in controls.items()}


_interactive_class = None


def _get_interactive_class():
    """ipywidgets.interactive that the cell's display hook does not show a second time."""
    global _interactive_class
    if _interactive_class is None:
        import ipywidgets

        class Interactive(ipywidgets.interactive):
            """``ipywidgets.interactive`` shown at most once per cell execution.

            :func:`interact` displays the widget itself and also returns it;
            without this, a cell ending in ``widgets.interact(...)`` (no
            semicolon) would show the controls twice.
            """

            _course_shown_in = None

            def _ipython_display_(self):
                from IPython import get_ipython
                from IPython.display import display

                shell = get_ipython()
                count = getattr(shell, "execution_count", None)
                if count is not None and self._course_shown_in == count:
                    return
                self._course_shown_in = count
                display(self._repr_mimebundle_(), raw=True)

        Interactive.__module__ = __name__
        _interactive_class = Interactive
    return _interactive_class


def interact(fn, /, **controls):
    """Show ``fn`` with widgets in a notebook; call it once with defaults when headless.

    Parameters
    ----------
    fn : callable
        The demo: a plain function that draws a figure (or prints, or
        returns something). Parameters without a control keep ipywidgets'
        behaviour: a bool/str/number default gets its own widget.
    **controls
        One per parameter of ``fn``, as ``ipywidgets.interact`` accepts them:
        ``(min, max)`` or ``(min, max, step)`` for an int or float slider, a
        list or dict for a drop-down, a bool for a checkbox, a str for a text
        box, ``ipywidgets.fixed(value)`` for a constant, or a widget such as
        :func:`log_slider`, :func:`int_slider`, :func:`float_slider`,
        :func:`dropdown`.

    Returns
    -------
    ipywidgets.interactive or object
        In a Jupyter kernel: the ``ipywidgets.interactive`` widget, already
        displayed (its ``.result`` is ``fn``'s latest result). Parameters
        with no control get a widget when their default is a bool, str or
        number (as in ipywidgets) and are held fixed otherwise. Sliders built
        from tuples and defaults use ``continuous_update=False``, so slow
        figures redraw when the slider is released; widgets you pass keep
        their settings. Matplotlib figures drawn by ``fn`` appear in the
        widget's output area.
        Headless (see :func:`in_notebook`): whatever ``fn`` returns, after
        one call with the values the widgets would start at: for a tuple or
        list, the function's own default if it has one, else the slider's
        midpoint or the first option; for a widget you pass, its value;
        parameters without a control keep their defaults. Nothing else is
        printed or displayed.

    Raises
    ------
    TypeError
        If ``fn`` is not callable.
    ValueError
        If a control names no parameter of ``fn`` (the message lists them),
        a parameter has neither a default nor a control, a control cannot
        become a widget, or ``fn``'s default lies outside its control's range.
        These checks run in both modes, so CI catches them.
    """
    check_callable("fn", fn)
    call_kwargs = _resolve(fn, controls)
    if not in_notebook():
        return fn(**call_kwargs)

    import matplotlib.pyplot as plt
    from IPython.display import display

    @functools.wraps(fn)
    def show_fn(*args, **kwargs):
        result = fn(*args, **kwargs)
        if plt.get_fignums():
            plt.show()  # into the widget's output area, before the next redraw clears it
        return result

    import ipywidgets

    user_widgets = {name for name, control in controls.items()
                    if isinstance(control, ipywidgets.Widget)}
    # Parameters without a control whose default cannot become a widget
    # (None, arrays, models, ...) stay fixed instead of failing in ipywidgets.
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        parameters = []
    for p in parameters:
        if (p.name not in controls and p.default is not _EMPTY
                and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
                and not isinstance(p.default, (bool, str, numbers.Real))):
            controls[p.name] = ipywidgets.fixed(p.default)
    interactive = _get_interactive_class()(show_fn, **controls)
    for widget in interactive.kwargs_widgets:
        if getattr(widget, "_kwarg", None) not in user_widgets and widget.has_trait("continuous_update"):
            widget.continuous_update = False
    display(interactive)
    return interactive
