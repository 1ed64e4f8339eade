"""Payment PINs are a keyed HMAC (payments/pins.py)."""

from django.contrib.auth.hashers import make_password

from payments import pins


def test_a_pin_matches_its_hash_and_nothing_else():
    stored = pins.pin_hash("246810")
    assert stored.startswith("hmac_sha256$")
    assert "246810" not in stored
    assert pins.pin_matches("246810", stored)
    assert not pins.pin_matches("246811", stored)


def test_the_same_pin_hashes_differently_each_time():
    assert pins.pin_hash("123456") != pins.pin_hash("123456")


def test_the_hash_is_worthless_without_the_key(settings):
    stored = pins.pin_hash("246810")
    settings.PAYMENTS_PIN_KEY = "another key"
    assert not pins.pin_matches("246810", stored)


def test_a_rotated_key_keeps_working_from_the_fallbacks(settings):
    stored = pins.pin_hash("246810")
    settings.PAYMENTS_PIN_KEY_FALLBACKS = [settings.PAYMENTS_PIN_KEY]
    settings.PAYMENTS_PIN_KEY = "the new key"
    assert pins.pin_matches("246810", stored)
    assert not pins.pin_matches("000000", stored)


def test_a_pin_stored_by_the_password_hasher_still_matches():
    stored = make_password("246810")
    assert pins.pin_matches("246810", stored)
    assert not pins.pin_matches("246811", stored)
