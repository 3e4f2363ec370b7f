"""A throwaway PostgreSQL server for the tests: ``initdb`` in a temp dir, ``pg_ctl start`` on a
free port (unix socket in the same dir), a new database per test, all removed at the end.

The server runs as an unprivileged user: the current one, or ``postgres`` (else ``nobody``) when
the tests run as root, which PostgreSQL refuses to run as. TCP connections need the password
(to test wrong credentials); :func:`find_binaries` looks on PATH, then in Debian's
``/usr/lib/postgresql/<version>/bin``. :func:`start` raises :class:`Unavailable` with the reason
when no server can be started (the tests that need one are then skipped, saying why).
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg

PASSWORD = "s3cret-test-password"
USER = "postgres"

_databases = itertools.count(1)


class Unavailable(Exception):
    """No PostgreSQL server can be started here; the message says why."""


def find_binaries() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl``."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(os.path.realpath(on_path)).parent
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    bin: Path
    root: Path
    port: int
    run_as: list[str]

    def url(self, dbname: str, *, password: str = PASSWORD, scheme: str = "postgresql") -> str:
        return f"{scheme}://{USER}:{password}@127.0.0.1:{self.port}/{dbname}"

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(self.url("postgres"), autocommit=True)

    def new_database(self) -> str:
        """A new empty database; its URL."""
        name = f"t{os.getpid()}_{next(_databases)}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)

    def pg_ctl(self, *args: str) -> None:
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c full_page_writes=off -c max_connections=60")
        _run([*self.run_as, str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "-o",
              options, "-l", str(self.root / "log"), "-w", "-t", "30", *args])

    def stop(self) -> None:
        with contextlib.suppress(Unavailable):
            self.pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def start() -> Server:
    """A running server (see the module's docstring), or :class:`Unavailable`."""
    binaries = find_binaries()
    if binaries is None:
        raise Unavailable("PostgreSQL server binaries (initdb, pg_ctl) are not installed: "
                          "apt-get install postgresql")
    root = Path(tempfile.mkdtemp(prefix="movie-bot-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        user = next((u for u in ("postgres", "nobody") if _exists(u)), None)
        if user is None or shutil.which("runuser") is None:
            raise Unavailable("running as root with no unprivileged user (postgres) to run "
                              "the server as")
        os.chown(root, pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid)
        run_as = ["runuser", "-u", user, "--"]
    (pwfile := root / "pw").write_text(PASSWORD)
    if run_as:
        os.chown(pwfile, pwd.getpwnam(run_as[2]).pw_uid, -1)
    port = free_port()
    server = Server(binaries, root, port, run_as)
    try:
        _run([*run_as, str(binaries / "initdb"), "-D", str(root / "data"), "-U", USER,
              f"--pwfile={pwfile}", "--auth-local=trust", "--auth-host=scram-sha-256",
              "-E", "UTF8", "--no-sync"])
        server.pg_ctl("start")
    except Unavailable:
        server.stop()
        raise
    return server


def _exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True


def _run(command: list[str]) -> None:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Unavailable(f"{Path(command[-1]).name}: {exc}") from None
    if result.returncode != 0:
        tail = " ".join((result.stderr or result.stdout).split())[-300:]
        raise Unavailable(f"{' '.join(command[-3:])} failed: {tail}")
