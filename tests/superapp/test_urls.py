"""The API's memoized resolver (superapp/urls.py): remembering a match changes nothing a client
sees."""

import pytest
from django.urls import resolve, reverse

pytestmark = pytest.mark.django_db


def test_a_remembered_route_resolves_to_the_same_view_with_its_own_arguments():
    first = resolve("/api/v1/shops/7/checkout")
    again = resolve("/api/v1/shops/7/checkout")
    other = resolve("/api/v1/shops/8/checkout")
    assert again.func is first.func is other.func
    assert (first.kwargs, other.kwargs) == ({"shop_id": 7}, {"shop_id": 8})
    assert reverse(first.view_name, kwargs={"shop_id": 7}) == "/api/v1/shops/7/checkout"


def test_an_unknown_api_path_is_still_a_json_404_every_time(client):
    for _ in range(2):
        response = client.get("/api/v1/no-such-thing")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
