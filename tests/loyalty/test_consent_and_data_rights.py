"""Consent per brand and per mini-program with one-step withdrawal; the cross-app export
archive; erasure that anonymises the account and keeps the points ledger balanced."""

import pytest
from django.core.management import call_command

from loyalty import selectors, services
from loyalty.models import Client, ClientNote, Consent, Member, PointEntry, Purchase
from payments.models import Posting
from superapp.accounts.models import User
from superapp.accounts.privacy_api import privacy_modules
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import assert_refused, consumer_client, register_app
from tests.loyalty.factories import (
    add_staff,
    brand_owner,
    make_brand,
    order_paid,
)
from tests.payments.factories import fund

pytestmark = pytest.mark.django_db


def test_consents_per_brand_and_mini_program_are_listed_with_dates(brand, api):
    miniprogram, _ = register_app(owner=brand_owner(brand))
    for body in [
        {"brand_id": brand.pk, "purpose": "marketing"},
        {"brand_id": brand.pk, "purpose": "crm_profile"},
        {"app_id": miniprogram.app_id, "purpose": "data_sharing"},
    ]:
        assert api.post("/api/v1/me/consents", body).status_code == 201
    again = api.post("/api/v1/me/consents", {"brand_id": brand.pk, "purpose": "marketing"})
    assert again.status_code == 201
    listed = api.get("/api/v1/me/consents").json()["results"]
    assert len(listed) == 3
    app_consent = next(c for c in listed if c["party"]["kind"] == "miniprogram")
    assert app_consent["party"]["id"] == miniprogram.app_id
    assert all(c["granted_at"] and c["active"] for c in listed)
    assert Client.objects.get(brand=brand, user=api.user).opted_in_at is not None


def test_withdrawing_everything_for_a_brand_takes_one_step_and_keeps_history(brand, api):
    other = make_brand(name="Other")
    for purpose in ("marketing", "crm_profile", "data_sharing"):
        api.post("/api/v1/me/consents", {"brand_id": brand.pk, "purpose": purpose})
    api.post("/api/v1/me/consents", {"brand_id": other.pk, "purpose": "marketing"})
    response = api.post("/api/v1/me/consents/withdraw", {"brand_id": brand.pk})
    assert response.json() == {"withdrawn": 3}
    listed = api.get("/api/v1/me/consents").json()["results"]
    assert sorted((c["party"]["name"], c["active"]) for c in listed) == [
        ("Maison Lune", False),
        ("Maison Lune", False),
        ("Maison Lune", False),
        ("Other", True),
    ]
    assert all(c["withdrawn_at"] for c in listed if not c["active"])
    api.post("/api/v1/me/consents", {"brand_id": brand.pk, "purpose": "marketing"})
    assert Consent.objects.filter(user=api.user, brand=brand, purpose="marketing").count() == 2
    everything = api.post("/api/v1/me/consents/withdraw", {})
    assert everything.json() == {"withdrawn": 2}


@pytest.mark.parametrize(
    "body",
    [
        {"purpose": "marketing"},
        {"purpose": "marketing", "brand_id": 1, "app_id": "mpx"},
        {"purpose": "spam", "brand_id": 1},
    ],
)
def test_consent_needs_one_party_and_a_known_purpose(api, body):
    response = api.post("/api/v1/me/consents", body)
    assert_refused(response, 400, "validation_error")


def test_a_withdrawal_names_one_party_at_most_and_withdraws_nothing_otherwise(brand, api):
    services.consent_grant(actor=api.user, purpose="marketing", brand_id=brand.pk)
    response = api.post("/api/v1/me/consents/withdraw", {"brand_id": brand.pk, "app_id": "mpx"})
    assert assert_refused(response, 400, "validation_error")["fields"] == {
        "non_field_errors": ["Give at most one of brand_id or app_id."]
    }
    assert Consent.objects.filter(user=api.user, withdrawn_at__isnull=True).count() == 1


def test_consent_to_unknown_parties_is_not_found(api):
    assert (
        api.post("/api/v1/me/consents", {"brand_id": 999_999, "purpose": "marketing"}).status_code
        == 404
    )
    assert (
        api.post("/api/v1/me/consents", {"app_id": "mpnope", "purpose": "marketing"}).status_code
        == 404
    )


