"""The shop API is documented in the OpenAPI schema under the `shop` tag."""

import json

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_every_shop_endpoint_is_in_the_schema_under_the_shop_tag():
    schema = json.loads(APIClient().get("/api/schema", HTTP_ACCEPT="application/json").content)
    shop_paths = {
        path: operations
        for path, operations in schema["paths"].items()
        if "/shop" in path and not path.startswith("/api/v1/brands/{brand_id}/members")
    }
    assert "/api/v1/shops/{shop_id}/checkout" in shop_paths
    assert "/api/v1/shop/teams/{team_id}/join" in shop_paths
    assert "/api/v1/shops/{shop_id}/catalogue/import" in shop_paths
    tags = {tag for ops in shop_paths.values() for op in ops.values() for tag in op["tags"]}
    assert tags == {"shop"}
    checkout = shop_paths["/api/v1/shops/{shop_id}/checkout"]["post"]
    assert "201" in checkout["responses"]
