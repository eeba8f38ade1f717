"""Several web workers share the sign-in counts through Redis: two app instances (this process and a
second one, as two workers would be) on the Redis server at 127.0.0.1:6379, database 14, with keys of
this run only (a random client address and email address), removed afterwards. Skipped with a message
when no Redis answers outside CI; in CI (CI set) it must run."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from fpp.app import create_app
from fpp.auth.throttle import LOCKED_MESSAGE, throttle_key
from fpp.extensions import db
from tests.fixtures.app import CHEAP_ARGON2

from .conftest import text_of

REDIS_URL = "redis://127.0.0.1:6379/14"
ROOT = Path(__file__).resolve().parents[3]
SECOND_WORKER = """
import json, os, sys
from fpp.app import create_app
overrides = json.loads(sys.argv[1])
app = create_app(config_path=os.devnull, overrides=overrides, testing=True)
client = app.test_client()
statuses = [client.post("/login", data={"email": sys.argv[2], "password": "wrong-password-1"},
                        headers={"X-Forwarded-For": sys.argv[3]}).status_code for _ in range(int(sys.argv[4]))]
print(json.dumps(statuses))
"""


@pytest.fixture
def redis_db():
    import redis
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        message = f"Redis is not answering at {REDIS_URL} ({error}); CI runs this test"
        if os.environ.get("CI"):
            pytest.fail(message + ", and this is CI: the test must run.")
        pytest.skip(message)
    yield client
    client.close()


def _overrides(tmp_path, url: str) -> dict:
    return {"data_dir": str(tmp_path / "data"), "database_url": url, "secret_key": "redis-test-secret",
            **CHEAP_ARGON2, "security_rate_limit_storage_url": REDIS_URL, "security_trusted_proxies": 1,
            "security_login_rate_per_address": "8 per minute"}


def _second_worker(overrides: dict, email: str, address: str, attempts: int) -> list[int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FPP_")} | {"PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", SECOND_WORKER, json.dumps(overrides), email, address, str(attempts)],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_two_app_instances_share_the_lockout_and_rate_counts(redis_db, fresh_url, tmp_path, monkeypatch):
    for name in [n for n in os.environ if n.startswith("FPP_") and n != "FPP_TEST_DATABASE_URL"]:
        monkeypatch.delenv(name)
    run = uuid.uuid4().hex[:8]
    email, address = f"nobody-{run}@example.nhs.uk", f"10.{int(run[:2], 16)}.{int(run[2:4], 16)}.{int(run[4:6], 16)}"
    overrides = _overrides(tmp_path, fresh_url)
    assert _second_worker(overrides, email, address, 3) == [200, 200, 200]  # three failures in the other worker
    app = create_app(config_path=os.devnull, overrides=overrides, testing=True)
    db.session.configure(join_transaction_mode="conditional_savepoint")
    try:
        with app.app_context():
            key = throttle_key(email)
            client = app.test_client()
            post = lambda: client.post("/login", data={"email": email, "password": "wrong-password-1"},  # noqa: E731
                                       headers={"X-Forwarded-For": address})
            assert LOCKED_MESSAGE not in text_of(post())  # the fourth failure
            assert LOCKED_MESSAGE in text_of(post())  # the fifth locks, counting the other worker's three
            assert [post().status_code for _ in range(4)] == [200, 200, 200, 429]  # 8 a minute from one address
    finally:
        db.session.remove()
        db.engine.dispose()
        for pattern in (f"*{key}*", f"*{address}*"):
            for found in redis_db.scan_iter(match=pattern):
                redis_db.delete(found)
    assert not list(redis_db.scan_iter(match=f"*{address}*"))
