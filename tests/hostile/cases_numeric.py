"""Numbers a file may state: at the ends of what validation accepts the engine must compute
(probabilities in [0, 1], no NaN or infinity in any output), and beyond the limits of
:mod:`belwar.spec.limits` the file is refused with the limit named (issue 11, items 4, 5 and 20)."""

from __future__ import annotations

from belwar.spec import limits

from . import Case

BASELINE = "{scenarios}/baseline.yaml"
FAST = ("-f", "json", "-q")
FINITE = ("Traceback", "internal error", "NaN", "Infinity")

SMALL = """\
id: small
title: A small scenario
simulation: {{samples: 2000, seed: 1, horizon_months: {horizon}}}
ladder:
  rungs:
    - {{id: calm, label: Calm}}
    - {{id: crisis, label: Crisis}}
hazards:
  crisis:
    base: {{type: beta, ci90: [0.01, 0.05]}}
"""


def _events(count: int, horizon: int) -> str:
    lines = [SMALL.format(horizon=horizon).rstrip(), "    odds_ratios:"]
    lines += [f"      e{i}: {{dist: {{type: lognormal, ci90: [1.1, 2.0]}}}}" for i in range(count)]
    lines.append("events:")
    lines += [f"  e{i}: {{label: Event {i}, monthly: 0.01}}" for i in range(count)]
    return "\n".join(lines) + "\n"


def _drivers(count: int) -> str:
    lines = [SMALL.format(horizon=12).rstrip(), "drivers:"]
    lines += [
        f"  d{i}: {{label: Driver {i}, range: [0, 1], dist: {{type: uniform, low: 0, high: 1}}}}"
        for i in range(count)
    ]
    return "\n".join(lines) + "\n"


def _run(*sets: str, samples: int = 5_000) -> tuple[str, ...]:
    args: list[str] = ["run", BASELINE]
    for item in sets:
        args += ["--set", item]
    return (*args, "--samples", str(samples), *FAST)


def _refused(name: str, message: str, *sets: str) -> Case:
    return Case(name, _run(*sets), exit=2, message=message)


