"""Benchmark of the engine on a scenario (the baseline by default): samples per second at each
size on one core, peak memory, the ratio to a hand-written numpy reference
(benchmarks/reference.py) and to the floor that the randomness contract sets (the same file),
the speed-up from one worker to two, the overhead of an
embedded Dask cluster, the command line's start-up, and the scenario conditioned on the shipped
history against the unconditioned run over the same total horizon.

Every measurement runs in a fresh process (this script, called back with ``measure``), so its
peak memory is that run's own: the parent's, since pool and Dask workers are processes of their
own. Each such process keeps freed memory for reuse as the command line's does
(:func:`belwar.run.memory.keep_freed_memory`), the reference's included.

    .venv/bin/python benchmarks/bench.py                      # 1e5, 1e6 and 1e7 samples
    .venv/bin/python benchmarks/bench.py --sizes 100000 --repeat 1 --skip-cli --skip-scale
    .venv/bin/python benchmarks/bench.py --faults ...         # and the page faults per block
    .venv/bin/python benchmarks/bench.py --sizes 100000 --repeat 1 --skip-cli --skip-scale \
        --history-sizes 100000                                # and the run given the history

The moving drivers' row (scenarios/moving-war.yaml against the static scenario) runs at
``--moving-sizes`` (1e5 by default).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, TypedDict

import numpy

ROOT = Path(__file__).resolve().parent.parent

# How each mode runs: the engine on one core, on two workers (threads or processes by size), on
# an embedded Dask cluster (started inside the timing), and the reference with numpy's samplers
# or with the engine's tabulated inverse CDF for correlated drivers.
ENGINE_OPTIONS: dict[str, dict[str, Any]] = {
    "engine": {"workers": 1},
    "engine-2": {"workers": 2},
    "dask": {"dask": "local"},
}
MODES = (*ENGINE_OPTIONS, "reference", "reference-fast", "floor", "conditioned", "long")
HISTORY = "scenarios/history/belarus-2022-2025.yaml"
MOVING = "scenarios/moving-war.yaml"  # the baseline with two drivers that move


class Measured(TypedDict):
    seconds: float
    peak_mb: float
    means: list[list[float]]
    mcse: list[list[float]] | None


def measure(mode: str, scenario_path: str, samples: int, seed: int) -> Measured:
    """Run one mode once, in this process, and time it (the child's side)."""
    from belwar.run.memory import keep_freed_memory  # noqa: PLC0415 - timed in the child
    from belwar.spec.loader import load_scenario  # noqa: PLC0415 - timed in the child

    keep_freed_memory()
    from belwar.spec.compile import compile_model  # noqa: PLC0415 - timed in the child

    scenario = load_scenario(scenario_path)
    if mode in {"conditioned", "long"}:
        return _measure_history(mode, scenario, samples, seed)
    started = time.perf_counter()
    mcse: list[list[float]] | None = None
    if mode in ENGINE_OPTIONS:
        from belwar.run.simulation import simulate  # noqa: PLC0415 - timed in the child

        result = simulate(scenario, samples=samples, seed=seed, **ENGINE_OPTIONS[mode])
        means = [[result.probability(r, m) for m in result.months] for r in result.rungs]
        mcse = [[result.cell(r, m).mcse for m in result.months] for r in result.rungs]
    else:
        sys.path.insert(0, str(ROOT))
        from benchmarks import reference  # noqa: PLC0415 - needs sys.path

        model = compile_model(scenario)
        if mode == "floor":
            reference.floor(model, samples, seed)
            means = []
        else:
            fast = mode == "reference-fast"
            means = reference.exceedance(model, samples, seed, fast_inverse=fast).tolist()
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak_mb, "means": means, "mcse": mcse}


