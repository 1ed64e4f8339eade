"""Serving released bundles so that a sandboxed frame can run them: the bundle's own files
load from the opaque origin, relative URLs resolve inside the bundle, URLs follow the host
that serves Plaza, the app's origin may frame them, and development servers are reachable only
under DEBUG. Deep links land on the Plaza app."""

import gzip
import re
from urllib.parse import urljoin

import pytest
from django.test import Client

from examples.coffee.build import build_bundle
from tests.factories import UserFactory
from tests.miniprograms.factories import (
    PAGES,
    bundle_bytes,
    developer_app,
    manifest,
    release,
    released_app,
    upload_file,
)

pytestmark = pytest.mark.django_db


def csp_directive(response, name: str) -> str:
    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    return directives[name]


def test_bundle_files_are_loadable_from_the_opaque_origin_of_the_sandbox():
    app, _, _ = released_app()
    response = Client().get(f"/mp/{app.app_id}/app.js")
    assert response.status_code == 200
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "allow-same-origin" not in response["Content-Security-Policy"]


SCRIPT = b"const greeting = 'hello from the bundle';\n" * 200
PIXEL = bytes(range(256)) * 8


def bundle_with_script_and_image() -> bytes:
    files = {f"{page}.html": b"<h1>page</h1>" for page in PAGES}
    return bundle_bytes(manifest(scopes=[]), files={**files, "app.js": SCRIPT, "logo.png": PIXEL})


