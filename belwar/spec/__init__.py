"""The spec layer: scenario files, their validation, the evidence register, and the one
translation into the numeric core (:mod:`belwar.spec.compile`)."""

# Scenario.with_overrides validates with the loader, which registers itself when imported; the
# loader builds on the scenario model, so the model cannot import it.
from belwar.spec import loader as _loader  # noqa: F401
