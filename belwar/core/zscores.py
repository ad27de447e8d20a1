"""Quantiles of the standard normal that intervals are built from, named by the two-sided
interval they bound: ``mean ± Z90 · sd`` holds 90% of a normal, ``mean ± Z95 · sd`` 95%."""

Z90 = 1.6448536269514722  # the 95th percentile: a ci90 spans 2 · Z90 standard deviations
Z95 = 1.959963984540054  # the 97.5th percentile: a 95% confidence band is ± Z95 standard errors
