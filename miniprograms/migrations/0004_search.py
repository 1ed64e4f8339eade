from django.db import migrations

from superapp.core.fulltext import AddSearchDocument, Document


class Migration(migrations.Migration):
    dependencies = [("miniprograms", "0003_existing_apps_oidc"), ("core", "0004_search_functions")]

    operations = [
        AddSearchDocument(
            Document(table="miniprograms_miniprogram", fields=(("name", "A"),), names=("name",))
        )
    ]