def test_a_bundle_script_goes_gzipped_to_a_browser_that_takes_gzip():
    app, _, _ = released_app(bundle=bundle_with_script_and_image())
    response = Client().get(f"/mp/{app.app_id}/app.js", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert len(response.content) < len(SCRIPT) / 10
    assert gzip.decompress(response.content) == SCRIPT


def test_a_client_that_takes_no_gzip_gets_the_file_as_it_is():
    app, _, _ = released_app(bundle=bundle_with_script_and_image())
    response = Client().get(f"/mp/{app.app_id}/app.js")
    assert not response.has_header("Content-Encoding")
    assert response.content == SCRIPT


def test_an_image_is_sent_as_it_is_compressed_or_not():
    app, _, _ = released_app(bundle=bundle_with_script_and_image())
    response = Client().get(f"/mp/{app.app_id}/logo.png", HTTP_ACCEPT_ENCODING="gzip")
    assert not response.has_header("Content-Encoding")
    assert response.content == PIXEL


def test_reopening_an_app_revalidates_its_files_without_reading_the_zip(
    django_assert_num_queries,
):
    app, _, _ = released_app(bundle=bundle_with_script_and_image())
    client, url = Client(), f"/mp/{app.app_id}/app.js"
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert first["Cache-Control"] == "no-cache"
    with django_assert_num_queries(1):  # the released version's manifest, not its zip
        again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_the_gzipped_and_the_plain_file_are_told_apart_by_their_tags():
    app, _, _ = released_app(bundle=bundle_with_script_and_image())
    client, url = Client(), f"/mp/{app.app_id}/app.js"
    zipped_tag = client.get(url, HTTP_ACCEPT_ENCODING="gzip")["ETag"]
    plain = client.get(url, HTTP_IF_NONE_MATCH=zipped_tag)
    assert plain.status_code == 200
    assert plain.content == SCRIPT
    assert plain["ETag"] != zipped_tag


def test_a_new_release_is_fetched_again_not_answered_from_the_old_tag():
    app, _, owner = released_app(bundle=bundle_with_script_and_image())
    client, url = Client(), f"/mp/{app.app_id}/app.js"
    old_tag = client.get(url)["ETag"]
    files = {f"{page}.html": b"<h1>page</h1>" for page in PAGES}
    release(app, owner, version="1.1.0", bundle=bundle_bytes(files={**files, "app.js": b"v2"}))
    response = client.get(url, HTTP_IF_NONE_MATCH=old_tag)
    assert response.status_code == 200
    assert response.content == b"v2"
    assert response["ETag"] != old_tag


def test_plaza_pages_keep_their_strict_headers():
    response = Client().get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response.get("Cross-Origin-Resource-Policy") != "cross-origin"


def test_the_bundle_root_opens_the_entry_page_at_its_own_path_so_relative_urls_resolve():
    app, _, owner = developer_app()
    release(app, owner, version="1.0.0", bundle=build_bundle())
    client = Client()
    root = client.get(f"/mp/{app.app_id}/")
    assert root.status_code == 302
    entry_url = root["Location"]
    assert entry_url == f"/mp/{app.app_id}/pages/index.html"
    assert "sandbox allow-scripts" in root["Content-Security-Policy"]
    entry = client.get(entry_url)
    assert entry.status_code == 200
    scripts = re.findall(r'<script src="([^"]+)"', entry.content.decode())
    assert "../plaza-sdk.js" in scripts
    for script in scripts:
        loaded = client.get(urljoin(entry_url, script))
        assert loaded.status_code == 200, script
        assert loaded["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_the_trial_root_opens_the_entry_page_inside_the_trial_path(client_for):
    app, _, owner = released_app()
    tester_client = client_for(owner)
    dev = f"/api/v1/dev/miniprograms/{app.app_id}/versions"
    version_id = tester_client.post(
        dev, {"version": "1.1.0", "bundle": upload_file(bundle_bytes())}, format="multipart"
    ).json()["id"]
    assert tester_client.post(f"{dev}/{version_id}/trial").json()["status"] == "trial"
    bundle_url = tester_client.get(f"/api/v1/miniprograms/{app.app_id}").json()["bundle_url"]
    trial_root = "/mp/" + bundle_url.split("/mp/", 1)[1]
    response = Client().get(trial_root)
    assert response.status_code == 302
    assert response["Location"] == f"{trial_root}pages/index.html"


def test_bundle_url_follows_the_host_and_port_that_serve_plaza(api, settings):
    app, _, _ = released_app()
    launch = api.get(f"/api/v1/miniprograms/{app.app_id}", HTTP_HOST="127.0.0.1:8765")
    assert launch.json()["bundle_url"] == f"http://127.0.0.1:8765/mp/{app.app_id}/"
    settings.MINIPROGRAM_BUNDLE_BASE_URL = "https://bundles.plaza.test/mp"
    launch = api.get(f"/api/v1/miniprograms/{app.app_id}", HTTP_HOST="127.0.0.1:8765")
    assert launch.json()["bundle_url"] == f"https://bundles.plaza.test/mp/{app.app_id}/"


def test_qr_links_open_the_app_route_on_the_public_base_url(client_for, settings):
    app, _, owner = released_app()
    client = client_for(owner)
    url = f"/api/v1/dev/miniprograms/{app.app_id}/links"
    body = {"path": "pages/order", "scene": "table=12"}
    made = client.post(url, body, format="json", HTTP_HOST="127.0.0.1:8765").json()
    expected = f"/apps/{app.app_id}?path=pages%2Forder&scene=table%3D12"
    assert made["url"] == f"http://127.0.0.1:8765{expected}"
    settings.PUBLIC_BASE_URL = "https://app.plaza.test"
    made = client.post(url, body, format="json", HTTP_HOST="127.0.0.1:8765").json()
    assert made["url"] == f"https://app.plaza.test{expected}"


def test_long_links_resolve_on_plaza_to_the_app_route_with_page_and_query(client_for):
    app, _, owner = released_app()
    made = (
        client_for(owner)
        .post(
            f"/api/v1/dev/miniprograms/{app.app_id}/links",
            {"path": "pages/order", "query": "campaign=spring&table=4"},
            format="json",
            HTTP_HOST="127.0.0.1:8765",
        )
        .json()
    )
    assert made["url"].startswith("http://127.0.0.1:8765/mp/l/")
    link_path = made["url"].removeprefix("http://127.0.0.1:8765")
    response = Client().get(link_path, HTTP_HOST="127.0.0.1:8765")
    assert response.status_code == 302
    assert response["Location"] == (
        f"http://127.0.0.1:8765/apps/{app.app_id}"
        "?path=pages%2Forder&query=campaign%3Dspring%26table%3D4"
    )
    missing = Client().get("/mp/l/nope")
    assert missing.status_code == 404
    assert missing.json()["code"] == "link_not_found"


def test_bundle_pages_may_be_framed_by_the_plaza_app_origin(settings):
    app, _, _ = released_app()
    settings.PUBLIC_BASE_URL = "https://app.plaza.test"
    response = Client().get(f"/mp/{app.app_id}/pages/index.html", HTTP_HOST="127.0.0.1")
    assert csp_directive(response, "frame-ancestors") == "'self' https://app.plaza.test"
    # X-Frame-Options cannot name another origin; the CSP decides.
    assert "X-Frame-Options" not in response


def test_without_a_public_base_url_only_the_serving_origin_may_frame_bundles():
    app, _, _ = released_app()
    response = Client().get(f"/mp/{app.app_id}/pages/index.html")
    assert csp_directive(response, "frame-ancestors") == "'self'"


def test_localhost_development_servers_are_reachable_under_debug(settings):
    app, _, _ = released_app()
    settings.DEBUG = True
    connect = csp_directive(Client().get(f"/mp/{app.app_id}/pages/index.html"), "connect-src")
    assert "http://127.0.0.1:*" in connect.split() and "http://localhost:*" in connect.split()


def test_localhost_development_servers_are_refused_in_production(settings):
    app, _, _ = released_app()
    settings.DEBUG = False
    connect = csp_directive(Client().get(f"/mp/{app.app_id}/pages/index.html"), "connect-src")
    assert connect == "'self' https:"


def test_bundles_may_call_plazas_own_api_on_its_public_origin(settings):
    app, _, _ = released_app()
    settings.DEBUG, settings.PUBLIC_BASE_URL = False, "http://127.0.0.1:8123"
    connect = csp_directive(Client().get(f"/mp/{app.app_id}/pages/index.html"), "connect-src")
    assert connect.split() == ["'self'", "http://127.0.0.1:8123", "https:"]


def test_the_sign_in_page_is_a_plain_form_without_scripts():
    UserFactory()
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert b"<script" not in response.content
    assert b'name="password"' in response.content
