"""belwar: Monte Carlo scenarios for whether Belarus deepens its part in Russia's war on Ukraine.

The public API is re-exported here and imported lazily, so ``import belwar`` stays fast::

    import belwar
    scenario = belwar.load_scenario("scenarios/baseline.yaml")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from belwar.diff import Comparison, compare
    from belwar.editor_schema import scenario_schema
    from belwar.errors import BelwarError, InputError, Problem
    from belwar.estimative import words_for
    from belwar.evidence import Fact, Register, Source
    from belwar.loader import load_register, load_scenario, scenario_from_data
    from belwar.results import Result, load_result
    from belwar.scenario import Scenario
    from belwar.sensitivities import Sensitivity, sensitivity
    from belwar.simulation import simulate
    from belwar.sweeps import Sweep, sweep

_EXPORTS = {
    "BelwarError": "belwar.errors",
    "Comparison": "belwar.diff",
    "Result": "belwar.results",
    "Sensitivity": "belwar.sensitivities",
    "Sweep": "belwar.sweeps",
    "compare": "belwar.diff",
    "load_result": "belwar.results",
    "scenario_from_data": "belwar.loader",
    "sensitivity": "belwar.sensitivities",
    "simulate": "belwar.simulation",
    "sweep": "belwar.sweeps",
    "Fact": "belwar.evidence",
    "InputError": "belwar.errors",
    "Problem": "belwar.errors",
    "Register": "belwar.evidence",
    "Scenario": "belwar.scenario",
    "Source": "belwar.evidence",
    "load_register": "belwar.loader",
    "load_scenario": "belwar.loader",
    "scenario_schema": "belwar.editor_schema",
    "words_for": "belwar.estimative",
}

__all__ = [
    "BelwarError",
    "Comparison",
    "Fact",
    "InputError",
    "Problem",
    "Register",
    "Result",
    "Scenario",
    "Sensitivity",
    "Source",
    "Sweep",
    "__version__",
    "compare",
    "load_register",
    "load_result",
    "load_scenario",
    "scenario_from_data",
    "scenario_schema",
    "sensitivity",
    "simulate",
    "sweep",
    "words_for",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'belwar' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
