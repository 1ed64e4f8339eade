"""Official accounts: creation and roles, profile page, follow/unfollow, menus and articles."""

import pytest
from django.test.utils import override_settings

from superapp.core.models import DomainEvent
from superapp.official.models import OfficialAccount
from tests.factories import UserFactory
from tests.helpers import assert_refused, consumer_client
from tests.superapp.official.factories import brand_with_staff, followers, official_account

pytestmark = pytest.mark.django_db


def test_an_admin_creates_an_account_and_anyone_sees_its_profile():
    brand = brand_with_staff()
    response = consumer_client(brand.admin).post(
        "/api/v1/official-accounts",
        {"brand": brand.pk, "name": "Maison Lune", "kind": "service", "description": "Paris"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["follower_count"] == 0
    profile = consumer_client(UserFactory()).get(
        f"/api/v1/official-accounts/{response.json()['id']}"
    )
    assert profile.status_code == 200
    assert profile.json()["brand"]["name"] == "Maison Lune"
    assert (profile.json()["kind"], profile.json()["following"]) == ("service", False)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"name": "X", "kind": "newsletter"}, "validation_error"),
        ({"kind": "service"}, "validation_error"),
    ],
)
def test_bad_account_requests_are_refused(body, code):
    brand = brand_with_staff()
    response = consumer_client(brand.owner).post(
        "/api/v1/official-accounts", {"brand": brand.pk, **body}
    )
    assert_refused(response, 400, code)


def test_an_account_name_is_unique_within_the_brand():
    account = official_account(name="Lune")
    response = consumer_client(account.brand.owner).post(
        "/api/v1/official-accounts", {"brand": account.brand.pk, "name": "Lune", "kind": "service"}
    )
    assert_refused(response, 409, "name_taken")


@override_settings(OFFICIAL_MAX_ACCOUNTS_PER_BRAND=1)
def test_a_brand_has_a_limited_number_of_accounts():
    account = official_account()
    response = consumer_client(account.brand.owner).post(
        "/api/v1/official-accounts", {"brand": account.brand.pk, "name": "Two", "kind": "service"}
    )
    assert_refused(response, 422, "account_limit_reached")


def test_associates_cannot_create_or_delete_accounts():
    account = official_account()
    associate = consumer_client(account.brand.associate)
    created = associate.post(
        "/api/v1/official-accounts", {"brand": account.brand.pk, "name": "X", "kind": "service"}
    )
    assert_refused(created, 403, "insufficient_role")
    deleted = associate.delete(f"/api/v1/official-accounts/{account.pk}")
    assert_refused(deleted, 403, "insufficient_role")
    assert OfficialAccount.objects.filter(pk=account.pk).exists()


def test_another_brands_admin_sees_nothing_of_the_back_office():
    account = official_account()
    other = brand_with_staff(name="Rival")
    rival = consumer_client(other.admin)
    assert rival.delete(f"/api/v1/official-accounts/{account.pk}").status_code == 404
    assert rival.get(f"/api/v1/brands/{account.brand.pk}/inbox").status_code == 404
    assert rival.get(f"/api/v1/official-accounts/{account.pk}/auto-replies").status_code == 404
    assert rival.get(f"/api/v1/brands/{account.brand.pk}/webhook-deliveries").status_code == 404
    published = rival.post(
        f"/api/v1/official-accounts/{account.pk}/broadcasts", {"title": "t", "body": "b"}
    )
    assert published.status_code == 404
    menu = rival.put(f"/api/v1/official-accounts/{account.pk}/menu", {"menu": []})
    assert menu.status_code == 404


def test_the_owner_deletes_an_account_and_the_audit_log_keeps_it():
    account = official_account()
    response = consumer_client(account.brand.owner).delete(
        f"/api/v1/official-accounts/{account.pk}"
    )
    assert response.status_code == 204
    assert not OfficialAccount.objects.filter(pk=account.pk).exists()
    assert account.brand.audit_log.filter(action="account.deleted").exists()


