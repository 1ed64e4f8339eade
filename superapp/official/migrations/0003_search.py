from django.db import migrations

from superapp.core.fulltext import AddSearchDocument, Document


class Migration(migrations.Migration):
    dependencies = [("official", "0002_official_accounts"), ("core", "0004_search_functions")]

    operations = [
        AddSearchDocument(
            Document(
                table="official_officialaccount",
                fields=(("name", "A"), ("description", "B")),
                names=("name",),
            )
        ),
        AddSearchDocument(
            Document(
                table="official_article",
                fields=(("title", "A"),),
                json_text=("body",),
                names=("title",),
            )
        ),
    ]
