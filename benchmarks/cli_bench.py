"""How long `dtmaturity --help` takes, against bare Python start-up, in the same run.

    .venv/bin/python benchmarks/cli_bench.py [--reps 15]

Prints the median wall time of `python -c pass` (bare start-up), of `python -c "import
duckdb, pandas, streamlit"` (what the app needs, for scale) and of `python -m dtmaturity
--help`, run alternately. Target (issue 25): --help within 0.3 s of bare start-up.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COMMANDS = {
    "bare Python": [sys.executable, "-c", "pass"],
    "import duckdb, pandas, streamlit": [sys.executable, "-c", "import duckdb, pandas, streamlit"],
    "dtmaturity --help": [sys.executable, "-m", "dtmaturity", "--help"],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=15)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.reps):
        for name, command in COMMANDS.items():
            start = time.perf_counter()
            subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
            times[name].append(time.perf_counter() - start)
    median = {name: statistics.median(spent) for name, spent in times.items()}
    print(f"median of {args.reps} runs; load average {os.getloadavg()[0]:.1f}")
    for name, seconds in median.items():
        print(f"{name:<36}{seconds:>8.3f} s")
    over = median["dtmaturity --help"] - median["bare Python"]
    print(f"--help over bare start-up: {over:.3f} s (target <= 0.3 s)")
    print("target met" if over <= 0.3 else "TARGET MISSED")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