def test_follow_and_unfollow_are_idempotent_and_counted():
    account = official_account()
    fan = consumer_client(UserFactory())
    url = f"/api/v1/official-accounts/{account.pk}/follow"
    assert fan.post(url).json() == {"following": True, "follower_count": 1}
    assert fan.post(url).json() == {"following": True, "follower_count": 1}
    followers(account, 3)
    assert fan.delete(url).json() == {"following": False, "follower_count": 3}
    assert fan.delete(url).json() == {"following": False, "follower_count": 3}
    assert fan.get(f"/api/v1/official-accounts/{account.pk}").json()["follower_count"] == 3


def test_follow_and_unfollow_emit_domain_events_once():
    account = official_account()
    fan = consumer_client(UserFactory())
    url = f"/api/v1/official-accounts/{account.pk}/follow"
    fan.post(url)
    fan.post(url)
    fan.delete(url)
    expected = {"brand_id": account.brand.pk, "account_id": account.pk, "user_id": fan.user.pk}
    events = DomainEvent.objects.filter(type__startswith="official.account_").order_by("id")
    assert [(e.type, e.payload) for e in events] == [
        ("official.account_followed", expected),
        ("official.account_unfollowed", expected),
    ]


def test_following_an_unknown_account_is_404():
    response = consumer_client(UserFactory()).post("/api/v1/official-accounts/999999/follow")
    assert_refused(response, 404, "account_not_found")


def test_a_user_lists_the_accounts_they_follow_with_counts(django_assert_max_num_queries):
    fan = UserFactory()
    accounts = [official_account() for _ in range(3)]
    for account in accounts[:2]:
        followers(account, 2)
        consumer_client(fan).post(f"/api/v1/official-accounts/{account.pk}/follow")
    client = consumer_client(fan)
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/official-accounts")
    listed = {a["id"]: a["follower_count"] for a in response.json()["results"]}
    assert listed == {accounts[0].pk: 3, accounts[1].pk: 3}


VALID_MENU = [
    {"name": "Shop", "type": "miniprogram", "app_id": "wx123", "path": "pages/home"},
    {
        "name": "Stores",
        "sub_items": [
            {"name": "Paris", "type": "link", "url": "https://example.com/paris"},
            {"name": "Hours", "type": "keyword", "keyword": "hours"},
        ],
    },
    {"name": "Help", "type": "keyword", "keyword": "help"},
]


def test_a_valid_menu_is_saved_and_shown_on_the_profile():
    account = official_account()
    response = consumer_client(account.brand.admin).put(
        f"/api/v1/official-accounts/{account.pk}/menu", {"menu": VALID_MENU}
    )
    assert response.status_code == 200, response.content
    profile = consumer_client(UserFactory()).get(f"/api/v1/official-accounts/{account.pk}")
    assert [item["name"] for item in profile.json()["menu"]] == ["Shop", "Stores", "Help"]
    assert account.brand.audit_log.filter(action="menu.updated").exists()


def _sub(n):
    return [{"name": f"S{i}", "type": "keyword", "keyword": f"k{i}"} for i in range(n)]


