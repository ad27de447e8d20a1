"""Flags, workers and the error boundary (issue 11, items 18 to 23): options checked before
any work and named by their flag, input errors met in a worker reported as serially, Dask
addresses refused before connecting, output folders checked first."""

from __future__ import annotations

from tests.hostile import Case

BASE = "{scenarios}/baseline.yaml"
VARY = ("--vary", "kremlin_pressure=0.2:0.9:3")
SWEEP = ("sweep", BASE, *VARY, "-q")
FAST = ("-n", "2000", "-j", "2", "-q")


def _file_in_the_way(tmp: str) -> None:
    with open(f"{tmp}/taken", "w", encoding="utf-8") as handle:
        handle.write("a file, not a folder\n")


CASES: list[Case] = [
    # item 18: each of these ended in BrokenProcessPool and "internal error"
    Case(
        "sweep-negative-samples",
        (*SWEEP, "--samples", "-4", "-j", "2"),
        message=r"^--samples: must be at least 1, got -4\n$",
        subprocess=True,
    ),
    Case(
        "sweep-negative-seed",
        (*SWEEP, "--seed", "-1", "-j", "2"),
        message=r"--seed: must be between 0 and 2\*\*63 - 1, got -1",
        subprocess=True,
    ),
    Case(
        "run-many-negative-samples",
        ("run-many", "{scenarios}", "-o", "{tmp}/out", "--samples", "-5", "-j", "2"),
        message=r"--samples: must be at least 1, got -5",
        subprocess=True,
    ),
    Case(
        "sweep-ends-on-the-bound-typed",  # 0.3:0.9:7 ended at 0.8999999999999999 or above 0.9
        (
            "sweep",
            BASE,
            "--vary",
            "drivers.kremlin_pressure.dist.mode=0.3:0.9:7",
            *FAST,
            "-f",
            "csv",
        ),
        exit=0,
        message=r"\npoint,0\.9,",  # the last point row (a kind column leads each row)
        subprocess=True,
    ),
    Case(
        "sweep-beyond-a-bound-on-workers",
        ("sweep", BASE, "--vary", "drivers.kremlin_pressure.dist.mode=0.3:1.9:7", *FAST),
        message=r"mode \(1\.9\) must lie between min and max",
        subprocess=True,
    ),
    # item 20: caps and values that were silently replaced by defaults
    Case(
        "samples-a-trillion",
        ("run", BASE, "--samples", "1000000000000", "-q"),
        message=r"--samples: must be at most 100,000,000, got 1,000,000,000,000",
    ),
    Case(
        "sobol-samples-negative",
        ("sensitivity", BASE, "--method", "sobol", "--sobol-samples", "-4", "-q"),
        message=r"--sobol-samples: must be a power of 2 \(such as 1024 or 4096\), got -4",
    ),
    Case(
        "sobol-samples-not-a-power-of-two",
        ("sensitivity", BASE, "--method", "sobol", "--sobol-samples", "1000", "-q"),
        message=r"--sobol-samples: must be a power of 2",
    ),
    Case(
        "vary-count-of-5000-digits",
        ("sweep", BASE, "--vary", "kremlin_pressure=0.2:0.9:" + "9" * 5000, "-q"),
        message=r"--vary: N must be at most 1,000 points",
    ),
    Case(
        "vary-start-not-finite",
        ("sweep", BASE, "--vary", "kremlin_pressure=-inf:0.9:3", "-q"),
        message=r"--vary: START and STOP must be finite numbers",
    ),
    Case(
        "sweep-zero-samples", (*SWEEP, "--samples", "0"), message=r"--samples: must be at least 1"
    ),
    Case(
        "sweep-month-zero",
        (*SWEEP, "--month", "0"),
        message=r"--month: must lie between 1 and the horizon \(12\), got 0",
    ),
    Case(
        "sensitivity-month-beyond-horizon",
        ("sensitivity", BASE, "--month", "13", "-q"),
        message=r"--month: must lie between 1 and the horizon \(12\), got 13",
    ),
    Case(
        "threshold-not-a-probability",
        (*SWEEP, "--threshold", "nan"),
        message=r"--threshold: must lie strictly between 0 and 1, got nan",
    ),
    Case(
        "workers-zero",
        ("run", BASE, "-n", "1000", "--workers", "0", "-q"),
        message=r"--workers: must be between 1 and 1024, got 0",
    ),
    Case(
        "workers-too-many",
        ("run", BASE, "-n", "1000", "--workers", "100000", "-q"),
        message=r"--workers: must be between 1 and 1024, got 100000",
    ),
    Case(
        "seed-too-large",
        ("run", BASE, "-n", "1000", "--seed", str(2**63), "-q"),
        message=r"--seed: must be between 0 and 2\*\*63 - 1",
    ),
    Case(
        "months-empty",
        ("run", BASE, "-n", "1000", "--months", ",", "-q"),
        message=r"--months: must lie between 1 and the horizon \(12\), got none",
    ),
    Case(
        "diff-tolerance-nan",
        ("diff", BASE, "{scenarios}/kremlin-squeeze.yaml", "--tolerance", "nan", "-q"),
        message=r"--tolerance: must lie at least 0 and below 1, got nan",
    ),
    # beyond the list: inputs that were silently misread
    Case(
        "vary-the-same-input-twice",
        (*SWEEP, "--vary", "kremlin_pressure=0.1:0.5:2"),
        message=r"--vary: 'kremlin_pressure' is varied twice: a grid needs two inputs",
    ),
    Case(
        "target-empty",
        ("sensitivity", BASE, "--target", "", "-q"),
        message=r"--target: unknown target rung ''",
    ),
    # item 19: Dask addresses are checked before connecting
    Case(
        "dask-not-a-url",
        ("run", BASE, "-n", "1000", "--dask", "not a url", "-q"),
        message=r"--dask: expected 'local' or a scheduler address such as tcp://host:8786",
        subprocess=True,
    ),
    Case(
        "dask-empty",
        ("run", BASE, "-n", "1000", "--dask", "", "-q"),
        message=r"--dask: expected 'local' or a scheduler address",
        subprocess=True,
    ),
    # item 12: run-many's folder, checked before any work
    Case(
        "run-many-folder-under-a-file",
        ("run-many", "{scenarios}", "-n", "1000", "-o", "{tmp}/taken/results"),
        message=r"--output-dir: cannot make the folder .*: a file stands where a folder",
        setup=_file_in_the_way,
    ),
    # item 23: a problem placed in the scenario keeps its own key, not a flag's
    Case(
        "set-samples-stays-a-set",
        ("run", BASE, "--set", "simulation.samples=0", "-q"),
        message=r"--set.*simulation\.samples",
        absent=("Traceback", "internal error", "--samples"),
    ),
]
