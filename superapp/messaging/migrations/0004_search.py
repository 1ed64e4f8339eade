from django.db import migrations

from superapp.core.fulltext import AddSearchDocument, Document


class Migration(migrations.Migration):
    dependencies = [("messaging", "0003_notice_names"), ("core", "0004_search_functions")]

    operations = [
        AddSearchDocument(Document(table="messaging_message", fields=(("text", "A"),))),
        AddSearchDocument(
            Document(table="messaging_conversation", fields=(("title", "A"),), names=("title",))
        ),
    ]