def _measure_history(mode: str, scenario: Any, samples: int, seed: int) -> Measured:
    """One core given the shipped history ("conditioned"), or unconditioned over the same
    total horizon, the observed months added and the report months moved past them
    ("long"): what conditioning costs beyond the longer horizon."""
    from belwar.run.simulation import simulate  # noqa: PLC0415 - timed in the child
    from belwar.spec.history_loader import read_history  # noqa: PLC0415 - timed in the child

    history = read_history(ROOT / HISTORY)
    observed = history.history.months
    started = time.perf_counter()
    if mode == "conditioned":
        result = simulate(scenario, samples=samples, seed=seed, workers=1, history=history)
    else:
        sim = scenario.simulation
        longer = scenario.with_overrides(
            {
                "simulation.horizon_months": sim.horizon_months + observed,
                "simulation.report_months": [observed + m for m in sim.months],
            },
            check_citations=False,
        )
        result = simulate(longer, samples=samples, seed=seed, workers=1)
    seconds = time.perf_counter() - started
    means = [[result.probability(r, m) for m in result.months] for r in result.rungs]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak_mb, "means": means, "mcse": None}


def conditioning(scenario: str, sizes: list[int], seed: int, repeat: int) -> list[dict[str, Any]]:
    """The scenario given the shipped history against the unconditioned run over the same
    total horizon, on one core."""
    rows = []
    for samples in sizes:
        given = best("conditioned", scenario, samples, seed, repeat)
        longer = best("long", scenario, samples, seed, repeat)
        rows.append(
            {
                "samples": samples,
                "conditioned_per_s": samples / given["seconds"],
                "long_per_s": samples / longer["seconds"],
                "ratio": longer["seconds"] / given["seconds"],
                "conditioned_peak_mb": given["peak_mb"],
            }
        )
    return rows


def moving(scenario: str, sizes: list[int], seed: int, repeat: int) -> list[dict[str, Any]]:
    """The scenario with moving drivers (:data:`MOVING`) against ``scenario`` (static), on
    one core: what stepping the paths month by month costs."""
    rows = []
    for samples in sizes:
        paths = best("engine", MOVING, samples, seed, repeat)
        static = best("engine", scenario, samples, seed, repeat)
        rows.append(
            {
                "samples": samples,
                "moving_per_s": samples / paths["seconds"],
                "static_per_s": samples / static["seconds"],
                "ratio": static["seconds"] / paths["seconds"],
                "moving_peak_mb": paths["peak_mb"],
            }
        )
    return rows


def best(mode: str, scenario: str, samples: int, seed: int, repeat: int) -> Measured:
    """The fastest of ``repeat`` runs, each in a fresh process."""
    runs = []
    for _ in range(repeat):
        argv = [sys.executable, __file__, "measure", mode, scenario, str(samples), str(seed)]
        out = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=ROOT)
        measured: Measured = json.loads(out.stdout.splitlines()[-1])
        runs.append(measured)
    return min(runs, key=lambda r: r["seconds"])


def throughput(scenario: str, sizes: list[int], seed: int, repeat: int) -> list[dict[str, Any]]:
    """One core against the reference at each size, and how far their answers differ."""
    rows = []
    for samples in sizes:
        times = 1 if samples >= 10_000_000 else repeat
        engine = best("engine", scenario, samples, seed, times)
        ref = best("reference", scenario, samples, seed, times)
        fast = best("reference-fast", scenario, samples, seed, times)
        floor = best("floor", scenario, samples, seed, times)
        assert engine["mcse"] is not None
        worst = 0.0
        for e_row, r_row, m_row in zip(engine["means"], ref["means"], engine["mcse"], strict=True):
            for e, r, m in zip(e_row, r_row, m_row, strict=True):
                if m > 0:
                    worst = max(worst, abs(e - r) / (math.sqrt(2) * m))
        rows.append(
            {
                "samples": samples,
                "engine_per_s": samples / engine["seconds"],
                "reference_per_s": samples / ref["seconds"],
                "ratio": ref["seconds"] / engine["seconds"],
                "fast_reference_per_s": samples / fast["seconds"],
                "fast_ratio": fast["seconds"] / engine["seconds"],
                "floor_per_s": samples / floor["seconds"],
                "engine_peak_mb": engine["peak_mb"],
                "reference_peak_mb": ref["peak_mb"],
                "agreement_z": worst,
            }
        )
    return rows