CASES: list[Case] = [
    # item 4: valid input at the ends of its ranges computes, in [0, 1]
    Case(
        "driver-at-the-end-of-its-range",
        _run("drivers.public_opposition.dist=0", samples=40_000),
        exit=0,
        message=r'"records"',
        absent=FINITE,
    ),
    Case(
        "sweep-across-a-drivers-whole-range",
        ("sweep", BASELINE, "--vary", "public_opposition=0:1:3", "--samples", "20000", *FAST),
        exit=0,
        absent=FINITE,
    ),
    Case(
        "the-longest-horizon",
        _run("simulation.horizon_months=240", "simulation.report_months=null", samples=20_000),
        exit=0,
        message=r'"month": 240',
        absent=FINITE,
    ),
    Case(
        "a-hazard-uniform-on-zero-to-one",
        _run("hazards.full_entry.base={type: uniform, low: 0, high: 1}", samples=40_000),
        exit=0,
        absent=FINITE,
    ),
    Case(
        "base-one-with-odds-ratios",
        _run("hazards.deeper_integration.base=1", samples=40_000),
        exit=0,
        absent=FINITE,
    ),
    Case(
        "huge-event-odds-within-the-limits-on-base-one",
        _run(
            "hazards.full_entry.base=1",
            "hazards.full_entry.odds_ratios.staged_incident.dist=1e99",
            "hazards.full_entry.odds_ratios.mass_protests.dist=1e99",
            "momentum.dist=1e99",
        ),
        exit=0,
        absent=FINITE,
    ),
    Case(
        "one-sample",
        ("run", BASELINE, "--set", "simulation.samples=1", *FAST),
        exit=0,
        message=r'"mcse": 0\.5',
        absent=FINITE,
    ),
    # item 5: what would overflow is refused, the limit named
    _refused(
        "lognormal-sigma-1000",
        r"kremlin_pressure\.dist: its draws must be at most 1e\+100, got 1e\+356",
        "hazards.full_entry.odds_ratios.kremlin_pressure.dist="
        "{type: lognormal, median: 1, sigma: 1000}",
    ),
    _refused(
        "lognormal-ci90-of-300-decades",
        r"dist\.ci90\[0\]: must be at least 1e-100, got 1e-300",
        "hazards.full_entry.odds_ratios.kremlin_pressure.dist="
        "{type: lognormal, ci90: [1e-300, 1e300]}",
    ),
    _refused(
        "per-1e-300",
        r"kremlin_pressure\.per: must be at least 1e-100, got 1e-300",
        "hazards.full_entry.odds_ratios.kremlin_pressure.per=1e-300",
    ),
    _refused(
        "beta-shapes-of-1e-300",
        r"base\.alpha: must be at least 0\.001, got 1e-300",
        "hazards.full_entry.base={type: beta, alpha: 1e-300, beta: 1e-300}",
    ),
    _refused(
        "beta-ci90-too-narrow-to-fit",
        r"base: the fitted alpha must be at most 1e\+07, got 1\.35\d*e\+20 .*write the number",
        "hazards.full_entry.base={type: beta, ci90: [0.5, 0.5000000001]}",
    ),
    Case(
        "beta-sd-1e-200",
        (
            "validate",
            BASELINE,
            "--set",
            "hazards.full_entry.base={type: beta, mean: 0.5, sd: 1.0e-200}",
        ),
        exit=1,
        message=r"base: sd 1e-200 is too small to fit a beta",
    ),
    _refused(
        "uniform-over-the-whole-float-range",
        r"army_capacity\.range\[0\]: must be at most 1e\+15 in size, got -1e\+308",
        "drivers.army_capacity.range=[-1e308, 1e308]",
        "drivers.army_capacity.dist={type: uniform, low: -1e308, high: 1e308}",
    ),
    _refused(
        "normal-sd-1e300",
        r"army_capacity\.dist\.sd: must be at most 1e\+15 in size, got 1e\+300",
        "drivers.army_capacity.range=null",
        "drivers.army_capacity.dist={type: normal, mean: 0, sd: 1e300}",
    ),
    _refused(
        "normal-whose-draws-pass-the-limit",
        r"army_capacity\.dist: its draws must be at most 1e\+15 in size, got -8\.2\d*e\+15",
        "drivers.army_capacity.range=null",
        "drivers.army_capacity.dist={type: normal, mean: 0, sd: 1e15}",
    ),
    _refused(
        "pert-bounds-1e308",
        r"army_capacity\.dist\.min: must be at most 1e\+15 in size, got -1e\+308",
        "drivers.army_capacity.range=null",
        "drivers.army_capacity.dist={type: pert, min: -1e308, mode: 0, max: 1e308}",
    ),
    _refused(
        "triangular-over-1.7e308",
        r"army_capacity\.dist\.min: must be at most 1e\+15 in size, got -1\.7e\+308",
        "drivers.army_capacity.range=null",
        "drivers.army_capacity.dist={type: triangular, min: -1.7e308, mode: 0, max: 1.7e308}",
    ),
    _refused(
        "momentum-1e300",
        r"momentum\.dist\.value: must be at most 1e\+100, got 1e\+300",
        "momentum.dist=1e300",
    ),
    _refused(
        "event-odds-1e-300-on-base-one",
        r"staged_incident\.dist\.value: must be at least 1e-100, got 1e-300",
        "hazards.full_entry.base=1",
        "hazards.full_entry.odds_ratios.staged_incident.dist=1e-300",
    ),
    # item 20, the file's side: what one block would need is capped, the cap named
    Case(
        "3000-events-over-240-months",
        ("run", "{tmp}/events.yaml", *FAST),
        files={"events.yaml": lambda: _events(3000, 240)},
        message=rf"events: must be at most {limits.MAX_EVENTS} events, got 3000",
        timeout=120,
    ),
    Case(
        "1000-drivers",
        ("validate", "{tmp}/drivers.yaml"),
        exit=1,
        files={"drivers.yaml": lambda: _drivers(1_000)},
        message=rf"drivers: must be at most {limits.MAX_DRIVERS} drivers, got 1000",
        timeout=120,
    ),
    Case(
        "a-block-beyond-the-memory-budget",
        ("run", "{tmp}/events.yaml", *FAST),
        files={"events.yaml": lambda: _events(150, 240)},
        message=r"events: one block of 32768 samples needs 1\.\d+ GiB of memory, mostly for "
        r"150 events over 240 months; must be at most 512 MiB",
    ),
    Case(
        "a-billion-samples-in-the-file",
        ("validate", BASELINE, "--set", "simulation.samples=1000000000"),
        exit=1,
        message=r"simulation\.samples: must be at most 100000000",
    ),
    Case(
        "a-billion-samples-asked-for",
        ("run", BASELINE, "--samples", "1000000000", *FAST),
        message=r"--samples: must be at most 100,000,000, got 1,000,000,000",
    ),
    Case(
        "a-tornado-of-five-samples",
        ("sensitivity", BASELINE, "--samples", "5", *FAST),
        message=r"--samples: a tornado compares the top and bottom tenths .* at least 100, got 5",
    ),
    Case(
        "a-tornado-of-a-target-that-never-moves",
        (
            "sensitivity",
            BASELINE,
            "--samples",
            "500",
            "--set",
            "hazards.full_entry.base=0",
            "--set",
            "momentum.dist=1",
            *FAST,
        ),
        exit=0,
        message=r'"rank_correlation": 0\.0',
    ),
    Case(
        "a-flag-value-with-a-terminal-escape",
        ("run", BASELINE, "--months", "3,\x1b[2J", *FAST),
        message=r"got '3,\\x1b\[2J'",
        absent=("Traceback", "\x1b["),
    ),
]
