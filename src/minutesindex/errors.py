"""Every failure minutesindex reports, with the exit code a script can act on."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FILES_FAILED = 1  # some input files could not be ingested
    USAGE = 2  # bad arguments or query syntax
    DATABASE = 3  # the database cannot be opened or written
    INDEX = 4  # the search index cannot be opened or written
    BUSY = 5  # another ingest holds the lock
    NOT_FOUND = 6  # an item id that does not exist
    CLUSTER = 7  # the Dask scheduler cannot be reached or was lost
    STORAGE = 8  # the disk holding the home or the database is full
    INTERNAL = 70  # an unexpected failure (a bug): one line, the traceback written to a file (EX_SOFTWARE)
    INTERRUPTED = 130  # Ctrl-C or SIGTERM, as shells report a command ended by SIGINT


class MinutesIndexError(Exception):
    exit_code = ExitCode.USAGE


class InputFileError(MinutesIndexError):
    """A file that cannot be read; the batch goes on without it."""

    exit_code = ExitCode.FILES_FAILED

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class QuerySyntaxError(MinutesIndexError):
    exit_code = ExitCode.USAGE


class ConfigError(MinutesIndexError):
    """A setting (environment variable) with a value minutesindex cannot use."""

    exit_code = ExitCode.USAGE


class DatabaseError(MinutesIndexError):
    exit_code = ExitCode.DATABASE


class SearchIndexError(MinutesIndexError):
    exit_code = ExitCode.INDEX


class BusyError(MinutesIndexError):
    exit_code = ExitCode.BUSY


class NotFoundError(MinutesIndexError):
    exit_code = ExitCode.NOT_FOUND


class NoHomeError(MinutesIndexError):
    """Reading a home that does not exist: commands that only read never create one."""

    exit_code = ExitCode.DATABASE


MAX_ECHOED = 80  # characters of a user's value an error line repeats


class UnknownCommitteeError(QuerySyntaxError):
    """A committee filter that matches no committee of the archive; the message lists the known ones."""

    def __init__(self, name: str, known: list[str]) -> None:
        listing = "; ".join(known) if known else "none yet"
        shown = name if len(name) <= MAX_ECHOED else f"{name[:MAX_ECHOED]}… ({len(name)} characters)"
        super().__init__(f"no committee matches {shown!r}; known committees: {listing}")
        self.known = known


class StorageError(MinutesIndexError):
    """No space left on the device the home, its index or the database is written to."""

    exit_code = ExitCode.STORAGE


NO_SPACE = "No space left on device"


def storage_error(where: str) -> StorageError:
    return StorageError(
        f"no space left on the device holding {where}; free space, then `minutesindex check --repair` "
        "brings the search index up to the database"
    )


class ClusterError(MinutesIndexError):
    """The Dask scheduler of `--scheduler` cannot be reached, or was lost during the batch."""

    exit_code = ExitCode.CLUSTER
