"""The one way the benchmark scripts print their figures: a table, then with --json one JSON line."""

from __future__ import annotations

import json


def print_report(result: dict, as_json: bool) -> None:
    width = max(len("metric"), *map(len, result)) + 2
    print(f"{'metric':<{width}}value")
    for key, value in result.items():
        print(f"{key:<{width}}{value}")
    if as_json:
        print(json.dumps(result))
