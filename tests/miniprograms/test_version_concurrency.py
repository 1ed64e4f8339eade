"""Steps that look at all of an app's versions hold the app's lock: concurrent requests can
neither release two versions nor squeeze two uploads under the storage limit."""

import pytest

from miniprograms import services
from miniprograms.models import MiniProgramVersion
from tests.factories import UserFactory
from tests.helpers import consumer_client, run_together
from tests.miniprograms.factories import bundle_bytes, developer_app, upload_file

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.embedded]


def approved_version(app, owner, version: str) -> int:
    uploaded = services.version_upload(
        actor=owner, app_id=app.app_id, version=version, bundle=bundle_bytes()
    )
    services.version_submit(actor=owner, app_id=app.app_id, version_id=uploaded.pk)
    services.version_approve(reviewer=UserFactory(is_staff=True), version_id=uploaded.pk)
    return uploaded.pk


def test_concurrent_releases_leave_exactly_one_released_version():
    app, _, owner = developer_app()
    ids = [approved_version(app, owner, v) for v in ("1", "2", "3")]
    client = consumer_client(owner)
    statuses = run_together(
        [
            lambda pk=pk: (
                client.post(
                    f"/api/v1/dev/miniprograms/{app.app_id}/versions/{pk}/release"
                ).status_code
            )
            for pk in ids
        ]
    )
    assert statuses == [200, 200, 200]
    final = sorted(MiniProgramVersion.objects.values_list("status", flat=True))
    assert final == ["released", "superseded", "superseded"]


def test_concurrent_uploads_cannot_both_fit_under_the_app_limit(settings):
    app, _, owner = developer_app()
    client = consumer_client(owner)
    first = client.post(
        f"/api/v1/dev/miniprograms/{app.app_id}/versions",
        {"version": "0", "bundle": upload_file(bundle_bytes())},
        format="multipart",
    ).json()
    settings.MINIPROGRAM_APP_MAX_BYTES = 2 * first["bundle_size"]
    statuses = run_together(
        [
            lambda v=v: (
                client.post(
                    f"/api/v1/dev/miniprograms/{app.app_id}/versions",
                    {"version": v, "bundle": upload_file(bundle_bytes())},
                    format="multipart",
                ).status_code
            )
            for v in ("1", "2", "3")
        ]
    )
    assert sorted(statuses) == [201, 400, 400]
    assert MiniProgramVersion.objects.count() == 2
