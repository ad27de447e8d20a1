"""The library's defaults of the analyses' parameters, in one place: the entry points take them
as their keyword defaults and the command line shows the same values as its flags' defaults.

A module of constants alone, so the command line reads them without importing the library
(``belwar --help`` stays quick). The run's own options (samples, seed, months, workers) default
to the scenario's ``simulation`` section and every core: see :class:`belwar.run.options.RunOptions`.
"""

DEFAULT_TOLERANCE = 0.01  # the smallest change of a probability a diff calls material
DEFAULT_METHOD = "tornado"
DEFAULT_SOBOL_SAMPLES = 4096  # base samples of a Sobol design
DEFAULT_RESAMPLES = 999  # bootstrap resamples of the Sobol intervals
DEFAULT_TOP = 10  # inputs a sensitivity analysis shows unless more are asked for
