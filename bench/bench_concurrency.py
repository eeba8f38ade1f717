"""Load benchmark: many signed-in users reading the register at once, against the real web server.

What it measures: the throughput (requests per second), the latency (p50/p95/p99) and the errors of the
production web server (`fpp serve`: waitress, 8 threads) when N signed-in sessions (default 30, spread
over the demo's secretary, chair and auditor logins) each fetch, one after another for S seconds, the
board overview page and the board members' pages. A response counts as good only if it is HTTP 200 AND
its body carries the page's own heading (the board overview's h1, or the member's name in the h1): a
redirect to the sign-in page or an error page is an error.

How it works: a fresh temporary data folder; a fresh database (the default SQLite in that folder, or a
dedicated PostgreSQL database `fpp_bench` dropped and recreated on 127.0.0.1:5432, trust auth);
`fpp init-db` and `fpp demo`; `fpp serve` on a free loopback port; sign-ins through the real form (CSRF
token included) with the second factor (enrolled at the first sign-in from the key the page shows);
one thread per session. Loopback only, every request times out after 30 s, a hard
deadline stops the run, and the server and the data are removed at the end.

Run:
    .venv/bin/python bench/bench_concurrency.py --db sqlite --sessions 30 --seconds 60
    .venv/bin/python bench/bench_concurrency.py --db postgres --sessions 30 --seconds 60 --json

Exit status 0 whatever the figures; 2 if the set-up failed (database, server start or sign-in).
"""
from __future__ import annotations

import argparse
import copy
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FPP = ROOT / ".venv" / "bin" / "fpp"
HOST = "127.0.0.1"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
PG_BENCH_DB = "fpp_bench"
PG_BENCH_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
ROLES = ("secretary", "chair", "auditor")  # the demo logins that can read the whole board
REQUEST_TIMEOUT = 30.0
SERVER_START_TIMEOUT = 60.0
BOARD_PATH = "/board"
BOARD_MARKER = "<h1>Board overview"
MEMBER_LINK = re.compile(r'<a href="/members/(\d+)">([^<]+)</a>')
EXCEPTION_LINE = re.compile(r"^(?:[\w.]+\.)?\w*(?:Error|Exception)\b:.*$", re.MULTILINE)


class SetupError(Exception):
    """The benchmark could not be set up: exit status 2."""


# --- HTTP sessions (stdlib only: urllib with a cookie jar, no proxies, no redirects followed) ---------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx comes back to the caller as the response itself


