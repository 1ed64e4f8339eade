"""Demo data: alice's organisation publishes Corner Coffee (examples/coffee), reviewed by the
demo platform reviewer ``rita`` (staff). Idempotent. The app secret is printed once, when the
app is created; rotate it in the developer API if you need it again."""

from django.contrib.auth import get_user_model
from django.db import transaction

from examples.coffee.build import build_bundle
from miniprograms import services
from miniprograms.models import MiniProgram

APP_NAME = "Corner Coffee"
DEMO_PASSWORD = "plaza-demo-pass"  # the demo users' (superapp.accounts seed_demo)


@transaction.atomic
def seed(stdout) -> None:
    user_model = get_user_model()
    alice = user_model.objects.get(username="alice")
    reviewer, _ = user_model.objects.get_or_create(
        username="rita", defaults={"display_name": "Rita (Plaza review)", "is_staff": True}
    )
    # She signs in to /admin/ with the demo password (set once: a changed one is kept).
    if not reviewer.password or not reviewer.has_usable_password():
        reviewer.set_password(DEMO_PASSWORD)
        reviewer.save(update_fields=["password"])
    existing = MiniProgram.objects.filter(name=APP_NAME, organisation__members__user=alice).first()
    if existing is not None:
        stdout.write(f"miniprogram {APP_NAME}: exists ({existing.app_id})")
        return
    organisation = services.organisation_create(actor=alice, name="Corner Coffee Ltd")
    miniprogram, secret = services.miniprogram_register(
        actor=alice, organisation=organisation, name=APP_NAME
    )
    version = services.version_upload(
        actor=alice, app_id=miniprogram.app_id, version="1.0.0", bundle=build_bundle()
    )
    services.version_submit(actor=alice, app_id=miniprogram.app_id, version_id=version.pk)
    services.version_approve(reviewer=reviewer, version_id=version.pk, reason="Demo")
    services.version_release(actor=alice, app_id=miniprogram.app_id, version_id=version.pk)
    stdout.write(
        f"miniprogram {APP_NAME}: created app_id={miniprogram.app_id} app_secret={secret} "
        f"(reviewer: rita, staff, password {DEMO_PASSWORD})"
    )
