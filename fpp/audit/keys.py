"""The audit trail's own key, kept apart from the database and from the session key.

One Ed25519 private key (`[audit] signing_key_file`, or `FPP_AUDIT_SIGNING_KEY` from the secret store)
signs checkpoints of the trail's head, which anyone verifies offline with its public key; a MAC key
derived from it (HKDF) keys each entry, which only the register can check. Someone with database access
alone can forge neither.
"""
from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def parse_private_key(data: bytes) -> Ed25519PrivateKey:
    """A key from 64 hex digits (the 32-byte seed) or an unencrypted PEM block; ValueError otherwise."""
    text = data.strip()
    if text.startswith(b"-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(text, password=None)
        except (ValueError, TypeError):
            raise ValueError("expected an unencrypted PEM Ed25519 private key") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("expected an Ed25519 private key, got another kind")
        return key
    try:
        seed = bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        seed = b""
    if len(seed) != 32:
        raise ValueError("expected an Ed25519 key: 64 hex digits or a PEM block "
                         "(`fpp audit new-key` prints one)")
    return Ed25519PrivateKey.from_private_bytes(seed)


def new_key_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def load_signing_key(settings) -> Ed25519PrivateKey:
    """The configured key: FPP_AUDIT_SIGNING_KEY itself, else the key file (generated for local use)."""
    if settings["audit_signing_key"]:
        return parse_private_key(settings["audit_signing_key"].encode())
    path = Path(settings["audit_signing_key_file"])
    if not path.exists() and settings["env"] != "production":
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(new_key_pem())
    return parse_private_key(path.read_bytes())


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The public key as base64 of its 32 raw bytes: short enough to print on a declaration."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def public_key_from_text(text: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise ValueError("expected an Ed25519 public key: base64 of 32 bytes") from None


def fingerprint(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """A short name for the public key (SHA-256 of its raw bytes, first 16 hex digits)."""
    return hashlib.sha256(base64.b64decode(public_key_text(key))).hexdigest()[:16]


def mac_key(key: Ed25519PrivateKey) -> bytes:
    """The key of each entry's MAC, derived from the signing key's seed."""
    seed = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"fpp-audit", info=b"entry-mac").derive(seed)


def register_keys() -> tuple[Ed25519PrivateKey, bytes]:
    """The running app's signing key and the MAC key derived from it, loaded once per app."""
    from flask import current_app
    cached = current_app.extensions.get("fpp_audit_keys")
    if cached is None:
        key = load_signing_key(current_app.extensions["fpp_settings"])
        cached = current_app.extensions["fpp_audit_keys"] = (key, mac_key(key))
    return cached
