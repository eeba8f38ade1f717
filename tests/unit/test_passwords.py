"""The password policy (NCSC, NIST SP 800-63B): length, a deny list of breached passwords, nothing personal."""
import pytest

from fpp.auth.passwords import MAX_LENGTH, password_problem

BREACHED = ["password1234", "qwerty123456", "iloveyou1234", "1234567890123", "Password1234", "trustno1trustno1"]


@pytest.mark.parametrize("password", BREACHED)
def test_known_breached_and_guessable_passwords_are_refused(password):
    assert password_problem(password) is not None


@pytest.mark.parametrize("password, message", [
    ("short-one", "at least 12 characters"),
    ("x" * (MAX_LENGTH + 1), "at most"),
    ("aaaaaaaaaaaa", "guessed quickly"),
    ("abcdefghijkl", "guessed quickly"),
    ("password1234", "most common"),
])
def test_each_refusal_says_why(password, message):
    assert message in password_problem(password)


def test_the_users_email_and_name_are_refused_inside_a_password():
    assert "email address or name" in password_problem("priya.natarajan-x9!", email="priya.natarajan@nhs.net")
    assert "email address or name" in password_problem("okoro-likes-tea-7", names=("David Okoro",))
    assert password_problem("okoro-likes-tea-7", names=("Someone Else",)) is None


def test_a_long_unusual_passphrase_is_accepted():
    assert password_problem("lantern-oyster-gravel-97") is None
