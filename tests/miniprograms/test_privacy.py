"""Export and erasure of everything the mini-program platform keeps about a user."""

import pytest
from oauth2_provider.models import Grant

from miniprograms import privacy, services
from miniprograms.models import AppIdentity, ConsentGrant, EntryVisit, ShippingAddress
from tests.miniprograms.factories import released_app

pytestmark = pytest.mark.django_db


@pytest.fixture
def active_user(user):
    app, _, _ = released_app()
    services.login_code_issue(actor=user, app_id=app.app_id, scopes=["phone"])
    services.identity_for(miniprogram=app, user=user)
    services.contact_set(user=user, phone="+4915112345678")
    services.address_add(
        user=user,
        recipient="Mei",
        phone="+4915112345678",
        line1="Hauptstr. 1",
        city="Berlin",
        postal_code="10115",
        country="DE",
    )
    services.entry_record(user=user, app_id=app.app_id, source="qr")
    services.subscription_accept(user=user, app_id=app.app_id, templates=["t"])
    return user, app


def test_export_lists_identities_consents_and_contact_data(active_user):
    user, app = active_user
    exported = privacy.export(user)
    assert exported["app_identities"][0]["app_id"] == app.app_id
    assert exported["consents"][0]["scope"] == "phone"
    assert exported["phone"] == "+4915112345678"
    assert exported["addresses"][0]["city"] == "Berlin"
    assert exported["openings"][0]["source"] == "qr"
    assert exported["subscriptions"][0]["template"] == "t"


def test_erase_removes_personal_data_and_keeps_anonymous_counts(active_user):
    user, app = active_user
    privacy.erase(user)
    assert not AppIdentity.objects.filter(user=user).exists()
    assert not Grant.objects.filter(user=user).exists()
    assert not ConsentGrant.objects.filter(user=user).exists()
    assert not ShippingAddress.objects.filter(user=user).exists()
    assert EntryVisit.objects.filter(miniprogram=app, user__isnull=True).count() == 1
    assert privacy.export(user) == {
        "app_identities": [],
        "union_identities": [],
        "consents": [],
        "subscriptions": [],
        "subscribe_messages": [],
        "openings": [],
        "phone": None,
        "addresses": [],
    }
