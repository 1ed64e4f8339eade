"""Mini-program hot paths through the real API stack (DRF, OAuth2 auth, PostgreSQL, Redis):
login code issue, code2session, the open-API user read, and bundle validation.

    /work/main/.venv/bin/python bench/miniprograms_login.py [iterations]

It runs in a fresh database of its own next to ``DATABASE_URL``'s (bench/_database.py),
migrated first and dropped at the end.
"""

import base64
import io
import os
import sys
import time
import zipfile

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "superapp.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
from _database import fresh_database

fresh_database("miniprograms_login_bench")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from miniprograms import bundles, services  # noqa: E402
from superapp.accounts.models import User  # noqa: E402
from superapp.accounts.services import token_issue  # noqa: E402

ITERATIONS = int(sys.argv[1]) if len(sys.argv) > 1 else 300


class Rollback(Exception):
    pass


def timed(label: str, n: int, action) -> None:
    started = time.perf_counter()
    for i in range(n):
        action(i)
    elapsed = time.perf_counter() - started
    print(f"{label}_per_s={n / elapsed:.0f}")
    print(f"{label}_mean_ms={elapsed / n * 1000:.2f}")


def big_bundle() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(
            "app.json", b'{"name": "Bench", "pages": ["pages/index"], "entry_page": "pages/index"}'
        )
        archive.writestr("pages/index.html", b"<h1>bench</h1>")
        for i in range(200):
            archive.writestr(f"assets/{i}.bin", os.urandom(9_000))
    return buffer.getvalue()


def main() -> None:
    settings.MINIPROGRAM_CODE2SESSION_PER_MINUTE = 10**9
    settings.MINIPROGRAM_USER_API_PER_MINUTE = 10**9
    call_command("migrate", verbosity=0)
    print(f"iterations={ITERATIONS}")
    try:
        with transaction.atomic():
            owner = User.objects.create(username="bench-owner", display_name="Owner")
            consumer = User.objects.create(username="bench-consumer", display_name="Consumer")
            organisation = services.organisation_create(actor=owner, name="Bench")
            app, secret = services.miniprogram_register(
                actor=owner, organisation=organisation, name="Bench"
            )
            data = big_bundle()
            version = services.version_upload(
                actor=owner, app_id=app.app_id, version="1", bundle=data
            )
            services.version_submit(actor=owner, app_id=app.app_id, version_id=version.pk)
            reviewer = User.objects.create(username="bench-staff", is_staff=True)
            services.version_approve(reviewer=reviewer, version_id=version.pk)
            services.version_release(actor=owner, app_id=app.app_id, version_id=version.pk)

            consumer_api = APIClient()
            consumer_api.credentials(
                HTTP_AUTHORIZATION=f"Bearer {token_issue(user=consumer).access_token}"
            )
            codes = []
            timed(
                "login_code",
                ITERATIONS,
                lambda i: codes.append(
                    consumer_api.post(
                        f"/api/v1/miniprograms/{app.app_id}/login",
                        {"scopes": ["profile"]},
                        format="json",
                    ).json()["code"]
                ),
            )
            basic = "Basic " + base64.b64encode(f"{app.app_id}:{secret}".encode()).decode()
            server = APIClient()
            openids = []
            timed(
                "code2session",
                ITERATIONS,
                lambda i: openids.append(
                    server.post(
                        "/api/v1/mp/code2session",
                        {"code": codes[i]},
                        format="json",
                        HTTP_AUTHORIZATION=basic,
                    ).json()["openid"]
                ),
            )
            token = server.post(
                "/o/token/",
                "grant_type=client_credentials",
                content_type="application/x-www-form-urlencoded",
                HTTP_AUTHORIZATION=basic,
            ).json()["access_token"]
            server.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
            timed(
                "mp_user_read",
                ITERATIONS,
                lambda i: server.get(f"/api/v1/mp/users/{openids[0]}").json()["display_name"],
            )
            print(f"bundle_bytes={len(data)}")
            timed(
                "bundle_check",
                20,
                lambda i: bundles.bundle_check(data, allowed_scopes=[]),
            )
            timed(
                "bundle_file_serve",
                ITERATIONS,
                lambda i: server.get(f"/mp/{app.app_id}/pages/index.html").status_code,
            )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
