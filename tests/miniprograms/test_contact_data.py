"""The consumer's phone and address book (shared with apps only under a grant)."""

import pytest

pytestmark = pytest.mark.django_db

ADDRESS = {
    "recipient": "Mei",
    "phone": "+4915112345678",
    "line1": "Hauptstr. 1",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
}


def test_the_phone_is_set_and_read_back(api):
    assert api.get("/api/v1/me/contact").json() == {"phone": None}
    assert (
        api.put("/api/v1/me/contact", {"phone": "+4915112345678"}, format="json").status_code == 200
    )
    assert api.get("/api/v1/me/contact").json() == {"phone": "+4915112345678"}


@pytest.mark.parametrize("phone", ["12345", "+0123456789", "+49 151", ""])
def test_phones_must_be_e164(api, phone):
    response = api.put("/api/v1/me/contact", {"phone": phone}, format="json")
    assert response.status_code == 400
    assert "phone" in response.json()["fields"]


def test_the_first_address_is_the_default_and_a_new_default_replaces_it(api):
    first = api.post("/api/v1/me/addresses", ADDRESS, format="json").json()
    assert first["is_default"] is True
    second = api.post(
        "/api/v1/me/addresses", {**ADDRESS, "city": "Hamburg", "is_default": True}, format="json"
    ).json()
    listed = api.get("/api/v1/me/addresses").json()["results"]
    assert [(a["id"], a["is_default"]) for a in listed] == [
        (second["id"], True),
        (first["id"], False),
    ]


def test_addresses_are_private_to_their_owner(api, client_for, other_user):
    address = api.post("/api/v1/me/addresses", ADDRESS, format="json").json()
    other = client_for(other_user)
    assert other.get("/api/v1/me/addresses").json()["results"] == []
    assert other.delete(f"/api/v1/me/addresses/{address['id']}").status_code == 404
    assert api.delete(f"/api/v1/me/addresses/{address['id']}").status_code == 204


def test_bad_addresses_are_refused(api):
    response = api.post("/api/v1/me/addresses", {**ADDRESS, "country": "Germany"}, format="json")
    assert response.status_code == 400
    assert "country" in response.json()["fields"]
