"""Fuzz `minutesindex ingest` with mutated PDFs and exports: every mutant must land or be refused with
one line; no traceback, no hang, no lost batch.

Mutants are made from the project's own samples (a digital referat, a scan) and any files given
with --from (real PDFs, exports): bytes flipped, runs deleted or repeated, the file cut short, and
the numbers of the PDF's structure changed (`/Count`, `/Length`, object numbers), which is how the
fuzzed real PDFs that stopped whole batches were made.

    .venv/bin/python scripts/fuzz_ingest.py [--mutants 200] [--from ../shared/bench/real/pdfs] [--json]

Prints: mutants, landed, refused (one `error:` line each), tracebacks (exit 70 or a traceback on
the terminal), hangs (a batch past --timeout), and the reasons given, counted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from minutesindex.samples import write_samples

PDF_SHARE = 0.8
_NUMBER = re.compile(rb"/(Count|Length|Size|Prev|N|First) (\d+)")


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One random damage of the kinds real files show."""
    kind = rng.choice(["flip", "delete", "repeat", "truncate", "numbers", "numbers"])
    out = bytearray(data)
    if kind == "flip":
        for _ in range(rng.randint(1, 20)):
            out[rng.randrange(len(out))] = rng.randrange(256)
    elif kind == "delete":
        start = rng.randrange(len(out))
        del out[start : start + rng.randint(1, 2000)]
    elif kind == "repeat":
        start = rng.randrange(len(out))
        chunk = out[start : start + rng.randint(1, 2000)]
        out[start:start] = chunk * rng.randint(1, 5)
    elif kind == "truncate":
        out = out[: rng.randint(1, len(out))]
    else:
        matches = list(_NUMBER.finditer(data))
        if matches:
            match = rng.choice(matches)
            value = rng.choice([b"0", b"2147483648", b"-1", b"99999999999", str(int(match[2]) + 1).encode()])
            out = bytearray(data[: match.start(2)] + value + data[match.end(2) :])
    return bytes(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mutants", type=int, default=200)
    parser.add_argument("--batch", type=int, default=25, help="mutants per ingest")
    parser.add_argument("--from", dest="sources", type=Path, action="append", default=[])
    parser.add_argument("--timeout", type=int, default=600, help="seconds a batch may take before it counts as hung")
    parser.add_argument("--seed", type=int, default=27)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="minutesindex-fuzz-"))
    originals = [p for p in write_samples(work / "samples") if p.suffix == ".pdf"]
    for source in args.sources:
        originals += sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in (".pdf", ".json"))
    counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    env = {**os.environ, "MINUTESINDEX_HOME": str(work / "home")}
    env.pop("MINUTESINDEX_DB_URL", None)
    made = 0
    while made < args.mutants:
        batch = work / f"batch{made // args.batch:03d}"
        batch.mkdir(parents=True)
        for k in range(min(args.batch, args.mutants - made)):
            pdfs = [p for p in originals if p.suffix.lower() == ".pdf"]
            # Mostly PDFs: the input that stopped batches; exports a fifth of the time.
            original = rng.choice(pdfs if rng.random() < PDF_SHARE or len(pdfs) == len(originals) else originals)
            (batch / f"m{made + k:04d}{original.suffix.lower()}").write_bytes(mutate(original.read_bytes(), rng))
        made += min(args.batch, args.mutants - made)
        try:
            run = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "minutesindex",
                    "ingest",
                    str(batch),
                    "--json",
                    "--workers",
                    "2",
                    "--keep-duplicates",
                ],
                env=env,
                capture_output=True,
                text=True,
                timeout=args.timeout,
            )
        except subprocess.TimeoutExpired:
            counts["hangs"] += 1
            continue
        if run.returncode not in (0, 1) or "Traceback" in run.stderr + run.stdout:
            counts["tracebacks"] += 1
            print(run.stderr[-2000:], file=sys.stderr)
            continue
        summary = json.loads(run.stdout)
        for record in summary["files"]:
            counts[record["status"]] += 1
            if record["status"] == "failed":
                reasons[re.sub(r"\(.*", "(…)", record["reason"])[:70]] += 1
        errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
        counts["error_lines"] += len(errors)
    result = {
        "mutants": args.mutants,
        "landed": counts["ingested"],
        "refused_one_line": counts["failed"],
        "skipped_same_content": counts["skipped"],
        "error_lines": counts["error_lines"],
        "tracebacks": counts["tracebacks"],
        "hangs": counts["hangs"],
        "reasons": dict(reasons.most_common()),
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
