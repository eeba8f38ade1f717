"""A signature stores the trail's head beside the declaration's content hash (not in it), shown on the
page with the audit key, and writes a signed checkpoint once the signature is committed."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from fpp.annual.models import Declaration
from fpp.annual.operations import sign_declaration
from fpp.audit.checkpoints import list_checkpoints
from fpp.audit.keys import register_keys
from fpp.audit.models import AuditEntry
from fpp.extensions import db
from fpp.timeutil import freeze
from exports.trail import public_key_text
from tests.app.reports.conftest import AFTER_YEAR, YEAR, signed_year  # noqa: F401  (the fixture)
from tests.fixtures.factories import PASSWORD


def _reasons():
    return [json.loads(path.read_text())["reason"] for path in list_checkpoints()]


def test_the_signature_keeps_the_head_and_writes_a_checkpoint(signed_year, client, login, runner):  # noqa: F811
    declaration = db.session.execute(select(Declaration)).scalar_one()
    last = db.session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).scalar_one()
    assert last.action == "declaration.sign"
    assert (declaration.trail_count, declaration.trail_head) == (
        db.session.execute(select(func.count(AuditEntry.id))).scalar(), last.hash)
    assert declaration.trail_head not in declaration.content  # not inside the signed content
    assert "declaration 2025/26 version 1 signed" in _reasons()
    login("auditor")
    page = client.get(f"/years/{YEAR}/declaration").get_data(as_text=True)
    assert f"Audit trail at signature: {declaration.trail_count} entries" in page and last.hash in page
    assert public_key_text(register_keys()[0]) in page
    assert runner("audit", "verify").exit_code == 0


def test_a_signature_rolled_back_writes_no_checkpoint(signed_year, create_member):  # noqa: F811
    from fpp.auth.models import User
    from fpp.people.operations import update_member
    update_member(signed_year.ned, name="Nina Changed")  # makes the declaration stale
    db.session.commit()
    chair_user = db.session.execute(select(Declaration.signed_by_id)).scalar_one()
    before = _reasons()
    with freeze(AFTER_YEAR):
        assert sign_declaration(YEAR, db.session.get(User, chair_user), PASSWORD).version == 2
        db.session.rollback()
    assert _reasons() == before
