"""Every shop's mini-program serves the built storefront (web/storefront), released when the
shop opens and again by `manage.py storefront_release` whenever the build changes."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from oauth2_provider.models import Application

from miniprograms import services as miniprogram_services
from miniprograms.models import MiniProgramVersion
from superapp.core.errors import InvalidInput
from tests.factories import UserFactory
from tests.helpers import consumer_client
from tests.miniprograms.shop.factories import shop_factory

pytestmark = pytest.mark.django_db


def released(shop) -> MiniProgramVersion:
    return MiniProgramVersion.objects.get(miniprogram=shop.miniprogram, status="released")


def test_opening_a_shop_releases_the_storefront_as_its_miniprogram():
    shop = shop_factory()
    version = released(shop)
    assert version.version.startswith("sf-")
    assert version.manifest["entry_page"] == "index"
    assert set(version.manifest["scopes"]) == {"shop", "address", "pay"}
    app_id = shop.miniprogram.app_id
    client = Client()
    assert client.get(f"/mp/{app_id}/")["Location"].endswith(f"/mp/{app_id}/index.html")
    page = client.get(f"/mp/{app_id}/index.html")
    assert page.status_code == 200 and b'<div id="root">' in page.content
    assert client.get(f"/mp/{app_id}/assets/app.js").status_code == 200
    assert b"window.plaza = createPlaza(window)" in client.get(f"/mp/{app_id}/plaza-sdk.js").content
    script = client.get(f"/mp/{app_id}/storefront-config.js").content.decode()
    assert script.startswith("window.plazaStorefront = ")
    config = json.loads(script.removeprefix("window.plazaStorefront = ").rstrip(";\n"))
    assert config == {
        "shop_id": shop.pk,
        "app_id": app_id,
        "currency": shop.currency,
        "api_base_url": "",
        "max_review_photos": 9,
    }
    launch = consumer_client(UserFactory()).get(f"/api/v1/miniprograms/{app_id}")
    assert launch.status_code == 200, launch.content
    assert launch.json()["routes"] == ["/", "/products/", "/cart", "/orders", "/orders/", "/teams/"]
    application = shop.miniprogram.oauth_application
    assert application.client_type == Application.CLIENT_PUBLIC  # PKCE alone, no secret


def test_release_is_idempotent_and_follows_a_new_build(settings, tmp_path):
    shop = shop_factory()
    first = released(shop)
    out = io.StringIO()
    call_command("storefront_release", stdout=out)
    assert out.getvalue() == (
        f"storefront of {shop.name} ({shop.miniprogram.app_id}): unchanged {first.version}\n"
    )
    assert MiniProgramVersion.objects.filter(miniprogram=shop.miniprogram).count() == 1

    dist = tmp_path / "new-build"
    dist.mkdir()
    (dist / "index.html").write_text("<p>new build</p>")
    settings.STOREFRONT_DIST_DIR = str(dist)
    out = io.StringIO()
    call_command("storefront_release", stdout=out)
    second = released(shop)
    assert second.version != first.version
    assert f"released {second.version}" in out.getvalue()
    first.refresh_from_db()
    assert first.status == "superseded"
    assert b"new build" in Client().get(f"/mp/{shop.miniprogram.app_id}/index.html").content


def test_without_a_build_the_shop_opens_and_the_command_says_what_is_missing(settings, tmp_path):
    settings.STOREFRONT_DIST_DIR = str(tmp_path / "never-built")
    shop = shop_factory()
    assert not MiniProgramVersion.objects.filter(miniprogram=shop.miniprogram).exists()
    with pytest.raises(CommandError, match="make web-build"):
        call_command("storefront_release")


def test_cards_may_open_the_storefronts_own_pages_and_nothing_else():
    app_id = shop_factory().miniprogram.app_id
    image = "https://cdn.example/card.png"
    for path in ("/", "/teams/12", "/products/3", "/orders/4", "/cart", "index", "/teams/5?x=1"):
        card = miniprogram_services.card_payload_validate(
            app_id=app_id, title="Join my team", page_path=path, image_url=image
        )
        assert card["page_path"] == path
    for path in ("/admin", "/teams/1/2", "/teams", "/cartx", "pages/index"):
        with pytest.raises(InvalidInput):
            miniprogram_services.card_payload_validate(
                app_id=app_id, title="Join my team", page_path=path, image_url=image
            )
