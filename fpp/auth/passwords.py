"""Passwords: Argon2id hashing (the cost comes from configuration; tests use a cheap one) and the policy
new passwords must meet, as NCSC and NIST SP 800-63B advise: length and a deny list, no composition rules.

The deny list is the 30,000 most common passwords of public breach corpora, as the `zxcvbn` package
ships them (Dropbox's estimator, ported to Python; no network), and zxcvbn's own estimate refuses what
an attacker guesses early (repeated characters, keyboard walks, a dictionary word with digits).
"""
from __future__ import annotations

import re
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 12
MAX_LENGTH = 256  # Argon2 takes any length; this bounds the work one request can ask for
MIN_SCORE = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable: moderate protection from offline attacks"


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(time_cost=config["ARGON2_TIME_COST"], memory_cost=config["ARGON2_MEMORY_COST"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, *, email: str | None = None, names: tuple[str, ...] = (),
                     current_hash: str | None = None) -> str | None:
    """Why `password` may not be used by this person (None when it may): too short or too long, on the
    deny list or easily guessed, containing their email address or name, or their current password."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return f"The password must be at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"The password must be at most {MAX_LENGTH} characters"
    folded = password.casefold()
    if folded in _common_passwords():
        return "That password is one of the most common ones that attackers try first: choose another"
    for personal in _personal_words(email, names):
        if personal in folded:
            return "The password must not contain your email address or name"
    from zxcvbn import zxcvbn
    if zxcvbn(password[:100])["score"] < MIN_SCORE:
        return ("That password would be guessed quickly (a common word, repeated characters or a keyboard "
                "pattern): try three or four random words")
    if current_hash and verify_password(current_hash, password):
        return "The new password must be different from your current one"
    return None


def _personal_words(email: str | None, names: tuple[str, ...]) -> list[str]:
    words = []
    if email:
        local = email.split("@")[0].casefold()
        words += [email.casefold(), local] + [p for p in re.split(r"[._+-]", local) if len(p) >= 4]
    for name in names:
        words += [part for part in re.split(r"[\s'-]+", (name or "").casefold()) if len(part) >= 4]
    return [w for w in words if w]
