from django.conf import settings
from django.db import migrations

APP_SCOPES = ["address", "loyalty", "pay", "phone", "profile", "subscribe_message"]


def upgrade_existing_apps(apps, schema_editor):
    """Apps registered before the platform existed keep every scope and gain OIDC signing."""
    MiniProgram = apps.get_model("miniprograms", "MiniProgram")
    for miniprogram in MiniProgram.objects.select_related("oauth_application"):
        miniprogram.allowed_scopes = miniprogram.allowed_scopes or APP_SCOPES
        miniprogram.save(update_fields=["allowed_scopes"])
        application = miniprogram.oauth_application
        application.algorithm = "RS256"
        application.redirect_uris = (
            f"{settings.MINIPROGRAM_BUNDLE_BASE_URL}/{miniprogram.app_id}/"
        )
        application.save(update_fields=["algorithm", "redirect_uris"])


class Migration(migrations.Migration):
    dependencies = [("miniprograms", "0002_platform")]

    operations = [migrations.RunPython(upgrade_existing_apps, migrations.RunPython.noop)]
