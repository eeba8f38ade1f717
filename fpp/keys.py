"""Every key the register derives, in one place: keyed hashes, signed tokens and encrypted secrets.

One master secret (the session key, `FPP_SECRET_KEY`, from the secret store in production) is expanded
with HKDF (RFC 5869, through the `cryptography` package) into one independent key per purpose, so a key
used for one thing never signs or hashes another. Purposes are fixed names below; adding one is adding
a name. The audit trail's own keys (its MAC and checkpoint signing key) live apart from the database and
from this secret: see the evidence work in docs/operations.md.
"""
from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PURPOSES = frozenset({
    "sign-in-attempt",  # the keyed hash of what was typed at a failed sign-in for an unknown account
    "throttle",  # the key a sign-in throttle counts an email address under
    "totp-secret",  # encrypting each account's TOTP secret at rest
    "account-token",  # invitation and password-reset links
    "retention-pseudonym",  # how the register names a purged member from then on ("former member 7f3a1b2c")
})


def subkey(master: str | bytes, purpose: str, length: int = 32) -> bytes:
    """The key for `purpose`, derived from `master`."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown key purpose {purpose!r}")
    material = master.encode() if isinstance(master, str) else master
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=b"fpp-register", info=purpose.encode()).derive(material)


def keyed_hash(master: str | bytes, purpose: str, text: str) -> str:
    """HMAC-SHA256 of `text` under the purpose's key, as hex: stable, and useless without the key."""
    return hmac.new(subkey(master, purpose), text.encode(), hashlib.sha256).hexdigest()


def encrypt(master: str | bytes, purpose: str, plaintext: str) -> str:
    """Authenticated encryption (Fernet: AES-128-CBC with HMAC-SHA256) under the purpose's key."""
    return _fernet(master, purpose).encrypt(plaintext.encode()).decode()


def decrypt(master: str | bytes, purpose: str, token: str) -> str | None:
    """The plaintext, or None when the token was not made with this key (or was altered)."""
    try:
        return _fernet(master, purpose).decrypt(token.encode()).decode()
    except InvalidToken:
        return None


def _fernet(master: str | bytes, purpose: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(subkey(master, purpose)))