def scale_out(scenario: str, sizes: list[int], seed: int, repeat: int) -> list[dict[str, Any]]:
    """One worker against two, and two against an embedded Dask cluster of as many."""
    rows = []
    for samples in sizes:
        runs = {mode: best(mode, scenario, samples, seed, repeat) for mode in ENGINE_OPTIONS}
        same = all(
            runs["engine"][key] == runs[mode][key]
            for mode in ("engine-2", "dask")
            for key in ("means", "mcse")
        )
        one, two, dask = (runs[mode]["seconds"] for mode in ENGINE_OPTIONS)
        rows.append(
            {
                "samples": samples,
                "one_worker_s": one,
                "two_workers_s": two,
                "speedup": one / two,
                "dask_local_s": dask,
                "dask_overhead_s": dask - two,
                "identical": same,
            }
        )
    return rows


def faults(tuned: bool, scenario_path: str) -> int:
    """Minor page faults of three blocks after a first one, in this process (the child's side):
    with glibc's defaults the freed pages are faulted in again; after
    :func:`belwar.run.memory.keep_freed_memory` they are reused."""
    from belwar.core import engine, streams  # noqa: PLC0415 - timed in the child
    from belwar.run.memory import keep_freed_memory  # noqa: PLC0415 - timed in the child
    from belwar.spec.compile import compile_model  # noqa: PLC0415 - timed in the child
    from belwar.spec.loader import load_scenario  # noqa: PLC0415 - timed in the child

    if tuned:
        keep_freed_memory()
    model = compile_model(load_scenario(scenario_path))

    def count() -> int:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        engine.run_blocks(model, streams.blocks(3 * streams.BLOCK_SIZE))
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

    count()
    return count()


