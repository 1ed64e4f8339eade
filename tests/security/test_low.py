"""Issue 22, Low: each was a 5xx or a lie."""

import base64
import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from miniprograms.shop.models import Product, SkuPrice
from payments import services as payment_services
from tests.helpers import basic_auth, consumer_client
from tests.miniprograms.factories import bundle_bytes, released_app
from tests.miniprograms.shop.factories import shop_factory, world
from tests.miniprograms.test_oidc import login_code, pkce_pair, token_exchange
from tests.payments.factories import PIN, merchant_app, pay_order, payer
from tests.payments.test_payorders_api import app_client
from tests.superapp.messaging.factories import direct_chat
from tests.superapp.official.factories import brand_with_staff, official_account

pytestmark = pytest.mark.django_db


# --- 10. deep nesting ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/auth/register"])
def test_deeply_nested_json_is_a_400_not_a_recursion_error(path):
    response = APIClient().post(path, "[" * 2048, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "parse_error")


def test_json_nested_past_the_limit_but_parseable_is_refused(settings):
    settings.JSON_MAX_DEPTH = 8
    body = json.dumps({"username": [[[[[[[[["x"]]]]]]]]], "password": "p"})
    response = APIClient().post("/api/v1/auth/login", body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "parse_error")


# --- 11. NUL bytes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/mp/%00/",
        "/api/v1/pay/orders/%00",
        "/api/v1/users/%00",
        "/api/v1/me?x=%00",
        "/api/v1/miniprograms/wx%00/login",
    ],
)
def test_a_nul_byte_in_a_path_or_query_is_a_400(api, path):
    response = api.get(path)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_characters"


