"""The spec layer: scenario files, their validation, the evidence register, and the one
translation into the numeric core (:mod:`belwar.spec.compile`)."""
