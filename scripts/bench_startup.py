"""Start-up benchmark: a read command end to end in a new process (imports, lexicon, the query), on
a home holding the project's samples, against `python -c pass` measured in the same run.

    .venv/bin/python scripts/bench_startup.py [--runs 7] [--json]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchreport import print_report

from minutesindex.config import load_settings
from minutesindex.pipeline import ingest_paths
from minutesindex.samples import write_samples

COMMANDS = {
    "search": ["search", "takstmodel"],
    "search_filtered": ["search", "udvalget", "--committee", "teknik", "--since", "2024"],
    "show": ["show", "2"],
    "stats": ["stats"],
}


def wall(command: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(Path(tmp) / "home")
        ingest_paths(write_samples(Path(tmp) / "raw"), settings, workers=2)
        env = {**os.environ, "MINUTESINDEX_HOME": str(settings.home)}
        env.pop("MINUTESINDEX_DB_URL", None)
        bare = wall([sys.executable, "-c", "pass"], env, args.runs)
        result: dict[str, float] = {"python_bare_s": round(bare, 3)}
        for name, command in COMMANDS.items():
            seconds = wall([sys.executable, "-m", "minutesindex", *command], env, args.runs)
            result[f"{name}_s"] = round(seconds, 3)
            result[f"{name}_over_bare"] = round(seconds / bare, 1)
    print_report(result, args.json)


if __name__ == "__main__":
    main()
