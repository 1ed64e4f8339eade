"""What the workspace's account editor needs beyond the consumer API: the brand's accounts,
profile edits, editable auto-replies, menu items opening articles, the broadcast quota left,
the follower count per day and the owner's request for verification."""

from datetime import timedelta

import pytest
from django.test.utils import override_settings
from django.utils import timezone

from superapp.official import selectors, services
from superapp.official.models import BrandAuditEntry, Follow, FollowerDay, OfficialAccount
from tests.helpers import assert_refused, consumer_client
from tests.superapp.media import samples
from tests.superapp.media.helpers import upload
from tests.superapp.official.factories import (
    brand_with_staff,
    followers,
    official_account,
    publish,
)
from tests.superapp.official.test_accounts_api import ARTICLE

pytestmark = pytest.mark.django_db


def actions_of(brand) -> list[str]:
    return list(BrandAuditEntry.objects.filter(brand=brand).values_list("action", flat=True))


# --- The brand's accounts ---------------------------------------------------------------------


def test_members_list_their_brands_accounts_with_follower_counts(django_assert_max_num_queries):
    brand = brand_with_staff()
    first = official_account(brand=brand, name="Alpha")
    official_account(brand=brand, name="Beta")
    official_account(name="Someone else's")
    followers(first, 2)
    client = consumer_client(brand.associate)
    with django_assert_max_num_queries(4):  # brand, role, count, page
        response = client.get(f"/api/v1/brands/{brand.pk}/official-accounts")
    assert response.status_code == 200, response.json()
    listed = [(a["name"], a["follower_count"]) for a in response.json()["results"]]
    assert listed == [("Beta", 0), ("Alpha", 2)]  # newest first


def test_outsiders_do_not_see_a_brands_account_list():
    account = official_account()
    outsider = brand_with_staff(name="Other").owner
    response = consumer_client(outsider).get(f"/api/v1/brands/{account.brand.pk}/official-accounts")
    assert_refused(response, 404, "brand_not_found")


# --- Profile ----------------------------------------------------------------------------------


