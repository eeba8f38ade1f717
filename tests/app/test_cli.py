"""The `fpp` commands of the core: create-user, demo, and the usage rules."""
from sqlalchemy import func, select

from fpp.auth.models import User
from fpp.extensions import db
from fpp.people.models import Member


def test_create_user_reads_the_password_from_stdin(runner, create_member):
    member = create_member(member_id="E77")
    result = runner("create-user", "chair@example.nhs.uk", "--role", "chair", "--member-id", "E77",
                    "--password-stdin", input="a-long-enough-password\n")
    assert result.exit_code == 0, result.output
    user = db.session.execute(select(User).where(User.email == "chair@example.nhs.uk")).scalar_one()
    assert user.member_pk == member.id and user.password_hash.startswith("$argon2id$")


def test_create_user_errors(runner):
    short = runner("create-user", "a@example.nhs.uk", "--role", "auditor", "--password-stdin", input="short\n")
    assert short.exit_code == 1 and "at least 12 characters" in short.output
    no_member = runner("create-user", "c@example.nhs.uk", "--role", "chair", "--password-stdin",
                       input="a-long-enough-password\n")
    assert no_member.exit_code == 1 and "must name the board member" in no_member.output
    unknown = runner("create-user", "c@example.nhs.uk", "--role", "chair", "--member-id", "NOPE",
                     "--password-stdin", input="a-long-enough-password\n")
    assert unknown.exit_code == 1 and "no board member has that Member ID" in unknown.output
    bad_role = runner("create-user", "c@example.nhs.uk", "--role", "king", "--password-stdin")
    assert bad_role.exit_code == 2


def test_demo_loads_a_realistic_board_once(runner):
    result = runner("demo")
    assert result.exit_code == 0 and "secretary@example.nhs.uk" in result.output
    assert db.session.execute(select(func.count(Member.id))).scalar() == 14
    statuses = runner("status").output
    for status in ("Compliant", "Due soon", "Action required", "Concern", "Left"):
        assert status in statuses
    again = runner("demo", "--if-empty")
    assert again.exit_code == 0 and "not loaded" in again.output
    refused = runner("demo")
    assert refused.exit_code == 1


def test_unknown_command_is_a_usage_error(runner):
    assert runner("frobnicate").exit_code == 2


def test_bad_configuration_is_a_user_error(monkeypatch, tmp_path):
    from click.testing import CliRunner

    import fpp.cli
    from fpp.app import create_app
    monkeypatch.setattr(fpp.cli, "app_factory", create_app)
    monkeypatch.setenv("FPP_COLOUR", "blue")
    monkeypatch.setenv("FPP_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(fpp.cli.cli, ["status"])
    assert result.exit_code == 1 and "unknown configuration key 'colour'" in result.output
