"""Sign-in rates (Flask-Limiter): per client address, taken through the trusted proxy, and per account;
over a rate the 429 page in the NHS.UK style."""
from __future__ import annotations

import pytest

from tests.fixtures.factories import PASSWORD

from .conftest import text_of


def _attempt(client, email, password="wrong-password-1", **kwargs):
    return client.post("/login", data={"email": email, "password": password}, **kwargs)


@pytest.fixture
def settings_overrides(settings_overrides):
    return {**settings_overrides, "security_login_rate_per_address": "8 per minute", "security_trusted_proxies": 1}


def test_too_many_attempts_from_one_address_get_the_429_page(client, clock):
    forwarded = {"X-Forwarded-For": "203.0.113.9"}
    for n in range(8):
        assert _attempt(client, f"someone{n}@example.nhs.uk", headers=forwarded).status_code == 200
    refused = _attempt(client, "another@example.nhs.uk", headers=forwarded)
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    page = text_of(refused)
    assert "Too many attempts" in page and "Wait a minute" in page and "nhsuk-header" in refused.get_data(as_text=True)
    other_address = _attempt(client, "another@example.nhs.uk", headers={"X-Forwarded-For": "198.51.100.7"})
    assert other_address.status_code == 200  # counted per client address, as the trusted proxy says


def test_too_many_attempts_for_one_account_get_the_429_page(client, create_user, clock):
    user = create_user("member")
    statuses = [_attempt(client, user.email.upper(), headers={"X-Forwarded-For": f"192.0.2.{n}"}).status_code
                for n in range(11)]
    assert statuses == [200] * 10 + [429]  # ten a minute for one address, from however many clients


def test_the_code_step_counts_against_the_same_address_limit(client, create_user, clock):
    user = create_user("secretary")
    address = {"X-Forwarded-For": "203.0.113.50"}
    for n in range(6):
        _attempt(client, f"x{n}@example.nhs.uk", headers=address)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}, headers=address).status_code == 302
    assert client.post("/login/enrol", data={"code": "000000"}, headers=address).status_code == 200
    assert client.post("/login/enrol", data={"code": "000000"}, headers=address).status_code == 429
