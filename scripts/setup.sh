#!/usr/bin/env bash
# Install everything minutesindex needs on Debian (run as root): Tesseract with the Danish model,
# Debian's Danish word list, PostgreSQL (for the tests of the PostgreSQL backend), a virtualenv with
# the project, and the Danish lexicon under models/.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v tesseract >/dev/null 2>&1 || need_apt+=(tesseract-ocr)
ldconfig -p | grep 'libtesseract\.so\.5 ' >/dev/null || need_apt+=(libtesseract5)  # OCR workers load it in-process
[ -f /usr/share/tesseract-ocr/5/tessdata/dan.traineddata ] || ls /usr/share/tesseract-ocr/*/tessdata/dan.traineddata >/dev/null 2>&1 || need_apt+=(tesseract-ocr-dan)
ls /usr/share/tesseract-ocr/*/tessdata/eng.traineddata >/dev/null 2>&1 || need_apt+=(tesseract-ocr-eng)
# Orientation detection: scans fed in upside down or sideways are read upright.
ls /usr/share/tesseract-ocr/*/tessdata/osd.traineddata >/dev/null 2>&1 || need_apt+=(tesseract-ocr-osd)
[ -f /usr/share/dict/danish ] || need_apt+=(wdanish)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need_apt+=(python3-venv)
# The candidate search of letter repair is a C extension, compiled when the project is installed.
command -v gcc >/dev/null 2>&1 || need_apt+=(gcc)
python3 -c 'import os, sysconfig; assert os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h"))' \
  >/dev/null 2>&1 || need_apt+=(python3-dev)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)  # the tests run a private server
# The web workbench's end-to-end test drives a headless Chromium through its WebDriver.
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  python3 -m venv .venv
fi
stamp=.venv/.minutesindex-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ src/minutesindex/repair/_readings.c -nt "$stamp" ]; then
  echo "setup: installing minutesindex and its dependencies into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test,cluster,bench]'
  touch "$stamp"
fi
# The repair stage's modules run compiled by Cython (src/minutesindex/repair/compiled.py): compiled
# again whenever a source differs from what was compiled.
if ! .venv/bin/python -c 'import sys; from minutesindex.repair.compiled import up_to_date
sys.exit(0 if up_to_date() else 1)'; then
  echo "setup: compiling the repair stage with Cython"
  .venv/bin/python scripts/build_compiled.py
fi
if ! .venv/bin/python -c 'import sys; from minutesindex.repair.lexicon import built_from_current_sources as current
sys.exit(0 if current() else 1)'; then
  echo "setup: building the Danish lexicon and names in models/"
  .venv/bin/python -c 'from minutesindex.repair.lexicon import build_lexicon; print(build_lexicon())'
fi
# What repair counts from the lexicon (its fast-loading copy, the letter-trigram model, the words one
# confusion turns into other words, how the names print misread, other languages' function words),
# counted once here.
.venv/bin/python -c 'from minutesindex.repair.charmodel import load_char_model
from minutesindex.repair.danish import LetterRepairer, confusable_words
from minutesindex.repair.lexicon import load_lexicon
load_char_model()
confusable_words(load_lexicon())
LetterRepairer(load_lexicon()).misread_names
from minutesindex.repair.language import function_words
function_words()'
