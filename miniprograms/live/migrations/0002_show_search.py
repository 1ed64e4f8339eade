from django.db import migrations

from superapp.core.fulltext import AddSearchDocument, Document


class Migration(migrations.Migration):
    dependencies = [("live", "0001_initial"), ("core", "0004_search_functions")]

    operations = [
        AddSearchDocument(
            Document(table="live_show", fields=(("title", "A"),), names=("title",))
        )
    ]
