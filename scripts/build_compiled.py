"""Compile the repair stage's modules with Cython, in place beside their sources (see
src/minutesindex/repair/compiled.py), and record the hash of each source compiled.

Run by scripts/setup.sh whenever a listed source differs from what was compiled; needs Cython, a C
compiler and the Python headers (setup.sh installs them).

    .venv/bin/python scripts/build_compiled.py
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from Cython.Build import cythonize
from setuptools import Distribution, Extension

from minutesindex.repair.compiled import BUILT_FILE, MODULES, PACKAGE, PACKAGE_DIR, compiled_path, source_hash

# Plain-Python semantics: an annotation (`x: float`) stays a hint, never a C type that would coerce.
DIRECTIVES = {"language_level": 3, "annotation_typing": False}


def main() -> None:
    hashes = {name: source_hash(PACKAGE_DIR / f"{name}.py") for name in MODULES}
    BUILT_FILE.unlink(missing_ok=True)  # nothing counts as built until every module is
    with tempfile.TemporaryDirectory(prefix="minutesindex-cython-") as work:
        extensions = [
            Extension(f"{PACKAGE}.{name}", [str(PACKAGE_DIR / f"{name}.py")], extra_compile_args=["-O2"])
            for name in MODULES
        ]
        built = cythonize(extensions, compiler_directives=DIRECTIVES, build_dir=work, quiet=True)
        distribution = Distribution({"ext_modules": built})
        command = distribution.get_command_obj("build_ext")
        command.build_temp = str(Path(work) / "objects")
        command.build_lib = str(Path(work) / "lib")
        command.parallel = os.cpu_count() or 1
        distribution.run_command("build_ext")
        for name in MODULES:
            library = Path(work) / "lib" / Path(*PACKAGE.split(".")) / compiled_path(Path(), name).name
            library.replace(compiled_path(PACKAGE_DIR, name))
    BUILT_FILE.write_text(json.dumps(hashes, indent=1) + "\n", encoding="utf-8")
    print(f"compiled {len(MODULES)} modules of {PACKAGE} with Cython")


if __name__ == "__main__":
    main()