def shopper_with_history(brand, api):
    """A consumer with points, a redemption, consents and CRM notes written about them."""
    order_paid(brand, api.user, 120_000)
    services.redemption_create(actor=api.user, brand_id=brand.pk, points=200)
    api.post("/api/v1/me/consents", {"brand_id": brand.pk, "purpose": "marketing"})
    associate = add_staff(brand)
    client = Client.objects.get(user=api.user)
    services.client_note_add(
        actor=associate, brand_id=brand.pk, client_id=client.pk, body="Size 38"
    )
    services.client_tag_add(
        actor=associate, brand_id=brand.pk, client_id=client.pk, name="VIP", personal=False
    )


def test_export_is_one_archive_covering_every_app_with_personal_data(brand, api):
    shopper_with_history(brand, api)
    response = api.get("/api/v1/me/export")
    assert response.status_code == 200
    archive = response.json()
    assert archive["format"] == "plaza-data-export/1"
    assert set(archive["apps"]) == set(privacy_modules()) >= {"accounts", "loyalty", "realtime"}
    assert archive["apps"]["accounts"]["profile"]["username"] == api.user.username
    assert archive["apps"]["accounts"]["grants"]
    loyalty = archive["apps"]["loyalty"]
    assert loyalty["memberships"][0]["points"] == Member.objects.get(user=api.user).points
    assert {e["kind"] for e in loyalty["points_entries"]} == {"earn", "redeem"}
    assert loyalty["purchases"][0]["amount"] == 120_000
    assert loyalty["redemptions"][0]["points"] == 200
    assert loyalty["consents"][0]["purpose"] == "marketing"
    record = loyalty["client_records"][0]
    assert [n["body"] for n in record["notes"]] == ["Size 38"]
    assert record["tags"] == ["VIP"]


def test_erasure_requires_the_password(brand, api):
    shopper_with_history(brand, api)
    response = api.post("/api/v1/me/erase", {"password": "wrong"})
    assert_refused(response, 403, "invalid_password")
    assert User.objects.get(pk=api.user.pk).username == api.user.username
    assert ClientNote.objects.exists()


def test_erasure_anonymises_the_account_and_keeps_the_ledger_balanced(brand, api, capsys):
    shopper_with_history(brand, api)
    fund(api.user, 2500)
    entries_before = PointEntry.objects.filter(member__user=api.user).count()
    postings_before = Posting.objects.count()
    response = api.post("/api/v1/me/erase", {"password": DEFAULT_PASSWORD})
    assert response.status_code == 204
    erased = User.objects.get(pk=api.user.pk)
    assert erased.username.startswith("erased-")
    assert (erased.display_name, erased.is_active, erased.has_usable_password()) == (
        "Erased user",
        False,
        False,
    )
    assert not Client.objects.filter(user=erased).exists()
    assert not ClientNote.objects.exists()
    assert not Consent.objects.filter(user=erased).exists()
    member = Member.objects.get(user=erased)
    assert member.points == 0
    assert PointEntry.objects.filter(member=member).count() == entries_before + 1
    assert Purchase.objects.filter(user=erased).count() == 1
    assert selectors.points_verify().ok
    call_command("points_verify")
    assert "points ledger balanced" in capsys.readouterr().out
    assert Posting.objects.count() == postings_before
    call_command("ledger_verify")
    assert "ledger_verify=ok" in capsys.readouterr().out
    assert api.get("/api/v1/me").status_code == 401
    assert consumer_client(erased).get("/api/v1/me").status_code in (401, 403)


def test_an_erased_members_card_no_longer_scans_even_without_points_to_forfeit(brand, api):
    api.post(f"/api/v1/loyalty/brands/{brand.pk}/membership", {})
    card = api.get(f"/api/v1/loyalty/brands/{brand.pk}/card").json()["qr_payload"]
    till = consumer_client(add_staff(brand))

    assert api.post("/api/v1/me/erase", {"password": DEFAULT_PASSWORD}).status_code == 204

    body = {"card": card, "amount": 1_000, "currency": "EUR", "reference": "till-1"}
    scanned = till.post(f"/api/v1/loyalty/brands/{brand.pk}/in-store-purchases", body)
    assert_refused(scanned, 404, "card_not_found")
    assert not PointEntry.objects.filter(member__user=api.user).exists()
