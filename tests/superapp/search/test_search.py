"""Search on PostgreSQL: what a person may find, how it matches and ranks, what one search
costs, and the API around it."""

import pytest

from superapp.core.fulltext import Search
from superapp.search import selectors
from tests.helpers import consumer_client
from tests.superapp.search import world as search_world

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
    from tests.superapp.social.factories import befriend

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


def test_the_queries_of_one_search(world, django_assert_num_queries):
    """A grouped search: one query per kind, one more to size the caller's messages, and one
    more per kind with names whose words did not fill its group (the names containing the
    query; none fills 3 here). A page that words fill takes one query."""
    with_names = [kind for kind in selectors.KINDS if kind.has_names]
    with django_assert_num_queries(len(selectors.KINDS) + 1 + len(with_names)):
        groups = selectors.search_grouped(viewer=world.me, search=Search("choc"))
    kinds = [group["kind"] for group in groups]
    assert kinds == [
        "conversations",
        "messages",
        "official_accounts",
        "articles",
        "miniprograms",
        "live_shows",
    ]


def test_a_page_filled_by_word_matches_is_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        results, more = selectors.search_kind(
            viewer=world.me, search=Search("scarf"), kind="products", offset=0, limit=1
        )
    assert [r["id"] for r in results] == [world.objects["scarf"].pk] and more


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
    assert [r["open"]["app_id"] for r in body["miniprograms"]] == [world.objects["released"].app_id]
    assert [r["open"]["show_id"] for r in body["live_shows"]] == [world.objects["show"].pk]


def test_highlights_mark_every_term_in_a_snippet_around_the_first_match():
    text = "x" * 200 + " the Tower of 東京 " + "y" * 200
    snippet = Search("tower 東京").highlight(text, width=80)
    assert len(snippet["text"]) == 80
    assert [snippet["text"][a:b] for a, b in snippet["highlights"]] == ["Tower", "東京"]
    assert Search("tower").highlight(text)["text"] == text  # titles come whole