def test_a_nul_byte_in_a_form_field_or_basic_credentials_is_a_400():
    token = Client().post("/o/token/", {"grant_type": "client_credentials", "client_id": "\x00"})
    assert (token.status_code, token.json()["code"]) == (400, "invalid_characters")
    server = APIClient()
    server.credentials(HTTP_AUTHORIZATION=basic_auth("wx\x00", "secret"))
    response = server.post("/api/v1/mp/code2session", {"code": "x"}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_characters")


# --- 12. cursors and integers --------------------------------------------------------------------


def _cursor(position: str) -> str:
    return base64.b64encode(f"p={position}".encode()).decode()


@pytest.mark.parametrize(
    "path",
    ["/api/v1/conversations", "/api/v1/wallet/transactions", "/api/v1/moments/feed"],
)
@pytest.mark.parametrize("position", ["2026", "99999999999999999999999", "x\x00", "2026-13-45"])
def test_a_forged_cursor_is_a_404_not_a_500(api, path, position):
    """A position that is a value of the ordering field (2026 for an id) is a fine cursor;
    anything else is an invalid cursor, 404 as DRF answers an undecodable one."""
    response = api.get(path, {"cursor": _cursor(position)})
    assert response.status_code in (200, 404), response.content
    if response.status_code == 404:
        assert response.json()["code"] == "not_found"
    if position != "2026":
        assert response.status_code == 404


@pytest.mark.parametrize("value", [2**63, 2**64 + 7])
def test_an_id_past_64_bits_in_a_path_is_a_404(api, value):
    response = api.get(f"/api/v1/conversations/{value}/messages")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_an_integer_past_its_column_is_a_400(api):
    shop_world = world()
    manager = consumer_client(shop_world.owner)
    response = manager.patch(
        f"/api/v1/shops/{shop_world.shop.pk}/skus/{shop_world.sku.pk}",
        {"stock": 2147483648},
        format="json",
    )
    assert response.status_code == 400, response.content


# --- 13. campaigns through another brand's official account --------------------------------------


@pytest.mark.parametrize("whose", ["another brand's", "nobody's"])
def test_a_campaign_must_use_the_brands_own_official_account(whose):
    brand = brand_with_staff()
    other = official_account(brand=brand_with_staff(name="Other"))
    account_id = other.pk if whose == "another brand's" else 987654
    client = consumer_client(brand.owner)
    segment = client.post(
        f"/api/v1/loyalty/brands/{brand.pk}/segments",
        {"name": "All", "filters": {"min_spend": 1}},
        format="json",
    ).json()["id"]
    response = client.post(
        f"/api/v1/loyalty/brands/{brand.pk}/campaigns",
        {"segment_id": segment, "account_id": account_id, "title": "Hi", "body": "News"},
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (404, "account_not_found")


# --- 15. the manifest is never served ------------------------------------------------------------


@pytest.mark.parametrize(
    "tail",
    ["app.json", "./app.json", "pages/../app.json", "%2e%2e/app.json", "pages/%2e%2e/app.json"],
)
def test_app_json_is_not_served_through_dot_segments(tail):
    app, _, _ = released_app()
    response = Client().get(f"/mp/{app.app_id}/{tail}")
    assert response.status_code == 404
    assert b'"pages"' not in response.content


def test_pages_are_still_served():
    app, _, _ = released_app(bundle=bundle_bytes())
    assert Client().get(f"/mp/{app.app_id}/pages/index.html").status_code == 200


# --- 18. chat cards tell the truth ---------------------------------------------------------------


def _send(sender, conversation, payload_type, payload):
    return consumer_client(sender).post(
        f"/api/v1/conversations/{conversation.pk}/messages",
        {"type": payload_type, "payload": payload, "client_msg_id": "card-1"},
        format="json",
    )


def test_a_miniprogram_card_must_point_at_a_page_of_a_released_app():
    conversation, sender, _ = direct_chat()
    missing = _send(
        sender, conversation, "miniprogram", {"app_id": "wxnope", "title": "T", "path": "pages/a"}
    )
    assert missing.status_code == 404, missing.content
    app, _, _ = released_app()
    phish = _send(
        sender,
        conversation,
        "miniprogram",
        {"app_id": app.app_id, "title": "T", "path": "../../phish"},
    )
    assert (phish.status_code, phish.json()["code"]) == (400, "invalid_card")
    fine = _send(
        sender,
        conversation,
        "miniprogram",
        {"app_id": app.app_id, "title": "T", "path": "pages/index"},
    )
    assert fine.status_code == 201, fine.content


def test_a_product_card_must_carry_a_real_price_of_a_published_product():
    conversation, sender, _ = direct_chat()
    shop_world = world()
    product = shop_world.product
    Product.objects.filter(pk=product.pk).update(status=Product.Status.PUBLISHED)
    price = SkuPrice.objects.filter(sku=shop_world.sku).first()
    card = {
        "product_id": product.pk,
        "title": "Anything",
        "price": {"amount": 1, "currency": price.currency},
    }
    invented = _send(sender, conversation, "product", card)
    assert (invented.status_code, invented.json()["code"]) == (400, "invalid_card")
    card["price"]["amount"] = price.amount
    real = _send(sender, conversation, "product", card)
    assert real.status_code == 201, real.content
    assert real.json()["payload"]["title"] == product.title


# --- 19. /metrics --------------------------------------------------------------------------------


def test_metrics_are_not_public(settings):
    settings.METRICS_TOKEN = "monitoring-token-123"
    outsider = Client(REMOTE_ADDR="203.0.113.9")
    assert outsider.get("/metrics").status_code == 404
    allowed = outsider.get("/metrics", HTTP_AUTHORIZATION="Bearer monitoring-token-123")
    assert allowed.status_code == 200
    settings.METRICS_ALLOWED_NETWORKS = ["203.0.113.0/24"]
    assert outsider.get("/metrics").status_code == 200


# --- 20. OIDC discovery tells the truth ----------------------------------------------------------


def test_discovery_describes_what_the_server_does():
    document = Client(HTTP_HOST="localhost:6666").get("/o/.well-known/openid-configuration")
    document = document.json()
    assert document["subject_types_supported"] == ["pairwise"]
    assert {"sub", "unionid", "name", "picture"} <= set(document["claims_supported"])
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert "6666" not in document["issuer"]  # the issuer never follows the Host header


def test_a_failed_pkce_attempt_burns_the_code(api):
    app, secret, _ = released_app()
    verifier, challenge = pkce_pair()
    code = login_code(api, app, challenge)
    wrong, _ = pkce_pair()
    assert token_exchange(app, secret, code, wrong).status_code == 400
    assert token_exchange(app, secret, code, verifier).status_code == 400


def test_id_tokens_live_no_longer_than_access_tokens(api, settings):
    app, secret, _ = released_app()
    verifier, challenge = pkce_pair()
    body = token_exchange(app, secret, login_code(api, app, challenge), verifier).json()
    payload = body["id_token"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["exp"] - claims["iat"] <= body["expires_in"] + 5  # issued a moment later


# --- 14. catalogue CSV import validates each row like the API ------------------------------------

CSV_HEADER = (
    "handle,title,description,collections,images,sku,options,stock,currency,price,"
    "compare_at_price,published\n"
)


def _import(csv_text: str):
    shop = shop_factory()
    staff = consumer_client(shop.brand.members.get().user)
    upload = SimpleUploadedFile("c.csv", csv_text.encode(), content_type="text/csv")
    response = staff.post(
        f"/api/v1/shops/{shop.pk}/catalogue/import", {"file": upload}, format="multipart"
    )
    return shop, response


def test_csv_rows_the_api_would_refuse_are_reported_and_the_good_rows_kept():
    rows = [
        "good,Good tee,,,https://img.example/a.jpg,G-1,,5,EUR,1900,,yes",
        "js,Bad image,,,javascript:alert(1),J-1,,5,EUR,1900,,yes",
        "xxx,Bad currency,,,,X-1,,5,XXX,1900,,yes",
        "big,Huge stock,,,,B-1,,2147483648,EUR,1900,,yes",
        f"long,{'T' * 201},,,,L-1,,5,EUR,1900,,yes",
        "Not A Slug!,Slug,,,,S-1,,5,EUR,1900,,yes",
        "nul,Nul\x00title,,,,N-1,,5,EUR,1900,,yes",
    ]
    shop, response = _import(CSV_HEADER + "\n".join(rows) + "\n")
    assert response.status_code == 200, response.content
    report = response.json()
    assert (report["rows"], report["created"]) == (7, 1)
    assert [e["row"] for e in report["errors"]] == [3, 4, 5, 6, 7, 8]
    assert list(Product.objects.filter(shop=shop).values_list("handle", flat=True)) == ["good"]


def test_formula_text_is_neutralised_in_the_settlement_csv():
    merchant, secret = merchant_app()
    buyer = payer(10_000)
    order = pay_order(merchant, buyer, 3000, out_trade_no='=HYPERLINK("http://evil.example")')
    payment_services.payorder_confirm(actor=buyer, prepay_id=order.prepay_id, pin=PIN)
    day = timezone.now().date().isoformat()
    exported = app_client(merchant, secret).get(f"/api/v1/pay/settlements/{day}/csv")
    [row] = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert row["out_trade_no"] == "'" + '=HYPERLINK("http://evil.example")'
    assert row["net"].lstrip("-").isdigit()  # numbers stay numbers
