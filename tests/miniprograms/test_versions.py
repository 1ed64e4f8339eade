"""Bundles, their limits and manifests; the review lifecycle and who may move it; serving."""

import pytest

from miniprograms import services
from miniprograms.models import MiniProgramVersion, VersionAuditEntry
from tests.factories import UserFactory
from tests.helpers import assert_queries_constant, join_team
from tests.miniprograms.factories import (
    PAGES,
    bundle_bytes,
    developer_app,
    manifest,
    release,
    upload_file,
)

pytestmark = pytest.mark.django_db


def versions_url(app):
    return f"/api/v1/dev/miniprograms/{app.app_id}/versions"


def upload(client, app, data: bytes, version="1.0.0"):
    return client.post(
        versions_url(app), {"version": version, "bundle": upload_file(data)}, format="multipart"
    )


@pytest.fixture
def app_and_owner(client_for):
    app, _, owner = developer_app()
    return app, client_for(owner)


@pytest.fixture
def reviewer(client_for):
    return client_for(UserFactory(is_staff=True))


def test_a_valid_bundle_is_stored_as_a_draft(app_and_owner):
    app, owner = app_and_owner
    response = upload(owner, app, bundle_bytes())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["manifest"] == manifest()
    assert [entry["action"] for entry in body["audit"]] == ["upload"]


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        (b"not a zip", "invalid_bundle", None),
        (bundle_bytes(app_json=False), "invalid_manifest", None),
        (bundle_bytes(raw_manifest=b"{oops"), "invalid_manifest", None),
        (bundle_bytes(raw_manifest=b"[1, 2]"), "invalid_manifest", None),
        (bundle_bytes(manifest(name="")), "invalid_manifest", "name"),
        (bundle_bytes(manifest(pages=[])), "invalid_manifest", "pages"),
        (bundle_bytes(manifest(pages=["../etc"])), "invalid_manifest", "pages"),
        (bundle_bytes(manifest(pages=[*PAGES, "pages/missing"])), "invalid_manifest", "pages"),
        (bundle_bytes(manifest(entry_page="pages/other")), "invalid_manifest", "entry_page"),
        (bundle_bytes(manifest(scopes=["root"])), "invalid_manifest", "scopes"),
        (bundle_bytes(files={"../evil.html": b"x"}), "invalid_bundle", None),
    ],
)
def test_malformed_bundles_are_refused_and_nothing_is_stored(app_and_owner, data, code, field):
    app, owner = app_and_owner
    response = upload(owner, app, data)
    assert response.status_code == 400
    assert response.json()["code"] == code
    if field:
        assert field in response.json()["fields"]
    assert not MiniProgramVersion.objects.exists()
    assert not VersionAuditEntry.objects.exists()


def test_a_manifest_cannot_request_scopes_the_app_is_not_allowed(client_for):
    app, _, owner = developer_app(scopes=["profile"])
    response = upload(client_for(owner), app, bundle_bytes(manifest(scopes=["pay"])))
    assert response.status_code == 400
    assert "scopes" in response.json()["fields"]


def test_packages_over_the_size_limit_are_refused(app_and_owner, settings):
    settings.MINIPROGRAM_PACKAGE_MAX_BYTES = 4096
    app, owner = app_and_owner
    big = bundle_bytes(files={f"{p}.html": b"x" * 3000 for p in PAGES})  # compresses well
    response = upload(owner, app, big)
    assert response.status_code == 400
    assert response.json()["code"] == "package_too_large"
    assert not MiniProgramVersion.objects.exists()


def test_uploads_larger_than_the_limit_are_refused_before_unpacking(app_and_owner, settings):
    settings.MINIPROGRAM_PACKAGE_MAX_BYTES = 1000
    app, owner = app_and_owner
    response = upload(owner, app, b"\0" * 5000)
    assert response.status_code == 400
    assert response.json()["code"] == "package_too_large"


def test_the_app_storage_limit_counts_every_stored_version(app_and_owner, settings):
    app, owner = app_and_owner
    first = upload(owner, app, bundle_bytes(), version="1").json()
    settings.MINIPROGRAM_APP_MAX_BYTES = 2 * first["bundle_size"]
    assert upload(owner, app, bundle_bytes(), version="2").status_code == 201
    refused = upload(owner, app, bundle_bytes(), version="3")
    assert refused.status_code == 400
    assert refused.json()["code"] == "app_storage_exceeded"
    assert MiniProgramVersion.objects.count() == 2
    draft = MiniProgramVersion.objects.first()
    assert owner.delete(f"{versions_url(app)}/{draft.pk}").status_code == 204
    assert upload(owner, app, bundle_bytes(), version="3").status_code == 201


def test_version_numbers_are_unique_per_app(app_and_owner):
    app, owner = app_and_owner
    upload(owner, app, bundle_bytes())
    assert upload(owner, app, bundle_bytes()).json()["code"] == "version_exists"


def test_outsiders_cannot_upload(app_and_owner, api):
    app, _ = app_and_owner
    assert upload(api, app, bundle_bytes()).status_code == 404


