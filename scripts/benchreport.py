"""What the benchmark scripts share: the one way they print their figures (a table, then with --json
one JSON line), and the peak memory of a command's whole process tree."""

from __future__ import annotations

import contextlib
import json
import threading
from pathlib import Path


def print_matrix(rows: dict[str, dict[str, object]], columns: list[str], as_json: bool) -> None:
    """One row per metric, one column per backend (a blank where a backend has no figure)."""
    width = max(len("metric"), *map(len, rows)) + 2
    widths = [max(len(column), 8) + 2 for column in columns]
    print(f"{'metric':<{width}}" + "".join(f"{column:>{w}}" for column, w in zip(columns, widths, strict=True)))
    for metric, values in rows.items():
        cells = [str(values.get(column, "")) for column in columns]
        print(f"{metric:<{width}}" + "".join(f"{cell:>{w}}" for cell, w in zip(cells, widths, strict=True)))
    if as_json:
        print(json.dumps(rows))


def print_report(result: dict, as_json: bool) -> None:
    width = max(len("metric"), *map(len, result)) + 2
    print(f"{'metric':<{width}}value")
    for key, value in result.items():
        print(f"{key:<{width}}{value}")
    if as_json:
        print(json.dumps(result))


# Reading every process's smaps_rollup costs CPU the OCR it measures needs: every 0.05 s took the
# OCR ratio from 0.95 to 0.87 on 2 cores. A worker's memory holds steady while it reads a page.
SAMPLE_S = 0.5


class TreeSampler(threading.Thread):
    """The peak of the summed proportional resident memory (PSS) of a process's descendants (not the
    process itself: the small measuring parent of run_ingest), sampled from /proc."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak_kib = 0
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(SAMPLE_S):
            self.peak_kib = max(self.peak_kib, tree_rss_kib(self.root))

    def stop(self) -> None:
        self._stopped.set()
        self.join()


def tree_rss_kib(root: int) -> int:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    total, stack = 0, list(children.get(root, []))
    while stack:
        pid = stack.pop()
        with contextlib.suppress(OSError, IndexError, ValueError, StopIteration):
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
            total += int(next(line for line in rollup if line.startswith("Pss:")).split()[1])
        stack += children.get(pid, [])
    return total
