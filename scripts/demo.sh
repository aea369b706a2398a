#!/usr/bin/env bash
# The main job on the bundled sample data: set up, write the samples to data/raw/, ingest them
# (one scanned PDF goes through Tesseract), search, and export a decision table.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export MINUTESINDEX_HOME="${MINUTESINDEX_HOME:-$PWD/data}"
mi=.venv/bin/minutesindex

echo "== writing sample documents to data/raw/"
.venv/bin/python scripts/make_sample_data.py
echo "== minutesindex ingest data/raw"
$mi ingest data/raw
echo "== minutesindex search \"særlige pladser\""
$mi search "særlige pladser"
echo "== minutesindex search ombygning --json   (found in the scanned PDF)"
$mi search ombygning --json
echo "== minutesindex export decisions --out data/processed/decisions.csv"
$mi export decisions --out data/processed/decisions.csv
head -n 4 data/processed/decisions.csv
echo "== minutesindex stats"
$mi stats
