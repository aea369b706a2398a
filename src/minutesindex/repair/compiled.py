"""The repair stage's Python modules compiled by Cython, used only where built from the source as it is.

Letter repair decides every token of a mangled page with a few dozen dict lookups and small function
calls per reading: interpreted, it repairs fewer than the 100,000 words/s its issue asks of
`scripts/bench_repair.py` (84,000–93,000 on the machine that measured it). Compiled by Cython (the
same source, plain-Python semantics: no annotation is read as a C type) the same code runs a quarter
to a third faster (106,000–125,000 there). `scripts/build_compiled.py` (run by `scripts/setup.sh`)
compiles each module of MODULES in place, beside its source, and records each source's SHA-256 in
BUILT_FILE; the finder installed by the package's `__init__` loads a compiled module only while its
source still has that hash, so an edited module runs as written until setup compiles it again.
MINUTESINDEX_PURE_PYTHON=1 runs the source everywhere (the tests compare the two).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from pathlib import Path

PACKAGE = __name__.rpartition(".")[0]
PACKAGE_DIR = Path(__file__).resolve().parent
# The modules where a page's tokens are decided, in the order they import each other.
MODULES = ("channel", "charmodel", "lexicon", "decision", "language", "danish", "text")
BUILT_FILE = PACKAGE_DIR / "compiled.json"  # per module, the SHA-256 of the source it was compiled from
PURE_PYTHON_ENV = "MINUTESINDEX_PURE_PYTHON"


def source_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def compiled_path(directory: Path, name: str) -> Path:
    """Where the compiled module sits beside its source (the interpreter's own extension suffix)."""
    return directory / f"{name}{importlib.machinery.EXTENSION_SUFFIXES[0]}"


def current_builds(directory: Path, modules: tuple[str, ...], built_file: Path) -> dict[str, Path]:
    """Each module whose compiled file was built from its source as it is now, with that file."""
    try:
        built = json.loads(built_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found = {}
    for name in modules:
        source, binary = directory / f"{name}.py", compiled_path(directory, name)
        if binary.exists() and source.exists() and built.get(name) == source_hash(source):
            found[name] = binary
    return found


def up_to_date() -> bool:
    """Whether every listed module is compiled from its source as it is now (setup.sh asks)."""
    return len(current_builds(PACKAGE_DIR, MODULES, BUILT_FILE)) == len(MODULES)


class CompiledFinder(MetaPathFinder):
    """Finds the package's listed modules: the compiled file where it is current, else the source
    (never a stale compiled file, which the interpreter's own finder would prefer)."""

    def __init__(self, package: str, directory: Path, modules: tuple[str, ...], built_file: Path) -> None:
        self.package, self.directory, self.modules = package, directory, modules
        pure = os.environ.get(PURE_PYTHON_ENV, "") not in ("", "0")
        self.compiled = {} if pure else current_builds(directory, modules, built_file)

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        if package != self.package or name not in self.modules:
            return None
        return importlib.util.spec_from_file_location(fullname, self.compiled.get(name, self.directory / f"{name}.py"))


def install() -> None:
    """Put the finder of this package's modules first, once per process."""
    if not any(isinstance(finder, CompiledFinder) and finder.package == PACKAGE for finder in sys.meta_path):
        sys.meta_path.insert(0, CompiledFinder(PACKAGE, PACKAGE_DIR, MODULES, BUILT_FILE))


def is_compiled(module_name: str) -> bool:
    """Whether an imported module runs compiled (bench and test reports say which ran)."""
    return Path(sys.modules[module_name].__file__ or "").suffix != ".py"