def test_an_admin_edits_the_profile_and_the_audit_log_says_so():
    account = official_account(name="Lune", description="Paris")
    response = consumer_client(account.brand.admin).patch(
        f"/api/v1/official-accounts/{account.pk}",
        {"name": "Lune Paris", "description": "Since 1920"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["name"], response.json()["description"]) == (
        "Lune Paris",
        "Since 1920",
    )
    entry = BrandAuditEntry.objects.filter(brand=account.brand).latest("id")
    assert (entry.action, entry.details) == (
        "account.updated",
        {"fields": ["description", "name"]},
    )


def test_the_avatar_comes_from_the_editors_upload():
    account = official_account()
    admin = consumer_client(account.brand.admin)
    avatar = upload(admin, samples.image_bytes(), purpose="avatar").json()
    response = admin.patch(
        f"/api/v1/official-accounts/{account.pk}", {"avatar_media": avatar["id"]}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["avatar_url"] == avatar["url"]


def test_an_upload_for_another_purpose_is_not_an_avatar():
    account = official_account()
    admin = consumer_client(account.brand.admin)
    photo = upload(admin, samples.image_bytes(), purpose="chat").json()
    response = admin.patch(
        f"/api/v1/official-accounts/{account.pk}", {"avatar_media": photo["id"]}, format="json"
    )
    assert_refused(response, 422, "media_wrong_purpose")
    assert OfficialAccount.objects.get(pk=account.pk).avatar_url == ""


def test_a_profile_cannot_take_the_name_of_a_sibling_account():
    brand = brand_with_staff()
    official_account(brand=brand, name="Lune")
    other = official_account(brand=brand, name="Soleil")
    response = consumer_client(brand.owner).patch(
        f"/api/v1/official-accounts/{other.pk}", {"name": "Lune"}, format="json"
    )
    assert_refused(response, 409, "name_taken")
    assert OfficialAccount.objects.get(pk=other.pk).name == "Soleil"


def test_associates_cannot_edit_the_profile():
    account = official_account(description="Paris")
    response = consumer_client(account.brand.associate).patch(
        f"/api/v1/official-accounts/{account.pk}", {"description": "Hacked"}, format="json"
    )
    assert_refused(response, 403, "insufficient_role")
    assert OfficialAccount.objects.get(pk=account.pk).description == "Paris"


# --- Auto-replies -----------------------------------------------------------------------------


def _rule(account, keyword="hours", reply="9-5"):
    response = consumer_client(account.brand.owner).post(
        f"/api/v1/official-accounts/{account.pk}/auto-replies",
        {"keyword": keyword, "match": "exact", "reply": reply},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_an_auto_reply_is_edited_in_place():
    account = official_account()
    rule = _rule(account)
    response = consumer_client(account.brand.admin).patch(
        f"/api/v1/official-accounts/{account.pk}/auto-replies/{rule['id']}",
        {"reply": "10-6", "match": "contains"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["keyword"], response.json()["match"], response.json()["reply"]) == (
        "hours",
        "contains",
        "10-6",
    )
    assert "keyword_reply.updated" in actions_of(account.brand)


def test_an_edited_keyword_may_not_collide_with_another_rule():
    account = official_account()
    _rule(account, keyword="hours")
    rule = _rule(account, keyword="price")
    response = consumer_client(account.brand.owner).patch(
        f"/api/v1/official-accounts/{account.pk}/auto-replies/{rule['id']}",
        {"keyword": "HOURS"},
        format="json",
    )
    assert_refused(response, 409, "keyword_taken")


def test_editing_another_accounts_rule_is_404_and_associates_are_refused():
    account = official_account()
    sibling = official_account(brand=account.brand)
    rule = _rule(sibling)
    owner = consumer_client(account.brand.owner)
    wrong_account = owner.patch(
        f"/api/v1/official-accounts/{account.pk}/auto-replies/{rule['id']}",
        {"reply": "x"},
        format="json",
    )
    assert_refused(wrong_account, 404, "keyword_reply_not_found")
    associate = consumer_client(account.brand.associate).patch(
        f"/api/v1/official-accounts/{sibling.pk}/auto-replies/{rule['id']}",
        {"reply": "x"},
        format="json",
    )
    assert_refused(associate, 403, "insufficient_role")


# --- Menu items that open an article ----------------------------------------------------------


def _article(account):
    response = consumer_client(account.brand.owner).post(
        f"/api/v1/official-accounts/{account.pk}/articles", ARTICLE, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_menu_item_opens_one_of_the_accounts_articles():
    account = official_account()
    article = _article(account)
    menu = [{"name": "Autumn", "type": "article", "article_id": article["id"]}]
    response = consumer_client(account.brand.owner).put(
        f"/api/v1/official-accounts/{account.pk}/menu", {"menu": menu}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["menu"] == menu


@pytest.mark.parametrize(
    "item",
    [
        {"name": "Autumn", "type": "article"},
        {"name": "Elsewhere", "type": "article", "article_id": "foreign"},
    ],
)
def test_an_article_item_needs_an_article_of_this_account(item):
    account = official_account()
    foreign = _article(official_account())
    if item.get("article_id") == "foreign":
        item = {**item, "article_id": foreign["id"]}
    response = consumer_client(account.brand.owner).put(
        f"/api/v1/official-accounts/{account.pk}/menu", {"menu": [item]}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert OfficialAccount.objects.get(pk=account.pk).menu == []


# --- Broadcast quota --------------------------------------------------------------------------


@override_settings(OFFICIAL_SUBSCRIPTION_BROADCASTS_PER_DAY=2)
def test_the_quota_left_counts_down_with_each_broadcast():
    account = official_account(kind=OfficialAccount.Kind.SUBSCRIPTION)
    owner = consumer_client(account.brand.owner)
    url = f"/api/v1/official-accounts/{account.pk}/broadcast-quota"
    fresh = owner.get(url).json()
    assert (fresh["period"], fresh["limit"], fresh["used"], fresh["remaining"]) == (
        "day",
        2,
        0,
        2,
    )
    publish(account)
    publish(account)
    spent = owner.get(url).json()
    assert (spent["used"], spent["remaining"]) == (2, 0)
    tomorrow = (timezone.now() + timedelta(days=1)).date().isoformat()
    assert spent["resets_at"].startswith(tomorrow)


def test_service_accounts_count_their_quota_per_month():
    account = official_account(kind=OfficialAccount.Kind.SERVICE)
    quota = consumer_client(account.brand.admin).get(
        f"/api/v1/official-accounts/{account.pk}/broadcast-quota"
    )
    assert quota.json()["period"] == "month"


def test_associates_do_not_see_the_quota():
    account = official_account()
    response = consumer_client(account.brand.associate).get(
        f"/api/v1/official-accounts/{account.pk}/broadcast-quota"
    )
    assert_refused(response, 403, "insufficient_role")


# --- Followers per day ------------------------------------------------------------------------


def test_the_follower_count_at_the_end_of_each_day():
    account = official_account()
    early, middle, _today = followers(account, 3)
    now = timezone.now()
    Follow.objects.filter(user=early).update(followed_at=now - timedelta(days=10))
    Follow.objects.filter(user=middle).update(followed_at=now - timedelta(days=1))
    response = consumer_client(account.brand.owner).get(
        f"/api/v1/official-accounts/{account.pk}/follower-stats", {"days": 3}
    )
    assert response.status_code == 200, response.json()
    series = response.json()["results"]
    days = [(now - timedelta(days=n)).date().isoformat() for n in (2, 1, 0)]
    assert series == [
        {"day": days[0], "followers": 1},
        {"day": days[1], "followers": 2},
        {"day": days[2], "followers": 3},
    ]


def test_the_chart_keeps_a_past_days_count_after_followers_leave(django_assert_max_num_queries):
    """Yesterday's snapshot says three followed; two unfollow today: yesterday stays three,
    today is the live count, and the day before the first snapshot is the follows' estimate."""
    account = official_account()
    stayer, *leavers = followers(account, 3)
    now = timezone.now()
    Follow.objects.filter(account=account).update(followed_at=now - timedelta(days=2))
    assert services.follower_days_snapshot(now=now - timedelta(days=1)) >= 1
    for leaver in leavers:
        services.account_unfollow(user=leaver, account_id=account.pk)
    with django_assert_max_num_queries(3):
        series = selectors.follower_counts_per_day(account=account, days=3)
    assert [point["followers"] for point in series] == [1, 3, 1]
    assert FollowerDay.objects.get(account=account).followers == 3
    assert Follow.objects.get(account=account).user == stayer


def test_the_snapshot_of_a_day_replaces_the_earlier_one():
    account = official_account()
    followers(account, 2)
    services.follower_days_snapshot()
    follower = followers(account, 1)[0]
    services.follower_days_snapshot()
    assert FollowerDay.objects.get(account=account).followers == 3
    services.account_unfollow(user=follower, account_id=account.pk)
    services.follower_days_snapshot()
    assert FollowerDay.objects.get(account=account).followers == 2


@pytest.mark.parametrize("days", ["0", "366", "many"])
def test_the_follower_window_is_bounded(days):
    account = official_account()
    response = consumer_client(account.brand.owner).get(
        f"/api/v1/official-accounts/{account.pk}/follower-stats", {"days": days}
    )
    assert_refused(response, 400, "validation_error")


def test_associates_do_not_see_the_follower_chart():
    account = official_account()
    response = consumer_client(account.brand.associate).get(
        f"/api/v1/official-accounts/{account.pk}/follower-stats"
    )
    assert_refused(response, 403, "insufficient_role")


# --- Verification request ---------------------------------------------------------------------


def test_the_owner_asks_for_verification_and_staff_see_when():
    brand = brand_with_staff()
    response = consumer_client(brand.owner).post(f"/api/v1/brands/{brand.pk}/verification-request")
    assert response.status_code == 200, response.json()
    assert response.json()["verified"] is False
    assert response.json()["verification_requested_at"] is not None
    brand.refresh_from_db()
    assert brand.verification_requested_at is not None
    assert "brand.verification_requested" in actions_of(brand)


def test_only_the_owner_asks_for_verification():
    brand = brand_with_staff()
    response = consumer_client(brand.admin).post(f"/api/v1/brands/{brand.pk}/verification-request")
    assert_refused(response, 403, "insufficient_role")
    brand.refresh_from_db()
    assert brand.verification_requested_at is None


def test_a_verified_brand_has_nothing_to_ask():
    brand = brand_with_staff(verified=True)
    response = consumer_client(brand.owner).post(f"/api/v1/brands/{brand.pk}/verification-request")
    assert_refused(response, 409, "brand_already_verified")
