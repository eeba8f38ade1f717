"""One key per purpose, derived from one master secret."""
import pytest

from fpp.keys import decrypt, encrypt, keyed_hash, subkey


def test_each_purpose_has_its_own_key_and_the_same_master_gives_the_same_key():
    assert subkey("m", "throttle") == subkey("m", "throttle")
    assert subkey("m", "throttle") != subkey("m", "sign-in-attempt") != subkey("other", "throttle")
    with pytest.raises(ValueError):
        subkey("m", "no-such-purpose")


def test_keyed_hash_is_stable_and_depends_on_the_key():
    assert keyed_hash("m", "sign-in-attempt", "x@y") == keyed_hash("m", "sign-in-attempt", "x@y")
    assert keyed_hash("m", "sign-in-attempt", "x@y") != keyed_hash("n", "sign-in-attempt", "x@y")


def test_encryption_round_trips_and_refuses_another_key_or_an_altered_token():
    token = encrypt("m", "totp-secret", "JBSWY3DPEHPK3PXP")
    assert decrypt("m", "totp-secret", token) == "JBSWY3DPEHPK3PXP"
    assert decrypt("other", "totp-secret", token) is None
    assert decrypt("m", "totp-secret", token[:-4] + "AAAA") is None
