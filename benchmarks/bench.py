"""Benchmark of the engine on a scenario (the baseline by default): samples per second at each
size, peak memory, the ratio to a hand-written numpy reference (benchmarks/reference.py), and
the command line's start-up. Every measurement runs in a fresh process, so peak memory is that
run's own.

    .venv/bin/python benchmarks/bench.py                      # 1e5, 1e6 and 1e7 samples
    .venv/bin/python benchmarks/bench.py --sizes 100000 --repeat 1 --skip-cli
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {bench!r})
from belwar.loader import load_scenario
from belwar.model import compile_model
scenario = load_scenario({scenario!r})
mode, samples, seed = {mode!r}, {samples}, {seed}
started = time.perf_counter()
if mode == "engine":
    from belwar.simulation import simulate
    result = simulate(scenario, samples=samples, seed=seed)
    means = [[result.probability(r, m) for m in result.months] for r in result.rungs]
    mcse = [[result.cell(r, m).mcse for m in result.months] for r in result.rungs]
else:
    import reference
    model = compile_model(scenario)
    fast = mode == "reference-fast"
    means = reference.exceedance(model, samples, seed, fast_inverse=fast).tolist()
    mcse = None
seconds = time.perf_counter() - started
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "peak_mb": peak_mb, "means": means, "mcse": mcse}}))
"""


def child(mode: str, scenario: str, samples: int, seed: int) -> dict[str, object]:
    code = CHILD.format(
        bench=str(ROOT / "benchmarks"), scenario=scenario, mode=mode, samples=samples, seed=seed
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    result: dict[str, object] = json.loads(out.stdout)
    return result


def best(mode: str, scenario: str, samples: int, seed: int, repeat: int) -> dict[str, object]:
    runs = [child(mode, scenario, samples, seed) for _ in range(repeat)]
    return min(runs, key=lambda r: float(r["seconds"]))  # type: ignore[arg-type]


def wall(argv: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="scenarios/baseline.yaml")
    parser.add_argument("--sizes", default="100000,1000000,10000000")
    parser.add_argument("--repeat", type=int, default=3, help="best of N (1 for 1e7 and above)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-cli", action="store_true", help="skip the command-line timings")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args()

    sizes = [int(float(s)) for s in args.sizes.split(",")]
    import numpy

    rows = []
    for samples in sizes:
        repeat = 1 if samples >= 10_000_000 else args.repeat
        engine = best("engine", args.scenario, samples, args.seed, repeat)
        ref = best("reference", args.scenario, samples, args.seed, repeat)
        fast = best("reference-fast", args.scenario, samples, args.seed, repeat)
        e_s, r_s = float(engine["seconds"]), float(ref["seconds"])  # type: ignore[arg-type]
        f_s = float(fast["seconds"])  # type: ignore[arg-type]
        worst = 0.0
        for e_row, r_row, m_row in zip(engine["means"], ref["means"], engine["mcse"], strict=True):  # type: ignore[call-overload]
            for e, r, m in zip(e_row, r_row, m_row, strict=True):
                if m > 0:
                    worst = max(worst, abs(e - r) / (math.sqrt(2) * m))
        rows.append(
            {
                "samples": samples,
                "engine_per_s": samples / e_s,
                "reference_per_s": samples / r_s,
                "ratio": r_s / e_s,
                "fast_reference_per_s": samples / f_s,
                "fast_ratio": f_s / e_s,
                "engine_peak_mb": engine["peak_mb"],
                "reference_peak_mb": ref["peak_mb"],
                "agreement_z": worst,
            }
        )
    report: dict[str, object] = {
        "scenario": args.scenario,
        "cpu": os.cpu_count(),
        "python": sys.version.split()[0],
        "numpy": numpy.__version__,
        "sizes": rows,
    }
    if not args.skip_cli:
        belwar = shutil.which("belwar", path=str(Path(sys.executable).parent)) or "belwar"
        report["help_s"] = wall([belwar, "--help"], 5)
        report["run_default_s"] = wall([belwar, "run", args.scenario], 3)

    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"belwar benchmark: {args.scenario} (python {report['python']}, numpy {report['numpy']})")
    head = (
        "samples",
        "engine/s",
        "ref/s",
        "ratio",
        "ref*/s",
        "ratio*",
        "peak MB",
        "ref MB",
        "agree z",
    )
    widths = (11, 11, 11, 6, 11, 6, 8, 7, 8)
    print(" ".join(f"{h:>{w}}" for h, w in zip(head, widths, strict=True)))
    for r in rows:
        cells = (
            f"{r['samples']:,}",
            f"{r['engine_per_s']:,.0f}",
            f"{r['reference_per_s']:,.0f}",
            f"{r['ratio']:.2f}",
            f"{r['fast_reference_per_s']:,.0f}",
            f"{r['fast_ratio']:.2f}",
            f"{r['engine_peak_mb']:.0f}",
            f"{r['reference_peak_mb']:.0f}",
            f"{r['agreement_z']:.2f}",
        )
        print(" ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)))
    print("ratio = engine throughput / reference throughput (above 1: the engine is faster);")
    print("ref* = the reference with the engine's tabulated inverse CDF for correlated drivers;")
    print("agree z = largest |engine - reference| in combined standard errors (same p)")
    if not args.skip_cli:
        print(f"belwar --help: {report['help_s']:.2f} s")
        print(f"belwar run {args.scenario}: {report['run_default_s']:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