def page_faults(scenario: str) -> dict[str, int]:
    """:func:`faults` with glibc's defaults and tuned, each in a fresh process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    out = {}
    for how in ("default", "tuned"):
        argv = [sys.executable, __file__, "faults", how, scenario]
        done = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=ROOT, env=env)
        out[how] = int(done.stdout)
    return out


def wall(argv: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return min(times)


def show(report: dict[str, Any]) -> None:
    print(
        f"belwar benchmark: {report['scenario']} (python {report['python']}, "
        f"numpy {report['numpy']}, {report['cpu']} cores)"
    )
    head = (
        "samples",
        "engine/s",
        "ref/s",
        "ratio",
        "ref*/s",
        "ratio*",
        "floor/s",
        "peak MB",
        "ref MB",
        "agree z",
    )
    widths = (11, 11, 11, 6, 11, 6, 11, 7, 7, 8)
    print(" ".join(f"{h:>{w}}" for h, w in zip(head, widths, strict=True)))
    for r in report["sizes"]:
        cells = (
            f"{r['samples']:,}",
            f"{r['engine_per_s']:,.0f}",
            f"{r['reference_per_s']:,.0f}",
            f"{r['ratio']:.2f}",
            f"{r['fast_reference_per_s']:,.0f}",
            f"{r['fast_ratio']:.2f}",
            f"{r['floor_per_s']:,.0f}",
            f"{r['engine_peak_mb']:.0f}",
            f"{r['reference_peak_mb']:.0f}",
            f"{r['agreement_z']:.2f}",
        )
        print(" ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)))
    print("engine/s = samples a second on one core; ratio = engine / reference throughput")
    print("ref* = the reference with the engine's tabulated inverse CDF for correlated drivers;")
    print("floor = only the draws the randomness contract requires (keyed uniforms, normal")
    print("  quantiles, exps), no model: no numpy implementation of the contract beats it;")
    print("agree z = largest |engine - reference| in combined standard errors (same p)")
    print("every timing includes compiling the model (its beta tables), which weighs most at 1e5")
    if report["scale"]:
        print()
        print(
            "scale-out (2 workers are threads below 1,000,000 samples, else processes; "
            "the Dask cluster starts inside its timing)"
        )
        print(
            f"{'samples':>11} {'1 worker':>9} {'2 workers':>9} {'speed-up':>8} "
            f"{'dask local':>10} {'overhead':>8} {'same bits':>9}"
        )
        for r in report["scale"]:
            print(
                f"{r['samples']:>11,} {r['one_worker_s']:>8.2f}s {r['two_workers_s']:>8.2f}s "
                f"{r['speedup']:>7.2f}x {r['dask_local_s']:>9.2f}s "
                f"{r['dask_overhead_s']:>+7.2f}s {'yes' if r['identical'] else 'NO':>9}"
            )
    if report.get("history"):
        print()
        print(f"given the history {HISTORY} (one core; long = unconditioned, same horizon)")
        print(f"{'samples':>11} {'given/s':>11} {'long/s':>11} {'ratio':>6} {'peak MB':>7}")
        for r in report["history"]:
            print(
                f"{r['samples']:>11,} {r['conditioned_per_s']:>11,.0f} {r['long_per_s']:>11,.0f} "
                f"{r['ratio']:>6.2f} {r['conditioned_peak_mb']:>7.0f}"
            )
    if report.get("moving"):
        print()
        print(f"drivers that move: {MOVING} against the static scenario (one core)")
        print(f"{'samples':>11} {'moving/s':>11} {'static/s':>11} {'ratio':>6} {'peak MB':>7}")
        for r in report["moving"]:
            print(
                f"{r['samples']:>11,} {r['moving_per_s']:>11,.0f} {r['static_per_s']:>11,.0f} "
                f"{r['ratio']:>6.2f} {r['moving_peak_mb']:>7.0f}"
            )
    if "faults" in report:
        print()
        print(
            f"page faults of 3 blocks after the first: {report['faults']['default']:,} with "
            f"glibc's defaults, {report['faults']['tuned']:,} tuned (belwar.run.memory)"
        )
    if "help_s" in report:
        print()
        print(f"belwar --help: {report['help_s']:.2f} s")
        print(f"belwar run {report['scenario']}: {report['run_default_s']:.2f} s")


def main() -> int:
    if sys.argv[1:2] == ["measure"]:
        mode, scenario, samples, seed = sys.argv[2:6]
        print(json.dumps(measure(mode, scenario, int(samples), int(seed))))
        return 0
    if sys.argv[1:2] == ["faults"]:
        print(faults(sys.argv[2] == "tuned", sys.argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="scenarios/baseline.yaml")
    parser.add_argument("--sizes", default="100000,1000000,10000000")
    parser.add_argument("--repeat", type=int, default=3, help="best of N (1 for 1e7 and above)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--scale-sizes", default="200000,1000000,4000000", help="for 1 vs 2 workers"
    )
    parser.add_argument("--skip-scale", action="store_true", help="skip workers and Dask")
    parser.add_argument("--history-sizes", default="100000", help="for the run given the history")
    parser.add_argument(
        "--skip-history", action="store_true", help="skip the run given the history"
    )
    parser.add_argument("--moving-sizes", default="100000", help="for the moving drivers")
    parser.add_argument("--skip-moving", action="store_true", help="skip the moving drivers")
    parser.add_argument("--skip-cli", action="store_true", help="skip the command-line timings")
    parser.add_argument("--faults", action="store_true", help="also count page faults per block")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args()

    def sizes(text: str) -> list[int]:
        return [int(float(s)) for s in text.split(",")]

    report: dict[str, Any] = {
        "scenario": args.scenario,
        "cpu": os.cpu_count(),
        "python": sys.version.split()[0],
        "numpy": numpy.__version__,
        "sizes": throughput(args.scenario, sizes(args.sizes), args.seed, args.repeat),
        "scale": []
        if args.skip_scale
        else scale_out(args.scenario, sizes(args.scale_sizes), args.seed, args.repeat),
    }
    if not args.skip_history:
        report["history"] = conditioning(
            args.scenario, sizes(args.history_sizes), args.seed, args.repeat
        )
    if not args.skip_moving:
        report["moving"] = moving(args.scenario, sizes(args.moving_sizes), args.seed, args.repeat)
    if args.faults:
        report["faults"] = page_faults(args.scenario)
    if not args.skip_cli:
        belwar = shutil.which("belwar", path=str(Path(sys.executable).parent)) or "belwar"
        report["help_s"] = wall([belwar, "--help"], 5)
        report["run_default_s"] = wall([belwar, "run", args.scenario], 3)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        show(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
