"""A private PostgreSQL server in a temporary folder, listening only on a Unix socket: for the tests
of the PostgreSQL backend and for scripts/bench_search.py."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


class PostgresMissing(RuntimeError):
    pass


@contextlib.contextmanager
def private_server(settings: tuple[str, ...] = ("fsync=off",)) -> Iterator[dict[str, str]]:
    """Start a server (initdb, pg_ctl) with these `-c` settings; yields psycopg's connection keywords."""
    initdbs = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not initdbs:
        raise PostgresMissing("PostgreSQL is not installed (scripts/setup.sh installs it)")
    bindir = initdbs[-1].parent
    root = Path(tempfile.mkdtemp(prefix="minutesindex-pg-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(root, "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    data = root / "data"

    def pg(*args: str) -> None:
        subprocess.run([*as_owner, *args], check=True, capture_output=True, timeout=120)

    pg(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "minutes", "-E", "UTF8", "--locale=C", "--no-sync")
    options = " ".join([f"-k {root} -c listen_addresses= -p 5432", *(f"-c {setting}" for setting in settings)])
    pg(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-o", options, "start")
    try:
        yield {"host": str(root), "port": "5432", "user": "minutes"}
    finally:
        pg(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


def new_database(server: dict[str, str], name: str) -> str:
    """A fresh, empty database on the server, as a SQLAlchemy URL."""
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return f"postgresql+psycopg://{server['user']}@/{name}?host={server['host']}&port={server['port']}"