@pytest.mark.parametrize(
    "menu",
    [
        pytest.param([*VALID_MENU, {"name": "4th", "type": "keyword", "keyword": "x"}], id="4x"),
        pytest.param([{"name": "Many", "sub_items": _sub(6)}], id="6-sub-items"),
        pytest.param([{"name": "Empty"}], id="no-action"),
        pytest.param(
            [{"name": "Both", "type": "keyword", "keyword": "x", "sub_items": _sub(1)}], id="both"
        ),
        pytest.param([{"name": "L", "type": "link"}], id="link-without-url"),
        pytest.param([{"name": "M", "type": "miniprogram", "app_id": "wx1"}], id="mp-no-path"),
        pytest.param([{"name": "P", "type": "phone"}], id="unknown-type"),
        pytest.param([{"name": "N" * 17, "type": "keyword", "keyword": "x"}], id="long-name"),
        pytest.param(
            [{"name": "Deep", "sub_items": [{"name": "x", "sub_items": _sub(1)}]}], id="nested"
        ),
    ],
)
def test_an_invalid_menu_is_refused_and_the_old_one_kept(menu):
    account = official_account()
    client = consumer_client(account.brand.owner)
    client.put(f"/api/v1/official-accounts/{account.pk}/menu", {"menu": VALID_MENU})
    response = client.put(f"/api/v1/official-accounts/{account.pk}/menu", {"menu": menu})
    assert_refused(response, 400, "validation_error")
    account.refresh_from_db()
    assert [item["name"] for item in account.menu] == ["Shop", "Stores", "Help"]


def test_a_full_three_by_five_menu_is_accepted():
    account = official_account()
    menu = [{"name": f"Top {i}", "sub_items": _sub(5)} for i in range(3)]
    response = consumer_client(account.brand.owner).put(
        f"/api/v1/official-accounts/{account.pk}/menu", {"menu": menu}
    )
    assert response.status_code == 200


ARTICLE = {
    "title": "The autumn edit",
    "cover_url": "https://cdn.example.com/cover.jpg",
    "body": [
        {"type": "heading", "text": "Autumn"},
        {"type": "paragraph", "text": "Wool, cashmere and moonlight."},
        {"type": "image", "url": "https://cdn.example.com/coat.jpg", "alt": "The coat"},
    ],
    "links": [
        {"type": "product", "title": "The coat", "product_id": 42},
        {"type": "miniprogram", "title": "Our shop", "app_id": "wx123", "path": "pages/coat?id=42"},
        {"type": "url", "title": "Lookbook", "url": "https://example.com/lookbook"},
    ],
}


def test_articles_with_rich_text_and_links_appear_on_the_profile_page():
    account = official_account()
    created = consumer_client(account.brand.admin).post(
        f"/api/v1/official-accounts/{account.pk}/articles", ARTICLE, format="json"
    )
    assert created.status_code == 201, created.content
    listed = consumer_client(UserFactory()).get(f"/api/v1/official-accounts/{account.pk}/articles")
    assert listed.status_code == 200
    article = listed.json()["results"][0]
    assert article["body"][2] == ARTICLE["body"][2]
    assert [link["type"] for link in article["links"]] == ["product", "miniprogram", "url"]


@pytest.mark.parametrize(
    "change",
    [
        {"body": []},
        {"body": [{"type": "paragraph"}]},
        {"body": [{"type": "script", "text": "alert(1)"}]},
        {"links": [{"type": "product", "title": "No id"}]},
        {"links": [{"type": "url", "title": "Bad", "url": "javascript:alert(1)"}]},
    ],
)
def test_malformed_articles_are_refused(change):
    account = official_account()
    response = consumer_client(account.brand.owner).post(
        f"/api/v1/official-accounts/{account.pk}/articles", {**ARTICLE, **change}, format="json"
    )
    assert_refused(response, 400, "validation_error")


def test_associates_cannot_publish_articles():
    account = official_account()
    response = consumer_client(account.brand.associate).post(
        f"/api/v1/official-accounts/{account.pk}/articles", ARTICLE, format="json"
    )
    assert response.status_code == 403


def test_discover_lists_the_accounts_of_verified_brands_only():
    verified = official_account(name="Verified Co", verified=True)
    official_account(brand=brand_with_staff(name="Unverified Co", verified=False), name="Unknown")
    viewer = consumer_client(UserFactory())
    found = viewer.get("/api/v1/official-accounts?discover=true").json()["results"]
    assert [a["id"] for a in found] == [verified.pk]
    assert viewer.get("/api/v1/official-accounts").json()["results"] == []
