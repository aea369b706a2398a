"""Zip files as input: unpacked into the home, safely, and read like a folder.

A zip is unpacked once (by its content hash) under the home's `unpacked/` folder, so the files its
documents point to stay there to be opened. Nothing is written outside that folder: a member whose
name is absolute or climbs out (`../`), or a link, refuses the whole zip; so does one that would
unpack to more than MAX_UNPACKED_BYTES, more than MAX_MEMBERS files, or a member that expands more
than MAX_RATIO times (a zip bomb) — counted on the bytes actually written, not the sizes the zip
claims.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from minutesindex.errors import InputFileError

MAX_MEMBERS = 10_000
MAX_UNPACKED_BYTES = 2_000_000_000  # a meeting with every attachment is far below 1 GB
# Text and PDFs compress 2-10 times, XML up to 30; a bomb a million times.
MAX_RATIO = 200
_CHUNK = 1 << 20


def unpack_zip(path: Path, into: Path, digest: str) -> Path:
    """The folder the zip is unpacked in (unpacked now, or earlier by an ingest of the same zip)."""
    target = into / digest[:16]
    if target.is_dir():
        return target
    into.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".unpacking-", dir=into))
    try:
        _extract(path, staging)
        try:
            os.rename(staging, target)
        except OSError:
            if not target.is_dir():  # not another ingest that unpacked it meanwhile
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _member_path(name: str) -> PurePosixPath | None:
    """The member's path inside the folder, or None for a name that would leave it."""
    normalised = name.replace("\\", "/")
    member = PurePosixPath(normalised)
    if member.is_absolute() or normalised.startswith("/") or ".." in member.parts or ":" in member.parts[0]:
        return None
    return member


def _extract(path: Path, into: Path) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputFileError(path, f"not a readable zip ({exc})") from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise InputFileError(path, f"zip holds {len(members)} files, more than {MAX_MEMBERS}")
        written = 0
        for info in members:
            member = _member_path(info.filename)
            if member is None:
                raise InputFileError(path, f"zip member {info.filename!r} points outside the zip's folder; refused")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise InputFileError(path, f"zip member {info.filename!r} is a link; refused")
            destination = into.joinpath(*member.parts)
            if info.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            limit = min(MAX_UNPACKED_BYTES - written, max(info.compress_size, 1) * MAX_RATIO)
            try:
                with archive.open(info) as source, destination.open("wb") as out:
                    size = 0
                    while block := source.read(_CHUNK):
                        size += len(block)
                        if size > limit:
                            reason = f"zip member {info.filename!r} expands too far (a zip bomb?); refused"
                            raise InputFileError(path, reason)
                        out.write(block)
            except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError, ValueError) as exc:
                raise InputFileError(path, f"zip member {info.filename!r} cannot be read ({exc})") from exc
            written += size
