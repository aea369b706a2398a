"""The repair stage compiled by Cython (repair/compiled.py): used where it was built from the source as
it is, the source where not, and the same repairs either way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from minutesindex.repair.compiled import (
    MODULES,
    PACKAGE,
    PURE_PYTHON_ENV,
    CompiledFinder,
    compiled_path,
    is_compiled,
    source_hash,
)

# Repairs a mangled page and prints its text and every explanation (the features and scores of each
# candidate of each weighed token) as JSON, in whichever build the environment selects.
REPAIR_AND_EXPLAIN = """
import json, random, sys
from minutesindex.repair.danish import LetterRepairer, mangled_spellings
from minutesindex.repair.lexicon import load_lexicon
from minutesindex.repair.text import repair_pages
from minutesindex.repair.compiled import is_compiled

lexicon = load_lexicon()
words = sorted(w for w in lexicon.zipf if any(c in w for c in "æøå") and 4 <= len(w) <= 14)
sample = random.Random(int(sys.argv[1])).sample(words, 400)
# Danish function words between them, as in any Danish text (the page check asks for some).
mangled = [sorted(mangled_spellings(w))[0] for w in sample]
lines = [" og ".join(mangled[k : k + 8]) + " er det pa" for k in range(0, len(mangled), 8)]
pages = ["\\n".join(lines[:25]), "\\n".join(lines[25:])]
explained = []
repaired = repair_pages(pages, LetterRepairer(lexicon), explained)
print(json.dumps({
    "compiled": is_compiled("minutesindex.repair.danish"),
    "text": [page.text for page in repaired],
    "explained": [e.describe() for e in explained],
}))
"""


def _repair_in_subprocess(pure: bool, seed: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k != PURE_PYTHON_ENV} | ({PURE_PYTHON_ENV: "1"} if pure else {})
    done = subprocess.run(
        [sys.executable, "-c", REPAIR_AND_EXPLAIN, str(seed)], capture_output=True, text=True, check=True, env=env
    )
    return json.loads(done.stdout)


def test_setup_compiles_every_module_of_the_repair_stage():
    import minutesindex.repair.danish  # noqa: F401 - imports the others

    assert all(is_compiled(f"{PACKAGE}.{name}") for name in MODULES if f"{PACKAGE}.{name}" in sys.modules)
    assert is_compiled(f"{PACKAGE}.danish")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_compiled_and_the_source_repair_a_mangled_text_alike(seed):
    compiled, pure = _repair_in_subprocess(False, seed), _repair_in_subprocess(True, seed)
    assert compiled["compiled"] and not pure["compiled"]
    assert len(compiled["explained"]) > 50  # the page was mangled enough to weigh many tokens
    assert compiled["text"] == pure["text"], seed
    assert compiled["explained"] == pure["explained"], seed


def _package(tmp_path: Path, source: str, built_from: str) -> tuple[CompiledFinder, Path]:
    """A package with one module, a file standing for its compiled build, and the hash it was built from."""
    directory = tmp_path / "pkg"
    directory.mkdir()
    (directory / "m.py").write_text(source, encoding="utf-8")
    compiled_path(directory, "m").write_bytes(b"a compiled module")
    (directory / "built.json").write_text(json.dumps({"m": built_from}), encoding="utf-8")
    return CompiledFinder("pkg", directory, ("m",), directory / "built.json"), directory


def test_a_compiled_module_is_loaded_while_its_source_is_what_it_was_built_from(tmp_path, monkeypatch):
    monkeypatch.delenv(PURE_PYTHON_ENV, raising=False)
    source = "VALUE = 1\n"
    (tmp_path / "hash").write_text(source, encoding="utf-8")
    finder, directory = _package(tmp_path, source, source_hash(tmp_path / "hash"))
    assert finder.find_spec("pkg.m").origin == str(compiled_path(directory, "m"))
    assert finder.find_spec("pkg.other") is None and finder.find_spec("elsewhere.m") is None


def test_an_edited_source_runs_as_written_until_it_is_compiled_again(tmp_path, monkeypatch):
    monkeypatch.delenv(PURE_PYTHON_ENV, raising=False)
    finder, directory = _package(tmp_path, "VALUE = 2\n", built_from="the hash of an older source")
    assert finder.find_spec("pkg.m").origin == str(directory / "m.py")


def test_the_source_runs_everywhere_when_asked(tmp_path, monkeypatch):
    monkeypatch.setenv(PURE_PYTHON_ENV, "1")
    source = "VALUE = 3\n"
    (tmp_path / "hash").write_text(source, encoding="utf-8")
    finder, directory = _package(tmp_path, source, source_hash(tmp_path / "hash"))
    assert finder.find_spec("pkg.m").origin == str(directory / "m.py")
