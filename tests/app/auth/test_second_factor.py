"""The second factor: enrolment at the first sign-in, codes, replay, recovery codes, optional enrolment."""
from __future__ import annotations

import re
from datetime import datetime

import pyotp
from sqlalchemy import func, select

from fpp.audit.models import AuditEntry
from fpp.auth import mfa
from fpp.auth.models import RecoveryCode
from fpp.extensions import db
from fpp.timeutil import utcnow
from tests.fixtures.factories import PASSWORD, TOTP_SECRETS, enrolment_key, sign_in_as

from .conftest import text_of

CODES = re.compile(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>")


def _password(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.data[:300]
    return response.headers["Location"]


def _enrol(client, user) -> tuple[str, list[str]]:
    assert _password(client, user) == "/login/enrol"
    secret = enrolment_key(client.get("/login/enrol").get_data(as_text=True))
    page = client.post("/login/enrol", data={"code": _now_code(secret)}).get_data(as_text=True)
    return secret, CODES.findall(page)


def test_a_required_role_enrols_at_first_sign_in(client, create_user, clock):
    user = create_user("secretary")
    assert _password(client, user) == "/login/enrol"
    assert client.get("/board").headers["Location"].startswith("/login")  # not signed in yet
    page = client.get("/login/enrol").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page and "Test NHS Trust" in page
    key = re.search(r'id="totp-key">([A-Z2-7 ]+)<', page).group(1)
    assert all(len(group) == 4 for group in key.split()) and len(key.replace(" ", "")) == 32
    assert enrolment_key(client.get("/login/enrol").get_data(as_text=True)) == key.replace(" ", "")  # stable
    assert client.post("/login/enrol", data={"code": "000000"}).status_code == 200
    response = client.post("/login/enrol", data={"code": _now_code(key.replace(" ", ""))})
    codes = CODES.findall(response.get_data(as_text=True))
    assert len(set(codes)) == 10 and "shown" in text_of(response)
    assert client.get("/board").status_code == 200
    stored = db.session.execute(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).scalars().all()
    assert len(stored) == 10 and all(h.startswith("$argon2id$") for h in stored)
    assert not any(code.replace("-", "") in h for h in stored for code in codes)
    assert user.totp_secret != key.replace(" ", "") and mfa.secret_of(user) == key.replace(" ", "")


def test_the_enrolment_page_shows_the_command_for_a_newcomer_without_a_phone(client, create_user, clock):
    user = create_user("chair")
    _password(client, user)
    page = client.get("/login/enrol").get_data(as_text=True)
    secret = enrolment_key(page)
    assert f"import pyotp; print(pyotp.TOTP(&#39;{secret}&#39;).now())" in page and ".venv/bin/python -c" in page


def test_a_secretary_cannot_reach_the_board_without_the_code(client, create_user, clock):
    user = create_user("secretary")
    _enrol(client, user)
    client.post("/logout")
    assert _password(client, user) == "/login/code"
    for url in ("/board", "/users", "/audit", "/account"):
        assert client.get(url).headers["Location"].startswith("/login"), url
    assert client.get("/login/enrol").headers["Location"] == "/login"  # enrolled: no second enrolment


def test_sign_in_with_a_code_and_replay_refused(client, create_user, clock):
    user = create_user("auditor")
    secret, _ = _enrol(client, user)
    client.post("/logout")
    clock.advance(seconds=30)  # the enrolment used this step's code
    code = pyotp.TOTP(secret).at(_epoch(clock.now))
    _password(client, user)
    assert client.post("/login/code", data={"code": code}).headers["Location"] == "/"
    client.post("/logout")
    _password(client, user)
    again = client.post("/login/code", data={"code": code})
    assert again.status_code == 200 and "used already" in text_of(again)
    assert client.get("/board").status_code == 302
    clock.advance(seconds=30)
    fresh = pyotp.TOTP(secret).at(_epoch(clock.now))
    assert client.post("/login/code", data={"code": fresh}).status_code == 302
    assert client.get("/board").status_code == 200


def test_codes_of_the_previous_and_next_step_are_accepted_but_not_further(client, create_user, clock):
    user = create_user("sid")
    secret, _ = _enrol(client, user)
    client.post("/logout")
    clock.advance(minutes=5)
    totp, now = pyotp.TOTP(secret), _epoch(clock.now)
    _password(client, user)
    assert client.post("/login/code", data={"code": totp.at(now - 60)}).status_code == 200  # two steps old
    assert client.post("/login/code", data={"code": totp.at(now + 30)}).status_code == 302  # the next step


def test_a_recovery_code_works_once(client, create_user, clock):
    user = create_user("secretary")
    _, codes = _enrol(client, user)
    client.post("/logout")
    _password(client, user)
    response = client.post("/login/code", data={"code": codes[3].upper().replace("-", " ")})
    assert response.status_code == 302
    assert "You have 9 left" in text_of(client.get("/board"))
    client.post("/logout")
    _password(client, user)
    assert client.post("/login/code", data={"code": codes[3]}).status_code == 200
    used = db.session.execute(select(func.count()).where(RecoveryCode.user_id == user.id,
                                                         RecoveryCode.used_at.is_not(None))).scalar()
    assert used == 1 and mfa.recovery_codes_left(user) == 9
    actions = db.session.execute(select(AuditEntry.action).where(AuditEntry.entity_id == str(user.id))).scalars().all()
    assert "auth.recovery_code_used" in actions


def test_new_recovery_codes_replace_the_old_ones(client, create_user, clock):
    user = create_user("secretary")
    _, old = _enrol(client, user)
    assert client.post("/account/recovery-codes", data={"password": "wrong"}).status_code == 200
    new = CODES.findall(client.post("/account/recovery-codes", data={"password": PASSWORD}).get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    client.post("/logout")
    _password(client, user)
    assert client.post("/login/code", data={"code": old[0]}).status_code == 200
    assert client.post("/login/code", data={"code": new[0]}).status_code == 302


def test_the_half_signed_in_state_lasts_ten_minutes(client, create_user, clock):
    user = create_user("secretary")
    _enrol(client, user)
    client.post("/logout")
    secret = mfa.secret_of(user)
    _password(client, user)
    clock.advance(minutes=11)
    response = client.post("/login/code", data={"code": pyotp.TOTP(secret).at(_epoch(clock.now))})
    assert response.headers["Location"] == "/login"
    assert "more than 10 minutes" in text_of(client.get("/login"))


def test_a_role_not_required_signs_in_with_the_password_and_may_enrol(client, create_user, clock):
    user = create_user("member")
    assert _password(client, user) == "/"
    page = client.get("/account").get_data(as_text=True)
    assert "Set up a second factor" in page
    secret = enrolment_key(client.get("/account/two-factor").get_data(as_text=True))
    assert client.post("/account/two-factor", data={"code": "123456"}).status_code == 200
    done = client.post("/account/two-factor", data={"code": _now_code(secret)})
    assert len(CODES.findall(done.get_data(as_text=True))) == 10
    client.post("/logout")
    clock.advance(seconds=30)
    assert _password(client, user) == "/login/code"
    TOTP_SECRETS[user.email] = secret
    assert sign_in_as(client, user.email) == "/"


def test_the_login_fixture_completes_a_real_totp_sign_in(client, login, clock):
    user = login("chair")
    assert user.totp_confirmed_at is not None and user.totp_last_step is not None
    assert client.get("/board").status_code == 200
    client.post("/logout")
    login(user=user)  # again within the same 30 s: the helper uses the next step's code
    assert client.get("/board").status_code == 200


def _epoch(moment: datetime) -> int:
    return int((moment - datetime(1970, 1, 1)).total_seconds())


def _now_code(secret: str) -> str:
    return pyotp.TOTP(secret).at(_epoch(utcnow()))