def test_full_lifecycle_is_audited(app_and_owner, reviewer):
    app, owner = app_and_owner
    version_id = upload(owner, app, bundle_bytes()).json()["id"]
    base = f"{versions_url(app)}/{version_id}"
    assert owner.post(f"{base}/trial").json()["status"] == "trial"
    assert owner.post(f"{base}/submit").json()["status"] == "submitted"
    queue = reviewer.get("/api/v1/review/versions").json()["results"]
    assert [v["id"] for v in queue] == [version_id]
    approved = reviewer.post(f"/api/v1/review/versions/{version_id}/approve", {}, format="json")
    assert approved.json()["status"] == "approved"
    released = owner.post(f"{base}/release").json()
    assert released["status"] == "released"
    assert [(e["action"], e["from_status"], e["to_status"]) for e in released["audit"]] == [
        ("upload", "", "draft"),
        ("trial", "draft", "trial"),
        ("submit", "trial", "submitted"),
        ("approve", "submitted", "approved"),
        ("release", "approved", "released"),
    ]


def test_a_developer_cannot_approve_or_reject(app_and_owner):
    app, owner = app_and_owner
    version_id = upload(owner, app, bundle_bytes()).json()["id"]
    owner.post(f"{versions_url(app)}/{version_id}/submit")
    for action in ("approve", "reject"):
        response = owner.post(
            f"/api/v1/review/versions/{version_id}/{action}", {"reason": "mine"}, format="json"
        )
        assert response.status_code == 403
    assert owner.get("/api/v1/review/versions").status_code == 403
    assert MiniProgramVersion.objects.get().status == "submitted"


def test_a_rejection_needs_a_reason_and_is_shown_to_the_developer(app_and_owner, reviewer):
    app, owner = app_and_owner
    version_id = upload(owner, app, bundle_bytes()).json()["id"]
    owner.post(f"{versions_url(app)}/{version_id}/submit")
    url = f"/api/v1/review/versions/{version_id}/reject"
    assert reviewer.post(url, {}, format="json").status_code == 400
    rejected = reviewer.post(url, {"reason": "Crashes on start"}, format="json").json()
    assert rejected["status"] == "rejected"
    seen = owner.get(f"{versions_url(app)}/{version_id}").json()
    assert seen["review_reason"] == "Crashes on start"
    assert seen["audit"][-1]["reason"] == "Crashes on start"


@pytest.mark.parametrize("step", ["release", "trial"])
def test_steps_out_of_order_are_conflicts(app_and_owner, reviewer, step):
    app, owner = app_and_owner
    version_id = upload(owner, app, bundle_bytes()).json()["id"]
    owner.post(f"{versions_url(app)}/{version_id}/submit")
    response = owner.post(f"{versions_url(app)}/{version_id}/{step}")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_version_state"


def test_a_developer_role_cannot_release(client_for):
    app, _, owner = developer_app()
    developer = UserFactory()
    join_team(
        owner, kind="organisation", team_id=app.organisation_id, user=developer, role="developer"
    )
    dev = client_for(developer)
    version_id = upload(dev, app, bundle_bytes()).json()["id"]
    dev.post(f"{versions_url(app)}/{version_id}/submit")
    client_for(UserFactory(is_staff=True)).post(f"/api/v1/review/versions/{version_id}/approve")
    response = dev.post(f"{versions_url(app)}/{version_id}/release")
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_role"


def test_releases_are_served_with_a_strict_csp_and_no_cookies(client_for):
    app, _, owner = developer_app()
    release(app, owner, version="1.0.0")
    client = client_for(owner)
    client.cookies["sessionid"] = "plaza-session"
    response = client.get(f"/mp/{app.app_id}/pages/index.html")
    assert response.status_code == 200
    assert response.content == b"<h1>pages/index</h1>"
    assert response["Content-Type"].startswith("text/html")
    csp = response["Content-Security-Policy"]
    assert "sandbox allow-scripts" in csp and "allow-same-origin" not in csp
    assert "default-src 'self'" in csp
    assert not response.cookies
    assert client.get(f"/mp/{app.app_id}/")["Location"] == f"/mp/{app.app_id}/pages/index.html"
    # The root is the app's OAuth redirect URI: the code and state reach the entry page.
    assert (
        client.get(f"/mp/{app.app_id}/?code=abc&state=xyz")["Location"]
        == f"/mp/{app.app_id}/pages/index.html?code=abc&state=xyz"
    )
    assert client.get(f"/mp/{app.app_id}/app.json").status_code == 404
    assert client.get(f"/mp/{app.app_id}/nope.js").status_code == 404


def test_unreleased_bundles_are_not_served(client_for):
    app, _, owner = developer_app()
    upload(client_for(owner), app, bundle_bytes())
    assert client_for(owner).get(f"/mp/{app.app_id}/pages/index.html").status_code == 404


