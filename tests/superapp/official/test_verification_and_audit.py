"""Platform staff verify brands; every change a brand makes is in its audit log."""

import pytest

from tests.helpers import assert_queries_constant, assert_refused, consumer_client
from tests.superapp.official.factories import StaffUserFactory, brand_with_staff, official_account

pytestmark = pytest.mark.django_db


def test_platform_staff_verify_and_revoke_a_brand_through_the_api():
    brand = brand_with_staff()
    staff = consumer_client(StaffUserFactory())
    verified = staff.post(f"/api/v1/staff/brands/{brand.pk}/verification")
    assert verified.status_code == 200
    assert verified.json()["verified"] is True
    revoked = staff.delete(f"/api/v1/staff/brands/{brand.pk}/verification")
    assert revoked.json()["verified"] is False
    brand.refresh_from_db()
    assert brand.verified_at is None


def test_brand_members_cannot_verify_their_own_brand():
    brand = brand_with_staff()
    response = consumer_client(brand.owner).post(f"/api/v1/staff/brands/{brand.pk}/verification")
    assert response.status_code == 403
    brand.refresh_from_db()
    assert not brand.is_verified


def test_staff_verifying_an_unknown_brand_get_404():
    response = consumer_client(StaffUserFactory()).post("/api/v1/staff/brands/999999/verification")
    assert_refused(response, 404, "brand_not_found")


def test_the_admin_action_verifies_selected_brands(client):
    brand, untouched = brand_with_staff(), brand_with_staff(name="Untouched")
    superuser = StaffUserFactory(is_superuser=True)
    client.force_login(superuser)
    response = client.post(
        "/admin/official/brand/", {"action": "verify_brands", "_selected_action": [brand.pk]}
    )
    assert response.status_code == 302
    brand.refresh_from_db()
    untouched.refresh_from_db()
    assert (brand.is_verified, untouched.is_verified) == (True, False)
    assert brand.audit_log.filter(action="brand.verified", actor=superuser).exists()


def test_managers_read_who_changed_what_and_when():
    brand = brand_with_staff()
    account = official_account(brand=brand)
    consumer_client(StaffUserFactory()).post(f"/api/v1/staff/brands/{brand.pk}/verification")
    response = consumer_client(brand.admin).get(f"/api/v1/brands/{brand.pk}/audit-log")
    assert response.status_code == 200
    entries = response.json()["results"]
    assert [e["action"] for e in entries] == [
        "brand.verified",
        "account.created",
        "member.added",
        "member.added",
        "brand.created",
    ]
    created = entries[1]
    assert created["actor"] == brand.owner.username
    assert created["target"] == f"account:{account.pk}"
    assert created["details"] == {"name": account.name, "kind": "service"}
    assert created["created_at"]


def test_associates_and_outsiders_cannot_read_the_audit_log():
    brand, other = brand_with_staff(), brand_with_staff(name="Other")
    by_associate = consumer_client(brand.associate).get(f"/api/v1/brands/{brand.pk}/audit-log")
    assert_refused(by_associate, 403, "insufficient_role")
    by_other_admin = consumer_client(other.admin).get(f"/api/v1/brands/{brand.pk}/audit-log")
    assert by_other_admin.status_code == 404


def test_members_list_their_brands():
    brand = brand_with_staff()
    brand_with_staff(name="Not mine")
    response = consumer_client(brand.associate).get("/api/v1/brands")
    assert [b["name"] for b in response.json()["results"]] == ["Maison Lune"]


def test_staff_list_the_brands_awaiting_verification_and_the_verified_ones():
    waiting, verified = brand_with_staff(name="Waiting"), brand_with_staff(name="Vouched")
    staff = consumer_client(StaffUserFactory())
    staff.post(f"/api/v1/staff/brands/{verified.pk}/verification")

    awaiting = staff.get("/api/v1/staff/brands").json()["results"]
    done = staff.get("/api/v1/staff/brands?verified=true").json()["results"]

    assert [(b["name"], b["verified"]) for b in awaiting] == [(waiting.name, False)]
    assert [(b["name"], b["verified"]) for b in done] == [(verified.name, True)]
    assert_refused(staff.get("/api/v1/staff/brands?verified=maybe"), 400, "validation_error")
    assert consumer_client(waiting.owner).get("/api/v1/staff/brands").status_code == 403
    assert_queries_constant(
        lambda n: [brand_with_staff(name=f"Brand {i}") for i in range(n)],
        lambda: staff.get("/api/v1/staff/brands"),
    )


def test_the_profile_says_whether_the_person_is_platform_staff():
    brand = brand_with_staff()
    assert consumer_client(StaffUserFactory()).get("/api/v1/me").json()["is_staff"] is True
    assert consumer_client(brand.owner).get("/api/v1/me").json()["is_staff"] is False
