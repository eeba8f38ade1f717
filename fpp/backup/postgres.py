"""`pg_dump` and `pg_restore`, given the register's URL without its password ever reaching a command line.

libpq takes the connection from the environment (PGHOST, PGPORT, PGUSER, PGDATABASE and the URL's query
parameters), and the password from a password file (PGPASSFILE) written 0600 in a private temporary folder
and removed afterwards: nothing secret appears in a process listing, and `--no-password` makes the tools
fail rather than wait for a prompt under cron.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy.engine import URL, make_url

from fpp.backup.archive import BackupError

# The URL's query parameters libpq also reads from the environment (psycopg passes them to libpq).
LIBPQ_PARAMETERS = {
    "host": "PGHOST", "hostaddr": "PGHOSTADDR", "port": "PGPORT", "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY", "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT", "application_name": "PGAPPNAME", "options": "PGOPTIONS",
    "service": "PGSERVICE", "target_session_attrs": "PGTARGETSESSIONATTRS", "gssencmode": "PGGSSENCMODE",
    "channel_binding": "PGCHANNELBINDING", "passfile": "PGPASSFILE",
}
INSTALL_HINT = ("install the PostgreSQL client tools of the server's major version or newer (Debian and "
                "Ubuntu: `apt install postgresql-client`; Red Hat: `dnf install postgresql`; macOS: "
                "`brew install libpq`), or put them on PATH")


def tool(name: str) -> str:
    """The path of `pg_dump` or `pg_restore`, or a message saying what to install."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"`{name}` was not found on PATH: the register's database is PostgreSQL, and its "
                          f"backups are made and restored with `pg_dump` and `pg_restore`; {INSTALL_HINT}.")
    return found


def database_name(url: str) -> str:
    return make_url(url).database or ""


@contextmanager
def libpq_environment(url: str) -> Iterator[dict[str, str]]:
    """The environment for a PostgreSQL client tool connecting where `url` points."""
    parsed = make_url(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(_from_url(parsed))
    with tempfile.TemporaryDirectory(prefix="fpp-pg-") as folder:  # created 0700
        if parsed.password is not None:
            passfile = Path(folder) / "pgpass"
            fd = os.open(passfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(f"*:*:*:*:{_escape(parsed.password)}\n")
            env["PGPASSFILE"] = str(passfile)
        yield env


def _from_url(parsed: URL) -> dict[str, str]:
    env = {}
    for key, value in (("PGHOST", parsed.host), ("PGPORT", parsed.port), ("PGUSER", parsed.username),
                       ("PGDATABASE", parsed.database)):
        if value is not None:
            env[key] = str(value)
    for key, value in parsed.query.items():
        if key not in LIBPQ_PARAMETERS:
            raise BackupError(f"the database URL's parameter {key!r} is not one the PostgreSQL client tools "
                              "understand; back up with pg_dump by hand, or remove it from the URL")
        env[LIBPQ_PARAMETERS[key]] = value if isinstance(value, str) else value[-1]
    return env


def _escape(password: str) -> str:
    return password.replace("\\", "\\\\").replace(":", "\\:")


def run(command: list[str], url: str, what: str) -> None:
    """Run a client tool; on failure, a message with the end of what it said (never the password)."""
    with libpq_environment(url) as env:
        try:
            result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        except OSError as error:
            raise BackupError(f"{what}: {Path(command[0]).name} could not be started ({error})") from None
    if result.returncode != 0:
        said = _scrub(result.stderr, make_url(url).password).strip().splitlines()[-5:]
        raise BackupError(f"{what}: {Path(command[0]).name} failed (exit {result.returncode}): "
                          + (" / ".join(said) or "no message"))


def _scrub(text: str, password: str | None) -> str:
    return text.replace(password, "***") if password else text