def test_rollback_serves_the_previous_release(client_for):
    app, _, owner = developer_app()
    release(app, owner, version="1.0.0")
    second = bundle_bytes(files={f"{p}.html": b"v2" for p in PAGES})
    release(app, owner, version="2.0.0", bundle=second)
    client = client_for(owner)
    assert client.get(f"/mp/{app.app_id}/pages/index.html").content == b"v2"
    rolled = client.post(f"/api/v1/dev/miniprograms/{app.app_id}/rollback")
    assert rolled.json()["version"] == "1.0.0"
    assert rolled.json()["audit"][-1]["action"] == "rollback"
    assert client.get(f"/mp/{app.app_id}/pages/index.html").content == b"<h1>pages/index</h1>"
    statuses = dict(MiniProgramVersion.objects.values_list("version", "status"))
    assert statuses == {"1.0.0": "released", "2.0.0": "rolled_back"}
    again = client.post(f"/api/v1/dev/miniprograms/{app.app_id}/rollback")
    assert again.status_code == 409
    assert again.json()["code"] == "nothing_to_roll_back"


def test_the_trial_version_is_opened_by_testers_only(client_for):
    app, _, owner = developer_app()
    release(app, owner, version="1.0.0")
    owner_client = client_for(owner)
    trial_bundle = bundle_bytes(files={f"{p}.html": b"trial" for p in PAGES})
    version_id = upload(owner_client, app, trial_bundle, version="1.1.0").json()["id"]
    owner_client.post(f"{versions_url(app)}/{version_id}/trial")
    tester, stranger = UserFactory(), UserFactory()
    owner_client.post(
        f"/api/v1/dev/miniprograms/{app.app_id}/testers",
        {"username": tester.username},
        format="json",
    )

    seen_by_tester = client_for(tester).get(f"/api/v1/miniprograms/{app.app_id}").json()
    assert seen_by_tester["trial"] is True and seen_by_tester["version"] == "1.1.0"
    path = seen_by_tester["bundle_url"].split("/mp/", 1)[1]
    assert client_for(tester).get(f"/mp/{path}pages/index.html").content == b"trial"
    seen_by_stranger = client_for(stranger).get(f"/api/v1/miniprograms/{app.app_id}").json()
    assert seen_by_stranger["trial"] is False and seen_by_stranger["version"] == "1.0.0"
    forged = f"/mp/{app.app_id}/~trial/forged-token/pages/index.html"
    assert client_for(stranger).get(forged).status_code == 404


def test_a_new_trial_sends_the_previous_one_back_to_draft(app_and_owner):
    app, owner = app_and_owner
    first = upload(owner, app, bundle_bytes(), version="1").json()["id"]
    second = upload(owner, app, bundle_bytes(), version="2").json()["id"]
    owner.post(f"{versions_url(app)}/{first}/trial")
    owner.post(f"{versions_url(app)}/{second}/trial")
    statuses = dict(MiniProgramVersion.objects.values_list("version", "status"))
    assert statuses == {"1": "draft", "2": "trial"}
    audit = owner.get(f"{versions_url(app)}/{first}").json()["audit"]
    assert [e["action"] for e in audit] == ["upload", "trial", "untrial"]


def test_the_review_queue_has_no_n_plus_one(reviewer):
    counter = iter(range(1000))

    def build(n):
        for _ in range(n):
            app, _, owner = developer_app()
            version = services.version_upload(
                actor=owner, app_id=app.app_id, version=str(next(counter)), bundle=bundle_bytes()
            )
            services.version_submit(actor=owner, app_id=app.app_id, version_id=version.pk)

    assert_queries_constant(build, lambda: reviewer.get("/api/v1/review/versions"))


def test_packages_with_too_many_files_are_refused(app_and_owner, settings):
    settings.MINIPROGRAM_PACKAGE_MAX_FILES = 3
    app, owner = app_and_owner
    response = upload(owner, app, bundle_bytes())  # app.json, two pages, app.js
    assert response.status_code == 400
    assert response.json()["code"] == "bundle_too_many_files"


def test_the_number_of_testers_is_limited(client_for, settings):
    settings.MINIPROGRAM_TESTERS_MAX = 1
    app, _, owner = developer_app()
    url = f"/api/v1/dev/miniprograms/{app.app_id}/testers"
    client = client_for(owner)
    assert client.post(url, {"username": UserFactory().username}, format="json").status_code == 201
    refused = client.post(url, {"username": UserFactory().username}, format="json")
    assert refused.status_code == 422
    assert refused.json()["code"] == "too_many_testers"


def test_trial_links_expire(client_for, settings):
    app, _, owner = developer_app()
    client = client_for(owner)
    version_id = upload(client, app, bundle_bytes()).json()["id"]
    client.post(f"{versions_url(app)}/{version_id}/trial")
    bundle_url = client.get(f"/api/v1/miniprograms/{app.app_id}").json()["bundle_url"]
    path = "/mp/" + bundle_url.split("/mp/", 1)[1] + "pages/index.html"
    assert client.get(path).status_code == 200
    settings.MINIPROGRAM_TRIAL_LINK_SECONDS = -1
    assert client.get(path).status_code == 404
