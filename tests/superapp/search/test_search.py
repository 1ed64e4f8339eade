"""Search on PostgreSQL: what a person may find, how it matches and ranks, what one search
costs, and the API around it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from miniprograms.live import services as live_services
from superapp.core.fulltext import Search
from superapp.official import services as official_services
from superapp.search import selectors
from tests.factories import UserFactory
from tests.helpers import consumer_client
from tests.miniprograms.factories import released_app
from tests.miniprograms.shop.factories import product_factory
from tests.superapp.messaging.factories import group_chat, send_text
from tests.superapp.search import world as search_world
from tests.superapp.social.factories import befriend

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return search_world.build()


def ids(viewer, q, kind):
    results, _ = selectors.search_kind(
        viewer=viewer, search=Search(q), kind=kind, offset=0, limit=50
    )
    return [result["id"] for result in results]


@pytest.mark.parametrize("scan_max", [20_000, 0], ids=["row_by_row", "from_gin_index"])
def test_messages_only_from_the_callers_conversations_never_recalled_or_erased(
    world, settings, scan_max
):
    settings.SEARCH_MESSAGES_SCAN_MAX = scan_max
    objects = world.objects
    # recalled, a stranger's, an erased person's and a blocked person's all say "chocolate"
    assert ids(world.me, "chocolate", "messages") == [objects["found"].pk]
    assert ids(world.me, "recalled", "messages") == []
    assert ids(world.me, "strangers", "messages") == []
    assert ids(world.me, "erased", "messages") == []
    assert ids(world.me, "blocked", "messages") == []
    assert ids(objects["stranger"], "strangers", "messages") != []


def test_a_message_result_says_where_to_open_it(world):
    [result], more = selectors.search_kind(
        viewer=world.me, search=Search("Fri"), kind="messages", offset=0, limit=5
    )
    found = world.objects["found"]
    assert not more
    assert result["open"]["conversation_id"] == world.objects["chat"].pk
    assert result["open"]["seq"] == found.seq
    assert result["open"]["message_id"] == found.pk
    snippet = result["snippet"]
    [[start, end]] = snippet["highlights"]
    assert snippet["text"][start:end] == "Fri"


def test_people_who_hide_are_erased_or_blocked_never_appear(world):
    people = ids(world.me, "ann", "people")
    assert people[0] == world.friend.pk  # then any generated name containing "ann"
    objects = world.objects
    hiding = {world.me.pk, objects["hidden"].pk, objects["erased"].pk, objects["blocked"].pk}
    assert not hiding & set(people)
    assert world.objects["hidden"].pk not in ids(world.friend, "annette", "people")
    assert world.objects["blocked"].pk not in ids(world.me, "annalise", "contacts")
    assert world.me.pk not in ids(world.objects["blocked"], "anna", "people")  # both ways


def test_a_contact_who_hides_from_strangers_is_found_among_contacts(world):
    hidden = world.objects["hidden"]
    befriend(world.me, hidden)
    assert ids(world.me, "annette", "contacts") == [hidden.pk]
    assert ids(world.me, "annette", "people") == []


def test_unreleased_apps_and_draft_products_never_appear(world):
    objects = world.objects
    assert ids(world.me, "chocolate", "miniprograms") == [objects["released"].pk]
    assert objects["draft"].pk not in ids(world.me, "scarf", "products")


def test_exact_names_rank_above_partial_ones(world):
    objects = world.objects
    assert ids(world.me, "scarf", "products") == [objects["scarf"].pk, objects["silk"].pk]
    assert ids(world.friend, "anna", "people")[0] == world.me.pk
    assert ids(world.me, "annabelle", "contacts") == [world.friend.pk]


def test_partial_words_match_by_prefix_and_inside_names(world):
    objects = world.objects
    assert ids(world.me, "choc", "messages") == [objects["found"].pk]
    assert ids(world.me, "colat", "official_accounts") == [objects["account"].pk]
    assert set(ids(world.me, "arf", "products")) == {objects["scarf"].pk, objects["silk"].pk}


@pytest.mark.parametrize("scan_max", [20_000, 0], ids=["row_by_row", "from_gin_index"])
def test_chinese_and_japanese_text_matches_inside_words(world, settings, scan_max):
    settings.SEARCH_MESSAGES_SCAN_MAX = scan_max
    objects = world.objects
    assert ids(world.me, "天安门", "messages") == [objects["cjk"].pk]
    assert ids(world.me, "北京", "messages") == [objects["cjk"].pk]
    assert ids(world.me, "上海", "messages") == []
    assert ids(world.me, "タワー", "products") == [objects["tower"].pk]
    [result], _ = selectors.search_kind(
        viewer=world.me, search=Search("天安门"), kind="messages", offset=0, limit=5
    )
    assert result["snippet"]["highlights"] == [[4, 7]]


def test_articles_and_live_shows_match_their_text(world):
    objects = world.objects
    assert ids(world.me, "cardamom", "articles") == [objects["article"].pk]
    assert ids(world.me, "tasting", "live_shows") == [objects["show"].pk]
    assert ids(world.me, "chocolate club", "conversations") == [objects["group"].pk]
    assert ids(world.friend, "chocolate club", "conversations") == []


def test_the_queries_of_one_search(world, django_assert_max_num_queries):
    """A grouped search where every kind has more results than its group shows: one query per
    kind (word matches and names containing the query together) and one to size the caller's
    messages, whatever the number of results: a query per result (N+1) fails the bound."""
    me, owner = world.me, world.shop.brand.members.get(role="owner").user
    for number in range(4):
        cocoa = UserFactory(username=f"cocoa{number}", display_name=f"Cocoa {number}")
        befriend(me, cocoa)
        group, _, _ = group_chat(owner=me, title=f"Cocoa club {number}")
        send_text(group, me, f"cocoa at {number}")
        account = official_services.account_create(
            actor=owner, brand_id=world.shop.brand_id, name=f"Cocoa {number}", kind="service"
        )
        official_services.article_create(
            actor=owner, account_id=account.pk, title=f"Cocoa {number}", body=[], links=[]
        )
        released_app(name=f"Cocoa {number}")
        product_factory(world.shop, title=f"Cocoa {number}", handle=f"cocoa-{number}")
        live_services.show_create(
            actor=owner,
            brand_id=world.shop.brand_id,
            title=f"Cocoa {number}",
            stream_url="https://stream.example/cocoa.m3u8",
            starts_at=timezone.now() + timedelta(hours=number + 1),
            host=owner.username,
            product_ids=[],
        )
    with django_assert_max_num_queries(len(selectors.KINDS) + 1):  # 10
        groups = selectors.search_grouped(viewer=me, search=Search("cocoa"))
    assert [group["kind"] for group in groups] == selectors.KIND_NAMES
    assert all(len(group["results"]) == 3 and group["more"] for group in groups)


@pytest.mark.parametrize("q", ["scarf", "arf", "hat"])
def test_pages_follow_one_another_through_every_rank_tier(world, q):
    """Exact names, names starting with the query, titles, descriptions, then names
    containing the query ("arf"): paging one at a time gives the order of one long page."""
    shop = world.shop
    for number, title in enumerate(["Wool scarf", "Scarf", "Scarfs and hats", "Barfly"]):
        product_factory(shop, title=title, handle=f"more-{number}")
    product_factory(shop, title="Hat", handle="hat", description="Goes with a scarf")
    whole = ids(world.me, q, "products")
    assert len(whole) >= 2, whole
    paged = []
    for offset in range(len(whole) + 1):
        results, more = selectors.search_kind(
            viewer=world.me, search=Search(q), kind="products", offset=offset, limit=1
        )
        paged += [result["id"] for result in results]
        assert more == (offset < len(whole) - 1)
    assert paged == whole


def test_a_page_filled_by_word_matches_is_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        results, more = selectors.search_kind(
            viewer=world.me, search=Search("scarf"), kind="products", offset=0, limit=1
        )
    assert [r["id"] for r in results] == [world.objects["scarf"].pk] and more


def test_a_search_is_planned_for_its_own_terms_every_time(world, settings):
    """PostgreSQL's generic plan of a prepared search (psycopg prepares a statement on its
    sixth run) cannot know how common the words are, and ran twice as long on the bench's
    catalogue: searches are never prepared, however often one is repeated."""
    from django.db import connection

    for _ in range(settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"] + 3):
        ids(world.me, "scarf", "products")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%search_document%"],
        )
        [(prepared,)] = cursor.fetchall()
    assert prepared == 0
    ids(world.me, "scarf", "products")  # and the connection prepares other statements again
    assert (
        connection.connection.prepare_threshold
        == (settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"])
    )


def test_search_api_groups_pages_and_refuses_bad_input(world):
    api = consumer_client(world.me)
    body = api.get("/api/v1/search", {"q": "scarf"}).json()
    [group] = body["groups"]
    assert group["kind"] == "products" and not group["more"]
    assert group["results"][0]["open"] == {
        "shop_id": world.shop.pk,
        "product_id": world.objects["scarf"].pk,
        "handle": "scarf",
        "app_id": world.shop.miniprogram.app_id,
    }
    first = api.get("/api/v1/search", {"q": "scarf", "kind": "products", "limit": 1}).json()
    assert len(first["results"]) == 1 and first["next"]
    second = api.get(first["next"]).json()
    assert [r["id"] for r in second["results"]] == [world.objects["silk"].pk]
    assert second["next"] is None
    for params, field in (({"q": "?!"}, "q"), ({"q": "a", "kind": "gossip"}, "kind"), ({}, "q")):
        answer = api.get("/api/v1/search", params)
        assert answer.status_code == 400
        assert answer.json()["code"] == "validation_error"
        assert field in answer.json()["fields"]


def test_findable_by_username_is_a_profile_setting(world):
    api = consumer_client(world.friend)
    assert api.get("/api/v1/me").json()["findable_by_username"] is True
    answer = api.patch("/api/v1/me", {"findable_by_username": False}, format="json")
    assert answer.status_code == 200
    assert world.friend.pk not in ids(world.objects["stranger"], "annabelle", "people")
    assert ids(world.me, "annabelle", "contacts") == [world.friend.pk]


def test_discover_lists_featured_accounts_released_apps_and_upcoming_shows(world):
    body = consumer_client(world.me).get("/api/v1/discover").json()
    assert [r["id"] for r in body["official_accounts"]] == [world.objects["account"].pk]
    # the released app and the shop's storefront, released when the shop was turned on
    assert {r["open"]["app_id"] for r in body["miniprograms"]} == {
        world.objects["released"].app_id,
        world.shop.miniprogram.app_id,
    }
    assert [r["open"]["show_id"] for r in body["live_shows"]] == [world.objects["show"].pk]


def test_highlights_mark_every_term_in_a_snippet_around_the_first_match():
    text = "x" * 200 + " the Tower of 東京 " + "y" * 200
    snippet = Search("tower 東京").highlight(text, width=80)
    assert len(snippet["text"]) == 80
    assert [snippet["text"][a:b] for a, b in snippet["highlights"]] == ["Tower", "東京"]
    assert Search("tower").highlight(text)["text"] == text  # titles come whole
