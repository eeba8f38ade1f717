"""The signed declaration: refused until ready, hash-bound, stale with the changes listed, re-signable."""
import json
from datetime import datetime

import pytest
from sqlalchemy import select

from checks.annual import content_hash
from fpp.annual.declaration import DeclarationState, declaration_state
from fpp.annual.models import Declaration
from fpp.extensions import db
from fpp.register.operations import correct_record
from fpp.register.models import CheckRecord
from fpp.timeutil import freeze
from tests.fixtures.factories import PASSWORD

AFTER_YEAR = datetime(2026, 4, 20, 12, 0)


@pytest.fixture
def outcomes(client, board, sign_in):
    sign_in(board.chair_user)
    for member in (board.ned, board.sid):
        assert client.post(f"/years/2025/members/{member.id}/outcome", data={"outcome": "fit_and_proper"}).status_code == 302
    sign_in(board.sid_user)
    assert client.post(f"/years/2025/members/{board.chair.id}/outcome", data={"outcome": "fit_and_proper"}).status_code == 302
    sign_in(board.chair_user)


def _sign(client, password=PASSWORD):
    return client.post("/years/2025/declaration/sign", data={"password": password})


def _versions():
    return db.session.execute(select(Declaration).order_by(Declaration.version)).scalars().all()


def test_signing_before_the_year_ends_is_refused(client, board, outcomes):
    assert "The year 2025/26 ends on 31/03/2026: signing opens on 01/04/2026." in _sign(client).get_data(as_text=True)
    assert _versions() == []


def test_signing_needs_every_outcome(client, board, sign_in):
    sign_in(board.chair_user)
    client.post(f"/years/2025/members/{board.ned.id}/outcome", data={"outcome": "fit_and_proper"})
    with freeze(AFTER_YEAR):  # weeks later: the session has ended, the chair signs in again
        sign_in(board.chair_user)
        text = _sign(client).get_data(as_text=True)
    assert "Record an outcome for every member first. Missing: Clara Chair, Sam Sid." in text
    assert _versions() == []


@pytest.mark.parametrize("password, message", [("", "Enter your password"), ("nope-nope-nope", "The password is not correct")])
def test_signing_asks_for_the_password(client, board, outcomes, sign_in, password, message):
    with freeze(AFTER_YEAR):
        sign_in(board.chair_user)
        assert message in _sign(client, password).get_data(as_text=True)
    assert _versions() == []


def test_only_the_chair_signs(client, board, outcomes, sign_in):
    for user in (board.secretary, board.sid_user, board.ned_user, board.auditor):
        with freeze(AFTER_YEAR):
            sign_in(user)
            assert _sign(client).status_code == 403
    assert _versions() == []


def test_sign_then_stale_then_sign_again(client, board, outcomes, runner, sign_in):
    with freeze(AFTER_YEAR):
        sign_in(board.chair_user)
        assert runner("declaration", "show", "--year", 2025).output.startswith("Declaration 2025/26: unsigned")
        assert _sign(client).status_code == 302
        [v1] = _versions()
        assert v1.content_hash == content_hash(json.loads(v1.content)) and v1.signed_by_name == "Clara Chair"
        content = json.loads(v1.content)
        assert content["organisation"] == "Test NHS Trust" and content["counts"]["fit_and_proper"] == 3
        assert content["members"][2]["checks"]["dbs"] == "valid"
        assert "is already signed and nothing has changed" in _sign(client).get_data(as_text=True)
        shown = runner("declaration", "show", "--year", 2025).output
        assert "signed v1 by Clara Chair on 2026-04-20" in shown and v1.content_hash in shown
        dbs = db.session.execute(select(CheckRecord).where(CheckRecord.member_pk == board.ned.id,
                                                           CheckRecord.code == "dbs")).scalar()
        correct_record(dbs, "Certificate showed a conviction", outcome="issue")
        db.session.commit()
        state = declaration_state(2025)
        assert isinstance(state, DeclarationState) and state.latest.id == v1.id and state.is_stale
        assert "Member N01: dbs status at year end changed from valid to concern" in state.changes
        assert "Member N01: overall status changed from action_required to concern" in state.changes
        page = client.get("/years/2025/declaration").get_data(as_text=True)
        assert "Stale" in page and "dbs status at year end changed from valid to concern" in page
        result = runner("declaration", "show", "--year", 2025)
        assert result.exit_code == 0 and "stale (signed v1 by Clara Chair" in result.output
        assert "Decide on every open issue first" in _sign(client).get_data(as_text=True)  # the new issue
        assert client.post(f"/records/{dbs.id}/decision", data={
            "decision": "not_accepted", "not_accepted_reason": "A recent conviction"}).status_code == 302
        assert _sign(client).status_code == 302
    v1_again, v2 = _versions()
    assert v1_again.content_hash == v1.content_hash and v2.version == 2 and v2.content_hash != v1.content_hash
    assert not declaration_state(2025).is_stale


def test_an_outcome_change_makes_it_stale(client, board, outcomes, sign_in):
    with freeze(AFTER_YEAR):
        sign_in(board.chair_user)
        _sign(client)
        client.post(f"/years/2025/members/{board.ned.id}/outcome", data={"outcome": "under_review"})
    assert "Member N01: outcome changed from fit_and_proper to under_review" in declaration_state(2025).changes


def test_the_cli_refuses_a_bad_year(runner):
    assert runner("declaration", "show", "--year", "twenty").exit_code == 2