class Session:
    """One browser: its own cookie jar and a fixed user agent (the app binds sessions to it)."""

    def __init__(self, base_url: str, name: str):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.opener.addheaders = [("User-Agent", f"fpp-bench/{name}")]

    def request(self, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        """GET (or POST `form`) one path; returns status, headers and body text. Raises on network errors."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base_url + path, data=data, timeout=REQUEST_TIMEOUT) as response:
                return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, dict(error.headers), error.read().decode("utf-8", "replace")


class _HiddenInputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value") or ""


def hidden_fields(page: str) -> dict[str, str]:
    parser = _HiddenInputs()
    parser.feed(page)
    return parser.fields


TOTP_KEY = re.compile(r'id="totp-key">([A-Z2-7 ]+)<')


def _post_form(session: Session, path: str, fields: dict, what: str) -> tuple[int, dict, str]:
    """GET `path` for its CSRF token, then POST `fields` to it."""
    status, _, page = session.request(path)
    token = hidden_fields(page).get("csrf_token")
    if status != 200 or not token:
        raise SetupError(f"{what}: {path} HTTP {status}, CSRF token {'found' if token else 'missing'}")
    return session.request(path, {"csrf_token": token, **fields})


def sign_in(session: Session, email: str, password: str) -> None:
    """Sign in through the real pages: the password, then the second factor the demo roles need (at the
    first sign-in the enrolment page's key, read as text, gives the code, as an authenticator app would)."""
    import pyotp
    status, headers, _ = _post_form(session, "/login", {"email": email, "password": password}, f"sign-in as {email}")
    location = headers.get("Location", "")
    if location.endswith("/login/enrol"):
        key = TOTP_KEY.search(session.request("/login/enrol")[2])
        if not key:
            raise SetupError(f"sign-in as {email}: no key on the enrolment page")
        code = pyotp.TOTP(key.group(1).replace(" ", "")).now()
        status, headers, page = _post_form(session, "/login/enrol", {"code": code}, f"enrolment of {email}")
        location = "/" if status == 200 and "recovery codes" in page else headers.get("Location", "/login")
    if status not in (200, 302, 303) or "/login" in location:
        raise SetupError(f"sign-in as {email} refused: HTTP {status}, Location {location!r}")


# --- Set-up: data folder, database, register, server ---------------------------------------------

def server_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    """The environment of every `fpp` command: no inherited FPP_* settings, an empty config file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FPP_")}
    config = data_dir / "config.toml"
    config.write_text("# fpp bench: defaults and FPP_* environment only\n")
    env |= {"FPP_CONFIG": str(config), "FPP_DATA_DIR": str(data_dir), "FPP_ENV": "production",
            "FPP_SECRET_KEY": secrets.token_hex(32), "FPP_SESSION_COOKIE_SECURE": "false"}
    if database_url:
        env["FPP_DATABASE_URL"] = database_url
    return env


def recreate_postgres_database(drop_only: bool = False) -> None:
    import psycopg
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=10) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
            if not drop_only:
                connection.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    except psycopg.Error as error:
        raise SetupError(f"PostgreSQL at {PG_ADMIN_URL}: {error}".strip()) from None


def run_fpp(env: dict, cwd: Path, *args: str) -> str:
    """Run one `fpp` command to completion; its output, or SetupError with its message."""
    try:
        done = subprocess.run([str(FPP), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        raise SetupError(f"fpp {' '.join(args)}: did not finish in 300 s") from None
    if done.returncode != 0:
        raise SetupError(f"fpp {' '.join(args)} failed ({done.returncode}): {(done.stderr or done.stdout)[-2000:]}")
    return done.stdout


def demo_logins(output: str) -> list[tuple[str, str, str]]:
    """(role, email, password) of the demo logins, read from what `fpp demo` prints."""
    password = re.search(r"password for all: ([^)\s]+)\)", output)
    logins = re.findall(r"^\s+(\w+)\s+(\S+@\S+)\s*$", output, re.MULTILINE)
    chosen = [(role, email, password.group(1)) for role, email in logins if role in ROLES] if password else []
    if not chosen:
        raise SetupError(f"fpp demo: could not read the demo logins from its output:\n{output}")
    return chosen


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(env: dict, cwd: Path, log_path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen([str(FPP), "serve", "--host", HOST, "--port", str(port)], env=env, cwd=cwd,
                                   stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    base_url = f"http://{HOST}:{port}"
    wait_until_answering(process, base_url, log_path)
    return process, base_url


def wait_until_answering(process: subprocess.Popen, base_url: str, log_path: Path) -> None:
    probe = Session(base_url, "probe")
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SetupError(f"fpp serve exited ({process.returncode}):\n{log_path.read_text()[-3000:]}")
        try:
            if probe.request("/login")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SetupError(f"fpp serve did not answer within {SERVER_START_TIMEOUT:.0f} s")


def stop_server(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def member_pages(session: Session) -> list[tuple[str, str]]:
    """(path, marker) of every member page linked from the board overview."""
    status, _, page = session.request(BOARD_PATH)
    if status != 200 or BOARD_MARKER not in page:
        heading = "found" if BOARD_MARKER in page else "missing"
        raise SetupError(f"board overview after sign-in: HTTP {status}, heading {heading}")
    pages = {pk: f"<h1>{name.strip()}" for pk, name in MEMBER_LINK.findall(page)}  # names as the app escapes them
    if not pages:
        raise SetupError("board overview lists no member pages")
    return [(f"/members/{pk}", marker) for pk, marker in sorted(pages.items(), key=lambda item: int(item[0]))]


def sign_in_all(base_url: str, logins: list, count: int) -> list[tuple[str, Session]]:
    """`count` signed-in sessions, taking the logins in turn; (role, session) pairs. Each account signs in
    once (with its second factor) and its other sessions carry a copy of that session's cookie: a code
    is accepted once per 30-second step, so signing one account in ten times would take five minutes.
    The server does the same work for every request either way."""
    first: dict[str, Session] = {}
    sessions = []
    for index in range(count):
        role, email, password = logins[index % len(logins)]
        session = Session(base_url, role)  # the same user agent: the app binds a session to it
        if email not in first:
            sign_in(session, email, password)
            first[email] = session
        else:
            for cookie in first[email].jar:
                session.jar.set_cookie(copy.copy(cookie))
        sessions.append((role, session))
    return sessions


# --- The load ------------------------------------------------------------------------------------

@dataclass
class Tally:
    """One session's results (written by its thread only)."""
    latencies_ms: list[float] = field(default_factory=list)
    good: int = 0
    errors: Counter = field(default_factory=Counter)


def fetch_once(session: Session, path: str, marker: str, tally: Tally) -> None:
    started = time.perf_counter()
    try:
        status, headers, body = session.request(path)
    except Exception as error:  # noqa: BLE001 - every failure is a figure, never a crash
        tally.latencies_ms.append((time.perf_counter() - started) * 1000)
        tally.errors[f"{type(error).__name__}: {error}"[:160]] += 1
        return
    tally.latencies_ms.append((time.perf_counter() - started) * 1000)
    kind = "board" if path == BOARD_PATH else "member"
    if status == 200 and marker in body:
        tally.good += 1
    elif status in (301, 302, 303, 307, 308):
        tally.errors[f"HTTP {status} {kind} -> {headers.get('Location', '?')[:80]}"] += 1
    else:
        tally.errors[f"HTTP {status} {kind}" + ("" if status != 200 else " (wrong page)")] += 1


def session_loop(session: Session, pages: list, offset: int, start: threading.Event, stop_at: list,
                 tally: Tally) -> None:
    """Alternate the board overview and the next member page until the stop time."""
    start.wait()
    step = 0
    while time.monotonic() < stop_at[0]:
        if step % 2 == 0:
            fetch_once(session, BOARD_PATH, BOARD_MARKER, tally)
        else:
            path, marker = pages[(offset + step // 2) % len(pages)]
            fetch_once(session, path, marker, tally)
        step += 1


def run_load(sessions: list, pages: list, seconds: float) -> tuple[list[Tally], float, int]:
    """Run every session in its own thread; the tallies, the elapsed seconds and how many threads hung."""
    start, stop_at = threading.Event(), [0.0]
    tallies = [Tally() for _ in sessions]
    threads = [threading.Thread(target=session_loop, args=(s, pages, i, start, stop_at, tallies[i]),
                                daemon=True, name=f"session-{i}") for i, (_, s) in enumerate(sessions)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    stop_at[0] = began + seconds
    start.set()
    hard_deadline = stop_at[0] + REQUEST_TIMEOUT + 10
    for thread in threads:
        thread.join(max(0.0, hard_deadline - time.monotonic()))
    hung = sum(thread.is_alive() for thread in threads)
    return tallies, time.monotonic() - began, hung


# --- Figures -------------------------------------------------------------------------------------

def percentile(sorted_values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * pct // 100))
    return sorted_values[int(rank) - 1]


def server_exceptions(log_path: Path, limit: int = 5) -> list[list]:
    """The commonest exception lines in the server's log, with their counts."""
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    lines = Counter(match.group(0)[:200] for match in EXCEPTION_LINE.finditer(text))
    return [[line, count] for line, count in lines.most_common(limit)]


def figures(args, sessions: list, tallies: list[Tally], elapsed: float, hung: int, log_path: Path) -> dict:
    latencies = sorted(ms for tally in tallies for ms in tally.latencies_ms)
    errors = sum((tally.errors for tally in tallies), Counter())
    total = len(latencies)
    return {
        "database": args.db, "sessions": len(sessions), "seconds": args.seconds,
        "logins": dict(Counter(role for role, _ in sessions)), "elapsed_s": round(elapsed, 2),
        "requests": total, "good": sum(t.good for t in tallies),
        "requests_per_s": round(total / elapsed, 1) if elapsed else 0.0,
        "good_per_s": round(sum(t.good for t in tallies) / elapsed, 1) if elapsed else 0.0,
        **{f"p{p}_ms": _round(percentile(latencies, p)) for p in (50, 95, 99)},
        "errors": sum(errors.values()), "error_breakdown": [[k, n] for k, n in errors.most_common(5)],
        "hung_sessions": hung, "server_exceptions": server_exceptions(log_path),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def print_figures(result: dict) -> None:
    print(f"database         {result['database']}")
    print(f"sessions         {result['sessions']}  ({', '.join(f'{r} {n}' for r, n in result['logins'].items())})")
    print(f"seconds          {result['seconds']}  (measured {result['elapsed_s']})")
    print(f"total requests   {result['requests']}  (good {result['good']})")
    print(f"requests/s       {result['requests_per_s']}  (good {result['good_per_s']}/s)")
    print(f"latency ms       p50 {result['p50_ms']}  p95 {result['p95_ms']}  p99 {result['p99_ms']}")
    print(f"errors           {result['errors']}" + (f"  (hung sessions {result['hung_sessions']})"
                                                     if result["hung_sessions"] else ""))
    for kind, count in result["error_breakdown"]:
        print(f"  {count:>7}  {kind}")
    if result["server_exceptions"]:
        print("server log exceptions (commonest first):")
        for line, count in result["server_exceptions"]:
            print(f"  {count:>7}  {line}")


# --- Main ----------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--sessions", type=int, default=30, help="signed-in sessions, one thread each (1-500)")
    parser.add_argument("--seconds", type=float, default=60, help="how long each session keeps fetching (1-3600)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 500 or not 1 <= args.seconds <= 3600:
        parser.error("--sessions must be 1 to 500 and --seconds 1 to 3600")
    if args.seconds.is_integer():
        args.seconds = int(args.seconds)
    return args


def prepare(args, data_dir: Path) -> tuple[dict, list]:
    """A fresh database and demo register; the server environment and the demo logins."""
    database_url = None
    if args.db == "postgres":
        recreate_postgres_database()
        database_url = PG_BENCH_URL
    env = server_env(data_dir, database_url)
    run_fpp(env, data_dir, "init-db")
    return env, demo_logins(run_fpp(env, data_dir, "demo"))


def benchmark(args, data_dir: Path, state: dict) -> dict:
    env, logins = prepare(args, data_dir)
    log_path = data_dir / "server.log"
    state["server"], base_url = start_server(env, data_dir, log_path)
    sessions = sign_in_all(base_url, logins, args.sessions)
    pages = member_pages(sessions[0][1])
    tallies, elapsed, hung = run_load(sessions, pages, args.seconds)
    return figures(args, sessions, tallies, elapsed, hung, log_path)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not FPP.exists():
        print(f"set-up failed: {FPP} not found (create the venv first)", file=sys.stderr)
        return 2
    data_dir = Path(tempfile.mkdtemp(prefix="fpp-bench-concurrency-"))
    state: dict = {"server": None}
    try:
        result = benchmark(args, data_dir, state)
    except SetupError as error:
        print(f"set-up failed: {error}", file=sys.stderr)
        return 2
    finally:
        cleanup(args, data_dir, state)
    if args.json:
        print(json.dumps(result))
    else:
        print_figures(result)
    return 0


def cleanup(args, data_dir: Path, state: dict) -> None:
    stop_server(state["server"])
    if args.db == "postgres":
        try:
            recreate_postgres_database(drop_only=True)
        except SetupError as error:
            print(f"clean-up: {error}", file=sys.stderr)
    shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
