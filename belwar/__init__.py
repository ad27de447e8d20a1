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
    from belwar.core.estimative import words_for
    from belwar.errors import BelwarError, HindsightWarning, InputError, Problem
    from belwar.results.comparison import Comparison
    from belwar.results.pool import PoolResult
    from belwar.results.run import Result
    from belwar.results.saved import load_result
    from belwar.results.score import Scores
    from belwar.results.sensitivity import Sensitivity
    from belwar.results.sweep import Sweep
    from belwar.results.track import Track
    from belwar.results.watch import Watch
    from belwar.run.diff import compare
    from belwar.run.options import RunOptions
    from belwar.run.pool_diff import compare_pools
    from belwar.run.pools import pool
    from belwar.run.scoring import score
    from belwar.run.sensitivities import sensitivity
    from belwar.run.simulation import simulate
    from belwar.run.sweeps import sweep
    from belwar.run.tracking import track
    from belwar.run.watch import watch
    from belwar.spec.editor_schema import scenario_schema
    from belwar.spec.evidence import Fact, Register, Source
    from belwar.spec.history import History
    from belwar.spec.history_loader import load_history
    from belwar.spec.loader import load_register, load_scenario, scenario_from_data
    from belwar.spec.pool_loader import load_pool
    from belwar.spec.scenario import Scenario

_EXPORTS = {
    "BelwarError": "belwar.errors",
    "Comparison": "belwar.results.comparison",
    "Result": "belwar.results.run",
    "RunOptions": "belwar.run.options",
    "Sensitivity": "belwar.results.sensitivity",
    "Sweep": "belwar.results.sweep",
    "compare": "belwar.run.diff",
    "load_result": "belwar.results.saved",
    "scenario_from_data": "belwar.spec.loader",
    "sensitivity": "belwar.run.sensitivities",
    "simulate": "belwar.run.simulation",
    "sweep": "belwar.run.sweeps",
    "watch": "belwar.run.watch",
    "Watch": "belwar.results.watch",
    "Fact": "belwar.spec.evidence",
    "HindsightWarning": "belwar.errors",
    "History": "belwar.spec.history",
    "load_history": "belwar.spec.history_loader",
    "InputError": "belwar.errors",
    "Problem": "belwar.errors",
    "Register": "belwar.spec.evidence",
    "Scenario": "belwar.spec.scenario",
    "Source": "belwar.spec.evidence",
    "load_register": "belwar.spec.loader",
    "load_scenario": "belwar.spec.loader",
    "scenario_schema": "belwar.spec.editor_schema",
    "words_for": "belwar.core.estimative",
    "Scores": "belwar.results.score",
    "score": "belwar.run.scoring",
    "Track": "belwar.results.track",
    "track": "belwar.run.tracking",
    "PoolResult": "belwar.results.pool",
    "compare_pools": "belwar.run.pool_diff",
    "load_pool": "belwar.spec.pool_loader",
    "pool": "belwar.run.pools",
}

__all__ = [
    "BelwarError",
    "Comparison",
    "Fact",
    "HindsightWarning",
    "History",
    "InputError",
    "PoolResult",
    "Problem",
    "Register",
    "Result",
    "RunOptions",
    "Scenario",
    "Scores",
    "Sensitivity",
    "Source",
    "Sweep",
    "Track",
    "Watch",
    "__version__",
    "compare",
    "compare_pools",
    "load_history",
    "load_pool",
    "load_register",
    "load_result",
    "load_scenario",
    "pool",
    "scenario_from_data",
    "scenario_schema",
    "score",
    "sensitivity",
    "simulate",
    "sweep",
    "track",
    "watch",
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
