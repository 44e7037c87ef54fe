"""Exercise checks and gradient checking.

A *check* runs a learner's function on a few inputs, runs a reference
implementation on copies of the **same** inputs, and prints one short verdict:

>>> checks.normalize_rows(normalize_rows)                 # doctest: +SKIP
⏳ normalize_rows: not attempted yet (replace `raise NotImplementedError` with your code)
>>> checks.normalize_rows(normalize_rows, strict=True)    # doctest: +SKIP
✅ normalize_rows: passed (6 test cases)

A check never raises because of the learner's code: a wrong shape, a returned
``None``, NaNs or an exception inside the learner's function are all reported
in the message. With ``strict=True`` (used under "Solutions", so CI tests every
answer) anything but a pass raises ``AssertionError`` with the same message.

Building blocks
---------------
compare             compare a result with the expected one, explain the first difference
check_function      run a learner's function and a reference on the same cases
mistake_hints       a ``hints=`` callable that names the typical mistake a wrong answer matches
report              print a check's result, or raise it with strict=True
run_quietly         call a function with its printing discarded (a check_function run to extend)
numerical_gradient  centred finite differences of a scalar function
relative_error      ||a - b|| / (||a|| + ||b||)
gradient_check      compare analytic gradients with numerical ones (deeplearning.ai style)

Exercise checks (one module per notebook, all re-exported here)
-----------------------------------------------------------------
nb00_welcome     column_percentages, normalize_rows, pairwise_sq_distances, standardize_columns
nb01_perceptron  the perceptron notebook's exercises (see its ``__all__``)
nb02_backprop    sigmoid/relu/tanh_backward, linear_backward, two_layer_backward,
                 gradient_check_exercise
nb03_optimization  ewa, momentum_step, adam_step (also against keras.optimizers.Adam), cosine_schedule,
                   sample_log_uniform
nb04_regularization  l2_cost_and_gradient, dropout_forward, normalize_inputs, he_init,
                     batchnorm_forward (against keras.layers.BatchNormalization)
nb05_cnns        conv_output_size, conv2d_single_channel, conv_layer_params, max_pool2d, iou
nb06_rnns        rnn_step, lstm_step (also against keras.layers.LSTM), clip_by_global_norm,
                 sample_with_temperature
nb07_generative_models  kl_divergence, js_divergence, reparameterize, gaussian_kl, discriminator_loss,
                        generator_loss
nb08_attention   scaled_dot_product_attention, positional_encoding, bleu, beam_search_step

Each check has its ``reference_*`` implementation, which later notebooks may use.

This module imports only NumPy and the standard library.
"""
from course_utils.checks.core import *  # noqa: F401,F403
from course_utils.checks.core import __all__ as _core_all
from course_utils.checks.nb00_welcome import *  # noqa: F401,F403
from course_utils.checks.nb00_welcome import __all__ as _nb00_all
from course_utils.checks.nb01_perceptron import *  # noqa: F401,F403
from course_utils.checks.nb01_perceptron import __all__ as _nb01_all
from course_utils.checks.nb02_backprop import *  # noqa: F401,F403
from course_utils.checks.nb02_backprop import __all__ as _nb02_all
from course_utils.checks.nb03_optimization import *  # noqa: F401,F403
from course_utils.checks.nb03_optimization import __all__ as _nb03_all
from course_utils.checks.nb04_regularization import *  # noqa: F401,F403
from course_utils.checks.nb04_regularization import __all__ as _nb04_all
from course_utils.checks.nb05_cnns import *  # noqa: F401,F403
from course_utils.checks.nb05_cnns import __all__ as _nb05_all
from course_utils.checks.nb06_rnns import *  # noqa: F401,F403
from course_utils.checks.nb06_rnns import __all__ as _nb06_all
from course_utils.checks.nb07_generative_models import *  # noqa: F401,F403
from course_utils.checks.nb07_generative_models import __all__ as _nb07_all
from course_utils.checks.nb08_attention import *  # noqa: F401,F403
from course_utils.checks.nb08_attention import __all__ as _nb08_all

# One module per notebook keeps the exercise checks apart; add new ones here.
__all__ = [*_core_all, *_nb00_all, *_nb01_all, *_nb02_all, *_nb03_all, *_nb04_all, *_nb05_all, *_nb06_all, *_nb07_all,
           *_nb08_all]
