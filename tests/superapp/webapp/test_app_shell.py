"""The app at / with a history fallback and a strict CSP, never shadowing the server's routes;
Swagger UI and the admin's static files served by Plaza itself."""

import re

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

pytestmark = pytest.mark.django_db

SHELL = (
    b"<!doctype html><head><title>Plaza</title></head>"
    b'<div id="root"></div><script type="module" src="/assets/a.js"></script>'
)


@pytest.fixture
def built_app(tmp_path):
    (tmp_path / "index.html").write_bytes(SHELL)
    with override_settings(WEB_APP_DIR=tmp_path):
        yield tmp_path


@pytest.mark.parametrize("path", ["/", "/chats", "/chats/12", "/me/wallet"])
def test_the_app_shell_answers_its_client_routes_with_a_strict_csp(built_app, path):
    response = Client().get(path)
    assert response.status_code == 200
    assert response.content.replace(_nonce_meta(response), b"") == SHELL
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert "frame-ancestors 'none'" in csp
    assert "frame-src 'self'" in csp  # bundles on Plaza's own origin unless configured
    assert "connect-src 'self';" in csp  # no media server configured: Plaza only


def _nonce_meta(response) -> bytes:
    (meta,) = re.findall(rb'<meta name="csp-nonce" content="[^"]+">', response.content)
    return meta


def test_only_styles_carrying_the_answers_own_nonce_are_allowed_inline(built_app):
    """A dialog's scroll lock is a <style> element the app's script adds: it carries the nonce
    the shell's <meta> gives, which the CSP allows, and every answer has its own."""
    answers = [Client().get("/wallet") for _ in range(2)]
    nonces = [re.search(rb'content="([^"]+)"', _nonce_meta(a)).group(1).decode() for a in answers]
    assert nonces[0] != nonces[1] and all(len(nonce) >= 24 for nonce in nonces)
    for answer, nonce in zip(answers, nonces, strict=True):
        directives = dict(
            d.strip().split(" ", 1) for d in answer["Content-Security-Policy"].split(";")
        )
        assert directives["style-src"] == f"'self' 'nonce-{nonce}'"
        assert answer.content.index(_nonce_meta(answer)) == SHELL.index(b"<head>") + len(b"<head>")


def test_the_live_room_may_fetch_and_play_the_media_servers_hls(built_app):
    with override_settings(LIVE_MEDIA_PUBLIC_URL="http://media.plaza.test:8080/"):
        csp = Client().get("/live/3")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["connect-src"] == "'self' http://media.plaza.test:8080"
    assert directives["media-src"] == "'self' blob: https: http://media.plaza.test:8080"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nope",
        "/api/nope",
        "/o/nope",
        "/ws/x",
        "/mp/x",
        "/static/nope.js",
        "/healthzz",
        "/metricsx",
        "/favicon.ico",
        "/assets/missing.js",
    ],
)
def test_reserved_paths_and_missing_files_keep_the_json_404(built_app, path):
    response = Client().get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/v1/staff/brands/AAA/verification", "/chats"])
def test_other_methods_on_unknown_paths_get_the_json_404_not_a_csrf_page(built_app, method, path):
    response = getattr(Client(), method)(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_server_routes_still_answer(built_app):
    assert Client().get("/healthz").status_code == 200
    assert Client().get("/api/v1/me").status_code == 401


def test_without_a_built_app_the_root_is_a_json_404(tmp_path):
    with override_settings(WEB_APP_DIR=tmp_path):
        assert Client().get("/").json()["code"] == "not_found"


def test_swagger_ui_loads_its_assets_from_plaza_not_a_cdn():
    page = Client().get("/api/docs").content.decode()
    assert "cdn" not in page.lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    asset = Client().get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert asset.status_code == 200


def test_the_admins_static_files_are_served():
    response = Client().get("/static/admin/css/base.css")
    assert response.status_code == 200


@pytest.mark.parametrize("autorefresh", [False, True])
@pytest.mark.parametrize(
    ("accept", "encoding", "body"),
    [
        ("gzip, deflate, br", "br", b"brotli"),
        ("gzip, deflate", "gzip", b"gzipped"),
        ("", None, b"the script"),
    ],
)
def test_the_apps_files_travel_precompressed_and_cached_forever(
    tmp_path, autorefresh, accept, encoding, body
):
    """The build writes .br and .gz copies next to the app's files (web/app/build/precompress.ts);
    whitenoise answers with the one the browser accepts, cacheable forever and with the CSP."""
    (tmp_path / "assets").mkdir()
    for suffix, content in [("", b"the script"), (".gz", b"gzipped"), (".br", b"brotli")]:
        (tmp_path / "assets" / f"index-abc.js{suffix}").write_bytes(content)
    with override_settings(WHITENOISE_ROOT=tmp_path, WHITENOISE_AUTOREFRESH=autorefresh):
        serve = WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))
        response = serve(RequestFactory().get("/assets/index-abc.js", HTTP_ACCEPT_ENCODING=accept))
        copy = serve(RequestFactory().get("/assets/index-abc.js.gz"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == body
    assert response.get("Content-Encoding") == encoding
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Vary"] == "Accept-Encoding"
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert copy.status_code == 404  # a copy is no file of its own
