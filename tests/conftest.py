"""Shared test set-up: fixtures are plugins under tests/fixtures."""
import smtplib

import pytest

pytest_plugins = ["tests.fixtures.app", "tests.fixtures.factories", "tests.fixtures.browser"]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(autouse=True)
def _no_outbound_mail(monkeypatch):
    """Fail any test that tries to send mail anywhere but a server the test runs on loopback."""
    real = smtplib.SMTP

    class Guarded(real):
        def __init__(self, host="", *args, **kwargs):
            if host and host not in LOOPBACK:
                raise AssertionError(f"a test tried to send mail through {host}")
            super().__init__(host, *args, **kwargs)

    monkeypatch.setattr(smtplib, "SMTP", Guarded)
